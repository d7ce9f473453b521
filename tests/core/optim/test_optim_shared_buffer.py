"""Plain SGD over parameters that share one buffer (as a trainer lays them out): the same numbers."""
import numpy as np

from core.autodiff import Tensor
from core.optim import SGD
from core.training.divergence import shared_buffer


def make(shared):
    rng = np.random.default_rng(1)
    params = [(f"p{i}", Tensor(rng.normal(size=shape), requires_grad=True))
              for i, shape in enumerate([(4, 3), (3,), (2, 4)])]
    if shared:
        shared_buffer(params)
    return [p for _, p in params]


def test_shared_parameters_take_bit_identical_steps_and_the_gaps_stay_zero():
    alone, together = make(False), make(True)
    rng = np.random.default_rng(2)
    opts = SGD(alone, lr=0.3), SGD(together, lr=0.3)
    for step in range(3):
        grads = [rng.normal(size=p.shape) for p in alone]
        for params, opt in zip((alone, together), opts):
            for p, g in zip(params, grads):
                p.grad = None if step == 1 and p is params[1] else g  # a skipped one: per parameter
            opt.step()
        for a, b in zip(alone, together):
            assert np.array_equal(a.data, b.data)
    base = together[0].data.base
    assert np.count_nonzero(base) == sum(p.size for p in together)  # (random values are nonzero)
