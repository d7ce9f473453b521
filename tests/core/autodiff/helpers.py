"""Shared pieces of the engine's tests: hypothesis settings and strategies for small float64
arrays, and helpers that push inputs away from the kinks of relu/abs/max/clip/hinge so that
central differences are honest there."""
import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from core import Tensor

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FEW = settings(SETTINGS, max_examples=15)
MANY = settings(SETTINGS, max_examples=80)

GAP = 0.05  # distance kept from a kink; gradcheck's central differences step by eps = 1e-6


def shapes(min_dims=0, max_dims=3, max_side=4):
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=max_side)


def arrays(shape, low=-2.0, high=2.0):
    """float64 arrays of ``shape`` (a shape or a strategy) with entries in [low, high]."""
    return hnp.arrays(np.float64, shape, elements=st.floats(low, high, allow_nan=False,
                                                            allow_infinity=False, allow_subnormal=False))


def broadcast_pairs(max_dims=3, max_side=4):
    """Two shapes that broadcast together, e.g. (3, 1) and (1, 4), or (2, 3) and (3,)."""
    return hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=max_dims,
                                             max_side=max_side).map(lambda s: s.input_shapes)


def axes_for(ndim):
    """A reduction ``axis``: None, one (maybe negative) axis, or a tuple of distinct axes."""
    if ndim == 0:
        return st.none()
    one = st.integers(-ndim, ndim - 1)
    many = st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True).flatmap(
        lambda axes: st.tuples(*[st.sampled_from([a, a - ndim]) for a in axes]))
    return st.one_of(st.none(), one, many)


def away_from(x, points=(0.0,), gap=GAP):
    """``x`` with every entry at least ``gap`` from each point (kinks such as 0 for relu);
    points must be more than 2·gap apart."""
    x = np.array(x, dtype=np.float64)
    for p in points:
        d = x - p
        close = np.abs(d) < gap
        x[close] = p + np.where(d[close] >= 0, gap, -gap)
    return x


def separated(x, gap=GAP):
    """``x`` with its entries made distinct, at least ``gap`` apart, keeping their order
    (no ties for max)."""
    flat = np.array(x, dtype=np.float64).ravel()
    order = np.argsort(flat, kind="stable")
    values = flat[order]
    for i in range(1, values.size):
        values[i] = max(values[i], values[i - 1] + gap)
    flat[order] = values
    return flat.reshape(np.shape(x))


def hinge_safe(scores, labels, margin, gap=GAP):
    """Scores whose margins sⱼ − s_y + Δ (j ≠ y) stay at least ``gap`` from the hinge at 0."""
    scores = np.array(scores, dtype=np.float64)
    rows = np.arange(len(labels))
    correct = scores[rows, labels][:, None]
    d = away_from(scores - correct + margin, gap=gap)
    safe = d + correct - margin
    safe[rows, labels] = scores[rows, labels]
    return safe


@st.composite
def scores_and_labels(draw, max_n=4, max_c=4):
    """An (N, C) score matrix and N integer labels in [0, C)."""
    n = draw(st.integers(1, max_n))
    c = draw(st.integers(2, max_c))
    scores = draw(arrays((n, c), -3.0, 3.0))
    labels = np.array(draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    return scores, labels


def leaf(array, dtype=None):
    return Tensor(np.array(array, dtype=dtype), requires_grad=True)


def op_nodes(root):
    """The ops in the traced graph of ``root`` (leaves and constants left out)."""
    from core.autodiff import trace
    return [node.op for node in trace(root) if node.op != "leaf"]
