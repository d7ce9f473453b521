"""Fused primitives: a whole formula as one node with a hand-derived local gradient.

Each has the same value and gradient as its composition from elementary ops
(see ``core.nn.losses`` for the expanded forms), but costs one node instead of many.
Log-softmax's Jacobian is dense within each row (structure "general"); the two losses reduce a
score matrix to one number ("reduction").
"""
import numpy as np

from .namespaces import numpy_ns
from .primitive import Primitive


def _log_softmax(x, axis):
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


log_softmax = Primitive(
    "log_softmax", lambda x, axis: _log_softmax(x, axis), structure="general", fused=True,
    formula="∂log_softmax(x)/∂x · g = g − softmax(x)·Σg",
    words="Log-softmax as one numerically stable node.")
log_softmax.defvjp(lambda ns, g, ans, x, saved, axis:
                   g - ns.exp(ans) * ns.sum(g, axis=axis, keepdims=True))
log_softmax.defjvp(lambda t, ans, x, saved, axis:
                   t - (np.exp(ans) * t).sum(axis=axis, keepdims=True))


def check_labels(scores, labels, op):
    """Scores must be (N, C) and labels N integers in [0, C)."""
    if np.ndim(scores) != 2:
        raise ValueError(f"{op}: scores must be 2-D (N, C), got shape {np.shape(scores)}")
    labels = np.asarray(labels)
    if labels.shape != (scores.shape[0],):
        raise ValueError(f"{op}: labels must have shape ({scores.shape[0]},) to match scores "
                         f"{scores.shape}, got shape {labels.shape}")
    if labels.dtype.kind not in "iu":
        raise TypeError(f"{op}: labels must be integers, got dtype {labels.dtype}")
    if labels.size and (np.minimum.reduce(labels) < 0 or np.maximum.reduce(labels) >= scores.shape[1]):
        raise ValueError(f"{op}: labels must lie in [0, {scores.shape[1]}), "
                         f"got range [{labels.min()}, {labels.max()}]")
    return labels


def _reduce_rows(ufunc, x):
    """``ufunc.reduce`` over the last axis of ``x``, keeping the axis.

    numpy reduces a short last axis row by row, which is slow for scores (N, C) with a few
    classes; with more rows than columns, reducing a transposed copy column-wise is 2-4× faster.
    """
    if x.ndim == 2 and x.shape[0] > x.shape[1]:
        return ufunc.reduce(np.ascontiguousarray(x.T), axis=0)[:, None]
    return ufunc.reduce(x, axis=-1, keepdims=True)


def _softmax_ce_forward(scores, labels):
    """The loss, and (saved for the backward rule) its gradient (softmax − onehot)/N."""
    n = scores.shape[0]
    rows = np.arange(n)
    shifted = scores - _reduce_rows(np.maximum, scores)
    exp = np.exp(shifted)
    total = _reduce_rows(np.add, exp)
    loss = (np.log(total).sum() - shifted[rows, labels].sum()) / n  # mean of −log softmax
    grad = exp / total
    grad[rows, labels] -= 1
    grad /= n
    return loss, grad


def _softmax_ce_vjp(ns, g, ans, scores, saved, labels):
    if ns is numpy_ns:
        return g * saved
    # create_graph: the gradient must itself depend on scores (for second order); saved is constant
    n = scores.shape[0]
    onehot = np.zeros(scores.shape, dtype=scores.dtype)
    onehot[np.arange(n), labels] = 1
    return (ns.softmax(scores, -1) - onehot) * (g / n)


def _softmax_ce_jvp(t, ans, scores, saved, labels):
    return (saved * t).sum()


softmax_cross_entropy = Primitive(
    "softmax_cross_entropy", _softmax_ce_forward, structure="reduction", fused=True, saves=True,
    formula="∂L/∂sᵢⱼ = (softmax(sᵢ)ⱼ − 1[j = yᵢ]) / N",
    words="Softmax cross-entropy, mean over N, as one fused node.")
softmax_cross_entropy.defvjp(_softmax_ce_vjp).defjvp(_softmax_ce_jvp)


def _hinge_forward(scores, labels, margin):
    n = scores.shape[0]
    rows = np.arange(n)
    margins = np.maximum(0, scores - scores[rows, labels][:, None] + margin)
    margins[rows, labels] = 0
    coeff = (margins > 0).astype(scores.dtype)
    coeff[rows, labels] = -coeff.sum(axis=1)
    return margins.sum() / n, coeff / n


multiclass_hinge_loss = Primitive(
    "multiclass_hinge_loss", _hinge_forward, structure="reduction", fused=True, saves=True,
    formula="∂L/∂sᵢⱼ = 1[sᵢⱼ − sᵢ,yᵢ + Δ > 0]/N (j ≠ yᵢ),  ∂L/∂sᵢ,yᵢ = −(count of active margins)/N",
    words="Multiclass SVM (Weston–Watkins) hinge loss, mean over N, as one fused node.")
multiclass_hinge_loss.defvjp(lambda ns, g, ans, scores, saved, labels, margin: g * saved)
multiclass_hinge_loss.defjvp(lambda t, ans, scores, saved, labels, margin: (saved * t).sum())
