"""Fused activations expanded into elementary ops: the same values and gradients, and which graph
nodes belong to which activation (no Qt)."""
import numpy as np
import pytest

from core.autodiff import Tensor
from core.nn import Sigmoid, Tanh
from core.training import TrainerConfig, build_trainer
from core.training.activations import (
    activation_nodes,
    fused_activations,
    set_activations_expanded,
    toggle_activation,
)


@pytest.mark.parametrize("module", [Sigmoid(), Tanh()], ids=["sigmoid", "tanh"])
def test_expanded_gives_the_same_values_and_gradients_as_fused(module):
    data = np.random.default_rng(0).normal(scale=4.0, size=(5, 3))
    results = []
    for expanded in (False, True):
        module.expanded = expanded
        x = Tensor(data.copy(), requires_grad=True)
        out = module(x)
        (out * np.arange(15.0).reshape(5, 3)).sum().backward()
        results.append((out.data, x.grad))
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-10, atol=1e-13)


def forwarded(trainer):
    trainer.step_phase()
    return trainer.snapshot().graph


def test_an_expanded_layer_shows_its_elementary_ops_from_the_next_forward_with_equal_gradients():
    config = TrainerConfig(hidden=[6, 4], activation="sigmoid")
    fused, expanded = build_trainer(config), build_trainer(config)
    graph = forwarded(expanded)
    sigmoids = [n.id for n in graph if n.op == "sigmoid"]
    assert len(sigmoids) == 2 and activation_nodes(graph) == {sigmoids[0]: 0, sigmoids[1]: 1}
    module = toggle_activation(expanded.model, graph, sigmoids[1])
    assert module is fused_activations(expanded.model)[1] and module.expanded
    for t in (fused, expanded):
        t.step()                           # this iteration was traced before the change
    graph = forwarded(expanded)
    assert [n.op for n in graph].count("sigmoid") == 1
    ops = {n.op for n in graph if n.name == "sigmoid" and n.op != "sigmoid"}
    assert ops == {"neg", "exp", "add", "div"}
    parts = activation_nodes(graph)
    assert sorted(set(parts.values())) == [0, 1] and list(parts.values()).count(1) == 4
    forwarded(fused)
    for t in (fused, expanded):
        t.step_phase()
        t.step_phase()
    for (name, p), (_, q) in zip(fused.model.named_parameters(), expanded.model.named_parameters()):
        np.testing.assert_allclose(q.grad, p.grad, rtol=1e-9, atol=1e-13, err_msg=name)
    op = next(i for i, k in parts.items() if k == 1)
    assert toggle_activation(expanded.model, graph, op) is module and not module.expanded   # folds


def test_all_at_once_and_models_without_activations():
    trainer = build_trainer(TrainerConfig(hidden=[5, 5], activation="tanh"))
    set_activations_expanded(trainer.model, True)
    assert all(m.expanded for m in fused_activations(trainer.model))
    graph = forwarded(trainer)
    assert "tanh" not in [n.op for n in graph]
    linear = build_trainer(TrainerConfig(hidden=[5], activation="relu"))
    graph = linear.snapshot().graph
    assert fused_activations(linear.model) == [] and activation_nodes(graph) == {}
    assert toggle_activation(linear.model, graph, graph[-1].id) is None
