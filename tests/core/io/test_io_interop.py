"""The exported files work elsewhere: safetensors in PyTorch, ONNX in ONNX Runtime."""
import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from core.io import WeightsError, load_weights, save_weights
from core.nn import MLP, LinearSVM, SoftmaxClassifier

X = np.random.default_rng(0).standard_normal((9, 4))
MODELS = {
    "relu": lambda: MLP(4, [16, 8], 3, activation="relu", seed=1),
    "tanh+sigmoid": lambda: MLP(4, [16, 8], 3, activation=["tanh", "sigmoid"], seed=2),
    "leaky_relu": lambda: MLP(4, [16], 5, activation="leaky_relu", leaky_slope=0.3, seed=3),
    "svm": lambda: LinearSVM(4, 3, seed=4),
    "softmax": lambda: SoftmaxClassifier(4, 3, seed=5),
}


def trained_like(make):
    """A model with non-zero biases, so that a bias mix-up would show."""
    model = make()
    for p in model.parameters():
        p.data[...] += np.random.default_rng(9).standard_normal(p.shape) * 0.5
    return model


# ----- PyTorch -----------------------------------------------------------------------------------
def torch_sequential(model):
    torch = pytest.importorskip("torch")
    layers = []
    for layer in model.layers:
        if hasattr(layer, "in_features"):
            layers.append(torch.nn.Linear(layer.in_features, layer.out_features))
        elif layer.name == "leaky_relu":
            layers.append(torch.nn.LeakyReLU(layer.slope))
        else:
            layers.append({"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh,
                           "sigmoid": torch.nn.Sigmoid}[layer.name]())
    return torch.nn.Sequential(*layers)


@pytest.mark.parametrize("kind", MODELS)
def test_safetensors_load_into_torch_sequential_unchanged(tmp_path, kind):
    torch = pytest.importorskip("torch")
    from safetensors.torch import load_file
    model = trained_like(MODELS[kind])
    save_weights(model, tmp_path / "w.safetensors")

    net = torch_sequential(model).double()
    net.load_state_dict(load_file(tmp_path / "w.safetensors"))  # strict: same keys and shapes
    with torch.no_grad():
        scores = net(torch.from_numpy(X)).numpy()
    np.testing.assert_allclose(scores, model(X).data, rtol=1e-12, atol=1e-12)

    float32_net = torch_sequential(model)  # torch's default dtype: load_state_dict casts
    float32_net.load_state_dict(load_file(tmp_path / "w.safetensors"))
    with torch.no_grad():
        scores32 = float32_net(torch.from_numpy(X).float()).numpy()
    np.testing.assert_allclose(scores32, model(X).data, rtol=1e-5, atol=1e-5)


