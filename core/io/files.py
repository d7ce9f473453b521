"""File access shared by every writer and loader: atomic writes, checked reads, bounded JSON,
checksums and headers.

A reader sees the old file or the whole new one, never half of either.
"""
import hashlib
import json
import os
import secrets
import stat
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from ..limits import MAX_JSON_BYTES, MAX_JSON_DEPTH, LimitError, check_bytes


def write_atomic(path, data, verify=None):
    """Write ``data`` to ``path`` through a temporary file in the same folder, fsync and rename.

    ``data`` is bytes, or a callable given a binary file object to write into. ``verify``, if
    given, is called with the temporary file's path before the rename and may raise to keep
    the old file. See :func:`atomic_output` for what happens to permissions and symlinks.
    """
    with atomic_output(path) as temp:
        with open(temp, "wb") as handle:
            if callable(data):
                data(handle)
            else:
                handle.write(data)
        if verify is not None:
            verify(temp)


@contextmanager
def atomic_output(path):
    """Yield a temporary path next to ``path``'s target; on success it replaces the target.

    Write the whole file to the yielded path (it exists, empty, and ends in the target's
    suffix so format-by-suffix writers work). When the block ends normally the file is
    fsynced and renamed over the target; if the block raises, the target is left as it was
    and the temporary file is removed. An existing target keeps its permission bits (a new one
    gets 0o666 minus the umask); a symlink keeps being a link and its target is replaced.
    """
    target = Path(os.path.realpath(path)) if Path(path).is_symlink() else Path(path)
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp{target.suffix}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    os.close(fd)
    try:
        yield temp
        _keep_permissions(temp, target)
        fd = os.open(temp, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, target)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
    _sync_directory(target.parent)


def _keep_permissions(temp, target):
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        return
    os.chmod(temp, mode)


def _sync_directory(directory):
    # NOTE: makes the rename itself durable on POSIX; Windows cannot open directories.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_nonempty(path, error_type, kind, limit=None, limit_name=""):
    """The bytes of ``path``; a missing, unreadable, empty or (with ``limit``) oversized file
    raises ``error_type``."""
    path = Path(path)
    try:
        if limit is not None:
            check_bytes(path.stat().st_size, limit, f"the {kind}", limit_name)
        data = path.read_bytes()
    except FileNotFoundError:
        raise error_type(f"{path}: no such file") from None
    except IsADirectoryError:
        raise error_type(f"{path}: is a directory, not a {kind}") from None
    except LimitError as error:
        raise error_type(f"{path.name}: {error}") from None
    except OSError as error:
        raise error_type(f"{path}: cannot read ({error.strerror or error})") from None
    if not data:
        raise error_type(f"{path.name}: the file is empty")
    return data


def json_depth(text):
    """How deeply the arrays and objects of the JSON ``text`` (str or bytes) nest, strings skipped."""
    raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
    codes = np.frombuffer(raw, dtype=np.uint8)
    quotes = codes == ord('"')
    if quotes.any():
        # NOTE: a quote after an odd run of backslashes is escaped and does not end a string.
        backslash = codes == ord("\\")
        positions = np.arange(len(codes))
        last_other = np.maximum.accumulate(np.where(backslash, -1, positions))
        at = np.flatnonzero(quotes)
        before = at - 1
        run = np.where(before >= 0, before - last_other[np.maximum(before, 0)], 0)
        quotes[at[run % 2 == 1]] = False
        inside = (np.cumsum(quotes) - quotes) % 2 == 1
    else:
        inside = np.zeros(len(codes), dtype=bool)
    opens = ((codes == ord("[")) | (codes == ord("{"))) & ~inside
    closes = ((codes == ord("]")) | (codes == ord("}"))) & ~inside
    steps = opens.astype(np.int64) - closes
    return int(np.cumsum(steps).max(initial=0))


def parse_json(text, what, **options):
    """``json.loads`` after checking size and nesting against the limits; ValueError naming ``what``.

    Invalid JSON raises ``json.JSONDecodeError`` (a ValueError) as json.loads does.
    """
    check_bytes(len(text), MAX_JSON_BYTES, what, "MAX_JSON_BYTES")
    depth = json_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise LimitError(f"{what} nests {depth} levels deep, over the limit of {MAX_JSON_DEPTH} "
                         "(MAX_JSON_DEPTH)")
    try:
        return json.loads(text, **options)
    except RecursionError:  # NOTE: unreachable after the depth check; kept as the last guard
        raise LimitError(f"{what} nests too deeply (MAX_JSON_DEPTH)") from None


def tensor_checksum(tensors):
    """sha256 (hex) over the tensors in name order: name, dtype, shape and little-endian bytes."""
    digest = hashlib.sha256()
    for name in sorted(tensors):
        array = np.asarray(tensors[name])
        little = array.astype(array.dtype.newbyteorder("<"), copy=False)
        digest.update(f"{name}\0{little.dtype.str}\0{array.shape}\0".encode("utf-8"))
        digest.update(np.ascontiguousarray(little).tobytes())
    return digest.hexdigest()


def check_checksum(expected, tensors, where):
    """Raise ValueError when a stored checksum is present and does not match ``tensors``."""
    if expected is None:
        return
    if not isinstance(expected, str) or tensor_checksum(tensors) != expected:
        raise ValueError(f"the file is corrupt: its tensor data does not match the checksum in {where}")


def check_header(document, expected_format, newest_version, kind):
    """Raise ValueError unless ``document`` is a dict of ``expected_format`` at a version we read."""
    if not isinstance(document, dict) or document.get("format") != expected_format:
        found = document.get("format") if isinstance(document, dict) else type(document).__name__
        raise ValueError(f"not a Backprop Studio {kind} (format {found!r}, "
                         f"expected {expected_format!r})")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(f"has an invalid version {version!r}")
    if version > newest_version:
        raise ValueError(f"is version {version}, written by a newer Backprop Studio "
                         f"(this one reads version {newest_version})")
