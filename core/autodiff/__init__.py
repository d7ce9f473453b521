"""Reverse-mode (and forward-mode) automatic differentiation on numpy arrays.

The modules import in one direction: state → tensor → primitive → namespaces → the rule modules
(elementwise, shape_ops, linalg, fused) → ops (Tensor's operators) → backward → graph,
transforms, gradcheck, replay_fusion → replay.
"""
from . import ops
from .backward import BackwardStep, backward_steps, gradients, toposort
from .gradcheck import GradcheckError, gradcheck
from .graph import Node, trace
from .primitive import REGISTRY, AnomalyError, Primitive
from .replay import Replay, ReplayError
from .state import detect_anomaly, enable_grad, no_grad
from .tensor import Tensor
from .transforms import grad, hvp, jacobian, jvp, vjp

__all__ = ["Tensor", "no_grad", "enable_grad", "detect_anomaly", "AnomalyError", "Primitive",
           "REGISTRY", "BackwardStep", "backward_steps", "gradients", "toposort", "gradcheck",
           "GradcheckError", "Node", "trace", "grad", "hvp", "jacobian", "jvp", "vjp", "ops",
           "Replay", "ReplayError"]
