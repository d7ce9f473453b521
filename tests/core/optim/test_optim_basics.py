import json

import numpy as np
import pytest

from core import Tensor
from core.catalog import OPTIMIZER_NAMES, build_optimizer
from core.nn import MLP, hinge_loss, l2_penalty
from core.optim import SGD, Adam, RMSProp

CONFIGS = {
    "sgd": {}, "momentum": {}, "nesterov": {"weight_decay": 0.01},
    "rmsprop": {"momentum": 0.5, "centered": True}, "adam": {"amsgrad": True},
}


def _problem(seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((24, 2)), rng.integers(0, 3, 24)


def _train(model, opt, X, y, steps):
    for _ in range(steps):
        opt.zero_grad()
        (hinge_loss(model(X), y) + l2_penalty(model.weights(), 1e-3)).backward()
        opt.step()


def test_step_updates_parameter_arrays_in_place():
    model = MLP(2, [4], 3)
    arrays = [p.data for p in model.parameters()]
    before = [a.copy() for a in arrays]
    opt = SGD(model.parameters(), lr=0.1)
    _train(model, opt, *_problem(), steps=1)
    assert all(p.data is a for p, a in zip(model.parameters(), arrays))
    assert any(not np.array_equal(a, b) for a, b in zip(arrays, before))


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_grad_is_never_modified(name):
    p = Tensor(np.ones(3), requires_grad=True)
    shared = np.array([0.5, -1.0, 2.0])
    opt = build_optimizer(name, [p], lr=0.1, **CONFIGS[name])
    for _ in range(3):
        p.grad = shared
        opt.step()
        np.testing.assert_array_equal(shared, [0.5, -1.0, 2.0])


def test_zero_grad_sets_none_and_none_is_skipped():
    a, b = Tensor(np.ones(2), requires_grad=True), Tensor(np.ones(2), requires_grad=True)
    opt = SGD([a, b], lr=0.5, record_updates=True)
    a.grad = np.ones(2)
    opt.step()
    np.testing.assert_array_equal(a.data, [0.5, 0.5])
    np.testing.assert_array_equal(b.data, [1.0, 1.0])
    assert opt.last_update[1] is None
    opt.zero_grad()
    assert a.grad is None and b.grad is None


def test_record_updates_reports_before_step_after():
    model = MLP(2, [4], 3)
    opt = Adam(model.parameters(), lr=0.01)
    _train(model, opt, *_problem(), steps=1)
    assert opt.last_update is None          # recording is off by default: no copies
    opt.record_updates = True
    before = model.state_dict()
    _train(model, opt, *_problem(), steps=1)
    assert len(opt.last_update) == len(model.parameters())
    for (name, p), update in zip(model.named_parameters(), opt.last_update):
        np.testing.assert_array_equal(update["before"], before[name])
        np.testing.assert_array_equal(update["after"], p.data)
        np.testing.assert_array_equal(update["step"], update["after"] - update["before"])
        assert update["after"] is not p.data


def test_lr_can_change_live_and_is_validated():
    p = Tensor(np.zeros(1), requires_grad=True)
    opt = SGD([p], lr=1.0)
    p.grad = np.ones(1)
    opt.step()
    opt.lr = 0.25
    opt.step()
    np.testing.assert_array_equal(p.data, [-1.25])
    with pytest.raises(ValueError, match="lr must be a finite number > 0, got -1"):
        opt.lr = -1
    assert opt.lr == 0.25


@pytest.mark.parametrize("make, message", [
    (lambda p: SGD(p, lr=0), "lr must be"),
    (lambda p: SGD(p, lr=0.1, momentum=1.0), r"momentum must be in \[0, 1\), got 1.0"),
    (lambda p: SGD(p, lr=0.1, momentum=-0.1), "momentum must be in"),
    (lambda p: SGD(p, lr=0.1, nesterov=True), "nesterov needs momentum > 0"),
    (lambda p: SGD(p, lr=0.1, weight_decay=-1), "weight_decay must be"),
    (lambda p: RMSProp(p, alpha=1.0), "alpha must be in"),
    (lambda p: RMSProp(p, momentum=2), "momentum must be in"),
    (lambda p: Adam(p, betas=(0.9, 1.0)), r"betas\[1\] must be in \[0, 1\)"),
    (lambda p: Adam(p, betas=(-0.1, 0.9)), r"betas\[0\] must be in"),
    (lambda p: Adam(p, eps=-1), "eps must be"),
    (lambda p: build_optimizer("adam", p, lr=float("nan")), "lr must be"),
])
def test_impossible_settings_raise(make, message):
    with pytest.raises(ValueError, match=message):
        make([Tensor(np.zeros(2), requires_grad=True)])


def test_bad_parameter_lists():
    p = Tensor(np.zeros(2), requires_grad=True)
    with pytest.raises(ValueError, match="empty parameter list"):
        SGD([], lr=0.1)
    with pytest.raises(ValueError, match="more than once"):
        SGD([p, p], lr=0.1)
    with pytest.raises(TypeError, match="parameters must be Tensors"):
        SGD([np.zeros(2)], lr=0.1)


def test_build_optimizer_names():
    p = [Tensor(np.zeros(2), requires_grad=True)]
    assert OPTIMIZER_NAMES == ("sgd", "momentum", "nesterov", "rmsprop", "adam")
    momentum = build_optimizer("momentum", p, 0.1)
    assert type(momentum) is SGD and momentum.momentum == 0.9 and not momentum.nesterov
    nesterov = build_optimizer("nesterov", p, 0.1)
    assert nesterov.momentum == 0.9 and nesterov.nesterov
    assert build_optimizer("momentum", p, 0.1, momentum=0.5).momentum == 0.5
    assert type(build_optimizer("rmsprop", p, 0.1)) is RMSProp
    assert build_optimizer("adam", p).lr == 0.001
    with pytest.raises(ValueError, match="unknown optimizer 'adagrad'; choose one of sgd, momentum, "
                                         "nesterov, rmsprop, adam"):
        build_optimizer("adagrad", p, 0.1)


def _jsonable(state):
    def plain(v):
        if isinstance(v, np.ndarray):
            return v.tolist()
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        return v
    return json.loads(json.dumps(plain(state)))


@pytest.mark.parametrize("via_json", [False, True])
@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_state_dict_round_trip_continues_bit_identically(name, via_json):
    X, y = _problem()
    model = MLP(2, [5], 3, seed=0)
    opt = build_optimizer(name, model.parameters(), lr=0.05, **CONFIGS[name])
    _train(model, opt, X, y, steps=5)
    model_state, opt_state = model.state_dict(), opt.state_dict()
    assert opt_state["step"] == 5
    _train(model, opt, X, y, steps=5)

    restored = MLP(2, [5], 3, seed=99)
    if via_json:
        model_state, opt_state = _jsonable(model_state), _jsonable(opt_state)
    restored.load_state_dict(model_state)
    opt2 = build_optimizer(opt_state["type"], restored.parameters(), **opt_state["hyper"])
    opt2.load_state_dict(opt_state)
    _train(restored, opt2, X, y, steps=5)
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(restored.state_dict()[k], v)
    assert opt2.step_count == 10


def test_state_dict_is_a_copy_with_plain_values():
    p = Tensor(np.ones(2), requires_grad=True)
    opt = Adam([p], lr=0.1, betas=(0.8, 0.9))
    p.grad = np.ones(2)
    opt.step()
    state = opt.state_dict()
    assert state["type"] == "adam" and state["step"] == 1
    assert state["hyper"] == {"lr": 0.1, "betas": [0.8, 0.9], "eps": 1e-8, "weight_decay": 0.0,
                              "amsgrad": False}
    json.dumps(state["hyper"])
    state["state"][0]["exp_avg"][...] = 123
    assert not np.any(opt.state[0]["exp_avg"] == 123)


def test_load_state_dict_validates_before_changing_anything():
    p = Tensor(np.ones(2), requires_grad=True)
    opt = SGD([p], lr=0.1, momentum=0.9)
    p.grad = np.ones(2)
    opt.step()
    good = opt.state_dict()
    with pytest.raises(ValueError, match="state is for 'adam', not 'sgd'"):
        opt.load_state_dict({**good, "type": "adam"})
    with pytest.raises(ValueError, match="has shape \\(3,\\), the parameter \\(2,\\)"):
        opt.load_state_dict({**good, "state": {0: {"momentum_buffer": np.zeros(3)}}})
    with pytest.raises(ValueError, match="state for parameter 4"):
        opt.load_state_dict({**good, "state": {"4": {"momentum_buffer": np.zeros(2)}}})
    with pytest.raises(ValueError, match="momentum must be in"):
        opt.load_state_dict({**good, "hyper": {**good["hyper"], "momentum": 3}})
    assert opt.momentum == 0.9 and opt.step_count == 1
    np.testing.assert_array_equal(opt.state[0]["momentum_buffer"], good["state"][0]["momentum_buffer"])


def test_float32_parameters_stay_float32():
    p = Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    opt = Adam([p], lr=0.1)
    p.grad = np.ones(3)  # float64 gradient
    opt.step()
    assert p.dtype == np.float32 and opt.state[0]["exp_avg"].dtype == np.float32
