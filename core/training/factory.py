"""The one factory: a ready Trainer from a TrainerConfig (and, optionally, the data to train on)."""
from ..catalog import build_optimizer
from ..nn import build_model
from .config import build_dataset, model_spec
from .model_size import check_model_size
from .trainer import Trainer


def build_trainer(config, dataset=None):
    """A ready Trainer for ``config``; pass ``dataset`` to train on data the config can't rebuild.

    ValueError (or DataError, OSError for a CSV file) names the first bad setting; LimitError a
    model too big for the limits or the memory available, before anything is allocated.
    """
    config.check(buildable=dataset is None)
    dataset = dataset if dataset is not None else build_dataset(config)
    spec = model_spec(config, dataset.n_features, dataset.n_classes)
    check_model_size(spec, min(dataset.n_train, int(config.batch_size or dataset.n_train)))
    model = build_model(spec, seed=config.seed)
    optimizer = build_optimizer(config.optimizer, model.parameters(), lr=config.lr)
    trainer = Trainer(model, dataset, loss=config.loss, optimizer=optimizer, reg=config.reg,
                      batch_size=None if config.batch_size is None else int(config.batch_size),
                      seed=config.seed, margin=config.margin, eval_interval=int(config.eval_interval))
    trainer.config = config
    return trainer
