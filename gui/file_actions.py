"""The File menu: weights, sessions, PNG and CSV exports (all written atomically), recent files.

Every failure is shown naming the file and the problem; the trainer is never left half-changed.
"""
import csv
import io
import json
import logging
import re
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QSettings
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QMessageBox

from core.io import SESSION_SUFFIX, load_weights, save_weights
from core.io.files import write_atomic
from core.training import Trainer, to_csv_rows

from .graph_export import export_graph

log = logging.getLogger("backprop_studio")

ORGANIZATION, APPLICATION = "BackpropStudio", "Backprop Studio"
RECENT_KEY, LAST_DIR_KEY = "files/recent", "files/last_dir"
MAX_RECENT = 8
WEIGHT_FILTERS = ("safetensors (*.safetensors)", "ONNX (*.onnx)", "NumPy archive (*.npz)", "JSON (*.json)")
SESSION_FILTER = f"Backprop Studio session (*{SESSION_SUFFIX})"
PNG_FILTER = "PNG image (*.png)"
GRAPH_FILTERS = ("SVG drawing, for slides (*.svg);;PNG image, 2× (*.png);;PNG image, 1× (*.png);;"
                 "PNG image, 4× (*.png)")
SVG_FILTER = "SVG drawing, one file per plot (*.svg)"
ALL_FILES = "All files (*)"


