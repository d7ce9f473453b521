"""A lesson being taken: the current step, its world (a lab Walk or a Trainer), answers and progress.

The question of a step is about the state *after* its actions: ``expected()`` computes it on a
copy when the actions are still to come, so the learner predicts first and checks after.
"""
from dataclasses import dataclass

import numpy as np

from core.expression import ExpressionError, parse_values
from core.training import DivergedError, PhaseError

from .errors import LessonError
from .lab import LabWorld
from .quantities import compute, find_lab_node, find_trainer_node
from .training import TrainerWorld

_RUN_ERRORS = (ValueError, PhaseError, DivergedError, ExpressionError)


@dataclass(frozen=True)
class Verdict:
    """The check of one answer: ``correct``, ``message`` (one sentence), ``attempts`` so far at this
    question, and ``answer``: the engine's value as text (the app reveals it after two wrong tries)."""
    correct: bool
    message: str
    attempts: int
    answer: str


class LessonRun:
    """One pass through a lesson. ``step`` is the current step, ``world`` its LabWorld or TrainerWorld
    (``walk`` / ``trainer``); ``answered`` is True once the question was answered right."""

    def __init__(self, lesson):
        self.lesson = lesson
        self.world = None
        self.index = 0
        self._enter(0)

    # ----- where we are ------------------------------------------------------------------------
    @property
    def step(self):
        """The current Step."""
        return self.lesson.steps[self.index]

    @property
    def walk(self):
        """The lab Walk of a lab step (None in a trainer step)."""
        return self.world.walk if self.world.kind == "lab" else None

    @property
    def trainer(self):
        """The Trainer of a trainer step (None in a lab step)."""
        return self.world.trainer if self.world.kind == "trainer" else None

    @property
    def pending(self):
        """The current step's actions not yet done, in order."""
        return tuple(a for a, done in zip(self.step.actions, self._done) if not done)

    @property
    def ready(self):
        """True when the step's actions are done and its question (if any) is answered right."""
        return not self.pending and (self.step.query is None or self.answered)

    @property
    def at_end(self):
        """True on the last step."""
        return self.index == len(self.lesson.steps) - 1

    def highlighted_node(self):
        """The id of the node the step highlights in the current graph, or None."""
        reference = self.step.highlight.get("node")
        if reference is None:
            return None
        return self._checked("highlight", lambda: self._find_node(reference).id)

    # ----- questions ---------------------------------------------------------------------------
    def expected(self):
        """The engine's answer to the current question, in the state after the step's actions:
        a float, or an ndarray for a vector or matrix."""
        query = self._query()
        pending = self.pending

        def answer():
            return compute(self.world.after(pending) if pending else self.world, query)
        value = self._checked("question", answer)
        return value.item() if value.ndim == 0 else value

    def answer(self, value):
        """Check the learner's ``value`` (a number, a list, or their text such as "-0.39" or "[1, 2]")."""
        query = self._query()
        given = _as_array(value)
        expected = np.asarray(self.expected(), dtype=np.float64)
        tolerance = query["tolerance"]
        shown, answer = _text(given, tolerance), _text(expected, tolerance)
        if given.size != expected.size:
            correct = False
            shape = f" (shape {expected.shape})" if expected.ndim else ""
            reason = f"the answer has {expected.size} entries{shape}"
        else:
            distance = np.abs(given.reshape(expected.shape) - expected)
            correct = bool(np.all(distance <= tolerance + 1e-9 * np.maximum(1.0, np.abs(expected))))
            reason = query.get("hint", "")
        self.attempts += 1
        if correct:
            self.answered = True
            explain = query.get("explain", "")
            message = f"{shown} is right" + (f": {explain}" if explain else ".")
        else:
            message = f"{shown} is not right" + (f": {reason}" if reason else ".")
        return Verdict(correct, message, self.attempts, answer)

    def reveal(self):
        """The answer and the explanation, for the learner who gave up (or tried twice)."""
        query = self._query()
        explain = query.get("explain", "")
        answer = _text(np.asarray(self.expected(), dtype=np.float64), query["tolerance"])
        return f"The answer is {answer}" + (f": {explain}" if explain else ".")

    # ----- moving on ---------------------------------------------------------------------------
    def advance(self):
        """Carry out the step's actions not yet done, then go to the next step; False at the end."""
        while self.do_next() is not None:
            pass
        if self.at_end:
            return False
        self._enter(self.index + 1)
        return True

    def do_next(self):
        """Carry out the first action not yet done (the app's "Do it" for one action); returns it,
        or None when none is left."""
        for k, action in enumerate(self.step.actions):
            if not self._done[k]:
                self._checked(f"action {str(action)!r}", lambda a=action: self.world.perform(a))
                self._done[k] = True
                self._mark = self.world.mark()
                return action
        return None

    def notice(self):
        """Look at the world after the learner did something in the app: mark the step's actions
        that are now done, in order; returns them (a tuple, empty when nothing new)."""
        noticed = []
        for k, action in enumerate(self.step.actions):
            if self._done[k]:
                continue
            if not self.world.reached(action, self._mark):
                break
            self._done[k] = True
            self._mark = self.world.mark()
            noticed.append(action)
        return tuple(noticed)

    def attach(self, target):
        """Follow the app's own Walk (lab) or Trainer in place of the run's, then ``notice()``."""
        self.world.attach(target)
        return self.notice()

    def _enter(self, index):
        self.index = index
        step = self.step
        if step.setup is not None:
            world = LabWorld if step.kind == "lab" else TrainerWorld
            self.world = self._checked("setup", lambda: world(step.setup))
        self._done = [False] * len(step.actions)
        self._mark = self.world.mark()
        self.attempts, self.answered = 0, False
        self.highlighted_node()

    def _find_node(self, reference):
        if self.world.kind == "lab":
            return find_lab_node(self.world.walk, reference)
        return find_trainer_node(self.world.trainer, reference)

    def _query(self):
        if self.step.query is None:
            raise LessonError(f"{self._where()}: this step asks no question")
        return self.step.query

    def _checked(self, what, call):
        try:
            return call()
        except _RUN_ERRORS as error:
            raise LessonError(f"{self._where()}, {what}: {error}") from None

    def _where(self):
        return f"{self.lesson.path or self.lesson.title}: step {self.step.number}"


def _as_array(value):
    """The learner's answer as a float array; LessonError for text that is not a number or a list."""
    if isinstance(value, str):
        text = value.strip().replace("−", "-")
        try:
            value = parse_values(f"answer = {text}")["answer"]
        except ExpressionError:
            raise LessonError(f"{value!r} is not a number or a list such as [1, -2.5]") from None
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise LessonError(f"{value!r} is not a number or a list of numbers") from None
    if not np.all(np.isfinite(array)):
        raise LessonError("an answer is made of finite numbers")
    return array


def _text(array, tolerance):
    """Numbers as the learner reads them: as many decimals as the tolerance asks, a real minus sign."""
    decimals = 0 if tolerance >= 1 else (4 if tolerance == 0 else int(np.ceil(-np.log10(tolerance))))

    def one(x):
        if float(x).is_integer():
            return str(int(x))
        return f"{x:.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{x:.0f}"

    if array.ndim == 0:
        text = one(array.item())
    else:
        text = np.array2string(array, separator=", ", formatter={"float_kind": one})
    return text.replace("-", "−")

