"""The phase-by-phase Trainer, read as examples of how the app drives it."""
import numpy as np
import pytest

from core.data import make_dataset
from core.nn import MLP, LinearSVM, evaluate_spec
from core.optim import SGD, Adam
from core.training import DivergedError, Phase, PhaseError, Trainer, TrainerConfig, build_trainer


def spiral_trainer(seed=0, **kwargs):
    ds = make_dataset("spiral", n_samples=90, n_classes=3, noise=0.2, val_fraction=0.2, seed=0)
    model = MLP(2, [8], 3, activation="relu", seed=seed)
    opt = kwargs.pop("optimizer", None) or SGD(model.parameters(), lr=0.5)
    return Trainer(model, ds, loss=kwargs.pop("loss", "softmax"), optimizer=opt,
                   reg=kwargs.pop("reg", 1e-3), seed=seed, **kwargs)


def by_name(snapshot):
    return {node.name: node for node in snapshot.graph}


def test_phases_cycle_and_iteration_counts():
    trainer = spiral_trainer()
    assert trainer.phase is Phase.FORWARD and trainer.iteration == 0
    ran = [trainer.step_phase() for _ in range(4)]
    assert ran == [Phase.FORWARD, Phase.LOSS, Phase.BACKWARD, Phase.UPDATE]
    assert trainer.phase is Phase.FORWARD and trainer.iteration == 1
    assert len(trainer.history["train_loss"]) == 1


def test_graph_is_drawn_before_anything_runs_with_values_hidden():
    snap = spiral_trainer().snapshot()
    assert snap.completed is None
    ops = [node.op for node in snap.graph]
    assert "matmul" in ops and "softmax_cross_entropy" in ops and "add" in ops
    assert all(node.value is None and node.upstream is None for node in snap.graph)


def test_values_appear_phase_by_phase():
    trainer = spiral_trainer()
    trainer.step_phase()  # forward
    nodes = by_name(trainer.snapshot())
    assert nodes["scores"].value is not None and nodes["X"].value is not None
    assert nodes["loss"].value is None and nodes["data_loss"].value is None
    trainer.step_phase()  # loss
    snap = trainer.snapshot()
    nodes = by_name(snap)
    assert float(nodes["loss"].value) == pytest.approx(snap.metrics["loss"])
    assert snap.metrics["loss"] == pytest.approx(snap.metrics["data_loss"] + snap.metrics["reg_loss"])
    assert all(node.upstream is None for node in snap.graph)


def test_next_node_walks_backward_one_node_at_a_time():
    trainer = spiral_trainer()
    trainer.step_phase(), trainer.step_phase()
    first = trainer.step_node()
    snap = trainer.snapshot()
    assert snap.active_node == first == snap.loss_node
    assert snap.done_nodes == {first}
    loss = snap.graph[first]
    assert np.allclose(loss.upstream, 1.0)  # ∂L/∂L
    steps = 1
    while trainer.phase is Phase.BACKWARD:
        trainer.step_node()
        steps += 1
    snap = trainer.snapshot()
    assert steps == sum(1 for node in snap.graph if node.stage != "input")
    weight = by_name(snap)["0.weight"]
    assert np.array_equal(weight.upstream, trainer.model.named_parameters()[0][1].grad)


def test_downstream_is_local_times_upstream_at_relu():
    trainer = spiral_trainer()
    for _ in range(3):
        trainer.step_phase()
    snap = trainer.snapshot()
    relu = next(node for node in snap.graph if node.op == "relu")
    x = snap.graph[relu.inputs[0]].value
    assert np.array_equal(relu.downstream[0], relu.upstream * (x > 0))


def test_step_node_outside_backward_is_refused_with_the_phase_named():
    trainer = spiral_trainer()
    with pytest.raises(PhaseError, match="next phase is Forward"):
        trainer.step_node()


