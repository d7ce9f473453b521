"""Model weights to and from files other tools read: safetensors, ONNX, npz and JSON.

The suffix picks the format. Every file also records the model's spec when it has one, so a
file can say what architecture it belongs to. Loading checks names, shapes, dtypes, values
and architecture before a single parameter changes.
"""
from pathlib import Path

import numpy as np

from ..limits import MAX_FILE_BYTES
from . import formats
from .files import read_nonempty, write_atomic
from .onnx_format import ONNX_DTYPES, decode_onnx, encode_onnx

WEIGHT_FORMATS = (".safetensors", ".onnx", ".npz", ".json")

_DECODERS = {".safetensors": formats.decode_safetensors, ".onnx": decode_onnx,
             ".npz": formats.decode_npz, ".json": formats.decode_json}
_ENCODERS = {".safetensors": formats.encode_safetensors, ".npz": formats.encode_npz,
             ".json": formats.encode_json}


class WeightsError(ValueError):
    """A weights file that cannot be written, read or loaded into this model; names file and problem."""


def save_weights(model, path, *, onnx_dtype="float32"):
    """Write the model's parameters (and spec) to ``path``; the suffix picks the format.

    The write is atomic: an existing file is replaced only once the new one is complete.
    ``onnx_dtype`` ("float32" or "float64") is the ONNX graph's number type.
    """
    path = Path(path)
    suffix = _suffix(path)
    tensors = model.state_dict()
    for name, array in tensors.items():
        if not np.all(np.isfinite(array)):
            raise WeightsError(f"{path.name}: not written: parameter {name} holds NaN/Inf values")
    spec = _spec_of(model)
    try:
        if suffix == ".onnx":
            if onnx_dtype not in ONNX_DTYPES:
                raise ValueError(f"onnx_dtype must be one of {', '.join(ONNX_DTYPES)}, "
                                 f"got {onnx_dtype!r}")
            data = encode_onnx(model, spec, onnx_dtype)
        else:
            data = _ENCODERS[suffix](tensors, spec)
    except ValueError as error:
        raise WeightsError(f"{path.name}: not written: {error}") from None
    try:
        write_atomic(path, data)
    except OSError as error:
        raise WeightsError(f"{path}: cannot write ({error.strerror or error})") from None


def read_weights(path):
    """(tensors, spec) stored in a weights file: float arrays by state_dict key, spec or None.

    For when no model exists yet, e.g. ``build_model(spec)`` then ``load_weights``.
    """
    path = Path(path)
    decode = _DECODERS[_suffix(path)]
    data = read_nonempty(path, WeightsError, "weights file", MAX_FILE_BYTES, "MAX_FILE_BYTES")
    try:
        tensors, spec = decode(data)
    except ValueError as error:
        raise WeightsError(f"{path.name}: {error}") from None
    except (RecursionError, MemoryError, OverflowError) as error:  # NOTE: the limits' last guard
        raise WeightsError(f"{path.name}: the file is too large or too deeply nested to read "
                           f"({type(error).__name__})") from None
    problems = []
    for name, array in tensors.items():
        if array.dtype.kind != "f":
            problems.append(f"{name} has dtype {array.dtype}; expected floating point")
        elif not np.all(np.isfinite(array)):
            problems.append(f"{name} holds {int(np.sum(~np.isfinite(array)))} NaN/Inf values")
    if problems:
        raise WeightsError(f"{path.name}: " + "; ".join(problems))
    return tensors, spec


def load_weights(model, path):
    """Load a weights file into ``model`` in place; on any problem WeightsError, model untouched."""
    path = Path(path)
    tensors, file_spec = read_weights(path)
    expected = {name: array.shape for name, array in model.state_dict().items()}
    problems = _mismatches(tensors, expected)
    model_spec = _spec_of(model)
    architecture = _architecture_note(file_spec, model_spec)
    if problems:
        note = f" ({architecture})" if architecture else ""
        raise WeightsError(f"{path.name}: " + "; ".join(problems) + note)
    if architecture:
        raise WeightsError(f"{path.name}: {architecture}")
    model.load_state_dict(tensors)


def _suffix(path):
    suffix = path.suffix.lower()
    if suffix not in WEIGHT_FORMATS:
        given = f"suffix {path.suffix!r}" if path.suffix else "no suffix"
        raise WeightsError(f"{path.name}: unknown weights format ({given}); use one of "
                           f"{', '.join(WEIGHT_FORMATS)}")
    return suffix


def _spec_of(model):
    try:
        return model.spec()
    except (AttributeError, TypeError, NotImplementedError):
        return None


def _mismatches(tensors, expected):
    missing = [name for name in expected if name not in tensors]
    unexpected = sorted((name for name in tensors if name not in expected), key=_natural)
    problems = []
    if missing:
        problems.append(f"missing {', '.join(missing)}")
    if unexpected:
        problems.append(f"unexpected {', '.join(unexpected)}")
    for name, shape in expected.items():
        if name in tensors and tensors[name].shape != shape:
            problems.append(f"{name} has shape {tuple(tensors[name].shape)} but the model "
                            f"expects {tuple(shape)}")
    return problems


def _natural(name):
    """Model order: "2.weight", "2.bias", "10.weight" (layer numbers by value, weight first)."""
    rank = {"weight": 0, "bias": 1}
    return [(0, int(part), "") if part.isdigit() else (1, rank.get(part, 2), part)
            for part in name.split(".")]


def _architecture_note(file_spec, model_spec):
    """A sentence when both specs are known and describe different functions, else ""."""
    if file_spec is None or model_spec is None:
        return ""
    if _structure(file_spec) == _structure(model_spec):
        return ""
    return f"the file holds {describe_spec(file_spec)} but the model is {describe_spec(model_spec)}"


def _structure(spec):
    # NOTE: the init scheme doesn't change the function, and an SVM and a softmax classifier
    # are the same linear map (they differ in their loss), so weights move freely between them.
    kind = spec.get("type")
    if kind in ("svm", "softmax"):
        return ("linear", spec.get("in_features"), spec.get("n_classes"))
    if kind == "mlp":
        activations = list(spec.get("activations") or [])
        slope = spec.get("leaky_slope", 0.01) if "leaky_relu" in activations else None
        return ("mlp", spec.get("in_features"), list(spec.get("hidden") or []),
                spec.get("out_features"), activations, slope)
    return (kind, sorted((k, repr(v)) for k, v in spec.items() if k != "init"))


def describe_spec(spec):
    """A short phrase for a model spec, e.g. "an MLP 2→16→16→3 (relu, relu)"."""
    kind = spec.get("type")
    if kind == "mlp":
        sizes = [spec.get("in_features"), *(spec.get("hidden") or []), spec.get("out_features")]
        activations = list(spec.get("activations") or [])
        if "leaky_relu" in activations:
            slope = spec.get("leaky_slope", 0.01)
            activations = [f"leaky_relu {slope:g}" if a == "leaky_relu" else a for a in activations]
        return f"an MLP {'→'.join(map(str, sizes))} ({', '.join(activations)})"
    if kind in ("svm", "softmax"):
        name = "a linear SVM" if kind == "svm" else "a softmax classifier"
        return f"{name} {spec.get('in_features')}→{spec.get('n_classes')}"
    return f"a model of type {kind!r}"


__all__ = ["WEIGHT_FORMATS", "WeightsError", "save_weights", "load_weights", "read_weights",
           "describe_spec"]
