"""The plot docks: room for the plots before the first paint, the plots built a step at a time after
it (the shown ones first), a dock shown early getting its plot at once, and the collector paused
for the start-up."""
import gc
import subprocess
import sys
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtGui import QAction

from gui.plots import sizes
from gui.theme import DARK

ROOT = Path(__file__).resolve().parents[2]


def _shown_window(qtbot, raised=()):
    from gui import MainWindow
    w = MainWindow()
    qtbot.addWidget(w)
    ready = []
    plot_ready = w.plot_ready
    w.plot_ready = lambda name, now=False: (ready.append(name), plot_ready(name, now))
    for dock in raised:
        getattr(w, dock).raise_()
    w.show()
    return w, ready


def test_the_window_opens_without_pyqtgraph_with_room_kept_for_each_plot():
    script = ("import sys; from PySide6.QtWidgets import QApplication; app = QApplication([]); "
              "from gui import MainWindow; w = MainWindow(); "
              "print('pyqtgraph' in sys.modules, [d.widget().minimumSize().toTuple() for d in "
              "(w.loss_dock, w.boundary_dock, w.weights_dock, w.gradnorm_dock)])")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, check=False, env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""})
    expected = [sizes.LOSS, sizes.BOUNDARY, sizes.WEIGHTS, sizes.GRADNORM]
    assert result.stdout.strip().splitlines()[-1] == f"False {expected}", result.stderr


def test_after_the_first_paint_the_plots_come_one_by_one_the_shown_ones_first(qtbot, dialogs):
    w, ready = _shown_window(qtbot)
    qtbot.waitUntil(lambda: w.plot_docks.built, timeout=30000)
    assert ready == ["loss", "boundary", "weights", "gradnorm", "curvature"]
    assert w.loss_dock.widget() is w.loss_plot and w.gradnorm_dock.widget() is w.gradnorm_plot
    assert w.loss_plot.minimumSize().toTuple() == sizes.LOSS   # the room it was kept
    assert w.curvature_panel.plot.minimumSize().toTuple() == sizes.CURVATURE


def test_a_tab_in_front_at_the_start_gets_its_plot_before_the_hidden_ones(qtbot, dialogs):
    w, ready = _shown_window(qtbot, raised=("gradnorm_dock", "weights_dock"))
    qtbot.waitUntil(lambda: w.plot_docks.built, timeout=30000)
    assert ready[:2] == ["weights", "gradnorm"]


def test_a_dock_shown_before_its_plot_is_made_gets_it_at_once_and_drawn(qtbot, dialogs):
    w, ready = _shown_window(qtbot)
    qtbot.waitUntil(lambda: w.plot_docks.ready("loss"), timeout=30000)
    assert not w.plot_docks.ready("weights")   # the boundary's steps come first
    w.weights_dock.raise_()                      # no turn of the event loop in between
    assert w.plot_docks.ready("weights") and w.weights_dock.widget() is w.weights_plot
    assert w.weights_plot.selector.count() > 0   # the snapshot is drawn in it already
    assert ready[-1] == "weights"


def test_a_plot_asked_for_early_is_made_there_and_then_once(qtbot, dialogs):
    from gui import MainWindow
    w = MainWindow()
    qtbot.addWidget(w)
    plot = w.curvature_panel.plot            # before any paint: made now, in its place
    assert w.plot_docks.ready("curvature") and not w.plot_docks.ready("loss")
    w.show()
    qtbot.waitUntil(lambda: w.plot_docks.built, timeout=30000)
    assert w.curvature_panel.plot is plot
    assert len(w.plot_widgets()) == 4


def test_plots_made_after_a_theme_switch_come_in_that_theme(qtbot, dialogs):
    from gui import MainWindow
    w = MainWindow()
    qtbot.addWidget(w)
    w.findChild(QAction, "action_theme_dark").trigger()   # before any plot exists
    w.show()
    qtbot.waitUntil(lambda: w.plot_docks.built, timeout=30000)
    for plot in (*w.plot_widgets(), w.curvature_panel.plot):
        for view in plot.findChildren(pg.GraphicsView):
            assert view.backgroundBrush().color().name().upper() == DARK.plot_background
    axis = w.gradnorm_plot.plot.getPlotItem().getAxis("left")
    assert axis.textPen().color().name().upper() == DARK.plot_foreground


def test_a_plot_made_step_by_step_is_the_plot_made_at_once():
    from gui.plots import LossPlot, WeightsPlot
    for cls in (LossPlot, WeightsPlot):
        at_once, stepwise = cls(), cls(stepwise=True)
        assert sum(1 for _ in stepwise.steps) >= 3
        assert [type(child).__name__ for child in stepwise.findChildren(object)] == \
               [type(child).__name__ for child in at_once.findChildren(object)]
    assert sorted(stepwise.weights.__dict__) == sorted(at_once.weights.__dict__)


def test_the_collector_paused_for_the_start_up_resumes_with_its_objects_frozen(qtbot, dialogs):
    from gui.app import show_window
    gc.disable()
    try:
        w = show_window()
        qtbot.addWidget(w)
        qtbot.waitUntil(gc.isenabled, timeout=30000)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.enable()
    w2 = show_window()   # not paused (tests, scripts): left as it is, nothing frozen
    qtbot.addWidget(w2)
    qtbot.waitUntil(lambda: w2.plot_docks.built, timeout=30000)
    assert gc.isenabled() and gc.get_freeze_count() == 0
