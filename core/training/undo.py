"""Step back through what the user did: a node, a phase, an iteration, a reset or a new trainer.

The application model pushes an entry before each change it can take back; ``undo(session)``
takes back the latest. Steps go back through the trainer's checkpoints and replay (the same
numbers again, see ``checkpoints``); a reset keeps the trainer's history and checkpoints; a new
trainer (a rebuild, training on edited data) keeps the old one. No Qt.
"""
from .checkpoints import Position, replay_phases, restore_start
from .phases import Phase

MAX_ENTRIES = 200      # steps remembered
MAX_TRAINERS = 5       # earlier trainers kept (each holds its data, weights and history)


def save_progress(trainer):
    """What ``restore_progress`` needs to bring training back after ``trainer.reset()``.

    No copies: reset gives the trainer a new history and checkpoint ring, so these stay as they are."""
    if trainer.completed in (None, Phase.UPDATE) and trainer.diverged is None:
        trainer.checkpoints.capture(trainer)
    return {"ring": trainer.checkpoints, "history": trainer.history, "iteration": trainer.iteration,
            "position": trainer.position()}


def restore_progress(trainer, saved):
    """Put back the training ``save_progress`` kept (the current learning rate stays)."""
    trainer.history, trainer.iteration, trainer.checkpoints = \
        saved["history"], saved["iteration"], saved["ring"]
    restore_start(trainer, saved["position"].start)
    replay_phases(trainer, saved["position"])


def one_iteration_back(position):
    """The start of the iteration before ``position`` (its own start, if it is under way)."""
    return Position(position.start - 1, 0, 0) if position.phases == 0 else Position(position.start, 0, 0)


class UndoStack:
    """The changes that can be taken back, latest last; each entry knows the trainer it is for."""

    def __init__(self):
        self._entries = []

    def __len__(self):
        return len(self._entries)

    def push_step(self, trainer):
        """Before a step, run or play of ``trainer``: its position now."""
        self._push(("step", trainer, trainer.position()))

    def push_reset(self, trainer):
        """Before ``trainer.reset()``: the training it discards."""
        self._push(("reset", trainer, save_progress(trainer)))

    def push_trainer(self, trainer):
        """Before ``trainer`` is replaced by another (a rebuild, edited data)."""
        self._push(("trainer", trainer, None))
        kept = [i for i, entry in enumerate(self._entries) if entry[0] == "trainer"]
        for i in reversed(kept[:-MAX_TRAINERS]):
            del self._entries[i]

    def undo(self, session):
        """Take back the latest change to ``session``; returns what was undone, in words, or None
        when there is nothing to undo. ValueError (nothing changes) when it is out of reach."""
        while self._entries:
            kind, trainer, data = self._entries[-1]
            if kind == "trainer":
                self._entries.pop()
                session.replace_trainer(trainer)
                return "the new settings or data"
            if trainer is not session.trainer:
                self._entries.pop()        # for a trainer no longer in use
                continue
            if kind == "reset":
                self._entries.pop()
                restore_progress(trainer, data)
                return f"the reset (back to iteration {trainer.iteration})"
            here = trainer.position()
            if data >= here:
                self._entries.pop()        # already there (stepped back past it)
                continue
            back = one_iteration_back(here)
            if data < back:                # after play or run: one iteration per undo
                trainer.go_to(back)
                return f"one iteration (back to iteration {trainer.iteration})"
            trainer.go_to(data)
            self._entries.pop()
            return "the last step"
        return None

    def clear(self):
        """Forget everything (a session opened from a file)."""
        self._entries.clear()

    def _push(self, entry):
        self._entries.append(entry)
        del self._entries[:-MAX_ENTRIES]
