"""Presentation mode (F5): one switch for the lecture hall. Every panel's text grows by the chosen
scale (100–250 %, live), the projector theme takes over, the setup and lessons docks hide, the
graph gets most of the height, the plots share one tab group beside the inspector (each plot gets
the group's whole size) and the window goes full screen; switching off puts back the dock layout
and the window state exactly as they were."""
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QDockWidget, QWidget

SCALES = (100, 125, 150, 175, 200, 250)   # per cent
DEFAULT_SCALE = 175
SCALE_KEY = "presentation/scale"
PANEL_SHARE = 0.42   # of the screen's height for the docks under the graph while presenting
PANEL_MIN_HEIGHT = 160   # presenting, the plots may shrink this far so that the graph gets room
# presenting, the plots' tabs name them in a word each, so that the five fit whole at 175 %
SHORT_TITLES = {"loss_dock": "Loss", "gradnorm_dock": "Gradients", "curvature_dock": "Curvature",
                "boundary_dock": "Boundary", "weights_dock": "Weights"}


class Presentation(QObject):
    """``action`` (checkable, F5) switches ``window`` into presentation mode and back; the View ▸
    Presentation text size choices set ``scale`` (per cent), remembered in ``stored``."""

    def __init__(self, window, appearance, stored):
        super().__init__(window)
        self.window = window
        self.appearance = appearance
        self.stored = stored
        scale = int(stored.value(SCALE_KEY, DEFAULT_SCALE) or DEFAULT_SCALE)
        self.scale = scale if scale in SCALES else DEFAULT_SCALE
        self._saved = None   # (dock layout, window state, panel minimum heights, titles) from before
        self.action = QAction("&Presentation mode", window, checkable=True)
        self.action.setObjectName("action_presentation")
        self.action.setShortcut(QKeySequence("F5"))
        self.action.setToolTip("Presentation mode (F5): large text, projector colours, full screen, "
                               "no setup panel.")
        self.action.setStatusTip(self.action.toolTip())
        self.action.toggled.connect(self.set_on)
        window.addAction(self.action)
        self.sizes = QActionGroup(self)
        self.size_actions = {}
        for percent in SCALES:
            choice = QAction(f"{percent} %", window, checkable=True)
            choice.setObjectName(f"action_presentation_{percent}")
            choice.setChecked(percent == self.scale)
            choice.triggered.connect(lambda _=False, p=percent: self.set_scale(p))
            self.sizes.addAction(choice)
            self.size_actions[percent] = choice

    @property
    def on(self):
        """Whether the window is presenting."""
        return self._saved is not None

    def arrange(self):
        """Presenting: the inspector and the plots' tab group side by side under the graph,
        PANEL_SHARE of the window's height; the graph gets the rest."""
        window = self.window
        below = [window.inspector_dock, window.loss_dock]
        window.resizeDocks(below, [round(window.height() * PANEL_SHARE)] * 2, Qt.Vertical)
        shares = (0.4, 0.6)
        window.resizeDocks(below, [round(window.width() * share) for share in shares], Qt.Horizontal)

    def eventFilter(self, watched, event):
        if watched is self.window and event.type() == QEvent.Resize and self.on:
            QTimer.singleShot(0, self.arrange)   # after the layout has taken the new size
        return False

    def populate(self, menu):
        """The switch and the text-size choices into the View ``menu``."""
        menu.addAction(self.action)
        sizes = menu.addMenu("Presentation &text size")
        for choice in self.size_actions.values():
            sizes.addAction(choice)

    def set_scale(self, percent):
        """The text scale while presenting, in per cent (applied at once when presenting)."""
        if percent not in SCALES:
            raise ValueError(f"presentation text size {percent} %: choose one of {SCALES}")
        self.scale = percent
        self.size_actions[percent].setChecked(True)
        self.stored.setValue(SCALE_KEY, percent)
        if self.on:
            self.appearance.set_presenting(True, percent / 100)

    def set_on(self, on):
        """Enter or leave presentation mode (also what the action's toggle does)."""
        if self.action.isChecked() != on:
            self.action.setChecked(on)   # toggles back into here
            return
        window = self.window
        if on and not self.on:
            panels = [w for dock in window.findChildren(QDockWidget) for w in dock.findChildren(QWidget)
                      if w.minimumHeight() > PANEL_MIN_HEIGHT]
            docks = window.findChildren(QDockWidget)
            self._saved = (window.saveState(), window.windowState(),
                           {panel: panel.minimumHeight() for panel in panels},
                           {dock: dock.windowTitle() for dock in docks})
            for panel in panels:
                panel.setMinimumHeight(PANEL_MIN_HEIGHT)
            for dock in docks:   # the tabs name them: height to the plots
                dock.setTitleBarWidget(QWidget(dock))
                dock.setWindowTitle(SHORT_TITLES.get(dock.objectName(), dock.windowTitle()))
            window.setup_dock.hide()
            window.lesson_dock.hide()   # the View menu brings it back
            for dock in (window.boundary_dock, window.weights_dock):   # one tab group of plots
                window.tabifyDockWidget(window.loss_dock, dock)
            window.loss_dock.raise_()
            window.boundary_plot.set_compact(True)   # the data-editing row would crowd out the plot
            self.appearance.set_presenting(True, self.scale / 100)
            window.setWindowState(window.windowState() | Qt.WindowFullScreen)
            window.installEventFilter(self)   # full screen arrives later, as a resize
            self.arrange()
        elif not on and self.on:
            layout, state, minimum_heights, titles = self._saved
            self._saved = None
            window.removeEventFilter(self)
            window.boundary_plot.set_compact(False)
            for panel, height in minimum_heights.items():
                panel.setMinimumHeight(height)
            for dock, title in titles.items():
                bar = dock.titleBarWidget()
                dock.setTitleBarWidget(None)
                bar.deleteLater()
                dock.setWindowTitle(title)
            window.setWindowState(state)
            self.appearance.set_presenting(False)
            window.restoreState(layout)
