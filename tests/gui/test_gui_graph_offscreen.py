"""While Play's frames are paced, the graph re-texts only the boxes and edges in sight; the rest
follows when the view moves, on an export, and on the next frame that is not paced. The boxes in
sight are re-texted at most every NUMBERS_S, the edges every frame. A frame paints the viewport
once, as one rectangle."""
import pytest

import gui.graph_view
from core.training import TrainerConfig, build_trainer
from gui.graph_items import uncached
from gui.graph_view import GraphView
from gui.repaint import repaint_now
from tests.gui.paints import Paints


def texts(view):
    return {i: [t.text() for t in item.value_text + item.grad_text] for i, item in view.node_items.items()}


def pens(view):
    return {key: (edge.path.pen().color().rgb(), edge.path.pen().widthF())
            for key, (_, edge) in view.edge_items.items()}


@pytest.fixture
def snapshots():
    trainer = build_trainer(TrainerConfig())
    trainer.run(3)
    first = trainer.snapshot()
    trainer.run(40)
    return first, trainer.snapshot()


def small_view(qtbot, snapshot):
    view = GraphView()
    qtbot.addWidget(view)
    view.resize(360, 240)   # at a legible scale only part of the graph fits
    view.show_snapshot(snapshot, highlight_next=False)
    paints = Paints(view.viewport())
    view.show()
    qtbot.waitUntil(lambda: paints.count > 0)   # painted: repaint() paints at once from now on
    return view


def reference(qtbot, snapshot):
    view = small_view(qtbot, snapshot)
    return texts(view), pens(view)


def test_a_paced_frame_re_texts_what_is_in_sight_and_the_rest_when_it_comes_into_view(
        qtbot, snapshots, monkeypatch):
    first, second = snapshots
    now_texts, now_pens = reference(qtbot, second)
    view = small_view(qtbot, first)
    before = texts(view)
    monkeypatch.setattr(gui.graph_view, "paced_frame", lambda: True)
    view.show_snapshot(second, highlight_next=False)
    shown = texts(view)
    in_sight = view.mapToScene(view.viewport().rect()).boundingRect()
    stale = [i for i in shown if shown[i] != now_texts[i]]
    assert stale and len(stale) < len(shown)
    assert all(shown[i] == before[i] and not in_sight.intersects(view.node_items[i].scene_rect())
               for i in stale)
    assert any(shown[i] == now_texts[i] != before[i] for i in shown)   # in sight: the new numbers

    target = view.node_items[stale[0]]
    view.centerOn(target.scene_rect().center())   # a pan brings it into view: painted current
    view.viewport().repaint()
    assert texts(view)[stale[0]] == now_texts[stale[0]]

    with uncached(view.scene()):   # an export draws the whole scene: everything current
        assert texts(view) == now_texts and pens(view) == now_pens
    assert view.deferred == []


@pytest.fixture
def paced(qtbot, snapshots, monkeypatch):
    """Play's frames paced, and (a view showing the first snapshot, the first, the second, and the
    texts and pens of the second shown in full)."""
    first, second = snapshots
    now_texts, now_pens = reference(qtbot, second)
    view = small_view(qtbot, first)
    monkeypatch.setattr(gui.graph_view, "paced_frame", lambda: True)
    return view, first, second, now_texts, now_pens


def in_sight(view, rect):
    return view.mapToScene(view.viewport().rect()).boundingRect().intersects(rect)


def test_between_captions_a_paced_frame_moves_the_edges_and_keeps_the_numbers(paced, monkeypatch):
    view, first, second, now_texts, now_pens = paced
    view.show_snapshot(first, highlight_next=False)   # the first frame of Play: captioned
    before, before_pens = texts(view), pens(view)
    monkeypatch.setattr(gui.graph_view, "NUMBERS_S", 3600)   # the next frame comes before captions are due
    view.show_snapshot(second, highlight_next=False)
    assert texts(view) == before
    edges = [key for key, (_, edge) in view.edge_items.items() if in_sight(view, edge.bounds)]
    moved = [key for key in edges if before_pens[key] != now_pens[key]]
    assert moved and all(pens(view)[key] == now_pens[key] for key in edges)   # in sight: this frame's
    view.viewport().repaint()                          # painting the frame re-texts nothing
    assert texts(view) == before

    monkeypatch.setattr(gui.graph_view, "NUMBERS_S", 0)   # due: the boxes in sight read the new numbers
    view.show_snapshot(second, highlight_next=False)
    boxes = [i for i, item in view.node_items.items() if in_sight(view, item.scene_rect())]
    assert any(before[i] != now_texts[i] for i in boxes)
    assert all(texts(view)[i] == now_texts[i] for i in boxes)


def test_an_export_between_captions_shows_the_frames_numbers(paced, monkeypatch):
    view, first, second, now_texts, now_pens = paced
    view.show_snapshot(first, highlight_next=False)
    monkeypatch.setattr(gui.graph_view, "NUMBERS_S", 3600)
    view.show_snapshot(second, highlight_next=False)
    assert texts(view) != now_texts
    with uncached(view.scene()):
        assert texts(view) == now_texts and pens(view) == now_pens


def test_a_frame_that_is_not_paced_shows_everything(paced, monkeypatch):
    view, _, second, now_texts, now_pens = paced
    view.show_snapshot(second, highlight_next=False)
    assert view.deferred
    monkeypatch.setattr(gui.graph_view, "paced_frame", lambda: False)
    view.show_snapshot(second, highlight_next=False)
    assert view.deferred == [] and texts(view) == now_texts and pens(view) == now_pens


def test_repaint_now_paints_the_viewport_once(qtbot, snapshots):
    first, second = snapshots
    view = small_view(qtbot, first)
    repaint_now(view)
    paints = Paints(view.viewport())
    view.show_snapshot(second, highlight_next=False)   # changed items: painted with the scene's changes
    repaint_now(view)
    assert paints.count == 1
    repaint_now(view)                                  # nothing changed: painted all the same
    assert paints.count == 2


def test_a_frame_paints_one_rectangle_around_what_changed(qtbot, snapshots):
    first, second = snapshots
    view = small_view(qtbot, first)
    repaint_now(view)
    paints = Paints(view.viewport())
    view.show_snapshot(second, highlight_next=False)   # most texts and pens change
    repaint_now(view)
    (region,) = paints.regions
    assert region.rectCount() == 1   # not the exact union of the items, which costs more to paint
    in_sight = view.mapToScene(view.viewport().rect()).boundingRect()
    node = next(i for i, item in view.node_items.items() if in_sight.contains(item.scene_rect()))
    view.select_node(node)            # one box changes: only around it is painted
    repaint_now(view)
    rect, whole = paints.regions[-1].boundingRect(), view.viewport().rect()
    assert rect.intersects(view.mapFromScene(view.node_items[node].scene_rect()).boundingRect())
    assert rect.width() * rect.height() < whole.width() * whole.height() / 2
