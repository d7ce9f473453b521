"""Atomic file writes: a reader sees the old file or the whole new one, never half of either."""
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
