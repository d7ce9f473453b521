"""Heat maps of a parameter and its gradient; for image data, first-layer rows as small images."""
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from . import sizes
from .style import BACKGROUND, DIVERGING, foreground, run_steps, style_axes, title_size

_DIVERGING = pg.colormap.get(DIVERGING)   # read from its file at import (a background thread)
_GAP = 1  # pixels between tiles
_LABEL_SPACE = 3  # pixels above each row of tiles, for the class names


class WeightsPlot(QWidget):
    """A parameter and its gradient, side by side or stacked, colour levels symmetric around 0 (white).

    For square images (digits: 64 features = 8×8) the selector also offers the first
    weight matrix with each row drawn as an image: a linear model's class templates or an
    MLP's first-layer filters. ``stepwise``: built by running ``steps`` (see ``style.run_steps``).
    """

    def __init__(self, parent=None, *, stepwise=False):
        super().__init__(parent)
        self.setAutoFillBackground(True)  # opaque: nothing of a dock area behind shows through
        self.setMinimumSize(*sizes.WEIGHTS)
        self._side_by_side = None
        self._entries = []
        self._snapshot = None
        self._tile_names = ()
        self.steps = run_steps(self._build(), stepwise)

    def _build(self):
        """The two heat maps, two steps each, then the selector (see ``style.run_steps``)."""
        self.view = pg.GraphicsLayoutWidget()
        self.view.setBackground(BACKGROUND)
        self.weights = HeatMap(stepwise=True)
        yield from self.weights.steps
        yield
        self.gradient = HeatMap(stepwise=True)
        yield from self.gradient.steps
        yield
        self._arrange(side_by_side=True)
        self.selector = QComboBox()
        self.selector.setToolTip("The parameter to show")
        self.selector.setMinimumContentsLength(18)
        self.selector.currentIndexChanged.connect(self._on_selection)
        top = QHBoxLayout()
        top.addWidget(QLabel("Parameter:"))
        top.addWidget(self.selector, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)

    def selected(self):
        """("param", name) or ("tiles", name) for the current choice, or None."""
        data = self.selector.currentData()
        return None if data is None else tuple(data.split(":", 1))

    def show_snapshot(self, snapshot):
        """Draw ``snapshot`` now (the redraw scheduler decides when)."""
        self._snapshot = snapshot   # the one last drawn: another choice of parameter redraws it
        self._update_selector(list(snapshot.parameters), snapshot.dataset)
        if self.selected() is not None:
            self._show(*self.selected(), snapshot)
        self._fit_scene()

    def _show(self, kind, name, snapshot):
        weight, grad = snapshot.parameters[name], snapshot.gradients[name]
        if kind == "tiles":
            side = image_side(weight.shape[1])
            self.weights.show_tiles(mosaic(weight, side), f"{name}, rows as {side}×{side}",
                                    self._tile_names, side)
            if grad is None:
                self.gradient.show_nothing(f"∂L/∂{name}: after backward")
            else:
                self.gradient.show_tiles(mosaic(grad, side), f"∂L/∂{name}", self._tile_names, side)
            return
        shape = "×".join(str(n) for n in weight.shape)
        self.weights.show_matrix(as_matrix(weight), f"{name} ({shape})")
        if grad is None:
            self.gradient.show_nothing(f"∂L/∂{name}: after backward")
        else:
            self.gradient.show_matrix(as_matrix(grad), f"∂L/∂{name}")

    def _fit_scene(self):
        """Arrange the plots for the widget's shape and make them fill the view.

        pyqtgraph sizes its layout only when the view is resized; a title or axis that
        changed width would otherwise leave the plots wider than the view, cut off.
        """
        plot_width = max(h.plot.effectiveSizeHint(Qt.SizeHint.MinimumSize).width()
                         for h in (self.weights, self.gradient))
        self._arrange(side_by_side=self.width() >= max(1.3 * self.height(), 2 * plot_width + 24))
        layout = self.view.ci
        layout.layout.activate()
        minimum = layout.effectiveSizeHint(Qt.SizeHint.MinimumSize)
        self.view.setMinimumSize(math.ceil(minimum.width()), math.ceil(minimum.height()))
        layout.setGeometry(self.view.range)

    def export_items(self):
        """(name, layout of the heat maps) for the exporters; none before a parameter is shown."""
        return [] if self.selected() is None else [("weights", self.view.ci)]

    def clear(self):
        """Empty the plot (a new trainer or a reset)."""
        self._snapshot = None
        self.weights.show_nothing("")
        self.gradient.show_nothing("")

    def _update_selector(self, names, dataset):
        entries = [(name, f"param:{name}") for name in names]
        weight_names = [n for n in names if n.endswith("weight")]
        side = image_side(dataset.n_features)
        if side and weight_names:
            linear = len(weight_names) == 1
            what = "class templates" if linear else "first-layer filters"
            first = weight_names[0]
            entries.insert(0, (f"{first} as {side}×{side} images ({what})", f"tiles:{first}"))
            self._tile_names = tuple(dataset.class_names) if linear else ()
        if entries == self._entries:
            return
        previous = self.selector.currentData()
        self._entries = entries
        self.selector.blockSignals(True)
        self.selector.clear()
        for text, data in entries:
            self.selector.addItem(text, data)
        index = self.selector.findData(previous)
        self.selector.setCurrentIndex(max(index, 0))
        self.selector.blockSignals(False)

    def _arrange(self, side_by_side):
        """Parameter and gradient side by side in a wide widget, one above the other in a tall one."""
        if side_by_side == self._side_by_side:
            return
        self._side_by_side = side_by_side
        layout = self.view.ci
        for k, heat_map in enumerate((self.weights, self.gradient)):
            if heat_map.plot in layout.items:
                layout.removeItem(heat_map.plot)
            layout.addItem(heat_map.plot, row=0 if side_by_side else k, col=k if side_by_side else 0)
        for k in (0, 1):  # equal halves, whatever the titles' lengths
            layout.layout.setColumnStretchFactor(k, 1 if side_by_side or k == 0 else 0)
            layout.layout.setRowStretchFactor(k, 1 if not side_by_side or k == 0 else 0)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._fit_scene()

    def _on_selection(self):
        if self._snapshot is not None:
            self.show_snapshot(self._snapshot)