class FileActions(QObject):
    """The File menu's actions on ``app_model``'s trainer; dialogs open over ``parent``, the
    exports draw ``graph_view`` and the ``plots`` (widgets with ``show_snapshot``)."""

    def __init__(self, app_model, parent, graph_view, plots):
        super().__init__(parent)
        self.app_model = app_model
        self.parent_widget = parent
        self.graph_view = graph_view
        self.plots = plots
        self.chosen_filter = ""   # the file type picked in the last save dialog
        self.export_weights_action = self._action(
            "&Export weights…", "action_export_weights", "Ctrl+E", self.export_weights,
            "Write the model's weights as safetensors, ONNX, npz or JSON")
        self.import_weights_action = self._action(
            "&Import weights…", "action_import_weights", "Ctrl+I", self.import_weights,
            "Load weights into the current model; the architecture must match")
        self.save_session_action = self._action(
            "&Save session…", "action_save_session", QKeySequence.StandardKey.Save, self.save_session,
            "Save data, model, optimizer and history to continue later")
        self.open_session_action = self._action(
            "&Open session…", "action_open_session", QKeySequence.StandardKey.Open, self.open_session,
            "Continue a saved session")
        self.export_plots_action = self._action(
            "Export &plots (PNG or SVG)…", "action_export_plots", None, self.export_plots,
            "Every plot without its controls: one PNG sheet, or an SVG file per plot")
        self.export_graph_action = self._action(
            "Export &graph…", "action_export_graph", None, self.export_graph,
            "The whole computational graph as SVG or PNG (format by the file name's suffix)")
        self.export_history_action = self._action(
            "Export &history as CSV…", "action_export_history", None, self.export_history,
            "Loss, accuracy, learning rate and gradient norms per iteration")
        self.recent_menu = QMenu("&Recent files", parent)
        self.recent_menu.setObjectName("menu_recent_files")
        self.recent_menu.setToolTipsVisible(True)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._fill_recent_menu()

    def _action(self, text, name, shortcut, slot, tip):
        action = QAction(text, self.parent_widget)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            tip = f"{tip} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
        tip += "."
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    def actions(self):
        return [self.open_session_action, self.save_session_action, self.import_weights_action,
                self.export_weights_action, self.export_plots_action, self.export_graph_action,
                self.export_history_action]

    def populate(self, menu):
        """Add the actions and the recent-files submenu to ``menu``."""
        actions = self.actions()
        menu.addActions(actions[:2])
        menu.addMenu(self.recent_menu)
        menu.addSeparator()
        menu.addActions(actions[2:4])
        menu.addSeparator()
        menu.addActions(actions[4:])

    # ----- weights and sessions ---------------------------------------------------------------
    def export_weights(self):
        self._save_as("Export weights", "weights.safetensors", ";;".join(WEIGHT_FILTERS),
                      "Cannot export weights", lambda path: save_weights(self.app_model.trainer.model, path),
                      "Weights written to", recent="weights")

    def import_weights(self):
        patterns = " ".join(_patterns(WEIGHT_FILTERS))
        path = self._ask_open("Import weights", f"Weights ({patterns});;{ALL_FILES}")
        if path:
            self.import_weights_file(path)

    def import_weights_file(self, path):
        """Continue training from the weights in ``path`` (same data, settings and history)."""
        def load():
            # A copy at the iteration's start takes the weights: a failure leaves the trainer as it
            # was, and no half-done iteration mixes old gradients with new weights.
            trainer = Trainer.from_state_dict(self.app_model.trainer.state_dict())
            load_weights(trainer.model, path)
            return trainer
        self._continue_with("Cannot import weights", path, load, "weights", "Weights loaded from")

    def save_session(self):
        self._save_as("Save session", f"session{SESSION_SUFFIX}", f"{SESSION_FILTER};;{ALL_FILES}",
                      "Cannot save the session", self.app_model.save_session,
                      "Session saved to", recent="session")

    def open_session(self):
        path = self._ask_open("Open session", f"{SESSION_FILTER};;{ALL_FILES}")
        if path:
            self.open_session_file(path)

    def open_session_file(self, path):
        if self._attempt("Cannot open the session", path, lambda: self.app_model.open_session(path)):
            self._add_recent("session", path)
            self._status(f"Session opened from {path}")

    # ----- exports ----------------------------------------------------------------------------
    def export_plots(self):
        self._save_as("Export plots", "plots.png", f"{PNG_FILTER};;{SVG_FILTER}",
                      "Cannot export the plots", self.write_plots, "Plots written to")

    def write_plots(self, path):
        """Every plot, drawn from the latest snapshot (also those in a tab behind another), to
        ``path``: one PNG sheet, or one SVG per plot."""
        from .plots.export import write_plots  # pyqtgraph's exporters: loaded when first used
        snapshot = self.app_model.snapshot()
        for widget in self.plots:
            widget.show_snapshot(snapshot)
        QApplication.sendPostedEvents()  # the plots' layouts settle before they are drawn
        return write_plots(path, self.plots, QApplication.palette().base().color().name())

    def export_graph(self):
        """The whole graph as SVG, or as PNG at the scale the chosen file type names."""
        self._save_as("Export graph", "graph.svg", GRAPH_FILTERS, "Cannot export the graph",
                      lambda path: export_graph(self.graph_view, path, _scale(self.chosen_filter)),
                      "Graph written to")

    def export_history(self):
        self._save_as("Export history", "history.csv", "CSV table (*.csv)", "Cannot export the history",
                      lambda path: write_atomic(path, history_csv(self.app_model.trainer.history)
                                                .encode("utf-8")),
                      "History written to")

    # ----- recent files -----------------------------------------------------------------------
    def recent_files(self):
        """[(kind, path)], newest first; kind is "session" or "weights"."""
        try:
            entries = json.loads(settings().value(RECENT_KEY, "[]"))
            return [(str(kind), str(path)) for kind, path in entries][:MAX_RECENT]
        except (TypeError, ValueError):
            return []  # unreadable settings: start a new list

    def open_recent(self, kind, path):
        if not Path(path).is_file():
            self._store_recent([entry for entry in self.recent_files() if entry[1] != path])
            QMessageBox.warning(self.parent_widget, "File not found",
                                f"{path}\n\nThe file no longer exists; it was removed from the recent files.")
            return
        if kind == "session":
            self.open_session_file(path)
        else:
            self.import_weights_file(path)

    def clear_recent(self):
        self._store_recent([])

    def _add_recent(self, kind, path):
        path = str(Path(path).resolve())
        entries = [(kind, path)] + [entry for entry in self.recent_files() if entry[1] != path]
        self._store_recent(entries[:MAX_RECENT])

    def _store_recent(self, entries):
        settings().setValue(RECENT_KEY, json.dumps([list(entry) for entry in entries]))
        self._fill_recent_menu()

    def _fill_recent_menu(self):
        menu = self.recent_menu
        menu.clear()
        entries = self.recent_files()
        for number, (kind, path) in enumerate(entries, start=1):
            action = menu.addAction(f"&{number} {Path(path).name}  ({kind})")
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, k=kind, p=path: self.open_recent(k, p))
        if entries:
            menu.addSeparator()
        clear = menu.addAction("Clear recent files")
        clear.setEnabled(bool(entries))
        clear.triggered.connect(self.clear_recent)

    # ----- helpers ----------------------------------------------------------------------------
    def _save_as(self, title, name, filters, failure, write, done, recent=None):
        """Ask where to save, ``write(path)``, then report: ``failure`` titles the error message,
        ``done`` starts the status message, ``recent`` ("session"/"weights") remembers the file."""
        path = self._ask_save(title, name, filters)
        if path and self._attempt(failure, path, lambda: write(path)):
            if recent:
                self._add_recent(recent, path)
            self._status(f"{done} {path}")

    def _continue_with(self, failure, path, load, kind, done):
        """Swap in the trainer ``load()`` returns and remember ``path`` as a recent ``kind`` file;
        if it fails, the message is titled ``failure`` and the window keeps its trainer."""
        trainer = self._attempt(failure, path, load)
        if trainer and self.app_model.replace_trainer(trainer):
            self._add_recent(kind, path)
            self._status(f"{done} {path}")

    def _ask_save(self, title, name, filters):
        """A path from the save dialog, with the chosen filter's suffix added if it has none."""
        path, chosen = QFileDialog.getSaveFileName(self.parent_widget, title,
                                                   str(Path(_last_dir()) / name), filters)
        self.chosen_filter = chosen
        if not path:
            return ""
        suffixes = _patterns([chosen]) if chosen else []
        if not Path(path).suffix and suffixes and suffixes[0] != "*":
            path += suffixes[0].lstrip("*")
        settings().setValue(LAST_DIR_KEY, str(Path(path).parent))
        return path

    def _ask_open(self, title, filters):
        path, _ = QFileDialog.getOpenFileName(self.parent_widget, title, _last_dir(), filters)
        if path:
            settings().setValue(LAST_DIR_KEY, str(Path(path).parent))
        return path

    def _attempt(self, title, path, work):
        """``work()``'s result (True if None); on failure a message naming the file, and None."""
        try:
            result = work()
        except Exception as error:  # noqa: BLE001 — every failure is shown; the app carries on
            problem = _problem(path, error)
            if not isinstance(error, (OSError, ValueError)):  # bad files and paths are expected
                log.error("%s: %s", title, problem, exc_info=error)   # the rest: with a traceback
            self.app_model.error(title, problem)
            return None
        return True if result is None else result

    def _status(self, message):
        self.app_model.sig_status.emit(message)


