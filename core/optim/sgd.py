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
        self._check()

    def _check(self):
        super()._check()
        check_unit("momentum", self.momentum)
        check_nonnegative("weight_decay", self.weight_decay)
        check_nonnegative("dampening", self.dampening)
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError("nesterov needs momentum > 0 and dampening = 0, got "
                             f"momentum={self.momentum}, dampening={self.dampening}")

    def _plain(self):
        """No weight decay, no momentum: p ← p − lr·grad."""
        return self.weight_decay == 0 and self.momentum == 0

    def _update_flat(self):
        flat = self.flat
        if (flat is None or not self._plain()
                or not flat.holds_grads([p.grad for p in self.params])
                or not flat.holds([p.data for p in self.params])):
            return False
        np.multiply(self.lr, flat.grads, flat.steps)  # (the gaps: lr·0 = 0, and p − 0 = p)
        np.subtract(flat.params, flat.steps, out=flat.params)
        return True

    def _update_all(self, ready):
        if not self._plain():
            super()._update_all(ready)
            return
        # plain SGD: no per-parameter calls, and lr·grad goes into a buffer kept per parameter
        # (a large model's temporary would otherwise be allocated and faulted in every step)
        lr, multiply, flat = self.lr, np.multiply, self.flat
        if flat is not None and flat.holds([param for _, param, _ in ready]):
            for (_, _, grad), step in zip(ready, flat.step_views):  # one subtraction for all
                multiply(lr, grad, step)
            np.subtract(flat.params, flat.steps, out=flat.params)
            return
        scratch = self._scratch
        for i, param, grad in ready:
            step = scratch[i]
            if step is None or step.shape != param.shape or step.dtype != param.dtype:
                step = scratch[i] = np.empty_like(param)
            multiply(lr, grad, step)
            param -= step

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
