"""The application model: one QObject that owns the Session and the play controller.

Every trainer call runs here (``run``): an exception becomes an error report (``sig_error``),
never a dead window. Views never read the trainer; they draw ``snapshot()``, taken once per
change, when ``sig_snapshot`` says there is a new one.
"""
import logging

from PySide6.QtCore import QObject, Signal

from core.data import DataError
from core.training import Phase
from core.training.graph_groups import step_shown_node
from core.training.session import Session
from core.training.undo import UndoStack

from .play import PlayController

log = logging.getLogger("backprop_studio")
EXPECTED = (OSError, ValueError, DataError)  # bad files and settings: no traceback in the log


class AppModel(QObject):
    """The session (``session``, its ``trainer``), the selected node (``selected``) and what
    changed (``sig_*``)."""

    sig_snapshot = Signal(bool)         # a new snapshot; True: draw the graph at once (a click)
    sig_selected = Signal(object)       # the selected node id, or None
    sig_playing = Signal(bool)
    sig_error = Signal(str, str)        # (title, message): the one way errors reach the user
    sig_generation = Signal()           # a new trainer or a reset: plots start over
    sig_trainer = Signal(object)        # a different trainer (rebuilt, loaded): its settings show
    sig_gradient_checked = Signal(object)   # the rows of a numerical gradient check
    sig_status = Signal(str)            # a passing remark for the status bar

    def __init__(self, config=None, parent=None):
        super().__init__(parent)
        self.session = _first_session(config)
        self.version = 0          # bumped on every change of the trainer's state
        self.generation = 0       # bumped when the trainer is replaced or reset
        self._snapshot = None
        self.selected = None
        self.step_groups = ()   # the layers the graph draws as one node: Next node steps them as one
        self.expand_loss = False
        self.undo_stack = UndoStack()   # what undo() takes back: steps, resets, new trainers
        self.play = PlayController(lambda: self.trainer, self)
        self.play.sig_advanced.connect(lambda: self.changed(now=False))
        self.play.sig_failed.connect(lambda exc: self.report("Play", exc))
        self.play.sig_playing_changed.connect(self._playing_changed)

    @property
    def trainer(self):
        """The session's current Trainer (read it; change it through the methods here)."""
        return self.session.trainer

    @property
    def playing(self):
        """Whether play is training continuously."""
        return self.play.playing

    # ----- trainer calls ---------------------------------------------------------------------
    def run(self, title, call, node_step=False):
        """Run ``call(trainer)`` and announce the change; a failure is reported, never raised.

        Returns whether the call succeeded. ``node_step`` selects the node that just sent its
        gradients (Next node).
        """
        try:
            call(self.trainer)
        except Exception as exc:  # noqa: BLE001 — any failure is the user's to see, not fatal
            self.report(title, exc)
            ok = False
        else:
            ok = True
        self.changed(now=True)
        if node_step:
            active = self.snapshot().active_node
            active = next((g.output for g in self.step_groups if active in g.members), active)
            if active is not None:
                self.select_node(active)
        return ok

    def step_phase(self, title="Step"):
        """Run the next phase (``title`` names it in an error report)."""
        self.undo_stack.push_step(self.trainer)
        return self.run(title, lambda t: t.step_phase())

    def step_node(self):
        """Backpropagate through one node as the graph shows it (a collapsed layer is one
        step) and select it."""
        self.undo_stack.push_step(self.trainer)
        return self.run("Next node", lambda t: step_shown_node(t, self.step_groups), node_step=True)

    def step(self):
        """Finish the current iteration."""
        self.undo_stack.push_step(self.trainer)
        return self.run("Step", lambda t: t.step())

    def reset(self):
        """Initial weights, iteration 0, empty history: the plots start over."""
        self.play.stop()
        trainer = self.trainer
        self.undo_stack.push_reset(trainer)
        self._new_generation()
        if self.run("Reset", lambda _: self.session.reset()) and trainer.history is not None:
            self.sig_status.emit("Reset to iteration 0: Undo (Ctrl+Z) brings the training back.")

    def undo(self):
        """Take back the last step, phase, iteration, reset or new trainer (Ctrl+Z); after a
        divergence, undo the last steps (to the last iteration with a sane loss)."""
        self.play.stop()
        trainer = self.trainer
        try:
            if trainer.diverged is not None:
                what = f"the last steps (back to iteration {trainer.undo_to_checkpoint()})"
            else:
                what = self.undo_stack.undo(self.session)
        except Exception as exc:  # noqa: BLE001 — as in run: shown, never fatal
            self.report("Undo", exc)
            return False
        if self.trainer is not trainer:
            self.trainer.expand_loss = self.expand_loss
            self._installed()
        else:
            self._new_generation()     # the history is shorter or longer: plots redraw it
            self.changed(now=True)
        self.sig_status.emit("Nothing to undo." if what is None else f"Undid {what}.")
        return what is not None

    def set_playing(self, playing):
        """Start or pause play (``sig_playing`` follows)."""
        if playing:
            self.undo_stack.push_step(self.trainer)
            self.play.start()
        else:
            self.play.stop()

    def set_expand_loss(self, on):
        """Show the loss as one fused node or as elementary ops (from the next forward pass)."""
        self.expand_loss = bool(on)
        self.run("Expanded loss", lambda t: setattr(t, "expand_loss", self.expand_loss))
        if self.trainer.completed not in (None, Phase.UPDATE):
            self.sig_status.emit("The loss graph changes from the next forward pass.")

    def apply_live(self, name, value):
        """Set the learning rate ("lr") or regularisation ("reg") without rebuilding."""
        return self.run(f"Setting {name}", lambda _: self.session.apply_live(name, value))

    def check_gradient(self, name):
        """Check parameter ``name``'s gradient numerically; the rows go out by sig_gradient_checked."""
        try:
            rows = self.trainer.check_gradient(name)
        except Exception as exc:  # noqa: BLE001 — as in run: shown, never fatal
            self.report("Gradient check", exc)
            return
        self.sig_gradient_checked.emit(rows)

    # ----- new trainers ----------------------------------------------------------------------
    def rebuild(self, config, dataset=None, title="Cannot build this model"):
        """Build a trainer from ``config`` (on ``dataset`` if given); on failure keep the old one.

        Returns whether the new trainer is in place.
        """
        self.play.stop()
        old = self.trainer
        try:
            self.session.rebuild(config, dataset)
        except Exception as exc:  # noqa: BLE001 — bad settings: the session keeps the old trainer
            self.error(title, f"{type(exc).__name__}: {exc}")
            return False
        self.undo_stack.push_trainer(old)
        if old.iteration:
            self.sig_status.emit(f"New trainer: Undo (Ctrl+Z) brings back the {old.iteration} "
                                 "iterations of the last one.")
        self._installed()
        return True

    def train_on(self, dataset):
        """The same settings on edited data (a click in the decision boundary); play goes on."""
        playing = self.playing
        if not self.rebuild(self.session.config, dataset, title="Cannot train on the edited data"):
            self._new_generation()   # the plots draw the data the trainer still has, not the edit
            self.changed(now=True)
            return False
        if playing:
            self.set_playing(True)
        return True

    def replace_trainer(self, trainer):
        """Install a ready-made ``trainer`` (weights imported, a script's own, …): everything is
        drawn anew. Returns whether it is in place (one no config describes is refused)."""
        self.play.stop()
        try:
            self.session.replace_trainer(trainer)
            trainer.expand_loss = self.expand_loss
        except Exception as exc:  # noqa: BLE001 — the session keeps the old trainer
            self.report("Installing the trainer", exc)
            return False
        self._installed()
        return True

    def open_session(self, path):
        """Continue the session saved in ``path``; raises (SessionError) and changes nothing if it
        cannot be read."""
        session = Session.load(path)
        self.play.stop()
        self.session = session
        self.undo_stack.clear()
        self.trainer.expand_loss = self.expand_loss
        self._installed()

    def save_session(self, path):
        """Write the session to ``path`` (raises SessionError naming the file if it cannot)."""
        self.session.save(path)

    # ----- what the views draw ---------------------------------------------------------------
    def snapshot(self):
        """The trainer's snapshot as of its latest change (taken once per change)."""
        if self._snapshot is None or self._snapshot[0] != self.version:
            self._snapshot = (self.version, self.trainer.snapshot())
        return self._snapshot[1]

    def changed(self, now=True):
        """The trainer's state changed (also from outside, e.g. a script's ``trainer.run``)."""
        self.version += 1
        self.sig_snapshot.emit(now)

    def select_node(self, node_id):
        """Select the node ``node_id`` of the current graph (None, or an unknown id: none)."""
        if node_id is not None and all(n.id != node_id for n in self.snapshot().graph):
            node_id = None
        self.selected = node_id
        self.sig_selected.emit(node_id)

    # ----- errors ----------------------------------------------------------------------------
    def report(self, title, exc):
        """``title`` failed with ``exc``: the user sees both."""
        if not isinstance(exc, EXPECTED):
            log.error("%s failed", title, exc_info=exc)
        self.sig_error.emit(f"{title} failed", f"{type(exc).__name__}: {exc}")

    def error(self, title, message):
        """Tell the user ``message`` under ``title`` (one slot shows and logs it)."""
        self.sig_error.emit(title, message)

    def _playing_changed(self, playing):
        self.sig_playing.emit(playing)
        self.changed(now=True)

    def _installed(self):
        self.sig_trainer.emit(self.trainer)
        self._new_generation()
        self.changed(now=True)

    def _new_generation(self):
        self.generation += 1
        self.sig_generation.emit()


def _first_session(config):
    """A session on ``config`` (the last run's settings) if it builds, else on the default."""
    if config is not None:
        try:
            return Session(config)
        except Exception:  # noqa: BLE001 — stale or broken settings fall back to the default
            log.info("the stored settings no longer build; starting on the default")
    return Session()
