"""Colours and plot defaults shared by the plot widgets, and the theme's colours and fonts for them.

Axes never rescale with an SI prefix (a log axis reading "(x0.001)" makes 0.1 look like 100), and
legends sit below the data, where they cover nothing.
"""
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView

BACKGROUND = "w"
FOREGROUND = "#303030"
TRAIN_COLOR = "#1f5fa8"
VAL_COLOR = "#e07b00"
# Tableau 10: distinguishable, and still tellable apart by most colour-blind viewers.
_PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
            "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
LEFT_LABEL_ROOM = 5  # pixels
DIVERGING = "CET-D1"  # blue (negative) – white (0) – red (positive)
_current = {"foreground": FOREGROUND, "background": BACKGROUND, "font": None}
SAMPLES_PER_PIXEL = 2.0   # of a long curve's width, drawn (``to_screen``)
LEGEND_ROW = 4   # PlotItem's layout: 0 title, 1 top axis, 2 view, 3 bottom axis; the legend below


def foreground():
    """The current theme's plot text colour."""
    return _current["foreground"]


def class_colors(n):
    """n RGB colours (uint8, n×3), one per class; cycles past ten classes."""
    return np.array([pg.mkColor(_PALETTE[k % len(_PALETTE)]).getRgb()[:3] for k in range(n)],
                    dtype=np.uint8)


def region_colors(n, strength=0.35):
    """Tints of the class colours towards the plot background for class regions (pale on a light
    theme, dark on a dark one), so points drawn on top stand out."""
    background = np.array(pg.mkColor(_current["background"]).getRgb()[:3], dtype=float)
    tint = strength * class_colors(n) + (1 - strength) * background
    return np.round(tint).astype(np.uint8)


def series_color(k):
    """The k-th colour for a series of curves."""
    return _PALETTE[k % len(_PALETTE)]


def make_plot(left="", bottom="", title=None, axis_items=None):
    """A PlotWidget with a light background, dark axes, horizontal grid lines and no right-click menu."""
    # no menus at all: pyqtgraph builds the view's menu (5 ms) unless told so when it is made
    widget = pg.PlotWidget(background=_current["background"], axisItems=axis_items, enableMenu=False)
    # a redraw changes the curves, and now and then an axis: one rect around them paints faster
    # than their exact union, which every curve is clipped to (pyqtgraph's default; measured: up to
    # a tenth of a plot's redraw)
    widget.setViewportUpdateMode(QGraphicsView.BoundingRectViewportUpdate)
    item = widget.getPlotItem()
    item.hideButtons()
    item.showGrid(y=True, alpha=0.15)  # vertical grid lines too cost a redraw of each frame
    # pyqtgraph puts the left axis label 5 px outside its axis, flush with the view's edge, where
    # the tops of the glyphs ("‖", "d", "(") are cut: leave them room
    item.layout.setContentsMargins(LEFT_LABEL_ROOM, 1, 1, 1)
    for name in ("left", "bottom"):
        # kept as a pixmap: a redraw of the curves under the left axis' grid lines would otherwise
        # replay its ticks, labels and grid (a third of a loss plot's redraw while the ranges stay)
        item.getAxis(name).setCacheMode(QGraphicsItem.DeviceCoordinateCache)
    style_axes(item)
    if left:
        item.setLabel("left", left)
    if bottom:
        item.setLabel("bottom", bottom)
    if title:
        item.setTitle(title, color=_current["foreground"])
    return widget


def run_steps(steps, stepwise):
    """A plot's construction ``steps`` (a generator that yields after each costly part, 5–20 ms of
    pyqtgraph each): run to the end now, or, when ``stepwise``, handed back for the caller to run one
    per turn of the event loop (``gui.plot_docks``) before the plot is used."""
    if stepwise:
        return steps
    for _ in steps:
        pass
    return iter(())


def style_axes(plot_item):
    """Axes in the theme's colour, with true values on the ticks (no SI-prefix rescaling)."""
    for name in ("left", "bottom", "right", "top"):
        axis = plot_item.getAxis(name)
        # no range enables a prefix: pyqtgraph would otherwise still pick one for a 0…1 range
        # (×1000, "m") when the label is shown and keep it after the range grows
        axis.setSIPrefixEnableRanges(())
        axis.enableAutoSIPrefix(False)
        axis.setPen(_current["foreground"])
        axis.setTextPen(_current["foreground"])
        if _current["font"] is not None:
            axis.setTickFont(_current["font"])
            axis.label.setFont(_current["font"])


def add_legend(plot_item, columns=3):
    """A compact legend under the plot (outside the data), its entries in ``columns`` columns;
    curves plotted with a ``name`` join it."""
    legend = pg.LegendItem(offset=None, labelTextColor=_current["foreground"], labelTextSize="9pt",
                           verSpacing=-6, horSpacing=12, colCount=columns)
    plot_item.layout.addItem(legend, LEGEND_ROW, 1)
    plot_item.legend = legend
    return legend


def to_screen(curve):
    """``curve`` (of a plot downsampled by peaks) drawn from about SAMPLES_PER_PIXEL samples per
    pixel of its width, and ``curve`` returned."""
    # pyqtgraph keeps five samples a pixel; a pixel column's peaks (its min and max) are all a line
    # shows of them, and drawing the thick curves was most of a plot's 20 ms redraw while playing
    curve.opts["autoDownsampleFactor"] = SAMPLES_PER_PIXEL
    return curve


