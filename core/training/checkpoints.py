"""Checkpoints at iteration starts, and going back to them: divergence recovery and step back.

A ring keeps the state at recent iteration starts (parameters, optimizer state, sampler state,
iteration, history length): every iteration stepped by hand, every ``FAST_EVERY``-th of
``run()``. Any earlier point within reach is rebuilt from the checkpoint before it by replaying
iterations and phases, which is deterministic: the same numbers as the first time. No Qt.
"""
from dataclasses import dataclass

import numpy as np

from ..limits import MAX_CHECKPOINT_BYTES
from .divergence import quiet_numpy
from .fast_path import fast_iteration
from .phases import Phase

FAST_EVERY = 10      # run() copies the state every 10th iteration (≈1 % of a step; bench/checkpoints.py)
CAPACITY = 32        # checkpoints kept: the last 32 stepped iterations, or 320 of run()
#                      (fewer for a big model: all of them within MAX_CHECKPOINT_BYTES)
MAX_REPLAY = 2 * FAST_EVERY   # iterations replayed at most to rebuild a point between checkpoints
GROWTH = 10.0        # "the last steps" end where the loss grew tenfold over its best so far


@dataclass(frozen=True, order=True)
class Position:
    """A point of training: the iteration ``start`` the current record began at, how many phases
    of it ran (0 = none, 4 = through the update) and how many backward nodes were stepped."""
    start: int
    phases: int
    nodes: int


@dataclass
class Checkpoint:
    """The trainer's state at the start of iteration ``iteration`` (copies)."""
    iteration: int
    model: dict
    optimizer: dict
    sampler: dict
    history_len: int
    val_len: int


