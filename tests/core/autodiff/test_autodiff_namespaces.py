"""sum_to_array: the same sums with or without an output array."""
import numpy as np
import pytest

from core.autodiff.namespaces import sum_to_array


@pytest.mark.parametrize("shape, target", [((6, 4), (4,)), ((6, 4), (1, 4)), ((2, 3, 4), (3, 1)),
                                           ((5,), (5,))])
def test_sum_to_array_into_an_output_gives_the_same_numbers(shape, target):
    x = np.random.default_rng(0).standard_normal(shape)
    out = np.full(target, np.nan)
    expected = sum_to_array(x, target)
    assert sum_to_array(x, target, out=out) is out
    assert expected.shape == target and np.array_equal(out, expected)
