"""The trainer's fast path records its replay again when the graph changes shape."""
import numpy as np
import pytest

from core.data import Dataset
from core.nn import MLP
from core.training import Trainer
from core.training.activations import set_activations_expanded


def tanh_trainer(loss="softmax"):
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((60, 2)), rng.integers(0, 3, size=60)
    return Trainer(MLP(2, [8, 8], 3, activation="tanh", seed=0), Dataset(X, y, name="t"), loss=loss,
                   reg=1e-3, batch_size=20, seed=0)


@pytest.mark.parametrize("expanded_first", [False, True])
def test_expanding_an_activation_between_runs_trains_as_the_recorded_steps_do(expanded_first):
    fast, stepped = tanh_trainer(), tanh_trainer()
    for t in (fast, stepped):
        set_activations_expanded(t.model, expanded_first)
        t.run(4, record_last=False)
        set_activations_expanded(t.model, not expanded_first)  # the graph's activations change
    fast.run(6, record_last=False)
    for _ in range(6):
        stepped.step()
    for (name, p), (_, q) in zip(fast.model.named_parameters(), stepped.model.named_parameters()):
        assert np.array_equal(p.data, q.data), name
    assert fast.history["train_loss"] == stepped.history["train_loss"]


@pytest.mark.parametrize("expand_loss", [False, True])
def test_a_new_hinge_margin_trains_as_the_recorded_steps_do(expand_loss):
    fast, stepped = tanh_trainer(loss="hinge"), tanh_trainer(loss="hinge")
    for t in (fast, stepped):
        t.expand_loss = expand_loss
        t.run(4, record_last=False)   # the replay is recorded with Δ = 1
        t.margin = 3.0
    fast.run(6, record_last=False)
    for _ in range(6):
        stepped.step()
    assert fast.history["train_loss"] == stepped.history["train_loss"]
    for (name, p), (_, q) in zip(fast.model.named_parameters(), stepped.model.named_parameters()):
        assert np.array_equal(p.data, q.data), name
    with pytest.raises(ValueError, match="margin"):
        fast.margin = -1


def test_a_replayed_step_leaves_the_gradients_in_the_trainers_gradient_buffer():
    trainer = tanh_trainer()
    trainer.run(3, record_last=False)  # the first run records the graph, the others replay it
    flat = trainer.optimizer.flat
    params = [p for _, p in trainer.model.named_parameters()]
    assert flat is not None and flat.holds([p.data for p in params])
    assert flat.holds_grads([p.grad for p in params])
    trainer.step()  # the recorded path: ordinary backward, its own gradient arrays
    assert not flat.holds_grads([p.grad for p in params])
