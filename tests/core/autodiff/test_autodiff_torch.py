"""The same program written twice, once with our engine and once with PyTorch (float64):
values, gradients, Hessian-vector products, JVPs and Jacobians must agree."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import Tensor, hvp, jacobian, jvp
from core import functional as F
from tests.core.autodiff.helpers import MANY

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def ours_and_torch(*arrays):
    """Each array as a leaf of both engines."""
    return ([Tensor(a, requires_grad=True) for a in arrays],
            [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays])


def assert_close(ours, theirs, rtol=1e-10, atol=1e-12):
    np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=rtol, atol=atol)


# ----- a 2-layer MLP, trained for a few steps side by side --------------------------------
ACTIVATIONS = {
    "tanh": (lambda h: h.tanh(), torch.tanh),
    "relu": (lambda h: h.relu(), torch.relu),
    "sigmoid": (F.sigmoid, torch.sigmoid),
    "leaky_relu": (lambda h: F.leaky_relu(h, 0.1), lambda h: TF.leaky_relu(h, 0.1)),
}
N, D, H, C = 6, 3, 8, 4


def our_loss(kind, scores, y, margin=1.0):
    if kind == "softmax":
        return F.softmax_cross_entropy(scores, y)
    return F.multiclass_hinge_loss(scores, y, margin=margin)


def torch_loss(kind, scores, y, margin=1.0):
    labels = torch.tensor(y)
    if kind == "softmax":
        return TF.cross_entropy(scores, labels)
    # multi_margin_loss divides by the number of classes too; ours is Σ over classes, mean over N
    return TF.multi_margin_loss(scores, labels, p=1, margin=margin) * scores.shape[1]


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("loss", ["softmax", "hinge"])
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_mlp_training_steps_match_torch(activation, loss, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, D))
    y = rng.integers(0, C, N)
    init = [rng.standard_normal((D, H)), 0.1 * rng.standard_normal(H),
            rng.standard_normal((H, C)), 0.1 * rng.standard_normal(C)]
    ours, theirs = ours_and_torch(*init)
    act, torch_act = ACTIVATIONS[activation]
    reg, lr = 1e-2, 0.5
    for _ in range(3):
        W1, b1, W2, b2 = ours
        our = our_loss(loss, act(X @ W1 + b1) @ W2 + b2, y) + reg * ((W1 * W1).sum() + (W2 * W2).sum())
        W1, b1, W2, b2 = theirs
        Xt = torch.tensor(X)
        their = (torch_loss(loss, torch_act(Xt @ W1 + b1) @ W2 + b2, y)
                 + reg * ((W1 * W1).sum() + (W2 * W2).sum()))
        our.backward()
        their.backward()
        assert_close(our.data, their)
        for p, q in zip(ours, theirs):
            assert_close(p.grad, q.grad)
            p.data = p.data - lr * p.grad   # plain SGD, side by side
            p.grad = None
            with torch.no_grad():
                q -= lr * q.grad
                q.grad = None
    for p, q in zip(ours, theirs):
        assert_close(p.data, q, rtol=1e-9)


def torch_hinge_by_hand(scores, y, margin=1.0):
    n, c = scores.shape
    correct = scores[torch.arange(n), torch.tensor(y)][:, None]
    margins = torch.clamp(scores - correct + margin, min=0)
    margins = margins * (torch.arange(c)[None, :] != torch.tensor(y)[:, None])
    return margins.sum(dim=1).mean()


def test_hinge_built_by_hand_in_torch():
    rng = np.random.default_rng(5)
    scores, y = rng.standard_normal((5, 4)), rng.integers(0, 4, 5)
    (s,), (t,) = ours_and_torch(scores)
    ours = F.multiclass_hinge_loss(s, y, margin=0.7)
    theirs = torch_hinge_by_hand(t, y, margin=0.7)
    ours.backward()
    theirs.backward()
    assert_close(ours.data, theirs)
    assert_close(s.grad, t.grad)


# ----- random compositions ----------------------------------------------------------------
# each step maps h (N, 4) to a new (N, 4) using h and the inputs x (N, 4), y (4,), W (4, 4)
STEPS = {
    "tanh": (lambda h, x, y, W: h.tanh(), lambda h, x, y, W: torch.tanh(h)),
    "sigmoid": (lambda h, x, y, W: h.sigmoid(), lambda h, x, y, W: torch.sigmoid(h)),
    "sin": (lambda h, x, y, W: h.sin(), lambda h, x, y, W: torch.sin(h)),
    "cos_x": (lambda h, x, y, W: F.cos(h * x), lambda h, x, y, W: torch.cos(h * x)),
    "relu": (lambda h, x, y, W: h.relu(), lambda h, x, y, W: torch.relu(h)),
    "leaky_relu": (lambda h, x, y, W: h.leaky_relu(0.2), lambda h, x, y, W: TF.leaky_relu(h, 0.2)),
    "abs": (lambda h, x, y, W: h.abs(), lambda h, x, y, W: torch.abs(h)),
    "exp_tanh": (lambda h, x, y, W: h.tanh().exp(), lambda h, x, y, W: torch.exp(torch.tanh(h))),
    "log1p_sq": (lambda h, x, y, W: (1 + h * h).log(), lambda h, x, y, W: torch.log(1 + h * h)),
    "sqrt": (lambda h, x, y, W: (h * h + 1).sqrt(), lambda h, x, y, W: torch.sqrt(h * h + 1)),
    "square": (lambda h, x, y, W: h ** 2, lambda h, x, y, W: h ** 2),
    "pow_t": (lambda h, x, y, W: (h * h + 0.5) ** y.tanh(), lambda h, x, y, W: (h * h + 0.5) ** torch.tanh(y)),
    "rpow": (lambda h, x, y, W: 2.0 ** h.tanh(), lambda h, x, y, W: 2.0 ** torch.tanh(h)),
    "clip": (lambda h, x, y, W: h.clip(-1.0, 1.0), lambda h, x, y, W: torch.clamp(h, -1.0, 1.0)),
    "neg": (lambda h, x, y, W: -h, lambda h, x, y, W: -h),
    "add_y": (lambda h, x, y, W: h + y, lambda h, x, y, W: h + y),
    "sub_x": (lambda h, x, y, W: x - h, lambda h, x, y, W: x - h),
    "mul_x": (lambda h, x, y, W: h * x, lambda h, x, y, W: h * x),
    "div_y": (lambda h, x, y, W: h / (1 + y * y), lambda h, x, y, W: h / (1 + y * y)),
    "maximum_y": (lambda h, x, y, W: F.maximum(h, y), lambda h, x, y, W: torch.maximum(h, y)),
    "where": (lambda h, x, y, W: F.where(h.data > 0, h, x), lambda h, x, y, W: torch.where(h > 0, h, x)),
    "matmul": (lambda h, x, y, W: h @ W, lambda h, x, y, W: h @ W),
    "transpose": (lambda h, x, y, W: (W @ h.T).T, lambda h, x, y, W: (W @ h.T).T),
    "concat": (lambda h, x, y, W: F.concatenate([h, x], axis=1)[:, 2:6],
               lambda h, x, y, W: torch.cat([h, x], dim=1)[:, 2:6]),
    "stack": (lambda h, x, y, W: F.stack([h, x * y], axis=0).sum(axis=0),
              lambda h, x, y, W: torch.stack([h, x * y], dim=0).sum(dim=0)),
    "softmax": (lambda h, x, y, W: F.softmax(h, axis=1), lambda h, x, y, W: torch.softmax(h, dim=1)),
    "center": (lambda h, x, y, W: h - h.mean(axis=0, keepdims=True),
               lambda h, x, y, W: h - h.mean(dim=0, keepdim=True)),
}
LABELS = np.array([0, 3, 1, 1, 2])
HEADS = {
    "sum": (lambda h: h.sum(), lambda h: h.sum()),
    "mean": (lambda h: h.mean(), lambda h: h.mean()),
    "max": (lambda h: h.max(axis=1).sum(), lambda h: torch.amax(h, dim=1).sum()),
    "log_softmax": (lambda h: -F.log_softmax(h, axis=1)[np.arange(5), LABELS].mean(),
                    lambda h: -torch.log_softmax(h, dim=1)[torch.arange(5), torch.tensor(LABELS)].mean()),
    "softmax_ce": (lambda h: our_loss("softmax", h, LABELS), lambda h: torch_loss("softmax", h, LABELS)),
    "hinge": (lambda h: our_loss("hinge", h, LABELS), lambda h: torch_loss("hinge", h, LABELS)),
}


@MANY
@given(program=st.lists(st.sampled_from(sorted(STEPS)), min_size=1, max_size=6),
       head=st.sampled_from(sorted(HEADS)), seed=st.integers(0, 2 ** 16))
def test_random_compositions_match_torch(program, head, seed):
    rng = np.random.default_rng(seed)
    inputs = [rng.standard_normal((5, 4)), rng.standard_normal(4), 0.5 * rng.standard_normal((4, 4))]
    ours, theirs = ours_and_torch(*inputs)
    results = []
    for leaves, which in ((ours, 0), (theirs, 1)):
        x, y, W = leaves
        h = x
        for name in program:
            h = STEPS[name][which](h, x, y, W)
        results.append(HEADS[head][which](h))
    our, their = results
    our.backward()
    their.backward()
    assert_close(our.data, their, rtol=1e-9)
    for p, q in zip(ours, theirs):
        if q.grad is None:  # an input the program never used
            assert p.grad is None
        else:
            assert_close(p.grad, q.grad, rtol=1e-8, atol=1e-10)


# ----- transforms against torch.autograd.functional ---------------------------------------
def mlp_loss_pair():
    rng = np.random.default_rng(7)
    X, V, y = rng.standard_normal((5, 3)), rng.standard_normal((4, 3)), np.array([0, 2, 1, 2, 0])

    def ours(W, b):
        return F.softmax_cross_entropy((X @ W + b).tanh() @ V, y) + (W * W * W).sum() * 0.01

    def theirs(W, b):
        Xt, Vt = torch.tensor(X), torch.tensor(V)
        return TF.cross_entropy(torch.tanh(Xt @ W + b) @ Vt, torch.tensor(y)) + (W * W * W).sum() * 0.01

    point = (rng.standard_normal((3, 4)), rng.standard_normal(4))
    vectors = (rng.standard_normal((3, 4)), rng.standard_normal(4))
    return ours, theirs, point, vectors


@pytest.mark.parametrize("mode", ["forward-over-reverse", "reverse-over-reverse"])
def test_hvp_matches_torch(mode):
    ours, theirs, point, vectors = mlp_loss_pair()
    _, expected = torch.autograd.functional.hvp(theirs, tuple(map(torch.tensor, point)),
                                                tuple(map(torch.tensor, vectors)))
    for got, want in zip(hvp(ours, point, vectors, mode=mode), expected):
        assert_close(got, want, rtol=1e-9)


def test_hvp_of_fused_hinge_and_sigmoid_matches_torch():
    rng = np.random.default_rng(8)
    y = np.array([1, 0, 2])
    ours = lambda s: F.multiclass_hinge_loss(F.sigmoid(s) * 3, y)  # noqa: E731
    theirs = lambda s: torch_hinge_by_hand(torch.sigmoid(s) * 3, y)  # noqa: E731  (multi_margin_loss has no double backward)
    s, v = rng.standard_normal((3, 3)), rng.standard_normal((3, 3))
    _, expected = torch.autograd.functional.hvp(theirs, torch.tensor(s), torch.tensor(v))
    assert_close(hvp(ours, [s], [v])[0], expected, rtol=1e-9)


@pytest.mark.parametrize("mode", ["forward-over-reverse", "reverse-over-reverse"])
def test_hvp_through_sin_and_cos_matches_torch(mode):
    """Second derivatives: d²sin = −sin, d²cos = −cos, with a product in between."""
    rng = np.random.default_rng(11)
    ours = lambda a, b: (a.sin() * F.cos(a * b) + (b * b).cos()).sum()  # noqa: E731
    theirs = lambda a, b: (torch.sin(a) * torch.cos(a * b) + torch.cos(b * b)).sum()  # noqa: E731
    point = (rng.standard_normal((2, 3)), rng.standard_normal(3))
    vectors = (rng.standard_normal((2, 3)), rng.standard_normal(3))
    _, expected = torch.autograd.functional.hvp(theirs, tuple(map(torch.tensor, point)),
                                                tuple(map(torch.tensor, vectors)))
    for got, want in zip(hvp(ours, point, vectors, mode=mode), expected):
        assert_close(got, want, rtol=1e-9)


def vector_function_pair(n_out):
    A = np.random.default_rng(9).standard_normal((n_out, 3))
    ours = lambda x: (A @ x).tanh() * (x * x).sum() + F.softmax(A @ x, axis=0)  # noqa: E731
    theirs = lambda x: torch.tanh(torch.tensor(A) @ x) * (x * x).sum() + torch.softmax(torch.tensor(A) @ x, 0)  # noqa: E731
    return ours, theirs


@pytest.mark.parametrize("n_out", [2, 3, 7])
def test_jvp_matches_torch(n_out):
    ours, theirs = vector_function_pair(n_out)
    x, v = np.array([0.3, -0.8, 1.1]), np.array([1.0, 0.5, -2.0])
    out, tangent = jvp(ours, (x,), (v,))
    their_out, their_tangent = torch.autograd.functional.jvp(theirs, torch.tensor(x), torch.tensor(v))
    assert_close(out, their_out)
    assert_close(tangent, their_tangent)


@pytest.mark.parametrize("n_out", [2, 3, 7], ids=["rows", "square", "columns"])
def test_jacobian_matches_torch(n_out):
    ours, theirs = vector_function_pair(n_out)
    x = np.array([0.3, -0.8, 1.1])
    expected = torch.autograd.functional.jacobian(theirs, torch.tensor(x))
    assert_close(jacobian(ours, x), expected)


def test_jacobian_of_a_matrix_function_matches_torch():
    W = np.random.default_rng(10).standard_normal((2, 3))
    expected = torch.autograd.functional.jacobian(lambda w: torch.log_softmax(torch.tanh(w), dim=1), torch.tensor(W))
    got = jacobian(lambda w: F.log_softmax(w.tanh(), axis=1), W)
    assert got.shape == (2, 3, 2, 3)
    assert_close(got, expected)
