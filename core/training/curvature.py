"""The loss surface around the current parameters: slices, directional derivatives and sharpness.

Everything here is computed on *the batch the next update descends*: this iteration's batch
(and its λ) when its forward pass has run, else the batch the sampler will hand out next,
drawn from a copy of the sampler so the trainer's own one does not advance (for full-batch
training that is the whole training set either way). The loss is the trainer's, data loss + λ·ΣW²
(fused), as a function of the parameter arrays in ``named_parameters()`` order, evaluated on a
shallow copy of the model, so nothing of the trainer — parameters, gradients, optimizer state,
history, phase, sampler — changes. A direction is a dict {parameter name: array}.
"""
import copy
from dataclasses import dataclass

import numpy as np

from ..autodiff import grad, hvp, jvp, no_grad
from ..data import BatchSampler
from . import objective
from .divergence import quiet_numpy
from .phases import Phase

DIRECTIONS = {"update": "Last update step", "gradient": "Negative gradient", "random": "Random"}


class CurvatureError(ValueError):
    """A curvature quantity was asked for that the trainer's state cannot give."""


def curvature_batch(trainer):
    """(X, y, reg) of the batch the next update descends (see the module docstring)."""
    if trainer.completed in (Phase.FORWARD, Phase.LOSS, Phase.BACKWARD):
        it = trainer.record
        return it.X, it.y, it.loss_settings[0]
    sampler = BatchSampler(trainer.sampler.n, trainer.sampler.batch_size)
    sampler.load_state_dict(trainer.sampler.state_dict())
    index = sampler.next_indices()
    return trainer.dataset.X_train[index], trainer.dataset.y_train[index], trainer.reg


def loss_function(trainer):
    """(f, names, theta): ``f(*params)`` is the loss Tensor on the curvature batch with the given
    parameter Tensors, ``theta`` copies of the current parameter arrays in ``names`` order."""
    X, y, reg = curvature_batch(trainer)
    model = trainer.model
    if not hasattr(model, "layers"):
        raise CurvatureError(f"curvature needs a Sequential model (with .layers), got {type(model).__name__}")
    names = [name for name, _ in model.named_parameters()]
    theta = [p.data.copy() for _, p in model.named_parameters()]

    def f(*params):
        clone = _model_with(model, params)
        return objective.forward(clone, X, y, trainer.data_loss, reg)[3]

    return f, names, theta


def direction(trainer, kind="gradient", normalise=False, seed=0):
    """A direction {name: array}: "gradient" is −∇L, "update" the last update step θ_after − θ_before,
    "random" Gaussian (``seed``) scaled to ‖∇L‖. ``normalise`` scales it to unit length instead."""
    if kind not in DIRECTIONS:
        raise CurvatureError(f"direction kind must be one of {', '.join(DIRECTIONS)}, got {kind!r}")
    f, names, theta = loss_function(trainer)
    if kind == "update":
        steps = trainer.record.update if trainer.completed is Phase.UPDATE else {}
        if not steps:
            raise CurvatureError("the last update step is known right after an update: finish the "
                                 "iteration (Step) first" if trainer.iteration else
                                 "no update step yet: train at least one iteration first")
        d = [np.array(steps[name]["step"], dtype=np.float64) if steps.get(name) else np.zeros_like(t)
             for name, t in zip(names, theta)]
    else:
        with quiet_numpy():
            g = grad(f)(*theta)
        if kind == "gradient":
            d = [-gi for gi in g]
        else:
            rng = np.random.default_rng(seed)
            d = [rng.standard_normal(t.shape) for t in theta]
            d = _scale(d, _norm(g) / _norm(d))
    if normalise:
        length = _norm(d)
        if length == 0:
            raise CurvatureError(f"the {DIRECTIONS[kind].lower()} direction is zero and has no unit length")
        d = _scale(d, 1.0 / length)
    return dict(zip(names, d))


def lr_lands_at(trainer, kind):
    """The t at which θ + t·d is where the learning rate takes the parameters: t = lr along −∇L
    (plain gradient descent's step) and along the random direction (a step as long), t = 1 along the
    last update step (repeating it)."""
    return 1.0 if kind == "update" else float(trainer.lr)


def loss_slice(trainer, direction, ts):
    """The losses L(θ + t·d) for each t in ``ts``, as a float64 array."""
    f, names, theta = loss_function(trainer)
    d = _as_list(direction, names, theta)
    ts = np.asarray(ts, dtype=np.float64).ravel()
    with no_grad(), quiet_numpy():
        return np.array([float(f(*[th + t * di for th, di in zip(theta, d)]).data) for t in ts])


def directional_derivatives(trainer, direction):
    """(∇L·d, dᵀHd) at the current parameters: the first from one JVP, the second from one HVP."""
    f, names, theta = loss_function(trainer)
    d = _as_list(direction, names, theta)
    with quiet_numpy():
        _, first = jvp(f, theta, d)
        hd = hvp(f, theta, d)
    return float(first), _dot(d, hd)


