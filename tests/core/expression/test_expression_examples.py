"""The lecture's examples: their numbers in closed form and against PyTorch."""
import numpy as np
import pytest

from core.expression import BY_KEY, EXAMPLES, parse, parse_values

from .helpers import torch_value_and_grads


def run(key):
    example = BY_KEY[key]
    return parse(example.expression).walk(parse_values(example.values), expand=example.expand).run()


def test_add_mul():
    walk = run("add_mul")
    assert walk.value == -12
    assert {k: float(v) for k, v in walk.gradients.items()} == {"x": -4, "y": -4, "z": 3}


@pytest.mark.parametrize("key", ["sigmoid_neuron", "sigmoid_neuron_expanded"])
def test_sigmoid_neuron(key):
    walk = run(key)
    assert float(walk.value) == pytest.approx(0.7311, abs=1e-4)
    grads = [float(walk.gradients[k]) for k in ("w0", "x0", "w1", "x1", "w2")]
    assert grads == pytest.approx([-0.1966, 0.3932, -0.3932, -0.5898, 0.1966], abs=1e-4)


def test_sigmoid_expanded_takes_four_op_nodes_instead_of_one():
    fused, expanded = run("sigmoid_neuron"), run("sigmoid_neuron_expanded")
    assert [n.op for n in fused.nodes if n.primitive].count("sigmoid") == 1
    assert expanded.op_count == fused.op_count + 3
    assert [n.op for n in expanded.nodes if n.primitive][-4:] == ["neg", "exp", "add", "div"]


def test_shared_input_sums_both_paths():
    walk = run("shared_input")
    assert walk.value == 6
    assert float(walk.gradients["a"]) == 2 and float(walk.gradients["b"]) == 5


def test_svm_loss_in_closed_form():
    walk = run("svm_loss")
    v = parse_values(BY_KEY["svm_loss"].values)
    W, x, label, lam = v["W"], v["x"], 0, v["lam"]
    s = W @ x
    margins = np.maximum(0, s - s[label] + 1)
    margins[label] = 0
    assert float(walk.value) == pytest.approx(margins.sum() + lam * (W ** 2).sum())
    assert float(walk.value) == pytest.approx(6.75 + 0.42925)
    active = (margins > 0).astype(float)
    active[label] = -active.sum()
    np.testing.assert_allclose(walk.gradients["W"], np.outer(active, x) + 2 * lam * W)
    np.testing.assert_allclose(walk.gradients["W"], [[-3.96, -2.1], [2.3, 1.26], [2, 1.05]])
    np.testing.assert_allclose(walk.gradients["x"], [1.1, 2.55])


def test_relu_layer_is_summed_for_backward():
    walk = run("relu_layer")
    assert walk.summed_output and "sum of its entries" in walk.note
    np.testing.assert_array_equal(walk.value, [5, 0])
    np.testing.assert_array_equal(walk.gradients["W"], [[2, -1, 1], [0, 0, 0]])
    np.testing.assert_array_equal(walk.gradients["b"], [1, 0])
    np.testing.assert_array_equal(walk.gradients["x"], [1, -2, 0.5])


def test_softmax_cross_entropy_gradient_is_softmax_minus_onehot():
    walk = run("softmax_ce")
    s = np.array([3.2, 5.1, -1.7])
    p = np.exp(s) / np.exp(s).sum()
    assert float(walk.value) == pytest.approx(-np.log(p[0]))
    assert float(walk.value) == pytest.approx(2.04, abs=0.01)
    np.testing.assert_allclose(walk.gradients["s"], p - [1, 0, 0])


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.key)
def test_every_example_matches_pytorch(example):
    pytest.importorskip("torch")
    values = parse_values(example.values)
    expr = parse(example.expression)
    walk = expr.walk(values, expand=example.expand).run()
    value, grads = torch_value_and_grads(expr, values)
    np.testing.assert_allclose(walk.value, value, rtol=1e-12)
    for name in expr.variables:
        np.testing.assert_allclose(walk.gradients[name], grads[name], rtol=1e-12, atol=1e-14)


def test_every_example_has_a_title_values_and_a_lesson():
    assert len({e.key for e in EXAMPLES}) == len(EXAMPLES) == 7
    for example in EXAMPLES:
        assert example.title and example.teaches
        assert set(parse(example.expression).variables) <= set(parse_values(example.values))