def history_csv(history):
    """The history as CSV text: a header, then one row per iteration."""
    header, rows = to_csv_rows(history)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue()


def settings():
    """The app's QSettings (window layout, last settings, recent files)."""
    return QSettings(ORGANIZATION, APPLICATION)


def _last_dir():
    """The folder of the last file dialog; the home folder if none is stored (or it is garbled)."""
    stored = settings().value(LAST_DIR_KEY)
    return stored if isinstance(stored, str) and stored else str(Path.home())


def _patterns(filters):
    """["*.onnx", …] from filter strings like "ONNX (*.onnx)"."""
    return [p for f in filters for p in f[f.find("(") + 1:f.rfind(")")].split()]


def _problem(path, error):
    """The error's message, starting with the file when the message doesn't name it."""
    message = str(error) or type(error).__name__
    if isinstance(error, OSError) and error.strerror:
        message = error.strerror
    return message if Path(path).name in message else f"{path}: {message}"


def _scale(chosen_filter):
    """The PNG scale a graph file type names ("PNG image, 4× (*.png)"); 2 when it names none."""
    found = re.search(r"(\d+)×", chosen_filter or "")
    return float(found.group(1)) if found else 2.0


def _png_bytes(image):
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise ValueError("the image could not be encoded as PNG")
    buffer.close()
    return bytes(data)

