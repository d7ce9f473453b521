"""A trainer as plain data (what session files hold), and a trainer back from it.

The state is as of the current iteration's start: a session saved mid-iteration, or in an
iteration that diverged, restarts that iteration. Sampler, optimizer and reset point are always
real state dicts, never None. ``core.io`` turns the state into a file.
"""
from ..catalog import OPTIMIZERS, build_optimizer
from ..data import Dataset
from ..nn import build_model
from .config import TrainerConfig
from .model_size import check_model_size
from .phases import Phase

FORMAT, VERSION = "backprop-studio-session", 1


def trainer_state(trainer):
    """Everything needed to continue bit-identically: numpy arrays, numbers, strings, lists, dicts."""
    mid_iteration = trainer.completed not in (None, Phase.UPDATE)
    ds = trainer.dataset
    return {
        "format": FORMAT, "version": VERSION,
        "config": {"loss": trainer.loss, "margin": trainer.margin, "reg": trainer.reg,
                   "seed": trainer.seed, "eval_interval": trainer.eval_interval,
                   "batch_size": trainer.batch_size, "expand_loss": trainer.expand_loss},
        "app_config": trainer.config.to_dict() if trainer.config else None,
        "dataset": {"name": ds.name, "X_train": ds.X_train, "y_train": ds.y_train,
                    "X_val": ds.X_val, "y_val": ds.y_val,
                    "class_names": list(ds.class_names) if ds.class_names else None,
                    "feature_names": list(ds.feature_names)},
        "model_spec": trainer.model.spec(),
        "model": trainer.model.state_dict(),
        "optimizer": trainer.optimizer.state_dict(),
        "sampler": trainer.record.sampler_state if mid_iteration else trainer.sampler.state_dict(),
        "iteration": trainer.iteration,
        "history": {k: list(v) for k, v in trainer.history.items()},
        "initial": trainer.reset_point,
    }


def dataset_from_state(state):
    """The Dataset a state holds."""
    d = state["dataset"]
    return Dataset(d["X_train"], d["y_train"], d["X_val"], d["y_val"], name=d["name"],
                   class_names=d["class_names"], feature_names=d.get("feature_names"))


def restore_trainer(cls, state):
    """A ``cls`` (Trainer) rebuilt from ``trainer_state()``'s model spec and optimizer type."""
    check_model_size(state["model_spec"], len(state["dataset"]["y_train"]))
    model = build_model(state["model_spec"])
    optimizer = build_optimizer(state["optimizer"]["type"], model.parameters(),
                                **state["optimizer"]["hyper"])
    c = state["config"]
    trainer = cls(model, dataset_from_state(state), loss=c["loss"], optimizer=optimizer, reg=c["reg"],
                  batch_size=c["batch_size"], seed=c["seed"], eval_interval=c["eval_interval"],
                  margin=c["margin"], expand_loss=c["expand_loss"])
    load_progress(trainer, state)
    if state.get("app_config"):
        trainer.config = TrainerConfig.from_dict(state["app_config"])
    return trainer


def load_progress(trainer, state):
    """Put a state's weights, optimizer, batch order, iteration, history and reset point into a
    freshly built ``trainer`` of the same architecture and optimizer type."""
    trainer.model.load_state_dict(state["model"])
    trainer.optimizer.load_state_dict(state["optimizer"])
    c = state["config"]
    trainer.reg = c["reg"]
    trainer.expand_loss = c["expand_loss"]
    trainer.reset_point = state["initial"]
    trainer.sampler.load_state_dict(state["sampler"])
    trainer.iteration = int(state["iteration"])
    trainer.history.update({k: list(v) for k, v in state["history"].items()})
    trainer.checkpoints.capture(trainer)   # step back and undo reach back from here
    return trainer


def optimizer_key(optimizer_state):
    """The catalog key of a saved optimizer: the first entry of its class whose options it has."""
    hyper = optimizer_state.get("hyper", {})
    for key, entry in sorted(OPTIMIZERS.items(), key=lambda item: -len(item[1].options)):
        if entry.cls.name == optimizer_state["type"] and all(
                hyper.get(k) == v for k, v in entry.options.items()):
            return key
    return optimizer_state["type"]
