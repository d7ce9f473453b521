"""The record of the iteration being stepped through: its batch, tensors, graph and progress."""
import numpy as np

from ..autodiff import toposort, trace


def batch_metrics(scores, y, data_loss, reg_loss, loss):
    """{"loss", "data_loss", "reg_loss", "accuracy"} of one batch's forward pass (arrays), as floats."""
    # count / n is the mean of the 0/1 matches exactly (the sum of 0s and 1s has no rounding)
    return {"loss": float(loss), "data_loss": float(data_loss), "reg_loss": float(reg_loss),
            "accuracy": np.count_nonzero(scores.argmax(axis=1) == y) / len(y)}


class IterationRecord:
    """One iteration as the trainer runs it; the trainer writes it, snapshots and checks read it.

    ``sampler_state`` is the batch sampler's state before this batch was drawn (a session saved
    mid-iteration restarts from it); ``param_values`` the parameters the forward pass used and
    ``loss_settings`` its (reg, fused); ``nodes`` the traced graph, ``node_of`` maps id(tensor) to a
    node id, ``stages`` a node id to its stage; ``done`` lists the node ids backward processed and
    ``steps`` maps them to their BackwardStep (upstream and downstream gradients).
    """

    def __init__(self, X, y, sampler_state, metrics=None):
        self.X, self.y = X, y
        self.sampler_state = sampler_state
        self.scores = self.loss = None
        self.metrics = metrics or {}
        self.param_values = {}
        self.loss_settings = None
        self.nodes = []
        self.node_of = {}
        self.stages = {}
        self.walker = None
        self.expected = 0
        self.done = []
        self.steps = {}             # node id → BackwardStep, as backward reached it
        self.node_stepping = False  # the last backward progress came from step_node()
        self.update = {}

    def trace(self, scores, loss):
        """Trace the graph from ``loss``, sorting its nodes into stages."""
        self.scores, self.loss = scores, loss
        self.nodes = trace(loss)
        self.node_of = {id(node.tensor): node.id for node in self.nodes}
        model_part = {id(t) for t in toposort(scores, include_constants=True)}
        for node in self.nodes:
            if node.tensor.is_leaf:
                self.stages[node.id] = "parameter" if node.tensor.requires_grad else "input"
            else:
                self.stages[node.id] = "model" if id(node.tensor) in model_part else "loss"
                if node.value.base is not None:
                    # A view (such as W.T) of a parameter would show the update's new values,
                    # in this snapshot and in those already taken; keep this iteration's.
                    node.value = node.value.copy()
        self.expected = sum(1 for node in self.nodes if node.tensor.requires_grad)

    def node_named(self, name):
        """The first node called ``name``, or None."""
        return next((node for node in self.nodes if node.name == name), None)
