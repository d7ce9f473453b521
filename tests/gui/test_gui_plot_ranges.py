"""Live plots keep their ranges still while they follow the data (``gui.plots.style.FollowData``):
the iteration axis ends at a round number, the y range moves only when the data leave it."""
import dataclasses
import math

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from gui.plots import GradNormPlot, LossPlot
from gui.plots.style import nice_end

Snapshot = dataclasses.make_dataclass("Snapshot", ["history"])


def history(n, low=0.5, high=1.0):
    t = np.arange(1, n + 1, dtype=float)
    loss = np.linspace(high, low, n)
    val = t[9::10]
    return {"iteration": t, "train_loss": loss, "data_loss": loss * 0.9, "reg_loss": loss * 0.1,
            "train_acc": 1 - loss / 2, "val_iteration": val, "val_loss": loss[9::10],
            "val_acc": 1 - loss[9::10] / 2, "grad_norm/0.weight": loss * 3, "grad_norm/0.bias": loss}


def x_range(plot_item):
    return tuple(plot_item.viewRange()[0])


def y_range(plot_item):
    return tuple(plot_item.viewRange()[1])


@pytest.mark.parametrize("last, end", [(0, 1), (1, 1), (4, 4), (7, 8), (9, 10), (10, 10), (11, 15),
                                       (1001, 1500), (2000, 2000), (2001, 3000), (8001, 10000)])
def test_the_iteration_axis_ends_at_the_next_round_number(last, end):
    assert nice_end(last) == pytest.approx(end)


def test_the_loss_plot_keeps_its_x_range_until_the_data_pass_its_end(shown):
    plot = shown(LossPlot())
    item = plot.loss_plot.getPlotItem()
    plot.show_snapshot(Snapshot(history(1040)))
    first = x_range(item)
    assert first[0] <= 0 and 1500 <= first[1] <= 1.1 * 1500   # 0…1500, and pyqtgraph's padding
    assert x_range(plot.acc_plot.getPlotItem()) == pytest.approx(first)   # linked
    plot.show_snapshot(Snapshot(history(1490)))
    assert x_range(item) == first
    plot.show_snapshot(Snapshot(history(1510)))
    assert 2000 <= x_range(item)[1] <= 1.1 * 2000


def test_the_loss_plot_moves_its_y_range_only_when_the_data_leave_it_or_shrink_in_it(shown):
    plot = shown(LossPlot())
    item = plot.loss_plot.getPlotItem()
    plot.show_snapshot(Snapshot(history(200, low=0.5)))
    first = y_range(item)
    assert first[0] < 0.05 and first[1] > 1.0   # reg_loss (a tenth) to train_loss, with a margin
    plot.show_snapshot(Snapshot(history(300, low=0.45)))   # still inside: unchanged
    assert y_range(item) == first
    plot.show_snapshot(Snapshot(history(400, high=1.6)))   # above it: widened around the data
    assert y_range(item)[1] > 1.6
    plot.show_snapshot(Snapshot(history(500, low=0.2, high=0.3)))   # fills far less than half: narrowed
    low, high = y_range(item)
    assert low < 0.02 and 0.3 < high < 0.5


def test_a_mouse_zoom_stops_the_following_until_the_plot_is_cleared(shown):
    plot = shown(LossPlot())
    item = plot.loss_plot.getPlotItem()
    plot.show_snapshot(Snapshot(history(100)))
    view = plot.loss_plot.viewport()
    centre = view.rect().center()
    wheel = QWheelEvent(QPointF(centre), QPointF(view.mapToGlobal(centre)), QPoint(0, 0), QPoint(0, 240),
                        Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase, False)
    QApplication.sendEvent(view, wheel)
    zoomed = x_range(item), y_range(item)
    assert zoomed[0][1] < 100   # zoomed in
    plot.show_snapshot(Snapshot(history(900, low=0.1)))
    assert (x_range(item), y_range(item)) == zoomed   # the user's view stays
    plot.clear()
    plot.show_snapshot(Snapshot(history(900, low=0.1)))
    assert 1000 <= x_range(item)[1] <= 1100 and y_range(item)[0] < 0.01


def test_the_log_scale_fits_the_y_range_to_the_logarithms_at_once(shown):
    plot = shown(LossPlot())
    item = plot.loss_plot.getPlotItem()
    plot.show_snapshot(Snapshot(history(100, low=0.01, high=2.0)))
    plot.set_log_scale(True)
    low, high = y_range(item)   # log10 of 0.001 (the smallest reg_loss) … log10 of 2
    assert low < math.log10(0.001) and math.log10(2.0) < high < 1.5
    plot.set_log_scale(False)
    low, high = y_range(item)
    assert low < 0.001 and 2.0 < high < 2.5


def test_a_change_of_scale_fits_the_y_range_even_after_a_zoom(shown):
    plot = shown(LossPlot())
    item = plot.loss_plot.getPlotItem()
    plot.show_snapshot(Snapshot(history(100, low=0.01, high=2.0)))
    item.getViewBox().sigRangeChangedManually.emit([False, True])   # as a drag of the y axis does
    item.setYRange(5.0, 6.0)
    plot.set_log_scale(True)
    low, high = y_range(item)
    assert low < math.log10(0.001) and math.log10(2.0) < high < 1.5


def test_the_gradient_norm_plot_follows_the_same_way(shown):
    plot = shown(GradNormPlot())
    item = plot.plot.getPlotItem()
    plot.show_snapshot(Snapshot(history(45)))
    first = x_range(item), y_range(item)
    assert 50 <= first[0][1] <= 55
    plot.show_snapshot(Snapshot(history(48)))
    assert (x_range(item), y_range(item)) == first
