"""The File menu through monkeypatched dialogs: round trips, failures that change nothing, recent files."""
import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage, QKeySequence
from PySide6.QtWidgets import QFileDialog, QGraphicsScene, QGraphicsView, QMainWindow, QMenu, QMessageBox

from core.training import TrainerConfig, build_trainer, to_csv_rows
from gui.app_model import AppModel
from gui.errors import show_errors_of
from gui.file_actions import MAX_RECENT, FileActions
from gui.plots import BoundaryPlot, GradNormPlot, LossPlot, WeightsPlot
from gui.plots.export import plot_image, plot_items


class StandInWindow(QMainWindow):
    """What FileActions needs around it: an app model, a graph view and plots, and no more."""

    def __init__(self, trainer):
        super().__init__()
        self.app_model = AppModel(parent=self)
        self.app_model.replace_trainer(trainer)
        show_errors_of(self.app_model, self)
        self.scene = QGraphicsScene(0, 0, 300, 200)  # a view does not own its scene
        self.scene.addText("loss ← scores ← W·x")
        self.graph_view = QGraphicsView(self.scene)
        self.setCentralWidget(self.graph_view)
        self.plots = [LossPlot(), BoundaryPlot(), WeightsPlot(), GradNormPlot()]
        self.file_actions = FileActions(self.app_model, self, self.graph_view, self.plots)
        self.file_actions.populate(self.menuBar().addMenu("&File"))
        self.replaced = []
        self.app_model.sig_trainer.connect(self.replaced.append)

    @property
    def trainer(self):
        return self.app_model.trainer

    @trainer.setter
    def trainer(self, trainer):
        self.app_model.replace_trainer(trainer)


@pytest.fixture(autouse=True)
def settings_in_tmp(tmp_path):
    # QSettings(organization, application) uses the native format: redirect both.
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for settings_format in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        QSettings.setPath(settings_format, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    assert QSettings("BackpropStudio", "Backprop Studio").fileName().startswith(str(tmp_path))


@pytest.fixture
def window(qtbot):
    trainer = build_trainer(TrainerConfig())
    trainer.run(5)
    window = StandInWindow(trainer)
    qtbot.addWidget(window)
    window.resize(900, 600)
    window.show()
    return window


@pytest.fixture
def dialogs(monkeypatch):
    """Answers for the file dialogs, and the messages shown."""
    class Dialogs:
        save = open = ("", "")
        critical, warning = [], []
    d = Dialogs()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: d.save)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: d.open)
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: d.critical.append((title, text)))
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: d.warning.append((title, text)))
    return d


def parameters(trainer):
    return {name: value.copy() for name, value in trainer.model.state_dict().items()}


def assert_same(a, b, rtol=0.0):
    assert a.keys() == b.keys()
    for name in a:
        np.testing.assert_allclose(a[name], b[name], rtol=rtol, atol=0)


def test_the_file_menu_has_its_actions_and_standard_shortcuts(window):
    actions = {a.objectName(): a for a in window.file_actions.actions()}
    assert set(actions) == {"action_export_weights", "action_import_weights", "action_save_session",
                            "action_open_session", "action_export_plots", "action_export_graph",
                            "action_export_history"}
    assert actions["action_export_weights"].shortcut() == QKeySequence("Ctrl+E")
    assert actions["action_import_weights"].shortcut() == QKeySequence("Ctrl+I")
    assert actions["action_save_session"].shortcut() == QKeySequence("Ctrl+S")
    assert actions["action_open_session"].shortcut() == QKeySequence("Ctrl+O")
    file_menu = window.menuBar().actions()[0].menu()
    assert window.file_actions.recent_menu in [a.menu() for a in file_menu.actions()]


@pytest.mark.parametrize("suffix", [".safetensors", ".onnx", ".npz", ".json"])
def test_weights_round_trip_through_the_dialogs(window, dialogs, tmp_path, suffix):
    saved = parameters(window.trainer)
    iteration = window.trainer.iteration
    dialogs.save = (str(tmp_path / f"model{suffix}"), "")
    window.file_actions.export_weights_action.trigger()
    assert (tmp_path / f"model{suffix}").is_file()

    window.trainer.run(10)
    dialogs.open = (str(tmp_path / f"model{suffix}"), "")
    window.file_actions.import_weights_action.trigger()

    assert dialogs.critical == []
    assert_same(parameters(window.trainer), saved, rtol=1e-6 if suffix == ".onnx" else 0.0)  # ONNX: float32
    assert window.trainer.iteration == iteration + 10  # same run, history kept, new weights
    window.trainer.step()  # and training goes on


def test_the_chosen_filter_adds_the_suffix(window, dialogs, tmp_path):
    dialogs.save = (str(tmp_path / "model"), "ONNX (*.onnx)")
    window.file_actions.export_weights()
    assert (tmp_path / "model.onnx").is_file()


