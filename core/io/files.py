"""File access shared by weights and sessions: atomic writes, checked reads and headers.

A reader sees the old file or the whole new one, never half of either.
"""
import os
import secrets
from pathlib import Path


def write_atomic(path, data):
    """Write ``data`` (bytes) to ``path`` via a temporary file in the same directory and os.replace.

    If anything fails, an existing file at ``path`` is left as it was and the temporary file
    is removed. The new file gets the usual permissions (0o666 minus the umask).
    """
    path = Path(path)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
    _sync_directory(path.parent)


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


def read_nonempty(path, error_type, kind):
    """The bytes of ``path``; a missing, unreadable or empty file raises ``error_type``."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise error_type(f"{path}: no such file") from None
    except IsADirectoryError:
        raise error_type(f"{path}: is a directory, not a {kind}") from None
    except OSError as error:
        raise error_type(f"{path}: cannot read ({error.strerror or error})") from None
    if not data:
        raise error_type(f"{path.name}: the file is empty")
    return data


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
