"""Reductions, reshapes, indexing and joining. Their VJPs move or copy gradient entries
back to where the values came from."""
import numpy as np

from .namespaces import keepdims_shape, sum_to_array, unindex_array
from .primitive import Primitive
from .tensor import Tensor


def _v(x):
    return x.data if isinstance(x, Tensor) else x


def _spread(ns, g, shape, axis, keepdims):
    """Broadcast a reduced gradient back over the reduced axes."""
    if not keepdims and axis is not None:
        g = ns.reshape(g, keepdims_shape(shape, axis))
    return ns.broadcast_to(g, shape)


def _count(shape, axis):
    """How many entries each mean averages; at least 1, since the mean of nothing has no gradient
    entries to scale (and 1/0 would raise)."""
    if axis is None:
        return max(int(np.prod(shape)), 1)
    axes = axis if isinstance(axis, tuple) else (axis,)
    return max(int(np.prod([shape[a] for a in axes])), 1)


sum_ = Primitive("sum", lambda x, axis, keepdims: np.sum(x, axis=axis, keepdims=keepdims),
                 structure="reduction", formula="∂(Σx)/∂xᵢ = 1",
                 words="Sum: every summed input receives the upstream gradient unchanged.")
sum_.defvjp(lambda ns, g, ans, x, saved, axis, keepdims: _spread(ns, g, x.shape, axis, keepdims))
sum_.defjvp(lambda t, ans, x, saved, axis, keepdims: np.sum(t, axis=axis, keepdims=keepdims))

mean = Primitive("mean", lambda x, axis, keepdims: np.mean(x, axis=axis, keepdims=keepdims),
                 structure="reduction", formula="∂mean(x)/∂xᵢ = 1/n",
                 words="Mean: every input receives 1/n of the upstream gradient.")
mean.defvjp(lambda ns, g, ans, x, saved, axis, keepdims:
            _spread(ns, g, x.shape, axis, keepdims) * (1.0 / _count(x.shape, axis)))
mean.defjvp(lambda t, ans, x, saved, axis, keepdims: np.mean(t, axis=axis, keepdims=keepdims))


def _max_weights(x, ans, axis):
    """Where the maximum was taken (ties share equally): a constant routing mask."""
    x = _v(x)
    hit = x == np.reshape(_v(ans), keepdims_shape(x.shape, axis))
    return (hit / hit.sum(axis=axis, keepdims=True)).astype(x.dtype, copy=False)


max_ = Primitive("max", lambda x, axis, keepdims: np.max(x, axis=axis, keepdims=keepdims),
                 structure="reduction", formula="∂max(x)/∂xᵢ = 1[xᵢ is the max]",
                 words="Max routes the whole gradient to the largest entry (ties share it).")
max_.defvjp(lambda ns, g, ans, x, saved, axis, keepdims:
            _spread(ns, g, x.shape, axis, keepdims) * _max_weights(x, ans, axis))
max_.defjvp(lambda t, ans, x, saved, axis, keepdims:
            np.sum(t * _max_weights(x, ans, axis), axis=axis, keepdims=keepdims))

reshape = Primitive("reshape", lambda x, shape: np.reshape(x, shape), structure="shape",
                    formula="∂reshape(x)/∂x = I (entries keep their order)",
                    words="Reshape: the gradient is reshaped back.")
reshape.defvjp(lambda ns, g, ans, x, saved, shape: ns.reshape(g, x.shape))
reshape.defjvp(lambda t, ans, x, saved, shape: np.reshape(t, ans.shape))


def _inverse(axes):
    return None if axes is None else tuple(np.argsort([a % len(axes) for a in axes]))  # axes may be negative


transpose = Primitive("transpose", lambda x, axes: np.asarray(x).transpose(axes), structure="shape",
                      formula="∂xᵀ/∂x = permutation",
                      words="Transpose: the gradient is transposed back.")
transpose.defvjp(lambda ns, g, ans, x, saved, axes: ns.transpose(g, _inverse(axes)))
transpose.defjvp(lambda t, ans, x, saved, axes: np.transpose(t, axes))

getitem = Primitive("getitem", lambda x, index: x[index], structure="shape",
                    formula="∂x[idx]/∂x = scatter of the upstream gradient into zeros",
                    words="Indexing / gather: the gradient is scattered back to the picked entries.")
getitem.defvjp(lambda ns, g, ans, x, saved, index: ns.unindex(g, x.shape, index))
getitem.defjvp(lambda t, ans, x, saved, index: t[index])

unindex = Primitive("unindex", unindex_array, structure="shape",
                    formula="∂scatter(g)/∂g = gather at the same index",
                    words="Scatter-add into zeros (the adjoint of indexing).")
unindex.defvjp(lambda ns, g, ans, x, saved, shape, index: ns.getitem(g, index))
unindex.defjvp(lambda t, ans, x, saved, shape, index: unindex_array(t, shape, index))

sum_to = Primitive("sum_to", sum_to_array, structure="reduction",
                   formula="∂sum_to(x)/∂x = broadcast back",
                   words="Sum over broadcast axes (undoing broadcasting).")
sum_to.defvjp(lambda ns, g, ans, x, saved, shape: ns.broadcast_to(g, x.shape))
sum_to.defjvp(lambda t, ans, x, saved, shape: sum_to_array(t, shape))

broadcast_to = Primitive("broadcast_to", lambda x, shape: np.broadcast_to(x, shape), structure="shape",
                         formula="∂broadcast(x)/∂x = sum over the copies",
                         words="Broadcast (copy) along new axes.")
broadcast_to.defvjp(lambda ns, g, ans, x, saved, shape: ns.sum_to(g, x.shape))
broadcast_to.defjvp(lambda t, ans, x, saved, shape: np.broadcast_to(t, shape))


def _join_slice(i, inputs, axis):
    start = sum(a.shape[axis] for a in inputs[:i])
    index = [slice(None)] * inputs[0].ndim
    index[axis] = slice(start, start + inputs[i].shape[axis])
    return tuple(index)


def _concat_vjp(i, ns, g, ans, *inputs, saved, axis):
    return ns.getitem(g, _join_slice(i, inputs, axis))


def _concat_jvp(i, t, ans, *inputs, saved, axis):
    return unindex_array(t, ans.shape, _join_slice(i, inputs, axis))


_concat_vjp.variadic = _concat_jvp.variadic = True
concatenate = Primitive("concatenate", lambda *xs, axis: np.concatenate(xs, axis=axis), structure="shape",
                        formula="∂concat/∂xᵢ = the i-th slice of the upstream gradient",
                        words="Concatenate: each input gets its slice of the gradient back.")
concatenate.defvjp(_concat_vjp).defjvp(_concat_jvp)


def _stack_index(i, ndim, axis):
    return (slice(None),) * (axis % ndim) + (i,)


def _stack_vjp(i, ns, g, ans, *inputs, saved, axis):
    return ns.getitem(g, _stack_index(i, g.ndim, axis))


def _stack_jvp(i, t, ans, *inputs, saved, axis):
    return unindex_array(t, ans.shape, _stack_index(i, ans.ndim, axis))


_stack_vjp.variadic = _stack_jvp.variadic = True
stack = Primitive("stack", lambda *xs, axis: np.stack(xs, axis=axis), structure="shape",
                  formula="∂stack/∂xᵢ = the i-th entry of the upstream gradient",
                  words="Stack along a new axis: each input gets its entry of the gradient back.")
stack.defvjp(_stack_vjp).defjvp(_stack_jvp)
