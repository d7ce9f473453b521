"""The three plain tensor formats: safetensors, npz and JSON, as bytes ↔ (tensors, spec).

``encode_*(tensors, spec)`` returns the file's bytes; ``decode_*(data)`` returns
``(tensors, spec)`` (spec None when the file has none) or raises ValueError saying what is
wrong with the bytes. Names, shapes and values are checked against a model elsewhere
(``core.io.weights``).
"""
import io
import json
import math
import struct

import numpy as np

from ..limits import MAX_ARRAY_BYTES, MAX_TOTAL_ARRAY_BYTES, check_bytes
from .files import check_checksum, check_header, parse_json, tensor_checksum
from .npz import read_npz

JSON_FORMAT = "backprop-studio-weights"
JSON_VERSION = 1
NPZ_SPEC_KEY = "__spec__"
SAFETENSORS_SPEC_KEY = "spec"
CHECKSUM_KEY = "sha256"
_SAFETENSORS_ITEMSIZE = {"BOOL": 1, "U8": 1, "I8": 1, "F8_E4M3": 1, "F8_E5M2": 1, "U16": 2, "I16": 2,
                         "F16": 2, "BF16": 2, "U32": 4, "I32": 4, "F32": 4, "U64": 8, "I64": 8,
                         "F64": 8}
FLOAT_DTYPES = ("float16", "float32", "float64")


# ----- safetensors ---------------------------------------------------------------------------
def encode_safetensors(tensors, spec):
    """torch-loadable safetensors; the spec and a checksum ride in the string→string header metadata."""
    from safetensors.numpy import save
    tensors = {name: np.ascontiguousarray(a) for name, a in tensors.items()}
    # NOTE: "format": "pt" is what transformers' loaders expect of a PyTorch state dict.
    metadata = {"format": "pt", CHECKSUM_KEY: tensor_checksum(tensors)}
    if spec is not None:
        metadata[SAFETENSORS_SPEC_KEY] = json.dumps(spec)
    return save(tensors, metadata=metadata)


def decode_safetensors(data):
    """(tensors, spec) from safetensors bytes; the header is checked first for a clear message."""
    from safetensors.numpy import load
    header = _safetensors_header(data)
    try:
        tensors = load(bytes(data))
    except Exception as error:  # safetensors raises its own SafetensorError and others
        raise ValueError(f"not a readable safetensors file ({_first_line(error)})") from None
    metadata = header.get("__metadata__") or {}
    if not isinstance(metadata, dict):
        raise ValueError("not a safetensors file (its __metadata__ is not an object)")
    check_checksum(metadata.get(CHECKSUM_KEY), tensors, "the safetensors metadata")
    return tensors, _parse_spec(metadata.get(SAFETENSORS_SPEC_KEY), "the safetensors metadata")


def _safetensors_header(data):
    """The JSON header: an 8-byte little-endian length, then that many bytes of JSON."""
    if len(data) < 8:
        raise ValueError(f"not a safetensors file (only {len(data)} bytes)")
    (length,) = struct.unpack("<Q", data[:8])
    if length > len(data) - 8:
        raise ValueError("not a safetensors file, or truncated (its header length does not fit "
                         f"the file's {len(data)} bytes)")
    try:
        header = parse_json(bytes(data[8:8 + length]), "the safetensors header")
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError("not a safetensors file (its header is not JSON)") from None
    if not isinstance(header, dict):
        raise ValueError("not a safetensors file (its header is not a JSON object)")
    _check_declared_sizes(header)
    ends = [entry["data_offsets"][1] for name, entry in header.items()
            if name != "__metadata__" and isinstance(entry, dict)
            and isinstance(entry.get("data_offsets"), list) and len(entry["data_offsets"]) == 2
            and isinstance(entry["data_offsets"][1], int)]
    expected = 8 + length + max(ends, default=0)
    if expected > len(data):
        raise ValueError(f"the file is truncated ({len(data)} of {expected} bytes)")
    return header


def _check_declared_sizes(header):
    """Each tensor's dtype × shape against the limits, before safetensors allocates it."""
    total = 0
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        shape = entry.get("shape") if isinstance(entry, dict) else None
        itemsize = _SAFETENSORS_ITEMSIZE.get(entry.get("dtype")) if isinstance(entry, dict) else None
        if (itemsize is None or not isinstance(shape, list)
                or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape)):
            raise ValueError(f"not a safetensors file (tensor {name!r} has no valid dtype and shape)")
        nbytes = math.prod(shape) * itemsize
        check_bytes(nbytes, MAX_ARRAY_BYTES, f"tensor {name!r} of shape {tuple(shape)}", "MAX_ARRAY_BYTES")
        total += nbytes
    check_bytes(total, MAX_TOTAL_ARRAY_BYTES, "the tensors together", "MAX_TOTAL_ARRAY_BYTES")


