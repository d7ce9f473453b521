"""The CLI's checks, made before anything trains: argument types (argparse ``type=``) and the
output paths (``output_problem``). Each message names the value; argparse adds the flag."""
import argparse
import importlib.util
import os
import tempfile


def output_problem(args):
    """Why an output could not be written, found before training rather than after."""
    from core.io import WEIGHT_FORMATS
    outputs = [(flag, path) for flag, path in (("--export", args.export),
                                               ("--save-session", args.save_session)) if path is not None]
    if len(outputs) == 2 and _same_file(args.export, args.save_session):
        return f"--export and --save-session name the same file {args.export}; give each its own"
    for flag, path in outputs:
        problem = _unwritable(path)
        if problem:
            return f"{flag} {path}: {problem}"
    if args.export is not None and args.export.suffix.lower() not in WEIGHT_FORMATS:
        return (f"--export {args.export}: unknown weights format; use a name ending in "
                f"{', '.join(WEIGHT_FORMATS)}")
    if (args.export is not None and args.export.suffix.lower() == ".onnx"
            and importlib.util.find_spec("onnx") is None):
        return f"--export {args.export}: ONNX export needs the optional onnx package (pip install onnx)"
    return ""


def _unwritable(path):
    """Why ``path`` cannot be written (a folder, no folder, read-only, …), or "" if it can."""
    if path.is_dir():
        return "is a folder; give a file name"
    if not path.parent.is_dir():
        return f"the directory {path.parent} does not exist"
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is read-only"
    try:  # what the atomic writer will do: a temporary file next to the target
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".check"):
            pass
    except OSError as error:
        return f"cannot write in {path.parent} ({error.strerror or error})"
    return ""


def _same_file(a, b):
    return a.resolve() == b.resolve()


def _number(text, convert, what, test):
    try:
        value = convert(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
    if not test(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}")
    return value


def seed(text):
    """A seed for numpy: an integer from 0 to 2**32 - 1."""
    return _number(text, int, "a seed: an integer from 0 to 2**32 - 1", lambda v: 0 <= v < 2**32)


def samples(text):
    """A sample count within MAX_SAMPLES."""
    from core.limits import MAX_SAMPLES
    return _number(text, int, f"a sample count from 1 to {MAX_SAMPLES:,} (MAX_SAMPLES)",
                   lambda v: 1 <= v <= MAX_SAMPLES)


def positive_int(text):
    """An integer ≥ 1."""
    return _number(text, int, "a positive integer", lambda v: v >= 1)


def non_negative_int(text):
    """An integer ≥ 0."""
    return _number(text, int, "an integer ≥ 0", lambda v: v >= 0)


def positive_float(text):
    """A finite number > 0."""
    return _number(text, float, "a finite number > 0", lambda v: 0 < v < float("inf"))


def non_negative_float(text):
    """A finite number ≥ 0."""
    return _number(text, float, "a finite number ≥ 0", lambda v: 0 <= v < float("inf"))


def fraction(text):
    """A number in [0, 1)."""
    return _number(text, float, "a number in [0, 1)", lambda v: 0 <= v < 1)


def batch_size(text):
    """A batch size ≥ 1, or None for "full"."""
    if text.strip().lower() == "full":
        return None
    return _number(text, int, "a positive integer or 'full'", lambda v: v >= 1)


def sizes(text):
    """Hidden layer sizes within the model limits, such as 64,64."""
    from core.limits import LimitError
    from core.training.model_size import parse_hidden
    try:
        return parse_hidden(text)
    except LimitError as error:
        raise argparse.ArgumentTypeError(f"{text!r}: {error}") from None
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of positive "
                                         "integers such as 64,64") from None
