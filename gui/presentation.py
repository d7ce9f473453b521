"""Presentation mode (F5): one switch for the lecture hall. Every panel's text grows by the chosen
scale (100–250 %, live), the projector theme takes over, the setup dock hides and the window goes
full screen; switching off puts back the dock layout and the window state exactly as they were."""
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence

SCALES = (100, 125, 150, 175, 200, 250)   # per cent
DEFAULT_SCALE = 175
SCALE_KEY = "presentation/scale"


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
        self._saved = None   # (dock layout, window state) from before presenting
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
            self._saved = (window.saveState(), window.windowState())
            window.setup_dock.hide()
            self.appearance.set_presenting(True, self.scale / 100)
            window.setWindowState(window.windowState() | Qt.WindowFullScreen)
        elif not on and self.on:
            layout, state = self._saved
            self._saved = None
            window.setWindowState(state)
            self.appearance.set_presenting(False)
            window.restoreState(layout)
