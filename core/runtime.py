"""Process settings that make training fast: glibc's heap policy and BLAS threads chosen by the work.

No Qt here. ``tune_allocator()`` runs once at start-up (the CLI and the app's entry point call it);
``blas_threads(flops)`` says how many BLAS threads a step with that much matrix work deserves, and
``limit_blas(n)`` applies it around a stretch of training.
"""
import contextlib
import ctypes
import ctypes.util
import platform

from threadpoolctl import ThreadpoolController

# mallopt parameter numbers from glibc's <malloc.h>.
_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3
# Free memory glibc may keep at the top of the heap before giving it back to the system.
TRIM_THRESHOLD = 256 * 2**20
# Extra memory requested with each heap growth, so that a growing step does not grow it again.
TOP_PAD = 16 * 2**20
# Blocks below this come from the heap (reused) instead of a fresh mmap; glibc's largest allowed.
MMAP_THRESHOLD = 32 * 2**20

# One BLAS thread up to this many floating-point operations in the step's largest matrix product:
# below it, waking a second thread costs more than it saves, and on a busy machine an OpenBLAS
# thread spinning on a core that another process holds makes a small step ten times slower.
ONE_THREAD_FLOPS = 1e8

_tuned = False
_controller = None
_blas = None  # the BLAS libraries' controllers, selected once


def tune_allocator():
    """Keep freed memory in the heap for reuse instead of returning it after every training step.

    A training step allocates and frees the same large temporaries (activations, gradients) every
    iteration. With glibc's defaults, freeing them shrinks the heap (``brk``/``munmap``) and the
    next iteration grows it again, and every page touched anew costs a page fault: thousands per
    iteration on the digits MLP, more time in the kernel than in numpy. Raising the trim and
    mmap thresholds keeps those pages mapped, at the price of the process holding on to up to
    ``TRIM_THRESHOLD`` of free memory. A no-op outside glibc and on a second call; returns
    whether the settings were applied.
    """
    global _tuned
    if _tuned:
        return True
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return False
    ok = (libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
          and libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1
          and libc.mallopt(_M_TOP_PAD, TOP_PAD) == 1)
    _tuned = ok
    return ok


def blas_threads(flops):
    """BLAS threads for a step whose largest matrix product takes ``flops``: 1 for small work,
    None (BLAS's own setting, from the environment or the core count) for large products."""
    return 1 if flops < ONE_THREAD_FLOPS else None


def limit_blas(threads):
    """A context manager running BLAS on at most ``threads`` threads inside it (None: unchanged)."""
    global _controller, _blas
    if threads is None:
        return contextlib.nullcontext()
    if _controller is None:  # inspecting the loaded libraries takes a while: once per process
        _controller = ThreadpoolController()
        _blas = _controller.select(user_api="blas")
    if all(lib.num_threads <= threads for lib in _blas.lib_controllers):
        return contextlib.nullcontext()  # already so (asking is ~10× cheaper than limiting)
    return _controller.limit(limits=threads, user_api="blas")
