"""Layers, models, losses and regularisation built on the autodiff engine (Qt-free)."""
from .init import INITS, init_weight
from .layers import (
    ACTIVATIONS,
    Activation,
    FusedActivation,
    LeakyReLU,
    Linear,
    ReLU,
    Sigmoid,
    Tanh,
    make_activation,
)
from .losses import (
                     EXPANDED_LOSSES,
                     LOSSES,
                     get_loss,
                     hinge_loss,
                     hinge_loss_expanded,
                     softmax_loss,
                     softmax_loss_expanded,
)
from .models import (
    MLP,
    MODEL_TYPES,
    LinearSVM,
    Sequential,
    SoftmaxClassifier,
    build_model,
    evaluate_spec,
    grid_scores,
)
from .module import Module
from .regularization import l2_penalty

__all__ = ["Module", "Linear", "Activation", "FusedActivation", "ReLU", "Tanh", "Sigmoid", "LeakyReLU",
           "ACTIVATIONS",
           "make_activation", "Sequential", "MLP", "LinearSVM", "SoftmaxClassifier", "build_model",
           "MODEL_TYPES", "evaluate_spec", "grid_scores", "INITS", "init_weight", "hinge_loss", "softmax_loss",
           "hinge_loss_expanded", "softmax_loss_expanded", "LOSSES", "EXPANDED_LOSSES", "get_loss",
           "l2_penalty"]
