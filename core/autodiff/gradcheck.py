"""Check analytic gradients against central differences in float64."""
import numpy as np

from .backward import gradients
from .ops import concatenate
from .state import forward_mode
from .tensor import Tensor
from .transforms import _call, _leaves, vjp


class GradcheckError(AssertionError):
    """Analytic and numeric derivatives disagree."""


def _numeric_jacobian(f, arrays, k, eps):
    x = arrays[k]
    columns = []
    for j in range(x.size):
        shifted = [a.copy() for a in arrays]
        flat = shifted[k].reshape(-1)
        flat[j] = x.flat[j] + eps
        plus = _call(f, _leaves(shifted)).data.copy()  # a view (slice, reshape) would see the next shift
        flat[j] = x.flat[j] - eps
        minus = _call(f, _leaves(shifted)).data
        columns.append(((plus - minus) / (2 * eps)).ravel())
    return np.stack(columns, axis=1) if columns else np.zeros((0, 0))


def _analytic_jacobians(f, arrays):
    out, pullback = vjp(f, *arrays)
    rows = [pullback(np.eye(1, out.size, i).reshape(out.shape)) for i in range(out.size)]
    return [np.stack([r[k].ravel() for r in rows]) if rows else np.zeros((0, a.size))
            for k, a in enumerate(arrays)]


def _forward_jacobian(f, arrays, k):
    """Column j is the JVP of e_j pushed forward as input k's tangent (forward mode)."""
    columns = []
    for j in range(arrays[k].size):
        xs = _leaves(arrays)  # requiring grad, so that f may run a backward pass (order 2)
        xs[k]._tangent = np.eye(1, arrays[k].size, j).reshape(arrays[k].shape)
        with forward_mode():
            out = _call(f, xs)
        columns.append(np.zeros(out.size) if out._tangent is None else out._tangent.ravel())
    return np.stack(columns, axis=1) if columns else np.zeros((0, 0))


def _check_first_order(f, arrays, eps, atol, rtol, label, modes):
    reverse = _analytic_jacobians(f, arrays) if "reverse" in modes else None
    for k in range(len(arrays)):
        if arrays[k].size == 0:  # nothing to check (and no columns to stack)
            continue
        n_jac = _numeric_jacobian(f, arrays, k, eps)
        if reverse is not None:
            _compare(reverse[k], n_jac, arrays, k, f"{label}, reverse mode", atol, rtol)
        if "forward" in modes:
            _compare(_forward_jacobian(f, arrays, k), n_jac, arrays, k, f"{label}, forward mode",
                     atol, rtol)


def _compare(a_jac, n_jac, arrays, k, label, atol, rtol):
    error = np.abs(a_jac - n_jac)
    allowed = atol + rtol * np.abs(n_jac)
    if error.size and not np.all(error <= allowed):
        worst = np.unravel_index(np.argmax(error - allowed), error.shape)
        out_i, in_j = worst
        rel = error[worst] / max(abs(n_jac[worst]), 1e-300)
        index = np.unravel_index(in_j, arrays[k].shape) if arrays[k].ndim else ()
        raise GradcheckError(
            f"gradcheck failed ({label}) for input {k} at entry {tuple(int(i) for i in index)} "
            f"(output entry {int(out_i)}): analytic {a_jac[worst]:.8g}, numeric {n_jac[worst]:.8g}, "
            f"relative error {rel:.3g} (atol={atol}, rtol={rtol})")


def gradcheck(f, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, order=1, modes=("reverse", "forward")):
    """True when every derivative of f up to ``order`` (1 or 2) matches central differences,
    computed by the VJP rules (reverse mode) and by the JVP rules (forward mode).

    Inputs are promoted to float64. Raises ``GradcheckError`` naming the worst entry
    (input, index, analytic, numeric, relative error) otherwise.
    """
    if order not in (1, 2):
        raise ValueError(f"gradcheck: order must be 1 or 2, got {order}")
    if not modes or set(modes) - {"reverse", "forward"}:
        raise ValueError(f"gradcheck: modes must be drawn from 'reverse', 'forward', got {modes!r}")
    arrays = [np.array(x.data if isinstance(x, Tensor) else x, dtype=np.float64) for x in inputs]
    _check_first_order(f, arrays, eps, atol, rtol, "first derivative", modes)
    if order >= 2:
        out_shape = _call(f, _leaves(arrays, requires_grad=False)).shape
        cotangent = np.random.default_rng(0).standard_normal(out_shape)

        def first_derivative(*xs):
            grads = gradients(_call(f, xs), xs, cotangent, create_graph=True)
            return concatenate(*[g.reshape(-1) for g in grads], axis=0)

        _check_first_order(first_derivative, arrays, eps, atol, rtol, "second derivative", modes)
    return True

