"""The Tensor: a numpy array that remembers the primitive that made it."""
import numpy as np



def _as_array(data, dtype=None):
    if isinstance(data, Tensor):
        data = data.data
    array = np.asarray(data, dtype=dtype)
    if dtype is None and array.dtype.kind not in "fc":
        array = array.astype(np.float64)
    return array


class Tensor:
    """An array with an optional gradient, PyTorch style.

    ``requires_grad=True`` makes it a leaf whose ``.grad`` receives ∂L/∂x. Gradients
    accumulate across ``backward`` calls (sum them over batches, or reset with
    ``x.grad = None`` / an optimizer's ``zero_grad()``). ``.grad`` is a numpy array; after
    ``backward(create_graph=True)`` it is a Tensor that can itself be differentiated.
    """

    __slots__ = ("data", "grad", "requires_grad", "name", "_prim", "_parents", "_params",
                 "_saved", "_tangent", "_upstream", "_downstream", "__weakref__")
    __array_ufunc__ = None  # make numpy defer to Tensor's reflected operators

    def __init__(self, data, requires_grad=False, name=None, dtype=None):
        self.data = _as_array(data, dtype)
        if requires_grad and self.data.dtype.kind != "f":
            raise TypeError(f"only floating-point tensors can require gradients, got {self.data.dtype}")
        self.grad = None
        self.requires_grad = bool(requires_grad)
        self.name = name
        self._prim = self._parents = self._params = self._saved = None
        self._tangent = self._upstream = self._downstream = None

    # ----- array facts -------------------------------------------------------------
    shape = property(lambda self: self.data.shape)
    ndim = property(lambda self: self.data.ndim)
    size = property(lambda self: self.data.size)
    dtype = property(lambda self: self.data.dtype)

    @property
    def is_leaf(self):
        """True for a tensor no primitive made: an input or a parameter."""
        return self._prim is None

    @property
    def op(self):
        """Name of the primitive that produced this tensor ("leaf" for inputs and parameters)."""
        return self._prim.name if self._prim is not None else "leaf"

    def __len__(self):
        return len(self.data)

    def item(self):
        """The value of a one-element tensor as a Python number."""
        return self.data.item()

    def numpy(self):
        """The underlying array (not a copy)."""
        return self.data

    def detach(self):
        """A tensor with the same data and no graph (no gradient flows through it)."""
        return Tensor(self.data, name=self.name)

    def __repr__(self):
        grad = ", requires_grad=True" if self.requires_grad else ""
        label = f", name={self.name!r}" if self.name else ""
        body = np.array2string(self.data, precision=4, threshold=20)
        return f"Tensor({body}{grad}{label}, op={self.op})"

    # Identity hash: Tensors key the backward pass's dicts and sets. Distinct live objects never
    # share it, so the element-wise __eq__ below is never consulted there.
    __hash__ = object.__hash__

    # ----- backward ----------------------------------------------------------------
    def backward(self, grad=None, create_graph=False, retain_graph=None):
        """Accumulate ∂self/∂leaf · grad into every leaf's ``.grad``.

        ``grad`` (the upstream gradient) is needed when self is not a scalar. The graph is
        freed afterwards unless ``retain_graph`` (default: ``create_graph``) is true.
        """
        _backward.run_backward(self, grad, create_graph=create_graph, retain_graph=retain_graph)

    # ----- operators -----------------------------------------------------------------
    def __add__(self, other): return _ops.add(self, other)
    def __radd__(self, other): return _ops.add(other, self)
    def __sub__(self, other): return _ops.sub(self, other)
    def __rsub__(self, other): return _ops.sub(other, self)
    def __mul__(self, other): return _ops.mul(self, other)
    def __rmul__(self, other): return _ops.mul(other, self)
    def __truediv__(self, other): return _ops.div(self, other)
    def __rtruediv__(self, other): return _ops.div(other, self)
    def __neg__(self): return _ops.neg(self)
    def __pow__(self, other): return _ops.power(self, other)
    def __rpow__(self, other): return _ops.power(other, self)
    def __matmul__(self, other): return _ops.matmul(self, other)
    def __rmatmul__(self, other): return _ops.matmul(other, self)
    def __getitem__(self, index): return _ops.getitem(self, index=index)

    # comparisons give plain boolean arrays: they have no gradient
    def __lt__(self, other): return self.data < _value(other)
    def __le__(self, other): return self.data <= _value(other)
    def __gt__(self, other): return self.data > _value(other)
    def __ge__(self, other): return self.data >= _value(other)
    def __eq__(self, other): return self.data == _value(other)
    def __ne__(self, other): return self.data != _value(other)

    # ----- methods -------------------------------------------------------------------
    def sum(self, axis=None, keepdims=False): return _ops.sum_(self, axis=axis, keepdims=keepdims)
    def mean(self, axis=None, keepdims=False): return _ops.mean(self, axis=axis, keepdims=keepdims)
    def max(self, axis=None, keepdims=False): return _ops.max_(self, axis=axis, keepdims=keepdims)
    def exp(self): return _ops.exp(self)
    def log(self): return _ops.log(self)
    def sqrt(self): return _ops.sqrt(self)
    def abs(self): return _ops.abs_(self)
    def tanh(self): return _ops.tanh(self)
    def relu(self): return _ops.relu(self)
    def sigmoid(self): return _ops.sigmoid(self)
    def leaky_relu(self, slope=0.01): return _ops.leaky_relu(self, slope=slope)
    def clip(self, low=None, high=None): return _ops.clip(self, low=low, high=high)

    def reshape(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return _ops.reshape(self, shape=shape)

    def transpose(self, *axes):
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        return _ops.transpose(self, axes=axes or None)

    @property
    def T(self):
        return _ops.transpose(self, axes=None)


def _value(x):
    return x.data if isinstance(x, Tensor) else x


from . import ops as _ops  # noqa: E402  (ops build on Tensor)
from . import backward as _backward  # noqa: E402  (the backward pass walks Tensors)