def test_torch_saved_safetensors_load_back(tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import save_file
    model = MLP(4, [16, 8], 3, seed=1)
    torch.manual_seed(0)
    net = torch_sequential(model).double()
    save_file(net.state_dict(), tmp_path / "torch.safetensors")
    load_weights(model, tmp_path / "torch.safetensors")
    with torch.no_grad():
        expected = net(torch.from_numpy(X)).numpy()
    np.testing.assert_allclose(model(X).data, expected, rtol=1e-12, atol=1e-12)


# ----- ONNX Runtime ------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype, tolerance", [("float32", 1e-5), ("float64", 1e-12)])
@pytest.mark.parametrize("kind", MODELS)
def test_onnx_runtime_reproduces_the_scores(tmp_path, kind, dtype, tolerance):
    model = trained_like(MODELS[kind])
    save_weights(model, tmp_path / "w.onnx", onnx_dtype=dtype)
    session = ort.InferenceSession(str(tmp_path / "w.onnx"), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["X"]
    assert [o.name for o in session.get_outputs()] == ["scores"]
    for batch in (X[:1], X):  # the batch dimension is free
        (scores,) = session.run(["scores"], {"X": batch.astype(dtype)})
        assert scores.dtype == np.dtype(dtype) and scores.shape == (len(batch), model(X).shape[1])
        np.testing.assert_allclose(scores, model(batch).data, rtol=tolerance, atol=tolerance)


def test_the_onnx_graph_is_gemm_and_activation_nodes(tmp_path):
    model = MLP(4, [16, 8], 3, activation=["leaky_relu", "tanh"], leaky_slope=0.25)
    save_weights(model, tmp_path / "w.onnx")
    proto = onnx.load(str(tmp_path / "w.onnx"))
    onnx.checker.check_model(proto, full_check=True)
    assert [n.op_type for n in proto.graph.node] == ["Gemm", "LeakyRelu", "Gemm", "Tanh", "Gemm"]
    for node in proto.graph.node:
        attributes = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        if node.op_type == "Gemm":
            assert attributes == {"transB": 1}
        if node.op_type == "LeakyRelu":
            assert attributes["alpha"] == pytest.approx(0.25)
    initializers = {i.name: numpy_helper.to_array(i) for i in proto.graph.initializer}
    assert sorted(initializers) == sorted(model.state_dict())
    assert initializers["2.weight"].shape == (8, 16)
    x_type = proto.graph.input[0].type.tensor_type
    assert x_type.elem_type == TensorProto.FLOAT
    assert [d.dim_param or d.dim_value for d in x_type.shape.dim] == ["batch", 4]


def test_float64_leaky_relu_is_an_exact_prelu(tmp_path):
    model = MLP(4, [16], 3, activation="leaky_relu", leaky_slope=0.01)
    save_weights(model, tmp_path / "w.onnx", onnx_dtype="float64")
    proto = onnx.load(str(tmp_path / "w.onnx"))
    assert [n.op_type for n in proto.graph.node] == ["Gemm", "PRelu", "Gemm"]
    slope = {i.name: numpy_helper.to_array(i) for i in proto.graph.initializer}["1.slope"]
    assert slope.dtype == np.float64 and slope == 0.01
    other = MLP(4, [16], 3, activation="leaky_relu", leaky_slope=0.01, seed=8)
    load_weights(other, tmp_path / "w.onnx")  # the slope initializer is not a parameter
    assert all(np.array_equal(a, b) for a, b in zip(other.parameters(), model.parameters()))


def hand_built_onnx(path, weight, bias, trans_b, **gemm_attributes):
    nodes = [helper.make_node("Gemm", ["X", "W", "b"], ["h"], transB=trans_b, **gemm_attributes),
             helper.make_node("Relu", ["h"], ["r"]),
             helper.make_node("Gemm", ["r", "W2", "b2"], ["scores"], transB=1)]
    rng = np.random.default_rng(1)
    w2, b2 = rng.standard_normal((3, weight.shape[0] if trans_b else weight.shape[1])), np.zeros(3)
    graph = helper.make_graph(
        nodes, "foreign", [helper.make_tensor_value_info("X", TensorProto.DOUBLE, [None, 4])],
        [helper.make_tensor_value_info("scores", TensorProto.DOUBLE, [None, 3])],
        [numpy_helper.from_array(a, n) for a, n in ((weight, "W"), (bias, "b"), (w2, "W2"), (b2, "b2"))])
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=7)
    path.write_bytes(proto.SerializeToString())
    return w2


def test_a_foreign_onnx_file_loads_by_layer_position(tmp_path):
    rng = np.random.default_rng(0)
    weight_in_out, bias = rng.standard_normal((4, 16)), rng.standard_normal(16)
    w2 = hand_built_onnx(tmp_path / "foreign.onnx", weight_in_out, bias, trans_b=0)
    model = MLP(4, [16], 3)
    load_weights(model, tmp_path / "foreign.onnx")
    state = model.state_dict()
    np.testing.assert_array_equal(state["0.weight"], weight_in_out.T)  # transB=0 means (in, out)
    np.testing.assert_array_equal(state["0.bias"], bias)
    np.testing.assert_array_equal(state["2.weight"], w2)
    session = ort.InferenceSession(str(tmp_path / "foreign.onnx"), providers=["CPUExecutionProvider"])
    np.testing.assert_allclose(session.run(None, {"X": X})[0], model(X).data, rtol=1e-12)


def test_scaled_gemm_is_refused(tmp_path):
    rng = np.random.default_rng(0)
    hand_built_onnx(tmp_path / "scaled.onnx", rng.standard_normal((16, 4)), np.zeros(16),
                    trans_b=1, alpha=2.0)
    model = MLP(4, [16], 3)
    before = model.state_dict()
    with pytest.raises(WeightsError, match=r"scaled\.onnx: .*alpha=2\.0"):
        load_weights(model, tmp_path / "scaled.onnx")
    assert all(np.array_equal(before[k], v) for k, v in model.state_dict().items())


def test_unsupported_onnx_ops_are_named(tmp_path):
    graph = helper.make_graph(
        [helper.make_node("Softmax", ["X"], ["scores"])], "g",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, 4])],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, [None, 4])])
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=7)
    (tmp_path / "softmax.onnx").write_bytes(proto.SerializeToString())
    with pytest.raises(WeightsError, match=r"softmax\.onnx: holds a Softmax node"):
        load_weights(MLP(4, [16], 3), tmp_path / "softmax.onnx")
