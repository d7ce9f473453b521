import numpy as np
import pytest

from core import Tensor, gradcheck
from core.nn import ACTIVATIONS, LeakyReLU, Linear, ReLU, Sigmoid, Tanh, make_activation


def test_linear_matches_torch_layout_and_formula():
    layer = Linear(3, 5, seed=1)
    assert layer.weight.shape == (5, 3) and layer.bias.shape == (5,)
    assert layer.weight.requires_grad and layer.bias.requires_grad
    x = np.random.default_rng(0).standard_normal((4, 3))
    out = layer(x)
    assert isinstance(out, Tensor)
    np.testing.assert_allclose(out.data, x @ layer.weight.data.T + layer.bias.data)


def test_linear_names_its_parameters_and_wraps_arrays():
    layer = Linear(2, 2)
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]
    assert layer.weight.name == "weight"
    out = layer(np.ones((1, 2)))
    assert out._parents[0]._parents[0].name == "X"  # (X @ W.T) + b


def test_linear_without_bias():
    layer = Linear(2, 3, bias=False)
    assert layer.bias is None and len(layer.parameters()) == 1
    np.testing.assert_allclose(layer(np.eye(2)).data, layer.weight.data.T)


@pytest.mark.parametrize("init, std", [("he", np.sqrt(2 / 400)), ("xavier", np.sqrt(1 / 400)),
                                       ("small", 0.01)])
def test_init_scales(init, std):
    w = Linear(400, 300, init=init, seed=0).weight.data
    assert abs(w.std() / std - 1) < 0.02
    assert abs(w.mean()) < 0.05 * std


def test_init_is_seeded_and_deterministic():
    a, b, c = Linear(4, 3, seed=7), Linear(4, 3, seed=7), Linear(4, 3, seed=8)
    np.testing.assert_array_equal(a.weight.data, b.weight.data)
    assert not np.array_equal(a.weight.data, c.weight.data)
    np.testing.assert_array_equal(a.bias.data, 0)
    rng = np.random.default_rng(7)
    np.testing.assert_array_equal(Linear(4, 3, rng=rng).weight.data, a.weight.data)


def test_linear_rejects_bad_sizes_and_inputs():
    with pytest.raises(ValueError, match="unknown init 'glorot'"):
        Linear(2, 3, init="glorot")
    with pytest.raises(ValueError, match="in_features must be a positive integer"):
        Linear(0, 3)
    with pytest.raises(ValueError, match="has 3 features, expected 2"):
        Linear(2, 3)(np.ones((4, 3)))


def test_linear_gradcheck_in_float64():
    layer = Linear(3, 2, seed=0)
    x = np.random.default_rng(1).standard_normal((4, 3))

    def f(x, w, b):
        layer.weight, layer.bias = w, b
        return layer(x)

    assert gradcheck(f, [x, layer.weight.data, layer.bias.data])


@pytest.mark.parametrize("module, reference", [
    (ReLU(), lambda x: np.maximum(x, 0)),
    (Tanh(), np.tanh),
    (Sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
    (LeakyReLU(), lambda x: np.where(x > 0, x, 0.01 * x)),
    (LeakyReLU(0.2), lambda x: np.where(x > 0, x, 0.2 * x)),
])
def test_activations_map_to_engine_ops(module, reference):
    x = np.linspace(-3, 3, 13)
    out = module(Tensor(x, requires_grad=True))
    np.testing.assert_allclose(out.data, reference(x), atol=1e-12)
    assert out.op == module.name
    assert module.parameters() == []


def test_activation_names_and_factory():
    assert set(ACTIVATIONS) == {"relu", "tanh", "sigmoid", "leaky_relu"}
    assert make_activation("leaky_relu", 0.3).slope == 0.3
    assert isinstance(make_activation("tanh"), Tanh)
    with pytest.raises(ValueError, match="unknown activation 'gelu'"):
        make_activation("gelu")
