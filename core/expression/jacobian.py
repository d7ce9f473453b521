"""The explicit Jacobian of a formula, one pass at a time: n JVPs (columns) or m VJPs (rows).

J is m×n: m output entries, n input entries with columns ordered as the formula's variables
(row-major within each). The cost record counts passes, primitive evaluations and seconds, so
the lab can show that a scalar of a wide input takes one reverse pass against n forward passes.
"""
import time
from dataclasses import dataclass

import numpy as np

from core.autodiff import Tensor, jvp

from .errors import ExpressionError
from .graph import build
from .walk import backward_records


@dataclass
class JacobianCost:
    """What forming J cost: passes, primitive evaluations (forward ops plus JVP or VJP rules) and
    seconds, for ``by`` ("columns" or "rows") and J's shape (m, n)."""
    by: str
    shape: tuple
    passes: int = 0
    primitive_evaluations: int = 0
    seconds: float = 0.0


class JacobianPasses:
    """Iterate to fill J one column (JVP) or one row (VJP) per pass: yields ``(index, vector)``.

    ``J`` holds the entries filled so far (NaN elsewhere) and ``cost`` is updated after each pass.
    """

    def __init__(self, expression, values, by="columns", expand=False):
        if by not in ("columns", "rows"):
            raise ExpressionError(f"by must be 'columns' or 'rows', got {by!r}")
        self.expression, self.by, self.expand = expression, by, expand
        self.values = expression.check(values)
        built = build(expression.order, self.values, expand)
        self.sizes = [self.values[name].size for name in expression.variables]
        m, n = built.out.size, sum(self.sizes)
        self.J = np.full((m, n), np.nan)
        self.cost = JacobianCost(by, (m, n))

    def __iter__(self):
        return self._columns() if self.by == "columns" else self._rows()

    def _unit(self, j):
        """The one-hot tangents, one array per variable, for input entry j."""
        parts = np.split(np.eye(1, self.J.shape[1], j).ravel(), np.cumsum(self.sizes)[:-1])
        return [p.reshape(self.values[name].shape) for p, name in zip(parts, self.expression.variables)]

    def _columns(self):
        names = self.expression.variables
        for j in range(self.J.shape[1]):
            start = time.perf_counter()
            counted = []

            def f(*tensors, counted=counted):
                leaves = dict(zip(names, tensors))
                built = build(self.expression.order, {k: t.data for k, t in leaves.items()}, self.expand,
                              leaves=leaves)
                counted.append(sum(1 for node in built.nodes if node.primitive is not None))
                return built.out

            _, column = jvp(f, [self.values[name] for name in names], self._unit(j))
            self.J[:, j] = np.ravel(column)
            self._count(start, sum(counted))
            yield j, self.J[:, j].copy()

    def _rows(self):
        start = time.perf_counter()
        names = self.expression.variables
        leaves = {name: Tensor(self.values[name], requires_grad=True, name=name) for name in names}
        built = build(self.expression.order, self.values, self.expand, leaves=leaves)
        out = built.out
        forward = sum(1 for node in built.nodes if node.primitive is not None)
        for i in range(self.J.shape[0]):
            if i:
                start, forward = time.perf_counter(), 0
            found, rules = {}, 0
            if out.requires_grad:
                seed = np.eye(1, out.size, i).reshape(out.shape)
                for tensor, upstream, _ in backward_records(out, seed):
                    if tensor.is_leaf:
                        found[id(tensor)] = np.asarray(upstream)
                    else:
                        rules += 1
            self.J[i] = np.concatenate([np.ravel(found.get(id(leaves[name]), np.zeros(leaves[name].shape)))
                                        for name in names]) if names else np.zeros(0)
            self._count(start, forward + rules)
            yield i, self.J[i].copy()

    def _count(self, start, evaluations):
        self.cost.passes += 1
        self.cost.primitive_evaluations += evaluations
        self.cost.seconds += time.perf_counter() - start

    def run(self):
        """Every pass; returns ``(J, passes)``."""
        for _ in self:
            pass
        return self.J, self.cost.passes
