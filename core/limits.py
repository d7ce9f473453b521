"""Size limits checked before anything is allocated, so a hostile or mistaken input is refused
with a message naming the limit instead of exhausting memory.

Loaders (``core.io``, ``core.data``) and, later, the CLI and GUI read these names; a limit is
raised with :class:`LimitError` (a ValueError) whose message says which limit was hit.
"""
import os

MiB = 1 << 20

# Files we read
MAX_FILE_BYTES = 256 * MiB         # a weights or session file on disk
MAX_ARRAY_BYTES = 128 * MiB        # one array declared in a file (npy header, safetensors, ONNX)
MAX_TOTAL_ARRAY_BYTES = 128 * MiB  # all arrays of one file together (decompressed zip members too)
MAX_JSON_DEPTH = 64                # nesting of JSON documents (our files nest fewer than 10 levels)
MAX_JSON_BYTES = 64 * MiB          # one JSON document (weights JSON, session.json, headers)
MAX_ARRAYS = 10_000                # arrays in one npz or session file

# CSV tables (after gzip decompression)
MAX_CSV_BYTES = 256 * MiB
MAX_CSV_ROWS = 1_000_000
MAX_CSV_CELLS = 10_000_000

# Generated data
MAX_SAMPLES = 1_000_000

# Models (the memory of one step is checked against the memory available, too)
MAX_HIDDEN_UNITS = 4096            # units in one hidden layer
MAX_HIDDEN_LAYERS = 64
MAX_PARAMETERS = 4_000_000         # weights and biases of one model (32 MB per copy of them)
MAX_CHECKPOINT_BYTES = 64 * MiB    # the trainer's ring of recent states (fewer checkpoints of a big model)


class LimitError(ValueError):
    """An input larger than a named limit of this module."""


def human_bytes(n):
    """``n`` bytes as a short text: "512 bytes", "3.2 MiB", "1.5 GiB"."""
    if n < 1024:
        return f"{int(n)} bytes"
    n, unit = n / 1024, "KiB"
    for bigger in ("MiB", "GiB", "TiB"):
        if n < 1024:
            break
        n, unit = n / 1024, bigger
    return f"{n:.1f} {unit}"


def check_bytes(nbytes, limit, what, name):
    """Raise LimitError when ``nbytes`` exceeds ``limit``; ``name`` is the limit's constant name."""
    if nbytes > limit:
        raise LimitError(f"{what} would take {human_bytes(nbytes)}, over the limit of "
                         f"{human_bytes(limit)} ({name})")


def check_count(count, limit, what, name):
    """Raise LimitError when ``count`` exceeds ``limit``."""
    if count > limit:
        raise LimitError(f"{what}: {count:,} is over the limit of {limit:,} ({name})")


def available_memory():
    """Bytes of memory available to allocate now (Linux MemAvailable, else free physical pages);
    None when the system does not say."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


def check_allocation(nbytes, what):
    """Raise LimitError when ``nbytes`` is more than half the memory available right now."""
    available = available_memory()
    # NOTE: half, because numpy needs room for temporaries next to the array itself.
    if available is not None and nbytes > available // 2:
        raise LimitError(f"{what} would take {human_bytes(nbytes)}, more than half the "
                         f"{human_bytes(available)} of memory available")
