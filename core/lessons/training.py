"""A trainer step's world: a Trainer built from a TrainerConfig, driven one phase, node or run at a time.

The app may share the trainer (it installs ``world.trainer`` as its own), so what the learner
clicks happens here too; ``reached`` reads the trainer's position to notice it.
"""
import dataclasses

from core.training import Phase
from core.training.config import TrainerConfig
from core.training.factory import build_trainer
from core.training.trainer import Trainer

_PHASE_INDEX = {None: 0, Phase.UPDATE: 0, Phase.FORWARD: 1, Phase.LOSS: 2, Phase.BACKWARD: 3}
_TARGET_INDEX = {"forward": 1, "loss": 2, "backward": 3, "update": 4}


def trainer_config(table):
    """The TrainerConfig a TOML table describes (missing fields keep their defaults); ValueError
    naming the field."""
    known = {f.name for f in dataclasses.fields(TrainerConfig)}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ValueError(f"unknown field {unknown[0]!r}; a trainer setup has TrainerConfig's fields: "
                         f"{', '.join(sorted(known))}")
    return TrainerConfig(**table).check()


def position(trainer):
    """(iteration, phases completed in it, nodes backward has processed): grows as training goes on."""
    done = _PHASE_INDEX[trainer.completed]
    return trainer.iteration, done, len(trainer.record.done) if done else 0


class TrainerWorld:
    """The config and its trainer; ``attach`` follows a trainer the app built in its place."""

    kind = "trainer"

    def __init__(self, config, trainer=None):
        self.config = config
        self.trainer = trainer if trainer is not None else build_trainer(dataclasses.replace(config))

    def attach(self, trainer):
        """Follow ``trainer`` from now on (the app's, installed from this world)."""
        self.trainer = trainer

    def mark(self):
        """What ``reached`` compares against: the trainer's position."""
        return position(self.trainer)

    def perform(self, action):
        """Carry out one action on the trainer (PhaseError, ValueError when it makes no sense now)."""
        t = self.trainer
        if action.verb == "phase":
            target = _phase_target(position(t), action.word)
            while position(t)[:2] < target:
                t.step_phase()
        elif action.verb == "node":
            for _ in range(action.count):
                t.step_node()
        elif action.verb == "iteration":
            t.step()
        elif action.verb == "train":
            t.run(action.count)
        elif action.verb in ("expand", "fuse"):
            t.expand_loss = action.verb == "expand"
        else:
            t.reset()

    def reached(self, action, mark):
        """True when the trainer shows ``action`` done since ``mark``."""
        now = position(self.trainer)
        if action.verb == "phase":
            return now[:2] >= _phase_target(mark, action.word)
        if action.verb == "node":
            return now[:2] > mark[:2] or (now[:2] == mark[:2] and now[2] >= mark[2] + action.count)
        if action.verb == "iteration":
            return now[0] > mark[0]
        if action.verb == "train":
            return now[0] >= mark[0] + action.count
        if action.verb in ("expand", "fuse"):
            return self.trainer.expand_loss == (action.verb == "expand")
        return now == (0, 0, 0)

    def after(self, actions):
        """A copy of this world, at the same position, with ``actions`` carried out on the copy."""
        copy = TrainerWorld(self.config, _clone(self.trainer))
        for action in actions:
            copy.perform(action)
        return copy


def _phase_target(mark, word):
    """(iteration, phases completed) once the phase ``word`` ("next" or a phase) has run from ``mark``."""
    iteration, done = mark[:2]
    target = done + 1 if word == "next" else _TARGET_INDEX[word]
    if target <= done:  # that phase is over in this iteration: the next iteration's
        iteration += 1
    return (iteration + 1, 0) if target == 4 else (iteration, target)


def _clone(trainer):
    """A trainer that continues exactly as ``trainer`` would, at the same phase and node."""
    copy = Trainer.from_state_dict(trainer.state_dict())
    copy.config = trainer.config
    copy.expand_loss = trainer.expand_loss
    _, done, nodes = position(trainer)
    while position(copy)[1] < min(done, 2):
        copy.step_phase()
    while position(copy)[1] < done or position(copy)[2] < nodes:
        copy.step_node()
    return copy
