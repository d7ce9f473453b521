"""Optimizers with PyTorch's semantics and defaults: SGD (+momentum/Nesterov), RMSProp, Adam.

Which of them the app and the CLI offer, with what settings, is ``core.catalog.OPTIMIZERS``.
"""
from .adaptive import Adam, RMSProp
from .base import Optimizer
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "RMSProp", "Adam"]