class CheckpointRing:
    """The last ``CAPACITY`` checkpoints, oldest first, always after the reset point."""

    def __init__(self):
        self.items = []

    def capture(self, trainer, fast=False):
        """Keep the state of ``trainer`` at its iteration start (``fast``: only every FAST_EVERY-th)."""
        if fast and trainer.iteration % FAST_EVERY:
            return
        self.forget_after(trainer.iteration - 1)
        point = Checkpoint(trainer.iteration, trainer.model.state_dict(), trainer.optimizer.state_dict(),
                           trainer.sampler.state_dict(), len(trainer.history["iteration"]),
                           len(trainer.history["val_iteration"]))
        self.items.append(point)
        nbytes = sum(a.nbytes for a in point.model.values()) + sum(
            getattr(a, "nbytes", 0) for state in point.optimizer["state"].values() for a in state.values())
        del self.items[:-max(2, min(CAPACITY, MAX_CHECKPOINT_BYTES // max(nbytes, 1)))]

    def forget_after(self, iteration):
        """Drop the checkpoints of iterations after ``iteration`` (that future is gone)."""
        self.items = [c for c in self.items if c.iteration <= iteration]

    def before(self, trainer, iteration):
        """The latest checkpoint at or before ``iteration`` (the reset point if the ring has none)."""
        found = next((c for c in reversed(self.items) if c.iteration <= iteration), None)
        if found is None:
            point = trainer.reset_point
            found = Checkpoint(0, point["model"], point["optimizer"], point["sampler"], 0, 0)
        return found

    def reaches(self, trainer, iteration):
        """Whether the start of ``iteration`` can be rebuilt: a checkpoint at most MAX_REPLAY
        iterations before it, and not after the current iteration."""
        if not 0 <= iteration <= trainer.iteration:
            return False
        return iteration - self.before(trainer, iteration).iteration <= MAX_REPLAY

    def earliest(self, trainer):
        """The first iteration start within reach."""
        if self.reaches(trainer, 0):
            return 0
        return self.items[0].iteration if self.items else trainer.iteration


class Rewind:
    """Trainer methods that go back: ``reset``, ``position``, ``go_to``, ``undo_to_checkpoint``."""

    replaying = False   # True while restore_start replays iterations (no recovery inside a replay)

    def reset(self):
        """Back to the initial weights, optimizer state and batch order: iteration 0, no history."""
        self.model.load_state_dict(self.reset_point["model"])
        self.optimizer.load_state_dict(self.reset_point["optimizer"])
        self.sampler.load_state_dict(self.reset_point["sampler"])
        self._start_fresh()

    def position(self):
        """Where training is now, as a Position (what ``go_to`` returns to)."""
        if self.completed is None:
            return Position(self.iteration, 0, 0)
        phases = list(Phase).index(self.completed) + 1
        if self.completed is Phase.UPDATE:
            return Position(self.iteration - (self._diverged is None), phases, 0)
        return Position(self.iteration, phases, len(self._it.done) if self.completed is Phase.LOSS else 0)

    def go_to(self, position):
        """Back to an earlier ``position``: the checkpoint before it, then replay (the same numbers
        as the first time). The current learning rate and regularisation stay. ValueError when
        it is ahead or out of reach."""
        if position > self.position():
            raise ValueError(f"cannot go forward to {position}, only back from {self.position()}")
        restore_start(self, position.start)
        replay_phases(self, position)

    def undo_to_checkpoint(self, iteration=None):
        """Undo the last steps: back to the start of ``iteration`` (default: the last one whose loss
        was within GROWTH of the best before it), with the optimizer state of then and the current
        learning rate and regularisation; training continues from there. Returns the iteration."""
        if iteration is None:
            iteration = sane_start(self)
        restore_start(self, iteration)
        return iteration


def restore_start(trainer, iteration):
    """Put ``trainer`` at the start of ``iteration``: the checkpoint before it, then replay the
    iterations between (learning rates as recorded); the current learning rate and
    regularisation stay. ValueError, and nothing changes, when it is out of reach."""
    ring = trainer.checkpoints
    if not ring.reaches(trainer, iteration):
        raise ValueError(f"iteration {iteration} is out of reach: the checkpoints go back to iteration "
                         f"{ring.earliest(trainer)}, training is at iteration {trainer.iteration}")
    point = ring.before(trainer, iteration)
    lr, reg = trainer.lr, trainer.reg
    lrs = list(trainer.history["lr"][point.history_len:point.history_len + iteration - point.iteration])
    trainer.model.load_state_dict(point.model)
    trainer.optimizer.load_state_dict(point.optimizer)
    trainer.sampler.load_state_dict(point.sampler)
    trainer.iteration = point.iteration
    truncate_history(trainer.history, point.history_len, point.val_len)
    ring.forget_after(point.iteration)
    trainer._diverged = None
    trainer.replaying = True
    try:
        with quiet_numpy():
            for step_lr in lrs:
                trainer.optimizer.lr = step_lr
                fast_iteration(trainer)
    finally:
        trainer.replaying = False
    trainer.optimizer.lr, trainer.reg = lr, reg
    trainer._preview()


def replay_phases(trainer, position):
    """From the start of ``position.start``, run its phases and backward nodes up to ``position``."""
    with quiet_numpy():
        while (list(Phase).index(trainer.completed) + 1 if trainer.completed else 0) < position.phases:
            trainer.step_phase()
        while len(trainer._it.done) < position.nodes:
            trainer.step_node()


def truncate_history(history, length, val_length):
    """Keep the first ``length`` entries (``val_length`` of validation); new lists, so that
    snapshot views taken before keep their values."""
    for key, values in history.items():
        history[key] = values[:val_length if key.startswith("val_") else length]


def sane_start(trainer):
    """The last iteration start within reach whose loss was at most GROWTH × the best before it."""
    first = trainer.checkpoints.earliest(trainer)
    best, ans = np.inf, first
    for i, loss in enumerate(trainer.history["train_loss"]):
        best = min(best, loss)
        if i >= first and np.isfinite(loss) and loss <= GROWTH * best:
            ans = i
    return min(ans, trainer.iteration)


def restorable(trainer):
    """Whether ``recover`` would put the parameters back from a checkpoint after a bad update in
    this iteration (a checkpoint reaches its start, and no replay is running): then the update's
    guard need not copy them first."""
    return not trainer.replaying and trainer.checkpoints.reaches(trainer, trainer.iteration)


def recover(trainer, report):
    """After a divergence: the state at the start of the last iteration whose loss was finite
    (parameters and optimizer state from before the bad step); returns ``report`` saying so.
    The record that diverged stays on display."""
    if trainer.replaying:
        return report
    record, completed = trainer._it, trainer.completed
    bad_loss = report["phase"] == "forward"
    target = max(trainer.iteration - 1, 0) if bad_loss else trainer.iteration
    losses = trainer.history["train_loss"]
    loss = losses[target] if bad_loss and target < len(losses) else record.metrics.get("loss")
    try:
        restore_start(trainer, target)
    except ValueError:
        return dict(report, message=report["message"] + " The last finite parameters were kept; "
                    "lower the learning rate, or reset.")
    record.sampler_state = trainer.sampler.state_dict()   # a session saved now restarts here
    trainer._it, trainer.completed, trainer._diverged = record, completed, report
    loss_text = f" (loss {loss:.3g})" if loss is not None and np.isfinite(loss) else ""
    return dict(report, restored=target, message=(
        report["message"] + f" Restored the parameters and optimizer state from the start of "
        f"iteration {target}{loss_text}, the last with a finite loss: lower the learning rate and "
        "undo the last steps, or reset."))
