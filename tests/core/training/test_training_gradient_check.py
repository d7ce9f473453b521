"""Every gradient numerically checked: the backward pass's ∂L/∂θ against central differences."""
import numpy as np
import pytest

from core.data import make_dataset
from core.nn import MLP
from core.optim import SGD
from core.training import PhaseError, Trainer


def mlp_trainer(loss="softmax", batch_size=32):
    ds = make_dataset("spiral", n_samples=90, n_classes=3, noise=0.2, val_fraction=0.2, seed=0)
    model = MLP(2, [8, 8], 3, activation="tanh", seed=0)
    return Trainer(model, ds, loss=loss, optimizer=SGD(model.parameters(), lr=0.5), reg=1e-3,
                   batch_size=batch_size, seed=0)


def after_backward(trainer):
    for _ in range(3):
        trainer.step_phase()
    return trainer


def parameters(trainer):
    return {name: (p.data, p.data.copy()) for name, p in trainer.model.named_parameters()}


def assert_unchanged(trainer, before):
    for name, p in trainer.model.named_parameters():
        array, copy = before[name]
        assert p.data is array and np.array_equal(p.data, copy, equal_nan=True)
        assert p.data.tobytes() == copy.tobytes()


@pytest.mark.parametrize("loss", ["softmax", "hinge"])
def test_every_parameter_agrees_with_central_differences(loss):
    trainer = after_backward(mlp_trainer(loss))
    if loss == "hinge":  # a kink within ε of an entry would make the difference meaningless
        it = trainer._it
        scores = trainer.predict(it.X)
        margins = scores - scores[np.arange(len(it.y)), it.y][:, None] + trainer.margin
        assert np.min(np.abs(margins)) > 1e-4
    for name, p in trainer.model.named_parameters():
        rows = trainer.check_gradient(name)
        assert len(rows) == min(6, p.data.size)
        assert len({row["index"] for row in rows}) == len(rows)
        for row in rows:
            assert row["rel_error"] < 1e-5, (name, row)
            assert row["numeric"] == pytest.approx(row["analytic"], rel=1e-5, abs=1e-9)


def test_the_largest_entries_come_first_then_seeded_random_ones():
    trainer = after_backward(mlp_trainer())
    gradient = next(n for n in trainer.snapshot().graph if n.name == "2.weight").upstream
    rows = trainer.check_gradient("2.weight", entries=6, seed=3)
    largest = np.sort(np.abs(gradient).ravel())[::-1][:4]
    assert [abs(row["analytic"]) for row in rows[:4]] == list(largest)
    assert trainer.check_gradient("2.weight", entries=6, seed=3) == rows


def test_the_parameters_are_left_exactly_as_they_were():
    trainer = after_backward(mlp_trainer())
    before = parameters(trainer)
    trainer.check_gradient("0.weight")
    assert_unchanged(trainer, before)


def test_after_the_update_it_checks_the_values_the_forward_pass_used():
    trainer = after_backward(mlp_trainer())
    rows = trainer.check_gradient("0.weight")
    trainer.step_phase()   # the update changes the parameters
    before = parameters(trainer)
    assert trainer.check_gradient("0.weight") == rows
    assert_unchanged(trainer, before)


def test_parameters_are_restored_when_the_loss_fails(monkeypatch):
    trainer = after_backward(mlp_trainer())
    before = parameters(trainer)

    def broken(*args, **kwargs):
        raise FloatingPointError("boom")

    monkeypatch.setattr(trainer, "_data_loss", broken)
    with pytest.raises(FloatingPointError):
        trainer.check_gradient("0.weight")
    assert_unchanged(trainer, before)


def test_before_the_backward_pass_there_is_nothing_to_check():
    trainer = mlp_trainer()
    with pytest.raises(PhaseError, match="backward"):
        trainer.check_gradient("0.weight")
    trainer.step_phase()
    trainer.step_phase()
    with pytest.raises(PhaseError, match="backward"):
        trainer.check_gradient("0.weight")
    trainer = after_backward(mlp_trainer())
    trainer.step_phase()   # the update, then the next iteration's forward pass
    trainer.step_phase()
    with pytest.raises(PhaseError, match="backward"):
        trainer.check_gradient("0.weight")


def test_an_unknown_parameter_is_a_value_error():
    trainer = after_backward(mlp_trainer())
    with pytest.raises(ValueError, match="no parameter named 'nope'"):
        trainer.check_gradient("nope")


def test_a_gradient_off_by_two_is_reported(monkeypatch):
    trainer = after_backward(mlp_trainer())
    recorded = trainer.recorded_gradient("2.weight")
    monkeypatch.setattr(trainer, "recorded_gradient", lambda name: recorded * 2)
    rows = trainer.check_gradient("2.weight")
    assert all(row["rel_error"] == pytest.approx(0.5, rel=1e-4) for row in rows)
