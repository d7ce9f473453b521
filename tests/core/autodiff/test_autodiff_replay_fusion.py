"""Fused linear layers in a replay: the same numbers as the per-node replay and as backward()."""
import numpy as np
import pytest

import core.autodiff.replay as replay_module
from core import Tensor
from core import functional as F
from core.autodiff.backward import toposort
from core.autodiff.replay import Replay
from core.autodiff.replay_fusion import find_layers


def params(seed=0, widths=(3, 6, 5, 4)):
    rng = np.random.default_rng(seed)
    out = []
    for fan_in, fan_out in zip(widths[:-1], widths[1:]):
        out += [Tensor(rng.standard_normal((fan_out, fan_in)), requires_grad=True),
                Tensor(rng.standard_normal(fan_out), requires_grad=True)]
    return out


def loss_of(ps, X, y, activation=F.relu, reg=0.0):
    h = Tensor(X)
    for i in range(0, len(ps), 2):
        h = h @ ps[i].T + ps[i + 1]
        if i < len(ps) - 2:
            h = activation(h)
    loss = F.softmax_cross_entropy(h, y)
    return h, loss + sum((W * W).sum() for W in ps[::2]) * reg if reg else loss


def batch(seed):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((9, 3)), rng.integers(0, 4, size=9)


def run(replay, ps, X, y):
    for p in ps:
        p.grad = None
    values = replay.run(X, y)
    return [p.grad for p in ps] + values


@pytest.mark.parametrize("activation", [F.relu, F.tanh, F.sigmoid])
@pytest.mark.parametrize("reg", [0.0, 1e-2])
def test_fused_layers_give_the_per_node_replays_and_backwards_numbers(monkeypatch, activation, reg):
    ps = params()
    X, y = batch(0)
    scores, loss = loss_of(ps, X, y, activation, reg)
    fused = Replay.record(loss, (X, y), (scores, loss))
    monkeypatch.setattr(replay_module, "find_layers", lambda *graph: {})
    scores, loss = loss_of(ps, X, y, activation, reg)
    per_node = Replay.record(loss, (X, y), (scores, loss))
    assert len(fused._forward) < len(per_node._forward)
    for seed in (1, 2, 3):
        X, y = batch(seed)
        for p in ps:
            p.grad = None
        scores, loss = loss_of(ps, X, y, activation, reg)
        loss.backward()
        expected = [p.grad for p in ps] + [scores.data, loss.data]
        got, unfused = run(fused, ps, X, y), run(per_node, ps, X, y)
        assert all(np.array_equal(a, b) and a.dtype == b.dtype for a, b in zip(expected, got))
        assert all(np.array_equal(a, b) for a, b in zip(unfused, got))


def graph_layers(loss):
    order = toposort(loss, include_constants=True)
    return find_layers(order, list(reversed(toposort(loss))))


def test_each_linear_layer_is_found_with_the_activation_after_it():
    ps = params()
    X, y = batch(0)
    _, loss = loss_of(ps, X, y)
    layers = graph_layers(loss)
    assert {id(m.w) for m in layers.values()} == {id(W) for W in ps[::2]}
    assert sorted(m.h is not None for m in layers.values()) == [False, True, True]


def test_a_shared_product_or_transpose_is_left_to_the_per_node_replay():
    W, b = params(widths=(3, 4))
    X, y = batch(0)
    z = Tensor(X) @ W.T
    loss = F.softmax_cross_entropy((z + b) * z, y)  # the product also feeds the multiply
    assert graph_layers(loss) == {}
    x, t = Tensor(X), W.T
    loss = F.softmax_cross_entropy(x @ t + b + x @ t, y)  # one transpose, two products
    assert graph_layers(loss) == {}
    ps = [W, b]
    replay = Replay.record(loss, (X, y), (loss,))
    loss.backward()
    expected = [p.grad for p in ps]
    assert all(np.array_equal(a, b) for a, b in zip(expected, run(replay, ps, X, y)[:2]))


def test_a_layer_whose_weight_gradient_would_add_in_another_order_is_not_fused():
    # W in three layers: backward meets the inner layers' transposes between the outer layer's top
    # and its own transpose, so fusing the outer layer would change the order of W's gradient sum
    rng = np.random.default_rng(0)
    W = Tensor(rng.standard_normal((4, 4)), requires_grad=True)
    bs = [Tensor(rng.standard_normal(4), requires_grad=True) for _ in range(3)]
    X, y = rng.standard_normal((6, 4)), rng.integers(0, 4, size=6)

    def tied(X):
        h = Tensor(X)
        for b in bs:
            h = F.tanh(h @ W.T + b)
        return F.softmax_cross_entropy(h, y)

    loss = tied(X)
    fused = [[m.b is b for m in graph_layers(loss).values()].count(True) for b in bs]
    assert fused[2] == 0 and fused[0] == 1
    replay = Replay.record(loss, (X, y), (loss,))
    X = rng.standard_normal((6, 4))
    tied(X).backward()
    expected = [p.grad for p in [W] + bs]
    assert all(np.array_equal(a, b) for a, b in zip(expected, run(replay, [W] + bs, X, y)))


def test_a_layer_that_is_the_root_runs_node_by_node():
    W, b = params(widths=(3, 1))
    X = np.ones((1, 3))
    out = Tensor(X) @ W.T + b  # shape (1, 1): backward starts at the layer's sum
    assert graph_layers(out) == {}
    replay = Replay.record(out, (X,), (out,))
    out.backward()
    expected = [W.grad, b.grad]
    W.grad = b.grad = None
    replay.run(X)
    assert np.array_equal(W.grad, expected[0]) and np.array_equal(b.grad, expected[1])


@pytest.mark.parametrize("reg", [0.0, 1e-2])
def test_a_layer_writes_its_gradients_into_grads_into_with_the_same_numbers(reg):
    ps = params()
    X, y = batch(0)
    scores, loss = loss_of(ps, X, y, F.relu, reg)
    layers = find_layers(toposort(loss, include_constants=True), list(reversed(toposort(loss))))
    # without the penalty each layer alone sends W and b their gradients: written in place
    assert len(layers) == 3 and all(m.sole == (reg == 0) for m in layers.values())
    replay = Replay.record(loss, (X, y), (scores, loss))
    places = tuple(np.full(p.shape, np.nan) for p in replay.parameters)
    where = {id(p): place for p, place in zip(replay.parameters, places)}
    for seed in (1, 2):
        X, y = batch(seed)
        for p in ps:
            p.grad = None
        _, loss = loss_of(ps, X, y, F.relu, reg)
        loss.backward()
        expected = [p.grad for p in ps]
        for p in ps:
            p.grad = None
        replay.run(X, y, grads_into=places)
        for p, e in zip(ps, expected):
            assert p.grad is where[id(p)] and np.array_equal(p.grad, e)
