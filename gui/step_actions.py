"""The step controls: QActions for each phase, Step, Play/Pause with a speed, Reset.

They live in the Train menu and the step toolbar. Which ones are enabled follows the trainer:
a phase's action only when that phase is next, nothing but Play/Pause and Reset while playing,
only Reset after training diverged. The next phase's button is highlighted.
"""
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QToolBar

from core.training import Phase

from .play import DEFAULT_SPEED, SPEEDS

TOOLBAR_STYLE = """
QToolButton { padding: 3px 8px; }
QToolButton[next="true"] { background: #FFE07A; border: 1px solid #B89400; border-radius: 4px;
                           font-weight: bold; }
"""


def speed_text(speed):
    return "max" if speed is None else f"{speed} it/s"


class StepActions(QObject):
    """Builds the step actions for ``window`` (a MainWindow) and keeps their enabled states."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        run = window.run_step

        def phase(name, text, shortcut, tip):
            return self._action(name, text, shortcut, tip, lambda: run(text, lambda t: t.step_phase()))

        self.forward = phase("action_forward", "Forward", "F",
                             "Run the batch through the model so every node gets its value.")
        self.loss = phase("action_loss", "Loss", "L",
                          "Compare the scores with the labels to compute the loss.")
        self.backward = phase("action_backward", "Backward", "B",
                              "Send the gradient back through the rest of the graph.")
        self.step_node = self._action("action_step_node", "Next node", "N",
                                      "Backpropagate through one node: it receives its upstream "
                                      "gradient and sends downstream = local × upstream.",
                                      lambda: run("Next node", lambda t: t.step_node(), node_step=True))
        self.update = phase("action_update", "Update", "U",
                            "Move every parameter a step against its gradient.")
        self.step = self._action("action_step", "Step", "Space",
                                 "Finish the current iteration (all remaining phases).",
                                 lambda: run("Step", lambda t: t.step()))
        self.play = self._action("action_play", "Play", "P",
                                 "Train continuously at the chosen speed; press again to pause.",
                                 None)
        self.play.setCheckable(True)
        self.play.toggled.connect(window.set_playing)
        self.reset = self._action("action_reset", "Reset", "R",
                                  "Start over: initial weights, iteration 0, empty history.",
                                  window.reset_training)
        self.phase_actions = {Phase.FORWARD: self.forward, Phase.LOSS: self.loss,
                              Phase.BACKWARD: self.backward, Phase.UPDATE: self.update}
        self.speed = QComboBox()
        self.speed.setObjectName("speed_combo")
        self.speed.setToolTip("Iterations per second while playing.")
        for s in SPEEDS:
            self.speed.addItem(speed_text(s), s)
        self.speed.setCurrentIndex(SPEEDS.index(DEFAULT_SPEED))
        self.speed.currentIndexChanged.connect(
            lambda i: window.play.set_speed(self.speed.itemData(i)))
        self.toolbar = self._toolbar()

    def _action(self, name, text, shortcut, tip, slot):
        action = QAction(text, self.window)
        action.setObjectName(name)
        action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(f"{text} ({QKeySequence(shortcut).toString()}): {tip}")
        action.setStatusTip(tip)
        if slot is not None:
            action.triggered.connect(slot)
        self.window.addAction(action)
        return action

    def _toolbar(self):
        bar = QToolBar("Steps")
        bar.setObjectName("step_toolbar")
        bar.setStyleSheet(TOOLBAR_STYLE)
        for action in (self.forward, self.loss, self.backward, self.step_node, self.update):
            bar.addAction(action)
        bar.addSeparator()
        bar.addAction(self.step)
        bar.addAction(self.play)
        bar.addWidget(QLabel(" Speed "))
        bar.addWidget(self.speed)
        bar.addSeparator()
        bar.addAction(self.reset)
        return bar

    def populate(self, menu):
        for action in (self.forward, self.loss, self.backward, self.step_node, self.update):
            menu.addAction(action)
        menu.addSeparator()
        for action in (self.step, self.play, self.reset):
            menu.addAction(action)

    def set_speed(self, speed):
        if speed in SPEEDS:
            self.speed.setCurrentIndex(SPEEDS.index(speed))

    def current_speed(self):
        return self.speed.currentData()

    def refresh(self, trainer, playing):
        """Enable what makes sense now and highlight the next phase's button."""
        alive = trainer.diverged is None
        idle = alive and not playing
        for phase, action in self.phase_actions.items():
            action.setEnabled(idle and trainer.phase is phase)
            self._mark_next(action, idle and trainer.phase is phase)
        self.step_node.setEnabled(idle and trainer.phase is Phase.BACKWARD)
        self.step.setEnabled(idle)
        self.play.setEnabled(alive or playing)
        if self.play.isChecked() != playing:
            self.play.blockSignals(True)
            self.play.setChecked(playing)
            self.play.blockSignals(False)
        self.play.setText("Pause" if playing else "Play")

    def _mark_next(self, action, is_next):
        button = self.toolbar.widgetForAction(action)
        if button is not None and button.property("next") != is_next:
            button.setProperty("next", is_next)
            button.style().unpolish(button)
            button.style().polish(button)
