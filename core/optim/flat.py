"""Parameters laid out in one buffer, with their gradients and update steps in two more buffers of the
same layout, so that a step of plain SGD over all of them is one multiplication and one subtraction,
and the update's finiteness check one dot product (``core.training.divergence.guarded_step``)."""
import math
from operator import is_

import numpy as np

ALIGN = 8  # entries: each parameter in a shared buffer starts on a 64-byte boundary, as alone


class FlatParameters:
    """``params``: the buffer holding every parameter (``views``, one per parameter, reshaped);
    ``grads`` and ``steps``: zeroed buffers of the same layout (``grad_views``, ``step_views``).

    The gaps between parameters stay zero in all three buffers: only the views are written, so a
    whole-buffer operation (p − lr·g over the gaps is 0 − lr·0) changes exactly the parameters.
    """

    def __init__(self, named_parameters):
        arrays = [p.data for _, p in named_parameters]
        starts = np.cumsum([0] + [-(-a.size // ALIGN) * ALIGN for a in arrays])
        size = int(starts[-1])  # a multiple of ALIGN: the three buffers follow each other, aligned
        memory = np.zeros(3 * size + ALIGN, dtype=arrays[0].dtype)
        first = (-memory.ctypes.data // memory.itemsize) % ALIGN  # (memory may start unaligned)
        self.params, self.grads, self.steps = (memory[first + k * size:first + (k + 1) * size]
                                               for k in range(3))
        self.views, self.grad_views, self.step_views = (
            [buffer[start:start + a.size].reshape(a.shape) for start, a in zip(starts, arrays)]
            for buffer in (self.params, self.grads, self.steps))
        for (_, p), view, a in zip(named_parameters, self.views, arrays):
            view[...] = a
            p.data = view
        self._norm_rows = _equal_rows(self.grads, starts[:-1], [a.size for a in arrays])

    @classmethod
    def adopt(cls, named_parameters):
        """Move the parameters' arrays into one buffer, each becoming a view of it (values
        unchanged); None when there are none or they do not share one dtype."""
        if not named_parameters or len({p.data.dtype for _, p in named_parameters}) != 1:
            return None
        return cls(named_parameters)

    def holds(self, arrays):
        """Whether ``arrays`` (the parameters' ``.data``, in order) are still this buffer's views
        (a parameter given a new array is on its own again)."""
        return len(arrays) == len(self.views) and all(map(is_, arrays, self.views))

    def holds_grads(self, grads):
        """Whether ``grads`` (in order) are the gradient buffer's views."""
        return len(grads) == len(self.grad_views) and all(map(is_, grads, self.grad_views))

    def grad_norms(self):
        """‖g‖ of each parameter's gradient in the gradient buffer, as Python floats, bit for bit
        ``sqrt(np.vdot(g, g))`` each: parameters of one size at one spacing (an MLP's hidden weights,
        its biases) are rows of one strided view, and ``np.vecdot`` runs the very BLAS dot per row
        that ``np.vdot`` runs for one, at a third of the cost of a call per parameter."""
        squares = [0.0] * len(self.views)
        for places, rows in self._norm_rows:
            if type(places) is int:
                squares[places] = rows.dot(rows)
            else:
                for i, square in zip(places, np.vecdot(rows, rows).tolist()):
                    squares[i] = square
        sqrt = math.sqrt
        return [sqrt(square) for square in squares]

    def grad_places(self, parameters):
        """Per Tensor of ``parameters``: the gradient buffer's view at its place while its array is
        one of this buffer's views, else None (what ``Replay.run`` takes as ``grads_into``)."""
        place = {id(view): g for view, g in zip(self.views, self.grad_views)}
        return tuple([place.get(id(p.data)) for p in parameters])


def _equal_rows(buffer, starts, sizes):
    """[(place, 1-D view)] for a parameter alone, [(places, 2-D view)] for parameters of one size
    whose starts in ``buffer`` are equally spaced (each run as long as the spacing holds)."""
    by_size = {}
    for place, (start, size) in enumerate(zip(starts, sizes)):
        by_size.setdefault(size, []).append((place, int(start)))
    runs = []
    for members in by_size.values():
        run = members[:1]
        for place, start in members[1:]:
            if len(run) > 1 and start - run[-1][1] != run[1][1] - run[0][1]:
                runs.append(run)
                run = []
            run.append((place, start))
        runs.append(run)
    rows = []
    for run in runs:
        (place, start), size = run[0], sizes[run[0][0]]
        if len(run) == 1:
            rows.append((place, buffer[start:start + size]))
            continue
        spacing = (run[1][1] - start) * buffer.itemsize
        rows.append((tuple(p for p, _ in run), np.lib.stride_tricks.as_strided(
            buffer[start:], shape=(len(run), size), strides=(spacing, buffer.itemsize), writeable=False)))
    return rows
