"""ONNX export: a model's layers as Gemm (transB=1) and activation nodes; and reading them back.

The graph takes "X" of shape [batch, in_features] and returns "scores" [batch, n_classes].
Weights are float32 by default because that is what every ONNX consumer (ONNX Runtime on
any device, onnxruntime-web, TensorRT, Core ML) runs, at about 1e-7 relative error;
``dtype="float64"`` writes a graph that matches the model's float64 scores to rounding
(about 1e-15), which ONNX Runtime's CPU provider also runs. Initializers are named by
state_dict key ("0.weight", "0.bias", ...).

Leaky ReLU is a LeakyRelu node, except in float64 graphs: LeakyRelu's ``alpha`` attribute is
a 32-bit float (0.01 would become 0.0099999998), so there it is a PRelu node whose slope is
a float64 initializer ("1.slope"), which computes the same function exactly.
"""
import json
import math

import numpy as np

from ..limits import MAX_ARRAY_BYTES, MAX_TOTAL_ARRAY_BYTES, check_bytes
from .files import check_checksum, parse_json, tensor_checksum

OPSET = 17        # ONNX Runtime ≥ 1.13; LeakyRelu runs on float64 only from opset 16
IR_VERSION = 8    # goes with opset 17; onnx would otherwise stamp its newest, which old runtimes reject
SPEC_KEY = "spec"
CHECKSUM_KEY = "sha256"
PRODUCER = "backprop-studio"
ONNX_DTYPES = ("float32", "float64")
_ACTIVATION_OPS = {"relu": "Relu", "tanh": "Tanh", "sigmoid": "Sigmoid", "leaky_relu": "LeakyRelu"}
_LOADABLE_ACTIVATIONS = (*_ACTIVATION_OPS.values(), "PRelu")


def encode_onnx(model, spec, dtype="float32"):
    """Serialized ONNX model computing ``model(X)``; ValueError for a layer it can't express."""
    onnx = _import_onnx()
    from onnx import TensorProto, helper, numpy_helper

    if dtype not in ONNX_DTYPES:
        raise ValueError(f"ONNX dtype must be one of {', '.join(ONNX_DTYPES)}, got {dtype!r}")
    elem_type = TensorProto.FLOAT if dtype == "float32" else TensorProto.DOUBLE
    state = model.state_dict()
    nodes, initializers, stored = [], [], {}

    def constant(name, array):
        stored[name] = np.asarray(array, dtype=dtype)
        initializers.append(numpy_helper.from_array(stored[name], name))
        return name

    current = "X"
    last = len(model.layers) - 1
    for i, layer in enumerate(model.layers):
        output = "scores" if i == last else f"{i}.out"
        if _is_linear(layer):
            inputs = [current, constant(f"{i}.weight", state[f"{i}.weight"])]
            if f"{i}.bias" in state:
                inputs.append(constant(f"{i}.bias", state[f"{i}.bias"]))
            nodes.append(helper.make_node("Gemm", inputs, [output], name=f"{i}.Gemm", transB=1))
        elif getattr(layer, "name", None) == "leaky_relu" and dtype == "float64":
            inputs = [current, constant(f"{i}.slope", layer.slope)]
            nodes.append(helper.make_node("PRelu", inputs, [output], name=f"{i}.PRelu"))
        elif getattr(layer, "name", None) in _ACTIVATION_OPS:
            op = _ACTIVATION_OPS[layer.name]
            attributes = {"alpha": float(layer.slope)} if op == "LeakyRelu" else {}
            nodes.append(helper.make_node(op, [current], [output], name=f"{i}.{op}", **attributes))
        else:
            raise ValueError(f"layer {i} ({layer!r}) has no ONNX equivalent here; only Linear "
                             f"and {', '.join(_ACTIVATION_OPS)} layers can be exported")
        current = output
    linears = [layer for layer in model.layers if _is_linear(layer)]
    n_in, n_out = linears[0].in_features, linears[-1].out_features
    graph = helper.make_graph(
        nodes, "backprop_studio_model",
        [helper.make_tensor_value_info("X", elem_type, ["batch", n_in])],
        [helper.make_tensor_value_info("scores", elem_type, ["batch", n_out])],
        initializers)
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name=PRODUCER, ir_version=IR_VERSION,
                              doc_string="Class scores of a Backprop Studio model: scores = model(X).")
    props = {CHECKSUM_KEY: tensor_checksum(stored)}
    if spec is not None:
        props[SPEC_KEY] = json.dumps(spec)
    helper.set_model_props(proto, props)
    onnx.checker.check_model(proto)
    return proto.SerializeToString()


