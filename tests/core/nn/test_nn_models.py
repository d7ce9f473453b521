import json

import numpy as np
import pytest

from core import gradcheck, no_grad
from core.nn import (
    MLP,
    LeakyReLU,
    Linear,
    LinearSVM,
    ReLU,
    SoftmaxClassifier,
    build_model,
    evaluate_spec,
    hinge_loss,
    l2_penalty,
    softmax_loss,
)
from core.nn.models import EVALUATE_ROWS

MODELS = {
    "mlp": lambda: MLP(2, [16, 16], 3),
    "mlp_mixed": lambda: MLP(3, [5, 4, 6], 2, activation=["tanh", "sigmoid", "leaky_relu"],
                             init="xavier", leaky_slope=0.1),
    "mlp_no_hidden": lambda: MLP(4, [], 3),
    "svm": lambda: LinearSVM(4, 3),
    "softmax": lambda: SoftmaxClassifier(4, 3),
}


def _batch(model, n=6, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, model.in_features)), rng.integers(0, model.out_features, n)


def test_mlp_is_laid_out_like_torch_sequential():
    model = MLP(2, [16, 16], 3)
    shapes = {k: v.shape for k, v in model.state_dict().items()}
    assert shapes == {"0.weight": (16, 2), "0.bias": (16,), "2.weight": (16, 16),
                      "2.bias": (16,), "4.weight": (3, 16), "4.bias": (3,)}
    assert [type(layer) for layer in model.layers] == [Linear, ReLU, Linear, ReLU, Linear]
    assert [p.name for p in model.parameters()] == list(shapes)
    assert [name for name, _ in model.named_parameters()] == list(shapes)
    assert model.weights() == [model.layers[i].weight for i in (0, 2, 4)]


@pytest.mark.parametrize("cls", [LinearSVM, SoftmaxClassifier])
def test_linear_classifiers_are_one_linear_layer(cls):
    model = cls(5, 4)
    assert list(model.state_dict()) == ["0.weight", "0.bias"]
    assert model.layers[0].weight.shape == (4, 5)
    assert model.weights() == [model.layers[0].weight]
    assert (model.in_features, model.n_classes) == (5, 4)
    assert abs(model.layers[0].weight.data.std() - 0.01) < 0.005  # "small" init by default


def test_forward_names_inputs_and_scores():
    model = MLP(2, [3], 2)
    scores = model(np.zeros((4, 2)))
    assert scores.name == "scores" and scores.shape == (4, 2)


def test_state_dict_returns_copies():
    model = LinearSVM(3, 2)
    state = model.state_dict()
    state["0.weight"][...] = 5
    assert not np.any(model.layers[0].weight.data == 5)


def test_load_state_dict_copies_in_place_and_casts():
    model, other = MLP(2, [4], 3, seed=0), MLP(2, [4], 3, seed=1)
    arrays = [p.data for p in model.parameters()]
    state = {k: v.astype(np.float32).tolist() for k, v in other.state_dict().items()}
    model.load_state_dict(state)
    assert all(p.data is a for p, a in zip(model.parameters(), arrays))  # same arrays, new values
    for p in model.parameters():
        assert p.dtype == np.float64
        np.testing.assert_allclose(p.data, other.state_dict()[p.name], rtol=1e-6)


def test_load_state_dict_validates_everything_before_changing_anything():
    model = MLP(2, [4], 3)
    before = model.state_dict()
    bad_keys = dict(before)
    del bad_keys["0.bias"]
    bad_keys["9.weight"] = np.zeros(1)
    with pytest.raises(ValueError, match=r"missing keys \['0.bias'\], unexpected keys \['9.weight'\]"):
        model.load_state_dict(bad_keys)
    bad_shape = {k: v + 1 for k, v in before.items()}
    bad_shape["2.weight"] = np.zeros((4, 3))
    with pytest.raises(ValueError, match=r"'2.weight' has shape \(4, 3\) in the state dict but \(3, 4\)"):
        model.load_state_dict(bad_shape)
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v, before[k])


@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
def test_spec_round_trips_through_json_and_build_model(make):
    model = make()
    spec = json.loads(json.dumps(model.spec()))
    rebuilt = build_model(spec, seed=0)
    assert type(rebuilt) is type(model) and rebuilt.spec() == model.spec()
    for (k, a), (k2, b) in zip(model.state_dict().items(), rebuilt.state_dict().items()):
        assert k == k2
        np.testing.assert_array_equal(a, b)


def test_specs_describe_the_architecture():
    assert MLP(2, [16, 16], 3).spec() == {"type": "mlp", "in_features": 2, "hidden": [16, 16],
                                          "out_features": 3, "activations": ["relu", "relu"],
                                          "init": "he"}
    assert LinearSVM(4, 3).spec() == {"type": "svm", "in_features": 4, "n_classes": 3, "init": "small"}
    assert SoftmaxClassifier(4, 3, init="xavier").spec()["type"] == "softmax"
    mixed = MLP(2, [3, 3], 2, activation=["tanh", "leaky_relu"], leaky_slope=0.2)
    assert mixed.spec()["leaky_slope"] == 0.2 and isinstance(mixed.layers[3], LeakyReLU)
    assert build_model(mixed.spec()).layers[3].slope == 0.2


