"""Optimizers with PyTorch's semantics and defaults: SGD (+momentum/Nesterov), RMSProp, Adam."""
from .adaptive import Adam, RMSProp
from .base import Optimizer
from .sgd import SGD

OPTIMIZER_NAMES = ("sgd", "momentum", "nesterov", "rmsprop", "adam")


def build_optimizer(name, params, lr=None, **kw):
    """An optimizer by name: "sgd", "momentum" (SGD, momentum 0.9), "nesterov", "rmsprop", "adam".

    ``lr=None`` keeps the optimizer's default. ``build_optimizer(sd["type"], params, **sd["hyper"])``
    rebuilds an optimizer from its ``state_dict()``.
    """
    if name not in OPTIMIZER_NAMES:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZER_NAMES)}")
    if lr is not None:
        kw["lr"] = lr
    if name == "momentum":
        kw.setdefault("momentum", 0.9)
    elif name == "nesterov":
        kw.setdefault("momentum", 0.9)
        kw.setdefault("nesterov", True)
    cls = {"rmsprop": RMSProp, "adam": Adam}.get(name, SGD)
    return cls(params, **kw)


__all__ = ["Optimizer", "SGD", "RMSProp", "Adam", "build_optimizer", "OPTIMIZER_NAMES"]
