"""The Tensor: a numpy array that remembers the primitive that made it.

This module is the bottom of the engine's import chain, so Tensor's operators and methods that
run primitives (``+``, ``@``, ``x[i]``, ``.sum()``, ``.tanh()``, …) are attached by
:mod:`core.autodiff.ops` once the primitives exist, and ``.backward()`` by
:mod:`core.autodiff.backward`. Comparisons, which have no gradient, are defined here.
"""
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
                 "_saved", "_tangent", "__weakref__")
    __array_ufunc__ = None  # make numpy defer to Tensor's reflected operators

    def __init__(self, data, requires_grad=False, name=None, dtype=None):
        self.data = _as_array(data, dtype)
        if requires_grad and self.data.dtype.kind != "f":
            raise TypeError(f"only floating-point tensors can require gradients, got {self.data.dtype}")
        self.grad = None
        self.requires_grad = bool(requires_grad)
        self.name = name
        self._prim = self._parents = self._params = self._saved = None
        self._tangent = None

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

    # ----- comparisons: plain boolean arrays, with no gradient ---------------------------
    def __lt__(self, other): return self.data < _value(other)
    def __le__(self, other): return self.data <= _value(other)
    def __gt__(self, other): return self.data > _value(other)
    def __ge__(self, other): return self.data >= _value(other)
    def __eq__(self, other): return self.data == _value(other)
    def __ne__(self, other): return self.data != _value(other)


def _value(x):
    return x.data if isinstance(x, Tensor) else x

