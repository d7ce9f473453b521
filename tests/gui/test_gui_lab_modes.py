"""The lab's forward mode, Hessian-vector products, Jacobians, and its state in sessions and settings."""
import json

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QImage
from PySide6.QtWidgets import QComboBox, QFileDialog, QLabel, QPushButton

from core.expression import BY_KEY, parse, parse_values
from core.training.session import Session
from gui.lab.workspace import SETTINGS_KEY

NEURON = BY_KEY["sigmoid_neuron"]


@pytest.fixture
def lab(window):
    window.workspaces.show("lab")
    return window.lab


def load(lab, example, mode="reverse", direction=""):
    lab.set_state({"expression": example.expression, "values": example.values, "mode": mode,
                   "direction": direction, "expand": example.expand})
    assert lab.walk is not None and lab.walk.mode == mode


def test_forward_mode_shows_dual_numbers_and_the_tangent_equals_the_reverse_dot(window, lab):
    load(lab, NEURON, "forward", "x1")
    step = window.findChild(QAction, "action_lab_step")
    while step.isEnabled():
        step.trigger()
    walk = lab.walk
    assert walk.gradients is None and walk.steps_done == walk.op_count   # no backward pass
    assert float(walk.tangent) == pytest.approx(-0.5898, abs=1e-4)        # ∂f/∂x1
    assert walk.reverse_dot == pytest.approx(float(walk.tangent))
    out = lab.graph_view.node_items[walk.output.id]
    assert out.value_text[0].text() == "= 0.731" and out.grad_text[0].text() == "ẋ −0.59"
    text = lab.results.text()
    assert "Reverse gradient · v" in text and "equal ✓" in text
    assert "(0.7311, -0.5898)" in walk.message   # the dual number (v, v̇)


def test_a_typed_direction_vector_is_used(window, lab):
    load(lab, BY_KEY["add_mul"], "forward", "x = 1, y = 2, z = 0.5")
    lab.run()
    # ∇f = (z, z, x + y) = (−4, −4, 3): ∇f·v = −4 − 8 + 1.5
    assert float(lab.walk.tangent) == pytest.approx(-10.5)


def test_a_bad_direction_shows_in_lab_error(window, lab, dialogs):
    load(lab, BY_KEY["add_mul"], "forward", "x")
    walk = lab.walk
    lab.form.direction.setText("q")
    assert not lab.build()
    error = window.findChild(QLabel, "lab_error")
    assert error.isVisible() and "<b>Direction</b>" in error.text() and "'q'" in error.text()
    assert lab.walk is walk and dialogs.shown == []


def test_hvp_mode_draws_the_gradient_graph_and_agrees_with_differences_and_explicit_h(window, lab):
    load(lab, NEURON, "hvp", "w0")
    walk = lab.walk
    counts = walk.counts
    assert len(lab.graph_view.node_items) == len(walk.nodes)
    assert counts["function"] + counts["gradient"] + counts["product"] == len(walk.nodes)
    lab.run()
    values = parse_values(NEURON.values)
    H, _ = parse(NEURON.expression).walk(values, mode="hvp", direction="w0").run().explicit()
    got = np.array([float(walk.hvp[n]) for n in ("w0", "x0", "w1", "x1", "w2")])
    np.testing.assert_allclose(got, H[:, 0], atol=1e-10)
    text = lab.results.text()
    assert "finite difference" in text and "agrees ✓" in text and "formed explicitly" in text
    assert f"visits <b>{counts['second_pass']}</b>" in text


@pytest.mark.parametrize("mode", ["reverse", "forward", "hvp"])
def test_each_mode_steps_repeatedly_to_the_run_result(window, lab, mode):
    load(lab, BY_KEY["svm_loss"], mode, "W")
    while lab.walk.step():
        pass
    stepped = lab.walk
    lab.reset()
    lab.run()
    result = {"reverse": "gradients", "forward": "tangent", "hvp": "hvp"}[mode]
    a, b = getattr(stepped, result), getattr(lab.walk, result)
    if isinstance(a, dict):
        for name in a:
            np.testing.assert_array_equal(a[name], b[name])
    else:
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("by, passes", [("columns", "n"), ("rows", "m")])
def test_the_jacobian_reveal_completes_with_n_or_m_passes(window, lab, qtbot, by, passes):
    load(lab, BY_KEY["relu_layer"])
    reveal = lab.reveal
    m, n = 2, 6 + 3 + 2
    with qtbot.waitSignal(reveal.sig_finished, timeout=10000):
        reveal.start(by, interval=1)
    J = reveal.matrix()
    assert J.shape == (m, n) and not np.isnan(J).any()
    expected, _ = parse(BY_KEY["relu_layer"].expression).jacobian(parse_values(BY_KEY["relu_layer"].values))
    np.testing.assert_allclose(J, expected)
    assert reveal.costs[by].passes == {"n": n, "m": m}[passes]
    assert reveal.costs["columns"].passes == n and reveal.costs["rows"].passes == m   # side by side
    assert window.findChild(QLabel, "lab_cost_rows_passes").text() == str(m)
    assert window.findChild(QLabel, "lab_cost_columns_passes").text() == str(n)
    assert reveal.table.item(0, 0).text() == "2"


