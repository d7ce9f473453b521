"""The loss along a direction with its tangent and parabola, and the sharpness λ_max against 2/η.

It draws ``CurvatureReport``s (``core.training.curvature``) it is given; it computes nothing.
"""
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from core.training.curvature import DIRECTIONS

from . import sizes
from .style import FOREGROUND, TRAIN_COLOR, add_legend, make_plot, run_steps

LOSS_PEN = pg.mkPen(TRAIN_COLOR, width=2)
TANGENT_PEN = pg.mkPen("#7f7f7f", width=1.5, style=Qt.PenStyle.DashLine)
PARABOLA_PEN = pg.mkPen("#2ca02c", width=1.5, style=Qt.PenStyle.DashLine)
ALARM = "#d62728"
THRESHOLD_PEN = pg.mkPen(ALARM, width=1.5, style=Qt.PenStyle.DashLine)
LANDS = {"gradient": "one plain gradient-descent step θ − η∇L lands (t = η)",
         "update": "the last update step, taken again, lands (t = 1)",
         "random": "a step as long as gradient descent's lands (t = η)"}


def slice_words(report):
    """The caption under the slice: the direction, the derivatives and where η lands."""
    words = (f"Along the {DIRECTIONS[report.kind].lower()} d at iteration {report.iteration}: "
             f"L(θ) = {report.loss:.4g}, slope ∇L·d = {report.first:.3g} (one JVP), "
             f"curvature dᵀHd = {report.second:.3g} (one HVP). The red diamond at t = {report.lr_t:.3g} "
             f"is where {LANDS[report.kind]}: L = {report.lr_loss:.4g}.")
    if report.second > 0:
        words += f" The parabola's minimum is at t = −∇L·d / dᵀHd = {-report.first / report.second:.3g}."
    return words


def stability_words(report, crossed_at=None):
    """What λ_max against 2/η means for plain gradient descent, in words."""
    lam, threshold, lr = report.sharpness, report.threshold, report.lr
    if not math.isfinite(lam):
        return "λ_max is not finite: the model has diverged (reset to continue)."
    factor = 1 - lr * lam
    if lam > threshold:
        since = f" (it crossed at iteration {crossed_at})" if crossed_at is not None else ""
        words = (f"λ_max = {lam:.4g} is above 2/η = {threshold:.4g}{since}: plain gradient descent "
                 f"with η = {lr:.4g} oscillates and diverges along the sharpest direction; each step "
                 f"multiplies the error there by 1 − ηλ_max = {factor:.3g}, more than 1 in size. "
                 f"It is stable for η < 2/λ_max = {2 / lam:.4g}.")
    else:
        settles = ", flipping its sign: it oscillates but settles" if factor < 0 else ""
        words = (f"λ_max = {lam:.4g} is below 2/η = {threshold:.4g}: plain gradient descent with "
                 f"η = {lr:.4g} is stable along the sharpest direction; each step multiplies the "
                 f"error there by 1 − ηλ_max = {factor:.3g}{settles}.")
    if not report.plain:
        words += (" (The 2/η rule is for plain gradient descent; momentum, weight decay and "
                  "adaptive steps move the threshold.)")
    return words


def threshold_steps(iterations, thresholds):
    """(x, y) of 2/η as steps over training: each computed value back to the one before (from 0),
    since η may have changed in between."""
    xs, ys, start = [], [], 0
    for iteration, threshold in zip(iterations, thresholds):
        xs += [start, iteration]
        ys += [threshold, threshold]
        start = iteration
    return xs, ys


