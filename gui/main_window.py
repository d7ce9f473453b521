"""The main window: the step toolbar, the graph in the middle, inspector, setup and plots in docks.

It builds docks, menus and the status bar; the app model (``gui.app_model``) runs the trainer
and says what changed, and the redraw scheduler (``gui.redraw``) draws the views from its
snapshots: the graph at once (at most 30 times a second while playing), the panels one per turn
of the event loop.
"""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabWidget, QVBoxLayout, QWidget

from core.lessons import builtin_lessons

from .app_model import AppModel
from .curvature_panel import add_curvature_dock
from .errors import show_errors_of
from .file_actions import FileActions, settings
from .graph_actions import GraphActions
from .graph_view import GraphView
from .inspector import Inspector
from .lab import install_lab
from .lecture import install as install_lecture_tools
from .lesson_panel import LessonPanel, raise_panel
from .plot_docks import PlotDocks, window_panels
from .redraw import RedrawScheduler
from .repaint import repaint_now
from .screen_fit import scrolled
from .setup_panel import SetupPanel
from .status_view import StatusView
from .step_actions import StepActions
from .window_settings import hide_stale_tab_bars, restore_window, save_window, stored_config

STATUS_MS = 5000


class MainWindow(QMainWindow):
    """Backprop Studio's window; ``window.app_model`` holds what it shows."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Backprop Studio")
        stored = settings()
        self.app_model = AppModel(stored_config(stored), self)
        self.play = self.app_model.play
        show_errors_of(self.app_model, self)

        self.graph_view = GraphView()
        self.status = StatusView(self.statusBar())
        self.banner, self.hint, self.status_labels = self.status.banner, self.status.hint, self.status.labels
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        column.addWidget(self.status.health)
        column.addWidget(self.hint)
        column.addWidget(self.graph_view, 1)
        self.setCentralWidget(central)

        self.steps = StepActions(self.app_model, self, lambda: self.graph_actions.fit())
        self.action_fit, self.action_expand_loss = self.steps.fit, self.steps.expand_loss
        self.graph_actions = GraphActions(self.app_model, self.graph_view, self)
        self.addToolBar(Qt.TopToolBarArea, self.steps.toolbar)
        self.inspector = Inspector(self.app_model)
        self.setup_panel = SetupPanel(self.app_model)
        self.lesson_panel = LessonPanel(self.app_model)
        self._build_docks()
        self.curvature_dock, self.curvature_panel = add_curvature_dock(self, self.app_model,
                                                                       self.loss_dock)
        self.plot_docks = PlotDocks(self, later=(self.lesson_panel.list_lessons,), background=(builtin_lessons,))
        self.file_actions = FileActions(self.app_model, self, self.graph_view, self.plot_docks)
        self._build_menus()
        install_lab(self)   # the Lab workspace beside the trainer (gui/lab/), built on first use
        self._shown = {}           # dock → whether it can be seen (a tabbed-away dock stays "visible")
        self.redraw = RedrawScheduler(self.app_model, self._draw_core, window_panels(self), self)
        self._connect()
        restore_window(self, stored)
        self.refresh()

    # the plots are built just after the first paint, or when first asked for (gui.plot_docks)
    loss_plot = property(lambda self: self.plot_docks.plot("loss"), doc="The loss and accuracy plot.")
    boundary_plot = property(lambda self: self.plot_docks.plot("boundary"), doc="The decision boundary plot.")
    weights_plot = property(lambda self: self.plot_docks.plot("weights"), doc="The weights plot.")
    gradnorm_plot = property(lambda self: self.plot_docks.plot("gradnorm"), doc="The gradient norms plot.")

    lab = property(lambda self: self.workspaces.lab, doc="The Lab workspace (built on first use).")

    @property
    def trainer(self):
        """The Trainer the window shows (the app model's)."""
        return self.app_model.trainer

    def replace_trainer(self, trainer):
        """Show a ready-made trainer (rebuilt, loaded from a session, …) and redraw everything."""
        self.app_model.replace_trainer(trainer)

    def select_node(self, node_id):
        """Select a node (or None) in the graph and the inspector, and draw it there now."""
        self.app_model.select_node(node_id)
        self.redraw.draw_now("inspector")
        if self.app_model.selected is not None:
            self.inspector_dock.show()
            self.inspector_dock.raise_()

    def check_gradient(self, name):
        """Check parameter ``name``'s gradient numerically; the inspector shows the rows."""
        self.app_model.check_gradient(name)

    def snapshot(self):
        """The snapshot the views draw (the app model's, taken once per change)."""
        return self.app_model.snapshot()

    def refresh(self):
        """Redraw everything from a new snapshot, now (also after changing the trainer directly)."""
        self.app_model.changed(now=True)
        self.redraw.flush()

    def plot_widgets(self):
        """The four plots (built now if they were not yet)."""
        return list(self.plot_docks)

    # ----- construction ----------------------------------------------------------------------
    def _dock(self, title, name, widget):
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(Qt.BottomDockWidgetArea, dock)
        return dock

    def _build_docks(self):
        self.setDockNestingEnabled(True)
        self.inspector_dock = self._dock("Node inspector", "inspector_dock", self.inspector)
        self.setup_dock = self._dock("Setup", "setup_dock", scrolled(self.setup_panel))
        self.loss_dock = self._dock("Loss and accuracy", "loss_dock", None)
        self.boundary_dock = self._dock("Decision boundary", "boundary_dock", None)
        self.weights_dock = self._dock("Weights", "weights_dock", None)
        self.gradnorm_dock = self._dock("Gradient norms", "gradnorm_dock", None)
        self.lesson_dock = self._dock("Lessons", "lesson_panel", self.lesson_panel)
        self.splitDockWidget(self.inspector_dock, self.loss_dock, Qt.Horizontal)
        self.splitDockWidget(self.loss_dock, self.boundary_dock, Qt.Horizontal)
        self.tabifyDockWidget(self.inspector_dock, self.setup_dock)
        self.tabifyDockWidget(self.loss_dock, self.gradnorm_dock)
        self.tabifyDockWidget(self.boundary_dock, self.weights_dock)
        # one click away, and the graph keeps its width; not beside the inspector, which the
        # lessons' steps bring forward
        self.tabifyDockWidget(self.weights_dock, self.lesson_dock)
        for dock in (self.inspector_dock, self.loss_dock, self.boundary_dock):
            dock.raise_()
        self.setTabPosition(Qt.AllDockWidgetAreas, QTabWidget.North)

    def _build_menus(self):
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.file_actions.populate(file_menu)
        file_menu.addAction(self.lesson_panel.open_action)
        train, view = bar.addMenu("&Train"), bar.addMenu("&View")
        self.steps.populate(train, view)
        self.graph_actions.populate(view)
        view.addSeparator()
        for dock in (self.inspector_dock, self.setup_dock, self.loss_dock, self.boundary_dock,
                     self.weights_dock, self.gradnorm_dock, self.curvature_dock, self.lesson_dock):
            toggle = dock.toggleViewAction()
            toggle.setToolTip(f"Show or hide the {dock.windowTitle().lower()} panel.")
            view.addAction(toggle)
        self.lecture = install_lecture_tools(self, file_menu, view)   # themes, presentation, help

    def _connect(self):
        model = self.app_model
        self.graph_view.sig_node_selected.connect(self.select_node)
        model.sig_selected.connect(self._show_selected)
        model.sig_generation.connect(self._clear_plots)
        self.curvature_panel.sig_computed.connect(self.redraw.panels_changed)
        model.sig_status.connect(lambda message: self.statusBar().showMessage(message, STATUS_MS))
        self.lesson_panel.sig_panel.connect(lambda name: raise_panel(self, name))
        self.lesson_panel.sig_started.connect(self._raise_lessons)
        self.lesson_dock.toggleViewAction().triggered.connect(lambda on: on and self._raise_lessons())
        self.lesson_dock.visibilityChanged.connect(lambda on: on and self.lesson_panel.list_lessons())
        for dock in self.findChildren(QDockWidget):
            dock.visibilityChanged.connect(lambda visible, dock=dock: self._dock_shown(dock, visible))

    def _show_selected(self, node_id):
        self.graph_view.select_node(node_id, notify=False)
        if node_id is not None:
            self.inspector_dock.raise_()

    def _raise_lessons(self):
        self.lesson_dock.show()
        self.lesson_dock.raise_()

    def _clear_plots(self):
        self.plot_docks.clear()

    def plot_ready(self, name, now=False):
        """The plot ``name`` is in its dock (gui.plot_docks): drawn at its turn, or ``now`` (its dock
        is being shown)."""
        if now:
            self.redraw.draw_now(name)
        else:
            self.redraw.panels_changed()

    def _dock_shown(self, dock, visible):
        self._shown[dock] = visible
        if visible:
            self.redraw.panels_changed()

    def _draw_core(self, snapshot):
        """The graph, the controls and the status bar."""
        playing = self.play.playing
        self.graph_view.show_snapshot(snapshot, highlight_next=not playing, active=snapshot.active_node)
        repaint_now(self.graph_view)
        self.steps.refresh(snapshot, playing)
        self.status.show_snapshot(snapshot, playing, self.play.rate(), self.app_model.step_groups)

    def save_settings(self):
        """Geometry, dock layout, speed, view toggles and the last settings, in QSettings."""
        save_window(self, settings())

    def showEvent(self, event):
        super().showEvent(event)
        hide_stale_tab_bars(self)

    def closeEvent(self, event):
        self.play.stop()
        self.redraw.timer.stop()   # no panel redraws into a closed window
        self.save_settings()
        super().closeEvent(event)