def test_a_corrupt_weights_file_is_reported_and_changes_nothing(window, dialogs, tmp_path):
    corrupt = tmp_path / "broken.safetensors"
    corrupt.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json at all")
    before, trainer = parameters(window.trainer), window.trainer
    dialogs.open = (str(corrupt), "")

    window.file_actions.import_weights()

    assert len(dialogs.critical) == 1
    title, text = dialogs.critical[0]
    assert title == "Cannot import weights" and "broken.safetensors" in text
    assert window.trainer is trainer and window.replaced == []
    assert_same(parameters(trainer), before)


def test_weights_of_another_architecture_are_refused(window, dialogs, tmp_path):
    other = build_trainer(TrainerConfig(hidden=[8]))
    path = tmp_path / "small.npz"
    dialogs.save = (str(path), "")
    trainer = window.trainer
    window.trainer = other
    window.file_actions.export_weights()
    window.trainer = trainer
    before = parameters(trainer)

    dialogs.open = (str(path), "")
    window.file_actions.import_weights()

    title, text = dialogs.critical[0]
    assert "small.npz" in text and "shape" in text
    assert window.trainer is trainer
    assert_same(parameters(trainer), before)


@pytest.mark.parametrize("action, name", [("export_weights", "w.safetensors"),
                                          ("save_session", "s.bpsession"),
                                          ("export_history", "h.csv"), ("export_plots", "p.png"),
                                          ("export_graph", "g.png")])
def test_an_unwritable_path_is_reported(window, dialogs, tmp_path, action, name):
    path = tmp_path / "no such folder" / name
    dialogs.save = (str(path), "")
    getattr(window.file_actions, action)()
    assert len(dialogs.critical) == 1
    title, text = dialogs.critical[0]
    assert title.startswith("Cannot") and name in text
    assert not path.exists()


def test_sessions_round_trip_through_the_dialogs(window, dialogs, tmp_path):
    window.trainer.run(7)
    saved = window.trainer
    dialogs.save = (str(tmp_path / "run"), "Backprop Studio session (*.bpsession)")
    window.file_actions.save_session_action.trigger()
    assert (tmp_path / "run.bpsession").is_file()

    window.app_model.replace_trainer(build_trainer(TrainerConfig()))
    dialogs.open = (str(tmp_path / "run.bpsession"), "")
    window.file_actions.open_session_action.trigger()

    restored = window.trainer
    assert dialogs.critical == []
    assert restored is not saved and restored.iteration == 12
    assert_same(parameters(restored), parameters(saved))
    assert restored.history == saved.history and restored.config == saved.config


def test_a_corrupt_session_is_reported_and_changes_nothing(window, dialogs, tmp_path):
    path = tmp_path / "junk.bpsession"
    path.write_text("this is no zip file")
    trainer = window.trainer
    dialogs.open = (str(path), "")
    window.file_actions.open_session()
    assert "junk.bpsession" in dialogs.critical[0][1]
    assert window.trainer is trainer


def test_the_history_csv_has_a_row_per_iteration(window, dialogs, tmp_path):
    window.trainer.run(7)
    dialogs.save = (str(tmp_path / "history.csv"), "")
    window.file_actions.export_history_action.trigger()

    with open(tmp_path / "history.csv", newline="") as handle:
        table = list(csv.reader(handle))
    header, rows = to_csv_rows(window.trainer.history)
    assert table[0] == header
    assert len(table) == 1 + 12
    column = {name: k for k, name in enumerate(header)}
    assert [row[column["iteration"]] for row in table[1:]] == [str(i) for i in range(1, 13)]
    assert float(table[10][column["train_loss"]]) == window.trainer.history["train_loss"][9]
    assert table[10][column["val_loss"]] != "" and table[9][column["val_loss"]] == ""


def test_plots_and_graph_export_as_png(window, dialogs, tmp_path):
    dialogs.save = (str(tmp_path / "plots.png"), "")
    window.file_actions.export_plots_action.trigger()
    dialogs.save = (str(tmp_path / "graph.png"), "")
    window.file_actions.export_graph_action.trigger()

    assert dialogs.critical == []
    plots = QImage(str(tmp_path / "plots.png"))
    # pyqtgraph's exporter draws each plot at twice its size, without the widgets' controls
    cell = max(plot_image(item).width() for _, item in plot_items(window.plots))
    assert plots.width() == 2 * cell and plots.height() > 0
    graph = QImage(str(tmp_path / "graph.png"))   # the whole graph, at twice its scene size
    scene = window.graph_view.scene().sceneRect()
    assert (graph.width(), graph.height()) == (math.ceil(2 * scene.width()), math.ceil(2 * scene.height()))


def test_every_plot_exports_as_svg_with_real_text(window, dialogs, tmp_path):
    dialogs.save = (str(tmp_path / "plots.svg"), "")
    window.file_actions.export_plots_action.trigger()

    assert dialogs.critical == []
    written = sorted(p.name for p in tmp_path.glob("plots-*.svg"))
    assert {"plots-loss.svg", "plots-accuracy.svg", "plots-decision-boundary.svg"} <= set(written)
    for name in written:
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert text.startswith("<?xml") and "<text" in text and " Z" not in text


