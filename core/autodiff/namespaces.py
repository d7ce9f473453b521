"""The two array namespaces VJP rules are written against.

``numpy_ns`` computes gradients as plain arrays (the fast path of ``backward()``);
``tensor_ns`` computes them with the engine's own primitives, so that with
``create_graph=True`` the gradient is itself a differentiable graph. The rule modules import
this module, so ``tensor_ns`` finds the primitives by name in ``REGISTRY`` when it is called
rather than importing the modules that define them.
"""
import numpy as np

from .primitive import REGISTRY


def keepdims_shape(shape, axis):
    """``shape`` with the reduced ``axis`` (None, int or tuple) kept as size 1."""
    if axis is None:
        return (1,) * len(shape)
    axes = {a % len(shape) for a in (axis if isinstance(axis, tuple) else (axis,))}
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def has_array_index(index):
    """True when ``index`` holds a list or array (advanced indexing, which may repeat entries)."""
    parts = index if isinstance(index, tuple) else (index,)
    return any(isinstance(p, (list, np.ndarray)) for p in parts)


def sum_to_array(x, shape, out=None):
    """Sum ``x`` over the axes broadcasting added, so that it has ``shape``; into ``out`` (an
    array of that shape) if given, which is then returned."""
    if out is not None and not (x.ndim == 2 and x.shape[1:] == shape and x.dtype.kind == "f"):
        np.copyto(out, sum_to_array(x, shape))
        return out
    if x.shape == shape:
        return x
    lead = x.ndim - len(shape)
    if lead < 0:
        return np.broadcast_to(x, shape)
    if lead == 1 and x.ndim == 2 and x.shape[1:] == shape and x.dtype.kind == "f":
        # The bias gradient: a column sum of (N, D). A matrix-vector product with ones is 2-4×
        # faster than np.add.reduce over axis 0, which loops row by row.
        return np.matmul(_ones(x.shape[0], x.dtype), x, out=out)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, n in enumerate(shape) if n == 1 and x.shape[i + lead] != 1)
    return np.add.reduce(x, axis=axes, keepdims=True).reshape(shape)


_ONES = {}  # (n, dtype) → a read-only vector of n ones: the bias gradients of a training loop reuse it


def _ones(n, dtype):
    ones = _ONES.get((n, dtype))
    if ones is None:
        if len(_ONES) >= 16:  # batch sizes seen: a few
            _ONES.clear()
        ones = _ONES[n, dtype] = np.ones(n, dtype=dtype)
        ones.flags.writeable = False
    return ones


def unindex_array(g, shape, index):
    """Scatter-add ``g`` into zeros of ``shape`` at ``index`` (the adjoint of ``x[index]``)."""
    out = np.zeros(shape, dtype=g.dtype)
    if has_array_index(index):
        np.add.at(out, index, g)
    else:
        out[index] = g
    return out


class numpy_ns:
    """Rules' array operations on plain numpy arrays."""

    exp = staticmethod(np.exp)
    log = staticmethod(np.log)
    sin = staticmethod(np.sin)
    cos = staticmethod(np.cos)
    reshape = staticmethod(np.reshape)
    broadcast_to = staticmethod(np.broadcast_to)
    sum_to = staticmethod(sum_to_array)
    unindex = staticmethod(unindex_array)
    matmul = staticmethod(np.matmul)

    @staticmethod
    def sum(x, axis=None, keepdims=False):
        return np.sum(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def transpose(x, axes=None):
        return x.transpose(axes)

    @staticmethod
    def swap_last(x):
        return np.swapaxes(x, -1, -2)

    @staticmethod
    def getitem(x, index):
        return x[index]


class tensor_ns:
    """The same operations as engine primitives, so that gradients are differentiable graphs."""

    @staticmethod
    def exp(x): return REGISTRY["exp"](x)

    @staticmethod
    def log(x): return REGISTRY["log"](x)

    @staticmethod
    def sin(x): return REGISTRY["sin"](x)

    @staticmethod
    def cos(x): return REGISTRY["cos"](x)

    @staticmethod
    def matmul(x, y): return REGISTRY["matmul"](x, y)

    @staticmethod
    def reshape(x, shape): return REGISTRY["reshape"](x, shape=tuple(shape))

    @staticmethod
    def transpose(x, axes=None): return REGISTRY["transpose"](x, axes=axes)

    @staticmethod
    def broadcast_to(x, shape): return REGISTRY["broadcast_to"](x, shape=tuple(shape))

    @staticmethod
    def sum_to(x, shape):
        return x if x.shape == tuple(shape) else REGISTRY["sum_to"](x, shape=tuple(shape))

    @staticmethod
    def unindex(g, shape, index): return REGISTRY["unindex"](g, shape=tuple(shape), index=index)

    @staticmethod
    def sum(x, axis=None, keepdims=False): return REGISTRY["sum"](x, axis=axis, keepdims=keepdims)

    @staticmethod
    def swap_last(x):
        axes = list(range(x.ndim))
        axes[-1], axes[-2] = axes[-2], axes[-1]
        return REGISTRY["transpose"](x, axes=tuple(axes))

    @staticmethod
    def getitem(x, index): return REGISTRY["getitem"](x, index=index)

    @staticmethod
    def softmax(x, axis=-1): return REGISTRY["exp"](REGISTRY["log_softmax"](x, axis=axis))
