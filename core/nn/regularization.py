"""L2 regularisation λ·Σ_W ΣW² as ONE graph node over all weight matrices."""
import numpy as np

from ..autodiff import Primitive


def _l2_forward(*weights, reg):
    if reg == 0:  # no penalty at all, even for weights that overflowed
        return np.zeros((), dtype=np.result_type(*weights, 0.0))
    return reg * sum((np.vdot(w, w) for w in weights), 0.0)


def _l2_vjp(i, ns, g, ans, *weights, saved, reg):
    return g * (2.0 * reg) * weights[i]   # plain arithmetic: works on arrays and on Tensors


def _l2_jvp(i, t, ans, *weights, saved, reg):
    return (2.0 * reg) * np.vdot(weights[i], t)


_l2_vjp.variadic = _l2_jvp.variadic = True
l2 = Primitive("l2_penalty", _l2_forward, structure="reduction", fused=True,
               formula="∂(λΣW²)/∂W = 2λW",
               words="L2 penalty λ·ΣW² over every weight matrix, as one node: each W gets 2λW·upstream.")
l2.defvjp(_l2_vjp).defjvp(_l2_jvp)


def l2_penalty(weights, reg):
    """reg · Σ over the weight Tensors of ΣW², a scalar Tensor named "reg_loss"."""
    reg = float(reg)
    if not np.isfinite(reg) or reg < 0:
        raise ValueError(f"l2_penalty: reg must be a finite number ≥ 0, got {reg}")
    penalty = l2(*weights, reg=reg)
    penalty.name = "reg_loss"
    return penalty
