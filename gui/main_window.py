"""The main window: the step toolbar, the graph in the middle, inspector, setup and plots in docks.

It owns the trainer and runs every trainer call through ``run_step`` (an exception becomes a
message, never a dead window). After a change the graph is redrawn at once (at most 30 times a
second while playing) and the panels follow, one per turn of the event loop (``gui.redraw``).
"""
import json

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QDockWidget, QLabel, QMainWindow, QMessageBox, QTabWidget,
                               QVBoxLayout, QWidget)

from core.training import Phase, TrainerConfig, build_trainer

from .errors import show_error
from .file_actions import FileActions, settings
from .graph_view import GraphView
from .hints import hint_for
from .inspector import Inspector
from .play import PlayController
from .plots import BoundaryPlot, GradNormPlot, LossPlot, WeightsPlot
from .redraw import Panel, RedrawScheduler
from .setup_panel import SetupPanel
from .step_actions import StepActions

FIRST_SIZE = (1280, 800)


class MainWindow(QMainWindow):
    """Backprop Studio's window; ``window.trainer`` is the Trainer it shows."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Backprop Studio")
        stored = settings()
        self.trainer = self._initial_trainer(stored)
        self._version = 0          # bumped on every change of the trainer's state
        self._generation = 0       # bumped when the trainer is replaced or reset
        self._snapshot = None

        self.graph_view = GraphView()
        self.hint = QLabel()
        self.hint.setObjectName("phase_hint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("#phase_hint { padding: 4px 8px; background: #F4F1E6; "
                                "border-bottom: 1px solid #DDD; }")
        self.banner = QLabel()
        self.banner.setObjectName("divergence_banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("padding: 6px 8px; background: #FBE3D6; color: #7A2600; "
                                  "border: 1px solid #D55E00; font-weight: bold;")
        self.banner.hide()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        column.addWidget(self.hint)
        column.addWidget(self.graph_view, 1)
        self.setCentralWidget(central)

        self.play = PlayController(lambda: self.trainer, self)
        self.steps = StepActions(self)
        self.addToolBar(Qt.TopToolBarArea, self.steps.toolbar)
        self.inspector = Inspector()
        self.setup_panel = SetupPanel()
        self.loss_plot, self.boundary_plot = LossPlot(), BoundaryPlot()
        self.weights_plot, self.gradnorm_plot = WeightsPlot(), GradNormPlot()
        self._build_docks()
        self.file_actions = FileActions(self)
        self._build_menus()
        self._build_status_bar()
        self._shown = {}           # dock → whether it can be seen (a tabbed-away dock stays "visible")
        self.redraw = RedrawScheduler(self.snapshot, self._draw_core, self._panels(),
                                      self.play.training_share, self)
        self._connect()
        self._restore(stored)
        self.setup_panel.set_config(self.trainer.config, self.trainer.dataset)
        self.refresh()

    # ----- construction ----------------------------------------------------------------------
    @staticmethod
    def _initial_trainer(stored):
        """The last session's settings if they still build, else the default spiral MLP."""
        text = stored.value("config")
        if text:
            try:
                return build_trainer(TrainerConfig.from_dict(json.loads(text)))
            except Exception:  # noqa: BLE001 — stale or broken settings fall back to the default
                pass
        return build_trainer(TrainerConfig())

    def _dock(self, title, name, widget, area):
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_docks(self):
        self.setDockNestingEnabled(True)
        self.inspector_dock = self._dock("Node inspector", "inspector_dock", self.inspector,
                                         Qt.BottomDockWidgetArea)
        self.setup_dock = self._dock("Setup", "setup_dock", self.setup_panel, Qt.BottomDockWidgetArea)
        self.loss_dock = self._dock("Loss and accuracy", "loss_dock", self.loss_plot,
                                    Qt.BottomDockWidgetArea)
        self.boundary_dock = self._dock("Decision boundary", "boundary_dock", self.boundary_plot,
                                        Qt.BottomDockWidgetArea)
        self.weights_dock = self._dock("Weights", "weights_dock", self.weights_plot,
                                       Qt.BottomDockWidgetArea)
        self.gradnorm_dock = self._dock("Gradient norms", "gradnorm_dock", self.gradnorm_plot,
                                        Qt.BottomDockWidgetArea)
        self.splitDockWidget(self.inspector_dock, self.loss_dock, Qt.Horizontal)
        self.splitDockWidget(self.loss_dock, self.boundary_dock, Qt.Horizontal)
        self.tabifyDockWidget(self.inspector_dock, self.setup_dock)
        self.tabifyDockWidget(self.loss_dock, self.gradnorm_dock)
        self.tabifyDockWidget(self.boundary_dock, self.weights_dock)
        for dock in (self.inspector_dock, self.loss_dock, self.boundary_dock):
            dock.raise_()
        self.setTabPosition(Qt.AllDockWidgetAreas, QTabWidget.North)

    def _build_menus(self):
        bar = self.menuBar()
        self.file_actions.populate(bar.addMenu("&File"))
        self.steps.populate(bar.addMenu("&Train"))
        view = bar.addMenu("&View")
        self.action_fit = QAction("Fit graph to window", self)
        self.action_fit.setObjectName("action_fit")
        self.action_fit.setShortcut(QKeySequence("Ctrl+0"))
        self.action_fit.setToolTip("Fit graph (Ctrl+0): show the whole graph in the window.")
        self.action_fit.triggered.connect(self.graph_view.fit)
        self.action_expand_loss = QAction("Expanded loss", self)
        self.action_expand_loss.setObjectName("action_expand_loss")
        self.action_expand_loss.setCheckable(True)
        self.action_expand_loss.setShortcut(QKeySequence("E"))
        self.action_expand_loss.setToolTip("Expanded loss (E): show the loss as elementary ops "
                                           "instead of one fused node (from the next forward pass).")
        self.action_expand_loss.toggled.connect(self._set_expand_loss)
        for action in (self.action_fit, self.action_expand_loss):
            view.addAction(action)
            self.addAction(action)
            self.steps.toolbar.addAction(action)
        view.addSeparator()
        for dock in (self.inspector_dock, self.setup_dock, self.loss_dock, self.boundary_dock,
                     self.weights_dock, self.gradnorm_dock):
            toggle = dock.toggleViewAction()
            toggle.setToolTip(f"Show or hide the {dock.windowTitle().lower()} panel.")
            view.addAction(toggle)

    def _build_status_bar(self):
        self.status_labels = {}
        for key in ("iteration", "phase", "loss", "accuracy", "rate"):
            label = QLabel()
            label.setObjectName(f"status_{key}")
            label.setContentsMargins(6, 0, 6, 0)
            self.statusBar().addPermanentWidget(label)
            self.status_labels[key] = label

    def _panels(self):
        def shown(dock):
            return lambda: self._shown.get(dock, False)

        def plot_panel(name, plot, dock, key):
            return Panel(name, lambda s: (plot.show_snapshot(s, self.trainer), plot.repaint()),
                         lambda s: (self._generation, key(s)), shown(dock))

        def history_length(s):
            return len(s.history["iteration"])

        inspector = Panel("inspector", self.inspector.show_snapshot,
                          lambda s: (self._version, self.inspector.node_id), shown(self.inspector_dock))
        return [inspector,
                plot_panel("loss", self.loss_plot, self.loss_dock, history_length),
                plot_panel("boundary", self.boundary_plot, self.boundary_dock,
                           lambda s: (s.iteration, history_length(s))),
                plot_panel("weights", self.weights_plot, self.weights_dock,
                           lambda s: (s.iteration, s.completed)),
                plot_panel("gradnorm", self.gradnorm_plot, self.gradnorm_dock, history_length)]

    def _connect(self):
        self.graph_view.sig_node_selected.connect(self._select_node)
        self.play.sig_advanced.connect(lambda: self._changed(now=False))
        self.play.sig_failed.connect(lambda exc: self._report("Play", exc))
        self.play.sig_playing_changed.connect(self._playing_changed)
        self.setup_panel.sig_rebuild_requested.connect(self._rebuild)
        self.setup_panel.sig_live_changed.connect(self._apply_live)
        self.boundary_plot.sig_dataset_edited.connect(self._dataset_edited)
        self.inspector.sig_check_requested.connect(self.check_gradient)
        for dock in self.findChildren(QDockWidget):
            dock.visibilityChanged.connect(lambda visible, dock=dock: self._dock_shown(dock, visible))

    # ----- persistence -----------------------------------------------------------------------
    def _restore(self, stored):
        geometry = stored.value("geometry")
        if isinstance(geometry, QByteArray) and self.restoreGeometry(geometry):
            state = stored.value("window_state")
            if isinstance(state, QByteArray):
                self.restoreState(state)
        else:
            self.resize(*FIRST_SIZE)
            self.resizeDocks([self.inspector_dock, self.loss_dock, self.boundary_dock],
                             [500, 390, 390], Qt.Horizontal)
            self.resizeDocks([self.inspector_dock], [330], Qt.Vertical)
        speed = str(stored.value("speed", ""))
        if speed == "max" or speed.isdigit():
            self.steps.set_speed(None if speed == "max" else int(speed))
        self.action_expand_loss.setChecked(stored.value("expand_loss") in (True, "true"))

    def save_settings(self):
        """Geometry, dock layout, speed, view toggles and the last settings, in QSettings."""
        stored = settings()
        stored.setValue("geometry", self.saveGeometry())
        stored.setValue("window_state", self.saveState())
        speed = self.steps.current_speed()
        stored.setValue("speed", "max" if speed is None else str(speed))
        stored.setValue("expand_loss", self.action_expand_loss.isChecked())
        config = self.trainer.config or TrainerConfig()
        stored.setValue("config", json.dumps(config.to_dict()))

    def closeEvent(self, event):
        self.play.stop()
        self.redraw.timer.stop()   # no panel redraws into a closed window
        self.save_settings()
        super().closeEvent(event)

    # ----- trainer calls ---------------------------------------------------------------------
    def run_step(self, title, call, node_step=False):
        """Run ``call(trainer)``; an exception is shown and the window carries on."""
        try:
            call(self.trainer)
        except Exception as exc:  # noqa: BLE001 — any failure is the user's to see, not fatal
            self._report(title, exc)
        self._changed(now=True)
        if node_step:
            self._follow(self.snapshot().active_node)

    def check_gradient(self, name):
        """Check parameter ``name``'s gradient numerically; the inspector shows the rows."""
        try:
            rows = self.trainer.check_gradient(name)
        except Exception as exc:  # noqa: BLE001 — as in run_step: shown, never fatal
            self._report("Gradient check", exc)
            return
        self.inspector.show_check(rows)

    def _follow(self, node_id):
        """Select the node that just sent its gradients; the inspector draws it at its next turn
        (drawing it here would make the click slower than the graph's repaint)."""
        if node_id is None:
            return
        self.graph_view.select_node(node_id, notify=False)
        self.inspector.node_id = node_id
        self.inspector_dock.raise_()
        self.redraw.panels_changed()

    def _report(self, title, exc):
        show_error(self, f"{title} failed", f"{type(exc).__name__}: {exc}")

    def set_playing(self, playing):
        if playing:
                self.play.start()
        else:
            self.play.stop()

    def _playing_changed(self, playing):
        self._changed(now=True)

    def _dock_shown(self, dock, visible):
        self._shown[dock] = visible
        if visible:
            self.redraw.panels_changed()

    def reset_training(self):
        self.play.stop()
        self._new_generation()
        self.run_step("Reset", lambda t: t.reset())

    def replace_trainer(self, trainer):
        """Swap in a new trainer (rebuilt, loaded from a session, …) and redraw everything."""
        self.play.stop()
        try:
            trainer.expand_loss = self.action_expand_loss.isChecked()
        except Exception as exc:  # noqa: BLE001
            self._report("Expanded loss", exc)
        self.trainer = trainer
        if trainer.config is not None:
            self.setup_panel.set_config(trainer.config, trainer.dataset)
        self._new_generation()
        self._changed(now=True)

    def _set_expand_loss(self, on):
        self.run_step("Expanded loss", lambda t: setattr(t, "expand_loss", on))
        if self.trainer.completed not in (None, Phase.UPDATE):
            self.statusBar().showMessage("The loss graph changes from the next forward pass.", 4000)

    def _rebuild(self, config):
        if self.trainer.iteration > 0 and QMessageBox.question(
                self, "Rebuild the model?",
                f"Rebuilding starts a new model and discards {self.trainer.iteration} iterations "
                "of training. Continue?") != QMessageBox.Yes:
            self._keep_trainer()
            return
        try:
            trainer = build_trainer(config, self.setup_panel.custom_dataset)
        except Exception as exc:  # noqa: BLE001 — bad settings: keep the old trainer
            show_error(self, "Cannot build this model", f"{type(exc).__name__}: {exc}")
            self._keep_trainer()
            return
        self.replace_trainer(trainer)

    def _keep_trainer(self):
        """A rebuild was refused or failed: the panel took the new settings as applied, but the
        trainer still runs on the old ones, which the panel must show as pending edits."""
        if self.trainer.config is not None:
            self.setup_panel.set_applied(self.trainer.config, self.trainer.dataset)

    def _dataset_edited(self, dataset):
        playing = self.play.playing
        config = self.trainer.config or self.setup_panel.config()
        try:
            trainer = build_trainer(config, dataset)
        except Exception as exc:  # noqa: BLE001
            show_error(self, "Cannot train on the edited data", f"{type(exc).__name__}: {exc}")
            # the plot already shows the edit: back to the data the trainer still has
            self.boundary_plot.show_snapshot(self.snapshot(), self.trainer)
            return
        self.replace_trainer(trainer)
        if playing:
            self.steps.play.setChecked(True)

    def _apply_live(self, name, value):
        def apply(trainer):
            setattr(trainer, name, value)
            if trainer.config is not None:
                setattr(trainer.config, name, value)
        self.run_step(f"Setting {name}", apply)

    # ----- drawing ---------------------------------------------------------------------------
    def plot_widgets(self):
        return [self.loss_plot, self.boundary_plot, self.weights_plot, self.gradnorm_plot]

    def snapshot(self):
        """The trainer's snapshot as of its latest change (taken once per change)."""
        if self._snapshot is None or self._snapshot[0] != self._version:
            self._snapshot = (self._version, self.trainer.snapshot())
        return self._snapshot[1]

    def _changed(self, now):
        self._version += 1
        self.redraw.changed(now)

    def _new_generation(self):
        """Plots start over (a new trainer or a reset): clear them and draw them again."""
        self._generation += 1
        for plot in self.plot_widgets():
            plot.clear()
        self.redraw.forget()

    def refresh(self):
        """Redraw everything from a new snapshot, now."""
        self._changed(now=True)
        self.redraw.flush()

    def _select_node(self, node_id):
        self.inspector.set_node(node_id, self.snapshot())
        self.redraw.drawn_now("inspector")
        if node_id is not None:
            self.inspector_dock.show()
            self.inspector_dock.raise_()

    def _draw_core(self, snapshot):
        """The graph, the controls and the status bar."""
        playing = self.play.playing
        self.graph_view.show_snapshot(snapshot, highlight_next=not playing, active=snapshot.active_node)
        self.graph_view.viewport().repaint()
        self.steps.refresh(self.trainer, playing)
        self._show_status(snapshot, playing)

    def _show_status(self, snapshot, playing):
        diverged = snapshot.diverged
        self.banner.setVisible(diverged is not None)
        if diverged is not None:
            self.banner.setText(f"Training diverged: {diverged['message']} The node where it "
                                "happened glows red in the graph. Press Reset (R) or change the "
                                "settings.")
            self.statusBar().showMessage(f"Diverged: {diverged['message']}")
        elif self.statusBar().currentMessage().startswith("Diverged"):
            self.statusBar().clearMessage()
        self.hint.setText(hint_for(snapshot, playing))
        loss = snapshot.metrics.get("loss", _last(snapshot.history, "train_loss"))
        accuracy = snapshot.metrics.get("accuracy", _last(snapshot.history, "train_acc"))
        labels = self.status_labels
        labels["iteration"].setText(f"Iteration {snapshot.iteration}")
        labels["phase"].setText("Playing" if playing else "Diverged" if diverged
                                else f"Next: {snapshot.phase.label}")
        labels["loss"].setText("Loss —" if loss is None else f"Loss {loss:.4g}")
        labels["accuracy"].setText("Accuracy —" if accuracy is None else f"Accuracy {accuracy:.1%}")
        labels["rate"].setText(f"{self.play.rate():.0f} it/s" if playing else "")


def _last(history, key):
    values = history.get(key)
    return float(values[-1]) if values is not None and len(values) else None
