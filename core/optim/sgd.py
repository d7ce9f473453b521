"""Stochastic gradient descent with optional (Nesterov) momentum, as ``torch.optim.SGD``."""
import numpy as np

from .base import Optimizer, check_nonnegative, check_unit


class SGD(Optimizer):
    """p ← p − lr·d, where d is the gradient (+ weight_decay·p), or a momentum buffer of it.

    Momentum is PyTorch's form: buf ← momentum·buf + (1 − dampening)·d (buf = d at first),
    and Nesterov steps along d + momentum·buf.
    """

    name = "sgd"
    HYPER = ("lr", "momentum", "dampening", "nesterov", "weight_decay")

    def __init__(self, params, lr=1e-3, momentum=0.0, nesterov=False, weight_decay=0.0,
                 dampening=0.0, record_updates=False):
        self.momentum, self.dampening = momentum, dampening
        self.nesterov, self.weight_decay = bool(nesterov), weight_decay
        super().__init__(params, lr, record_updates)
        self._scratch = [None] * len(self.params)  # per parameter, a buffer for its lr·grad
        self._shared = None  # see _shared_steps
        self._check()

    def _check(self):
        super()._check()
        check_unit("momentum", self.momentum)
        check_nonnegative("weight_decay", self.weight_decay)
        check_nonnegative("dampening", self.dampening)
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError("nesterov needs momentum > 0 and dampening = 0, got "
                             f"momentum={self.momentum}, dampening={self.dampening}")

    def _update_all(self, ready):
        if self.weight_decay != 0 or self.momentum != 0:
            super()._update_all(ready)
            return
        # plain SGD: no per-parameter calls, and lr·grad goes into a buffer kept per parameter
        # (a large model's temporary would otherwise be allocated and faulted in every step)
        lr, scratch, multiply = self.lr, self._scratch, np.multiply
        shared = self._shared_steps(ready)
        if shared is not None:  # every step written at its parameter's place: one subtraction
            for (_, _, grad), step in zip(ready, shared[2]):
                multiply(lr, grad, step)
            np.subtract(shared[0], shared[1], out=shared[0])
            return
        for i, param, grad in ready:
            step = scratch[i]
            if step is None or step.shape != param.shape or step.dtype != param.dtype:
                step = scratch[i] = np.empty_like(param)
            multiply(lr, grad, step)
            param -= step

    def _shared_steps(self, ready):
        """(buffer, steps buffer, step views, parameter arrays) when every parameter has a
        gradient and is a C-contiguous view of one 1-D buffer of its dtype (as a trainer lays
        them out): the steps then sit at the same offsets of a zeroed buffer of the same size, so
        that subtracting the whole steps buffer updates every parameter at once and leaves the
        gaps between them as they were (x − 0 = x). None otherwise."""
        if len(ready) != len(self.params):
            return None
        shared = self._shared
        if shared is not None and all(param is old for (_, param, _), old in zip(ready, shared[3])):
            return shared
        self._shared = None
        base = ready[0][1].base
        if base is None or base.ndim != 1 or not base.flags.c_contiguous or not all(
                param.base is base and param.dtype == base.dtype and param.flags.c_contiguous
                for _, param, _ in ready):
            return None
        offsets = [(param.ctypes.data - base.ctypes.data) // base.itemsize for _, param, _ in ready]
        spans = sorted(zip(offsets, [param.size for _, param, _ in ready]))
        if any(start + size > after for (start, size), (after, _) in zip(spans, spans[1:])):
            return None  # overlapping parameters: each subtraction must apply
        steps = np.zeros_like(base)
        views = [steps[start:start + param.size].reshape(param.shape)
                 for start, (_, param, _) in zip(offsets, ready)]
        self._shared = base, steps, views, [param for _, param, _ in ready]
        return self._shared

    def _update(self, param, grad, state):
        d = grad
        if self.weight_decay != 0:
            d = d + self.weight_decay * param
        if self.momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = d.copy()
            else:
                buf *= self.momentum
                buf += (1 - self.dampening) * d
            d = d + self.momentum * buf if self.nesterov else buf
        param -= self.lr * d
