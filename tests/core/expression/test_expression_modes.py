"""Forward mode, Hessian-vector products and Jacobians in the lab, against PyTorch."""
import numpy as np
import pytest
from hypothesis import given, settings

from core.expression import ExpressionError, ForwardWalk, HvpWalk, parse, parse_values

from .helpers import formula_values, torch_function, torch_inputs, torch_steps

NEURON = "sigmoid(w0*x0 + w1*x1 + w2)"
NEURON_VALUES = parse_values("w0 = 2, x0 = -1, w1 = -3, x1 = -2, w2 = -3")
LAYER = "relu(W @ x + b)"
LAYER_VALUES = parse_values("W = [[1, -2, 0.5], [-1, 0.5, 2]], x = [2, -1, 1], b = [0.5, -0.5]")


def direction_for(expr, values, seed=0):
    rng = np.random.default_rng(seed)
    return {name: rng.normal(size=np.shape(values[name])) for name in expr.variables}


# ----- forward mode ---------------------------------------------------------------------
def test_forward_mode_pushes_value_and_tangent_node_by_node():
    walk = parse("(x + y) * z").walk(parse_values("x = -2, y = 5, z = -4"), mode="forward", direction="x")
    assert isinstance(walk, ForwardWalk) and walk.total_steps == 2
    assert [n.tangent.item() for n in walk.nodes if not n.primitive] == [1, 0, 0]
    constant = parse("2 * x").walk({"x": 1.0}, mode="forward", direction="x").run()
    assert constant.nodes[0].tangent is None and constant.tangent == 2
    assert walk.step() and walk.nodes[2].value == 3 and walk.nodes[2].tangent == 1
    assert walk.nodes[4].value is None and walk.tangent is None
    assert walk.step() and walk.phase == "done" and walk.tangent == -4 and walk.value == -12
    assert not walk.step() and walk.gradients is None
    assert all(n.grad is None for n in walk.nodes)           # no backward pass in this mode
    assert walk.reverse_dot == -4


def test_a_direction_per_variable_gives_the_directional_derivative():
    expr = parse(NEURON)
    walk = expr.walk(NEURON_VALUES, mode="forward", direction={"w0": 1.0, "x1": 2.0}).run()
    gradient = expr.walk(NEURON_VALUES).run().gradients
    assert walk.tangent == pytest.approx(gradient["w0"] + 2 * gradient["x1"])
    assert walk.reverse_dot == pytest.approx(float(walk.tangent))


@pytest.mark.parametrize("direction, message", [
    (None, "this mode needs a direction: a variable name or {variable: array}"),
    ("q", "direction: no variable 'q' in the formula"),
    ({"x": [1.0, 2.0]}, "direction for 'x': shape (2,) does not fit the variable's shape ()"),
    (3, "a direction is a variable name or a dict, got int"),
])
def test_bad_directions_are_refused(direction, message):
    with pytest.raises(ExpressionError) as caught:
        parse("x * y").walk({"x": 1, "y": 2}, mode="forward", direction=direction)
    assert str(caught.value) == message


def test_an_unknown_mode_is_refused():
    with pytest.raises(ExpressionError, match="mode must be 'reverse', 'forward' or 'hvp', got 'sideways'"):
        parse("x").walk({"x": 1}, mode="sideways")


@pytest.mark.parametrize("text, values", [(NEURON, NEURON_VALUES), (LAYER, LAYER_VALUES)])
def test_forward_tangents_of_every_node_match_torch_func_jvp(text, values):
    torch = pytest.importorskip("torch")
    expr = parse(text)
    direction = direction_for(expr, values)
    walk = expr.walk(values, mode="forward", direction=direction).run()
    primals = torch_inputs(expr, values)
    tangents = tuple(torch.tensor(direction[name]) for name in expr.variables)
    outs, touts = torch.func.jvp(
        lambda *ts: tuple(torch_steps(expr, dict(zip(expr.variables, ts)))), primals, tangents)
    ops_ = [n for n in walk.nodes if n.primitive]
    assert len(ops_) == len(outs)
    for node, value, tangent in zip(ops_, outs, touts):
        np.testing.assert_allclose(node.value, value.numpy(), rtol=1e-12)
        np.testing.assert_allclose(node.tangent, tangent.numpy(), rtol=1e-10, atol=1e-12)


