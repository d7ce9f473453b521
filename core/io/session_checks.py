"""Checks on a decoded session state before a Trainer is built from it.

They turn damage that would surface later (a window redrawing a broken history, a model
allocating gigabytes for a hand-edited hidden size) into one clear message at load time.
Each raises ValueError naming the entry.
"""
import numbers

import numpy as np

from ..limits import MAX_TOTAL_ARRAY_BYTES, check_bytes

# NOTE: the entries of Trainer.state_dict() checked up front, for a message better than a
# KeyError from deep inside Trainer.from_state_dict.
_REQUIRED = {"config": dict, "dataset": dict, "model_spec": dict, "model": dict, "optimizer": dict,
             "sampler": dict, "iteration": int, "history": dict}
_KIND_NAMES = {dict: "an object", int: "an integer"}


def check_state(state):
    """The entries every session has, the parameters as finite float arrays, a regular history."""
    if not isinstance(state, dict):
        raise ValueError(f"session.json must hold an object, got {type(state).__name__}")
    for key, kind in _REQUIRED.items():
        if key not in state:
            raise ValueError(f"session.json lacks the entry {key!r}")
        if not isinstance(state[key], kind) or isinstance(state[key], bool):
            raise ValueError(f"session.json entry {key!r} must be {_KIND_NAMES[kind]}, "
                             f"got {type(state[key]).__name__}")
    _check_parameters(state["model"], "parameter")
    initial = state.get("initial")
    if initial is not None:
        if not isinstance(initial, dict) or not all(isinstance(initial.get(k), dict)
                                                    for k in ("model", "optimizer", "sampler")):
            raise ValueError("session.json entry 'initial' (the reset point) must hold the objects "
                             "'model', 'optimizer' and 'sampler'")
        _check_parameters(initial["model"], "reset-point parameter")
    _check_history(state["history"])


def check_restorable(state):
    """The model spec describes the stored parameters, so building it allocates no more than they."""
    count = _parameter_count(state["model_spec"])
    if count is None:
        return
    check_bytes(count * 8, MAX_TOTAL_ARRAY_BYTES, f"the model_spec's {count:,} parameters",
                "MAX_TOTAL_ARRAY_BYTES")
    stored = sum(np.size(a) for a in state["model"].values())
    if count != stored:
        raise ValueError(f"model_spec describes {count:,} parameters but the file holds {stored:,}")


def _check_parameters(parameters, what):
    for name, array in parameters.items():
        if not isinstance(array, np.ndarray) or array.dtype.kind != "f":
            kind = f"dtype {array.dtype}" if isinstance(array, np.ndarray) else type(array).__name__
            raise ValueError(f"{what} {name} must be an array of floats, got {kind}")
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{what} {name} holds NaN/Inf values")


def _check_history(history):
    lengths = {}
    for key, values in history.items():
        if isinstance(values, np.ndarray):
            ok = values.ndim == 1 and values.dtype.kind in "iuf"
        else:
            ok = isinstance(values, list) and all(
                isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values)
        if not ok:
            raise ValueError(f"session.json history entry {key!r} must be a list of numbers")
        group = "validation" if str(key).startswith("val_") else "training"
        lengths.setdefault(group, {})[key] = len(values)
    for group, sizes in lengths.items():
        if len(set(sizes.values())) > 1:
            detail = ", ".join(f"{k} {n}" for k, n in sizes.items())
            raise ValueError(f"session.json history has {group} records of different lengths ({detail})")


def _parameter_count(spec):
    """Parameters of a spec's model, None for a type this module does not know."""
    kind = spec.get("type")
    if kind == "mlp":
        sizes = [spec.get("in_features"), *_as_list(spec.get("hidden")), spec.get("out_features")]
    elif kind in ("svm", "softmax"):
        sizes = [spec.get("in_features"), spec.get("n_classes")]
    else:
        return None
    if not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in sizes):
        raise ValueError(f"model_spec has invalid layer sizes {sizes}; each must be a positive integer")
    return sum(fan_in * fan_out + fan_out for fan_in, fan_out in zip(sizes, sizes[1:]))


def _as_list(value):
    if not isinstance(value, list):
        raise ValueError(f"model_spec 'hidden' must be a list of sizes, got {type(value).__name__}")
    return value

