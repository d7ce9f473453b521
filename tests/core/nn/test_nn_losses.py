import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import Tensor, gradcheck, gradients, hvp, jvp
from core.autodiff import toposort
from core.nn import (
    LinearSVM,
    get_loss,
    hinge_loss,
    hinge_loss_expanded,
    l2_penalty,
    softmax_loss,
    softmax_loss_expanded,
)

PAIRS = [(hinge_loss, hinge_loss_expanded), (softmax_loss, softmax_loss_expanded)]


def _problem(n=5, c=4, seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    return scale * rng.standard_normal((n, c)), rng.integers(0, c, n)


def _value_and_grad(loss, scores, y, **kw):
    s = Tensor(scores, requires_grad=True)
    out = loss(s, y, **kw)
    out.backward()
    return out.item(), s.grad


@pytest.mark.parametrize("fused, expanded", PAIRS)
def test_losses_gradcheck(fused, expanded):
    scores, y = _problem()
    assert gradcheck(lambda s: fused(s, y), [scores])
    assert gradcheck(lambda s: expanded(s, y), [scores])


def test_softmax_losses_second_order():
    scores, y = _problem(n=3, c=3)
    assert gradcheck(lambda s: softmax_loss(s, y), [scores], order=2)
    assert gradcheck(lambda s: softmax_loss_expanded(s, y), [scores], order=2)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 6), c=st.integers(2, 5), seed=st.integers(0, 10_000),
       scale=st.sampled_from([0.1, 1.0, 30.0]), margin=st.sampled_from([0.0, 1.0, 2.5]))
def test_fused_and_expanded_agree(n, c, seed, scale, margin):
    scores, y = _problem(n, c, seed, scale)
    for (fused, expanded), kw in zip(PAIRS, [{"margin": margin}, {}]):
        v1, g1 = _value_and_grad(fused, scores, y, **kw)
        v2, g2 = _value_and_grad(expanded, scores, y, **kw)
        assert v1 == pytest.approx(v2, rel=1e-12, abs=1e-12)
        np.testing.assert_allclose(g1, g2, rtol=1e-10, atol=1e-12)


def test_hinge_ties_follow_the_fused_convention():
    scores = np.array([[0.0, -1.0, 3.0]])  # class 1 sits exactly on the margin
    y = np.array([0])
    _, fused = _value_and_grad(hinge_loss, scores, y)
    _, expanded = _value_and_grad(hinge_loss_expanded, scores, y)
    np.testing.assert_array_equal(fused, expanded)
    np.testing.assert_array_equal(fused, [[-1.0, 0.0, 1.0]])


def test_fused_loss_is_one_node_and_expanded_is_many():
    scores, y = _problem()
    s = Tensor(scores, requires_grad=True)
    assert [t.op for t in toposort(hinge_loss(s, y))] == ["leaf", "multiclass_hinge_loss"]
    assert [t.op for t in toposort(softmax_loss(s, y))] == ["leaf", "softmax_cross_entropy"]
    ops = {t.op for t in toposort(hinge_loss_expanded(s, y))}
    assert {"getitem", "reshape", "sub", "relu", "mul", "sum", "div"} <= ops
    ops = {t.op for t in toposort(softmax_loss_expanded(s, y))}
    assert {"max", "sub", "exp", "sum", "log", "getitem", "mean", "neg"} <= ops
    assert hinge_loss(s, y).name == softmax_loss_expanded(s, y).name == "data_loss"


def test_losses_match_reference_formulas():
    scores, y = _problem(n=7, c=3)
    n = len(y)
    correct = scores[np.arange(n), y][:, None]
    margins = np.maximum(0, scores - correct + 1.0)
    margins[np.arange(n), y] = 0
    assert hinge_loss(scores, y).item() == pytest.approx(margins.sum() / n, rel=1e-12)
    logp = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    assert softmax_loss(scores, y).item() == pytest.approx(-logp[np.arange(n), y].mean(), rel=1e-12)


def test_softmax_expanded_is_stable_for_huge_scores():
    scores = np.array([[1000.0, 0.0, -1000.0]])
    assert softmax_loss_expanded(scores, [0]).item() == pytest.approx(0.0, abs=1e-12)
    assert softmax_loss_expanded(scores, [2]).item() == pytest.approx(2000.0)


def test_expanded_losses_validate_labels():
    with pytest.raises(ValueError, match="labels must lie in"):
        hinge_loss_expanded(np.zeros((2, 3)), [0, 3])
    with pytest.raises(ValueError, match="labels must have shape"):
        softmax_loss_expanded(np.zeros((2, 3)), [0])


def test_get_loss():
    assert get_loss("hinge") is hinge_loss
    assert get_loss("softmax", expanded=True) is softmax_loss_expanded
    with pytest.raises(ValueError, match="unknown loss 'mse'; choose one of hinge, softmax"):
        get_loss("mse")


