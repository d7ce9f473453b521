"""Training troubles beyond NaN/Inf, read from a snapshot: dead ReLU layers, vanishing and
exploding gradients, each named by layer, in the words the app shows. Qt-free.

With too large a learning rate every ReLU can die: its output is 0 on the whole batch, no
gradient flows back through it, and accuracy sticks at chance while the loss stays finite.
"""
from dataclasses import dataclass

import numpy as np

DEAD_FRACTION = 0.5     # a layer is reported once more than half of its units are dead
VANISHING = 1e-7        # a weight's gradient norm below this carries nothing back
EXPLODING = 1e3         # … above this, one update throws the weights far away
PREFIX = "grad_norm/"


@dataclass(frozen=True)
class Warning:
    """One trouble: ``kind`` ("dead_relu", "vanishing", "exploding"), the ``layer`` it names and
    the sentence the app shows."""
    kind: str
    layer: str
    message: str


def dead_units(values):
    """Which units (last axis) of a ReLU output are 0 for every example of the batch."""
    a = np.asarray(values)
    if a.ndim == 0:
        return np.array([not a > 0])
    return ~(a.reshape(-1, a.shape[-1]) > 0).any(axis=0)


def layer_of(node, by_id, depth=3):
    """The layer a node belongs to: the name's prefix of the nearest parameter feeding it ("0" for
    "0.bias"), looking back ``depth`` nodes; None when none is that close."""
    frontier = [node]
    for _ in range(depth):
        parents = [by_id[i] for n in frontier for i in n.inputs if i in by_id]
        for parent in parents:
            if parent.stage == "parameter":
                return parent.name.rsplit(".", 1)[0]
        frontier = parents
    return None


def dead_relu_warnings(graph):
    """A Warning per ReLU node whose units are mostly dead on this batch (values must be known)."""
    by_id = {node.id: node for node in graph}
    found = []
    relus = [node for node in graph if node.op == "relu" and node.value is not None]
    for k, node in enumerate(relus, start=1):
        dead = dead_units(node.value)
        if dead.mean() <= DEAD_FRACTION:
            continue
        layer = layer_of(node, by_id)
        where = f"the ReLU after layer {layer}" if layer is not None else f"ReLU {k}"
        found.append(Warning("dead_relu", layer or f"relu{k}", (
            f"{int(dead.sum())} of {dead.size} units of {where} are dead (output 0 on the whole "
            "batch): no gradient flows back through them. Lower the learning rate and Reset.")))
    return found


def gradient_warnings(history):
    """Warnings for weight gradients whose latest norm vanished or exploded, one per layer."""
    found = []
    for key, norms in history.items():
        if not key.startswith(PREFIX) or not len(norms) or key.endswith(".bias"):
            continue
        name = key[len(PREFIX):]
        norm = float(norms[-1])
        layer = name.rsplit(".", 1)[0]
        if not np.isfinite(norm):
            continue   # NaN/Inf is divergence, reported on its own
        if norm < VANISHING:
            found.append(Warning("vanishing", layer, (
                f"The gradient of {name} has vanished (‖∂L/∂{name}‖ = {norm:.1e}): layer {layer} "
                "no longer learns.")))
        elif norm > EXPLODING:
            found.append(Warning("exploding", layer, (
                f"The gradient of {name} is exploding (‖∂L/∂{name}‖ = {norm:.1e}): lower the "
                "learning rate.")))
    return found


def health_warnings(snapshot):
    """Every Warning for ``snapshot`` (dead ReLUs need the forward values of its batch)."""
    return dead_relu_warnings(snapshot.graph) + gradient_warnings(snapshot.history)
