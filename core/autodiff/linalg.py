"""Matrix product. Its VJPs are matrix products with the other input, transposed: the
Jacobian of X @ W (size (N·M)×(N·D) for X) is never formed."""
import numpy as np

from .primitive import Primitive


def _col(ns, a):
    return ns.reshape(a, a.shape + (1,))


def _row(ns, a):
    return ns.reshape(a, a.shape[:-1] + (1, a.shape[-1]))


def _matmul_vjp_x(ns, g, ans, x, y, saved):
    if y.ndim == 1:
        return g * y if x.ndim == 1 else _col(ns, g) * y        # outer product g yᵀ
    if x.ndim == 1:                                               # x (k,), y (..., k, m)
        d = ns.swap_last(ns.matmul(_row(ns, g), ns.swap_last(y)))  # (..., 1, k) → (..., k, 1)
        return ns.reshape(d, d.shape[:-1])
    return ns.matmul(g, ns.swap_last(y))                          # G Wᵀ


def _matmul_vjp_y(ns, g, ans, x, y, saved):
    if x.ndim == 1:
        return g * x if y.ndim == 1 else _col(ns, x) * _row(ns, g)  # x gᵀ
    if y.ndim == 1:                                                   # x (..., n, k), y (k,)
        d = ns.matmul(ns.swap_last(x), _col(ns, g))
        return ns.reshape(d, d.shape[:-1])
    return ns.matmul(ns.swap_last(x), g)                              # Xᵀ G


matmul = Primitive("matmul", np.matmul, kind="linear",
                   formula="∂L/∂X = (∂L/∂Y)·Wᵀ,  ∂L/∂W = Xᵀ·(∂L/∂Y)   for Y = X·W",
                   words="Matrix product; its backward is two more matrix products, never a Jacobian.")
matmul.defvjp(_matmul_vjp_x, _matmul_vjp_y)
matmul.defjvp(lambda t, ans, x, y, saved: np.matmul(t, y),
              lambda t, ans, x, y, saved: np.matmul(x, t))