def test_build_model_errors():
    with pytest.raises(ValueError, match="unknown model type 'cnn'; choose one of mlp, svm, softmax"):
        build_model({"type": "cnn"})
    with pytest.raises(ValueError, match="needs the key 'hidden'"):
        build_model({"type": "mlp", "in_features": 2, "out_features": 3})
    with pytest.raises(ValueError, match="2 activations given for 1 hidden layers"):
        MLP(2, [3], 2, activation=["relu", "tanh"])


def test_models_are_seeded():
    a, b = MLP(2, [8], 3, seed=3), MLP(2, [8], 3, seed=3)
    for x, y in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(x.data, y.data)
    assert not np.array_equal(a.layers[0].weight.data, MLP(2, [8], 3, seed=4).layers[0].weight.data)


def _numeric_param_grads(model, loss_of_model, eps=1e-6):
    """Central differences, perturbing each parameter entry in place."""
    grads = []
    for p in model.parameters():
        g = np.zeros_like(p.data)
        for j in range(p.size):
            old = p.data.flat[j]
            with no_grad():
                p.data.flat[j] = old + eps
                plus = loss_of_model().item()
                p.data.flat[j] = old - eps
                minus = loss_of_model().item()
            p.data.flat[j] = old
            g.flat[j] = (plus - minus) / (2 * eps)
        grads.append(g)
    return grads


@pytest.mark.parametrize("loss", [hinge_loss, softmax_loss])
@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
def test_parameter_gradients_match_central_differences(make, loss):
    model = make()
    X, y = _batch(model)
    reg = 0.1

    def total():
        return loss(model(X), y) + l2_penalty(model.weights(), reg)

    model.zero_grad()
    total().backward()
    for p, numeric in zip(model.parameters(), _numeric_param_grads(model, total)):
        np.testing.assert_allclose(p.grad, numeric, atol=1e-6, rtol=1e-4, err_msg=p.name)


@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
def test_input_gradcheck(make):
    model = make()
    X, y = _batch(model, n=3)
    assert gradcheck(lambda x: softmax_loss(model(x), y), [X])
    assert gradcheck(model, [X])


def test_smooth_mlp_second_order_gradcheck():
    model = MLP(3, [4], 2, activation="tanh")
    X, y = _batch(model, n=3)
    assert gradcheck(lambda x: softmax_loss(model(x), y), [X], order=2)



def _torch_sequential(model):
    torch = pytest.importorskip("torch")
    layers = []
    for layer in model.layers:
        if isinstance(layer, Linear):
            layers.append(torch.nn.Linear(layer.in_features, layer.out_features))
        elif isinstance(layer, LeakyReLU):
            layers.append(torch.nn.LeakyReLU(negative_slope=layer.slope))
        else:
            layers.append({"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh,
                           "sigmoid": torch.nn.Sigmoid}[layer.name]())
    net = torch.nn.Sequential(*layers).double()
    net.load_state_dict({k: torch.from_numpy(v) for k, v in model.state_dict().items()})
    return net


@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
def test_weights_drop_into_torch_sequential(make):
    torch = pytest.importorskip("torch")
    model = make()
    net = _torch_sequential(model)
    assert {k: tuple(v.shape) for k, v in net.state_dict().items()} == \
        {k: v.shape for k, v in model.state_dict().items()}
    X, y = _batch(model)
    with torch.no_grad():
        expected = net(torch.from_numpy(X)).numpy()
    np.testing.assert_allclose(model(X).data, expected, rtol=1e-12, atol=1e-12)

    # the same program twice: gradients of the softmax loss agree with torch autograd
    torch_loss = torch.nn.functional.cross_entropy(net(torch.from_numpy(X)), torch.from_numpy(y))
    torch_loss.backward()
    loss = softmax_loss(model(X), y)
    loss.backward()
    assert loss.item() == pytest.approx(torch_loss.item(), rel=1e-12)
    for (name, p), (tname, tp) in zip(model.named_parameters(), net.named_parameters()):
        assert name == tname
        np.testing.assert_allclose(p.grad, tp.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_torch_weights_load_into_our_model():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(2, 5), torch.nn.Tanh(), torch.nn.Linear(5, 3)).double()
    model = MLP(2, [5], 3, activation="tanh")
    model.load_state_dict({k: v.detach().numpy() for k, v in net.state_dict().items()})
    X = np.random.default_rng(0).standard_normal((4, 2))
    with torch.no_grad():
        np.testing.assert_allclose(model(X).data, net(torch.from_numpy(X)).numpy(), rtol=1e-12)


@pytest.mark.parametrize("rows", [EVALUATE_ROWS, EVALUATE_ROWS * 3 + 17, 10_000])
def test_evaluate_spec_on_a_plot_grid_in_blocks_gives_the_models_own_scores(rows):
    model = MLP(2, [128, 128, 128], 3, seed=4)
    X = np.random.default_rng(5).uniform(-2, 2, (rows, 2))
    with no_grad():
        whole = model(X).data
    scores = evaluate_spec(model.spec(), model.state_dict(), X)
    np.testing.assert_allclose(scores, whole, rtol=1e-13, atol=1e-13)
    np.testing.assert_array_equal(scores.argmax(axis=1), whole.argmax(axis=1))
