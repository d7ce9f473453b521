"""Stepping a lab graph one node at a time: the forward pass, then the backward pass.

The engine computes the forward values when the graph is built (as it does for the trainer);
a forward step shows one op node's value, in the order the engine computed them. A backward
step is one step of the engine's own ``backward_steps`` generator, from the output with
upstream 1 (ones of the output's shape for a non-scalar output: the gradient of its sum).
"""
import numpy as np

from core.autodiff import backward_steps, toposort
from core.training.snapshot import GraphNode

from .local import JACOBIAN_LIMIT, local_jacobian


def backward_records(root, grad=None, *, create_graph=False):
    """``(tensor, upstream, downstream)`` for each node the engine's backward pass visits.

    Leaves' ``.grad`` stay untouched and the graph is kept (the lab inspects it afterwards).
    """
    for step in backward_steps(root, grad, create_graph=create_graph, retain_graph=True,
                               record=True, sink=_ignore):
        yield step.node, step.upstream, step.downstream


def _ignore(leaf, g):
    """Backward's leaf sink for the lab: gradients are read from the steps instead."""


def summary(a):
    """A short text for a value or gradient: the number for a scalar, else shape and range."""
    a = np.asarray(a)
    if a.size == 1:
        return f"{a.item():.4g}"
    return f"{a.shape} in [{a.min():.3g}, {a.max():.3g}]"


class Walk:
    """Reverse mode on a built graph: ``step()`` processes one node, ``run()`` all of them.

    ``phase`` is "forward", ("gradient" in an HVP walk,) "backward" or "done"; ``active`` the id of
    the node the last step processed; ``message`` says what it did. ``summed_output`` is True when the output is not
    a scalar, so backward starts from ones (the gradient of the output's sum); ``note`` then
    says so in words (else it is "").
    """

    mode = "reverse"

    def __init__(self, built, expand=False):
        self.built = built
        self.nodes = built.nodes
        self.expand = expand
        self.variables = tuple(built.leaves)
        self.phase = "forward"
        self.active = None
        self.steps_done = 0
        out = built.out
        self.summed_output = out.size != 1 or out.ndim != 0
        self.note = self._note()
        self.message = self.note or "Ready: step through the forward pass, then the backward pass."
        self._node_of = built.node_of()
        self._steps = self._plan()
        if self.total_steps == 0:  # a formula of constants alone
            self.phase = "done"

    # ----- counts --------------------------------------------------------------------
    @property
    def node_count(self):
        """How many nodes the graph has (variables and constants included)."""
        return len(self.nodes)

    @property
    def op_count(self):
        """How many op nodes (primitive applications) the graph has."""
        return sum(1 for node in self.nodes if node.primitive is not None)

    @property
    def total_steps(self):
        """How many ``step()`` calls the whole walk takes."""
        return self.op_count + self._backward_count()

    def _backward_root(self):
        """The Tensor the backward pass starts from."""
        return self.built.out

    def _backward_count(self):
        root = self._backward_root()
        return len(toposort(root)) if root.requires_grad else 0

    # ----- results -------------------------------------------------------------------
    @property
    def output(self):
        """The output node."""
        return self.nodes[self.built.output]

    @property
    def value(self):
        """The output's value once the forward pass has reached it, else None."""
        return self.output.value

    @property
    def gradients(self):
        """``{variable: ∂out/∂variable}`` once backward is done, else None."""
        if self.phase != "done":
            return None
        return {name: self._leaf_grad(self.nodes[i]) for name, i in self.built.leaves.items()}

    @staticmethod
    def _leaf_grad(node):
        return np.zeros(node.shape) if node.grad is None else np.asarray(node.grad)

    @property
    def finished(self):
        """True once every step has run."""
        return self.phase == "done"

    # ----- stepping ------------------------------------------------------------------
    def step(self):
        """Process one node; False once the walk is finished."""
        try:
            next(self._steps)
        except StopIteration:
            return False
        self.steps_done += 1
        return True

    def run(self):
        """Step to the end; returns self."""
        while self.step():
            pass
        return self

    def _plan(self):
        yield from self._forward()
        self.phase = "backward"
        root = self._backward_root()
        yield from self._backward(root, self._seed() if root is self.built.out else None)

    def _forward(self):
        ops_ = [node for node in self.nodes if node.primitive is not None]
        last_step = self._backward_count() == 0
        for k, node in enumerate(ops_):
            node.value = node.tensor.data
            self.active = node.id
            # in an HVP walk, the first backward pass's graph comes after the function's nodes
            self.phase = "forward" if node.part == "function" else "gradient"
            self.message = f"{self.phase}: {node.text} = {summary(node.value)}"
            if last_step and k == len(ops_) - 1:
                self.phase = "done"
            yield

    def _seed(self):
        out = self.built.out
        return np.ones(out.shape) if self.summed_output else None

    def _backward(self, root, seed):
        if not root.requires_grad:
            self.phase = "done"
            return
        total = len(toposort(root))
        for k, (tensor, upstream, downstream) in enumerate(backward_records(root, seed)):
            node = self.nodes[self._node_of[id(tensor)]]
            node.grad = np.asarray(upstream)
            node.downstream = tuple(None if d is None else np.asarray(d) for d in downstream)
            self.active = node.id
            self.message = f"backward: ∂out/∂({node.text}) = {summary(node.grad)}"
            if k == total - 1:
                self.phase = "done"
            yield

    def _note(self):
        if self.summed_output:
            return (f"The output has shape {self.built.out.shape}: backward starts from upstream 1 in "
                    "every entry, which is the gradient of the sum of its entries.")
        return ""

    # ----- for the graph view and inspector -------------------------------------------
    def local_jacobian(self, node_id, input=0, limit=JACOBIAN_LIMIT):
        """The explicit local Jacobian of node ``node_id`` for its input ``input`` (a ``LocalJacobian``),
        or None when larger than ``limit`` entries."""
        return local_jacobian(self.nodes[node_id], self.nodes, input, limit)

    def graph(self):
        """The nodes as the trainer's ``GraphNode`` records, so its graph view and inspector draw them."""
        return tuple(graph_node(node, self.nodes) for node in self.nodes)


def graph_node(node, nodes):
    """One ``LabNode`` as a ``GraphNode`` (copies of its arrays)."""
    return GraphNode(
        id=node.id, op=node.op, name=node.label, stage=node.stage, inputs=node.inputs,
        shape=tuple(node.shape), dtype=node.dtype, value=_copy(node.value), upstream=_copy(node.grad),
        downstream=None if node.downstream is None else tuple(_copy(d) for d in node.downstream),
        formula=node.formula, words=node.words, jacobians=node.jacobians(),
        params=dict(node.params), structure=node.structure, fused=node.fused)


def _copy(a):
    return None if a is None else np.array(a, copy=True)
