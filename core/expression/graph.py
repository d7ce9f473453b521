"""From a syntax tree to the engine's graph: one ``LabNode`` per Tensor, in topological order.

Each variable is one leaf Tensor (``requires_grad``, named after the variable) however often it
appears; each typed number is a constant leaf. ``expand=True`` writes fused primitives with
elementary ops (``sigmoid(a)`` as ``1 / (1 + exp(-a))``). Building walks ``Syntax.order``
(operands first), so nothing recurses.
"""
import numpy as np

from core.autodiff import Tensor, ops

from .errors import ExpressionError

LABELS = {"add": "+", "sub": "−", "mul": "×", "div": "/", "matmul": "@", "pow": "**", "neg": "−"}
_CALLS = {"exp": ops.exp, "log": ops.log, "sqrt": ops.sqrt, "abs": ops.abs_, "tanh": ops.tanh,
          "sigmoid": ops.sigmoid, "relu": ops.relu, "sin": ops.sin, "cos": ops.cos}
_REDUCTIONS = {"sum": ops.sum_, "mean": ops.mean, "max": ops.max_}
_BINARY = {"add": ops.add, "sub": ops.sub, "mul": ops.mul, "div": ops.div, "matmul": ops.matmul,
           "pow": ops.power}


class LabNode:
    """One node of a lab graph as the lab shows it.

    ``stage`` is "input" (a variable or a constant) or "model" (an op); ``text`` is the part of
    the formula it computes, ``inputs`` the ids of its operands (None for a raw constant inside a
    gradient graph) and ``input_shapes`` their shapes. ``value``, ``grad`` (∂out/∂node,
    also ``upstream``), ``downstream`` (one gradient per input) and ``tangent`` are filled in
    as a walk reaches the node; ``tensor`` is the engine's Tensor.
    """

    __slots__ = ("column", "downstream", "dtype", "formula", "fused", "grad", "id", "input_shapes",
                 "inputs", "label", "name", "op", "params", "part", "primitive", "shape", "stage",
                 "structure", "tangent", "tensor", "text", "value", "variable", "words")

    def __init__(self, node_id, tensor, *, label, text, column, inputs=(), input_shapes=(),
                 primitive=None, params=None, variable=None):
        self.id, self.tensor, self.label, self.text, self.column = node_id, tensor, label, text, column
        self.inputs, self.primitive, self.params = tuple(inputs), primitive, dict(params or {})
        self.input_shapes = tuple(tuple(shape) for shape in input_shapes)
        self.variable = variable
        self.op = primitive.name if primitive is not None else "leaf"
        self.name = tensor.name or (primitive.name if primitive is not None else text)
        self.stage = "model" if primitive is not None else "input"
        self.shape, self.dtype = tensor.shape, str(tensor.dtype)
        self.formula = primitive.formula if primitive is not None else ""
        self.words = primitive.words if primitive is not None else (
            f"The variable {variable}: backward delivers ∂out/∂{variable} here." if variable
            else "A constant: no gradient is needed here.")
        self.structure = primitive.structure if primitive is not None else "leaf"
        self.fused = bool(primitive.fused) if primitive is not None else False
        self.part = "function"
        self.value = tensor.data if primitive is None else None
        self.grad = self.downstream = self.tangent = None

    @property
    def upstream(self):
        """∂out/∂node (the same as ``grad``): what backward brings to this node."""
        return self.grad

    def jacobians(self):
        """Per input: the local Jacobian's shape (Z, X) and the bytes forming it would take,
        beside the bytes of the downstream gradient that backward sends instead."""
        item = np.dtype(self.dtype).itemsize
        z = int(np.prod(self.shape))
        rows = []
        for shape in self.input_shapes:
            x = int(np.prod(shape))
            rows.append({"jacobian_shape": (z, x), "jacobian_bytes": z * x * item,
                         "gradient_bytes": x * item})
        return tuple(rows)

    def __repr__(self):
        return f"LabNode(id={self.id}, op={self.op!r}, label={self.label!r}, text={self.text!r})"


