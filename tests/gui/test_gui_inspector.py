"""The node inspector's numbers are the trainer's numbers, and show downstream = local · upstream."""
import numpy as np
import pytest
from PySide6.QtGui import QAction

from core.training import TrainerConfig, build_trainer
from gui.array_view import TABLE_MAX, fmt
from gui.chain_rule import chain_check
from gui.inspector import Inspector, check_table


def trigger(window, *names):
    for name in names:
        window.findChild(QAction, name).trigger()


def first(snapshot, op):
    return next(n for n in snapshot.graph if n.op == op)


@pytest.fixture
def backward_done():
    trainer = build_trainer(TrainerConfig())
    for _ in range(3):
        trainer.step_phase()
    return trainer, trainer.snapshot()


def inspect(qtbot, snapshot, node_id):
    inspector = Inspector()
    qtbot.addWidget(inspector)
    inspector.show_snapshot(snapshot)
    inspector.set_node(node_id)
    return inspector


def test_value_and_gradients_are_the_snapshots(qtbot, backward_done):
    _, snapshot = backward_done
    relu = first(snapshot, "relu")
    inspector = inspect(qtbot, snapshot, relu.id)
    assert np.array_equal(inspector.value.values, relu.value)
    assert np.array_equal(inspector.upstream.values, relu.upstream)
    assert np.array_equal(inspector.sections[0].array.values, relu.downstream[0])
    assert "relu" in inspector.header.text() and relu.formula in inspector.local.text()


def test_elementwise_rows_multiply_out(backward_done):
    _, snapshot = backward_done
    relu = first(snapshot, "relu")
    values = {n.id: n.value for n in snapshot.graph}
    check = chain_check(relu, 0, values)
    assert check.headers[-1] == "= downstream" and len(check.rows) == 4
    locals_seen = set()
    for entry, x, upstream, local, downstream in check.rows:
        index = tuple(int(i) for i in entry.strip("[]").split(","))
        assert x == values[relu.inputs[0]][index]
        assert upstream == relu.upstream[index] and downstream == relu.downstream[0][index]
        assert local == (1.0 if x > 0 else 0.0)
        assert upstream * local == pytest.approx(downstream)
        locals_seen.add(local)
    assert locals_seen == {0.0, 1.0}     # the rows show the gate both open and closed


@pytest.mark.parametrize("activation, local", [
    ("tanh", lambda x: 1 - np.tanh(x) ** 2),
    ("sigmoid", lambda x: 0.5 * (1 + np.tanh(0.5 * x)) * (1 - 0.5 * (1 + np.tanh(0.5 * x))))])
def test_the_activation_shows_upstream_times_local_rows(qtbot, activation, local):
    """A fused elementwise op (sigmoid) shows its worked rows as tanh does."""
    trainer = build_trainer(TrainerConfig(activation=activation))
    for _ in range(3):
        trainer.step_phase()
    snapshot = trainer.snapshot()
    node = first(snapshot, activation)
    assert node.structure == "elementwise" and node.fused == (activation == "sigmoid")
    inspector = inspect(qtbot, snapshot, node.id)
    section = inspector.sections[0]
    assert section.chain is not None and not section.check.isHidden()
    assert section.chain.headers == ("entry", "input", "upstream", "× local", "= downstream")
    assert len(section.chain.rows) == 4 and "= downstream" in section.check.text()
    for _entry, x, upstream, factor, downstream in section.chain.rows:
        assert factor == pytest.approx(local(x), rel=1e-9)
        assert upstream * factor == pytest.approx(downstream, rel=1e-9, abs=1e-15)


def test_a_matrix_product_entry_is_a_dot_product(backward_done):
    _, snapshot = backward_done
    product = first(snapshot, "matmul")
    values = {n.id: n.value for n in snapshot.graph}
    for k in (0, 1):
        if product.downstream[k] is None:
            continue
        for _, dot, downstream in chain_check(product, k, values).rows:
            assert dot == pytest.approx(downstream, rel=1e-12, abs=1e-15)


