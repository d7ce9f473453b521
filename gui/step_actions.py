"""The step controls: QActions for each phase, Step, Play/Pause with a speed, Reset.

They live in the Train menu and the step toolbar, with the View menu's "Fit graph" and
"Expanded loss"; each runs its call on the app model. Which ones are enabled follows the trainer:
a phase's action only when that phase is next, nothing but Play/Pause and Reset while playing,
only Undo and Reset after training diverged. The next phase's button is highlighted.
"""
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QToolBar

from core.training import Phase

from .play import DEFAULT_SPEED, SPEEDS

# the next phase's highlight (QToolButton[next="true"]) is in the window's theme (gui.theme)
TOOLBAR_STYLE = "QToolButton { padding: 3px 8px; }"


def speed_text(speed):
    return "max" if speed is None else f"{speed} it/s"


class StepActions(QObject):
    """The step and view actions on ``app_model``, added to ``parent`` (a window) for their
    shortcuts; ``fit`` fits the graph to its view."""

    def __init__(self, app_model, parent, fit):
        super().__init__(parent)
        self.parent_widget = parent
        self.app_model = app_model

        def phase(name, text, shortcut, tip):
            return self._action(name, text, shortcut, tip, lambda: app_model.step_phase(text))

        self.forward = phase("action_forward", "Forward", "F",
                             "Run the batch through the model so every node gets its value.")
        self.loss = phase("action_loss", "Loss", "L",
                          "Compare the scores with the labels to compute the loss.")
        self.backward = phase("action_backward", "Backward", "B",
                              "Send the gradient back through the rest of the graph.")
        self.step_node = self._action("action_step_node", "Next node", "N",
                                      "Backpropagate through one node: it receives its upstream "
                                      "gradient and sends downstream = local × upstream.",
                                      app_model.step_node)
        self.update = phase("action_update", "Update", "U",
                            "Move every parameter a step against its gradient.")
        self.step = self._action("action_step", "Step", "Space",
                                 "Finish the current iteration (all remaining phases).", app_model.step)
        self.play = self._action("action_play", "Play", "P",
                                 "Train continuously at the chosen speed; press again to pause.",
                                 None)
        self.play.setCheckable(True)
        self.play.toggled.connect(app_model.set_playing)
        self.reset = self._action("action_reset", "Reset", "R",
                                  "Start over: initial weights, iteration 0, empty history.",
                                  app_model.reset)
        self.undo = self._action("action_undo", "Undo", "Ctrl+Z",
                                 "Step back one node, phase or iteration, or take back a reset or "
                                 "a new trainer; after a divergence, undo the last steps.",
                                 app_model.undo)
        self.fit = self._action("action_fit", "Fit graph to window", "Ctrl+0",
                                "Show the whole graph, or as much as stays legible.", fit,
                                tip_name="Fit graph")
        self.expand_loss = self._action("action_expand_loss", "Expanded loss", "E",
                                        "Show the loss as elementary ops instead of one fused node "
                                        "(from the next forward pass).", None)
        self.expand_loss.setCheckable(True)
        self.expand_loss.toggled.connect(app_model.set_expand_loss)
        self.phase_actions = {Phase.FORWARD: self.forward, Phase.LOSS: self.loss,
                              Phase.BACKWARD: self.backward, Phase.UPDATE: self.update}
        self.speed = QComboBox()
        self.speed.setObjectName("speed_combo")
        self.speed.setToolTip("Iterations per second while playing.")
        for s in SPEEDS:
            self.speed.addItem(speed_text(s), s)
        self.speed.setCurrentIndex(SPEEDS.index(DEFAULT_SPEED))
        self.speed.currentIndexChanged.connect(
            lambda i: app_model.play.set_speed(self.speed.itemData(i)))
        self.toolbar = self._toolbar()
        self.suspended = False   # True while another workspace (the Lab) is shown

    def _action(self, name, text, shortcut, tip, slot, tip_name=None):
        action = QAction(text, self.parent_widget)
        action.setObjectName(name)
        action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(f"{tip_name or text} ({QKeySequence(shortcut).toString()}): {tip}")
        action.setStatusTip(tip)
        if slot is not None:
            action.triggered.connect(slot)
        self.parent_widget.addAction(action)
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
        bar.addAction(self.undo)
        bar.addAction(self.reset)
        bar.addAction(self.fit)
        bar.addAction(self.expand_loss)
        return bar

    def populate(self, menu, view_menu):
        """The step actions into the Train ``menu``, fit and expanded loss into ``view_menu``."""
        view_menu.addAction(self.fit)
        view_menu.addAction(self.expand_loss)
        for action in (self.forward, self.loss, self.backward, self.step_node, self.update):
            menu.addAction(action)
        menu.addSeparator()
        for action in (self.step, self.play, self.undo, self.reset):
            menu.addAction(action)

    def set_speed(self, speed):
        if speed in SPEEDS:
            self.speed.setCurrentIndex(SPEEDS.index(speed))

    def current_speed(self):
        return self.speed.currentData()

    def suspend(self, on):
        """Disable every step action while another workspace is shown (from the next refresh)."""
        self.suspended = bool(on)
        for action in (self.step_node, self.step, self.play, self.reset, self.expand_loss):
            action.setEnabled(not on)   # fit stays: it fits the graph shown (the lab's too)

    def refresh(self, snapshot, playing):
        """Enable what makes sense after ``snapshot`` and highlight the next phase's button."""
        alive = snapshot.diverged is None and not self.suspended
        idle = alive and not playing
        for phase, action in self.phase_actions.items():
            action.setEnabled(idle and snapshot.phase is phase)
            self._mark_next(action, idle and snapshot.phase is phase)
        self.step_node.setEnabled(idle and snapshot.phase is Phase.BACKWARD)
        self.step.setEnabled(idle)
        self.play.setEnabled(alive or playing)
        self.undo.setEnabled(not playing and not self.suspended)
        for action in (self.reset, self.expand_loss):
            action.setEnabled(not self.suspended)
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