class CurvaturePlot(QWidget):
    """Top: L(θ + t·d), its tangent line and parabola, and where η lands. Bottom: λ_max over
    training with 2/η. Captions in words under each. ``stepwise``: built by running ``steps``
    (see ``style.run_steps``)."""

    def __init__(self, parent=None, *, stepwise=False):
        super().__init__(parent)
        self.setObjectName("curvature_plot")
        self.setAutoFillBackground(True)  # opaque: nothing of a dock area behind shows through
        self.setMinimumSize(*sizes.CURVATURE)
        self.steps = run_steps(self._build(), stepwise)

    def _build(self):
        """The two plots, a step each, then their curves and captions (see ``style.run_steps``)."""
        self.slice_plot = make_plot(left="loss", bottom="t  (θ + t·d)")
        yield
        self.sharp_plot = make_plot(left="λ_max", bottom="iteration")
        yield
        for plot in (self.slice_plot, self.sharp_plot):
            for name in ("left", "bottom"):
                plot.getPlotItem().getAxis(name).enableAutoSIPrefix(False)  # t = 0.001 is no "m"
        item = self.slice_plot.getPlotItem()
        add_legend(item, columns=3)
        self.loss_curve = item.plot([], [], name="L(θ + t·d)", pen=LOSS_PEN)
        self.tangent = item.plot([], [], name="tangent (JVP)", pen=TANGENT_PEN)
        self.parabola = item.plot([], [], name="parabola (HVP)", pen=PARABOLA_PEN)
        self.here = item.plot([], [], name="θ", pen=None, symbol="o", symbolSize=8,
                              symbolBrush=FOREGROUND, symbolPen=None)
        self.lands = item.plot([], [], name="η step", pen=None, symbol="d", symbolSize=12,
                               symbolBrush=ALARM, symbolPen=None)
        yield
        item = self.sharp_plot.getPlotItem()
        self.sharp_curve = item.plot([], [],
                                     pen=pg.mkPen(TRAIN_COLOR, width=1.5), symbol="o", symbolSize=5,
                                     symbolBrush=TRAIN_COLOR, symbolPen=None)
        self.threshold_curve = item.plot([], [], pen=THRESHOLD_PEN)
        self.threshold_label = pg.TextItem("2/η", color=ALARM, anchor=(1, 0))  # named on the line itself
        item.addItem(self.threshold_label)
        self.slice_caption, self.stability_caption = QLabel(), QLabel()
        self.stability_caption.setObjectName("curvature_words")
        for label in (self.slice_caption, self.stability_caption):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.stability_caption.setStyleSheet(f"color: {FOREGROUND};")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.slice_plot, 3)
        layout.addWidget(self.slice_caption)
        layout.addWidget(self.sharp_plot, 2)
        layout.addWidget(self.stability_caption)
        self.clear()

    def show_report(self, report, series, crossed_at=None):
        """Draw ``report`` and the sharpness ``series`` {"iteration", "sharpness", "threshold"}."""
        ts = report.ts
        self.loss_curve.setData(ts, report.losses)
        self.tangent.setData(ts, report.loss + ts * report.first)
        self.parabola.setData(ts, report.loss + ts * report.first + 0.5 * ts**2 * report.second)
        self.here.setData([0.0], [report.loss])
        self.lands.setData([report.lr_t], [report.lr_loss])
        finite = report.losses[np.isfinite(report.losses)]
        if finite.size:  # the range of the loss itself: tangent and parabola leave it where they part
            low, high = float(finite.min()), float(finite.max())
            pad = max(high - low, 1e-12 * max(abs(high), 1.0))
            self.slice_plot.setYRange(low - 0.1 * pad, high + 0.8 * pad, padding=0)  # the legend's room
            self.slice_plot.setXRange(float(ts[0]), float(ts[-1]), padding=0.02)
        self.sharp_curve.setData(series["iteration"], series["sharpness"])
        self.threshold_curve.setData(*threshold_steps(series["iteration"], series["threshold"]))
        values = [v for v in (*series["sharpness"], *series["threshold"]) if math.isfinite(v)]
        if values:  # from 0, so that λ_max and 2/η compare by height
            self.sharp_plot.setYRange(min(0.0, *values), max(values), padding=0.1)
            self.sharp_plot.setXRange(0, max(series["iteration"][-1], 1), padding=0.04)
        self.threshold_label.setPos(series["iteration"][-1], series["threshold"][-1])
        self.slice_caption.setText(slice_words(report))
        above = math.isfinite(report.sharpness) and report.sharpness > report.threshold
        self.stability_caption.setText(stability_words(report, crossed_at))
        self.stability_caption.setStyleSheet(f"color: {ALARM if above else FOREGROUND};"
                                             f"font-weight: {'bold' if above else 'normal'};")

    def clear(self):
        """Empty the plots (a new trainer, a reset) and say how to fill them."""
        for curve in (self.loss_curve, self.tangent, self.parabola, self.here, self.lands,
                      self.sharp_curve, self.threshold_curve):
            curve.setData([], [])
        self.slice_caption.setText("Press Compute to see the loss along a direction at the current "
                                   "parameters, on the batch the next update uses.")
        self.stability_caption.setText("")
