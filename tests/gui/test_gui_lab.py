"""The Lab workspace: typing the lecture's formulas, stepping them, errors under the line edits."""
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QDockWidget, QLabel, QLineEdit

from core.expression import EXAMPLES, parse, parse_values
from gui.graph_view import GraphView


def find(window, kind, name):
    found = window.findChild(kind, name)
    assert found is not None, name
    return found


@pytest.fixture
def lab(window):
    window.workspaces.show("lab")
    return window.lab


def type_formula(window, qtbot, expression, values):
    for name, text in (("lab_expression", expression), ("lab_values", values)):
        edit = find(window, QLineEdit, name)
        edit.clear()
        qtbot.keyClicks(edit, text)
    find(window, QAction, "action_lab_build").trigger()


def step_to_end(window, lab):
    step = find(window, QAction, "action_lab_step")
    count = 0
    while step.isEnabled():
        step.trigger()
        count += 1
    assert lab.walk.finished
    return count


def test_the_lab_is_a_second_workspace_with_its_own_actions(window, lab):
    assert isinstance(find(window, GraphView, "lab_graph_view"), GraphView)
    assert find(window, QComboBox, "lab_mode").count() == 3
    assert not window.steps.toolbar.isVisible()
    shown = [d for d in window.findChildren(QDockWidget) if d.isVisible()]
    assert shown in ([], [window.lesson_dock])   # the trainer's docks are hidden; lessons guide both
    assert not find(window, QAction, "action_forward").isEnabled()
    assert not find(window, QAction, "action_step").isEnabled()
    assert window.workspaces.menu.menuAction().isVisible()
    window.workspaces.show("trainer")
    assert window.steps.toolbar.isVisible() and find(window, QAction, "action_forward").isEnabled()
    assert window.inspector_dock.isVisible() and not window.workspaces.menu.menuAction().isVisible()


def test_typing_add_mul_and_stepping_gives_the_lecture_gradients(window, lab, qtbot):
    type_formula(window, qtbot, "(x + y) * z", "x = -2, y = 5, z = -4")
    steps = step_to_end(window, lab)
    assert steps == lab.walk.total_steps
    assert lab.walk.value == pytest.approx(-12)
    grads = lab.walk.gradients
    assert (grads["x"], grads["y"], grads["z"]) == (pytest.approx(-4), pytest.approx(-4), pytest.approx(3))
    view = lab.graph_view
    leaf = next(n for n in lab.walk.nodes if n.variable == "z")
    assert view.node_items[leaf.id].grad_text[0].text() == "∂f 3"   # a plain number, as draw_dot


def test_the_sigmoid_neuron_stepped_node_by_node_gives_0_73_and_its_gradients(window, lab, qtbot):
    type_formula(window, qtbot, "sigmoid(w0*x0 + w1*x1 + w2)", "w0 = 2, x0 = -1, w1 = -3, x1 = -2, w2 = -3")
    step_to_end(window, lab)
    assert float(lab.walk.value) == pytest.approx(0.73, abs=0.005)
    got = [float(lab.walk.gradients[name]) for name in ("w0", "x0", "w1", "x1", "w2")]
    assert got == pytest.approx([-0.20, 0.39, -0.39, -0.59, 0.20], abs=0.005)
    assert "0.7311" in lab.results.text() and "−0.5898" in lab.results.text()
    assert lab.inspector.node_id == lab.walk.active   # the inspector follows the stepped node


def test_step_repeated_equals_run(window, lab, qtbot):
    type_formula(window, qtbot, "sum(max(0, W @ x - 1)) + sum(W ** 2)", "W = [[1, -2], [3, 0.5]], x = [2, 1]")
    step_to_end(window, lab)
    stepped = {k: v.copy() for k, v in lab.walk.gradients.items()}
    find(window, QAction, "action_lab_reset").trigger()
    assert not lab.walk.finished and lab.walk.steps_done == 0
    find(window, QAction, "action_lab_run").trigger()
    assert lab.walk.finished and not find(window, QAction, "action_lab_step").isEnabled()
    for name, g in lab.walk.gradients.items():
        np.testing.assert_array_equal(g, stepped[name])


