"""One frame's gradient looks for the graph's boxes and edges, each worked out once and exactly.

A frame of Play re-texts every box and edge: the norm and sign balance of each gradient. On a
128-wide MLP those are 30,000-entry arrays, and most edges carry the very array that is their
source node's ∂L, so each array's colour and norm are worked out once per frame.
"""
import numpy as np

from .array_view import fmt, gradient_colour

_BLAS_DOT = (np.float64, np.float32)   # dtypes whose squared norm is one BLAS dot


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
            entry[2] = float(np.sqrt(np.dot(a, a))) if a.dtype.type in _BLAS_DOT else float(np.linalg.norm(a))
        return entry[2]

    def norm_text(self, a):
        """A gradient in a box: the number for a scalar, else its norm ‖a‖ (as on the edges)."""
        if np.size(a) == 1:
            return fmt(np.asarray(a).reshape(()))
        return f"‖{fmt(self.norm(a))}‖"
