"""Data losses, each twice: as one fused engine node, and composed from elementary ops.

The fused forms (``hinge_loss``, ``softmax_loss``) are what training uses; the expanded
forms build the same function node by node for the app's "expanded loss" view. Both agree
in value and gradient. Every loss returns a scalar Tensor named "data_loss"; ``scores``
is (N, C), ``y`` holds N integer labels in [0, C).
"""
import numpy as np

from .. import functional as F
from ..autodiff import Tensor
from ..autodiff.fused import check_labels


def hinge_loss(scores, y, margin=1.0):
    """Multiclass SVM loss: mean over N of Σ_{j≠yᵢ} max(0, sⱼ − s_yᵢ + margin), one node."""
    return _named(F.multiclass_hinge_loss(scores, y, margin=margin))


def softmax_loss(scores, y):
    """Softmax cross-entropy: mean over N of −log softmax(sᵢ)[yᵢ], one node."""
    return _named(F.softmax_cross_entropy(scores, y))


def hinge_loss_expanded(scores, y, margin=1.0):
    """``hinge_loss`` built from getitem, sub, add, relu (the max(0, ·) gate), mul, sum, div."""
    scores, labels = _prepare(scores, y, "hinge_loss_expanded")
    n = scores.shape[0]
    rows = np.arange(n)
    correct = scores[rows, labels].reshape(n, 1)
    # relu(x) is max(0, x) with the fused node's convention at a tie (gradient 0 at x = 0)
    margins = F.relu(scores - correct + float(margin))
    others = np.ones(scores.shape, dtype=scores.dtype)
    others[rows, labels] = 0    # the correct class never counts against itself
    return _named((margins * others).sum() / n)


def softmax_loss_expanded(scores, y):
    """``softmax_loss`` built from max (the stabilising shift), sub, exp, sum, log, getitem, mean."""
    scores, labels = _prepare(scores, y, "softmax_loss_expanded")
    n = scores.shape[0]
    # the shift changes no value or gradient; it only keeps exp from overflowing
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - shifted.exp().sum(axis=1, keepdims=True).log()
    return _named(-log_probs[np.arange(n), labels].mean())


LOSSES = {"hinge": hinge_loss, "softmax": softmax_loss}
EXPANDED_LOSSES = {"hinge": hinge_loss_expanded, "softmax": softmax_loss_expanded}


def get_loss(name, expanded=False):
    """The loss function for "hinge" or "softmax" (fused, or the expanded composition)."""
    table = EXPANDED_LOSSES if expanded else LOSSES
    if name not in table:
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(table)}")
    return table[name]


def _prepare(scores, y, op):
    scores = scores if isinstance(scores, Tensor) else Tensor(scores, name="scores")
    return scores, check_labels(scores.data, y, op)


def _named(loss):
    loss.name = "data_loss"
    return loss
