"""Backprop Studio's Qt-free core: the autodiff engine, models, optimizers, data and training."""
from . import functional
from .autodiff import (
                       AnomalyError,
                       GradcheckError,
                       Tensor,
                       detect_anomaly,
                       grad,
                       gradcheck,
                       gradients,
                       hvp,
                       jacobian,
                       jvp,
                       no_grad,
                       vjp,
)

__version__ = "0.1.0"  # the one place the version is written: pyproject.toml and --version read it

__all__ = ["Tensor", "no_grad", "detect_anomaly", "AnomalyError", "functional", "vjp", "jvp",
           "hvp", "jacobian", "grad", "gradients", "gradcheck", "GradcheckError"]
