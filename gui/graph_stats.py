"""One frame's numbers for the graph's boxes and edges, each worked out once and exactly.

A frame of Play re-texts every box: the mean and range of each value, the norm, range and sign
balance of each gradient. On a 128-wide MLP those are 30,000-entry arrays, so each statistic is
taken with one ufunc reduction (the very one ``ndarray.mean``/``min``/``max`` run, without their
Python wrappers), and a gradient that several edges and boxes show is summed once.
"""
import numpy as np

from .array_view import fmt, gradient_colour, range_text, summary_lines

_REDUCED = (np.float64, np.float32)   # dtypes whose mean is their own add.reduce, as ndarray.mean


def value_lines(a):
    """``array_view.summary_lines(a)``, the same text, with one reduction per number."""
    if a is None or not (isinstance(a, np.ndarray) and a.dtype.type in _REDUCED and a.size > 1):
        return summary_lines(a)
    mean = np.add.reduce(a, axis=None) / a.size
    low, high = np.minimum.reduce(a, axis=None), np.maximum.reduce(a, axis=None)
    return f"μ {fmt(mean)}", f"[{fmt(low, 2)}, {fmt(high, 2)}]"


def gradient_range(a):
    """``array_view.range_text(a)``, the same text, with one reduction per end."""
    if not (isinstance(a, np.ndarray) and a.dtype.type in _REDUCED and a.size > 1):
        return range_text(a)
    return f"[{fmt(np.minimum.reduce(a, axis=None), 2)}, {fmt(np.maximum.reduce(a, axis=None), 2)}]"


class GradientLooks:
    """One frame's gradients: each array's colour and norm, worked out once (most edges carry the
    very array that is their source node's ∂L). The arrays are held, so their ids stay theirs."""

    def __init__(self):
        self._seen = {}   # id → [array, colour, norm]

    def _entry(self, g):
        entry = self._seen.get(id(g))
        if entry is None:
            entry = self._seen[id(g)] = [g, None, None]
        return entry

    def colour(self, g):
        """``gradient_colour(g)``."""
        entry = self._entry(g)
        if entry[1] is None:
            entry[1] = gradient_colour(g)
        return entry[1]

    def norm(self, g):
        """‖g‖ as a float."""
        entry = self._entry(g)
        if entry[2] is None:   # in memory order (no copy of a transposed array), as ``np.linalg.norm``
            a = np.asarray(g).ravel(order="K")   # sums it: a frame runs BLAS on one thread (gui.redraw)
            entry[2] = float(np.sqrt(np.dot(a, a))) if a.dtype.type in _REDUCED else float(np.linalg.norm(a))
        return entry[2]

    def norm_text(self, a):
        """A gradient in a box: the number for a scalar, else its norm ‖a‖ (as on the edges)."""
        if np.size(a) == 1:
            return fmt(np.asarray(a).reshape(()))
        return f"‖{fmt(self.norm(a))}‖"