def test_a_bad_expression_shows_its_column_and_keeps_the_graph(window, lab, qtbot, dialogs):
    type_formula(window, qtbot, "(x + y) * z", "x = -2, y = 5, z = -4")
    walk, structure = lab.walk, lab.graph_view.structure
    type_formula(window, qtbot, "x + foo(y)", "x = -2, y = 5, z = -4")
    error = find(window, QLabel, "lab_error")
    assert error.isVisible() and "unknown function 'foo' at column 5" in error.text()
    assert "column 5" in error.text() and "background" in error.text()   # the column is marked
    assert lab.walk is walk and lab.graph_view.structure == structure
    assert find(window, QLineEdit, "lab_expression").text() == "x + foo(y)"   # nothing is lost
    assert dialogs.shown == []                                               # nothing pops up
    type_formula(window, qtbot, "x * z", "x = -2, y = 5")
    assert "no value for variable 'z'" in error.text()
    type_formula(window, qtbot, "x * y", "x = -2, y = [1, 2")
    assert error.text().startswith("<b>Values</b>")
    type_formula(window, qtbot, "x * y", "x = -2, y = 5")
    assert not error.isVisible() and lab.walk is not walk


def test_fused_and_expanded_node_counts_are_both_shown(window, lab, qtbot):
    type_formula(window, qtbot, "sigmoid(w0*x0 + w1*x1 + w2)", "w0 = 2, x0 = -1, w1 = -3, x1 = -2, w2 = -3")
    values = parse_values("w0 = 2, x0 = -1, w1 = -3, x1 = -2, w2 = -3")
    fused, expanded = (parse("sigmoid(w0*x0 + w1*x1 + w2)").node_count(values, e) for e in (False, True))
    assert expanded > fused and lab.counts == (fused, expanded)
    assert f"<b>{fused}</b> fused, <b>{expanded}</b> expanded" in lab.results.text()
    assert len(lab.graph_view.node_items) == fused
    find(window, QAction, "action_lab_expand").trigger()
    assert lab.walk.expand and len(lab.graph_view.node_items) == expanded
    step_to_end(window, lab)
    assert float(lab.walk.gradients["x1"]) == pytest.approx(-0.5898, abs=1e-4)


def test_a_vector_output_says_it_was_summed_for_backward(window, lab, qtbot):
    type_formula(window, qtbot, "relu(W @ x + b)",
                 "W = [[1, -2, 0.5], [-1, 0.5, 2]], x = [2, -1, 1], b = [0.5, -0.5]")
    assert lab.walk.summed_output and lab.walk.note in lab.results.text()
    assert "gradient of the sum" in lab.walk.note


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.key for e in EXAMPLES])
def test_the_examples_menu_loads_each_example(window, lab, example):
    find(window, QAction, f"action_lab_example_{example.key}").trigger()
    assert find(window, QLineEdit, "lab_expression").text() == example.expression
    assert find(window, QLineEdit, "lab_values").text() == example.values
    assert lab.walk.expand == example.expand and not find(window, QLabel, "lab_error").isVisible()
    lab.run()
    expected = parse(example.expression).walk(parse_values(example.values), expand=example.expand).run()
    for name, g in expected.gradients.items():
        np.testing.assert_allclose(lab.walk.gradients[name], g)


def test_the_shared_input_example_gives_2_and_5(window, lab):
    find(window, QAction, "action_lab_example_shared_input").trigger()
    lab.run()
    assert (float(lab.walk.gradients["a"]), float(lab.walk.gradients["b"])) == (2.0, 5.0)


def test_lab_shortcuts_do_not_fire_in_the_trainer(window, qtbot):
    window.workspaces.show("lab")
    window.lab.form.expression.setFocus()
    before = window.lab.walk.steps_done
    qtbot.keyClick(window.lab.form.expression, Qt.Key_F10)
    assert window.lab.walk.steps_done == before + 1
    window.workspaces.show("trainer")
    window.graph_view.setFocus()
    qtbot.keyClick(window.graph_view, Qt.Key_F10)
    assert window.lab.walk.steps_done == before + 1


def test_the_lab_graph_follows_the_theme_and_text_scale(window):
    window.lecture.appearance.set_presenting(True, 2.0)
    assert window.lab.graph_view.text_scale == 2.0 == window.graph_view.text_scale
    window.lecture.appearance.set_presenting(False)
    assert window.lab.graph_view.text_scale == 1.0
