"""What every optimizer shares: parameters, zero_grad, step bookkeeping, state_dict.

Updates follow PyTorch's single-tensor implementations line by line. Parameters are engine
Tensors: ``p.data`` is updated IN PLACE (models and trainers holding the array see it);
``p.grad`` is only read (it may alias other arrays) and a parameter whose grad is None is
skipped, as in PyTorch.
"""
import numbers

import numpy as np

from ..autodiff import Tensor


class Optimizer:
    """Base class; subclasses set ``name``, ``HYPER`` and implement ``_update``."""

    name = ""
    HYPER = ("lr",)

    def __init__(self, params, lr, record_updates=False):
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{type(self).__name__}: got an empty parameter list")
        for p in self.params:
            if not isinstance(p, Tensor):
                raise TypeError(f"{type(self).__name__}: parameters must be Tensors, got {type(p).__name__}")
        if len({id(p) for p in self.params}) != len(self.params):
            raise ValueError(f"{type(self).__name__}: a parameter appears more than once")
        self.lr = lr
        self.record_updates = bool(record_updates)
        self.last_update = None
        self.state = [{} for _ in self.params]  # per parameter, created on its first update
        self.step_count = 0
        self._checked = None  # the hyperparameter values step() last found valid
        # a core.optim.flat.FlatParameters holding the parameters' arrays (a trainer lays them out
        # so): an optimizer may then update them all at once while they are its views
        self.flat = None

    @property
    def lr(self):
        """Learning rate; may be changed between steps (checked to be > 0)."""
        return self._lr

    @lr.setter
    def lr(self, value):
        self._lr = _positive("lr", value)

    def zero_grad(self):
        """Forget the parameters' gradients (``p.grad = None``) before the next backward."""
        for p in self.params:
            p.grad = None

    def step(self):
        """Apply one update to every parameter that has a gradient.

        With ``record_updates``, ``last_update`` becomes a list (one entry per parameter,
        None for a skipped one) of {"before", "step" (after − before), "after"} arrays.
        """
        hyper = tuple([getattr(self, k) for k in self.HYPER])
        if hyper != self._checked:  # checking costs more than the update of a small model
            self._check()
            self._checked = hyper
        record = self.record_updates
        if not record and self._update_flat():
            self.step_count += 1
            self.last_update = None
            return
        updates = [] if record else None
        ready = []  # (index, param array, grad array) of the parameters that have a gradient
        for i, p in enumerate(self.params):
            grad, data = p.grad, p.data
            if grad is None:
                if record:
                    updates.append(None)
                continue
            if type(grad) is not np.ndarray or grad.dtype != data.dtype or grad.shape != data.shape:
                grad = self._plain_grad(i, p)  # the engine's backward already gives such arrays
            if record:
                before = data.copy()
                self._update(data, grad, self.state[i])
                after = data.copy()
                updates.append({"before": before, "step": after - before, "after": after})
            else:
                ready.append((i, data, grad))
        self._update_all(ready)
        self.step_count += 1
        self.last_update = updates

    def _plain_grad(self, i, p):
        """``p.grad`` as an array of p's dtype; ValueError when its shape is not p's."""
        grad = np.asarray(p.grad.data if isinstance(p.grad, Tensor) else p.grad, dtype=p.data.dtype)
        if grad.shape != p.shape:
            raise ValueError(f"{type(self).__name__}: parameter {i} ({p.name}) has shape "
                             f"{p.shape} but its grad has shape {grad.shape}")
        return grad

    def _update_flat(self):
        """Update every parameter at once where ``flat`` holds them and their gradients (a
        subclass that can); True if it did, else the update goes parameter by parameter."""
        return False

    def _update_all(self, ready):
        """Update each (index, param, grad) of ``ready`` in place; a subclass may do it faster."""
        for i, param, grad in ready:
            self._update(param, grad, self.state[i])

    def _update(self, param, grad, state):
        raise NotImplementedError

    def _check(self):
        """Validate the hyperparameters (they are plain attributes and may change live)."""
        _positive("lr", self.lr)

    @property
    def hyper(self):
        """The hyperparameters as plain JSON-friendly values."""
        return {k: _plain(getattr(self, k)) for k in self.HYPER}

    def state_dict(self):
        """{"type", "hyper", "step", "state": {param_index: {name: array | int}}} (copies)."""
        return {"type": self.name, "hyper": self.hyper, "step": self.step_count,
                "state": {i: {k: _copy(v) for k, v in s.items()}
                          for i, s in enumerate(self.state) if s}}

    def load_state_dict(self, state_dict):
        """Restore hyperparameters, step count and per-parameter state (validated first)."""
        kind = state_dict.get("type")
        if kind != self.name:
            raise ValueError(f"{type(self).__name__}.load_state_dict: state is for {kind!r}, not {self.name!r}")
        restored = [{} for _ in self.params]
        for key, entries in state_dict.get("state", {}).items():
            i = int(key)  # JSON turns the integer keys into strings
            if not 0 <= i < len(self.params):
                raise ValueError(f"{type(self).__name__}.load_state_dict: state for parameter {i}, "
                                 f"but the optimizer has {len(self.params)} parameters")
            p = self.params[i]
            for name, value in entries.items():
                if name == "step":
                    restored[i][name] = int(value)
                    continue
                value = np.array(value, dtype=p.data.dtype)
                if value.shape != p.shape:
                    raise ValueError(f"{type(self).__name__}.load_state_dict: '{name}' of parameter {i} "
                                     f"has shape {value.shape}, the parameter {p.shape}")
                restored[i][name] = value
        previous = {k: getattr(self, k) for k in self.HYPER}
        try:
            for k, v in state_dict.get("hyper", {}).items():
                if k not in self.HYPER:
                    raise ValueError(f"{type(self).__name__}.load_state_dict: unknown hyperparameter {k!r}")
                setattr(self, k, tuple(v) if isinstance(v, list) else v)
            self._check()
        except (ValueError, TypeError):
            for k, v in previous.items():
                setattr(self, k, v)
            raise
        self.state = restored
        self.step_count = int(state_dict.get("step", 0))

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyper.items())
        return f"{type(self).__name__}({args})"


def _positive(what, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0 \
            or not np.isfinite(value):
        raise ValueError(f"{what} must be a finite number > 0, got {value!r}")
    return float(value)


def check_unit(what, value):
    """value in [0, 1), as momentum, alpha and the betas must be."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0.0 <= value < 1.0:
        raise ValueError(f"{what} must be in [0, 1), got {value!r}")


def check_nonnegative(what, value):
    """value a finite number ≥ 0, as eps, weight_decay and dampening must be."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0.0 <= value < np.inf:
        raise ValueError(f"{what} must be a finite number ≥ 0, got {value!r}")


def lerp_(start, end, weight):
    """start ← start + weight·(end − start), in place, rounded exactly as torch.lerp_ rounds."""
    if abs(weight) < 0.5:
        start += weight * (end - start)
    else:
        start[...] = end - (end - start) * (1 - weight)


def _plain(value):
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _copy(value):
    return value.copy() if isinstance(value, np.ndarray) else value
