"""The graph's camera on a 1366×768 laptop: no text under 9 pt (fitting stops at the legible scale
and looks where the step is), the Lessons dock beside the plots, and the lab's own graph actions."""
import pytest
from PySide6.QtGui import QAction

from core.expression import BY_KEY
from core.lessons import COURSE
from core.training import TrainerConfig, build_trainer
from gui.graph_camera import legible_px


def trigger(window, *names):
    for name in names:
        window.findChild(QAction, name).trigger()


def smallest_text_on_screen(view):
    """The on-screen pixel height of the smallest text in the boxes and the edge labels shown."""
    texts = [t for item in view.node_items.values()
             for t in (item.title, item.subtitle, *item.value_text, *item.grad_text) if t.text()]
    texts += [edge.label for _, edge in view.edge_items.values() if edge.label_box.isVisible()]
    return min(t.font().pixelSize() for t in texts) * view.transform().m11()


def visible_area(view):
    return view.mapToScene(view.viewport().rect()).boundingRect()


@pytest.fixture
def laptop(window, qtbot):
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: window.width() == 1366 and window.graph_view.width() > 1300)
    return window


@pytest.mark.parametrize("hidden", [[16, 16], [16, 8]])
def test_at_1366_by_768_graph_text_is_at_least_9_pt_in_every_phase(laptop, hidden):
    if hidden != TrainerConfig().hidden:
        laptop.replace_trainer(build_trainer(TrainerConfig(hidden=hidden)))
    view = laptop.graph_view
    nine_pt = legible_px(view)
    assert nine_pt == pytest.approx(9 * view.logicalDpiY() / 72)
    assert view.width() >= laptop.width() - 4          # no dock beside the graph takes its width
    assert smallest_text_on_screen(view) >= nine_pt    # after the first fit
    trigger(laptop, "action_forward")
    assert smallest_text_on_screen(view) >= nine_pt
    trigger(laptop, "action_loss")
    for _ in range(4):
        trigger(laptop, "action_step_node")            # edge labels too
        assert smallest_text_on_screen(view) >= nine_pt
    trigger(laptop, "action_backward", "action_update", "action_fit")
    assert smallest_text_on_screen(view) >= nine_pt


def test_a_graph_too_wide_to_read_whole_is_shown_where_the_step_is(laptop):
    view = laptop.graph_view
    legible = view.camera.legible_scale()
    assert view.camera.clipped and view.transform().m11() == pytest.approx(legible)
    assert visible_area(view).left() <= view.scene().sceneRect().left() + 1   # forward: the inputs
    trigger(laptop, "action_forward", "action_loss")
    assert visible_area(view).right() >= view.scene().sceneRect().right() - 1  # loss: its side
    for _ in range(6):
        trigger(laptop, "action_step_node")
        snapshot = laptop.trainer.snapshot()
        active = view.shown_as.get(snapshot.active_node, snapshot.active_node)
        assert visible_area(view).contains(view.node_items[active].scene_rect().center())
    trigger(laptop, "action_zoom_out")                 # on purpose, smaller than legible
    assert view.transform().m11() == pytest.approx(legible / 1.25)
    trigger(laptop, "action_fit")
    assert view.transform().m11() == pytest.approx(legible)


def test_on_a_1920_by_1080_screen_the_graph_is_fitted_whole_and_legible(window, qtbot):
    window.resize(1920, 1080)
    qtbot.waitUntil(lambda: window.graph_view.width() > 1800)
    view = window.graph_view
    assert not view.camera.clipped
    assert visible_area(view).contains(view.scene().itemsBoundingRect())
    assert smallest_text_on_screen(view) >= legible_px(view)


def test_the_lessons_dock_is_a_tab_beside_the_plots_and_comes_forward_when_a_lesson_starts(laptop, qtbot):
    window = laptop
    dock = window.lesson_dock
    assert dock in window.tabifiedDockWidgets(window.boundary_dock)
    assert dock not in window.tabifiedDockWidgets(window.inspector_dock)   # lessons raise the inspector
    qtbot.waitUntil(lambda: dock.visibleRegion().isEmpty())   # at first start the plot is in front
    window.lesson_panel.start(COURSE.index("four_phases"))
    qtbot.waitUntil(lambda: not dock.visibleRegion().isEmpty())
    assert not window.inspector_dock.visibleRegion().isEmpty()   # the lesson and the inspector


def test_in_the_lab_zoom_fit_and_layers_act_on_the_labs_graph_with_the_labs_legend(laptop):
    window = laptop
    trainer_view = window.graph_view
    trainer_scale = trainer_view.transform().m11()
    window.workspaces.show("lab")
    lab = window.lab
    neuron = BY_KEY["sigmoid_neuron"]
    lab.set_state({"expression": neuron.expression, "values": neuron.values, "mode": "hvp",
                   "direction": "w0", "expand": False})
    for _ in range(8):
        lab.step()
    view = lab.graph_view
    assert smallest_text_on_screen(view) >= legible_px(view)   # the HVP's extended graph
    legend = view.legend.text()
    assert "variable or constant" in legend and "∂s" in legend and "parameter" not in legend
    assert "parameter" in trainer_view.legend.text()
    fitted = view.transform().m11()
    trigger(window, "action_zoom_in")
    assert view.transform().m11() == pytest.approx(fitted * 1.25)
    assert window.findChild(QAction, "action_fit").isEnabled()
    trigger(window, "action_fit")
    assert view.transform().m11() == pytest.approx(fitted)
    assert trainer_view.transform().m11() == pytest.approx(trainer_scale)   # the trainer's untouched
    trigger(window, "action_expand_layers")
    assert view.expand_all and lab.actions_.expand.isChecked() and lab.walk.expand
    assert not trainer_view.expand_all
    window.workspaces.show("trainer")
    assert not window.findChild(QAction, "action_expand_layers").isChecked()   # the trainer's state
    trigger(window, "action_zoom_in")
    assert trainer_view.transform().m11() == pytest.approx(trainer_scale * 1.25)
