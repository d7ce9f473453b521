"""Linear layers as one node: the grouping, the collapsed graph's gradients, and node stepping
through collapsed layers (no Qt)."""
import numpy as np

from core.expression import parse, parse_values
from core.training import Phase, TrainerConfig, build_trainer
from core.training.graph_groups import collapse, lecture_names, linear_groups, step_shown_node


def backward_ready(**config):
    trainer = build_trainer(TrainerConfig(**config))
    trainer.step_phase()
    trainer.step_phase()
    return trainer


def test_each_linear_layer_of_an_mlp_is_a_group_numbered_from_the_input():
    graph = build_trainer(TrainerConfig(hidden=[16, 8])).snapshot().graph
    by_id = {n.id: n for n in graph}
    groups = linear_groups(graph)
    assert [g.k for g in groups] == [1, 2, 3]
    assert [by_id[g.weight].name for g in groups] == ["0.weight", "2.weight", "4.weight"]
    assert [by_id[g.bias].name for g in groups] == ["0.bias", "2.bias", "4.bias"]
    assert [(by_id[g.transpose].op, by_id[g.matmul].op, by_id[g.add].op) for g in groups] == \
        [("transpose", "matmul", "add")] * 3
    assert by_id[groups[0].x].name == "X" and by_id[groups[1].x].op == "relu"
    names = lecture_names(groups)
    assert [names[g.weight] for g in groups] == ["W1", "W2", "W3"] and names[groups[2].bias] == "b3"


def test_a_graph_without_layers_has_no_groups_and_collapses_to_itself():
    graph = parse("(x + y) * z").walk(parse_values("x = 1, y = 2, z = 3")).graph()
    assert linear_groups(graph) == () and collapse(graph, ()) == tuple(graph)


def test_a_collapsed_layer_is_one_node_sending_the_same_gradients_as_its_ops():
    trainer = backward_ready()
    trainer.step_phase()
    graph = trainer.snapshot().graph
    by_id = {n.id: n for n in graph}
    groups = linear_groups(graph)
    shown = collapse(graph, groups)
    assert len(shown) == len(graph) - 2 * len(groups)
    layer = {n.id: n for n in shown}[groups[0].output]
    g = groups[0]
    assert layer.op == "linear" and layer.name == "W1·x + b1" and layer.inputs == (g.x, g.weight, g.bias)
    np.testing.assert_array_equal(layer.upstream, by_id[g.add].upstream)
    np.testing.assert_array_equal(layer.downstream[1], by_id[g.transpose].downstream[0])   # to W
    np.testing.assert_array_equal(layer.downstream[2], by_id[g.add].downstream[1])         # to b
    # W also feeds the L2 penalty: its ∂L is the sum of what the layer and the penalty send
    penalty = next(n for n in graph if n.op == "l2_penalty")
    from_penalty = penalty.downstream[penalty.inputs.index(g.weight)]
    np.testing.assert_allclose(layer.downstream[1] + from_penalty, by_id[g.weight].upstream)


def test_next_node_steps_a_collapsed_layer_at_once_and_still_reaches_every_node():
    trainer = backward_ready()
    groups = linear_groups(trainer.snapshot().graph)
    shown = []
    while trainer.phase is Phase.BACKWARD:
        shown.append(step_shown_node(trainer, groups))
    by_id = {n.id: n for n in trainer.snapshot().graph}
    assert len(shown) == len(set(shown))
    hidden = {i for g in groups for i in g.members if i != g.output}
    assert not hidden & set(shown)
    assert {g.output for g in groups} <= set(shown)
    assert set(trainer.record.done) == {i for i, n in by_id.items() if n.stage != "input"}
    reference = backward_ready()
    reference.step_phase()
    for name, p in reference.model.named_parameters():
        np.testing.assert_array_equal(dict(trainer.model.named_parameters())[name].grad, p.grad)


def test_a_layer_step_sends_its_gradient_to_w_b_and_x():
    trainer = backward_ready()
    groups = linear_groups(trainer.snapshot().graph)
    last = groups[-1]
    while last.output not in trainer.record.done:
        step_shown_node(trainer, groups)
    layer = {n.id: n for n in collapse(trainer.snapshot().graph, groups)}[last.output]
    assert all(d is not None for d in layer.downstream)
    assert trainer.snapshot().active_node in last.members
