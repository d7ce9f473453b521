"""Check a parameter's gradient from the backward pass against central differences.

The loss is recomputed on the iteration's own batch and with the parameter values its forward
pass used, in float64, as (L(θ+ε) − L(θ−ε)) / 2ε for a few entries of one parameter.
"""
import numpy as np

from ..autodiff import no_grad
from ..nn import l2_penalty
from .phases import PhaseError

TOLERANCE = 1e-5   # a relative error above this is a disagreement
_FLOOR = 1e-8      # so that an entry whose gradient is zero is compared absolutely


def check_gradient(trainer, name, entries=6, eps=1e-6, seed=0):
    """Rows {"index", "analytic", "numeric", "rel_error"} for up to ``entries`` entries of
    parameter ``name``: those with the largest |gradient|, then two random ones (``seed``)."""
    params = dict(trainer.model.named_parameters())
    if name not in params:
        raise ValueError(f"no parameter named {name!r}; the parameters are {sorted(params)}")
    recorded = trainer.recorded_gradient(name)
    if recorded is None:
        raise PhaseError(f"no gradient for {name} yet: run this iteration's backward pass first")
    analytic = np.asarray(recorded, dtype=np.float64)
    it = trainer._it
    chosen = _entries(analytic, entries, seed)

    saved = {key: p.data for key, p in params.items()}
    try:
        for key, p in params.items():
            p.data = np.array(it.param_values[key], dtype=np.float64)
        theta = params[name].data
        rows = []
        for index in chosen:
            centre = theta[index]
            theta[index] = centre + eps
            plus = _loss(trainer, it)
            theta[index] = centre - eps
            minus = _loss(trainer, it)
            theta[index] = centre
            numeric = (plus - minus) / (2 * eps)
            a = float(analytic[index])
            rows.append({"index": index, "analytic": a, "numeric": numeric,
                         "rel_error": abs(a - numeric) / max(abs(a), abs(numeric), _FLOOR)})
        return rows
    finally:
        for key, p in params.items():
            p.data = saved[key]


def _entries(gradient, n, seed):
    """Indices of the largest |gradient| entries, then two random others (fewer if it is small)."""
    size = gradient.size
    n = min(n, size)
    n_random = min(2, n - 1) if n > 1 else 0
    order = np.argsort(-np.abs(gradient).ravel(), kind="stable")
    largest = list(order[:n - n_random])
    rest = order[n - n_random:]
    random = np.random.default_rng(seed).choice(rest, size=n_random, replace=False) if n_random else []
    return [tuple(int(i) for i in np.unravel_index(flat, gradient.shape))
            for flat in largest + sorted(random)]


def _loss(trainer, it):
    reg, fused = it.loss_settings
    with no_grad():
        scores = trainer.model(it.X)
        loss = trainer._data_loss(scores, it.y, fused=fused) + l2_penalty(trainer.model.weights(), reg)
    return float(loss.data)
