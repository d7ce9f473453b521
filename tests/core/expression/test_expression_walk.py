"""Stepping a formula node by node: forward values, then backward gradients, on the engine."""
import numpy as np
import pytest
from hypothesis import given, settings

from core.autodiff import Tensor
from core.expression import ExpressionError, parse, parse_values
from core.training.snapshot import GraphNode

from .helpers import formula_values, torch_value_and_grads

NEURON = "sigmoid(w0*x0 + w1*x1 + w2)"
NEURON_VALUES = parse_values("w0 = 2, x0 = -1, w1 = -3, x1 = -2, w2 = -3")


def test_evaluate_returns_the_engine_tensor_with_named_leaves():
    out = parse("(x + y) * x").evaluate({"x": 2, "y": [1.0, 3.0]})
    assert isinstance(out, Tensor) and out.requires_grad
    np.testing.assert_array_equal(out.data, [6, 10])
    walk = parse("(x + y) * x").walk({"x": 2, "y": [1.0, 3.0]})
    leaves = [n for n in walk.nodes if n.variable]
    assert [n.tensor.name for n in leaves] == ["x", "y"] and all(n.tensor.requires_grad for n in leaves)


def test_the_walk_shows_forward_values_then_backward_gradients_one_node_at_a_time():
    walk = parse("(x + y) * z").walk(parse_values("x = -2, y = 5, z = -4"))
    ops_ = [n for n in walk.nodes if n.primitive]
    assert [n.label for n in ops_] == ["+", "×"] and walk.phase == "forward"
    assert all(n.value is None for n in ops_) and all(n.value is not None for n in walk.nodes if not n.primitive)
    assert walk.value is None and walk.gradients is None
    assert walk.step() and ops_[0].value == 3 and ops_[1].value is None and walk.active == ops_[0].id
    assert walk.step() and walk.value == -12 and walk.message == "forward: (x + y) * z = -12"
    assert all(n.grad is None for n in walk.nodes)
    assert walk.step() and walk.phase == "backward" and ops_[1].grad == 1
    np.testing.assert_array_equal(ops_[1].downstream, [-4, 3])
    assert walk.step() and ops_[0].grad == -4     # the add node: its upstream is z
    while walk.step():
        pass
    assert walk.phase == "done" and walk.finished and walk.steps_done == walk.total_steps == 2 + 5
    assert {k: float(v) for k, v in walk.gradients.items()} == {"x": -4, "y": -4, "z": 3}
    assert not walk.step()


def test_a_node_used_twice_is_one_leaf_with_the_summed_gradient():
    walk = parse("(a + b) * (b + 1)").walk({"a": 2, "b": 1}).run()
    assert [n.label for n in walk.nodes if not n.primitive] == ["a", "b", "1"]
    assert walk.gradients["b"] == 5


def test_constants_are_input_nodes_without_gradient():
    walk = parse("2 * x").walk({"x": 3}).run()
    two = walk.nodes[0]
    assert (two.label, two.stage, two.grad, two.variable) == ("2", "input", None, None)
    assert walk.nodes[2].downstream[0] is None and walk.nodes[2].downstream[1] == 2


def test_a_formula_of_constants_has_no_backward_pass():
    walk = parse("2 * 3").walk({})
    assert walk.total_steps == 1 and walk.step() and walk.phase == "done" and walk.value == 6
    assert walk.gradients == {} and not walk.step()
    assert parse("4").walk({}).finished


def test_graph_gives_the_trainers_graph_nodes_for_the_same_view_and_inspector():
    walk = parse("relu(W @ x + b)").walk(
        parse_values("W = [[1, -2, 0.5], [-1, 0.5, 2]], x = [2, -1, 1], b = [0.5, -0.5]"))
    graph = walk.graph()
    assert all(isinstance(g, GraphNode) for g in graph) and len(graph) == walk.node_count == 6
    assert [g.stage for g in graph] == ["input", "input", "model", "input", "model", "model"]
    assert [g.label for g in graph] == ["W", "x", "matmul", "b", "add", "relu"]
    assert graph[2].value is None and graph[0].value is not None
    matmul = graph[2]
    assert matmul.inputs == (0, 1) and matmul.shape == (2,)
    assert matmul.jacobians[0] == {"jacobian_shape": (2, 6), "jacobian_bytes": 96, "gradient_bytes": 48}
    walk.run()
    graph = walk.graph()
    np.testing.assert_array_equal(graph[5].upstream, [1, 1])
    np.testing.assert_array_equal(graph[4].downstream[1], [1, 0])
    assert graph[5].formula and graph[5].words
    graph[5].upstream[0] = 99                       # copies: drawing never touches the walk
    assert walk.nodes[5].grad[0] == 1


