"""The loss surface around θ: slices, ∇L·d and dᵀHd, and λ_max — checked numerically, trainer untouched."""
import pickle

import numpy as np
import pytest

from core.autodiff import hvp
from core.data import make_dataset
from core.nn import MLP
from core.optim import SGD, Adam
from core.training import Phase, Trainer
from core.training.curvature import (
    DIRECTIONS,
    CurvatureError,
    curvature_batch,
    curvature_report,
    direction,
    directional_derivatives,
    loss_function,
    loss_slice,
    lr_lands_at,
    plain_gradient_descent,
    sharpness,
    stability_threshold,
    top_eigenvalue,
)
from core.training.session import Session


def small_trainer(batch_size=None, hidden=(4,), loss="softmax", reg=1e-2):
    ds = make_dataset("spiral", n_samples=60, n_classes=3, noise=0.2, val_fraction=0.2, seed=0)
    model = MLP(2, list(hidden), 3, activation="tanh", seed=1)
    return Trainer(model, ds, loss=loss, optimizer=SGD(model.parameters(), lr=0.5), reg=reg,
                   batch_size=batch_size, seed=0)


def explicit_hessian(trainer):
    """H column by column from HVPs with one-hot vectors, flattened in named_parameters() order."""
    f, _, theta = loss_function(trainer)
    sizes = [t.size for t in theta]
    columns = []
    for j in range(sum(sizes)):
        e = np.zeros(sum(sizes))
        e[j] = 1.0
        pieces = np.split(e, np.cumsum(sizes)[:-1])
        columns.append(np.concatenate([h.ravel() for h in
                                       hvp(f, theta, [p.reshape(t.shape) for p, t in zip(pieces, theta)])]))
    return np.array(columns).T


def fingerprint(trainer):
    """Everything a curvature call must leave alone, as bytes."""
    grads = [None if p.grad is None else np.asarray(p.grad).tobytes() for p in trainer.model.parameters()]
    it = trainer.record
    return pickle.dumps((trainer.state_dict(), trainer.sampler.state_dict(), grads, trainer.phase,
                         trainer.completed, trainer.iteration, trainer.lr, trainer.reg, trainer.diverged,
                         id(it), list(it.done), it.metrics, np.random.get_state()))


def test_sharpness_is_the_top_eigenvalue_of_the_explicit_hessian():
    trainer = small_trainer()
    trainer.run(20)
    H = explicit_hessian(trainer)
    assert np.allclose(H, H.T, atol=1e-10)
    top = np.linalg.eigvalsh((H + H.T) / 2)[-1]
    assert sharpness(trainer, iters=300) == pytest.approx(top, rel=1e-6)
    assert sharpness(trainer) == pytest.approx(top, rel=0.05)   # the default 20 iterations


def test_top_eigenvalue_finds_the_top_one_when_a_negative_one_dominates():
    A = np.diag([-5.0, 1.0, 0.5])

    def matvec(v):
        return [A @ v[0]]

    start = [np.array([1.0, 1.0, 1.0])]
    assert top_eigenvalue(matvec, start, 200) == pytest.approx(1.0, rel=1e-6)
    assert top_eigenvalue(lambda v: [-A @ v[0]], start, 200) == pytest.approx(5.0, rel=1e-6)


@pytest.mark.parametrize("kind", list(DIRECTIONS))
def test_directional_derivatives_agree_with_differences_of_the_slice(kind):
    trainer = small_trainer()
    trainer.run(3)
    d = direction(trainer, kind, seed=3)
    first, second = directional_derivatives(trainer, d)
    h = 1e-4
    minus, centre, plus = loss_slice(trainer, d, [-h, 0.0, h])
    assert first == pytest.approx((plus - minus) / (2 * h), rel=1e-6, abs=1e-10)
    assert second == pytest.approx((plus - 2 * centre + minus) / h**2, rel=1e-4, abs=1e-7)
    assert centre == pytest.approx(trainer.evaluate(trainer.dataset.X_train, trainer.dataset.y_train)["loss"])


def test_directions_their_scale_and_where_the_learning_rate_lands():
    trainer = small_trainer()
    trainer.run(2)
    g = direction(trainer, "gradient")
    _, names, theta = loss_function(trainer)
    first, _ = directional_derivatives(trainer, g)
    assert first == pytest.approx(-sum(np.vdot(v, v) for v in g.values()))   # ∇L·(−∇L) = −‖∇L‖²
    # one plain-SGD step from θ lands at t = lr along −∇L
    stepped = small_trainer()
    stepped.run(3)
    after = [p.data for p in stepped.model.parameters()]
    assert all(np.allclose(th + trainer.lr * g[n], a) for n, th, a in zip(names, theta, after))
    assert lr_lands_at(trainer, "gradient") == trainer.lr and lr_lands_at(trainer, "update") == 1.0
    r = direction(trainer, "random", seed=5)
    assert np.sqrt(sum(np.vdot(v, v) for v in r.values())) == pytest.approx(
        np.sqrt(sum(np.vdot(v, v) for v in g.values())))
    unit = direction(trainer, "random", normalise=True, seed=5)
    assert sum(np.vdot(v, v) for v in unit.values()) == pytest.approx(1.0)
    update = direction(trainer, "update")
    assert all(np.array_equal(update[n], trainer.record.update[n]["step"]) for n in names)
    assert stability_threshold(0.5) == 4.0
    assert plain_gradient_descent(trainer.optimizer)
    model = trainer.model
    assert not plain_gradient_descent(SGD(model.parameters(), lr=0.1, momentum=0.9))
    assert not plain_gradient_descent(Adam(model.parameters(), lr=0.1))