def show_points_when_single(curve, n_points, pen):
    """A curve of a single point has no line to draw: mark its points then, so it shows."""
    single = n_points == 1
    if (curve.opts.get("symbol") is not None) != single:
        curve.setSymbol("o" if single else None)
        curve.setSymbolPen(pen)
        curve.setSymbolBrush(pen.color())
        curve.setSymbolSize(6)


def title_size():
    """The point size of plot titles: the theme's font size (9 pt before a theme is applied)."""
    font = _current["font"]
    return "9pt" if font is None else f"{font.pointSizeF():.3g}pt"


NICE = (1, 1.5, 2, 3, 4, 5, 6, 8, 10)   # × 10ᵏ: where an iteration axis ends
Y_MARGIN = 0.1   # of the data's height, above and below it, when the y range is set again


def nice_end(last):
    """The first of 1, 1.5, 2, 3, 4, 5, 6, 8 × 10ᵏ at or past ``last`` (1 for anything ≤ 1)."""
    if last <= 1:
        return 1
    scale = 10.0 ** math.floor(math.log10(last))
    return next(m * scale for m in NICE if m * scale >= last)


def last_iteration(history):
    """The last iteration in ``history`` (0 when empty)."""
    iterations = history["iteration"]
    return iterations[-1] if len(iterations) else 0


class FollowData:
    """Keeps live plots' ranges still while they follow the data, so that their axes keep their
    ticks for many redraws: a range that moves lays out every tick label again, and pyqtgraph's
    auto-range moved both axes at every redraw while playing (a third of a loss plot's cost).

    x (iterations; the first plot's, the others x-linked to it): 0…``nice_end`` of the last
    iteration, so the curves fill two thirds of the width or more. y (with ``y``; the first plot's):
    the data's range and a margin of ``Y_MARGIN``, set again only once the data leave it or fill
    less than half of it. A pan or zoom with the mouse stops the following of that axis until
    ``reset``."""

    def __init__(self, *plot_items, y=False):
        self.item = plot_items[0]
        self.item.enableAutoRange(x=False, y=False if y else None)
        self.y = y
        self.follows = [True, y]
        self.end = None
        for item in plot_items:
            item.getViewBox().sigRangeChangedManually.connect(self._moved)

    def _moved(self, axes):
        self.follows = [f and not moved for f, moved in zip(self.follows, axes)]

    def show(self, last):
        """The data now end at iteration ``last``."""
        end = nice_end(last)
        if self.follows[0] and end != self.end:
            self.end = end
            self.item.setXRange(0, end)   # (pyqtgraph's padding for the view's size, as auto-range)
        self.fit_y()

    def fit_y(self, again=False):
        """The y range around the data, if they left it or fill less than half of it and the user
        has not moved it; ``again``: in any case, as after a change of the axis' scale (which
        leaves a range the user chose meaningless as well)."""
        if not self.y or not (self.follows[1] or again):
            return
        view = self.item.getViewBox()
        low, high = view.childrenBounds()[1] or (None, None)
        if low is None or not (math.isfinite(low) and math.isfinite(high)):
            return
        shown_low, shown_high = view.viewRange()[1]
        if again or low < shown_low or high > shown_high or high - low < (shown_high - shown_low) / 2:
            margin = Y_MARGIN * (high - low) or 0.5 * max(abs(high), 1.0)
            self.item.setYRange(low - margin, high + margin, padding=0)

    def reset(self):
        """Follow the data again (a rebuild: no old span kept)."""
        self.follows, self.end = [True, self.y], None


def set_plot_theme(theme, font):
    """Plots made from now on, and region tints, in ``theme``'s colours and ``font`` (then
    ``apply_current_theme`` recolours those already made)."""
    _current.update(foreground=theme.plot_foreground, background=theme.plot_background, font=font)


def apply_current_theme(view):
    """Background, axes, titles and legends of every plot in ``view`` (a pyqtgraph GraphicsView)
    in the current theme's colours and font."""
    view.setBackground(_current["background"])
    size = title_size()
    for item in view.scene().items():
        if isinstance(item, pg.PlotItem):
            style_axes(item)
            if item.titleLabel.text:
                item.setTitle(item.titleLabel.text, color=_current["foreground"], size=size)
            legend = getattr(item, "legend", None)
            if legend is not None:
                legend.setLabelTextColor(_current["foreground"])
                legend.setLabelTextSize(size)
                for _, label in legend.items:
                    label.setText(label.text)   # the new colour and size show once re-rendered
        elif isinstance(item, pg.ColorBarItem):
            style_axes(item)


def apply_theme_to(widget):
    """Every plot inside ``widget`` (a plot made just now) in the current theme, as a theme switch
    would have left it (``set_plot_theme`` has been called)."""
    for view in widget.findChildren(pg.GraphicsView):
        apply_current_theme(view)


class DecadeAxis(pg.AxisItem):
    """A log axis that labels only the powers of ten once the range spans two of them."""

    def logTickValues(self, minVal, maxVal, size, stdTicks):
        decades = [float(v) for v in range(math.ceil(minVal), math.floor(maxVal) + 1)]
        if len(decades) < 2:
            return super().logTickValues(minVal, maxVal, size, stdTicks)
        minor = [v + math.log10(m) for v in range(math.floor(minVal), math.ceil(maxVal))
                 for m in range(2, 10)]
        return [(1.0, decades), (None, [v for v in minor if minVal < v < maxVal])]
