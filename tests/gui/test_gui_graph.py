"""The computational-graph view: layout, what the boxes and edges show after each phase, node
stepping highlights, selection by click, and items built once per structure."""
from types import SimpleNamespace

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from core.training import TrainerConfig, build_trainer
from gui.array_view import NEGATIVE, POSITIVE, balance, fmt, gradient_colour
from gui.graph_items import GLOW, SENT_GLOW
from gui.graph_layout import Spacing, layer_of, layout


def trigger(window, *names):
    for name in names:
        window.findChild(QAction, name).trigger()


def texts(item):
    return [t.text() for t in item.value_text + item.grad_text]


def node(i, *inputs):
    return SimpleNamespace(id=i, inputs=inputs)


# ----- layout (no Qt) ------------------------------------------------------------------------
def test_layers_run_from_inputs_to_the_loss_with_leaves_next_to_their_consumer():
    snapshot = build_trainer(TrainerConfig()).snapshot()
    layer = layer_of(snapshot.graph)
    for n in snapshot.graph:
        for i in n.inputs:
            if i is not None:
                assert layer[i] <= layer[n.id], (i, n.id)
    assert layer[snapshot.loss_node] == max(layer.values())
    assert layer[snapshot.scores_node] < layer[snapshot.loss_node]
    x = next(n.id for n in snapshot.graph if n.name == "X")
    first_product = next(n.id for n in snapshot.graph if n.op == "matmul" and x in n.inputs)
    assert layer[x] == layer[first_product] - 1


def test_a_leaf_feeding_a_one_input_op_stacks_above_it():
    graph = [node(0), node(1, 0), node(2), node(3, 2, 1)]     # W → Wᵀ; X, Wᵀ → product
    layer = layer_of(graph)
    assert layer[0] == layer[1] and layer[2] == layer[1] and layer[3] == layer[1] + 1
    positions, _ = layout(graph)
    assert positions[0][0] == positions[1][0] and positions[0][1] < positions[1][1]


def test_long_edges_get_a_waypoint_in_every_layer_they_cross_and_boxes_do_not_overlap():
    snapshot = build_trainer(TrainerConfig()).snapshot()
    positions, routes = layout(snapshot.graph)
    layer = layer_of(snapshot.graph)
    for (consumer, k), points in routes.items():
        source = snapshot.graph[consumer].inputs[k]
        assert len(points) == layer[consumer] - layer[source] - 1
    boxes = sorted(positions.values())
    for (x1, y1), (x2, y2) in zip(boxes, boxes[1:]):
        assert x1 != x2 or abs(y1 - y2) >= Spacing().node_height


# ----- content after each phase -------------------------------------------------------------
def test_boxes_show_values_after_forward_and_the_loss_after_loss(window):
    view = window.graph_view
    loss_id = window.trainer.snapshot().loss_node
    assert all(t == "" for item in view.node_items.values() for t in texts(item))
    trigger(window, "action_forward")
    snapshot = window.trainer.snapshot()
    scores = view.node_items[snapshot.scores_node]
    assert scores.value_text[0].text().startswith("= μ")
    assert texts(view.node_items[loss_id]) == ["", "", "", ""]
    assert view.node_items[loss_id].pending            # the loss phase computes it next
    trigger(window, "action_loss")
    loss = window.trainer.snapshot().metrics["loss"]
    assert view.node_items[loss_id].value_text[0].text() == f"= {fmt(loss)}"


def test_after_backward_every_box_shows_its_gradient_and_edges_are_coloured_by_sign(window):
    trigger(window, "action_expand_layers", "action_forward", "action_loss", "action_backward")
    view = window.graph_view
    snapshot = window.trainer.snapshot()
    for n in snapshot.graph:
        grad_line = view.node_items[n.id].grad_text[0].text()
        assert grad_line.startswith("∂L") == (n.upstream is not None), n.label
    by_id = {n.id: n for n in snapshot.graph}
    leaning = set()
    for (consumer, k), (_, edge) in view.edge_items.items():
        downstream = by_id[consumer].downstream[k]
        if downstream is None or abs(balance(downstream)) < 0.01:   # balanced: grey
            continue
        colour = edge.path.pen().color()
        orange = colour.red() > colour.blue()
        assert orange == (np.sum(downstream) > 0)
        leaning.add(orange)
    assert leaning == {True, False}            # both signs occur, in distinguishable colours
    loss_edges = [edge for (consumer, _), (_, edge) in view.edge_items.items()
                  if consumer == snapshot.loss_node]
    assert all(edge.path.pen().color().name() == POSITIVE.lower() for edge in loss_edges)  # ∂L/∂ = +1
    widths = [edge.path.pen().widthF() for _, edge in view.edge_items.values()]
    assert max(widths) > 2 * min(widths)


