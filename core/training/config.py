"""Everything that defines a training run, as plain data, and how to build it.

The app's setup panel, the CLI and session files all speak ``TrainerConfig``.
"""
from dataclasses import asdict, dataclass, field, fields

from ..data import DATASET_NAMES, load_csv, load_digits, load_iris, make_dataset
from ..nn import build_model
from ..optim import build_optimizer

MODELS = ("svm", "softmax", "mlp")
REAL_DATASETS = ("digits", "iris")
DATASETS = DATASET_NAMES + REAL_DATASETS + ("csv",)


@dataclass
class TrainerConfig:
    """Data, model, loss and optimizer settings; the app's default is a 3-arm spiral MLP."""
    dataset: str = "spiral"
    n_samples: int = 300
    n_classes: object = None          # None: 3 for spiral and gaussian; circle, xor, moons have 2
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
    lr: float = 0.3
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

    def check(self):
        """Raise ValueError naming the first impossible setting."""
        if self.dataset not in DATASETS:
            raise ValueError(f"dataset must be one of {', '.join(DATASETS)}, got {self.dataset!r}")
        if self.model not in MODELS:
            raise ValueError(f"model must be one of {', '.join(MODELS)}, got {self.model!r}")
        if self.model == "mlp" and (not self.hidden or any(int(h) < 1 for h in self.hidden)):
            raise ValueError(f"an MLP needs hidden layer sizes ≥ 1, got {self.hidden!r}")
        if self.batch_size is not None and int(self.batch_size) < 1:
            raise ValueError(f"batch size must be ≥ 1 (or None for full batch), got {self.batch_size}")
        if self.dataset == "csv" and not self.csv_path:
            raise ValueError("dataset 'csv' needs csv_path")
        return self


def build_dataset(config):
    """The Dataset a config names (generated, bundled or read from CSV)."""
    c = config
    if c.dataset in DATASET_NAMES:
        return make_dataset(c.dataset, n_samples=c.n_samples, n_classes=c.n_classes, noise=c.noise,
                            val_fraction=c.val_fraction, seed=c.data_seed)
    if c.dataset == "digits":
        ds = load_digits(val_fraction=c.val_fraction, seed=c.data_seed)
    elif c.dataset == "iris":
        ds = load_iris(val_fraction=c.val_fraction, seed=c.data_seed)
    else:
        ds = load_csv(c.csv_path, val_fraction=c.val_fraction, seed=c.data_seed)
    return ds.standardized() if c.standardize else ds


def model_spec(config, n_features, n_classes):
    """The ``build_model`` spec of the config's model for data of this shape."""
    if config.model == "mlp":
        return {"type": "mlp", "in_features": n_features, "hidden": [int(h) for h in config.hidden],
                "out_features": n_classes, "activations": [config.activation] * len(config.hidden)}
    return {"type": config.model, "in_features": n_features, "n_classes": n_classes}


def build_trainer(config, dataset=None):
    """A ready Trainer for ``config``; pass ``dataset`` to train on data the config can't rebuild."""
    from .trainer import Trainer
    config.check()
    dataset = dataset if dataset is not None else build_dataset(config)
    model = build_model(model_spec(config, dataset.n_features, dataset.n_classes), seed=config.seed)
    optimizer = build_optimizer(config.optimizer, model.parameters(), lr=config.lr)
    trainer = Trainer(model, dataset, loss=config.loss, optimizer=optimizer, reg=config.reg,
                      batch_size=None if config.batch_size is None else int(config.batch_size),
                      seed=config.seed, margin=config.margin, eval_interval=int(config.eval_interval))
    trainer.config = config
    return trainer
