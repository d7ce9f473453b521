"""What a user can choose, once: data sets, models, losses, optimizers and activations.

How to read it: each table is a dict from the key a user types or a session file stores
("spiral", "mlp", "hinge", "adam", "relu") to a frozen entry. Every entry has ``label`` (what
the GUI shows) and ``tip`` (a one-line explanation); the rest says what the choice needs:

- ``DATASETS[key]``: ``source`` ("generated" by ``make_dataset(key, …)``, "bundled" via
  ``load``, "csv" read from a file), ``classes`` (a fixed class count such as 2, or None when
  the user picks it or the data says), ``default_classes`` (for a free class count), and the
  properties ``generated``, ``takes_n_classes``, ``takes_noise``, ``takes_n_samples``,
  ``takes_standardize``, ``two_class``.
- ``MODELS[key]``: ``cls``, ``loss`` (the one loss it trains with, or None for any),
  ``default_loss``, ``hidden`` (True when it takes hidden sizes and an activation); ``losses``.
- ``LOSSES[key]``: ``fused`` and ``expanded`` (the loss as one node / composed of elementary
  ops, both ``f(scores, y, **kw)``), ``takes_margin``.
- ``OPTIMIZERS[key]``: ``cls``, ``options`` (fixed keyword arguments, e.g. momentum 0.9) and
  ``lr``, the learning rate the app and the CLI start from.
- ``ACTIVATIONS[key]``: ``cls``.

Helpers: ``build_optimizer(key, params, lr=None, **kw)`` and ``choose(table, key, what)`` (the
entry, or a ValueError listing the keys). A GUI shows one combo box per table, items
``(entry.label, key)`` in table order; a "csv" data set appears once a file is imported.

What a choice *is* (a class, a function) lives with its code in core.nn, core.optim and
core.data; how it is offered (label, default, constraint) lives here only. The GUI, the CLI,
``TrainerConfig`` and the session loader read these tables, so adding an optimizer is one
entry here plus its class.
"""
from dataclasses import dataclass, field
from types import MappingProxyType

from .data import load_digits, load_iris
from .data.generators import DEFAULT_CLASSES, FIXED_CLASSES
from .nn import (
    MLP,
    LeakyReLU,
    LinearSVM,
    ReLU,
    Sigmoid,
    SoftmaxClassifier,
    Tanh,
    hinge_loss,
    hinge_loss_expanded,
    softmax_loss,
    softmax_loss_expanded,
)
from .optim import SGD, Adam, RMSProp


@dataclass(frozen=True)
class DatasetEntry:
    """A data set the user can pick."""
    label: str
    source: str                  # "generated", "bundled" or "csv"
    tip: str = ""
    classes: object = None       # a fixed class count, or None (chosen, or from the data)
    default_classes: object = None   # generated with a free count: used when n_classes is None
    load: object = None          # bundled: load(val_fraction=, seed=) -> Dataset

    @property
    def generated(self):
        """True for the toy 2-D sets ``make_dataset`` generates."""
        return self.source == "generated"

    @property
    def takes_n_samples(self):
        """True when the user picks how many points to generate."""
        return self.generated

    @property
    def takes_noise(self):
        """True when the user picks the noise of the generated points."""
        return self.generated

    @property
    def takes_n_classes(self):
        """True when the user picks the class count (a generated set without a fixed one)."""
        return self.generated and self.classes is None

    @property
    def takes_standardize(self):
        """Real data (bundled or CSV) is standardised on request; generated data is already in [-1, 1]²."""
        return not self.generated

    @property
    def two_class(self):
        """True for the sets that always have exactly 2 classes."""
        return self.classes == 2


@dataclass(frozen=True)
class ModelEntry:
    """A model the user can pick."""
    label: str
    cls: type
    tip: str = ""
    loss: object = None          # the only loss it trains with, or None for any
    default_loss: str = "softmax"
    hidden: bool = False         # takes hidden layer sizes and an activation

    @property
    def losses(self):
        """The keys of the losses this model may train with."""
        return (self.loss,) if self.loss else tuple(LOSSES)


@dataclass(frozen=True)
class LossEntry:
    """A data loss; ``fused`` is one graph node, ``expanded`` the same function in elementary ops."""
    label: str
    fused: object
    expanded: object
    tip: str = ""
    takes_margin: bool = False