def test_losses_agree_with_torch():
    torch = pytest.importorskip("torch")
    scores, y = _problem(n=6, c=4, seed=3, scale=2.0)
    ts = torch.tensor(scores, requires_grad=True)
    torch.nn.functional.cross_entropy(ts, torch.from_numpy(y)).backward()
    value, grad = _value_and_grad(softmax_loss, scores, y)
    np.testing.assert_allclose(grad, ts.grad.numpy(), rtol=1e-10, atol=1e-14)
    # torch's MultiMarginLoss divides by C as well as N
    ts.grad = None
    loss = torch.nn.functional.multi_margin_loss(ts, torch.from_numpy(y), margin=1.0) * scores.shape[1]
    loss.backward()
    value, grad = _value_and_grad(hinge_loss, scores, y)
    assert value == pytest.approx(loss.item(), rel=1e-12)
    np.testing.assert_allclose(grad, ts.grad.numpy(), rtol=1e-10, atol=1e-14)


# ----- L2 regularisation -------------------------------------------------------------------

def _weights(seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((3, 4)), rng.standard_normal((2, 3))]


def test_l2_penalty_value_and_single_node():
    ws = [Tensor(w, requires_grad=True) for w in _weights()]
    penalty = l2_penalty(ws, 0.5)
    assert penalty.item() == pytest.approx(0.5 * sum((w ** 2).sum() for w in _weights()))
    assert penalty.name == "reg_loss" and penalty.op == "l2_penalty"
    assert [t.op for t in toposort(penalty)] == ["leaf", "leaf", "l2_penalty"]
    assert penalty._prim.formula == "∂(λΣW²)/∂W = 2λW"
    penalty.backward()
    for w, raw in zip(ws, _weights()):
        np.testing.assert_allclose(w.grad, 2 * 0.5 * raw)


def test_l2_penalty_gradcheck_both_orders_and_modes():
    ws = _weights()
    assert gradcheck(lambda a, b: l2_penalty([a, b], 0.3), ws, order=2)
    tangents = _weights(seed=1)
    _, tangent_out = jvp(lambda a, b: l2_penalty([a, b], 0.3), ws, tangents)
    assert tangent_out == pytest.approx(sum(2 * 0.3 * (w * t).sum() for w, t in zip(ws, tangents)))
    hv = hvp(lambda a, b: l2_penalty([a, b], 0.3), ws, tangents)
    for h, t in zip(hv, tangents):
        np.testing.assert_allclose(h, 2 * 0.3 * t)


def test_l2_penalty_create_graph_builds_differentiable_gradients():
    w = Tensor(_weights()[0], requires_grad=True)
    (g,) = gradients(l2_penalty([w], 0.25), [w], create_graph=True)
    assert isinstance(g, Tensor) and g.requires_grad
    (gg,) = gradients(g.sum(), [w])
    np.testing.assert_allclose(gg, np.full(w.shape, 0.5))


def test_l2_penalty_edge_cases():
    assert l2_penalty([], 0.1).item() == 0.0
    assert l2_penalty([Tensor(np.ones(3), requires_grad=True)], 0.0).item() == 0.0
    assert l2_penalty([np.full(2, 1e300)], 0.0).item() == 0.0  # reg 0 means no penalty, exactly
    with pytest.raises(ValueError, match="reg must be a finite number ≥ 0"):
        l2_penalty([np.ones(2)], -1)


# ----- the linear SVM against CS231n's vectorised gradient -----------------------------------

def _cs231n_svm_gradient(W, b, X, y, reg, margin=1.0):
    """svm_loss_vectorized with our (C, D) weight layout and a separate bias."""
    n = X.shape[0]
    scores = X @ W.T + b
    correct = scores[np.arange(n), y][:, None]
    margins = np.maximum(0, scores - correct + margin)
    margins[np.arange(n), y] = 0
    loss = margins.sum() / n + reg * np.sum(W * W)
    M = (margins > 0).astype(float)
    M[np.arange(n), y] = -M.sum(axis=1)
    dW = M.T @ X / n + 2 * reg * W      # CS231n's Xᵀ·M/N, transposed for W of shape (C, D)
    db = M.sum(axis=0) / n
    return loss, dW, db


@pytest.mark.parametrize("expanded", [False, True])
def test_linear_svm_gradient_matches_closed_form(expanded):
    rng = np.random.default_rng(0)
    X, y, reg = rng.standard_normal((20, 5)), rng.integers(0, 4, 20), 0.05
    model = LinearSVM(5, 4, seed=1, init="he")
    loss_fn = hinge_loss_expanded if expanded else hinge_loss
    loss = loss_fn(model(X), y) + l2_penalty(model.weights(), reg)
    loss.backward()
    W, b = model.layers[0].weight, model.layers[0].bias
    ref_loss, dW, db = _cs231n_svm_gradient(W.data, b.data, X, y, reg)
    assert loss.item() == pytest.approx(ref_loss, rel=1e-12)
    np.testing.assert_allclose(W.grad, dW, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(b.grad, db, rtol=1e-12, atol=1e-14)
