"""Colours and plot defaults shared by the plot widgets (light plots read well on a projector)."""
import math

import numpy as np
import pyqtgraph as pg

BACKGROUND = "w"
FOREGROUND = "#303030"
TRAIN_COLOR = "#1f5fa8"
VAL_COLOR = "#e07b00"
# Tableau 10: distinguishable, and still tellable apart by most colour-blind viewers.
_PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
            "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
LEFT_LABEL_ROOM = 5  # pixels
DIVERGING = "CET-D1"  # blue (negative) – white (0) – red (positive)


def class_colors(n):
    """n RGB colours (uint8, n×3), one per class; cycles past ten classes."""
    return np.array([pg.mkColor(_PALETTE[k % len(_PALETTE)]).getRgb()[:3] for k in range(n)],
                    dtype=np.uint8)


def region_colors(n, strength=0.35):
    """Pale tints of the class colours for class regions, so points drawn on top stand out."""
    tint = strength * class_colors(n) + (1 - strength) * 255.0
    return np.round(tint).astype(np.uint8)


def series_color(k):
    """The k-th colour for a series of curves."""
    return _PALETTE[k % len(_PALETTE)]


def make_plot(left="", bottom="", title=None, axis_items=None):
    """A PlotWidget with a light background, dark axes, horizontal grid lines and no right-click menu."""
    widget = pg.PlotWidget(background=BACKGROUND, axisItems=axis_items)
    item = widget.getPlotItem()
    item.setMenuEnabled(False)
    item.hideButtons()
    item.showGrid(y=True, alpha=0.15)  # vertical grid lines too cost a redraw of each frame
    # pyqtgraph puts the left axis label 5 px outside its axis, flush with the view's edge, where
    # the tops of the glyphs ("‖", "d", "(") are cut: leave them room
    item.layout.setContentsMargins(LEFT_LABEL_ROOM, 1, 1, 1)
    style_axes(item)
    if left:
        item.setLabel("left", left)
    if bottom:
        item.setLabel("bottom", bottom)
    if title:
        item.setTitle(title, color=FOREGROUND)
    return widget


def style_axes(plot_item):
    for name in ("left", "bottom", "right", "top"):
        axis = plot_item.getAxis(name)
        axis.setPen(FOREGROUND)
        axis.setTextPen(FOREGROUND)


def add_legend(plot_item, bottom=False, columns=1):
    """A compact legend in the top (or bottom) right corner, readable over grid lines."""
    legend = plot_item.addLegend(offset=(-6, -6 if bottom else 6), labelTextColor=FOREGROUND,
                                 labelTextSize="8pt", verSpacing=-6, horSpacing=12,
                                 brush=pg.mkBrush(255, 255, 255, 210), pen=pg.mkPen("#c0c0c0"))
    legend.setColumnCount(columns)
    return legend


class DecadeAxis(pg.AxisItem):
    """A log axis that labels only the powers of ten once the range spans two of them."""

    def logTickValues(self, minVal, maxVal, size, stdTicks):
        decades = [float(v) for v in range(math.ceil(minVal), math.floor(maxVal) + 1)]
        if len(decades) < 2:
            return super().logTickValues(minVal, maxVal, size, stdTicks)
        minor = [v + math.log10(m) for v in range(math.floor(minVal), math.ceil(maxVal))
                 for m in range(2, 10)]
        return [(1.0, decades), (None, [v for v in minor if minVal < v < maxVal])]
