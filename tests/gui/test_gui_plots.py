"""The plot widgets on a real trainer: curves follow the history, regions follow the weights."""
import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QGraphicsView

from core.training import TrainerConfig, build_trainer
from gui.plots import BoundaryPlot, GradNormPlot, LossPlot, WeightsPlot, boundary_plot
from gui.repaint import repaint_now
from tests.gui.paints import Paints


@pytest.fixture
def trainer():
    return build_trainer(TrainerConfig())


def test_loss_curves_have_as_many_points_as_the_history(shown, trainer):
    plot = shown(LossPlot())
    trainer.run(25)
    plot.show_snapshot(trainer.snapshot())

    history = trainer.history
    for key in ("train_loss", "data_loss", "reg_loss", "train_acc"):
        x, y = plot.curves[key].getOriginalDataset()
        assert len(x) == len(history["iteration"]) == 25
        assert np.allclose(y, history[key])
    x, y = plot.curves["val_loss"].getOriginalDataset()
    assert list(x) == history["val_iteration"] == [1, 10, 20]
    assert np.allclose(y, history["val_loss"])


def test_a_redraw_paints_each_plot_as_one_rectangle(shown, qtbot, trainer):
    plot = shown(LossPlot())
    paints = [Paints(view.viewport()) for view in plot.findChildren(QGraphicsView)]
    trainer.run(30)
    plot.show_snapshot(trainer.snapshot())
    qtbot.waitUntil(lambda: all(p.count for p in paints))   # painted: repaint_now paints at once from now on
    repaint_now(plot)
    for p in paints:
        p.regions.clear()
    for _ in range(12):   # the curves change across the plots, and now and then an axis moves
        trainer.run(37)
        plot.show_snapshot(trainer.snapshot())
        repaint_now(plot)
    assert [len(p.regions) for p in paints] == [12, 12]   # loss and accuracy, once per redraw
    # each around the curves and axes that changed, rather than their exact union (slower to paint)
    assert all(region.rectCount() == 1 for p in paints for region in p.regions)


def test_loss_axis_toggles_between_linear_and_log(shown, trainer):
    plot = shown(LossPlot())
    trainer.run(5)
    plot.show_snapshot(trainer.snapshot())
    axis = plot.loss_plot.getPlotItem().getAxis("left")
    assert not plot.is_log_scale() and not axis.logMode

    plot.log_scale.click()

    assert plot.is_log_scale() and axis.logMode
    plot.set_log_scale(False)
    assert not plot.log_scale.isChecked() and not axis.logMode


def test_the_decision_boundary_changes_as_the_model_trains(shown, trainer):
    plot = shown(BoundaryPlot())
    plot.show_snapshot(trainer.snapshot())
    before = plot.boundary_image().copy()
    assert before.shape == (100, 100)

    trainer.run(50)
    plot.show_snapshot(trainer.snapshot())

    after = plot.boundary_image()
    assert (before != after).mean() > 0.05
    assert set(np.unique(after)) <= {0, 1, 2}
    image = plot.image.image
    assert image.shape == (100, 100, 3) and tuple(plot.image.getLevels()) == (0, 255)


def test_the_boundary_is_not_recomputed_for_the_same_weights(shown, trainer, monkeypatch):
    plot = shown(BoundaryPlot())
    plot.show_snapshot(trainer.snapshot())
    calls = []
    monkeypatch.setattr(trainer, "predict", lambda X: calls.append(X) or np.zeros((len(X), 3)))

    trainer.step_phase()  # forward: the weights stay the same
    plot.show_snapshot(trainer.snapshot())

    assert calls == []


def test_the_boundary_keeps_its_model_and_shows_each_snapshots_weights(shown, trainer, monkeypatch):
    built = []
    build = boundary_plot.build_model
    monkeypatch.setattr(boundary_plot, "build_model", lambda spec: built.append(spec) or build(spec))
    plot = shown(BoundaryPlot())
    images = []
    for _ in range(3):
        trainer.run(50)
        plot.show_snapshot(trainer.snapshot())
        fresh = shown(BoundaryPlot())   # builds its own model from the snapshot
        fresh.show_snapshot(trainer.snapshot())
        assert np.array_equal(plot.boundary_image(), fresh.boundary_image())
        images.append(plot.boundary_image().copy())
    assert (images[0] != images[-1]).mean() > 0.01   # the regions moved: the new weights are shown
    assert len(built) == 1 + 3   # the plot's one model for the spec, and one per fresh plot


def test_clicks_add_a_point_of_the_chosen_class_and_remove_the_nearest(shown, qtbot, trainer):
    plot = shown(BoundaryPlot())
    plot.show_snapshot(trainer.snapshot())
    ds = trainer.dataset
    plot.class_selector.setCurrentIndex(2)

    with qtbot.waitSignal(plot.sig_dataset_edited) as added:
        click(qtbot, plot, 0.3, -0.4, Qt.MouseButton.LeftButton)
    new = added.args[0]
    assert new.n_train == ds.n_train + 1
    assert np.bincount(new.y_train)[2] == np.bincount(ds.y_train)[2] + 1
    assert np.allclose(new.X_train[-1], [0.3, -0.4], atol=0.03)
    assert new.n_val == ds.n_val and new.class_names == ds.class_names

    target = ds.X_train[7]
    with qtbot.waitSignal(plot.sig_dataset_edited) as removed:
        click(qtbot, plot, *target, Qt.MouseButton.RightButton)
    newer = removed.args[0]
    assert newer.n_train == new.n_train - 1
    label = ds.y_train[7]
    assert np.bincount(newer.y_train, minlength=3)[label] == np.bincount(new.y_train)[label] - 1
    assert not any(np.allclose(row, target) for row in newer.X_train)