def test_the_inspector_forms_a_vector_ops_jacobian_explicitly(window, lab):
    load(lab, BY_KEY["relu_layer"])
    lab.run()
    matmul = next(n.id for n in lab.walk.nodes if n.op == "matmul")
    lab.select_node(matmul)
    assert lab.inspector.node_id == matmul and "matmul" in lab.inspector.header.text()
    panel = lab.local_jacobian
    assert not panel.isHidden()
    window.findChild(QPushButton, "lab_form_jacobian").click()
    assert panel.formed.matrix.shape == (2, 6) and panel.formed.matches
    assert panel.table.rowCount() == 2 and panel.table.item(1, 0).text() == "0"   # zeros visible
    text = panel.summary.text()
    assert "96 bytes" in text and "48 bytes" in text and "equal ✓" in text


def test_lab_state_is_saved_in_and_restored_from_a_session_file(window, lab, dialogs, tmp_path, monkeypatch):
    load(lab, NEURON, "forward", "w1")
    lab.actions_.expand.setChecked(True)
    path = tmp_path / "lab.bpsession"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(path), ""))
    window.file_actions.save_session()
    assert Session.load(path).lab == lab.state()
    saved = lab.state()
    load(lab, BY_KEY["add_mul"])
    window.file_actions.open_session_file(str(path))
    assert lab.state() == saved and lab.walk.mode == "forward" and lab.walk.expand
    assert dialogs.shown == []


def test_an_old_session_without_a_lab_keeps_the_lab(window, lab, tmp_path):
    load(lab, BY_KEY["shared_input"])
    session = Session()
    session.save(tmp_path / "old.bpsession")
    window.file_actions.open_session_file(str(tmp_path / "old.bpsession"))
    assert lab.state()["expression"] == BY_KEY["shared_input"].expression
    assert window.app_model.session.lab == lab.state()


def test_the_lab_is_remembered_between_runs(qtbot, dialogs):
    from gui import MainWindow
    first = MainWindow()
    qtbot.addWidget(first)
    first.lab.form.expression.setText("exp(a) * b")
    first.lab.form.values.setText("a = 0, b = 3")
    first.lab.build()
    stored = QSettings("BackpropStudio", "Backprop Studio").value(SETTINGS_KEY)
    assert json.loads(stored)["values"] == "a = 0, b = 3"
    second = MainWindow()
    qtbot.addWidget(second)
    assert second.lab.form.expression.text() == "exp(a) * b" and second.lab.walk is not None


def test_the_lab_graph_exports_as_an_image(window, lab, tmp_path, monkeypatch):
    path = tmp_path / "lab.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(path), ""))
    window.findChild(QAction, "action_export_graph").trigger()
    assert window.file_actions.graph_view is lab.graph_view   # the trainer's export path draws the lab
    assert not QImage(str(path)).isNull()
    window.workspaces.show("trainer")
    assert window.file_actions.graph_view is window.graph_view


@pytest.mark.parametrize("mode", ["reverse", "forward", "hvp"])
def test_every_node_of_every_mode_opens_in_the_inspector(window, lab, mode, dialogs):
    load(lab, BY_KEY["svm_loss"], mode, "x")
    lab.run()
    for node in lab.walk.nodes:
        lab.select_node(node.id)
        assert lab.inspector.node_id == node.id
        if not lab.local_jacobian.isHidden():
            lab.local_jacobian.form()
            assert lab.local_jacobian.formed is None or lab.local_jacobian.formed.matrix.ndim == 2
    assert dialogs.shown == []


def test_the_mode_box_rebuilds_the_walk_in_its_mode(window, lab):
    load(lab, BY_KEY["add_mul"], "reverse", "z")
    mode = window.findChild(QComboBox, "lab_mode")
    assert [mode.itemText(i) for i in range(3)] == ["Reverse mode", "Forward mode", "Hessian-vector product"]
    mode.setCurrentIndex(1)
    assert lab.walk.mode == "forward" and lab.form.direction.isEnabled()
    lab.run()
    assert float(lab.walk.tangent) == pytest.approx(3.0)   # ∂f/∂z = x + y
    mode.setCurrentIndex(2)
    assert lab.walk.mode == "hvp"
    lab.run()
    assert [float(lab.walk.hvp[n]) for n in "xyz"] == [1.0, 1.0, 0.0]   # H·e_z: ∂²f/∂z∂(x, y, z)


def test_an_example_loads_in_forward_mode_along_its_first_variable(window, lab):
    load(lab, NEURON, "forward", "w1")
    window.findChild(QAction, "action_lab_example_shared_input").trigger()
    assert lab.walk.mode == "forward" and not window.findChild(QLabel, "lab_error").isVisible()
    lab.run()
    assert float(lab.walk.tangent) == pytest.approx(2.0)   # ∂e/∂a along a