# ----- Hessian-vector products -----------------------------------------------------------
def test_hvp_walk_steps_the_second_backward_through_the_recorded_gradient_graph():
    walk = parse("x * x * y").walk({"x": 3.0, "y": 2.0}, mode="hvp", direction="x")
    assert isinstance(walk, HvpWalk) and walk.hvp is None
    counts = walk.counts
    assert counts["function"] == 4 and counts["gradient"] > 0 and counts["second_pass"] > counts["function"]
    assert {n.part for n in walk.nodes} == {"function", "gradient", "product"}
    phases = []
    while walk.step():
        phases.append(walk.phase)
    assert phases[0] == "forward" and "gradient" in phases and phases[-1] == "done"
    assert phases.count("backward") + 1 == counts["second_pass"]
    # L = x²y: ∇L = (2xy, x²); H = [[2y, 2x], [2x, 0]]; H·(1, 0) = (2y, 2x) = (4, 6)
    assert {k: float(v) for k, v in walk.hvp.items()} == {"x": 4.0, "y": 6.0}
    assert {k: float(v) for k, v in walk.gradients.items()} == {"x": 12.0, "y": 9.0}
    fd = walk.finite_difference()
    assert float(fd["x"]) == pytest.approx(4.0) and float(fd["y"]) == pytest.approx(6.0)
    H, Hv = walk.explicit()
    np.testing.assert_allclose(H, [[4, 6], [6, 0]])
    np.testing.assert_allclose(Hv, [4, 6])
    assert len(walk.graph()) == walk.node_count == counts["function"] + counts["gradient"] + counts["product"]


def test_hvp_of_a_linear_formula_is_zero():
    walk = parse("2 * x + y").walk({"x": 1.0, "y": 2.0}, mode="hvp", direction="x").run()
    assert walk.phase == "done" and {k: float(v) for k, v in walk.hvp.items()} == {"x": 0.0, "y": 0.0}


@pytest.mark.parametrize("text, values", [(NEURON, NEURON_VALUES), (LAYER, LAYER_VALUES),
                                          ("log(sum(exp(s))) - sum(s * y)",
                                           parse_values("s = [3.2, 5.1, -1.7], y = [1, 0, 0]"))])
