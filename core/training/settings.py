"""The checks a trainer's settings pass, each raising ValueError that names the setting."""
import numpy as np

from ..autodiff import no_grad


def learning_rate(value):
    """``value`` as a float, if it is a finite number > 0."""
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"learning rate must be a finite number > 0, got {value}")
    return value


def regularisation(value):
    """``value`` as a float, if it is a finite number ≥ 0."""
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"regularisation strength must be a finite number ≥ 0, got {value}")
    return value


def margin(value):
    """The hinge margin as a float, if it is a finite number ≥ 0."""
    number = float(value)
    if not np.isfinite(number) or number < 0:
        raise ValueError(f"the hinge margin must be a finite number ≥ 0, got {value!r}")
    return number


def eval_interval(value):
    """The iterations between validation evaluations, if a positive integer."""
    if not (isinstance(value, int) and value >= 1):
        raise ValueError(f"eval_interval must be a positive integer, got {value!r}")
    return value


def iterations(value):
    """A number of iterations to run, if an integer ≥ 0 (``run(2.5)`` is refused, not rounded)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"the number of iterations must be an integer ≥ 0, got {value!r}")
    return int(value)


def check_fit(model, dataset):
    """Raise unless ``model`` gives one score per class of ``dataset``."""
    with no_grad(), np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        n_out = model(dataset.X_train[:1]).shape[-1] if dataset.n_train else 0
    if n_out != dataset.n_classes:
        raise ValueError(f"the model outputs {n_out} scores but the dataset has "
                         f"{dataset.n_classes} classes")
