"""The graph view's layers as one node, parameter values after Update, zoom and following the
active node, the whole-graph exports, and the text-scale and theme interface."""
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QImage

from core.expression import parse, parse_values
from core.training import TrainerConfig, build_trainer
from core.training.graph_groups import linear_groups
from gui.array_view import fmt
from gui.graph_export import export_graph
from gui.graph_view import GraphView


def trigger(window, *names):
    for name in names:
        window.findChild(QAction, name).trigger()


def double_click(qtbot, view, node_id):
    box = view.node_items[node_id].box
    point = view.mapFromScene(box.mapToScene(box.boundingRect().center()))
    qtbot.mouseDClick(view.viewport(), Qt.LeftButton, pos=point)


def test_a_layer_is_one_node_labelled_as_in_the_lecture_and_opens_on_double_click(window, qtbot):
    trigger(window, "action_forward", "action_loss", "action_backward")
    view = window.graph_view
    graph = window.trainer.snapshot().graph
    first = linear_groups(graph)[0]
    layer = view.node_items[first.output]
    assert layer.title.text() == "linear" and layer.subtitle.text().startswith("W1·x + b1")
    assert first.matmul not in view.node_items and first.transpose not in view.node_items
    weight = view.node_items[first.weight]
    assert weight.title.text() == "W1" and weight.subtitle.text().startswith("0.weight")
    collapsed_grad = layer.grad_text[0].text()
    edge_to_w = next(e for (c, _), (s, e) in view.edge_items.items() if s == first.weight and c == first.output)
    colour = edge_to_w.path.pen().color()
    double_click(qtbot, view, first.output)
    assert {first.matmul, first.transpose, first.add} <= set(view.node_items)
    assert view.node_items[first.add].grad_text[0].text() == collapsed_grad   # the same ∂L
    edge_to_w = next(e for (c, _), (s, e) in view.edge_items.items() if c == first.transpose)
    assert edge_to_w.path.pen().color() == colour             # the same ∂L/∂W, the same balance
    double_click(qtbot, view, first.matmul)                                  # folds it again
    assert first.matmul not in view.node_items and first.output in view.node_items


def test_double_clicking_a_sigmoid_shows_its_elementary_ops_after_the_next_forward(window, qtbot):
    window.replace_trainer(build_trainer(TrainerConfig(hidden=[6], activation="sigmoid")))
    view = window.graph_view
    sigmoid = next(n.id for n in window.trainer.snapshot().graph if n.op == "sigmoid")
    double_click(qtbot, view, sigmoid)
    assert "elementary ops from the next forward" in window.statusBar().currentMessage()
    trigger(window, "action_forward")
    ops = {view.node_items[i].title.text() for i, n in
           ((n.id, n) for n in window.trainer.snapshot().graph) if n.name == "sigmoid"}
    assert ops == {"neg", "exp", "add", "div"}
    trigger(window, "action_loss", "action_backward")
    grads = window.trainer.snapshot().gradients
    fused = build_trainer(TrainerConfig(hidden=[6], activation="sigmoid"))
    for _ in range(3):
        fused.step_phase()
    for name, g in fused.snapshot().gradients.items():
        np.testing.assert_allclose(grads[name], g, rtol=1e-9, atol=1e-13)


def test_the_view_action_opens_every_layer(window):
    view = window.graph_view
    graph = window.trainer.snapshot().graph
    folded = len(view.node_items)
    trigger(window, "action_expand_layers")
    assert set(view.node_items) == {n.id for n in graph} and len(view.node_items) > folded
    trigger(window, "action_expand_layers")
    assert len(view.node_items) == folded


def test_next_node_steps_through_collapsed_layers_one_node_at_a_time(window):
    trigger(window, "action_forward", "action_loss")
    view = window.graph_view
    groups = linear_groups(window.trainer.snapshot().graph)
    glowing = []
    while window.findChild(QAction, "action_step_node").isEnabled():
        trigger(window, "action_step_node")
        glowing.append([i for i, item in view.node_items.items() if item.glow.isVisible()])
    assert all(len(g) == 1 for g in glowing[:-1])
    shown = [g[0] for g in glowing if g]
    assert len(shown) == len(set(shown))   # every shown node is one step, none twice
    assert [i for i in shown if i in {g.output for g in groups}] == [g.output for g in reversed(groups)]
    assert not {i for g in groups for i in (g.matmul, g.transpose)} & set(shown)


def test_a_collapsed_layer_step_labels_the_gradients_to_w_b_and_x(window):
    trigger(window, "action_forward", "action_loss")
    view = window.graph_view
    last = linear_groups(window.trainer.snapshot().graph)[-1]
    while window.trainer.snapshot().active_node not in last.members:
        trigger(window, "action_step_node")
    labelled = {src for (consumer, _), (src, e) in view.edge_items.items()
                if consumer == last.output and e.label_box.isVisible()}
    assert labelled == {last.x, last.weight, last.bias}
    boxes = [item.scene_rect() for item in view.node_items.values()]
    for _, (_, edge) in view.edge_items.items():
        if edge.label_box.isVisible():
            label = edge.label_box.sceneBoundingRect()
            assert not any(label.intersects(b) for b in boxes), edge.label.text()


