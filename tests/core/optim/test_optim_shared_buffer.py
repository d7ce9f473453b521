"""Plain SGD over parameters that share one buffer (as a trainer lays them out): the same numbers."""
import numpy as np

from core.autodiff import Tensor
from core.optim import SGD
from core.optim.flat import FlatParameters


def make(shared):
    rng = np.random.default_rng(1)
    params = [(f"p{i}", Tensor(rng.normal(size=shape), requires_grad=True))
              for i, shape in enumerate([(4, 3), (3,), (2, 4)])]
    flat = FlatParameters.adopt(params) if shared else None
    return [p for _, p in params], flat


def test_shared_parameters_take_bit_identical_steps_and_the_gaps_stay_zero():
    (alone, _), (together, flat) = make(False), make(True)
    rng = np.random.default_rng(2)
    opts = SGD(alone, lr=0.3), SGD(together, lr=0.3)
    opts[1].flat = flat
    for step in range(4):
        grads = [rng.normal(size=p.shape) for p in alone]
        for params, opt in zip((alone, together), opts):
            for p, g, place in zip(params, grads, flat.grad_views):
                if params is together and step >= 2:  # the gradients in their buffer: one multiply
                    place[...] = g
                    g = place
                p.grad = None if step == 1 and p is params[1] else g  # a skipped one: per parameter
            opt.step()
        for a, b in zip(alone, together):
            assert np.array_equal(a.data, b.data)
    assert np.count_nonzero(flat.params) == sum(p.size for p in together)  # (random values are nonzero)
    assert np.count_nonzero(flat.steps) == sum(p.size for p in together)


def test_a_parameter_given_a_new_array_is_updated_on_its_own():
    (alone, _), (together, flat) = make(False), make(True)
    together[2].data = together[2].data.copy()
    opts = SGD(alone, lr=0.5), SGD(together, lr=0.5)
    opts[1].flat = flat
    for params, opt in zip((alone, together), opts):
        for p in params:
            p.grad = np.ones(p.shape)
        opt.step()
    for a, b in zip(alone, together):
        assert np.array_equal(a.data, b.data)
    assert not np.shares_memory(together[2].data, flat.params)


def test_gradient_norms_from_the_buffer_are_bit_identical_to_one_dot_product_each():
    # equal sizes at equal spacing (rows of one view), a run broken by unequal spacing, and singles
    shapes = [(5, 7), (7,), (7, 7), (7,), (7, 7), (7,), (7, 7), (3, 7), (7,), (7, 7), (3,), ()]
    rng = np.random.default_rng(3)
    params = [(f"p{i}", Tensor(rng.normal(size=shape), requires_grad=True)) for i, shape in enumerate(shapes)]
    flat = FlatParameters.adopt(params)
    for place in flat.grad_views:
        place[...] = rng.normal(size=place.shape) * 10.0 ** rng.integers(-8, 8, size=place.shape)
    expected = [float(np.sqrt(np.vdot(g, g))) for g in flat.grad_views]
    norms = flat.grad_norms()
    assert [type(n) for n in norms] == [float] * len(shapes)
    assert norms == expected   # exactly, not approximately
    assert any(type(places) is tuple and len(places) > 2 for places, _ in flat._norm_rows)
