"""Read-only copies of the trainer's state for display: what the app draws, never live arrays."""
from dataclasses import dataclass, field

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
    history: dict                     # name → read-only float array (see HistoryMirror)
    diverged: object                  # None, or a dict saying where the first NaN/Inf came from


def copy_array(a):
    """A copy of ``a`` (None stays None)."""
    return None if a is None else np.array(a, copy=True)
