"""Replay: a recorded graph run again on new inputs gives exactly what building it again gives."""
import numpy as np
import pytest

from core import Tensor, detect_anomaly, no_grad
from core import functional as F
from core.autodiff.replay import Replay, ReplayError


def mlp_loss(params, X, y):
    W1, b1, W2, b2 = params
    h = F.tanh(Tensor(X) @ W1.T + b1)
    scores = h @ W2.T + b2
    return scores, F.softmax_cross_entropy(scores, y) + (W1 * W1).sum() * 0.01


def make(seed=0):
    rng = np.random.default_rng(seed)
    return [Tensor(rng.standard_normal(shape), requires_grad=True)
            for shape in ((5, 3), (5,), (4, 5), (4,))]


def batch(seed):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((7, 3)), rng.integers(0, 4, size=7)


def test_replay_matches_the_graph_bit_for_bit_on_new_inputs():
    params = make()
    X, y = batch(0)
    scores, loss = mlp_loss(params, X, y)
    replay = Replay.record(loss, (X, y), (scores, loss))
    loss.backward()
    for seed in (1, 2, 3):
        X, y = batch(seed)
        for p in params:
            p.grad = None
        scores, loss = mlp_loss(params, X, y)
        loss.backward()
        expected = [p.grad for p in params] + [scores.data, loss.data]
        for p in params:
            p.grad = None
        got_scores, got_loss = replay.run(X, y)
        got = [p.grad for p in params] + [got_scores, got_loss]
        assert all(np.array_equal(a, b) for a, b in zip(expected, got))


def test_grads_into_puts_each_gradient_in_its_array_with_the_same_numbers():
    params = make()
    X, y = batch(0)
    scores, loss = mlp_loss(params, X, y)
    replay = Replay.record(loss, (X, y), (scores, loss))
    order = replay.parameters
    assert sorted(map(id, order)) == sorted(map(id, params))
    places = tuple(np.full(p.shape, np.nan) for p in order[:3]) + (None,)  # the last: no place
    for seed in (1, 2):
        X, y = batch(seed)
        for p in order:
            p.grad = None
        expected = replay.run(X, y) and [p.grad.copy() for p in order]
        for p in order:
            p.grad = None
        replay.run(X, y, grads_into=places)
        assert all(p.grad is place for p, place in zip(order[:3], places))
        assert order[3].grad is not None
        assert all(np.array_equal(p.grad, e) for p, e in zip(order, expected))
    order[0].grad = np.ones(order[0].shape)  # a gradient already there is added to, as backward() does
    replay.run(X, y, grads_into=places)
    assert order[0].grad is not places[0]
    assert np.array_equal(order[0].grad, expected[0] + 1)


def test_replay_reads_the_parameters_current_values():
    params = make()
    X, y = batch(0)
    _, loss = mlp_loss(params, X, y)
    replay = Replay.record(loss, (X, y), (loss,))
    with no_grad():
        params[0].data[...] *= 2
    expected = float(mlp_loss(params, X, y)[1].data)
    assert float(replay.run(X, y)[0]) == expected


def test_a_constant_array_that_is_not_an_input_is_refused():
    W = Tensor(np.ones((2, 2)), requires_grad=True)
    X = np.ones((3, 2))
    hidden_constant = np.arange(6.0).reshape(3, 2)
    loss = ((Tensor(X) @ W) * Tensor(hidden_constant)).sum()
    with pytest.raises(ReplayError, match=r"shape \(3, 2\) that is not an input"):
        Replay.record(loss, (X,))


def test_replay_does_not_apply_under_anomaly_checks():
    assert Replay.applies()
    with detect_anomaly():
        assert not Replay.applies()


def test_an_input_wrapped_in_two_constant_tensors_feeds_both():
    W = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    X = np.ones((4, 3))
    loss = (Tensor(X) @ W.T).sum() + (Tensor(X) * W[0]).sum()
    replay = Replay.record(loss, (X,), (loss,))
    X2 = np.random.default_rng(0).standard_normal((4, 3))
    W.grad = None
    expected = (Tensor(X2) @ W.T).sum() + (Tensor(X2) * W[0]).sum()
    expected.backward()
    grad, W.grad = W.grad, None
    (value,) = replay.run(X2)
    assert value == expected.data and np.array_equal(W.grad, grad)