def sharpness(trainer, iters=20, seed=0):
    """λ_max, the top eigenvalue of the loss's Hessian, by ``iters`` steps of power iteration on
    HVPs from a Gaussian start (``seed``). Power iteration finds the eigenvalue of largest |λ|; when
    that is negative, a second run on H − λI finds the top one."""
    if iters < 1:
        raise CurvatureError(f"sharpness needs iters ≥ 1, got {iters}")
    f, _, theta = loss_function(trainer)
    rng = np.random.default_rng(seed)
    start = [rng.standard_normal(t.shape) for t in theta]
    with quiet_numpy():
        return top_eigenvalue(lambda v: hvp(f, theta, v), start, iters)


def top_eigenvalue(matvec, start, iters):
    """The top eigenvalue of the symmetric operator ``matvec`` (a list of arrays → a list of arrays)
    by power iteration from ``start``; when the largest |λ| is negative, again on H − λI."""
    dominant = _power_iteration(matvec, start, iters)
    if not dominant < 0:
        return dominant
    return dominant + _power_iteration(lambda v: [hv - dominant * vi for hv, vi in zip(matvec(v), v)],
                                       start, iters)


def stability_threshold(lr):
    """2/η: plain gradient descent on a quadratic with curvature above it oscillates and diverges."""
    return 2.0 / float(lr)


def plain_gradient_descent(optimizer):
    """Whether ``optimizer`` steps θ ← θ − η∇L exactly (SGD without momentum or weight decay), the
    method the 2/η threshold is for."""
    return (optimizer.name == "sgd" and getattr(optimizer, "momentum", 0) == 0
            and getattr(optimizer, "weight_decay", 0) == 0)


@dataclass
class CurvatureReport:
    """What the curvature panel draws: a slice along one direction and the sharpness, at one iteration."""
    iteration: int
    kind: str
    ts: np.ndarray        # the t of each slice point
    losses: np.ndarray    # L(θ + t·d)
    loss: float           # L(θ)
    first: float          # ∇L·d (the tangent line's slope)
    second: float         # dᵀHd (the parabola's curvature)
    lr_t: float           # where the learning rate lands (see ``lr_lands_at``)
    lr_loss: float        # L(θ + lr_t·d)
    lr: float
    sharpness: float      # λ_max
    threshold: float      # 2/η
    plain: bool           # the optimizer is plain gradient descent (see ``plain_gradient_descent``)


def curvature_report(trainer, kind="gradient", points=41, iters=20, seed=0):
    """The slice along ``kind`` over a t range holding both the learning-rate step and the parabola's
    minimum, its derivatives, and λ_max against 2/η."""
    d = direction(trainer, kind, seed=seed)
    first, second = directional_derivatives(trainer, d)
    lr_t = lr_lands_at(trainer, kind)
    span = lr_t
    if second > 0 and np.isfinite(first):
        span = max(span, min(-2 * first / second, 10 * lr_t))  # twice the parabola's minimiser
    ts = np.linspace(-0.25 * span, 1.25 * span, points)
    losses = loss_slice(trainer, d, ts)
    loss, lr_loss = loss_slice(trainer, d, [0.0, lr_t])
    lr = float(trainer.lr)
    return CurvatureReport(trainer.iteration, kind, ts, losses, float(loss), first, second, lr_t,
                           float(lr_loss), lr, sharpness(trainer, iters, seed), stability_threshold(lr),
                           plain_gradient_descent(trainer.optimizer))


def _model_with(model, params):
    """A copy of the Sequential ``model`` computing with the Tensors ``params`` (in
    ``named_parameters()`` order); the model and its layers are not touched."""
    clone = copy.copy(model)
    clone.layers = [copy.copy(layer) for layer in model.layers]
    values = iter(params)
    for layer in clone.layers:
        for name, _ in layer.named_parameters():
            setattr(layer, name, next(values))
    return clone


def _as_list(direction, names, theta):
    if not isinstance(direction, dict):
        raise CurvatureError("a direction is a dict {parameter name: array}, "
                             f"got {type(direction).__name__}")
    missing = [n for n in names if n not in direction]
    unexpected = [n for n in direction if n not in names]
    if missing or unexpected:
        raise CurvatureError(f"direction: missing parameters {missing}, unexpected {unexpected}")
    d = [np.asarray(direction[n], dtype=np.float64) for n in names]
    for n, di, th in zip(names, d, theta):
        if di.shape != th.shape:
            raise CurvatureError(f"direction: '{n}' has shape {di.shape}, the parameter {th.shape}")
    return d


def _power_iteration(matvec, start, iters):
    v = _scale(start, 1.0 / _norm(start))
    estimate = 0.0
    for _ in range(iters):
        w = matvec(v)
        estimate = _dot(v, w)
        length = _norm(w)
        if not length > 0:  # H·v = 0 (a flat loss) or NaN (a diverged model): nothing to iterate
            return estimate if length == 0 else float("nan")
        v = _scale(w, 1.0 / length)
    return estimate


def _dot(a, b):
    return float(sum(np.vdot(x, y) for x, y in zip(a, b)))


def _norm(a):
    return float(np.sqrt(_dot(a, a)))


def _scale(a, s):
    return [x * s for x in a]
