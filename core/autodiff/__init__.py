"""Reverse-mode (and forward-mode) automatic differentiation on numpy arrays."""
from .backward import backward_steps, gradients, toposort
from .gradcheck import GradcheckError, gradcheck
from .graph import Node, trace
from .primitive import AnomalyError, Primitive
from .state import detect_anomaly, enable_grad, no_grad
from .tensor import Tensor
from .transforms import grad, hvp, jacobian, jvp, vjp
from . import ops

__all__ = ["Tensor", "no_grad", "enable_grad", "detect_anomaly", "AnomalyError", "Primitive",
           "backward_steps", "gradients", "toposort", "gradcheck", "GradcheckError", "Node",
           "trace", "grad", "hvp", "jacobian", "jvp", "vjp", "ops"]
