"""The Session: one config (never None), the trainer built from it, and session files."""
import math

import numpy as np
import pytest

from core.data import make_dataset
from core.io import SessionError, load_session, save_session
from core.nn import MLP
from core.optim import Adam
from core.training import Phase, Trainer, TrainerConfig
from core.training.session import Session

SMALL = dict(n_samples=80, hidden=[6])


def assert_same_run(a, b):
    assert a.iteration == b.iteration and a.history == b.history
    for (name, p), (_, q) in zip(a.model.named_parameters(), b.model.named_parameters()):
        assert p.data.tobytes() == q.data.tobytes(), name
    assert a.sampler.state_dict() == b.sampler.state_dict()


def test_a_new_session_trains_the_default_config():
    session = Session()
    assert session.config == TrainerConfig() and session.trainer.config is session.config


def test_a_failed_rebuild_raises_and_keeps_the_old_trainer(tmp_path):
    session = Session(TrainerConfig(**SMALL))
    old = session.trainer
    with pytest.raises(ValueError, match="hidden layer sizes"):
        session.rebuild(TrainerConfig(hidden=[0]))
    with pytest.raises(ValueError, match="no such file"):
        session.rebuild(TrainerConfig(dataset="csv", csv_path=str(tmp_path / "nope.csv")))
    assert session.trainer is old and session.config == TrainerConfig(**SMALL)


def test_rebuild_on_given_data_and_keeps_the_loss_view():
    session = Session(TrainerConfig(**SMALL))
    session.trainer.expand_loss = True
    data = make_dataset("moons", n_samples=40, seed=3)
    config = TrainerConfig(model="svm", loss="hinge", dataset="moons")
    trainer = session.rebuild(config, data)
    assert session.trainer is trainer and trainer.dataset is data and trainer.expand_loss
    assert session.config == config and session.config is not config  # the caller's stays its own


def test_reset_returns_to_iteration_zero_and_the_initial_weights():
    session = Session(TrainerConfig(**SMALL))
    before = {k: v.copy() for k, v in session.trainer.model.state_dict().items()}
    session.trainer.run(5)
    session.reset()
    assert session.trainer.iteration == 0 and session.trainer.history["train_loss"] == []
    for key, value in session.trainer.model.state_dict().items():
        assert value.tobytes() == before[key].tobytes()


def test_live_settings_change_trainer_and_config_together_or_not_at_all():
    session = Session(TrainerConfig(**SMALL))
    session.apply_live("lr", 0.02)
    session.apply_live("reg", 0.5)
    assert session.trainer.lr == session.config.lr == 0.02
    assert session.trainer.reg == session.config.reg == 0.5
    for name, value, message in (("lr", -1, "learning rate"), ("lr", math.nan, "learning rate"),
                                 ("reg", math.inf, "regularisation"), ("seed", 3, "only lr and reg")):
        with pytest.raises(ValueError, match=message):
            session.apply_live(name, value)
    assert session.trainer.lr == session.config.lr == 0.02 and session.config.seed == 0


@pytest.mark.parametrize("steps", [0, 2], ids=["between iterations", "mid-iteration"])
def test_to_state_and_from_state_continue_bit_identically(steps):
    session = Session(TrainerConfig(optimizer="adam", lr=0.01, batch_size=16, **SMALL))
    session.trainer.run(7)
    for _ in range(steps):
        session.trainer.step_phase()
    restored = Session.from_state(session.to_state())
    assert restored.config == session.config and restored.trainer.config is restored.config
    session.trainer.run(9)
    restored.trainer.run(9)  # the original finishes its half-done iteration as the first of 9
    assert_same_run(session.trainer, restored.trainer)
    session.reset()
    restored.reset()
    assert_same_run(session.trainer, restored.trainer)


def test_save_and_load_through_core_io(tmp_path):
    session = Session(TrainerConfig(optimizer="nesterov", lr=0.05, **SMALL))
    session.trainer.run(4)
    session.save(tmp_path / "run.bpsession")
    loaded = Session.load(tmp_path / "run.bpsession")
    assert loaded.config == session.config and loaded.trainer.iteration == 4
    assert load_session(tmp_path / "run.bpsession").iteration == 4  # the plain Trainer loader too
    (tmp_path / "bad.bpsession").write_bytes(b"not a zip")
    with pytest.raises(SessionError, match="bad.bpsession"):
        Session.load(tmp_path / "bad.bpsession")


def hand_built(**kwargs):
    ds = make_dataset("spiral", n_samples=60, seed=1)
    model = MLP(2, [5, 5], 3, activation=kwargs.pop("activation", "tanh"), seed=2)
    return Trainer(model, ds, optimizer=Adam(model.parameters(), lr=0.02), reg=0.01, batch_size=20)


def test_a_trainer_without_config_gets_the_config_that_describes_it():
    session = Session(TrainerConfig(**SMALL))
    trainer = session.replace_trainer(hand_built())
    assert session.trainer is trainer and trainer.config is session.config
    c = session.config
    assert (c.dataset, c.model, c.hidden, c.activation, c.optimizer, c.lr, c.reg, c.batch_size) == \
        ("spiral", "mlp", [5, 5], "tanh", "adam", 0.02, 0.01, 20)
    session.rebuild(c, trainer.dataset)  # the derived config builds the same kind of trainer
    assert session.trainer.model.spec()["hidden"] == [5, 5]


def test_a_session_around_a_ready_made_trainer():
    trainer = hand_built()
    session = Session.around(trainer)
    assert session.trainer is trainer and session.config.optimizer == "adam"
    with pytest.raises(AttributeError):
        session.trainer = hand_built()  # only rebuild and replace_trainer change it


def test_a_trainer_no_config_can_describe_is_refused_and_the_old_one_stays():
    session = Session(TrainerConfig(**SMALL))
    old = session.trainer
    with pytest.raises(ValueError, match="mixed|activations"):
        session.replace_trainer(hand_built(activation=["tanh", "relu"]))
    assert session.trainer is old


def test_a_session_without_app_config_opens_with_a_derived_one(tmp_path):
    trainer = hand_built()
    trainer.run(3)
    save_session(tmp_path / "hand.bpsession", trainer)
    session = Session.load(tmp_path / "hand.bpsession")
    assert session.config.optimizer == "adam" and session.trainer.iteration == 3
    trainer.run(4)
    session.trainer.run(4)
    assert_same_run(trainer, session.trainer)


@pytest.mark.parametrize("how", ["fast run", "stepped forward", "stepped update"])
def test_a_diverged_session_saves_and_opens(tmp_path, how):
    session = Session(TrainerConfig(lr=1e300 if how != "stepped forward" else 10, reg=10, **SMALL))
    trainer = session.trainer
    if how == "fast run":
        trainer.run(50)
    else:
        while trainer.diverged is None:
            trainer.step_phase()
    assert trainer.diverged is not None
    state = session.to_state()
    assert all(isinstance(state[key], dict) for key in ("sampler", "optimizer", "initial"))
    session.save(tmp_path / "diverged.bpsession")
    loaded = Session.load(tmp_path / "diverged.bpsession")
    assert loaded.trainer.iteration == trainer.iteration and loaded.trainer.phase is Phase.FORWARD
    assert load_session(tmp_path / "diverged.bpsession").iteration == trainer.iteration
    assert np.all([np.isfinite(p.data).all() for p in loaded.trainer.model.parameters()])
