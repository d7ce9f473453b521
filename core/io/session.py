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
from pathlib import Path

import numpy as np

from ..limits import MAX_FILE_BYTES, MAX_JSON_BYTES, MAX_TOTAL_ARRAY_BYTES
from .files import check_checksum, check_header, parse_json, read_nonempty, tensor_checksum, write_atomic
from .npz import open_zip, read_capped, read_npz
from .session_checks import check_restorable, check_state

SESSION_SUFFIX = ".bpsession"
SESSION_FORMAT = "backprop-studio-session"
SESSION_VERSION = 1
CHECKSUM_KEY = "checksum"
_TAGS = ("__array__", "__tuple__", "__dict__", "__scalar__", "__float__")
# NOTE: what a damaged file can make restoring raise; each becomes a SessionError.
_RESTORE_ERRORS = (KeyError, IndexError, TypeError, ValueError, AttributeError, OverflowError,
                   MemoryError, RecursionError, ZeroDivisionError)


class SessionError(ValueError):
    """A session file that cannot be written or restored; names the file and the problem."""


def save_session(path, trainer, extra=None):
    """Write ``trainer.state_dict()`` to ``path`` atomically (any suffix; ".bpsession" by convention).

    ``extra`` adds entries of plain data beside the trainer's (the session's "lab").

    The new file is read back and restored before it replaces the old one, so a session that
    could not be reopened is never written.
    """
    path = Path(path)
    try:
        data = _pack({**trainer.state_dict(), **(extra or {})})
    except TypeError as error:
        raise SessionError(f"{path.name}: not written: {error}") from None

    def verify(temp):
        try:
            _restore(Path(temp).read_bytes(), path.name)
        except SessionError as error:
            reason = str(error).removeprefix(f"{path.name}: ")
            raise SessionError(f"{path.name}: not written (it would not reopen; any existing file "
                               f"is kept): {reason}") from None
    try:
        write_atomic(path, data, verify=verify)
    except OSError as error:
        raise SessionError(f"{path}: cannot write ({error.strerror or error})") from None


def load_session(path, restore=None):
    """The Trainer saved in ``path``, ready to continue where it stopped.

    ``restore(state)`` builds something else from the checked state instead (``Session.from_state``).
    """
    path = Path(path)
    data = read_nonempty(path, SessionError, "session file", MAX_FILE_BYTES, "MAX_FILE_BYTES")
    return _restore(data, path.name, restore)


def read_session(path):
    """The plain ``Trainer.state_dict()`` stored in ``path`` (arrays restored), checked for format."""
    path = Path(path)
    data = read_nonempty(path, SessionError, "session file", MAX_FILE_BYTES, "MAX_FILE_BYTES")
    return _read_state(data, path.name)


def _restore(data, name, restore=None):
    from ..training import Trainer
    state = _read_state(data, name)
    try:
        check_restorable(state)
        trainer = (restore or Trainer.from_state_dict)(state)
    except _RESTORE_ERRORS as error:
        raise SessionError(f"{name}: cannot restore the session: {_describe(error)}") from None
    try:
        # NOTE: Reset goes back to the stored reset point; a damaged one must fail now, not then.
        Trainer.from_state_dict({**state, **state["initial"], "iteration": 0, "history": {}})
    except _RESTORE_ERRORS as error:
        raise SessionError(f"{name}: the session's reset point is damaged: {_describe(error)}") from None
    return trainer


def _read_state(data, name):
    try:
        document, arrays = _unpack(data)
        _check_header(document)
        expected = document.pop(CHECKSUM_KEY, None)
        state = _decode(document, arrays)
        check_checksum(expected, arrays, "session.json")
        check_state(state)
    except ValueError as error:
        raise SessionError(f"{name}: {error}") from None
    except (TypeError, KeyError, AttributeError, OverflowError, RecursionError, MemoryError) as error:
        raise SessionError(f"{name}: session.json is malformed ({_describe(error)})") from None
    return state


def _describe(error):
    key = error.args[0] if isinstance(error, KeyError) and error.args else None
    if isinstance(key, str) and " " not in key:
        return f"missing entry {key!r}"
    if isinstance(error, (MemoryError, RecursionError)):
        return f"it is too large or too deeply nested ({type(error).__name__})"
    return _one_line(error) or type(error).__name__


# ----- the container ---------------------------------------------------------------------------
def _pack(state):
    arrays = {}
    document = _encode(state, arrays, "state")
    document[CHECKSUM_KEY] = tensor_checksum(arrays)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("session.json", json.dumps(document, allow_nan=False))
        packed = io.BytesIO()
        np.savez(packed, **arrays)
        archive.writestr("arrays.npz", packed.getvalue())
    return buffer.getvalue()


def _unpack(data):
    if data[:2] != b"PK":
        raise ValueError("not a Backprop Studio session file (not a zip archive)")
    with open_zip(data, "the session file") as archive:
        members = {info.filename: info for info in archive.infolist()}
        if "session.json" not in members:
            raise ValueError("not a Backprop Studio session (a zip without session.json)")
        text = read_capped(archive, members["session.json"], MAX_JSON_BYTES, "MAX_JSON_BYTES",
                           "session.json")
        packed = None
        if "arrays.npz" in members:
            packed = read_capped(archive, members["arrays.npz"], MAX_TOTAL_ARRAY_BYTES + (1 << 20),
                                 "MAX_TOTAL_ARRAY_BYTES", "arrays.npz")
    try:
        document = parse_json(text.decode("utf-8"), "session.json")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"session.json is not valid JSON ({error})") from None
    arrays = {} if packed is None else read_npz(packed, "arrays.npz")
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
    """The plain value a document encodes; malformed tags raise ValueError or TypeError."""
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
            return tuple(_decode(v, arrays) for v in _expect(body, list, tag))
        if tag == "__dict__":
            return {_freeze(_decode(k, arrays)): _decode(v, arrays) for k, v in _expect(body, list, tag)}
        if tag == "__scalar__":
            dtype, item = _expect(body, list, tag)
            if not isinstance(dtype, str) or np.dtype(dtype).kind not in "biuf":
                raise ValueError(f"session.json holds a scalar of dtype {dtype!r}, which is not read")
            return np.dtype(dtype).type(_decode(item, arrays))
        if tag == "__float__":
            return float(_expect(body, str, tag))
    return {k: _decode(v, arrays) for k, v in value.items()}


def _expect(body, kind, tag):
    if not isinstance(body, kind):
        raise ValueError(f"session.json holds a malformed {tag} entry ({type(body).__name__})")
    return body


def _one_line(error):
    return " ".join(str(error).split())


def _freeze(key):
    return tuple(_freeze(k) for k in key) if isinstance(key, list) else key


__all__ = ["SESSION_SUFFIX", "SessionError", "save_session", "load_session", "read_session"]