class IndexAxis(pg.AxisItem):
    """An axis of matrix indices: whole-number ticks only, as many as fit."""

    def tickValues(self, minVal, maxVal, size):
        levels = [(spacing, [v for v in values if float(v).is_integer()])
                  for spacing, values in super().tickValues(minVal, maxVal, size) if spacing >= 1]
        return levels or [(1.0, [float(v) for v in range(math.ceil(minVal), math.floor(maxVal) + 1)])]


class _MenulessPlotItem(pg.PlotItem):
    """A PlotItem made without context menus (pyqtgraph builds them unless told so: 5–30 ms)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, enableMenu=False, **kwargs)


class ColorBar(pg.ColorBarItem, _MenulessPlotItem):
    """pyqtgraph's ColorBarItem without the menus it switches off anyway: its ``super().__init__()``
    reaches the PlotItem through _MenulessPlotItem."""


class HeatMap:
    """One plot of the layout: an image with a diverging colour bar, levels ±max|value|.
    ``stepwise``: built by running ``steps`` (see ``style.run_steps``)."""

    def __init__(self, stepwise=False):
        self.labels = []
        self._rect = None
        self.steps = run_steps(self._build(), stepwise)

    def _build(self):
        """The plot, then its colour bar (each a pyqtgraph PlotItem)."""
        self.plot = pg.PlotItem(axisItems={"left": IndexAxis("left"), "bottom": IndexAxis("bottom")},
                                enableMenu=False)
        self.plot.hideButtons()
        self.plot.invertY(True)  # row 0 on top, as a matrix is written
        style_axes(self.plot)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.plot.getViewBox().sigTransformChanged.connect(self._fit_labels)
        yield
        self.bar = ColorBar(values=(-1.0, 1.0), colorMap=_DIVERGING, interactive=False,
                            colorMapMenu=False, width=12)
        self.bar.setImageItem(self.image, insert_in=self.plot)
        style_axes(self.bar)

    def levels(self):
        return tuple(self.image.getLevels())

    def show_matrix(self, matrix, title):
        self._set_labels((), 0)
        self.plot.setAspectLocked(False)
        rows, cols = matrix.shape
        for name, label in (("left", "row (unit)"), ("bottom", "column (input)")):
            self.plot.showAxis(name)
            self.plot.setLabel(name, label)
        # pixel (r, c) centred on (c, r), so the ticks are the matrix indices
        self._show(matrix, title, QRectF(-0.5, -0.5, cols, rows))

    def show_tiles(self, tiles, title, names, side):
        self.plot.setAspectLocked(True)
        self.plot.hideAxis("left")
        self.plot.hideAxis("bottom")
        self._set_labels(names, side)
        self._show(tiles, title, QRectF(0, 0, tiles.shape[1], tiles.shape[0]))

    def show_nothing(self, title):
        self._set_labels((), 0)
        self.image.clear()
        self._rect = None
        self.plot.setTitle(title, color=foreground(), size=title_size())

    def _show(self, data, title, rect):
        finite = np.abs(data[np.isfinite(data)])
        bound = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
        self.image.setImage(data, levels=(-bound, bound), rect=rect)
        self.bar.setLevels((-bound, bound))
        self.plot.setTitle(title, color=foreground(), size=title_size())
        if rect != self._rect:
            self._rect = rect
            self.plot.setRange(rect, padding=0.02)

    def _set_labels(self, names, side):
        """Class names above the tiles (kept as long as they don't change)."""
        if [label.toPlainText() for label in self.labels] == list(names):
            return
        for label in self.labels:
            self.plot.removeItem(label)
        cols = tile_columns(len(names))
        self.labels = []
        for k, name in enumerate(names):
            label = pg.TextItem(name, color=foreground(), anchor=(0.5, 1.0))
            label.setFont(QFont(label.textItem.font().family(), 8))
            row, col = divmod(k, cols)
            label.setPos(col * (side + _GAP) + side / 2, row * (side + _GAP + _LABEL_SPACE) + _LABEL_SPACE)
            self.plot.addItem(label)
            self.labels.append(label)
        self._fit_labels()

    def _fit_labels(self):
        """Class names only where the tiles are large enough to leave room for them."""
        room = _LABEL_SPACE / max(self.plot.getViewBox().viewPixelSize()[1], 1e-12)
        for label in self.labels:
            label.setVisible(room >= 11)


def image_side(n_features):
    """s when the features are an s×s image (at least 4×4), else None."""
    side = math.isqrt(n_features)
    return side if side >= 4 and side * side == n_features else None


def tile_columns(k):
    """Columns for k tiles: about twice as wide as tall."""
    return max(1, min(k, math.ceil(math.sqrt(2 * k))))


def mosaic(rows, side):
    """Each row of a k×(side²) matrix as a side×side tile, tiles on a grid with NaN (transparent) gaps."""
    k = len(rows)
    cols = tile_columns(k)
    n_rows = math.ceil(k / cols)
    height = n_rows * (side + _GAP + _LABEL_SPACE)
    out = np.full((height, cols * (side + _GAP) - _GAP), np.nan)
    for i, row in enumerate(rows):
        r, c = divmod(i, cols)
        top = r * (side + _GAP + _LABEL_SPACE) + _LABEL_SPACE
        out[top:top + side, c * (side + _GAP):c * (side + _GAP) + side] = row.reshape(side, side)
    return out


def as_matrix(array):
    """A parameter as a 2-D array: a bias vector becomes one column (one row per unit)."""
    return array.reshape(-1, 1) if array.ndim == 1 else array
