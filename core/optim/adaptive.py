"""Optimizers with per-coordinate step sizes: RMSProp and Adam, as in ``torch.optim``."""
import numpy as np

from .base import Optimizer, check_nonnegative, check_unit, lerp_


class RMSProp(Optimizer):
    """Divide the gradient by a running RMS of recent gradients (Hinton's lecture 6e).

    v ← alpha·v + (1 − alpha)·d², p ← p − lr·d / (√v + eps); with ``centered`` the running
    mean of d is subtracted from v first, with ``momentum`` the step goes through a buffer.
    """

    name = "rmsprop"
    HYPER = ("lr", "alpha", "eps", "momentum", "weight_decay", "centered")

    def __init__(self, params, lr=0.01, alpha=0.99, eps=1e-8, momentum=0.0, weight_decay=0.0,
                 centered=False, record_updates=False):
        self.alpha, self.eps, self.momentum = alpha, eps, momentum
        self.weight_decay, self.centered = weight_decay, bool(centered)
        super().__init__(params, lr, record_updates)
        self._check()

    def _check(self):
        super()._check()
        check_unit("alpha", self.alpha)
        check_unit("momentum", self.momentum)
        check_nonnegative("eps", self.eps)
        check_nonnegative("weight_decay", self.weight_decay)

    def _update(self, param, grad, state):
        if not state:
            state["step"] = 0
            state["square_avg"] = np.zeros_like(param)
            if self.momentum > 0:
                state["momentum_buffer"] = np.zeros_like(param)
            if self.centered:
                state["grad_avg"] = np.zeros_like(param)
        state["step"] += 1
        d = grad
        if self.weight_decay != 0:
            d = d + self.weight_decay * param
        square_avg = state["square_avg"]
        square_avg *= self.alpha
        square_avg += (1 - self.alpha) * d * d
        if self.centered:
            grad_avg = state.setdefault("grad_avg", np.zeros_like(param))
            lerp_(grad_avg, d, 1 - self.alpha)
            avg = np.sqrt(square_avg + -1 * grad_avg * grad_avg)
        else:
            avg = np.sqrt(square_avg)
        avg += self.eps
        if self.momentum > 0:
            buf = state.setdefault("momentum_buffer", np.zeros_like(param))
            buf *= self.momentum
            buf += d / avg
            param -= self.lr * buf
        else:
            param += -self.lr * d / avg


class Adam(Optimizer):
    """Adam (Kingma & Ba): bias-corrected running means of d and d² per coordinate.

    m ← β₁m + (1 − β₁)d, v ← β₂v + (1 − β₂)d², p ← p − lr/(1 − β₁ᵗ) · m / (√v/√(1 − β₂ᵗ) + eps).
    ``weight_decay`` adds weight_decay·p to d (L2, not AdamW); ``amsgrad`` uses max(v) so far.
    """

    name = "adam"
    HYPER = ("lr", "betas", "eps", "weight_decay", "amsgrad")

    def __init__(self, params, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 amsgrad=False, record_updates=False):
        self.betas, self.eps = tuple(betas), eps
        self.weight_decay, self.amsgrad = weight_decay, bool(amsgrad)
        super().__init__(params, lr, record_updates)
        self._check()

    def _check(self):
        super()._check()
        if len(self.betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {self.betas!r}")
        check_unit("betas[0]", self.betas[0])
        check_unit("betas[1]", self.betas[1])
        check_nonnegative("eps", self.eps)
        check_nonnegative("weight_decay", self.weight_decay)

    def _update(self, param, grad, state):
        beta1, beta2 = self.betas
        if not state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(param)
            state["exp_avg_sq"] = np.zeros_like(param)
            if self.amsgrad:
                state["max_exp_avg_sq"] = np.zeros_like(param)
        state["step"] += 1
        step = state["step"]
        d = grad
        if self.weight_decay != 0:
            d = d + self.weight_decay * param
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        lerp_(exp_avg, d, 1 - beta1)
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * d * d
        step_size = self.lr / (1 - beta1 ** step)
        bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
        second = exp_avg_sq
        if self.amsgrad:
            second = state.setdefault("max_exp_avg_sq", np.zeros_like(param))
            np.maximum(second, exp_avg_sq, out=second)
        denom = np.sqrt(second) / bias_correction2_sqrt
        denom += self.eps
        param += -step_size * exp_avg / denom
