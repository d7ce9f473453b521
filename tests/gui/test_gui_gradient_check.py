"""The inspector's "Check numerically" button, driven through the window."""
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction


def trigger(window, *names):
    for name in names:
        window.findChild(QAction, name).trigger()


def node_named(window, name):
    return next(n.id for n in window.snapshot().graph if n.name == name)


def test_check_numerically_shows_agreeing_rows_until_the_next_iteration(window, qtbot, dialogs):
    check = window.inspector.gradient_check
    trigger(window, "action_forward", "action_loss")
    window.graph_view.select_node(node_named(window, "0.weight"))
    assert check.isVisible() and not check.button.isEnabled()   # no gradient yet

    trigger(window, "action_backward")
    window.refresh()
    assert check.button.isEnabled()
    qtbot.mouseClick(check.button, Qt.LeftButton)
    text = check.table.text()
    lines = text.splitlines()
    assert lines[0].split() == ["entry", "analytic", "numeric", "rel.", "error"]
    assert len(lines) == 1 + 6 and all(line.strip().startswith("[") for line in lines[1:])
    assert "agree to" in check.verdict.text() and dialogs.shown == []

    window.graph_view.select_node(node_named(window, "0.bias"))   # another node: rows dropped
    assert check.table.text() == "" and check.table.isHidden()
    window.graph_view.select_node(node_named(window, "0.weight"))
    qtbot.mouseClick(check.button, Qt.LeftButton)
    assert check.table.text() == text

    trigger(window, "action_update", "action_forward")           # the next iteration
    window.refresh()
    assert check.table.text() == "" and not check.button.isEnabled()


def test_only_parameter_nodes_offer_the_check(window):
    trigger(window, "action_forward", "action_loss", "action_backward")
    window.graph_view.select_node(next(n.id for n in window.snapshot().graph if n.op == "relu"))
    assert not window.inspector.gradient_check.isVisible()


def test_a_failed_check_is_reported_not_fatal(window, dialogs):
    window.check_gradient("nope")
    assert dialogs.kinds() == ["critical"] and "Gradient check failed" in dialogs.shown[0][1]