def test_update_phase_reports_before_step_after():
    trainer = spiral_trainer()
    trainer.step()
    snap = trainer.snapshot()
    update = snap.last_update["0.weight"]
    assert np.allclose(update["after"] - update["before"], update["step"])
    assert np.array_equal(update["after"], snap.parameters["0.weight"])
    assert np.allclose(update["step"], -0.5 * snap.gradients["0.weight"])
    # the graph still shows the value the forward pass used
    assert np.array_equal(by_name(snap)["0.weight"].value, update["before"])


def test_stepping_and_running_give_bit_identical_histories():
    stepped, ran = spiral_trainer(batch_size=16), spiral_trainer(batch_size=16)
    for _ in range(7):
        for _ in range(3):
            stepped.step_phase()
        while stepped.phase is Phase.UPDATE or stepped.phase is Phase.BACKWARD:
            stepped.step_phase()
    assert ran.run(7) == 7
    assert stepped.history == ran.history
    for (_, a), (_, b) in zip(stepped.model.named_parameters(), ran.model.named_parameters()):
        assert np.array_equal(a.data, b.data)


def test_same_seed_same_history_other_seed_differs():
    a, b, c = spiral_trainer(batch_size=10), spiral_trainer(batch_size=10), spiral_trainer(seed=1, batch_size=10)
    for t in (a, b, c):
        t.run(20)
    assert a.history == b.history
    assert a.history["train_loss"] != c.history["train_loss"]


def test_run_finishes_a_half_done_iteration_first_and_can_be_stopped():
    trainer = spiral_trainer()
    trainer.step_phase()
    assert trainer.run(3) == 3 and trainer.iteration == 3
    calls = []
    done = trainer.run(100, callback=lambda t: calls.append(t.iteration),
                       should_stop=lambda: len(calls) >= 5)
    # one recorded iteration more, so that the graph on display is the last iteration's
    assert done == 6 and calls == [4, 5, 6, 7, 8, 9]
    snap = trainer.snapshot()
    assert snap.graph[snap.loss_node].upstream is not None
    assert float(snap.graph[snap.loss_node].value) == trainer.history["train_loss"][-1]


def test_snapshot_history_is_a_read_only_view_that_stays_valid():
    trainer = spiral_trainer()
    trainer.run(3)
    early = trainer.snapshot().history
    trainer.run(200)
    late = trainer.snapshot().history
    assert list(early["iteration"]) == [1, 2, 3]
    assert list(late["train_loss"]) == trainer.history["train_loss"]
    assert not late["train_loss"].flags.writeable
    trainer.reset()
    assert len(trainer.snapshot().history["train_loss"]) == 0


def test_active_node_only_while_stepping_node_by_node():
    trainer = spiral_trainer()
    trainer.step_phase(), trainer.step_phase()
    trainer.step_node()
    assert trainer.snapshot().active_node is not None
    trainer.step_phase()  # the rest of backward at once
    assert trainer.snapshot().active_node is None
    for _ in range(3):  # update, then the next iteration's forward and loss
        trainer.step_phase()
    while trainer.phase is Phase.BACKWARD:
        trainer.step_node()
    assert trainer.snapshot().active_node is not None  # the last node walked, until the update
    trainer.step_phase()
    assert trainer.snapshot().active_node is None


def test_history_records_grad_norms_and_validation_at_the_interval():
    trainer = spiral_trainer(eval_interval=5)
    trainer.run(12)
    h = trainer.history
    assert h["iteration"] == list(range(1, 13))
    assert h["val_iteration"] == [1, 5, 10]
    assert len(h["grad_norm/0.weight"]) == 12 and all(v > 0 for v in h["grad_norm/0.weight"])
    assert all(lr == 0.5 for lr in h["lr"])


def test_learning_rate_and_regularisation_apply_live():
    trainer = spiral_trainer(reg=0.0)
    trainer.run(2)
    assert trainer.history["reg_loss"] == [0.0, 0.0]
    trainer.reg, trainer.lr = 0.1, 0.05
    trainer.run(1)
    assert trainer.history["reg_loss"][-1] > 0 and trainer.history["lr"][-1] == 0.05
    with pytest.raises(ValueError, match="learning rate"):
        trainer.lr = -1
    with pytest.raises(ValueError, match="regularisation"):
        trainer.reg = float("nan")