def test_the_hint_names_a_collapsed_layer_as_the_graph_shows_it(window):
    trigger(window, "action_forward", "action_loss")
    last = linear_groups(window.trainer.snapshot().graph)[-1]
    while window.trainer.snapshot().active_node not in last.members:
        trigger(window, "action_step_node")
    hint = window.hint.text()
    k = last.k
    assert hint.startswith(f"<b>linear W{k}·x + b{k}</b> received")
    assert f"W{k}" in hint.split("sent")[1] and f"b{k}" in hint.split("sent")[1]
    assert "matmul" not in hint and "transpose" not in hint and "weight" not in hint


def test_after_update_parameter_boxes_show_the_new_values_and_the_step(window):
    trigger(window, "action_forward", "action_loss", "action_backward")
    snapshot = window.trainer.snapshot()
    bias = next(n for n in snapshot.graph if n.name == "4.bias")
    before = window.graph_view.node_items[bias.id].value_text[0].text()
    trigger(window, "action_update")
    after = window.trainer.snapshot()
    item = window.graph_view.node_items[bias.id]
    assert item.value_text[0].text() == f"= μ {fmt(after.parameters['4.bias'].mean())}" != before
    assert item.grad_text[1].text().startswith("step ‖")


def test_boxes_show_the_norm_of_the_gradient(window):
    trigger(window, "action_forward", "action_loss", "action_backward")
    snapshot = window.trainer.snapshot()
    node = snapshot.graph[snapshot.scores_node]
    text = window.graph_view.node_items[node.id].grad_text[0].text()
    assert text == f"∂L ‖{fmt(np.linalg.norm(node.upstream))}‖"


def test_a_node_feeding_two_others_shows_the_contributions_add_up(window):
    trigger(window, "action_forward", "action_loss")
    view = window.graph_view
    w1 = next(n.id for n in window.trainer.snapshot().graph if n.name == "0.weight")
    while window.trainer.snapshot().active_node != w1:
        trigger(window, "action_step_node")
    received = [e for (consumer, _), (src, e) in view.edge_items.items() if src == w1]
    assert len(received) == 2 and all(e.label_box.isVisible() for e in received)
    assert view.node_items[w1].grad_text[1].text() == "= sum of the 2 edges"


def test_zoom_actions_change_the_transform_and_fit_restores_it(window):
    view = window.graph_view
    trigger(window, "action_fit")
    fitted = view.transform().m11()
    trigger(window, "action_zoom_in")
    assert view.transform().m11() == pytest.approx(fitted * 1.25)
    trigger(window, "action_zoom_out", "action_zoom_out")
    assert view.transform().m11() == pytest.approx(fitted / 1.25)
    trigger(window, "action_fit")
    assert view.transform().m11() == pytest.approx(fitted)
    shortcuts = {name: window.findChild(QAction, name).shortcut().toString()
                 for name in ("action_zoom_in", "action_zoom_out", "action_fit")}
    assert shortcuts == {"action_zoom_in": "Ctrl+=", "action_zoom_out": "Ctrl+-", "action_fit": "Ctrl+0"}


def test_when_zoomed_in_the_view_keeps_the_active_node_in_sight(window):
    view = window.graph_view
    trigger(window, "action_forward", "action_loss")
    for _ in range(6):
        trigger(window, "action_zoom_in")
    for _ in range(8):
        trigger(window, "action_step_node")
        active = view.shown_as.get(window.trainer.snapshot().active_node,
                                   window.trainer.snapshot().active_node)
        visible = view.mapToScene(view.viewport().rect()).boundingRect()
        assert visible.contains(view.node_items[active].scene_rect().center())


def test_the_svg_export_is_an_svg_document_with_the_node_labels(window, tmp_path):
    export_graph(window.graph_view, tmp_path / "graph.svg")
    text = (tmp_path / "graph.svg").read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    for label in ("W1", "linear", "softmax CE", "0.weight"):
        assert label in text


def test_the_png_export_at_scale_2_is_twice_the_size_and_other_suffixes_are_refused(window, tmp_path):
    export_graph(window.graph_view, tmp_path / "one.png", scale=1)
    export_graph(window.graph_view, tmp_path / "two.png", scale=2)
    one, two = QImage(str(tmp_path / "one.png")), QImage(str(tmp_path / "two.png"))
    assert abs(two.width() - 2 * one.width()) <= 1 and abs(two.height() - 2 * one.height()) <= 1
    with pytest.raises(ValueError, match=r"\.svg.*\.png"):
        export_graph(window.graph_view, tmp_path / "graph.jpg")
    assert not (tmp_path / "graph.jpg").exists()


def test_text_scale_enlarges_the_text_and_a_theme_recolours(qtbot):
    view = GraphView()
    qtbot.addWidget(view)
    walk = parse("(x + y) * z").walk(parse_values("x = 1, y = 2, z = 3"))
    snapshot = type("S", (), {"graph": walk.graph(), "phase": None, "diverged": None, "done_nodes": (),
                              "completed": None, "last_update": {}, "parameters": {}})()
    view.show_snapshot(snapshot, highlight_next=False)
    item = next(iter(view.node_items.values()))
    normal = item.value_text[0].font().pixelSize()
    view.set_text_scale(2)
    item = next(iter(view.node_items.values()))
    assert item.value_text[0].font().pixelSize() >= 2 * normal - 1
    view.apply_theme({"background": "#202020", "node_fill": "#303030"})
    assert view.backgroundBrush().color() == QColor("#202020")
    assert next(iter(view.node_items.values())).box.brush().color() == QColor("#303030")
    with pytest.raises(ValueError, match="text scale"):
        view.set_text_scale(10)
