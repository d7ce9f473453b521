"""The workspace switch in the menu bar's corner: "Trainer" | "Lab".

While the Lab is shown the trainer's step toolbar and docks are hidden (and its step actions
suspended), the File menu's graph export and the View menu's zoom, fit and layers actions act on
the lab's graph, and the Lab menu is enabled. The Lab itself is built on first use (``lab``):
when it is shown, a lesson's lab step loads, a session brings a lab of its own, or code asks.
"""
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QDockWidget, QFrame, QScrollArea, QStackedWidget, QTabBar

from .state import stored_state

WORKSPACES = ("trainer", "lab")


class WorkspaceSwitch(QObject):
    """Shows one workspace of ``window``; ``current`` is "trainer" or "lab"."""

    def __init__(self, window):
        super().__init__(window)
        self.window, self._lab = window, None
        self.trainer_central = window.centralWidget()
        self.bar = QTabBar()
        self.bar.setObjectName("workspace_switch")
        self.bar.addTab("Trainer")
        self.bar.addTab("Lab")
        self.bar.setTabToolTip(0, "Train a model phase by phase.")
        self.bar.setTabToolTip(1, "Type a formula, draw its graph and step it forward and backward.")
        self.bar.setDrawBase(False)
        self.lab_page = QScrollArea()   # scrolls on a small screen instead of raising the window's minimum
        self.lab_page.setObjectName("lab_page")
        self.lab_page.setWidgetResizable(True)
        self.lab_page.setFrameShape(QFrame.NoFrame)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.trainer_central)
        self.stack.addWidget(self.lab_page)
        window.setCentralWidget(self.stack)
        # in the menu bar's corner: the switch costs the trainer no height on a 768-pixel screen
        window.menuBar().setCornerWidget(self.bar, Qt.TopRightCorner)
        self.trainer_layout = None   # the docks and toolbars as the trainer showed them
        self.current = "trainer"
        self.menu = window.menuBar().addMenu("&Lab")   # filled when the Lab is built
        self.menu.setObjectName("menu_lab")
        self.menu.menuAction().setVisible(False)
        self.bar.currentChanged.connect(lambda index: self.show(WORKSPACES[index]))
        window.installEventFilter(self)
        window.app_model.sig_trainer.connect(self._session_changed)
        self._session_changed()

    @property
    def lab(self):
        """The LabWorkspace (built now if it was not yet)."""
        return self.build_lab()

    def build_lab(self):
        """Build the LabWorkspace now if it was not yet, with its Lab menu; returns it."""
        if self._lab is not None:
            return self._lab
        from .workspace import LabWorkspace  # the expression engine's GUI: not at start-up
        window = self.window
        self._lab = LabWorkspace(window.app_model)
        self.lab_page.setWidget(self._lab)
        self._lab.actions_.populate(self.menu)
        lessons = getattr(window, "lesson_panel", None)
        if lessons is not None:   # the lesson follows the lab's walk
            self._lab.sig_walk.connect(lambda walk: walk is not None and lessons.lab_walk_changed(walk))
        window.lecture.appearance.apply_graphs()   # its graph in the current theme and text scale
        return self._lab

    def _session_changed(self):
        """Before the Lab exists: a session without a lab gets the remembered one (as the Lab would
        give it), and a session with another lab builds the Lab, which shows it."""
        if self._lab is not None:
            return
        session = self.window.app_model.session
        stored = stored_state()
        if session.lab is None:
            session.lab = stored
        elif session.lab != stored:
            self.build_lab()   # it takes the session's lab and remembers it

    def eventFilter(self, watched, event):
        if watched is self.window and event.type() == QEvent.Close:
            self.show("trainer")   # the window stores the trainer's dock layout, never the lab's
        return False

    def show(self, name):
        """Show workspace ``name`` ("trainer" or "lab")."""
        if name == self.current:
            return
        self.current = name
        window, in_lab = self.window, name == "lab"
        self.bar.blockSignals(True)
        self.bar.setCurrentIndex(WORKSPACES.index(name))
        self.bar.blockSignals(False)
        self.stack.setCurrentWidget(self.lab_page if in_lab else self.trainer_central)
        if in_lab:
            window.play.stop()
            self.trainer_layout = window.saveState()
            lessons = getattr(window, "lesson_panel", None)
            guiding = lessons is not None and lessons.run is not None   # a lesson guides the lab too
            for dock in window.findChildren(QDockWidget):
                if not (guiding and dock is getattr(window, "lesson_dock", None)):
                    dock.hide()
            window.steps.toolbar.hide()
        elif self.trainer_layout is not None:
            window.restoreState(self.trainer_layout)
        window.steps.suspend(in_lab)
        for label in window.status_labels.values():   # iteration, loss, …: the trainer's
            label.setVisible(not in_lab)
        window.refresh()
        lab = self.lab if in_lab else None
        window.file_actions.graph_view = lab.graph_view if in_lab else window.graph_view
        window.graph_actions.use(*((lab.graph_view, lab.actions_.expand) if in_lab else (window.graph_view,)))
        self.menu.menuAction().setVisible(in_lab)


def install_lab(window):
    """Put the workspace switch ``window.workspaces`` and its Lab menu into ``window``, after its
    menus; the Lab itself is ``window.workspaces.lab``."""
    window.workspaces = WorkspaceSwitch(window)
    lessons = getattr(window, "lesson_panel", None)
    if lessons is not None:   # a lesson's lab steps load here
        lessons.sig_lab_setup.connect(lambda setup: (window.workspaces.show("lab"),
                                                     window.workspaces.lab.load_setup(setup)))