def test_removing_the_nearest_point_can_take_a_validation_point(shown, qtbot, trainer):
    plot = shown(BoundaryPlot())
    plot.show_snapshot(trainer.snapshot())
    ds = trainer.dataset
    with qtbot.waitSignal(plot.sig_dataset_edited) as removed:
        plot.remove_point_near(*ds.X_val[0])
    assert removed.args[0].n_val == ds.n_val - 1 and removed.args[0].n_train == ds.n_train


def test_the_boundary_tab_explains_itself_for_data_that_is_not_2d(shown):
    trainer = build_trainer(TrainerConfig(dataset="digits", model="softmax"))
    plot = shown(BoundaryPlot())
    plot.show_snapshot(trainer.snapshot())

    assert plot.stack.currentWidget() is plot.message
    assert "2-D" in plot.message.text() and "64 features" in plot.message.text()
    assert plot.boundary_image() is None


def test_weight_heat_maps_have_levels_symmetric_around_zero(shown, trainer):
    plot = shown(WeightsPlot())
    trainer.run(3)
    trainer.step_phase()
    trainer.step_phase()
    trainer.step_phase()  # backward: gradients exist
    snapshot = trainer.snapshot()
    plot.show_snapshot(snapshot)

    assert plot.selected() == ("param", "0.weight")
    low, high = plot.weights.levels()
    assert low == -high == pytest.approx(-np.abs(snapshot.parameters["0.weight"]).max())
    low, high = plot.gradient.levels()
    assert low == -high == pytest.approx(-np.abs(snapshot.gradients["0.weight"]).max())
    assert plot.weights.image.image.shape == (16, 2)

    plot.selector.setCurrentIndex(plot.selector.findData("param:4.bias"))
    assert plot.weights.image.image.shape == (3, 1)
    assert plot.weights.bar.levels() == plot.weights.levels()


def test_the_gradient_panel_is_empty_before_backward(shown, trainer):
    plot = shown(WeightsPlot())
    plot.show_snapshot(trainer.snapshot())
    assert plot.gradient.image.image is None
    assert "after backward" in plot.gradient.plot.titleLabel.text


def test_digit_class_templates_are_8x8_tiles(shown):
    trainer = build_trainer(TrainerConfig(dataset="digits", model="softmax"))
    trainer.run(2)
    plot = shown(WeightsPlot())
    plot.show_snapshot(trainer.snapshot())

    assert plot.selected() == ("tiles", "0.weight")
    assert "class templates" in plot.selector.currentText()
    tiles = plot.weights.image.image
    weight = trainer.model.state_dict()["0.weight"]
    assert np.isnan(tiles).sum() == tiles.size - weight.size  # gaps between 10 tiles of 64
    assert np.allclose(tiles[3:11, 0:8], weight[0].reshape(8, 8))  # below the label space
    assert [label.toPlainText() for label in plot.weights.labels] == [str(k) for k in range(10)]


def test_gradient_norms_one_curve_per_parameter_on_a_log_axis(shown, trainer):
    plot = shown(GradNormPlot())
    trainer.run(10)
    plot.show_snapshot(trainer.snapshot())

    assert list(plot.curves) == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]
    x, y = plot.curves["2.weight"].getOriginalDataset()
    assert list(x) == trainer.history["iteration"]
    assert np.allclose(y, trainer.history["grad_norm/2.weight"])
    assert plot.plot.getPlotItem().getAxis("left").logMode

    svm = build_trainer(TrainerConfig(model="svm", loss="hinge"))
    svm.run(2)
    plot.show_snapshot(svm.snapshot())
    assert list(plot.curves) == ["0.weight", "0.bias"]
    assert len(plot.plot.getPlotItem().legend.items) == 2


def test_a_click_on_a_point_adds_another_there(shown, qtbot, trainer):
    plot = shown(BoundaryPlot())
    plot.show_snapshot(trainer.snapshot())
    x, y = trainer.dataset.X_train[3]
    with qtbot.waitSignal(plot.sig_dataset_edited) as added:
        click(qtbot, plot, x, y, Qt.MouseButton.LeftButton)
    assert added.args[0].n_train == trainer.dataset.n_train + 1


def click(qtbot, plot, x, y, button):
    """A real mouse click at data coordinates (x, y)."""
    view_box = plot.plot.getPlotItem().getViewBox()
    scene_point = view_box.mapViewToScene(QPointF(x, y))
    widget_point = plot.plot.mapFromScene(scene_point)
    qtbot.mouseClick(plot.plot.viewport(), button, pos=widget_point)
