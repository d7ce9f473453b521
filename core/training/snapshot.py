"""Read-only copies of the trainer's state for display: what the app draws, never live arrays."""
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from .phases import Phase


@dataclass(frozen=True)
class GraphNode:
    """One node of the iteration's graph as the app shows it.

    ``stage`` is "input" (data and constants), "parameter", "model" (scores and what leads to
    them) or "loss". ``structure`` is the Jacobian's structure ("elementwise", "linear",
    "reduction", "shape", "general"; "leaf" for inputs and parameters) and ``fused`` whether the
    op is a fused primitive. ``value`` is None until the phase that computes it has run;
    ``upstream`` (∂L/∂node) and ``downstream`` (one entry per input) are None until backward
    reaches it.
    """
    id: int
    op: str
    name: str
    structure: str
    fused: bool
    stage: str
    inputs: tuple
    shape: tuple
    dtype: str
    value: object = None
    upstream: object = None
    downstream: object = None
    formula: str = ""
    words: str = ""
    jacobians: tuple = ()
    params: dict = field(default_factory=dict)

    @property
    def label(self):
        """What the graph view writes on the node: names for inputs and parameters, else the op."""
        return self.name if self.stage in ("input", "parameter") else self.op


@dataclass(frozen=True)
class Snapshot:
    """Everything the app needs after one trainer call, copied."""
    iteration: int
    phase: Phase                      # the phase the next step_phase() runs
    completed: object                 # the phase that ran last (None at an iteration's start)
    graph: tuple                      # GraphNode in topological order
    active_node: object               # id of the node step_node() just processed, until the update (else None)
    done_nodes: frozenset             # ids backward has processed this iteration
    loss_node: object
    scores_node: object
    batch_X: object
    batch_y: object
    metrics: dict                     # loss, data_loss, reg_loss, accuracy of this batch (once known)
    parameters: dict                  # name → array
    gradients: dict                   # name → array or None
    last_update: dict                 # name → {"before", "step", "after"}
    history: dict                     # name → read-only float array (see history.Series)
    diverged: object                  # None, or a dict saying where the first NaN/Inf came from
    model_spec: object = None         # the model's spec() (build_model / evaluate_spec), None without one
    dataset: object = None            # the Dataset trained on: a reference, since datasets are never mutated


_FORWARD_DONE = (Phase.FORWARD, Phase.LOSS, Phase.BACKWARD, Phase.UPDATE)
_LOSS_DONE = (Phase.LOSS, Phase.BACKWARD, Phase.UPDATE)


def take_snapshot(trainer):
    """The Snapshot of ``trainer`` now, built from its public state and its iteration record."""
    it = trainer.record
    done = frozenset(it.done)
    completed = trainer.completed
    graph = tuple(_graph_node(trainer, node, it, done) for node in it.nodes)
    params = trainer.model.named_parameters()
    stepping = it.done and it.node_stepping and completed in (Phase.LOSS, Phase.BACKWARD)
    return Snapshot(
        iteration=trainer.iteration, phase=trainer.phase, completed=completed, graph=graph,
        active_node=it.done[-1] if stepping else None, done_nodes=done,
        loss_node=it.node_of.get(id(it.loss)), scores_node=it.node_of.get(id(it.scores)),
        batch_X=it.X, batch_y=it.y,
        metrics=dict(it.metrics) if completed in _LOSS_DONE else {},
        parameters={name: p.data.copy() for name, p in params},
        gradients={name: copy_array(p.grad) for name, p in params},
        last_update={k: dict(v) for k, v in it.update.items()},
        history=trainer.history_views(), diverged=trainer.diverged,
        model_spec=_spec(trainer.model), dataset=trainer.dataset)


def _graph_node(trainer, node, it, done):
    stage = it.stages[node.id]
    shown = trainer.completed in (_LOSS_DONE if stage == "loss" else _FORWARD_DONE)
    value = None
    if shown:
        value = it.param_values.get(node.name, node.value) if stage == "parameter" else node.value
    return GraphNode(
        id=node.id, op=node.op, name=node.name, structure=node.structure, fused=node.fused,
        stage=stage, inputs=tuple(node.inputs), shape=tuple(node.shape),
        dtype=_dtype_name(node.value.dtype), value=copy_array(value) if stage == "parameter" else value,
        upstream=trainer.upstream(node.id), downstream=trainer.downstream(node.id),
        formula=node.formula, words=node.words, jacobians=_jacobians(node),
        params=dict(node.params))


# A node's dtype name and Jacobian rows are the same every iteration, and working them out took
# half of a snapshot (Play takes one per frame): once per shape here. The rows are shared, read-only.
_JACOBIANS = {}   # (shape, dtype, input shapes) → node.jacobians() as a tuple
MAX_SHAPES = 4096


@cache
def _dtype_name(dtype):
    return str(dtype)


def _jacobians(node):
    key = (node.value.shape, node.value.dtype, tuple(node.input_shapes()))
    rows = _JACOBIANS.get(key)
    if rows is None:
        if len(_JACOBIANS) >= MAX_SHAPES:
            _JACOBIANS.clear()
        rows = _JACOBIANS[key] = tuple(node.jacobians())
    return rows


def _spec(model):
    try:
        return model.spec()
    except TypeError:  # a hand-built Sequential has no spec
        return None


def copy_array(a):
    """A copy of ``a`` (None stays None)."""
    return None if a is None else np.array(a, copy=True)
