"""Fused primitives against the same formula composed from elementary ops: same value, same
gradient (and same Hessian-vector product where smooth), but one node in the graph instead
of many."""
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from core import Tensor, grad, hvp
from core import functional as F
from tests.core.autodiff.helpers import (
    SETTINGS,
    arrays,
    hinge_safe,
    leaf,
    op_nodes,
    scores_and_labels,
    shapes,
)


def sigmoid_composed(x):
    return 1 / (1 + (-x).exp())


def softmax_ce_from_log_softmax(scores, y):
    return -F.log_softmax(scores, axis=1)[np.arange(len(y)), y].mean()


def softmax_ce_from_elementary_ops(scores, y):
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - shifted.exp().sum(axis=1, keepdims=True).log()
    return -log_probs[np.arange(len(y)), y].mean()


def hinge_composed(scores, y, margin=1.0):
    n, c = scores.shape
    correct = scores[np.arange(n), y].reshape(n, 1)
    margins = F.maximum(0, scores - correct + margin)
    others = np.arange(c) != np.asarray(y)[:, None]  # zero the correct class
    return (margins * others).sum(axis=1).mean()


def assert_same_value_and_gradient(fused, composed, *inputs):
    xs = [Tensor(x) for x in inputs]
    np.testing.assert_allclose(fused(*xs).data, composed(*xs).data, rtol=1e-12, atol=1e-12)
    for g_fused, g_composed in zip(grad(fused)(*inputs), grad(composed)(*inputs)):
        np.testing.assert_allclose(g_fused, g_composed, rtol=1e-10, atol=1e-12)


@SETTINGS
@given(x=arrays(shapes(), -6.0, 6.0))
def test_sigmoid_fused_matches_composed(x):
    assert_same_value_and_gradient(lambda x: x.sigmoid().sum(), lambda x: sigmoid_composed(x).sum(), x)
    v = np.ones_like(x)
    np.testing.assert_allclose(hvp(lambda x: F.sigmoid(x).sum(), [x], [v])[0],
                               hvp(lambda x: sigmoid_composed(x).sum(), [x], [v])[0], atol=1e-12)


def test_sigmoid_is_one_node_and_composed_is_four():
    x = leaf([0.5, -1.0])
    assert op_nodes(x.sigmoid()) == ["sigmoid"]
    assert sorted(op_nodes(sigmoid_composed(x))) == ["add", "div", "exp", "neg"]


def test_fused_sigmoid_is_stable_where_composed_overflows():
    x = leaf([-800.0, 0.0, 800.0])
    x.sigmoid().sum().backward()
    np.testing.assert_allclose(x.grad, [0.0, 0.25, 0.0])
    x = leaf([-800.0])
    with np.errstate(over="ignore", invalid="ignore"):
        sigmoid_composed(x).sum().backward()  # exp(800) = inf, and 0 · inf = NaN on the way back
    assert np.isnan(x.grad).all()


@SETTINGS
@given(case=scores_and_labels())
def test_softmax_cross_entropy_fused_matches_composed(case):
    scores, y = case
    fused = lambda s: F.softmax_cross_entropy(s, y)  # noqa: E731
    for composed in (softmax_ce_from_log_softmax, softmax_ce_from_elementary_ops):
        assert_same_value_and_gradient(fused, lambda s, composed=composed: composed(s, y), scores)
    v = np.random.default_rng(0).standard_normal(scores.shape)
    np.testing.assert_allclose(hvp(fused, [scores], [v])[0],
                               hvp(lambda s: softmax_ce_from_log_softmax(s, y), [scores], [v])[0],
                               atol=1e-12)


def test_softmax_cross_entropy_is_one_node():
    scores, y = leaf(np.random.default_rng(0).standard_normal((4, 3))), np.array([0, 2, 1, 1])
    assert op_nodes(F.softmax_cross_entropy(scores, y)) == ["softmax_cross_entropy"]
    assert len(op_nodes(softmax_ce_from_log_softmax(scores, y))) == 4  # log_softmax, getitem, mean, neg
    assert len(op_nodes(softmax_ce_from_elementary_ops(scores, y))) >= 9


def test_softmax_cross_entropy_is_stable_for_huge_scores():
    scores = leaf([[1000.0, 0.0, -1000.0], [0.0, 2000.0, 0.0]])
    loss = F.softmax_cross_entropy(scores, [0, 0])
    np.testing.assert_allclose(loss.item(), (0.0 + 2000.0) / 2)
    loss.backward()
    np.testing.assert_allclose(scores.grad, [[0, 0, 0], [-0.5, 0.5, 0]], atol=1e-12)  # (p − onehot)/N


@SETTINGS
@given(case=scores_and_labels(), margin=st.sampled_from([1.0, 0.5, 3.0]))
def test_multiclass_hinge_fused_matches_composed(case, margin):
    scores, y = case
    scores = hinge_safe(scores, y, margin)
    assert_same_value_and_gradient(lambda s: F.multiclass_hinge_loss(s, y, margin=margin),
                                   lambda s: hinge_composed(s, y, margin), scores)


def test_multiclass_hinge_is_one_node():
    scores, y = leaf(np.random.default_rng(1).standard_normal((4, 3))), np.array([0, 2, 1, 1])
    assert op_nodes(F.multiclass_hinge_loss(scores, y)) == ["multiclass_hinge_loss"]
    assert len(op_nodes(hinge_composed(scores, y))) >= 7


def test_multiclass_hinge_lecture_example():
    """CS231n's three-image example: losses 2.9, 0, 12.9 → mean 5.27."""
    scores = leaf([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]])  # rows: cat, car, frog images
    loss = F.multiclass_hinge_loss(scores, [0, 1, 2])
    np.testing.assert_allclose(loss.item(), (2.9 + 0.0 + 12.9) / 3)
    loss.backward()
    # row 0: one active margin (car); row 1: none; row 2: both active
    np.testing.assert_allclose(scores.grad * 3, [[-1, 1, 0], [0, 0, 0], [1, 1, -2]])
