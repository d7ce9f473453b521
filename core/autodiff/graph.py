"""Introspection for the app: the graph as a list of described nodes.

Nothing here runs during training: a ``Node`` is built only when someone asks
(``trace(root, steps)``), with the gradients from the ``BackwardStep`` records of a backward
walk when they are given.
"""
import numpy as np

from .backward import toposort
from .tensor import Tensor


class Node:
    """One node of a traced graph: op, inputs, value and (when steps are given) its gradients.

    ``role`` is "parameter" (a leaf that requires grad), "input" (a leaf that does not) or
    "op"; ``structure`` is the primitive's Jacobian structure ("leaf" for a leaf) and ``fused``
    whether it is a fused primitive.
    """

    __slots__ = ("id", "tensor", "op", "name", "role", "structure", "fused", "inputs", "value",
                 "upstream", "downstream", "formula", "words", "params")

    def __init__(self, node_id, tensor, inputs, step=None):
        prim = tensor._prim
        self.id = node_id
        self.tensor = tensor
        self.op = tensor.op
        self.name = tensor.name or (prim.name if prim else "input")
        self.role = "op" if prim else ("parameter" if tensor.requires_grad else "input")
        self.structure = prim.structure if prim else "leaf"
        self.fused = prim.fused if prim else False
        self.inputs = inputs            # ids of the input nodes (None for a raw constant)
        self.value = tensor.data
        self.upstream = step.upstream if step is not None else None
        self.downstream = step.downstream if step is not None else None
        self.formula = prim.formula if prim else ""
        self.words = prim.words if prim else (
            "A parameter: backward delivers ∂L/∂θ here." if tensor.requires_grad
            else "An input: no gradient is needed here.")
        self.params = {k: v for k, v in (tensor._params or {}).items() if k not in ("index",)}

    @property
    def shape(self):
        """The shape of the node's value."""
        return self.value.shape

    def input_shapes(self):
        """The shape of each input, constants included."""
        return [p.shape if isinstance(p, Tensor) else np.shape(p) for p in self.tensor._parents or ()]

    def jacobians(self):
        """Per input: the shape (Z, X) of the local Jacobian that backward never forms, the bytes
        forming it would take, and the bytes the downstream gradient actually takes."""
        item = self.value.dtype.itemsize
        z = self.value.size
        rows = []
        for shape in self.input_shapes():
            x = int(np.prod(shape))
            rows.append({"jacobian_shape": (z, x), "jacobian_bytes": z * x * item,
                         "gradient_bytes": x * item})
        return rows

    def describe(self):
        """The local gradient in words and as a formula, with the Jacobian it avoids."""
        lines = [f"{self.op}: {self.words}"]
        if self.formula:
            lines.append(f"local gradient: {self.formula}")
        for i, row in enumerate(self.jacobians()):
            z, x = row["jacobian_shape"]
            lines.append(f"input {i}: Jacobian {z}×{x} never formed "
                         f"({_bytes(row['jacobian_bytes'])}); gradient uses {_bytes(row['gradient_bytes'])}")
        return "\n".join(lines)

    def __repr__(self):
        return f"Node(id={self.id}, op={self.op!r}, name={self.name!r}, shape={self.shape})"


def _bytes(n):
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024


def trace(root, steps=None):
    """The graph that produced ``root``, in topological order with stable ids (0 = first input).

    ``steps``, the ``BackwardStep`` records of a backward walk from ``root`` (an iterable, or a
    dict from Tensor to its step), fill each reached node's ``upstream`` and ``downstream``.
    """
    if steps is None:
        steps = {}
    elif not isinstance(steps, dict):
        steps = {step.node: step for step in steps}
    order = toposort(root, include_constants=True)
    ids = {id(t): i for i, t in enumerate(order)}
    return [Node(i, t, [ids.get(id(p)) for p in t._parents or ()], steps.get(t))
            for i, t in enumerate(order)]
