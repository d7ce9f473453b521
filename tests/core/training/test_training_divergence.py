"""The update's guard: one check over a shared buffer, the same answer as one per parameter."""
import numpy as np

from core.autodiff import Tensor
from core.optim import SGD
from core.optim.flat import FlatParameters
from core.training.divergence import guarded_step


def make_params():
    rng = np.random.default_rng(0)
    return [("w", Tensor(rng.normal(size=(3, 5)), requires_grad=True)),
            ("b", Tensor(rng.normal(size=5), requires_grad=True))]


def test_shared_buffer_keeps_the_values_and_aligns_each_parameter():
    params = make_params()
    before = [p.data.copy() for _, p in params]
    flat = FlatParameters.adopt(params)
    for (_, p), old, view in zip(params, before, flat.views):
        assert p.data is view and np.shares_memory(view, flat.params)
        assert np.array_equal(p.data, old)
        assert p.data.ctypes.data % 64 == 0
    assert all(a.ctypes.data % 64 == 0 for a in flat.grad_views + flat.step_views)


def test_the_guard_finds_a_non_finite_parameter_in_the_buffer_and_outside_it():
    for moved_out in (False, True):
        params = make_params()
        shared = FlatParameters.adopt(params)
        if moved_out:  # a parameter given a new array is checked on its own
            params[1][1].data = params[1][1].data.copy()
        before = [p.data.copy() for _, p in params]
        optimizer = SGD([p for _, p in params], lr=1.0)
        params[0][1].grad = np.zeros((3, 5))
        params[1][1].grad = np.array([0, 0, np.inf, 0, 0.0])
        with np.errstate(invalid="ignore"):
            assert guarded_step(optimizer, params, False, True, shared) == "b"
        assert all(np.array_equal(p.data, old) for (_, p), old in zip(params, before))
        params[1][1].grad = np.zeros(5)
        assert guarded_step(optimizer, params, False, True, shared) is None