def test_gradient_colours_follow_the_sign():
    assert gradient_colour(np.array([1.0, 2.0])).name() == POSITIVE.lower()
    assert gradient_colour(np.array([-1.0, -0.5])).name() == NEGATIVE.lower()
    assert gradient_colour(np.array([1.0, -1.0])).name() not in (POSITIVE.lower(), NEGATIVE.lower())


def test_next_node_highlights_the_active_node_and_labels_what_it_received_and_sent(window):
    trigger(window, "action_expand_layers", "action_forward", "action_loss")
    for _ in range(4):
        trigger(window, "action_step_node")
    view = window.graph_view
    snapshot = window.trainer.snapshot()
    active = snapshot.active_node
    glowing = [i for i, item in view.node_items.items() if item.glow.isVisible()]
    assert glowing == [active]
    by_id = {n.id: n for n in snapshot.graph}
    for (consumer, k), (source, edge) in view.edge_items.items():
        touches = active in (consumer, source)
        carries = by_id[consumer].downstream is not None and by_id[consumer].downstream[k] is not None
        assert edge.label_box.isVisible() == (touches and carries)
        if touches and carries:
            glow = SENT_GLOW if consumer == active else GLOW     # sent to an input / received
            assert edge.glow.pen().color() == glow
            g = np.asarray(by_id[consumer].downstream[k])
            assert edge.label.text() == (fmt(g) if g.size == 1 else f"‖{fmt(np.linalg.norm(g))}‖")
    assert window.hint.text().startswith(f"<b>{by_id[active].label}</b> received")
    trigger(window, "action_step")                  # other actions end the highlight
    assert not any(item.glow.isVisible() for item in view.node_items.values())
    assert not any(edge.label_box.isVisible() for _, edge in view.edge_items.values())


# ----- interaction ---------------------------------------------------------------------------
def test_clicking_a_node_selects_it_and_opens_it_in_the_inspector(window, qtbot):
    view = window.graph_view
    target = window.trainer.snapshot().scores_node
    box = view.node_items[target].box
    point = view.mapFromScene(box.mapToScene(box.boundingRect().center()))
    with qtbot.waitSignal(view.sig_node_selected) as signal:
        qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=point)
    assert signal.args == [target]
    assert view.node_items[target].selected and window.inspector.node_id == target


def test_wheel_zooms_and_fit_shows_the_whole_graph(window, qtbot):
    window.resize(1920, 1080)   # room for the whole graph at a legible size (gui.graph_camera)
    qtbot.waitUntil(lambda: window.graph_view.width() > 1700)
    view = window.graph_view
    window.findChild(QAction, "action_fit").trigger()
    fitted = view.transform().m11()
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    assert visible.contains(view.scene().itemsBoundingRect())
    view.scale(2, 2)
    window.findChild(QAction, "action_fit").trigger()
    assert view.transform().m11() == fitted


def test_items_are_built_once_per_structure(window):
    view = window.graph_view
    boxes = {i: item.box for i, item in view.node_items.items()}
    count = len(view.scene().items())
    trigger(window, "action_forward", "action_loss", "action_backward", "action_update")
    window.trainer.run(20)
    window.refresh()
    assert {i: item.box for i, item in view.node_items.items()} == boxes
    assert len(view.scene().items()) == count
    trigger(window, "action_expand_loss")          # a new structure: rebuilt, old items gone
    assert len(view.scene().items()) != count
    assert not set(view.scene().items()) & set(boxes.values())


def test_the_boxes_show_the_shape_of_the_current_batch(window):
    window.replace_trainer(build_trainer(TrainerConfig(batch_size=64)))
    trigger(window, "action_forward")
    x = next(n for n in window.trainer.snapshot().graph if n.name == "X")
    assert x.shape == (64, 2)
    assert window.graph_view.node_items[x.id].subtitle.text() == "64×2"
