"""What the trainer minimises: the data loss of the model's scores plus λ·ΣW², built as a graph."""
import contextlib

import numpy as np

from ..autodiff import Tensor, no_grad
from ..nn import l2_penalty


def data_loss(entry, margin, scores, y, fused=True):
    """The catalog loss ``entry`` of ``scores`` for labels ``y``: one fused node, or expanded."""
    kw = {"margin": margin} if entry.takes_margin else {}
    return (entry.fused if fused else entry.expanded)(scores, y, **kw)


def forward(model, X, y, loss_of, reg, shown=True):
    """(scores, data_loss, reg_loss, loss) of the batch (X, y), each Tensor named as the graph shows it;
    ``loss_of(scores, y)`` is the data loss.

    A graph that is not ``shown`` (only trained) takes a zero λ's penalty as a constant: its
    gradients would be zeros, whose sum with a weight's gradient changes at most the sign of a
    zero entry, and so no parameter, optimizer step or gradient norm.
    """
    scores = model(Tensor(X, name="X"))
    scores.name = "scores"
    data = loss_of(scores, y)
    data.name = "data_loss"
    with no_grad() if reg == 0 and not shown else contextlib.nullcontext():
        penalty = l2_penalty(model.weights(), reg)
    penalty.name = "reg_loss"
    loss = data + penalty
    loss.name = "loss"
    return scores, data, penalty, loss


def predict(model, X):
    """Class scores of ``model`` for X as an array (no graph); NaN/Inf quietly for a diverged model."""
    with no_grad(), np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return model(np.asarray(X, dtype=np.float64)).data


def evaluate(model, X, y, loss_of, reg):
    """{"loss", "data_loss", "accuracy"} of ``model`` on (X, y), without a graph."""
    with no_grad(), np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        scores = model(X)
        data = float(loss_of(scores, y).data)
        penalty = float(l2_penalty(model.weights(), reg).data)
    accuracy = float(np.mean(scores.data.argmax(axis=1) == y))
    return {"loss": data + penalty, "data_loss": data, "accuracy": accuracy}
