"""The lab's actions (build, step, run, reset, expanded), its toolbar and the Examples menu."""
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar, QToolButton

from core.expression import EXAMPLES


class LabActions(QObject):
    """QActions on ``lab`` (a LabWorkspace), with shortcuts that work inside the lab only."""

    def __init__(self, lab):
        super().__init__(lab)
        self.lab = lab
        self.build = self._action("action_lab_build", "Build", "Ctrl+Return",
                                  "Parse the formula and its values and draw the graph.", lab.build)
        self.step = self._action("action_lab_step", "Step node", "F10",
                                 "Process one node: forward values first, then the backward pass.",
                                 lab.step)
        self.run = self._action("action_lab_run", "Run to end", "F5",
                                "Step every remaining node.", lab.run)
        self.reset = self._action("action_lab_reset", "Reset", "Ctrl+R",
                                  "Back to the start of the walk (the same formula and values).", lab.reset)
        self.expand = self._action("action_lab_expand", "Expanded", "Ctrl+Shift+E",
                                   "Write fused primitives (sigmoid) with elementary ops.", None)
        self.expand.setCheckable(True)
        self.expand.toggled.connect(lambda _: lab.build())
        self.examples = QMenu("&Examples", lab)
        self.examples.setObjectName("menu_lab_examples")
        self.examples.setToolTipsVisible(True)
        self.example_actions = {}
        for example in EXAMPLES:
            action = self.examples.addAction(example.title)
            action.setObjectName(f"action_lab_example_{example.key}")
            action.setToolTip(example.teaches)
            action.triggered.connect(lambda _=False, e=example: lab.load_example(e))
            self.example_actions[example.key] = action
        self.toolbar = self._toolbar()

    def _action(self, name, text, shortcut, tip, slot):
        action = QAction(text, self.lab)
        action.setObjectName(name)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.WidgetWithChildrenShortcut)   # not while the trainer is shown
        action.setToolTip(f"{text} ({QKeySequence(shortcut).toString()}): {tip}")
        action.setStatusTip(tip)
        if slot is not None:
            action.triggered.connect(slot)
        self.lab.addAction(action)
        return action

    def _toolbar(self):
        bar = QToolBar("Lab")
        bar.setObjectName("lab_toolbar")
        bar.setStyleSheet("QToolButton { padding: 3px 8px; }")
        for action in (self.build, self.step, self.run, self.reset):
            bar.addAction(action)
        bar.addSeparator()
        bar.addAction(self.expand)
        button = QToolButton()
        button.setText("Examples")
        button.setObjectName("lab_examples_button")
        button.setMenu(self.examples)
        button.setPopupMode(QToolButton.InstantPopup)
        bar.addWidget(button)
        return bar

    def populate(self, menu):
        """The lab's actions and the Examples submenu into ``menu``."""
        for action in (self.build, self.step, self.run, self.reset, self.expand):
            menu.addAction(action)
        menu.addSeparator()
        menu.addMenu(self.examples)

    def refresh(self, walk):
        """Step and Run only while the walk has nodes left; Reset once there is a walk."""
        left = walk is not None and not walk.finished
        self.step.setEnabled(left)
        self.run.setEnabled(left)
        self.reset.setEnabled(walk is not None)
