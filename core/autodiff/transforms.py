"""Function transforms: vjp (reverse mode), jvp (forward mode), grad, hvp and jacobian.

``f`` is called as ``f(*inputs)`` with one Tensor per input and returns a Tensor; inputs may
be arrays or Tensors. Results are numpy arrays.
"""
import numpy as np

from .backward import gradients
from .state import forward_mode, no_grad
from .tensor import Tensor


def _leaves(inputs, requires_grad=True):
    return tuple(Tensor(x.data if isinstance(x, Tensor) else x, requires_grad=requires_grad)
                 for x in inputs)


def _call(f, xs):
    out = f(*xs)
    if not isinstance(out, Tensor):
        raise TypeError(f"f must return a Tensor, got {type(out).__name__}")
    return out


def _scalar(out, what):
    if out.size != 1:
        raise ValueError(f"{what} needs a scalar-valued f, but f returned shape {out.shape}")
    return out


def vjp(f, *inputs):
    """Evaluate f and return ``(out, pullback)``; ``pullback(cotangent)`` gives one array per input."""
    xs = _leaves(inputs)
    out = _call(f, xs)

    def pullback(cotangent):
        return gradients(out, xs, cotangent, retain_graph=True)

    return out.data, pullback


def jvp(f, inputs, tangents):
    """Forward mode: ``(f(*inputs), J·tangents)`` in one forward pass, no backward pass."""
    xs = _leaves(inputs, requires_grad=False)
    if len(tangents) != len(xs):
        raise ValueError(f"jvp: {len(xs)} inputs but {len(tangents)} tangents")
    for x, t in zip(xs, tangents):
        t = np.asarray(t.data if isinstance(t, Tensor) else t, dtype=x.dtype)
        if t.shape != x.shape:
            raise ValueError(f"jvp: tangent of shape {t.shape} for an input of shape {x.shape}")
        x._tangent = t
    with forward_mode():
        out = _call(f, xs)
    tangent = out._tangent if out._tangent is not None else np.zeros_like(out.data)
    return out.data, tangent


def grad(f):
    """``grad(f)(*inputs)``: the gradient of scalar f with respect to each input."""
    def gradient(*inputs):
        xs = _leaves(inputs)
        out = _scalar(_call(f, xs), "grad")
        return gradients(out, xs)
    return gradient


def hvp(f, inputs, vectors, mode="forward-over-reverse"):
    """Hessian-vector products H·v of scalar f, one array per input, without forming H.

    ``forward-over-reverse`` pushes v as a tangent through the backward pass;
    ``reverse-over-reverse`` backpropagates a second time through ∇f·v.
    """
    xs = _leaves(inputs)
    vs = [np.asarray(v.data if isinstance(v, Tensor) else v, dtype=x.dtype) for x, v in zip(xs, vectors)]
    if len(vs) != len(xs) or any(v.shape != x.shape for x, v in zip(xs, vs)):
        raise ValueError("hvp: give one vector per input, each with its input's shape")
    if mode == "forward-over-reverse":
        for x, v in zip(xs, vs):
            x._tangent = v
        with forward_mode():
            out = _scalar(_call(f, xs), "hvp")
            with no_grad():
                grads = gradients(out, xs, create_graph=True)
        return tuple(g._tangent if g._tangent is not None else np.zeros_like(g.data) for g in grads)
    if mode == "reverse-over-reverse":
        out = _scalar(_call(f, xs), "hvp")
        grads = gradients(out, xs, create_graph=True)
        dot = sum((g * v).sum() for g, v in zip(grads, vs))
        if not (isinstance(dot, Tensor) and dot.requires_grad):
            return tuple(np.zeros_like(x.data) for x in xs)
        return gradients(dot, xs)
    raise ValueError(f"hvp: mode must be 'forward-over-reverse' or 'reverse-over-reverse', got {mode!r}")


def jacobian(f, x):
    """The explicit Jacobian of f at x, shape ``out.shape + x.shape``.

    Row by row from VJPs when the output is smaller than the input, else column by column
    from JVPs. For teaching and testing: nothing else in the engine forms Jacobians.
    """
    x = np.asarray(x.data if isinstance(x, Tensor) else x)
    x = x if x.dtype.kind == "f" else x.astype(np.float64)
    out, pullback = vjp(f, x)
    jac = np.zeros((out.size, x.size), dtype=np.result_type(out.dtype, x.dtype))
    if out.size <= x.size:
        for i in range(out.size):
            jac[i] = pullback(np.eye(1, out.size, i, dtype=out.dtype).reshape(out.shape))[0].ravel()
    else:
        for j in range(x.size):
            _, column = jvp(f, (x,), (np.eye(1, x.size, j, dtype=x.dtype).reshape(x.shape),))
            jac[:, j] = column.ravel()
    return jac.reshape(out.shape + x.shape)
