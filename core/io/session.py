"""Session files: a whole training run (data, model, optimizer, batch order, history) in one file.

A ``.bpsession`` file is a zip holding "session.json" (``Trainer.state_dict()`` as plain
JSON, every array replaced by a reference) and "arrays.npz" (the arrays, bit for bit).
Floats go through JSON with repr, which round-trips exactly, so a restored trainer continues
bit-identically.
"""
import io
import json
import math
import zipfile
import zlib
from pathlib import Path

import numpy as np

from .files import check_header, read_nonempty, write_atomic

SESSION_SUFFIX = ".bpsession"
SESSION_FORMAT = "backprop-studio-session"
SESSION_VERSION = 1
_TAGS = ("__array__", "__tuple__", "__dict__", "__scalar__", "__float__")
# NOTE: the entries of Trainer.state_dict() checked up front, for a message better than a
# KeyError from deep inside Trainer.from_state_dict.
_REQUIRED = {"config": dict, "dataset": dict, "model_spec": dict, "model": dict, "optimizer": dict,
             "sampler": dict, "iteration": int, "history": dict}
_KIND_NAMES = {dict: "an object", int: "an integer"}


class SessionError(ValueError):
    """A session file that cannot be written or restored; names the file and the problem."""


def save_session(path, trainer):
    """Write ``trainer.state_dict()`` to ``path`` atomically (any suffix; ".bpsession" by convention)."""
    path = Path(path)
    arrays = {}
    try:
        document = _encode(trainer.state_dict(), arrays, "state")
    except TypeError as error:
        raise SessionError(f"{path.name}: not written: {error}") from None
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("session.json", json.dumps(document, allow_nan=False))
        packed = io.BytesIO()
        np.savez(packed, **arrays)
        archive.writestr("arrays.npz", packed.getvalue())
    try:
        write_atomic(path, buffer.getvalue())
    except OSError as error:
        raise SessionError(f"{path}: cannot write ({error.strerror or error})") from None


def load_session(path, restore=None):
    """The Trainer saved in ``path``, ready to continue where it stopped.

    ``restore(state)`` builds something else from the state instead (``Session.from_state``).
    """
    from ..training import Trainer
    path = Path(path)
    state = read_session(path)
    try:
        return (restore or Trainer.from_state_dict)(state)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as error:
        key = error.args[0] if isinstance(error, KeyError) and error.args else None
        what = f"missing entry {key!r}" if isinstance(key, str) and " " not in key else _one_line(error)
        raise SessionError(f"{path.name}: cannot restore the session: {what}") from None


def read_session(path):
    """The plain ``Trainer.state_dict()`` stored in ``path`` (arrays restored), checked for format."""
    path = Path(path)
    data = read_nonempty(path, SessionError, "session file")
    try:
        document, arrays = _unpack(data)
        _check_header(document)
        state = _decode(document, arrays)
    except ValueError as error:
        raise SessionError(f"{path.name}: {error}") from None
    except (TypeError, KeyError, AttributeError) as error:
        raise SessionError(f"{path.name}: session.json is malformed ({error})") from None
    for key, kind in _REQUIRED.items():
        if key not in state:
            raise SessionError(f"{path.name}: session.json lacks the entry {key!r}")
        if not isinstance(state[key], kind) or isinstance(state[key], bool):
            raise SessionError(f"{path.name}: session.json entry {key!r} must be "
                               f"{_KIND_NAMES[kind]}, got {type(state[key]).__name__}")
    bad = [name for name, array in state["model"].items()
           if isinstance(array, np.ndarray) and not np.all(np.isfinite(array))]
    if bad:
        raise SessionError(f"{path.name}: parameter {bad[0]} holds NaN/Inf values")
    return state


# ----- the container ---------------------------------------------------------------------------
def _unpack(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "session.json" not in names:
                raise ValueError("not a Backprop Studio session (a zip without session.json)")
            text = archive.read("session.json")
            packed = archive.read("arrays.npz") if "arrays.npz" in names else None
    except zipfile.BadZipFile as error:
        raise ValueError(f"not a Backprop Studio session file, or truncated ({error})") from None
    except (EOFError, OSError, zlib.error, zipfile.LargeZipFile, NotImplementedError) as error:
        raise ValueError(f"damaged session file ({error})") from None
    try:
        document = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"session.json is not valid JSON ({error})") from None
    arrays = {}
    if packed is not None:
        try:
            with np.load(io.BytesIO(packed), allow_pickle=False) as npz:
                arrays = {name: npz[name] for name in npz.files}
        except (ValueError, zipfile.BadZipFile, EOFError, OSError, KeyError, zlib.error,
                NotImplementedError) as error:
            raise ValueError(f"arrays.npz is damaged ({error})") from None
    return document, arrays


def _check_header(document):
    check_header(document, SESSION_FORMAT, SESSION_VERSION, "session")


# ----- plain data ↔ JSON ---------------------------------------------------------------------------
def _encode(value, arrays, where):
    """JSON-able form of ``value``; arrays go to ``arrays`` and leave a reference behind.

    Exactness matters more than looks: tuples, numpy scalars, non-finite floats and dicts
    with non-string keys are tagged so that decoding gives back the same types and bits.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biufcUS":
            raise TypeError(f"{where} is an array of dtype {value.dtype}, which cannot be stored")
        key = f"a{len(arrays)}"
        arrays[key] = value
        return {"__array__": key}
    if isinstance(value, np.generic):
        if value.dtype.kind not in "biuf":
            raise TypeError(f"{where} is a numpy {value.dtype} scalar, which cannot be stored")
        return {"__scalar__": [value.dtype.str, _encode(value.item(), arrays, where)]}
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else {"__float__": repr(float(value))}
    if isinstance(value, (list, tuple)):
        items = [_encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(value)]
        return items if isinstance(value, list) else {"__tuple__": items}
    if isinstance(value, dict):
        looks_tagged = len(value) == 1 and next(iter(value)) in _TAGS
        if all(isinstance(k, str) for k in value) and not looks_tagged:
            return {k: _encode(v, arrays, f"{where}.{k}") for k, v in value.items()}
        return {"__dict__": [[_encode(k, arrays, f"{where} key"), _encode(v, arrays, f"{where}[{k!r}]")]
                             for k, v in value.items()]}
    raise TypeError(f"{where} is of type {type(value).__name__}, which a session file cannot hold")


def _decode(value, arrays):
    if isinstance(value, list):
        return [_decode(v, arrays) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        tag, body = next(iter(value.items()))
        if tag == "__array__":
            if body not in arrays:
                raise ValueError(f"session.json refers to array {body!r}, which arrays.npz lacks")
            return arrays[body]
        if tag == "__tuple__":
            return tuple(_decode(v, arrays) for v in body)
        if tag == "__dict__":
            return {_freeze(_decode(k, arrays)): _decode(v, arrays) for k, v in body}
        if tag == "__scalar__":
            dtype, item = body
            return np.dtype(dtype).type(_decode(item, arrays))
        if tag == "__float__":
            return float(body)
    return {k: _decode(v, arrays) for k, v in value.items()}


def _one_line(error):
    return " ".join(str(error).split())


def _freeze(key):
    return tuple(_freeze(k) for k in key) if isinstance(key, list) else key


__all__ = ["SESSION_SUFFIX", "SessionError", "save_session", "load_session", "read_session"]
