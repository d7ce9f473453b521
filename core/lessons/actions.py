"""What a step asks the learner to do, as short words: ``"step 3"``, ``"mode forward"``, ``"train 100"``.

An action is a verb and, for some verbs, one argument. Lab steps and trainer steps have their own
verbs; ``parse_action`` refuses a verb that does not fit the step's setup, naming what would.
"""
from dataclasses import dataclass

PHASES = ("forward", "loss", "backward", "update")
MODES = ("reverse", "forward", "hvp")

# verb -> (argument: None, "count" or a tuple of words; what the learner is asked, as a phrase)
LAB_VERBS = {
    "build": (None, "build the graph"),
    "step": ("count", "step {n:node}"),
    "forward": (None, "step through the whole forward pass"),
    "run": (None, "run the walk to the end"),
    "expand": (None, "switch to the expanded graph"),
    "fuse": (None, "switch to the fused graph"),
    "mode": (MODES, "switch to {word} mode"),
}
TRAINER_VERBS = {
    "phase": (("next",) + PHASES, "run the {word} phase"),
    "node": ("count", "step {n:node} backward"),
    "iteration": (None, "finish the iteration"),
    "train": ("count", "train {n:iteration}"),
    "expand": (None, "show the loss expanded"),
    "fuse": (None, "show the loss fused"),
    "reset": (None, "reset the model"),
}
VERBS = {"lab": LAB_VERBS, "trainer": TRAINER_VERBS}


@dataclass(frozen=True)
class Action:
    """One action: ``verb``, and ``count`` (how many) or ``word`` (which phase or mode)."""
    verb: str
    count: int = 1
    word: str = ""

    def describe(self, kind):
        """The action in words, e.g. "step one node", "train 100 iterations"."""
        return VERBS[kind][self.verb][1].format(n=_Count(self.count), word=self.word)

    def __str__(self):
        if self.word:
            return f"{self.verb} {self.word}"
        return self.verb if self.count == 1 else f"{self.verb} {self.count}"


def parse_action(text, kind):
    """The Action ``text`` names for a ``kind`` ("lab" or "trainer") step; ValueError says what fits."""
    verbs = VERBS[kind]
    if not isinstance(text, str) or not text.split():
        raise ValueError(f"an action is a text such as {next(iter(verbs))!r}, got {text!r}")
    verb, *rest = text.split()
    if verb not in verbs:
        raise ValueError(f"unknown action {verb!r} for a {kind} step; expected one of {', '.join(verbs)}")
    argument = verbs[verb][0]
    if len(rest) > 1 or (rest and argument is None):
        raise ValueError(f"action {text!r}: {verb!r} takes {_takes(argument)}")
    if argument == "count":
        if not rest:
            return Action(verb)
        if not rest[0].isdigit() or int(rest[0]) < 1:
            raise ValueError(f"action {text!r}: {verb!r} takes {_takes(argument)}")
        return Action(verb, count=int(rest[0]))
    if isinstance(argument, tuple):
        word = rest[0] if rest else argument[0]
        if word not in argument or (verb == "mode" and not rest):
            raise ValueError(f"action {text!r}: {verb!r} takes {_takes(argument)}")
        return Action(verb, word=word)
    return Action(verb)


class _Count(int):
    """A count that formats with its noun: ``f"{_Count(1):node}"`` is "one node", 3 gives "3 nodes"."""

    def __format__(self, noun):
        return f"one {noun}" if self == 1 else f"{int(self)} {noun}s"


def _takes(argument):
    if argument is None:
        return "no argument"
    if argument == "count":
        return "a whole number ≥ 1 (or nothing for 1)"
    return "one of " + ", ".join(argument)
