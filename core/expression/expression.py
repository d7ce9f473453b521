"""``Expression``: a parsed formula that evaluates on the engine and makes walks."""
from .errors import ExpressionError
from .graph import build
from .jacobian import JacobianPasses
from .modes import ForwardWalk, HvpWalk
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

    def walk(self, values, expand=False, mode="reverse", direction=None):
        """A walk that steps the formula one node at a time.

        ``mode`` "reverse": forward then backward (``Walk``); "forward": value and tangent along
        ``direction`` (``ForwardWalk``); "hvp": H·direction by backpropagating twice (``HvpWalk``).
        ``direction`` is a variable name (ones there, zeros elsewhere) or ``{variable: array}``.
        """
        built = self.build(values, expand)
        if mode == "reverse":
            return Walk(built, expand)
        if mode == "forward":
            return ForwardWalk(built, expand, direction)
        if mode == "hvp":
            return HvpWalk(built, expand, direction, self.function(expand))
        raise ExpressionError(f"mode must be 'reverse', 'forward' or 'hvp', got {mode!r}")

    def jacobian(self, values, by="columns", expand=False):
        """``(J, passes)``: J (m×n, columns as ``variables``, row-major within each) from n JVPs
        (``by="columns"``) or m VJPs (``by="rows"``)."""
        return self.jacobian_passes(values, by, expand).run()

    def jacobian_passes(self, values, by="columns", expand=False):
        """A ``JacobianPasses``: iterate it to fill J one column or row at a time; ``.cost`` counts."""
        return JacobianPasses(self, values, by, expand)

    def __repr__(self):
        return f"Expression({self.text!r})"


def parse(text):
    """Parse a lab formula; raises ``ExpressionError`` (message and 1-based ``column``)."""
    return Expression(text)
