"""Toy 2-D classification sets known from TensorFlow Playground and CS231n.

Points lie roughly in [-1, 1]²; ``noise`` is the standard deviation of Gaussian jitter added
to each coordinate (for ``spiral``, to the angle in radians, as in CS231n). Classes are
balanced and labelled by the class that generated them, so noise makes them overlap.
"""
import math

import numpy as np

from ..limits import MAX_SAMPLES
from .dataset import DataError, Dataset

DATASET_NAMES = ("spiral", "circle", "xor", "gaussian", "moons")
FIXED_CLASSES = {"circle": 2, "xor": 2, "moons": 2}   # the others take any n_classes >= 2
DEFAULT_CLASSES = 3                                  # theirs when n_classes is None


def make_dataset(name, n_samples=300, n_classes=None, noise=0.2, val_fraction=0.2, seed=0):
    """Generate the toy set ``name`` (one of DATASET_NAMES) and split it, deterministically for a seed.

    ``n_classes=None`` means 3 for spiral and gaussian; circle, xor and moons always have 2.
    """
    if name not in DATASET_NAMES:
        raise DataError(f"unknown dataset {name!r}; choose one of {', '.join(DATASET_NAMES)}")
    if n_classes is None:
        n_classes = FIXED_CLASSES.get(name, DEFAULT_CLASSES)
    if name in FIXED_CLASSES and n_classes != FIXED_CLASSES[name]:
        raise DataError(f"{name} has exactly {FIXED_CLASSES[name]} classes, got n_classes={n_classes}; "
                        f"spiral and gaussian take any n_classes >= 2")
    if not _is_int(n_classes) or n_classes < 2:
        raise DataError(f"n_classes must be an integer >= 2, got {n_classes!r}")
    if not _is_int(n_samples) or n_samples < n_classes:
        raise DataError(f"n_samples must be an integer >= n_classes ({n_classes}), got {n_samples!r}")
    if n_samples > MAX_SAMPLES:
        raise DataError(f"n_samples={n_samples:,} is over the limit of {MAX_SAMPLES:,} samples "
                        "(MAX_SAMPLES)")
    if not isinstance(noise, (int, float, np.integer, np.floating)) or not 0 <= noise < math.inf:
        raise DataError(f"noise must be a finite number >= 0, got {noise!r}")
    rng = np.random.default_rng(seed)
    counts = [n_samples // n_classes + (j < n_samples % n_classes) for j in range(n_classes)]
    X = np.concatenate([_GENERATORS[name](rng, j, n, n_classes, noise) for j, n in enumerate(counts)])
    y = np.repeat(np.arange(n_classes), counts)
    return Dataset.from_arrays(X, y, val_fraction, rng, name=name)


def _spiral(rng, j, n, k, noise):
    """Arm j of k: the CS231n construction, radius 0→1 while the angle sweeps 4 radians."""
    r = np.linspace(0.0, 1.0, n)
    t = np.linspace(j * 4, (j + 1) * 4, n) + rng.standard_normal(n) * noise
    return np.column_stack([r * np.sin(t), r * np.cos(t)])


def _circle(rng, j, n, k, noise):
    """Class 0 is the disc of radius 0.5, class 1 the ring between radii 0.7 and 1."""
    r = rng.uniform(0.0, 0.5, n) if j == 0 else rng.uniform(0.7, 1.0, n)
    t = rng.uniform(0.0, 2 * np.pi, n)
    return _jitter(rng, np.column_stack([r * np.sin(t), r * np.cos(t)]), noise)


def _xor(rng, j, n, k, noise):
    """Class 0 fills quadrants I and III (x·y > 0), class 1 quadrants II and IV."""
    magnitude = rng.uniform(0.05, 1.0, (n, 2))  # kept off the axes, as in TensorFlow Playground
    sign_x = rng.choice([-1.0, 1.0], n)
    sign_y = sign_x if j == 0 else -sign_x
    return _jitter(rng, magnitude * np.column_stack([sign_x, sign_y]), noise)


def _gaussian(rng, j, n, k, noise):
    """Blob j of k, centred on the unit circle at angle 2πj/k."""
    angle = 2 * np.pi * j / k
    return _jitter(rng, np.tile([np.cos(angle), np.sin(angle)], (n, 1)), noise)


def _moons(rng, j, n, k, noise):
    """Two interleaving half-moons (scikit-learn's make_moons), shifted to centre on the origin."""
    t = np.linspace(0.0, np.pi, n)
    if j == 0:
        moon = np.column_stack([np.cos(t), np.sin(t)])
    else:
        moon = np.column_stack([1 - np.cos(t), 0.5 - np.sin(t)])
    return _jitter(rng, moon - [0.5, 0.25], noise)


def _jitter(rng, X, noise):
    return X + rng.standard_normal(X.shape) * noise


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


_GENERATORS = {"spiral": _spiral, "circle": _circle, "xor": _xor,
               "gaussian": _gaussian, "moons": _moons}
