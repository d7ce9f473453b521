"""Weight initialisation: seeded Gaussian schemes for a weight matrix of shape (out, in).

- ``"he"``: randn · √(2/fan_in), for ReLU nets (He et al. 2015).
- ``"xavier"``: randn · √(1/fan_in), the CS231n "Xavier" calibration (variance 1/fan_in);
  not the uniform Glorot variant with 2/(fan_in + fan_out).
- ``"small"``: 0.01 · randn, the CS231n default for linear classifiers.

Biases start at zero.
"""
import numpy as np

INITS = ("he", "xavier", "small")


def init_weight(out_features, in_features, init, rng, dtype=np.float64):
    """A fresh (out_features, in_features) weight matrix drawn from ``rng``."""
    if init not in INITS:
        raise ValueError(f"unknown init {init!r}; choose one of {', '.join(INITS)}")
    draw = rng.standard_normal((out_features, in_features))
    if init == "he":
        scale = np.sqrt(2.0 / in_features)
    elif init == "xavier":
        scale = np.sqrt(1.0 / in_features)
    else:
        scale = 0.01
    return (draw * scale).astype(dtype, copy=False)
