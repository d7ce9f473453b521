"""A Session: the one TrainerConfig (never None) and the Trainer built from it, with no Qt.

Every trainer here comes from the one factory, ``build_trainer(config, dataset)``: a rebuild,
the CLI's and a session file being restored. The GUI's application model owns one Session.
"""
import dataclasses

from ..catalog import DATASETS, MODELS
from ..io.session import load_session, save_session
from . import session_state
from .config import TrainerConfig
from .factory import build_trainer

LIVE_SETTINGS = ("lr", "reg")


class Session:
    """The config and the trainer built from it; ``trainer.config is config`` always holds.

    ``Session(config=None, dataset=None)`` builds the trainer (TrainerConfig() by default) and
    raises as ``build_trainer`` does; ``Session.around(trainer)`` wraps a ready-made one.
    ``lab`` is the expression lab's state (plain data, ``session_state.lab_state``) or None.
    """

    def __init__(self, config=None, dataset=None):
        self._trainer = build_trainer(_copy(config) if config is not None else TrainerConfig(), dataset)
        self.lab = None

    @classmethod
    def around(cls, trainer):
        """A session around a ready-made trainer (a config derived as ``replace_trainer`` does)."""
        session = cls.__new__(cls)
        session._trainer, session.lab = None, None
        session.replace_trainer(trainer)
        return session

    @property
    def trainer(self):
        """The current Trainer; change it with ``rebuild`` or ``replace_trainer``."""
        return self._trainer

    @property
    def config(self):
        """The TrainerConfig the current trainer was built from (never None)."""
        return self._trainer.config

    def rebuild(self, config, dataset=None):
        """A new trainer from ``config`` (on ``dataset``, when given); returns it.

        On any error the exception propagates and the old trainer stays. The loss view
        (fused or expanded) carries over.
        """
        trainer = build_trainer(_copy(config), dataset)
        trainer.expand_loss = self._trainer.expand_loss
        self._trainer = trainer
        return trainer

    def replace_trainer(self, trainer):
        """Install a ready-made trainer. One without a config gets the config that describes it
        (``config_of``); ValueError, and the old trainer stays, when no config can."""
        if trainer.config is None:
            trainer.config = config_of(trainer)
        self._trainer = trainer
        return trainer

    def reset(self):
        """The trainer back to its initial weights, optimizer state and batch order."""
        self._trainer.reset()

    def apply_live(self, name, value):
        """Set "lr" or "reg" on the trainer and the config together; ValueError (nothing changed)
        for another name or an impossible value."""
        if name not in LIVE_SETTINGS:
            raise ValueError(f"only {' and '.join(LIVE_SETTINGS)} apply live, not {name!r}")
        setattr(self._trainer, name, value)       # validates
        setattr(self.config, name, float(value))

    # ----- session files ----------------------------------------------------------------------------
    def to_state(self):
        """The session as plain data (see ``session_state.trainer_state``), with the lab's entry."""
        return {**session_state.trainer_state(self._trainer), **self._extra()}

    def _extra(self):
        return {} if self.lab is None else {"lab": dict(self.lab)}

    @classmethod
    def from_state(cls, state):
        """The Session ``to_state()`` gave, built by ``build_trainer``; it continues bit-identically."""
        dataset = session_state.dataset_from_state(state)
        if state.get("app_config"):
            config = TrainerConfig.from_dict(state["app_config"])
        else:
            config = derive_config(state["model_spec"], state["config"], state["optimizer"], dataset)
        trainer = build_trainer(config, dataset)
        saved, built = _architecture(state["model_spec"]), _architecture(trainer.model.spec())
        if saved != built:
            raise ValueError(f"the saved model {saved} is not the model its settings describe ({built})")
        lab = session_state.lab_state(state)
        session = cls.around(session_state.load_progress(trainer, state))
        session.lab = lab
        return session

    def save(self, path):
        """Write the session to ``path`` (``core.io.save_session``; SessionError if it cannot)."""
        save_session(path, self._trainer, self._extra())

    @classmethod
    def load(cls, path):
        """The Session saved in ``path``; SessionError naming the file and the problem."""
        return load_session(path, restore=cls.from_state)


def config_of(trainer):
    """The TrainerConfig describing a trainer built without one (ValueError if none can)."""
    try:
        spec = trainer.model.spec()
    except TypeError as error:
        raise ValueError(f"no TrainerConfig describes this trainer: {error}") from None
    settings = {"loss": trainer.loss, "margin": trainer.margin, "reg": trainer.reg, "seed": trainer.seed,
                "eval_interval": trainer.eval_interval, "batch_size": trainer.batch_size}
    return derive_config(spec, settings, trainer.optimizer.state_dict(), trainer.dataset)


def derive_config(spec, settings, optimizer_state, dataset):
    """The TrainerConfig of a model spec, trainer settings, optimizer state and the data trained on.

    The rule: data that is not one of the catalog's generated or bundled sets counts as imported
    ("csv" without a path; the session keeps the data itself). A model the config cannot describe
    (an unknown type, mixed activations, a leaky slope other than 0.01) is a ValueError.
    """
    kind = spec.get("type")
    if kind not in MODELS:
        raise ValueError(f"no TrainerConfig describes a {kind!r} model")
    hidden, activation = [16, 16], "relu"
    if MODELS[kind].hidden:
        hidden, activations = list(spec["hidden"]), list(spec["activations"])
        if len(set(activations)) > 1 or spec.get("leaky_slope", 0.01) != 0.01:
            raise ValueError(f"no TrainerConfig describes an MLP with activations {activations} "
                             f"and leaky slope {spec.get('leaky_slope', 0.01)}")
        activation = activations[0] if activations else activation
    name = dataset.name if dataset.name in DATASETS and DATASETS[dataset.name].source != "csv" else "csv"
    total = dataset.n_train + dataset.n_val
    config = TrainerConfig(
        dataset=name, n_samples=total,
        n_classes=dataset.n_classes if DATASETS[name].takes_n_classes else None,
        val_fraction=dataset.n_val / total if total else 0.0, model=kind, hidden=hidden,
        activation=activation, loss=settings["loss"], margin=settings["margin"], reg=settings["reg"],
        optimizer=session_state.optimizer_key(optimizer_state), lr=optimizer_state["hyper"]["lr"],
        batch_size=settings["batch_size"], seed=settings["seed"], eval_interval=settings["eval_interval"])
    return config.check(buildable=False)


def _architecture(spec):
    """A spec without its init scheme, which only shaped the initial weights (kept as the reset point)."""
    return {k: v for k, v in spec.items() if k != "init"}


def _copy(config):
    """A config of its own, so that live settings applied here never change the caller's."""
    return dataclasses.replace(config, hidden=list(config.hidden))