def test_recent_files_newest_first_at_most_eight(window, dialogs, tmp_path):
    for k in range(MAX_RECENT + 2):
        dialogs.save = (str(tmp_path / f"w{k}.npz"), "")
        window.file_actions.export_weights()
    dialogs.save = (str(tmp_path / "s.bpsession"), "")
    window.file_actions.save_session()
    dialogs.save = (str(tmp_path / "w5.npz"), "")
    window.file_actions.export_weights()

    recent = window.file_actions.recent_files()
    assert len(recent) == MAX_RECENT
    assert recent[0] == ("weights", str(tmp_path / "w5.npz"))
    assert recent[1] == ("session", str(tmp_path / "s.bpsession"))
    assert [path for _, path in recent].count(str(tmp_path / "w5.npz")) == 1
    stored = json.loads(QSettings("BackpropStudio", "Backprop Studio").value("files/recent"))
    assert [tuple(entry) for entry in stored] == recent

    menu = window.file_actions.recent_menu
    menu.aboutToShow.emit()
    texts = [a.text() for a in menu.actions() if a.text()]
    assert texts[0] == "&1 w5.npz  (weights)" and texts[-1] == "Clear recent files"


def test_a_recent_session_opens_and_a_missing_file_is_removed_with_a_message(window, dialogs, tmp_path):
    window.trainer.run(3)
    dialogs.save = (str(tmp_path / "a.bpsession"), "")
    window.file_actions.save_session()
    dialogs.save = (str(tmp_path / "gone.npz"), "")
    window.file_actions.export_weights()
    (tmp_path / "gone.npz").unlink()
    window.app_model.replace_trainer(build_trainer(TrainerConfig()))

    menu = window.file_actions.recent_menu
    menu.aboutToShow.emit()
    entries = {a.text(): a for a in menu.actions()}
    entries["&1 gone.npz  (weights)"].trigger()
    assert dialogs.warning and "gone.npz" in dialogs.warning[0][1]
    assert window.file_actions.recent_files() == [("session", str(tmp_path / "a.bpsession"))]

    window.file_actions.open_recent("session", str(tmp_path / "a.bpsession"))
    assert window.trainer.iteration == 8

    window.file_actions.clear_recent()
    assert window.file_actions.recent_files() == []


def test_file_actions_in_the_main_window(qtbot, dialogs, tmp_path, monkeypatch):
    from PySide6.QtGui import QAction

    from gui import MainWindow
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.trainer.run(4)
    window.refresh()
    saved = parameters(window.trainer)

    dialogs.save = (str(tmp_path / "main.bpsession"), "")
    window.findChild(QAction, "action_save_session").trigger()
    dialogs.save = (str(tmp_path / "main.onnx"), "")
    window.findChild(QAction, "action_export_weights").trigger()
    dialogs.save = (str(tmp_path / "main-plots.png"), "")
    window.findChild(QAction, "action_export_plots").trigger()
    window.findChild(QAction, "action_reset").trigger()
    assert window.trainer.iteration == 0

    dialogs.open = (str(tmp_path / "main.bpsession"), "")
    window.findChild(QAction, "action_open_session").trigger()

    assert dialogs.critical == []
    assert window.trainer.iteration == 4
    assert_same(parameters(window.trainer), saved)
    assert QImage(str(tmp_path / "main-plots.png")).width() > 0
    assert window.findChild(QMenu, "menu_recent_files").actions()


def test_a_garbled_last_folder_setting_starts_the_dialog_at_home(window, dialogs, monkeypatch):
    QSettings("BackpropStudio", "Backprop Studio").setValue("files/last_dir", ["not", "a", "folder"])
    starts = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda parent, title, start, filters: (starts.append(start), ("", ""))[1])
    window.file_actions.export_history()
    assert starts == [str(Path.home() / "history.csv")] and dialogs.critical == []


@pytest.mark.parametrize("action, name", [("export_history", "h.csv"), ("export_plots", "p.png"),
                                          ("export_graph", "g.png")])
def test_a_failed_export_leaves_the_previous_file_as_it_was(window, dialogs, tmp_path, monkeypatch,
                                                            action, name):
    import errno
    import os
    path = tmp_path / name
    path.write_bytes(b"the previous export")

    def full_disk(fd):
        raise OSError(errno.ENOSPC, "No space left on device")
    dialogs.save = (str(path), "")
    with monkeypatch.context() as m:   # only the disk fails: the dialogs stay patched
        m.setattr(os, "fsync", full_disk)
        getattr(window.file_actions, action)()
    assert len(dialogs.critical) == 1 and "No space left" in dialogs.critical[0][1]
    assert path.read_bytes() == b"the previous export"
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [name]   # no temporary left
    getattr(window.file_actions, action)()     # and it works again once the disk has room
    assert path.read_bytes() != b"the previous export" and len(dialogs.critical) == 1
