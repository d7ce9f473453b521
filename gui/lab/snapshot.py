"""A lab walk as the trainer's graph view and inspector draw it: a snapshot-like record.

The graph view and inspector read ``graph``, ``active_node``, ``done_nodes``, ``diverged``,
``last_update`` and ``completed``; a lab walk gives them GraphNodes (``walk.graph()``) with the
formula's text as each op's name. In forward mode a node's second number is its tangent.
"""
import dataclasses
from dataclasses import dataclass, field

import numpy as np

from core.training import Phase

SYMBOLS = {"reverse": "∂f", "forward": "ẋ", "hvp": "∂s"}   # ẋ: a tangent (v̇ draws badly in boxes)


@dataclass(frozen=True)
class LabSnapshot:
    """What the lab's graph view and inspector draw after a step."""
    graph: tuple
    active_node: object = None
    done_nodes: frozenset = frozenset()
    diverged: object = None
    last_update: dict = field(default_factory=dict)
    parameters: dict = field(default_factory=dict)
    phase: object = Phase.FORWARD      # which side the view looks at when zoomed in
    completed: object = None
    phase: object = None           # no training phase: the graph view looks at the active node


def lab_snapshot(walk, tangents=True):
    """The snapshot of ``walk`` now (None: an empty graph); ``tangents`` False keeps the forward
    mode's gradients empty (for the inspector, whose second number is a gradient)."""
    if walk is None:
        return LabSnapshot(graph=())
    graph = []
    for lab, node in zip(walk.nodes, walk.graph()):
        changes = {}
        if node.stage != "input" and lab.text and lab.text != node.op:
            changes["name"] = lab.text   # the part of the formula it computes, under the op
        if walk.mode == "forward" and tangents:
            changes["upstream"] = None if node.value is None else _tangent(lab)
            changes["downstream"] = None
        graph.append(dataclasses.replace(node, **changes) if changes else node)
    done = frozenset(n.id for n in walk.nodes if n.grad is not None)
    phase = Phase.FORWARD if walk.phase in ("forward", "gradient") else Phase.BACKWARD
    return LabSnapshot(graph=tuple(graph), active_node=walk.active, done_nodes=done, phase=phase)


def _tangent(lab):
    """A node's tangent; 0 for a constant (and what is computed from constants alone)."""
    return np.zeros(lab.shape) if lab.tangent is None else np.array(lab.tangent, copy=True)