def test_the_update_direction_needs_an_update_that_just_ran():
    trainer = small_trainer()
    with pytest.raises(CurvatureError, match="no update step yet"):
        direction(trainer, "update")
    trainer.run(1)
    trainer.step_phase()
    with pytest.raises(CurvatureError, match="finish the iteration"):
        direction(trainer, "update")
    with pytest.raises(CurvatureError, match="direction kind"):
        direction(trainer, "sideways")


def test_a_malformed_direction_is_named():
    trainer = small_trainer()
    d = direction(trainer, "gradient")
    with pytest.raises(CurvatureError, match=r"missing parameters \['0.bias'\]"):
        loss_slice(trainer, {k: v for k, v in d.items() if k != "0.bias"}, [0.0])
    with pytest.raises(CurvatureError, match="'0.weight' has shape"):
        directional_derivatives(trainer, {**d, "0.weight": np.zeros(3)})


def test_the_batch_is_the_one_the_next_update_descends():
    trainer = small_trainer(batch_size=8, reg=1e-2)
    trainer.run(2)
    X, y, _ = curvature_batch(trainer)            # before forward: the next batch, sampler not advanced
    X_again, _, _ = curvature_batch(trainer)
    assert np.array_equal(X, X_again)
    trainer.reg = 0.5                              # applies from the next forward …
    assert curvature_batch(trainer)[2] == 0.5
    trainer.step_phase()
    assert np.array_equal(trainer.record.X, X) and np.array_equal(trainer.record.y, y)
    trainer.reg = 0.0                              # … so after forward the batch keeps its own λ
    X_now, y_now, reg_now = curvature_batch(trainer)
    assert np.array_equal(X_now, X) and np.array_equal(y_now, y) and reg_now == 0.5
    full = small_trainer()
    assert np.array_equal(curvature_batch(full)[0], full.dataset.X_train)


def after(trainer, where):
    """Put ``trainer`` at a point of an iteration: fresh, mid-backward, after each phase."""
    trainer.run(2)
    steps = {"start": 0, "forward": 1, "loss": 2, "backward": 3, "update": 4}
    if where == "mid-backward":
        trainer.step_phase()
        trainer.step_phase()
        trainer.step_node()
        trainer.step_node()
    else:
        for _ in range(steps[where]):
            trainer.step_phase()
    return trainer


CALLS = {
    "loss_slice": lambda t: loss_slice(t, direction(t, "random"), np.linspace(-1, 1, 5)),
    "directional_derivatives": lambda t: directional_derivatives(t, direction(t, "gradient")),
    "sharpness": lambda t: sharpness(t, iters=5),
    "report": lambda t: curvature_report(t, "update" if t.completed is Phase.UPDATE else "random", iters=3),
}


@pytest.mark.parametrize("where", ["start", "forward", "loss", "mid-backward", "backward", "update"])
@pytest.mark.parametrize("call", list(CALLS))
def test_the_trainer_is_bit_identical_after_each_call(call, where):
    trainer, twin = after(small_trainer(batch_size=16), where), after(small_trainer(batch_size=16), where)
    arrays = [p.data for p in trainer.model.parameters()]
    before = fingerprint(trainer)
    CALLS[call](trainer)
    assert fingerprint(trainer) == before
    assert all(p.data is a for p, a in zip(trainer.model.parameters(), arrays))
    for t in (trainer, twin):                     # and it trains on exactly as if never asked
        t.step()
        t.run(3)
    assert pickle.dumps(trainer.state_dict()) == pickle.dumps(twin.state_dict())


def test_the_report_spans_the_learning_rate_step_and_the_parabola():
    trainer = small_trainer()
    trainer.run(10)
    report = curvature_report(trainer, "gradient", points=21, iters=30)
    assert len(report.ts) == len(report.losses) == 21
    assert report.ts[0] < 0 < report.lr_t <= report.ts[-1]
    assert report.first < 0 < report.second
    minimum = -report.first / report.second             # on the plot, unless beyond ten lr steps
    assert report.ts[-1] >= min(minimum, 10 * report.lr_t)
    assert report.loss == pytest.approx(loss_slice(trainer, direction(trainer), [0.0])[0])
    assert report.lr_loss == pytest.approx(loss_slice(trainer, direction(trainer), [trainer.lr])[0])
    assert report.threshold == 2 / trainer.lr and report.iteration == 10 and report.plain


def test_hvp_matches_torch_on_a_small_mlp():
    torch = pytest.importorskip("torch")
    trainer = small_trainer(hidden=(5, 4))
    trainer.run(4)
    f, _, theta = loss_function(trainer)
    X, y, reg = curvature_batch(trainer)
    v = [np.random.default_rng(i).standard_normal(t.shape) for i, t in enumerate(theta)]

    def torch_loss(*params):
        h = torch.tensor(X)
        for k in range(0, len(params), 2):
            h = h @ params[k].T + params[k + 1]
            if k < len(params) - 2:
                h = torch.tanh(h)
        data = torch.nn.functional.cross_entropy(h, torch.tensor(y))
        return data + reg * sum((w * w).sum() for w in params[0::2])

    inputs = tuple(torch.tensor(t, dtype=torch.float64) for t in theta)
    _, expected = torch.autograd.functional.hvp(torch_loss, inputs, tuple(torch.tensor(x) for x in v))
    for ours, theirs in zip(hvp(f, theta, v), expected):
        assert np.allclose(ours, theirs.numpy(), rtol=1e-9, atol=1e-12)
    assert float(f(*theta).data) == pytest.approx(float(torch_loss(*inputs)), rel=1e-12)


def test_the_default_session_model_has_a_finite_positive_sharpness():
    trainer = Session().trainer
    trainer.run(5)
    value = sharpness(trainer)
    assert np.isfinite(value) and value > 0
