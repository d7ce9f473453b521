"""Every primitive of the engine in one namespace, and Tensor's operators and methods.

Importing the rule modules makes their primitives (each enters ``REGISTRY`` when made); this
module then gives Tensor its operators (``+ - * / ** @ -x x[i]``) and methods (``.sum()``,
``.tanh()``, ``.reshape()``, …), which call them.
"""
from .elementwise import (
    abs_,
    add,
    clip,
    cos,
    div,
    exp,
    leaky_relu,
    log,
    maximum,
    mul,
    neg,
    power,
    relu,
    sigmoid,
    sin,
    sqrt,
    sub,
    tanh,
    where,
)
from .fused import log_softmax, multiclass_hinge_loss, softmax_cross_entropy
from .linalg import matmul
from .shape_ops import (
    broadcast_to,
    concatenate,
    getitem,
    max_,
    mean,
    reshape,
    stack,
    sum_,
    sum_to,
    transpose,
    unindex,
)
from .tensor import Tensor

__all__ = ["abs_", "add", "clip", "cos", "div", "exp", "leaky_relu", "log", "maximum", "mul",
           "neg", "power", "relu", "sigmoid", "sin", "sqrt", "sub", "tanh", "where", "log_softmax",
           "multiclass_hinge_loss", "softmax_cross_entropy", "matmul", "broadcast_to",
           "concatenate", "getitem", "max_", "mean", "reshape", "stack", "sum_", "sum_to",
           "transpose", "unindex"]


# ----- operators ------------------------------------------------------------------------------
def _operators(symbol, prim):
    """``self ∘ other`` and the reflected ``other ∘ self`` (numpy defers to the latter)."""
    def forward(self, other):
        return prim(self, other)

    def reflected(self, other):
        return prim(other, self)

    forward.__name__, reflected.__name__ = f"__{symbol}__", f"__r{symbol}__"
    return forward, reflected


for _symbol, _prim in (("add", add), ("sub", sub), ("mul", mul), ("truediv", div),
                       ("pow", power), ("matmul", matmul)):
    for _method in _operators(_symbol, _prim):
        setattr(Tensor, _method.__name__, _method)


def _neg(self):
    return neg(self)


def _getitem(self, index):
    return getitem(self, index=index)


Tensor.__neg__ = _neg
Tensor.__getitem__ = _getitem


# ----- methods ----------------------------------------------------------------------------------
def _unary(prim):
    def method(self):
        return prim(self)

    method.__name__, method.__doc__ = prim.name, prim.words
    return method


for _prim in (exp, log, sqrt, abs_, tanh, relu, sigmoid, sin, cos):
    setattr(Tensor, _prim.name, _unary(_prim))


def _sum(self, axis=None, keepdims=False):
    """Sum over ``axis`` (None: all entries)."""
    return sum_(self, axis=axis, keepdims=keepdims)


def _mean(self, axis=None, keepdims=False):
    """Mean over ``axis`` (None: all entries)."""
    return mean(self, axis=axis, keepdims=keepdims)


def _max(self, axis=None, keepdims=False):
    """Maximum over ``axis`` (None: all entries); the gradient goes to the largest entries."""
    return max_(self, axis=axis, keepdims=keepdims)


def _leaky_relu(self, slope=0.01):
    """Leaky ReLU: x where x > 0, else slope·x."""
    return leaky_relu(self, slope=slope)


def _clip(self, low=None, high=None):
    """Clip to [low, high]; either bound may be None."""
    return clip(self, low=low, high=high)


def _reshape(self, *shape):
    """The same entries in ``shape`` (given as one tuple or as separate sizes)."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return reshape(self, shape=shape)


def _transpose(self, *axes):
    """Axes permuted (given as one tuple or separately); none given reverses them."""
    if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
        axes = tuple(axes[0])
    return transpose(self, axes=axes or None)


def _T(self):
    """The transpose (axes reversed)."""
    return transpose(self, axes=None)


Tensor.sum, Tensor.mean, Tensor.max = _sum, _mean, _max
Tensor.leaky_relu, Tensor.clip = _leaky_relu, _clip
Tensor.reshape, Tensor.transpose, Tensor.T = _reshape, _transpose, property(_T)
