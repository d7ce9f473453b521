"""The graph's caption numbers: the array summaries read exactly as ndarray.mean/min/max give them
(they take the reductions directly, for Play's frames), and gradient norms as np.linalg.norm."""
import numpy as np
import pytest

from gui.array_view import fmt, range_text, summary_lines
from gui.graph_stats import GradientLooks

RNG = np.random.default_rng(3)
ARRAYS = [
    RNG.normal(size=(240, 128)),                          # a hidden layer of the 128×3 MLP
    RNG.normal(size=(128, 128)).T,                        # a transposed weight (F-ordered)
    RNG.normal(size=(240, 64))[::2, 1::3],                # a strided view
    RNG.normal(size=300).astype(np.float32),
    RNG.integers(0, 3, size=240),                         # labels
    np.array([True, False, True]),
    np.array([1.5, np.nan, -2.0]),
    np.array([np.inf, 1.0]),
    np.array(2.5),
    np.array([[-0.25]]),
    RNG.normal(size=(3, 4)) * 1e-7,
]


@pytest.mark.parametrize("a", ARRAYS, ids=lambda a: f"{a.dtype}{a.shape}")
def test_captions_read_exactly_as_mean_min_and_max_give_them(a):
    with np.errstate(invalid="ignore"):
        expected_range = "" if a.size == 1 else f"[{fmt(a.min(), 2)}, {fmt(a.max(), 2)}]"
        expected = (fmt(a.reshape(())), "") if a.size == 1 else (f"μ {fmt(a.mean())}", expected_range)
        assert summary_lines(a) == expected
        assert range_text(a) == expected_range


def test_no_value_reads_as_a_dash():
    assert summary_lines(None) == ("—", "")


@pytest.mark.parametrize("a", ARRAYS[:4] + ARRAYS[9:], ids=lambda a: f"{a.dtype}{a.shape}")
def test_a_gradient_norm_is_np_linalg_norm_and_worked_out_once_per_array(a):
    looks, a = GradientLooks(), np.array(a)
    norm = looks.norm(a)
    assert norm == float(np.linalg.norm(a))
    a *= 2                                 # a frame's arrays never change: asked again, the same
    assert looks.norm(a) == norm
