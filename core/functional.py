"""Functional forms of the engine's operations (``from core import functional as F``)."""
import numpy as np

from .autodiff import ops
from .autodiff.fused import check_labels
from .autodiff.tensor import Tensor


def _data(x):
    return x.data if isinstance(x, Tensor) else np.asarray(x)


def relu(x): return ops.relu(x)
def sigmoid(x): return ops.sigmoid(x)
def tanh(x): return ops.tanh(x)
def sin(x): return ops.sin(x)
def cos(x): return ops.cos(x)
def exp(x): return ops.exp(x)
def log(x): return ops.log(x)
def sqrt(x): return ops.sqrt(x)
def abs(x): return ops.abs_(x)  # noqa: A001  (mirrors numpy's name)
def leaky_relu(x, slope=0.01): return ops.leaky_relu(x, slope=slope)
def maximum(x, y): return ops.maximum(x, y)
def matmul(x, y): return ops.matmul(x, y)
def log_softmax(x, axis=-1): return ops.log_softmax(x, axis=axis)


def softmax(x, axis=-1):
    """Softmax composed as exp(log_softmax(x)) (two nodes, numerically stable)."""
    return ops.exp(ops.log_softmax(x, axis=axis))


def where(condition, x, y):
    """Pick x where ``condition`` (a boolean array; no gradient) holds, else y."""
    return ops.where(np.asarray(_data(condition), dtype=bool), x, y)


def clip(x, low=None, high=None):
    if low is None and high is None:
        raise ValueError("clip needs low, high or both")
    return ops.clip(x, low=low, high=high)


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def sum(x, axis=None, keepdims=False): return ops.sum_(x, axis=_axis(axis), keepdims=keepdims)  # noqa: A001
def mean(x, axis=None, keepdims=False): return ops.mean(x, axis=_axis(axis), keepdims=keepdims)
def max(x, axis=None, keepdims=False): return ops.max_(x, axis=_axis(axis), keepdims=keepdims)  # noqa: A001
def reshape(x, shape): return ops.reshape(x, shape=tuple(shape))
def transpose(x, axes=None): return ops.transpose(x, axes=None if axes is None else tuple(axes))


def concatenate(tensors, axis=0):
    _same_rank(tensors, "concatenate")
    return ops.concatenate(*tensors, axis=axis)


def stack(tensors, axis=0):
    shapes = {np.shape(_data(t)) for t in tensors}
    if len(shapes) != 1:
        raise ValueError(f"stack needs tensors of one shape, got shapes {sorted(shapes)}")
    return ops.stack(*tensors, axis=axis)


def _same_rank(tensors, op):
    if not tensors:
        raise ValueError(f"{op} needs at least one tensor")
    ranks = {np.ndim(_data(t)) for t in tensors}
    if len(ranks) != 1:
        raise ValueError(f"{op} needs tensors of one rank, got shapes {[np.shape(_data(t)) for t in tensors]}")


def softmax_cross_entropy(scores, y):
    """Mean over N of −log softmax(scores)[i, yᵢ], one fused, numerically stable node."""
    labels = check_labels(_data(scores), y, "softmax_cross_entropy")
    return ops.softmax_cross_entropy(scores, labels=labels)


def multiclass_hinge_loss(scores, y, margin=1.0):
    """Weston–Watkins multiclass SVM loss, mean over N of Σⱼ≠yᵢ max(0, sⱼ − s_yᵢ + margin)."""
    labels = check_labels(_data(scores), y, "multiclass_hinge_loss")
    return ops.multiclass_hinge_loss(scores, labels=labels, margin=float(margin))
