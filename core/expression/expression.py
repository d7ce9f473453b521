"""``Expression``: a parsed formula that evaluates on the engine and makes walks."""
import numpy as np

from .graph import build
from .parser import parse_syntax
from .values import check_values
from .walk import Walk


class Expression:
    """A parsed lab formula. ``variables`` are its names in order of first appearance."""

    def __init__(self, text):
        self.text = text
        self.tree, self.order = parse_syntax(text)
        self.columns = {}
        for syntax in self.order:
            if syntax.kind == "variable":
                self.columns.setdefault(syntax.value, syntax.column)
        # order lists operands first, so first appearance in the text needs sorting by column
        self.variables = tuple(sorted(self.columns, key=self.columns.get))

    def check(self, values):
        """The values of this formula's variables as float64 arrays (ExpressionError if missing or bad)."""
        return check_values(values, self.variables, self.columns)

    def build(self, values, expand=False):
        """The graph at ``values``: a ``Built`` with the ``LabNode`` list and the output."""
        return build(self.order, self.check(values), expand)

    def evaluate(self, values, expand=False):
        """The output Tensor at ``values``; its leaves are the variables' Tensors (requires_grad)."""
        return self.build(values, expand).out

    def function(self, expand=False):
        """The formula as ``f(*tensors)`` with one Tensor per variable (in ``variables`` order), for
        the engine's transforms (``jvp``, ``vjp``, ``hvp``, ``grad``)."""
        def f(*tensors):
            leaves = dict(zip(self.variables, tensors))
            values = {name: t.data for name, t in leaves.items()}
            return build(self.order, values, expand, leaves=leaves).out
        return f

    def node_count(self, values, expand=False):
        """How many nodes the graph has at ``values``, fused or expanded."""
        return len(self.build(values, expand).nodes)

    def walk(self, values, expand=False):
        """A ``Walk`` that steps this formula's forward and backward pass one node at a time."""
        return Walk(self.build(values, expand), expand)

    def __repr__(self):
        return f"Expression({self.text!r})"


def parse(text):
    """Parse a lab formula; raises ``ExpressionError`` (message and 1-based ``column``)."""
    return Expression(text)


def as_array(value):
    """A float64 array of a number, nested list or array."""
    return np.asarray(value, dtype=np.float64)