@dataclass(frozen=True)
class OptimizerEntry:
    """An update rule: ``cls(params, lr=…, **options)``; ``lr`` is the default learning rate."""
    label: str
    cls: type
    lr: float
    tip: str = ""
    options: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class ActivationEntry:
    """A hidden-layer nonlinearity."""
    label: str
    cls: type
    tip: str = ""


def _frozen(**options):
    return MappingProxyType(options)


def _generated(key, label, tip):
    """A toy set ``make_dataset(key)`` generates, with the class count its generator fixes or defaults to."""
    fixed = FIXED_CLASSES.get(key)
    return DatasetEntry(label, "generated", tip, classes=fixed,
                        default_classes=None if fixed else DEFAULT_CLASSES)


DATASETS = {
    "spiral": _generated("spiral", "Spiral", "Interleaved spiral arms (CS231n)"),
    "circle": _generated("circle", "Circle", "A disc inside a ring"),
    "xor": _generated("xor", "XOR", "Opposite quadrants share a class"),
    "gaussian": _generated("gaussian", "Gaussian blobs", "Blobs around the unit circle"),
    "moons": _generated("moons", "Moons", "Two interleaving half-moons"),
    "digits": DatasetEntry("Digits (8×8 images)", "bundled", "1797 handwritten digits, 64 pixels",
                           load=load_digits),
    "iris": DatasetEntry("Iris (4 features)", "bundled", "150 flowers, 4 measurements", load=load_iris),
    "csv": DatasetEntry("CSV file", "csv", "Numeric feature columns and a label column"),
}

MODELS = {
    "svm": ModelEntry("Linear SVM", LinearSVM, "s = Wx + b trained with the hinge loss",
                      loss="hinge", default_loss="hinge"),
    "softmax": ModelEntry("Softmax classifier", SoftmaxClassifier,
                          "s = Wx + b trained with softmax cross-entropy", loss="softmax"),
    "mlp": ModelEntry("MLP (neural network)", MLP, "Linear layers with a nonlinearity between them",
                      hidden=True),
}

LOSSES = {
    "hinge": LossEntry("Hinge (multiclass SVM)", hinge_loss, hinge_loss_expanded,
                       "Weston-Watkins multiclass hinge loss", takes_margin=True),
    "softmax": LossEntry("Softmax cross-entropy", softmax_loss, softmax_loss_expanded,
                         "Mean negative log-probability of the correct class"),
}

OPTIMIZERS = {
    "sgd": OptimizerEntry("SGD", SGD, 0.3, "Plain gradient descent"),
    "momentum": OptimizerEntry("SGD + momentum", SGD, 0.05, "SGD with momentum 0.9",
                               _frozen(momentum=0.9)),
    "nesterov": OptimizerEntry("Nesterov momentum", SGD, 0.05, "SGD with Nesterov momentum 0.9",
                               _frozen(momentum=0.9, nesterov=True)),
    "rmsprop": OptimizerEntry("RMSProp", RMSProp, 0.01, "Steps scaled by a running RMS of the gradient"),
    "adam": OptimizerEntry("Adam", Adam, 0.01, "Momentum and RMS scaling, bias-corrected"),
}

ACTIVATIONS = {
    "relu": ActivationEntry("ReLU", ReLU, "max(0, x)"),
    "tanh": ActivationEntry("tanh", Tanh, "Hyperbolic tangent"),
    "sigmoid": ActivationEntry("sigmoid", Sigmoid, "1 / (1 + e⁻ˣ)"),
    "leaky_relu": ActivationEntry("leaky ReLU", LeakyReLU, "max(0.01x, x)"),
}

OPTIMIZER_NAMES = tuple(OPTIMIZERS)


def build_optimizer(name, params, lr=None, **kw):
    """The optimizer ``OPTIMIZERS[name]`` over ``params``; ``lr=None`` keeps the class's own default.

    ``kw`` overrides the entry's options; ``build_optimizer(sd["type"], params, **sd["hyper"])``
    rebuilds an optimizer from its ``state_dict()`` (every class's ``name`` is a key here).
    """
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}")
    entry = OPTIMIZERS[name]
    options = {**entry.options, **kw}
    if lr is not None:
        options["lr"] = lr
    return entry.cls(params, **options)


def choose(table, key, what):
    """``table[key]``, or a ValueError naming ``what`` and the valid keys."""
    if key not in table:
        raise ValueError(f"{what} must be one of {', '.join(table)}, got {key!r}")
    return table[key]