def test_hvp_matches_torch_finite_differences_and_the_explicit_hessian(text, values):
    torch = pytest.importorskip("torch")
    expr = parse(text)
    direction = direction_for(expr, values, seed=1)
    walk = expr.walk(values, mode="hvp", direction=direction).run()
    _, expected = torch.autograd.functional.hvp(
        torch_function(expr, summed=True), torch_inputs(expr, values),
        tuple(torch.tensor(direction[name]) for name in expr.variables))
    fd = walk.finite_difference()
    _, Hv = walk.explicit()
    flat = np.concatenate([np.ravel(walk.hvp[name]) for name in expr.variables])
    np.testing.assert_allclose(flat, Hv, rtol=1e-10, atol=1e-12)
    for name, e in zip(expr.variables, expected):
        np.testing.assert_allclose(walk.hvp[name], e.numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(walk.hvp[name], fd[name], rtol=1e-5, atol=1e-6)


# ----- Jacobians -------------------------------------------------------------------------
def torch_jacobian(expr, values):
    torch = pytest.importorskip("torch")
    parts = torch.autograd.functional.jacobian(torch_function(expr), torch_inputs(expr, values))
    m = int(np.prod(np.shape(parts[0])[:len(parts[0].shape) - np.ndim(values[expr.variables[0]])]))
    return np.hstack([p.numpy().reshape(m, -1) for p in parts])


@pytest.mark.parametrize("by", ["columns", "rows"])
def test_jacobian_both_ways_matches_torch_with_n_or_m_passes(by):
    expr = parse("W @ x + b")
    values = LAYER_VALUES
    J, passes = expr.jacobian(values, by=by)
    assert J.shape == (2, 6 + 3 + 2)
    assert passes == (11 if by == "columns" else 2)
    np.testing.assert_allclose(J, torch_jacobian(expr, values), rtol=1e-12)
    np.testing.assert_array_equal(J[:, 6:9], values["W"])            # ∂(Wx)/∂x = W
    np.testing.assert_array_equal(J[:, 9:], np.eye(2))                # ∂/∂b = I


def test_jacobian_passes_fill_one_column_or_row_at_a_time_and_count_their_cost():
    expr = parse(NEURON)
    columns = expr.jacobian_passes(NEURON_VALUES, by="columns")
    filled = []
    for j, column in columns:
        filled.append(j)
        assert np.isnan(columns.J[:, j + 1:]).all() and not np.isnan(columns.J[:, :j + 1]).any()
        assert column.shape == (1,)
    assert filled == [0, 1, 2, 3, 4]
    rows = expr.jacobian_passes(NEURON_VALUES, by="rows")
    rows.run()
    np.testing.assert_allclose(rows.J, columns.J, rtol=1e-12)
    assert (columns.cost.passes, rows.cost.passes) == (5, 1)          # a scalar of 5 inputs
    assert columns.cost.primitive_evaluations == 5 * 5                 # every op, once per JVP pass
    assert rows.cost.primitive_evaluations == 5 + 5                    # one forward, one VJP per op
    assert columns.cost.seconds > 0 and rows.cost.shape == (1, 5)


def test_a_curve_of_one_input_is_one_forward_pass():
    expr = parse("t * v")
    cost_columns = expr.jacobian_passes({"t": 0.5, "v": np.ones(4)}, by="columns")
    J, passes = cost_columns.run()
    assert passes == 5 and J.shape == (4, 5)
    assert expr.jacobian({"t": 0.5, "v": np.ones(4)}, by="rows")[1] == 4
    with pytest.raises(ExpressionError, match="by must be 'columns' or 'rows'"):
        expr.jacobian({"t": 0.5, "v": np.ones(4)}, by="diagonals")


# ----- random formulas, all three modes ----------------------------------------------------
@settings(max_examples=60)
@given(formula_values())
def test_random_formulas_in_forward_mode_match_reverse_and_torch(case):
    torch = pytest.importorskip("torch")
    text, values = case
    expr = parse(text)
    values = {k: values[k] for k in expr.variables}
    direction = direction_for(expr, values, seed=2)
    walk = expr.walk(values, mode="forward", direction=direction).run()
    _, tangent = torch.func.jvp(torch_function(expr), torch_inputs(expr, values),
                                tuple(torch.tensor(direction[k]) for k in expr.variables))
    np.testing.assert_allclose(walk.tangent, tangent.numpy(), rtol=1e-9, atol=1e-10)
    assert walk.reverse_dot == pytest.approx(float(np.sum(walk.tangent)), rel=1e-9, abs=1e-10)


@settings(max_examples=40)
@given(formula_values())
def test_random_formulas_hvp_matches_torch(case):
    torch = pytest.importorskip("torch")
    text, values = case
    expr = parse(text)
    values = {k: values[k] for k in expr.variables}
    direction = direction_for(expr, values, seed=3)
    walk = expr.walk(values, mode="hvp", direction=direction).run()
    _, expected = torch.autograd.functional.hvp(
        torch_function(expr, summed=True), torch_inputs(expr, values),
        tuple(torch.tensor(direction[k]) for k in expr.variables))
    for name, e in zip(expr.variables, expected):
        np.testing.assert_allclose(walk.hvp[name], e.numpy(), rtol=1e-8, atol=1e-9)


@settings(max_examples=40)
@given(formula_values())
def test_random_formulas_jacobians_agree_both_ways_and_with_torch(case):
    pytest.importorskip("torch")
    text, values = case
    expr = parse(text)
    values = {k: values[k] for k in expr.variables}
    by_columns, n = expr.jacobian(values, by="columns")
    by_rows, m = expr.jacobian(values, by="rows")
    assert by_columns.shape == (m, n) == by_rows.shape
    np.testing.assert_allclose(by_columns, by_rows, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(by_columns, torch_jacobian(expr, values), rtol=1e-9, atol=1e-12)