def test_a_broadcast_bias_sums_the_upstream_gradient(backward_done):
    _, snapshot = backward_done
    add = next(n for n in snapshot.graph if n.op == "add" and len(n.shape) == 2)
    check = chain_check(add, 1, {n.id: n.value for n in snapshot.graph})
    for (_entry, total, local, downstream), j in zip(check.rows, range(4)):
        assert total == pytest.approx(add.upstream[:, j].sum())
        assert local == pytest.approx(1.0) and downstream == pytest.approx(total)


def test_the_jacobian_that_is_never_formed_is_named_with_its_bytes(qtbot, backward_done):
    _, snapshot = backward_done
    product = first(snapshot, "matmul")
    inspector = inspect(qtbot, snapshot, product.id)
    z, x = product.jacobians[0]["jacobian_shape"]
    assert f"{z:,}×{x:,}" in inspector.local.text() and "never formed" in inspector.local.text()


def test_small_arrays_are_tables_and_large_ones_heat_maps(qtbot, backward_done):
    _, snapshot = backward_done
    bias = next(n for n in snapshot.graph if n.name == "4.bias")          # 3 numbers
    inspector = inspect(qtbot, snapshot, bias.id)
    view = inspector.upstream
    assert view.stack.currentWidget() is view.table
    assert [view.table.item(0, c).text() for c in range(3)] == [fmt(v) for v in bias.upstream]
    relu = first(snapshot, "relu")                                        # 240×16
    inspector.set_node(relu.id)
    assert relu.upstream.shape[0] > TABLE_MAX
    assert inspector.upstream.stack.currentWidget() is inspector.upstream.plot
    low, high = inspector.upstream.colour_bar.levels()
    assert low == -high and high == pytest.approx(np.abs(relu.upstream).max())


def test_a_parameter_after_the_update_shows_before_step_and_after(qtbot, backward_done):
    trainer, _ = backward_done
    trainer.step_phase()
    snapshot = trainer.snapshot()
    weight = next(n for n in snapshot.graph if n.name == "0.weight")
    update = snapshot.last_update["0.weight"]
    inspector = inspect(qtbot, snapshot, weight.id)
    assert not inspector.before.isHidden()
    assert np.array_equal(inspector.before.values, update["before"])
    assert np.array_equal(inspector.step.values, update["step"])
    assert np.array_equal(inspector.after.values, update["after"])
    assert np.allclose(update["before"] + update["step"], update["after"])
    assert np.allclose(update["step"], -trainer.lr * weight.upstream)   # plain SGD


def test_the_window_inspector_follows_the_phases(window, qtbot):
    trigger(window, "action_forward", "action_loss")
    snapshot = window.trainer.snapshot()
    window.graph_view.select_node(snapshot.scores_node)
    assert window.inspector.upstream.values is None
    trigger(window, "action_backward")
    window.refresh()
    scores = next(n for n in window.trainer.snapshot().graph if n.id == snapshot.scores_node)
    assert np.array_equal(window.inspector.upstream.values, scores.upstream)
    assert window.inspector.sections[0].chain is not None


def test_check_tables_line_up():
    from gui.chain_rule import ChainCheck
    text = check_table(ChainCheck("", ("entry", "x"), (("[0]", 1.5), ("[10]", -0.25))))
    lines = text.splitlines()
    assert len({len(line) for line in lines}) == 1 and lines[2].endswith("−0.25")


def test_next_node_opens_the_active_node_in_the_inspector(window):
    trigger(window, "action_forward", "action_loss")
    for _ in range(3):
        trigger(window, "action_step_node")
        window.refresh()
        snapshot = window.trainer.snapshot()
        shown = window.graph_view.shown_as.get(snapshot.active_node, snapshot.active_node)
        assert window.inspector.node_id == shown == window.graph_view.selected   # a layer: its output
        active = snapshot.graph[shown]
        assert np.array_equal(window.inspector.upstream.values, active.upstream)
