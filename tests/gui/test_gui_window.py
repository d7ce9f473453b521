"""The main window: opening state, the step actions and their enabled states, errors, divergence,
rebuilding, live settings and what persists between runs."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from core.data import Dataset
from core.training import Phase, TrainerConfig, build_trainer
from core.training.graph_groups import collapse, linear_groups

ROOT = Path(__file__).resolve().parents[2]
STEP_ACTIONS = ("action_forward", "action_loss", "action_backward", "action_step_node",
                "action_update", "action_step", "action_play", "action_reset")


def shown_ids(graph):
    """The node ids the graph view draws: each linear layer as one node."""
    return {n.id for n in collapse(graph, linear_groups(graph))}


def action(window, name):
    return window.findChild(QAction, name)


def enabled(window):
    return {name for name in STEP_ACTIONS if action(window, name).isEnabled()}


def test_the_window_opens_on_the_default_spiral_mlp_with_its_graph_drawn(window):
    trainer = window.trainer
    assert trainer.config == TrainerConfig()
    assert trainer.phase is Phase.FORWARD and trainer.iteration == 0
    assert window.graph_view.objectName() == "graph_view"
    snapshot = trainer.snapshot()
    assert set(window.graph_view.node_items) == shown_ids(snapshot.graph)   # a layer is one node
    assert all(n.value is None for n in snapshot.graph)
    assert enabled(window) == {"action_forward", "action_step", "action_play", "action_reset"}
    assert "Forward" in window.hint.text()
    assert window.steps.toolbar.widgetForAction(action(window, "action_forward")).property("next")
    available = window.screen().availableGeometry()   # the first window fits the screen
    # (this offscreen screen is 800×800: narrower than the docks' minimum, which then wins)
    fitted = min(1280, max(available.width(), window.minimumSizeHint().width()))
    assert window.width() == fitted and window.height() <= available.height()


def test_every_step_action_has_a_shortcut_and_a_one_sentence_tooltip(window):
    for name in STEP_ACTIONS:
        a = action(window, name)
        assert not a.shortcut().isEmpty(), name
        assert a.toolTip().count(".") == 1 and a.toolTip().endswith("."), a.toolTip()


def test_the_phase_actions_walk_through_one_iteration(window):
    t = window.trainer
    action(window, "action_forward").trigger()
    assert t.phase is Phase.LOSS
    assert enabled(window) == {"action_loss", "action_step", "action_play", "action_reset"}
    action(window, "action_loss").trigger()
    assert t.phase is Phase.BACKWARD
    assert enabled(window) == {"action_backward", "action_step_node", "action_step",
                               "action_play", "action_reset"}
    action(window, "action_backward").trigger()
    assert t.phase is Phase.UPDATE
    assert enabled(window) == {"action_update", "action_step", "action_play", "action_reset"}
    action(window, "action_update").trigger()
    assert t.phase is Phase.FORWARD and t.iteration == 1
    assert window.status_labels["iteration"].text() == "Iteration 1"
    assert window.status_labels["loss"].text().startswith("Loss ")


def test_next_node_steps_backward_one_node_at_a_time(window):
    t = window.trainer
    action(window, "action_forward").trigger()
    action(window, "action_loss").trigger()
    action(window, "action_step_node").trigger()
    action(window, "action_step_node").trigger()
    snapshot = t.snapshot()
    assert t.phase is Phase.BACKWARD and len(snapshot.done_nodes) == 2
    while t.phase is Phase.BACKWARD:
        action(window, "action_step_node").trigger()
    assert t.phase is Phase.UPDATE


def test_step_finishes_the_iteration_from_anywhere_and_reset_starts_over(window):
    t = window.trainer
    action(window, "action_forward").trigger()
    action(window, "action_step").trigger()
    assert t.iteration == 1 and t.phase is Phase.FORWARD
    action(window, "action_step").trigger()
    assert t.iteration == 2
    action(window, "action_reset").trigger()
    assert t.iteration == 0 and t.history["train_loss"] == []
    assert window.trainer is t


def test_expanded_loss_shows_the_loss_as_elementary_ops(window):
    fused = len(window.graph_view.node_items)
    action(window, "action_expand_loss").trigger()
    assert window.trainer.expand_loss
    ops = {n.op for n in window.trainer.snapshot().graph}
    assert len(window.graph_view.node_items) > fused and {"exp", "log", "max"} <= ops
    action(window, "action_expand_loss").trigger()
    assert len(window.graph_view.node_items) == fused


def test_an_exception_in_a_trainer_call_is_shown_and_the_window_lives_on(window, dialogs, monkeypatch):
    def broken():
        raise RuntimeError("something broke")

    monkeypatch.setattr(window.trainer, "step_phase", broken)
    action(window, "action_forward").trigger()
    assert dialogs.kinds() == ["critical"]
    assert "something broke" in dialogs.shown[0][2]
    monkeypatch.undo()
    action(window, "action_step").trigger()   # still works
    assert window.trainer.iteration == 1


def test_divergence_shows_a_banner_and_leaves_only_undo_and_reset(window):
    window.trainer.lr = 1e6
    for _ in range(30):
        if window.trainer.diverged is not None:
            break
        action(window, "action_step").trigger()
    assert window.trainer.diverged is not None
    assert window.banner.isVisible() and "diverged" in window.banner.text()
    assert "Diverged" in window.statusBar().currentMessage()
    assert enabled(window) == {"action_reset"} and action(window, "action_undo").isEnabled()
    assert "Undo the last steps" in window.banner.text()
    action(window, "action_reset").trigger()
    assert window.trainer.diverged is None and not window.banner.isVisible()
    assert not window.statusBar().currentMessage().startswith("Diverged")   # it says Ctrl+Z undoes


def test_rebuild_asks_first_once_trained_and_keeps_the_old_trainer_on_no(window, dialogs):
    old = window.trainer
    old.run(3)
    dialogs.answer = QMessageBox.No
    window.setup_panel.sig_rebuild_requested.emit(TrainerConfig(model="svm", loss="hinge"))
    assert dialogs.kinds() == ["question"] and window.trainer is old
    dialogs.answer = QMessageBox.Yes
    window.setup_panel.sig_rebuild_requested.emit(TrainerConfig(model="svm", loss="hinge"))
    assert window.trainer is not old and window.trainer.config.model == "svm"
    assert {n.op for n in window.trainer.snapshot().graph} >= {"multiclass_hinge_loss"}
    assert set(window.graph_view.node_items) == shown_ids(window.trainer.snapshot().graph)


def test_settings_that_cannot_build_are_reported_and_the_old_trainer_kept(window, dialogs):
    old = window.trainer
    window.setup_panel.sig_rebuild_requested.emit(TrainerConfig(dataset="nonsense"))
    assert dialogs.kinds() == ["critical"] and window.trainer is old


def test_learning_rate_and_regularisation_apply_live(window, dialogs):
    window.setup_panel.sig_live_changed.emit("lr", 0.05)
    window.setup_panel.sig_live_changed.emit("reg", 0.01)
    assert window.trainer.lr == 0.05 and window.trainer.reg == 0.01
    window.setup_panel.sig_live_changed.emit("lr", -1.0)
    assert dialogs.kinds() == ["critical"] and window.trainer.lr == 0.05


def test_an_edited_dataset_rebuilds_the_trainer_on_it(window):
    ds = window.trainer.dataset
    edited = Dataset(np.vstack([ds.X_train, [[0.0, 0.0]]]), np.append(ds.y_train, 0),
                     ds.X_val, ds.y_val, name=ds.name)
    window.boundary_plot.sig_dataset_edited.emit(edited)
    assert window.trainer.dataset is edited
    assert window.trainer.config == TrainerConfig()


def test_layout_and_settings_persist_between_runs(qtbot, window, isolated_settings):
    from gui import MainWindow
    config = TrainerConfig(hidden=[8], lr=0.1)
    window.replace_trainer(build_trainer(config))
    window.steps.set_speed(20)
    window.weights_dock.close()
    window.close()
    stored = json.loads(QSettings("BackpropStudio", "Backprop Studio").value("config"))
    assert stored["hidden"] == [8] and stored["lr"] == 0.1
    assert QSettings("BackpropStudio", "Backprop Studio").fileName().startswith(str(isolated_settings))

    again = MainWindow()
    qtbot.addWidget(again)
    assert again.trainer.config == config
    assert again.steps.current_speed() == 20
    again.show()
    assert again.weights_dock.isHidden() and not again.loss_dock.isHidden()


@pytest.mark.parametrize("stored", ["{not json", json.dumps({"dataset": "nonsense"})])
def test_broken_stored_settings_fall_back_to_the_default(qtbot, stored):
    from gui import MainWindow
    QSettings("BackpropStudio", "Backprop Studio").setValue("config", stored)
    w = MainWindow()
    qtbot.addWidget(w)
    assert w.trainer.config == TrainerConfig()


def test_single_key_shortcuts_step_the_model(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.graph_view, Qt.Key_F)
    qtbot.keyClick(window.graph_view, Qt.Key_L)
    qtbot.keyClick(window.graph_view, Qt.Key_N)
    assert window.trainer.phase is Phase.BACKWARD and len(window.trainer.snapshot().done_nodes) == 1
    qtbot.keyClick(window.graph_view, Qt.Key_Space)
    assert window.trainer.iteration == 1


def test_a_refused_rebuild_leaves_the_edits_pending(window, dialogs):
    window.trainer.run(3)
    panel = window.setup_panel
    panel.model.setCurrentIndex(panel.model.findData("svm"))
    dialogs.answer = QMessageBox.No
    panel.apply()
    assert window.trainer.config.model == "mlp"
    assert panel.has_pending_changes() and panel.apply_button.isEnabled()


def test_the_decision_regions_fill_the_view_after_a_reset(window):
    action(window, "action_step").trigger()
    window.refresh()
    action(window, "action_reset").trigger()   # the same data: the view range stays as it was
    window.refresh()
    plot = window.boundary_plot
    regions = plot.image.mapRectToParent(plot.image.boundingRect())
    assert regions.contains(plot.plot.getPlotItem().getViewBox().viewRect())


def test_only_the_tab_bars_of_the_dock_groups_show(tmp_path):
    # Qt leaves a spare bar behind per extra tab group, which showed through a dock's title bar at
    # its first place; in a fresh interpreter (under pytest-qt's application Qt makes none)
    script = ("from PySide6.QtCore import Qt; from PySide6.QtWidgets import QApplication, QTabBar; "
              "app = QApplication([]); from gui import MainWindow; w = MainWindow(); w.show(); "
              "app.processEvents(); bars = w.findChildren(QTabBar, options=Qt.FindDirectChildrenOnly); "
              "print(sorted(tuple(b.tabText(i) for i in range(b.count())) for b in bars if b.isVisible()))")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            check=False, env={"QT_QPA_PLATFORM": "offscreen", "PATH": "",
                                              "XDG_CONFIG_HOME": str(tmp_path)})
    shown = [("Decision boundary", "Weights", "Lessons"), ("Loss and accuracy", "Gradient norms", "Curvature"),
             ("Node inspector", "Setup")]
    assert result.stdout.strip().splitlines()[-1] == str(shown), result.stderr
