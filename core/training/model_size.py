"""The size of a model before it is built: hidden sizes, parameters and the memory of one step,
each checked against a named limit of ``core.limits`` (LimitError, a ValueError)."""
import re
from contextlib import contextmanager

from ..limits import (
    MAX_HIDDEN_LAYERS,
    MAX_HIDDEN_UNITS,
    MAX_PARAMETERS,
    LimitError,
    check_allocation,
    check_count,
    human_bytes,
)

STEP_COPIES = 8        # parameters: value, gradient, two optimizer buffers, update, backups
ACTIVATION_COPIES = 6  # per unit and sample: value, gradient, masks and temporaries of a step
HIDDEN_TEXT = re.compile(r"\s*\d+(\s*,\s*\d+)*\s*")


class ModelSizeError(LimitError):
    """A model over a size limit, or one whose step would not fit in the memory available."""


def hidden_sizes(sizes):
    """``sizes`` as a list of ints, if each is an integer from 1 to MAX_HIDDEN_UNITS and there are
    1 to MAX_HIDDEN_LAYERS of them; ValueError (ModelSizeError for a limit) naming the problem."""
    sizes = list(sizes)
    if not sizes or any(isinstance(h, bool) or not float(h).is_integer() or h < 1 for h in sizes):
        raise ValueError(f"hidden layer sizes must be whole numbers ≥ 1, got {sizes!r}")
    sizes = [int(h) for h in sizes]
    with _as_model_size_error():
        check_count(len(sizes), MAX_HIDDEN_LAYERS, "hidden layers", "MAX_HIDDEN_LAYERS")
        check_count(max(sizes), MAX_HIDDEN_UNITS, "units in a hidden layer", "MAX_HIDDEN_UNITS")
    return sizes


def parse_hidden(text):
    """Hidden sizes from text such as "16, 8": ValueError for anything but a comma-separated list
    of whole numbers ("1e3", "2.5", "16,") or sizes over the limits."""
    if not HIDDEN_TEXT.fullmatch(text):
        raise ValueError(f"hidden layer sizes are whole numbers separated by commas, such as 16,16; "
                         f"got {text.strip()!r}")
    return hidden_sizes(int(part) for part in text.split(","))


def widths(spec):
    """The layer widths of a model spec, input to output."""
    out = spec.get("out_features", spec.get("n_classes"))
    return [int(spec["in_features"]), *[int(h) for h in spec.get("hidden", [])], int(out)]


def parameter_count(spec):
    """Weights and biases of the model ``spec`` describes."""
    sizes = widths(spec)
    return sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))


def check_model_size(spec, batch_rows):
    """Raise ModelSizeError when the model of ``spec`` has more than MAX_PARAMETERS parameters or one
    step on ``batch_rows`` samples would take more than half the memory available."""
    if spec.get("hidden") is not None:
        hidden_sizes(spec["hidden"])
    count = parameter_count(spec)
    nbytes = 8 * (STEP_COPIES * count + ACTIVATION_COPIES * batch_rows * sum(widths(spec)))
    with _as_model_size_error():
        check_count(count, MAX_PARAMETERS, "parameters of this model", "MAX_PARAMETERS")
        check_allocation(nbytes, f"one training step of this model ({count:,} parameters, "
                         f"{batch_rows:,} samples per batch, about {human_bytes(nbytes)})")


@contextmanager
def _as_model_size_error():
    """A LimitError of the checks inside becomes a ModelSizeError (the CLI names --hidden for it)."""
    try:
        yield
    except LimitError as error:
        raise ModelSizeError(str(error)) from None
