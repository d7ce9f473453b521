"""Matrix product. Its VJPs are matrix products with the other input, transposed: the
Jacobian of X @ W (size (N·M)×(N·D) for X) is never formed."""
import numpy as np

from .primitive import Primitive
from .tensor import Tensor


def _col(ns, a):
    return ns.reshape(a, a.shape + (1,))


def _row(ns, a):
    return ns.reshape(a, a.shape[:-1] + (1, a.shape[-1]))


def _transposed(a):
    """True for an array stored column-major, such as ``W.T`` of a row-major W."""
    flags = (a.data if isinstance(a, Tensor) else a).flags
    return flags.f_contiguous and not flags.c_contiguous


# Each rule makes its gradient in its input's memory layout: for Y = X @ W.T, ∂L/∂(W.T) is
# computed as (Gᵀ X)ᵀ so that W.grad comes out row-major like W (same flops, and the update
# W -= lr * W.grad then runs over matching layouts).

def _matmul_vjp_x(ns, g, ans, x, y, saved):
    if x.ndim == 2 and y.ndim == 2:                               # the common case: G Wᵀ
        return (y @ g.T).T if _transposed(x) else g @ y.T
    if y.ndim == 1:
        return g * y if x.ndim == 1 else _col(ns, g) * y        # outer product g yᵀ
    if x.ndim == 1:                                               # x (k,), y (..., k, m)
        d = ns.swap_last(ns.matmul(_row(ns, g), ns.swap_last(y)))  # (..., 1, k) → (..., k, 1)
        return ns.reshape(d, d.shape[:-1])
    return ns.matmul(g, ns.swap_last(y))                          # G Wᵀ


def _matmul_vjp_y(ns, g, ans, x, y, saved):
    if x.ndim == 2 and y.ndim == 2:                               # the common case: Xᵀ G
        return (g.T @ x).T if _transposed(y) else x.T @ g
    if x.ndim == 1:
        return g * x if y.ndim == 1 else _col(ns, x) * _row(ns, g)  # x gᵀ
    if y.ndim == 1:                                                   # x (..., n, k), y (k,)
        d = ns.matmul(ns.swap_last(x), _col(ns, g))
        return ns.reshape(d, d.shape[:-1])
    return ns.matmul(ns.swap_last(x), g)                              # Xᵀ G


matmul = Primitive("matmul", np.matmul, structure="linear",
                   formula="∂L/∂X = (∂L/∂Y)·Wᵀ,  ∂L/∂W = Xᵀ·(∂L/∂Y)   for Y = X·W",
                   words="Matrix product; its backward is two more matrix products, never a Jacobian.")
matmul.defvjp(_matmul_vjp_x, _matmul_vjp_y)
matmul.defjvp(lambda t, ans, x, y, saved: np.matmul(t, y),
              lambda t, ans, x, y, saved: np.matmul(x, t))
