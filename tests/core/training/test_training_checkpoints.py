"""Checkpoints: divergence keeps the last finite state with its optimizer state, undo the last
steps continues at a lower learning rate, and stepping back replays the same numbers."""
import numpy as np
import pytest

from core.data import make_dataset
from core.nn import MLP
from core.optim import SGD
from core.training import DivergedError, Phase, Trainer, TrainerConfig, build_trainer
from core.training.checkpoints import FAST_EVERY, MAX_REPLAY, Position


def diverging_trainer():
    """The default spiral at the spin boxes' maxima, learning rate 10 and regularisation 10."""
    return build_trainer(TrainerConfig(lr=10.0, reg=10.0))


def all_finite(state):
    return all(np.all(np.isfinite(a)) for a in state.values())


def optimizer_arrays(optimizer):
    states = optimizer.state_dict()["state"].values()
    return [a for s in states for a in s.values() if isinstance(a, np.ndarray)]


def test_divergence_restores_the_last_finite_iteration_start_and_says_so():
    trainer = diverging_trainer()
    trainer.run(200)
    report = trainer.diverged
    assert report is not None and report["phase"] == "forward"
    assert report["restored"] == report["iteration"] - 1 == trainer.iteration
    assert f"start of iteration {trainer.iteration}" in report["message"]
    assert "undo the last steps" in report["message"] and "(loss " in report["message"]
    assert len(trainer.history["train_loss"]) == trainer.iteration
    # the restored parameters are those the last finite loss came from
    fresh = diverging_trainer()
    fresh.run(trainer.iteration)
    for name, value in fresh.model.state_dict().items():
        np.testing.assert_array_equal(trainer.model.state_dict()[name], value)
    assert np.isfinite(trainer.evaluate(trainer.dataset.X_train, trainer.dataset.y_train)["loss"])
    with pytest.raises(DivergedError):
        trainer.step()


def test_an_update_divergence_restores_the_momentum_from_before_the_bad_step():
    ds = make_dataset("spiral", n_samples=90, n_classes=3, seed=0)
    model = MLP(2, [8], 3, seed=0)
    trainer = Trainer(model, ds, optimizer=SGD(model.parameters(), lr=1e306, momentum=0.9))
    trainer.run(50)
    assert trainer.diverged is not None and "restored" in trainer.diverged
    assert all_finite(model.state_dict())
    assert all(np.all(np.isfinite(a)) for a in optimizer_arrays(trainer.optimizer))


@pytest.mark.parametrize("reachable", [True, False])
def test_a_bad_update_leaves_the_parameters_of_before_it_with_or_without_a_checkpoint(reachable):
    # run() copies nothing for the guard when a checkpoint reaches back; beyond reach, it does
    trainer = build_trainer(TrainerConfig())
    trainer.run(35, record_last=False)
    if not reachable:
        trainer.checkpoints.items.clear()
    before = trainer.model.state_dict()
    step, calls = trainer.optimizer.step, []

    def overflowing():  # the update of this iteration (not those replayed) makes an entry NaN
        step()
        if not calls:
            trainer.optimizer.params[0].data[0, 0] = np.nan
        calls.append(1)

    trainer.optimizer.step = overflowing
    trainer.run(1, record_last=False)
    assert trainer.diverged is not None and trainer.diverged["phase"] == "update"
    assert ("restored" in trainer.diverged) is reachable
    assert trainer.iteration == 35
    for name, value in before.items():
        np.testing.assert_array_equal(value, trainer.model.state_dict()[name])


def test_undo_the_last_steps_then_a_lower_learning_rate_trains_on_finite():
    trainer = diverging_trainer()
    trainer.run(200)
    assert trainer.diverged is not None
    back_to = trainer.undo_to_checkpoint()
    assert trainer.diverged is None and trainer.iteration == back_to
    assert trainer.lr == 10.0      # the current setting stays; the user lowers it
    trainer.lr = 0.1
    assert trainer.run(50) == 50 and trainer.diverged is None
    assert np.all(np.isfinite(trainer.history["train_loss"])) and all_finite(trainer.model.state_dict())