def test_the_loss_and_the_seed_are_fixed_when_the_trainer_is_made():
    trainer = spiral_trainer(loss="hinge")
    for name, value in (("loss", "softmax"), ("seed", 7)):   # a session would save a value never used
        with pytest.raises(AttributeError):
            setattr(trainer, name, value)
    assert (trainer.loss, trainer.seed) == ("hinge", 0)


def test_expanded_loss_has_more_nodes_and_the_same_value():
    fused, expanded = spiral_trainer(loss="hinge"), spiral_trainer(loss="hinge")
    expanded.expand_loss = True
    assert len(expanded.snapshot().graph) > len(fused.snapshot().graph)
    for t in (fused, expanded):
        t.step()
    assert expanded.history["train_loss"] == pytest.approx(fused.history["train_loss"], rel=1e-12)
    ops = {node.op for node in expanded.snapshot().graph}
    assert "multiclass_hinge_loss" not in ops and "maximum" in ops | {"relu"} or "relu" in ops


def test_divergence_stops_names_the_node_and_keeps_finite_parameters():
    ds = make_dataset("spiral", n_samples=90, n_classes=3, seed=0)
    model = MLP(2, [8], 3, seed=0)
    trainer = Trainer(model, ds, loss="hinge", optimizer=SGD(model.parameters(), lr=1e306))
    trainer.run(50)
    assert trainer.diverged is not None and trainer.diverged["phase"] in ("forward", "update")
    assert "NaN/Inf" in trainer.diverged["message"]
    assert all(np.all(np.isfinite(p.data)) for p in model.parameters())
    with pytest.raises(DivergedError):
        trainer.step()
    trainer.reset()
    assert trainer.diverged is None and trainer.iteration == 0


def test_reset_returns_to_the_initial_weights_and_empty_history():
    trainer = spiral_trainer(optimizer=None)
    before = trainer.model.state_dict()
    first = spiral_trainer()
    first.run(5)
    trainer.run(5)
    trainer.reset()
    assert trainer.iteration == 0 and trainer.history["train_loss"] == []
    assert all(np.array_equal(before[k], v) for k, v in trainer.model.state_dict().items())
    trainer.run(5)
    assert trainer.history == first.history


def test_evaluate_and_predict():
    trainer = spiral_trainer()
    result = trainer.evaluate(trainer.dataset.X_val, trainer.dataset.y_val)
    assert set(result) == {"loss", "data_loss", "accuracy"} and 0 <= result["accuracy"] <= 1
    assert trainer.predict(trainer.dataset.X_val).shape == (trainer.dataset.n_val, 3)


def test_state_dict_round_trip_continues_bit_identically():
    model = MLP(2, [8], 3, seed=0)
    ds = make_dataset("moons", n_samples=60, seed=0)
    model = MLP(2, [8], 2, seed=0)
    trainer = Trainer(model, ds, optimizer=Adam(model.parameters(), lr=0.01), batch_size=8)
    trainer.run(6)
    trainer.step_phase()  # mid-iteration: the state is that of the iteration's start
    restored = Trainer.from_state_dict(trainer.state_dict())
    assert restored.dataset.feature_names == trainer.dataset.feature_names
    trainer.run(5)
    restored.run(5)
    assert restored.history == trainer.history


def test_build_trainer_from_the_default_config_is_the_app_default():
    trainer = build_trainer(TrainerConfig())
    assert trainer.dataset.name == "spiral" and trainer.dataset.n_classes == 3
    assert [p.shape for p in trainer.model.parameters()] == [(16, 2), (16,), (16, 16), (16,), (3, 16), (3,)]
    trainer.run(3)
    assert trainer.iteration == 3


def test_svm_on_hinge_loss_trains():
    ds = make_dataset("gaussian", n_samples=120, n_classes=3, noise=0.1, seed=0)
    model = LinearSVM(2, 3, seed=0)
    trainer = Trainer(model, ds, loss="hinge", optimizer=SGD(model.parameters(), lr=0.1))
    trainer.run(100)
    assert trainer.history["train_acc"][-1] > 0.9


