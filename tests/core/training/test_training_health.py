"""Warnings beyond NaN: dead ReLU layers and vanishing or exploding gradients, naming the layer."""
import dataclasses

import numpy as np

from core.training import TrainerConfig
from core.training.health import (
    EXPLODING,
    VANISHING,
    dead_relu_warnings,
    dead_units,
    gradient_warnings,
    health_warnings,
)
from core.training.session import Session


def trained(lr, iterations=50):
    trainer = Session(dataclasses.replace(TrainerConfig(), lr=lr)).trainer
    for _ in range(iterations):
        trainer.step()
    trainer.step_phase()   # a forward pass: the ReLU outputs of this batch are known
    return trainer.snapshot()


def test_a_unit_is_dead_when_its_output_is_zero_on_the_whole_batch():
    out = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 0.0], [0.0, 2.0, 0.0]])
    assert dead_units(out).tolist() == [True, False, True]


def test_with_lr_10_every_relu_dies_and_the_warning_names_the_layers():
    snapshot = trained(10.0)
    assert snapshot.history["train_acc"][-1] < 0.4 and snapshot.diverged is None
    warnings = [w for w in health_warnings(snapshot) if w.kind == "dead_relu"]
    assert [w.layer for w in warnings] == ["0", "2"]
    assert warnings[0].message.startswith("16 of 16 units of the ReLU after layer 0 are dead")


def test_a_healthy_run_gets_no_warning():
    assert health_warnings(trained(0.3, iterations=5)) == []


def test_before_a_forward_pass_no_relu_is_reported():
    snapshot = Session().trainer.snapshot()
    assert dead_relu_warnings(snapshot.graph) == []


def test_vanishing_and_exploding_weight_gradients_name_their_layer():
    history = {"grad_norm/0.weight": [1.0, VANISHING / 10], "grad_norm/0.bias": [0.0],
               "grad_norm/4.weight": [EXPLODING * 10], "grad_norm/2.weight": [float("nan")]}
    found = {(w.kind, w.layer) for w in gradient_warnings(history)}
    assert found == {("vanishing", "0"), ("exploding", "4")}
