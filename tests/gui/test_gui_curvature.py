"""The curvature panel in the window: computed on request or every k iterations, λ_max against 2/η in words."""
import numpy as np
from PySide6.QtWidgets import QWidget

from core.training.curvature import sharpness


def curvature_shown(qtbot, window):
    window.curvature_dock.show()
    window.curvature_dock.raise_()
    qtbot.waitUntil(lambda: window._shown.get(window.curvature_dock, False))
    return window.curvature_panel


def train(window, n):
    window.app_model.run("Train", lambda t: t.run(n))
    window.redraw.flush()


def test_the_panel_is_a_dock_on_the_view_menu(window):
    assert window.findChild(QWidget, "curvature_plot") is window.curvature_panel.plot
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert window.curvature_dock.toggleViewAction() in view.actions()


def test_compute_on_request_draws_the_slice_tangent_parabola_and_the_learning_rate(qtbot, window):
    panel = curvature_shown(qtbot, window)
    train(window, 20)
    assert panel.report is None                      # nothing is computed unasked
    panel.compute_button.click()
    window.redraw.flush()

    report, plot = panel.report, panel.plot
    assert report.iteration == 20 and report.kind == "gradient"
    ts, losses = plot.loss_curve.getOriginalDataset()
    assert len(ts) == 41 and np.allclose(losses, report.losses)
    _, tangent = plot.tangent.getOriginalDataset()
    assert np.allclose(tangent, report.loss + ts * report.first)
    _, parabola = plot.parabola.getOriginalDataset()
    assert np.allclose(parabola, report.loss + ts * report.first + 0.5 * ts**2 * report.second)
    x, _ = plot.lands.getOriginalDataset()
    assert list(x) == [window.trainer.lr]
    assert "t = η" in plot.slice_caption.text() and "one JVP" in plot.slice_caption.text()
    assert "is below 2/η" in plot.stability_caption.text()
    assert report.sharpness == sharpness(window.trainer)


def test_the_panel_says_when_lambda_max_crosses_two_over_eta(qtbot, window):
    panel = curvature_shown(qtbot, window)
    train(window, 10)
    panel.compute()
    lam = panel.report.sharpness
    window.app_model.apply_live("lr", 1.05 * 2 / lam)   # just over 2/λ_max
    panel.compute()
    window.redraw.flush()
    words = panel.plot.stability_caption.text()
    assert "is above 2/η" in words and "oscillates and diverges" in words
    assert "crossed at iteration 10" in words
    _, thresholds = panel.plot.threshold_curve.getOriginalDataset()
    assert thresholds[-1] < lam                         # the line 2/η is drawn where it now is
    window.app_model.apply_live("lr", 0.95 * 2 / lam)   # and just under
    panel.compute()
    window.redraw.flush()
    assert "is below 2/η" in panel.plot.stability_caption.text()


def test_every_k_iterations_while_the_dock_is_shown(qtbot, window):
    panel = curvature_shown(qtbot, window)
    panel.every.setValue(5)
    panel.auto.setChecked(True)
    for _ in range(3):
        train(window, 5)
    assert panel.series["iteration"] == [5, 10, 15]
    window.loss_dock.raise_()                           # tabbed away: no computing
    qtbot.waitUntil(lambda: not window._shown.get(window.curvature_dock, True))
    train(window, 10)
    assert panel.series["iteration"] == [5, 10, 15]


def test_errors_go_through_the_error_path_and_reset_starts_over(qtbot, window, dialogs):
    panel = curvature_shown(qtbot, window)
    panel.direction.setCurrentIndex(panel.direction.findData("update"))
    assert not panel.compute()
    assert dialogs.shown[-1][:2] == ("critical", "Curvature failed")
    assert "no update step yet" in dialogs.shown[-1][2]
    train(window, 3)
    assert panel.compute() and panel.report.kind == "update"
    window.app_model.reset()
    assert panel.report is None and panel.series["iteration"] == []