class Built:
    """A built graph: its nodes in topological order, the output node and the variables' leaves."""

    def __init__(self, nodes, output, leaves):
        self.nodes, self.output, self.leaves = nodes, output, leaves

    @property
    def out(self):
        """The output Tensor."""
        return self.nodes[self.output].tensor

    def node_of(self):
        """``{id(tensor): node id}``, to find the node of a Tensor the engine hands back."""
        return {id(node.tensor): node.id for node in self.nodes}


def build(order, values, expand=False, leaves=None):
    """The graph of the syntax nodes ``order`` at ``values`` (checked float64 arrays).

    ``leaves`` may give the variables' Tensors (as the engine's transforms pass them in).
    """
    nodes, made, leaf_ids = [], {}, {}

    def add(tensor, **fields):
        nodes.append(LabNode(len(nodes), tensor, **fields))
        return nodes[-1]

    with np.errstate(all="ignore"):  # NaN or Inf is shown on the node, not raised
        for syntax in order:
            if syntax.kind == "variable":
                name = syntax.value
                if name not in leaf_ids:
                    tensor = (leaves[name] if leaves is not None
                              else Tensor(values[name], requires_grad=True, name=name))
                    leaf_ids[name] = add(tensor, label=name, text=name, column=syntax.column,
                                         variable=name).id
                made[id(syntax)] = leaf_ids[name]
            elif syntax.kind == "number":
                made[id(syntax)] = add(Tensor(syntax.value, name=_number(syntax.value)),
                                       label=_number(syntax.value), text=syntax.text,
                                       column=syntax.column).id
            else:
                args = [nodes[made[id(a)]] for a in syntax.args]
                made[id(syntax)] = _apply(syntax, args, expand, add).id
    return Built(nodes, made[id(order[-1])], leaf_ids)


def _number(value):
    return f"{value:g}"


def _apply(syntax, args, expand, add):
    """The node(s) for one operation; returns the node holding its result."""
    if syntax.kind == "neg":
        return _op(ops.neg, args, {}, syntax, add)
    if syntax.kind == "binary":
        return _op(_BINARY[syntax.op], args, {}, syntax, add)
    name = syntax.op
    if name == "max" and len(args) == 2:
        return _op(ops.maximum, args, {}, syntax, add, label="max")
    if name in _REDUCTIONS:
        return _op(_REDUCTIONS[name], args, {"axis": None, "keepdims": False}, syntax, add, label=name)
    if name == "sigmoid" and expand:
        return _expanded_sigmoid(args[0], syntax, add)
    return _op(_CALLS[name], args, {}, syntax, add, label=name)


def _op(primitive, args, params, syntax, add, label=None, text=None):
    try:
        tensor = primitive(*[a.tensor for a in args], **params)
    except ValueError:
        shapes = " and ".join(str(a.shape) for a in args)
        verb = "do not align" if primitive is ops.matmul else "do not broadcast"
        raise ExpressionError(f"{syntax.text!r}: shapes {shapes} {verb}", syntax.column) from None
    return add(tensor, label=label or LABELS.get(primitive.name, primitive.name),
               text=text or syntax.text, column=syntax.column, inputs=[a.id for a in args],
               input_shapes=[a.shape for a in args], primitive=primitive, params=params)


def _expanded_sigmoid(arg, syntax, add):
    """σ(a) as the lecture draws it: −a, exp, 1 + ·, 1 / · (four op nodes, two constants)."""
    a = arg.text if arg.stage == "input" else f"({arg.text})"
    negated = _op(ops.neg, [arg], {}, syntax, add, text=f"-{a}")
    exp = _op(ops.exp, [negated], {}, syntax, add, label="exp", text=f"exp(-{a})")
    one = add(Tensor(1.0, name="1"), label="1", text="1", column=syntax.column)
    denominator = _op(ops.add, [one, exp], {}, syntax, add, text=f"1 + exp(-{a})")
    one_again = add(Tensor(1.0, name="1"), label="1", text="1", column=syntax.column)
    return _op(ops.div, [one_again, denominator], {}, syntax, add, text=f"1 / (1 + exp(-{a}))")
