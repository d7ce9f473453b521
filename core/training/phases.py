"""The four phases of one training iteration."""
import enum


class Phase(enum.Enum):
    """The four phases of an iteration, in order."""
    FORWARD = "forward"
    LOSS = "loss"
    BACKWARD = "backward"
    UPDATE = "update"

    @property
    def next(self):
        """The phase after this one (UPDATE wraps round to FORWARD)."""
        return _NEXT[self]   # (asked twice per node of a recorded backward pass: no list each time)

    @property
    def label(self):
        """The name shown to users, e.g. "Forward"."""
        return self.value.capitalize()


_NEXT = dict(zip(Phase, (*list(Phase)[1:], Phase.FORWARD)))


class PhaseError(RuntimeError):
    """A step was asked for that makes no sense in the current phase."""


class DivergedError(RuntimeError):
    """Training produced a NaN or Inf; reset or change the settings to continue."""