def test_each_node_knows_its_text_and_structure():
    walk = parse(NEURON).walk(NEURON_VALUES)
    assert [n.text for n in walk.nodes if n.primitive] == [
        "w0*x0", "w1*x1", "w0*x0 + w1*x1", "w0*x0 + w1*x1 + w2", NEURON]
    sigmoid = walk.nodes[-1]
    assert sigmoid.fused and sigmoid.structure == "elementwise"
    assert not any(n.fused for n in parse(NEURON).walk(NEURON_VALUES, expand=True).nodes)


def test_backward_leaves_the_leaves_grad_untouched():
    walk = parse("x * x").walk({"x": 3}).run()
    assert walk.nodes[0].tensor.grad is None and walk.gradients["x"] == 6


def test_sin_and_cos():
    walk = parse("sin(x) * cos(y)").walk({"x": 0.5, "y": 0.25}).run()
    assert float(walk.value) == pytest.approx(np.sin(0.5) * np.cos(0.25))
    assert float(walk.gradients["x"]) == pytest.approx(np.cos(0.5) * np.cos(0.25))
    assert float(walk.gradients["y"]) == pytest.approx(-np.sin(0.5) * np.sin(0.25))


@settings(max_examples=150)
@given(formula_values())
def test_random_formulas_match_pytorch(case):
    pytest.importorskip("torch")
    text, values = case
    expr = parse(text)
    values = {k: values[k] for k in expr.variables}
    walk = expr.walk(values).run()
    value, grads = torch_value_and_grads(expr, values)
    np.testing.assert_allclose(walk.value, value, rtol=1e-10, atol=1e-12)
    for name in expr.variables:
        np.testing.assert_allclose(walk.gradients[name], grads[name], rtol=1e-9, atol=1e-10)


@settings(max_examples=100)
@given(formula_values())
def test_fused_equals_expanded_and_stepping_equals_running(case):
    text, values = case
    expr = parse(text)
    fused = expr.walk(values).run()
    expanded = expr.walk(values, expand=True).run()
    stepped = expr.walk(values, expand=True)
    count = 0
    while stepped.step():
        count += 1
    assert count == stepped.total_steps == expanded.steps_done
    assert expanded.op_count == fused.op_count + 3 * text.count("sigmoid")
    for other in (expanded, stepped):
        np.testing.assert_allclose(other.value, fused.value, rtol=1e-12, atol=1e-14)
        for name in expr.variables:
            np.testing.assert_allclose(other.gradients[name], fused.gradients[name], rtol=1e-9, atol=1e-12)
    for a, b in zip(stepped.nodes, expanded.nodes):
        np.testing.assert_array_equal(a.value, b.value)
        assert (a.grad is None) == (b.grad is None)


def test_a_local_jacobian_formed_explicitly_agrees_with_the_implicit_downstream():
    walk = parse("relu(W @ x + b)").walk(
        parse_values("W = [[1, -2, 0.5], [-1, 0.5, 2]], x = [2, -1, 1], b = [0.5, -0.5]"))
    relu = walk.local_jacobian(5)
    np.testing.assert_array_equal(relu.matrix, [[1, 0], [0, 0]])       # diagonal: the mask
    assert (relu.zeros, relu.jacobian_bytes, relu.gradient_bytes) == (3, 32, 16)
    assert relu.product is None and relu.matches is None                # backward has not come yet
    walk.run()
    by_x = walk.local_jacobian(2, input=1)
    np.testing.assert_array_equal(by_x.matrix, walk.nodes[0].value)     # ∂(Wx)/∂x = W
    by_w = walk.local_jacobian(2, input=0)
    assert by_w.matrix.shape == (2, 6) and by_w.zeros == 6 and by_w.matches
    np.testing.assert_array_equal(by_w.product, walk.nodes[2].downstream[0])
    assert walk.local_jacobian(2, input=0, limit=11) is None
    with pytest.raises(ExpressionError, match="'W' is an input: it has no local Jacobian"):
        walk.local_jacobian(0)
    with pytest.raises(ExpressionError, match=r"node 5 \(relu\) has no input number 1"):
        walk.local_jacobian(5, input=1)


def test_a_gradient_graph_node_with_an_unrecorded_constant_refuses_its_local_jacobian():
    walk = parse("sum(max(0, x) * (1 - y))").walk(parse_values("x = [1, -2], y = [1, 0]"),
                                                   mode="hvp", direction="x")
    partial = [n for n in walk.nodes if n.primitive is not None and None in n.inputs]
    assert partial
    with pytest.raises(ExpressionError, match="constant input"):
        walk.local_jacobian(partial[0].id, 0)