# ----- npz -----------------------------------------------------------------------------------
def encode_npz(tensors, spec):
    """np.savez of the state dict plus "__spec__", the spec as a 0-d JSON string array."""
    if NPZ_SPEC_KEY in tensors:
        raise ValueError(f"a tensor may not be named {NPZ_SPEC_KEY!r}")
    buffer = io.BytesIO()
    extra = {} if spec is None else {NPZ_SPEC_KEY: np.array(json.dumps(spec))}
    np.savez(buffer, **tensors, **extra)
    return buffer.getvalue()


def decode_npz(data):
    """(tensors, spec) from npz bytes; pickled arrays are refused, sizes checked before reading.

    Each member carries the zip format's CRC-32, which catches damaged tensor bytes.
    """
    if data[:6] == b"\x93NUMPY":
        raise ValueError("holds a single .npy array, not an npz archive of named tensors")
    if data[:2] != b"PK":
        raise ValueError("not an npz file (no zip archive header)")
    arrays = read_npz(data, "the npz archive")
    spec = arrays.pop(NPZ_SPEC_KEY, None)
    if spec is not None:
        if spec.dtype.kind != "U" or spec.ndim != 0:
            raise ValueError(f"{NPZ_SPEC_KEY} must be a JSON string, got a {spec.dtype} array "
                             f"of shape {spec.shape}")
        spec = _parse_spec(str(spec), NPZ_SPEC_KEY)
    return arrays, spec


# ----- JSON ----------------------------------------------------------------------------------
def encode_json(tensors, spec):
    """Readable JSON; floats are written with repr, so float64 values round-trip exactly."""
    document = {
        "format": JSON_FORMAT, "version": JSON_VERSION, "spec": spec,
        "tensors": {name: {"shape": list(a.shape), "dtype": str(a.dtype), "data": a.tolist()}
                    for name, a in tensors.items()},
        "checksum": tensor_checksum(tensors),
    }
    return (json.dumps(document, indent=1, allow_nan=False) + "\n").encode("utf-8")


def decode_json(data):
    """(tensors, spec) from the JSON weights format; non-finite constants are refused.

    A "checksum" entry, when present, must match the tensors (delete it after editing by hand).
    """
    try:
        document = parse_json(data.decode("utf-8"), "the JSON document", parse_constant=_reject_constant)
    except UnicodeDecodeError as error:
        raise ValueError(f"not a UTF-8 text file ({error.reason} at byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"not valid JSON, or truncated ({error.msg} at line {error.lineno}, "
                         f"column {error.colno})") from None
    check_header(document, JSON_FORMAT, JSON_VERSION, "weights file")
    entries = document.get("tensors")
    if not isinstance(entries, dict):
        raise ValueError('has no "tensors" object')
    spec = document.get("spec")
    if spec is not None and not isinstance(spec, dict):
        raise ValueError(f'"spec" must be an object, got {type(spec).__name__}')
    tensors = {name: _json_tensor(name, entry) for name, entry in entries.items()}
    check_checksum(document.get("checksum"), tensors,
                   'its "checksum" entry (delete the entry to load a file edited by hand)')
    return tensors, spec


def _json_tensor(name, entry):
    if not isinstance(entry, dict) or not {"shape", "dtype", "data"} <= set(entry):
        raise ValueError(f'tensor {name!r} needs "shape", "dtype" and "data"')
    shape, dtype = entry["shape"], entry["dtype"]
    if not isinstance(shape, list) or not all(isinstance(n, int) and not isinstance(n, bool)
                                              and n >= 0 for n in shape):
        raise ValueError(f"tensor {name!r} has an invalid shape {shape!r}")
    if dtype not in FLOAT_DTYPES:
        raise ValueError(f"tensor {name!r} has dtype {dtype!r}; expected one of "
                         f"{', '.join(FLOAT_DTYPES)}")
    try:
        array = np.array(entry["data"])
    except (TypeError, ValueError):  # ragged lists
        array = None
    if array is None or (array.size and array.dtype.kind not in "iuf"):
        raise ValueError(f"tensor {name!r}: data is not a regular nested list of numbers")
    if array.shape != tuple(shape):
        raise ValueError(f"tensor {name!r}: data has shape {array.shape} but its \"shape\" "
                         f"says {tuple(shape)}")
    return array.astype(dtype)


def _reject_constant(name):
    raise ValueError(f"holds the non-finite value {name}")


# ----- shared --------------------------------------------------------------------------------
def _parse_spec(text, where):
    if text is None:
        return None
    try:
        spec = parse_json(text, f"the model spec in {where}")
    except json.JSONDecodeError:
        raise ValueError(f"{where} holds a model spec that is not valid JSON") from None
    if not isinstance(spec, dict):
        raise ValueError(f"{where} holds a model spec that is not a JSON object")
    return spec


def _first_line(error):
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