def test_a_non_finite_forward_value_is_traced_to_the_first_node_that_made_it():
    ds = make_dataset("spiral", n_samples=90, n_classes=3, seed=0)
    model = MLP(2, [8], 3, seed=0)
    state = model.state_dict()
    state["0.weight"] = np.full_like(state["0.weight"], 1e308)
    model.load_state_dict(state)
    trainer = Trainer(model, ds, loss="softmax")
    trainer.step_phase()
    trainer.step_phase()
    assert trainer.diverged["phase"] == "forward"
    graph = trainer.snapshot().graph
    culprit = graph[trainer.diverged["node_id"]]
    assert culprit.op == trainer.diverged["op"] != "leaf"
    assert not np.all(np.isfinite(culprit.value))
    # it made the first NaN/Inf: everything it read was finite
    assert all(np.all(np.isfinite(graph[i].value)) for i in culprit.inputs)


def test_snapshot_values_stay_those_of_their_iteration_after_the_update():
    """W.T is a view of W; the update changes W in place, the graph's value must not follow."""
    trainer = spiral_trainer()
    for _ in range(3):
        trainer.step_phase()
    before = trainer.snapshot()
    values = {node.id: np.array(node.value, copy=True) for node in before.graph}
    trainer.step_phase()  # update
    after = trainer.snapshot()
    assert any(node.op == "transpose" for node in after.graph)
    for node in after.graph:
        assert np.array_equal(node.value, values[node.id]), node.name
        assert np.array_equal(before.graph[node.id].value, values[node.id]), node.name


def test_an_impossible_margin_is_refused():
    with pytest.raises(ValueError, match="margin"):
        spiral_trainer(loss="hinge", margin=float("nan"))


def test_the_phase_is_derived_from_what_completed_last():
    trainer = spiral_trainer()
    assert "phase" not in vars(trainer)  # nothing stored beside what completed
    seen = []
    for _ in range(6):
        seen.append((trainer.completed, trainer.phase))
        trainer.step_phase()
    assert seen == [(None, Phase.FORWARD), (Phase.FORWARD, Phase.LOSS), (Phase.LOSS, Phase.BACKWARD),
                    (Phase.BACKWARD, Phase.UPDATE), (Phase.UPDATE, Phase.FORWARD),
                    (Phase.FORWARD, Phase.LOSS)]
    trainer.step_node()
    assert trainer.completed is Phase.LOSS and trainer.snapshot().phase is Phase.BACKWARD


def test_the_snapshot_carries_the_model_spec_and_the_dataset():
    trainer = spiral_trainer()
    trainer.run(3)
    snap = trainer.snapshot()
    assert snap.model_spec == trainer.model.spec() and snap.dataset is trainer.dataset
    X = np.random.default_rng(0).uniform(-1, 1, (50, 2))
    scores = evaluate_spec(snap.model_spec, snap.parameters, X)
    np.testing.assert_array_equal(scores, trainer.predict(X))
    trainer.run(3)  # the snapshot's parameters are its own: still the scores of iteration 3
    np.testing.assert_array_equal(evaluate_spec(snap.model_spec, snap.parameters, X), scores)


def test_run_without_record_last_keeps_the_recorded_graph():
    trainer = spiral_trainer()
    trainer.run(3)
    recorded = trainer.record
    assert trainer.run(5, record_last=False) == 5
    assert trainer.iteration == 8 and trainer.record is recorded
    assert len(trainer.history["train_loss"]) == 8
    trainer.run(1)
    assert trainer.record is not recorded


def test_run_without_record_last_stops_when_asked_without_an_extra_iteration():
    trainer = spiral_trainer()
    asked = []
    ran = trainer.run(10, should_stop=lambda: len(asked) >= 4 or asked.append(1), record_last=False)
    assert ran == 4 and trainer.iteration == 4
