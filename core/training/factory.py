"""The one factory: a ready Trainer from a TrainerConfig (and, optionally, the data to train on)."""
from ..catalog import build_optimizer
from ..nn import build_model
from .config import build_dataset, model_spec
from .trainer import Trainer


def build_trainer(config, dataset=None):
    """A ready Trainer for ``config``; pass ``dataset`` to train on data the config can't rebuild.

    ValueError (or DataError, OSError for a CSV file) names the first bad setting.
    """
    config.check(buildable=dataset is None)
    dataset = dataset if dataset is not None else build_dataset(config)
    model = build_model(model_spec(config, dataset.n_features, dataset.n_classes), seed=config.seed)
    optimizer = build_optimizer(config.optimizer, model.parameters(), lr=config.lr)
    trainer = Trainer(model, dataset, loss=config.loss, optimizer=optimizer, reg=config.reg,
                      batch_size=None if config.batch_size is None else int(config.batch_size),
                      seed=config.seed, margin=config.margin, eval_interval=int(config.eval_interval))
    trainer.config = config
    return trainer
