"""Everything that defines a training run, as plain data, and the data and model spec it names.

The app's setup panel, the CLI and session files all speak ``TrainerConfig``; which values
each setting may take, and their defaults, come from ``core.catalog``.
"""
from dataclasses import asdict, dataclass, field, fields

from ..catalog import ACTIVATIONS, DATASETS, LOSSES, MODELS, OPTIMIZERS, choose
from ..data import load_csv, make_dataset
from .model_size import hidden_sizes


@dataclass
class TrainerConfig:
    """Data, model, loss and optimizer settings; the app's default is a 3-arm spiral MLP."""
    dataset: str = "spiral"
    n_samples: int = 300
    n_classes: object = None          # None: the data set's own (catalog default_classes or fixed classes)
    noise: float = 0.2
    data_seed: int = 0
    val_fraction: float = 0.2
    csv_path: str = ""
    standardize: bool = True          # for digits, iris and CSV data (statistics from the training split)
    model: str = "mlp"
    hidden: list = field(default_factory=lambda: [16, 16])
    activation: str = "relu"
    loss: str = "softmax"
    margin: float = 1.0
    reg: float = 1e-3
    optimizer: str = "sgd"
    lr: float = OPTIMIZERS["sgd"].lr
    batch_size: object = None         # None = full batch
    seed: int = 0
    eval_interval: int = 10           # iterations between validation evaluations

    def to_dict(self):
        """The settings as a plain dict (what sessions store)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data):
        """The config ``to_dict()`` gave; ValueError for a setting it doesn't know."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(unknown)}")
        return cls(**data)

    def check(self, buildable=True):
        """Raise ValueError naming the first impossible setting; returns the config.

        ``buildable=False`` accepts a "csv" data set without a path (the data is given).
        """
        choose(DATASETS, self.dataset, "dataset")
        model = choose(MODELS, self.model, "model")
        choose(LOSSES, self.loss, "loss")
        choose(OPTIMIZERS, self.optimizer, "optimizer")
        if self.loss not in model.losses:
            raise ValueError(f"a {model.label} trains with the {model.loss} loss, got loss {self.loss!r}")
        if model.hidden:
            choose(ACTIVATIONS, self.activation, "activation")
            hidden_sizes(self.hidden)
        if self.batch_size is not None and int(self.batch_size) < 1:
            raise ValueError(f"batch size must be ≥ 1 (or None for full batch), got {self.batch_size}")
        if buildable and DATASETS[self.dataset].source == "csv" and not self.csv_path:
            raise ValueError("dataset 'csv' needs csv_path")
        return self


def build_dataset(config):
    """The Dataset a config names (generated, bundled or read from CSV)."""
    c = config
    entry = choose(DATASETS, c.dataset, "dataset")
    if entry.generated:
        return make_dataset(c.dataset, n_samples=c.n_samples, n_classes=c.n_classes, noise=c.noise,
                            val_fraction=c.val_fraction, seed=c.data_seed)
    if entry.source == "bundled":
        ds = entry.load(val_fraction=c.val_fraction, seed=c.data_seed)
    else:
        ds = load_csv(c.csv_path, val_fraction=c.val_fraction, seed=c.data_seed)
    return ds.standardized() if c.standardize else ds


def model_spec(config, n_features, n_classes):
    """The ``build_model`` spec of the config's model for data of this shape."""
    if MODELS[config.model].hidden:
        return {"type": config.model, "in_features": n_features, "hidden": [int(h) for h in config.hidden],
                "out_features": n_classes, "activations": [config.activation] * len(config.hidden)}
    return {"type": config.model, "in_features": n_features, "n_classes": n_classes}