def test_undo_the_last_steps_of_healthy_training_goes_back_one_iteration():
    trainer = build_trainer(TrainerConfig())
    trainer.run(30)
    assert trainer.undo_to_checkpoint() == 29 == trainer.iteration
    assert len(trainer.history["iteration"]) == 29


def test_a_point_out_of_reach_is_refused_and_changes_nothing():
    trainer = build_trainer(TrainerConfig())
    trainer.run(FAST_EVERY * 40)
    before = trainer.model.state_dict()
    with pytest.raises(ValueError, match="out of reach"):
        trainer.undo_to_checkpoint(50)
    assert trainer.iteration == FAST_EVERY * 40
    assert all(np.array_equal(before[k], v) for k, v in trainer.model.state_dict().items())
    trainer.undo_to_checkpoint(trainer.iteration - MAX_REPLAY)   # within reach


def graph_values(snapshot):
    return [(n.value, n.upstream, n.downstream) for n in snapshot.graph]


def assert_same_snapshot(a, b):
    assert (a.iteration, a.phase, a.completed, a.active_node, a.done_nodes) == \
        (b.iteration, b.phase, b.completed, b.active_node, b.done_nodes)
    for x, y in zip(graph_values(a), graph_values(b)):
        for u, v in zip(x, y):
            if isinstance(u, tuple):
                assert all(np.array_equal(p, q) for p, q in zip(u, v) if p is not None)
            elif u is not None or v is not None:
                np.testing.assert_array_equal(u, v)
    for name in a.parameters:
        np.testing.assert_array_equal(a.parameters[name], b.parameters[name])


def test_step_back_after_three_node_steps_is_the_state_after_two_bit_for_bit():
    trainer = build_trainer(TrainerConfig())
    trainer.run(12)
    trainer.step_phase()
    trainer.step_phase()
    trainer.step_node()
    trainer.step_node()
    after_two, position = trainer.snapshot(), trainer.position()
    trainer.step_node()
    trainer.go_to(position)
    assert trainer.position() == position == Position(12, 2, 2)
    assert_same_snapshot(after_two, trainer.snapshot())
    trainer.step_node()   # forward again: the same numbers as the first time
    again = trainer.snapshot()
    other = build_trainer(TrainerConfig())
    other.run(12)
    other.step_phase()
    other.step_phase()
    for _ in range(3):
        other.step_node()
    assert_same_snapshot(other.snapshot(), again)


def test_step_back_over_an_update_and_over_iterations_run_fast():
    trainer = build_trainer(TrainerConfig(batch_size=32))
    trainer.run(23)
    for _ in range(4):
        trainer.step_phase()
    after_update = trainer.position()
    assert after_update == Position(23, 4, 0)
    trainer.run(7)
    trainer.go_to(after_update)
    assert trainer.iteration == 24 and trainer.completed is Phase.UPDATE
    reference = build_trainer(TrainerConfig(batch_size=32))
    reference.run(23)
    reference.step()
    for name, value in reference.model.state_dict().items():
        np.testing.assert_array_equal(trainer.model.state_dict()[name], value)
    assert trainer.history == reference.history
    with pytest.raises(ValueError, match="only back"):
        trainer.go_to(Position(30, 0, 0))


def test_run_and_batch_size_refuse_fractions():
    trainer = build_trainer(TrainerConfig())
    with pytest.raises(ValueError, match="integer"):
        trainer.run(2.5)
    assert trainer.iteration == 0
    ds = make_dataset("spiral", n_samples=90, n_classes=3, seed=0)
    with pytest.raises(ValueError, match="batch_size"):
        Trainer(MLP(2, [8], 3), ds, batch_size=2.5)


def test_a_big_model_keeps_fewer_checkpoints_within_the_memory_budget():
    from core.limits import MAX_CHECKPOINT_BYTES
    trainer = build_trainer(TrainerConfig(hidden=[1024, 1024], n_samples=60))
    for _ in range(40):
        trainer.step()
    kept = trainer.checkpoints.items
    per_point = sum(a.nbytes for a in kept[0].model.values())
    assert 2 <= len(kept) < 32 and len(kept) * per_point <= MAX_CHECKPOINT_BYTES
