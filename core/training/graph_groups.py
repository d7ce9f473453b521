"""Linear layers as one node: which graph nodes form "layer k" (x·Wᵀ + b), and the graph as shown.

No Qt. ``linear_groups(graph)`` finds the layers in a tuple of GraphNodes (any graph: nodes that
do not form the pattern stay as they are), ``collapse(graph, groups)`` replaces each given layer
by one node ``linear: W·x + b`` whose edges carry the same gradients as the elementary ones, and
``step_shown_node(trainer, groups)`` advances backward by one node *as shown*: a collapsed
layer is one step.
"""
from dataclasses import dataclass, replace

import numpy as np

from ..autodiff import toposort
from .phases import Phase


@dataclass(frozen=True)
class LinearGroup:
    """Layer ``k`` (from 1): ``transpose`` (W → Wᵀ), ``matmul`` (x·Wᵀ) and ``add`` (+ b; None
    without a bias). ``output`` is the id of the node that ends the layer."""
    k: int
    x: int
    weight: int
    transpose: int
    matmul: int
    bias: object = None
    add: object = None

    @property
    def output(self):
        return self.matmul if self.add is None else self.add

    @property
    def members(self):
        """The ids one collapsed node stands for (the parameters stay nodes of their own)."""
        return tuple(i for i in (self.transpose, self.matmul, self.add) if i is not None)

    @property
    def inputs(self):
        return (self.x, self.weight) if self.bias is None else (self.x, self.weight, self.bias)


def linear_groups(graph):
    """The linear layers of ``graph`` (GraphNodes in topological order), numbered from the input."""
    by_id = {n.id: n for n in graph}
    consumers = {n.id: [] for n in graph}
    for n in graph:
        for i in n.inputs:
            if i is not None:
                consumers[i].append(n.id)
    groups = []
    for n in graph:
        if n.op != "matmul" or len(n.inputs) != 2 or n.inputs[1] is None:
            continue
        t = by_id[n.inputs[1]]
        if t.op != "transpose" or consumers[t.id] != [n.id] or not t.inputs:
            continue
        weight = by_id.get(t.inputs[0])
        if weight is None or weight.stage != "parameter":
            continue
        add = bias = None
        if len(consumers[n.id]) == 1:
            after = by_id[consumers[n.id][0]]
            b = by_id.get(after.inputs[1]) if after.op == "add" and len(after.inputs) == 2 else None
            if after.inputs[0] == n.id and b is not None and b.stage == "parameter":
                add, bias = after.id, b.id
        groups.append(LinearGroup(len(groups) + 1, n.inputs[0], weight.id, t.id, n.id, bias, add))
    return tuple(groups)


def lecture_names(groups):
    """{parameter id: "W1" / "b1" …}: the lecture's names of each layer's parameters."""
    names = {}
    for g in groups:
        names[g.weight] = f"W{g.k}"
        if g.bias is not None:
            names[g.bias] = f"b{g.k}"
    return names


def collapse(graph, groups):
    """``graph`` with each of ``groups`` as one node (id: the layer's output), in graph order."""
    by_id = {n.id: n for n in graph}
    hidden = {i for g in groups for i in g.members if i != g.output}
    at_output = {g.output: g for g in groups}
    shown = []
    for n in graph:
        if n.id in hidden:
            continue
        g = at_output.get(n.id)
        shown.append(n if g is None else _layer_node(g, by_id))
    return tuple(shown)


def _layer_node(g, by_id):
    out, matmul, t = by_id[g.output], by_id[g.matmul], by_id[g.transpose]
    names = lecture_names([g])
    formula = f"{names[g.weight]}·x" + ("" if g.bias is None else f" + {names[g.bias]}")
    downstream = None
    if out.downstream is not None and matmul.downstream is not None:
        # ∂L/∂W is what the transpose sends; before it ran, the transpose of ∂L/∂Wᵀ (the same)
        to_w = t.downstream[0] if t.downstream is not None else np.transpose(matmul.downstream[1])
        downstream = (matmul.downstream[0], to_w) + (() if g.bias is None else (out.downstream[1],))
    return replace(out, op="linear", name=formula, structure="linear", fused=True, inputs=g.inputs,
                   downstream=downstream, formula=f"s = {formula}",
                   words=f"Layer {g.k}: the weights times the input, plus the bias (x·Wᵀ + b in the "
                         f"code: {by_id[g.weight].name}); double-click to show its elementary ops.",
                   jacobians=(), params={})


def step_shown_node(trainer, groups):
    """Backward by one node as the view shows it (``groups``: the collapsed layers); returns the
    id of the node shown as stepped (a layer's output for a layer). A layer's ops run as one
    step; its transpose, which backward reaches later, is taken along silently the next time."""
    member = {i: g for g in groups for i in g.members}
    done = set(trainer.record.done)

    def pending():
        order = [trainer.record.node_of[id(t)] for t in reversed(toposort(trainer.record.loss))]
        return [i for i in order if i not in done]

    def absorbed(i):   # a member of a layer already shown as stepped
        return i in member and member[i].output in done

    def advance():
        node_id = trainer.step_node()
        done.add(node_id)
        return node_id

    while trainer.phase is Phase.BACKWARD and absorbed(pending()[0]):
        advance()
    node_id = advance()
    current = member.get(node_id)
    while trainer.phase is Phase.BACKWARD:
        rest = pending()
        if not rest or not (current is not None and member.get(rest[0]) is current
                            or all(map(absorbed, rest))):
            break
        advance()
    return node_id if current is None else current.output