def decode_onnx(data):
    """(tensors keyed like the torch.nn.Sequential state dict, spec or None) from ONNX bytes.

    The k-th Gemm or activation node is layer k, so Gemm weights land on "k.weight"/"k.bias"
    whatever the initializers are called. Gemm with transB=0 is transposed back to (out, in).
    """
    onnx = _import_onnx()
    from onnx import numpy_helper

    try:
        proto = onnx.load_model_from_string(bytes(data))
        onnx.checker.check_model(proto)
    except Exception as error:  # protobuf DecodeError, onnx ValidationError, ...
        raise ValueError(f"not a valid ONNX model, or truncated ({_first_line(error)})") from None
    graph = proto.graph
    constants = {}
    total = 0
    for init in graph.initializer:
        if init.data_location == onnx.TensorProto.EXTERNAL:
            raise ValueError(f"keeps initializer {init.name!r} in an external file, "
                             "which is not loaded")
        # NOTE: to_array allocates what the dims declare; 8 bytes an element bounds every type.
        nbytes = math.prod(max(int(d), 0) for d in init.dims) * 8
        check_bytes(nbytes, MAX_ARRAY_BYTES, f"initializer {init.name!r} of shape {tuple(init.dims)}",
                    "MAX_ARRAY_BYTES")
        total += nbytes
        check_bytes(total, MAX_TOTAL_ARRAY_BYTES, "the initializers together", "MAX_TOTAL_ARRAY_BYTES")
        try:
            constants[init.name] = numpy_helper.to_array(init)
        except Exception as error:  # unknown element type, wrong byte count, ...
            raise ValueError(f"initializer {init.name!r} cannot be read "
                             f"({type(error).__name__}: {_first_line(error)})") from None
    tensors = {}
    layer = 0
    for node in graph.node:
        if node.op_type == "Gemm":
            tensors.update(_gemm_tensors(node, layer, constants))
        elif node.op_type not in _LOADABLE_ACTIVATIONS:
            raise ValueError(f"holds a {node.op_type} node ({node.name or 'unnamed'}); only graphs of "
                             f"Gemm and {', '.join(_LOADABLE_ACTIVATIONS)} nodes can be loaded")
        layer += 1
    if not tensors:
        raise ValueError("holds no Gemm layer, so there are no weights to load")
    props = {p.key: p.value for p in proto.metadata_props}
    check_checksum(props.get(CHECKSUM_KEY), constants, "the ONNX metadata")
    spec = None
    if SPEC_KEY in props:
        try:
            spec = parse_json(props[SPEC_KEY], "the model spec in the ONNX metadata")
        except json.JSONDecodeError:
            raise ValueError("its metadata holds a model spec that is not valid JSON") from None
        if not isinstance(spec, dict):
            raise ValueError("its metadata holds a model spec that is not a JSON object")
    return tensors, spec


def _gemm_tensors(node, layer, constants):
    attributes = {a.name: a for a in node.attribute}
    alpha = attributes["alpha"].f if "alpha" in attributes else 1.0
    beta = attributes["beta"].f if "beta" in attributes else 1.0
    trans_a = attributes["transA"].i if "transA" in attributes else 0
    trans_b = attributes["transB"].i if "transB" in attributes else 0
    if alpha != 1.0 or beta != 1.0 or trans_a:
        raise ValueError(f"Gemm node {node.name or layer} uses alpha={alpha}, beta={beta}, "
                         f"transA={trans_a}; only plain X·Wᵀ + b layers can be loaded")
    names = list(node.input[1:])
    missing = [name for name in names if name and name not in constants]
    if missing:
        raise ValueError(f"Gemm node {node.name or layer} reads {missing[0]!r}, which is not "
                         "a stored initializer")
    weight = constants[names[0]]
    tensors = {f"{layer}.weight": weight if trans_b else weight.T}
    if len(names) > 1 and names[1]:
        tensors[f"{layer}.bias"] = constants[names[1]]
    return tensors


def _import_onnx():
    """The onnx package, an optional dependency; ValueError (not ImportError) when it is missing."""
    try:
        import onnx
    except ImportError:
        raise ValueError("ONNX files need the optional onnx package "
                         "(pip install 'backprop-studio[onnx]', or pip install onnx)") from None
    return onnx


def _is_linear(layer):
    return hasattr(layer, "weight") and hasattr(layer, "in_features") and hasattr(layer, "out_features")


def _first_line(error):
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
