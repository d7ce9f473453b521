"""How an array is shown: a short number, a two-line summary, a table or a heat map.

Small arrays (at most TABLE_MAX rows and columns) become a table of values; larger ones a heat map
with a colour bar and min/max/mean (built with pyqtgraph on the first heat map a view shows, so
that neither pyqtgraph nor its colour maps cost the window's start-up). Gradients use a
diverging blue–white–orange map with levels symmetric around 0, so the sign reads at a glance
(blue negative, orange positive); a whole gradient is coloured by its balance Σg/Σ|g| (orange
mostly positive, blue mostly negative, grey balanced).
"""
from functools import cache

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

TABLE_MAX = 12
NEGATIVE = "#0072B2"   # Okabe–Ito blue
POSITIVE = "#D55E00"   # Okabe–Ito vermillion (orange)
NEUTRAL = "#9A9A9A"
# the colours' channels, parsed once: every node box and edge asks for a colour on every frame
_POSITIVE_RGB, _NEGATIVE_RGB, _NEUTRAL_RGB = (QColor(c).getRgb()[:3] for c in (POSITIVE, NEGATIVE, NEUTRAL))


@cache
def colour_maps():
    """(the gradients' diverging map, the values' viridis), made on the first heat map."""
    import pyqtgraph as pg  # loaded on first use, not at start-up
    return pg.ColorMap([0.0, 0.5, 1.0], [NEGATIVE, "#F7F7F7", POSITIVE]), pg.colormap.get("viridis")


def fmt(x, digits=3):
    """A number in at most about 7 characters: 0.0123, −1.25, 2048, 3.1e-5 (true minus signs)."""
    x = float(x)
    if x == 0:
        return "0"
    if not np.isfinite(x):
        return str(x)
    if 1e-3 <= abs(x) < 1e3:
        return f"{x:.{digits}g}".replace("-", "−")
    if 1e3 <= abs(x) < 1e5:
        return f"{x:.0f}".replace("-", "−")
    return f"{x:.2g}".replace("e-0", "e-").replace("e+0", "e").replace("-", "−")


def shape_text(shape):
    return "scalar" if not shape else "×".join(str(s) for s in shape)


# A frame of Play re-texts every box, and a 128-wide MLP's arrays hold 30,000 entries: each number
# is one ufunc reduction, the very one ndarray.mean/min/max run, without their Python wrappers.
_MEAN_IS_SUM = (np.float64, np.float32)   # dtypes whose mean is their add.reduce / size, as ndarray.mean


def summary_lines(a):
    """Two short lines for a node box: ('μ 0.0123', '[−1.2, 3.4]'), ('1.25', '') or ('—', '')."""
    if a is None:
        return "—", ""
    a = np.asarray(a)
    if a.size == 1:
        return fmt(a.reshape(())), ""
    mean = np.add.reduce(a, axis=None) / a.size if a.dtype.type in _MEAN_IS_SUM else a.mean()
    return f"μ {fmt(mean)}", range_text(a)


def range_text(a):
    """'[−1.2, 3.4]': the smallest and largest entry of an array of more than one ('' for one)."""
    a = np.asarray(a)
    if a.size == 1:
        return ""
    return f"[{fmt(np.minimum.reduce(a, axis=None), 2)}, {fmt(np.maximum.reduce(a, axis=None), 2)}]"


def balance(g):
    """Σg / Σ|g| in [−1, 1]: +1 all positive, −1 all negative, 0 balanced; None for no gradient."""
    if g is None:
        return None
    g = np.asarray(g, dtype=np.float64)
    size = float(np.abs(g).sum())
    return float(g.sum()) / size if size > 0 and np.isfinite(size) else 0.0


def gradient_colour(g):
    """Orange for a mostly positive gradient, blue for a mostly negative one, grey between."""
    b = balance(g)
    if b is None:
        return QColor(NEUTRAL)
    end = _POSITIVE_RGB if b > 0 else _NEGATIVE_RGB
    t = min(1.0, 1.5 * abs(b) ** 0.5)   # a clear majority already shows the full colour
    return QColor(*(int(round(c0 + (c1 - c0) * t)) for c0, c1 in zip(_NEUTRAL_RGB, end)))



def as_matrix(a):
    """The array as 2-D for display: scalars 1×1, vectors one row, higher ranks flattened."""
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 0:
        return a.reshape(1, 1)
    if a.ndim == 1:
        return a.reshape(1, -1)
    return a.reshape(a.shape[0], -1)


class ArrayView(QWidget):
    """A captioned view of one array; ``set_array(None)`` shows a dash."""

    def __init__(self, title, parent=None):
        super().__init__(parent)
        self.title = QLabel(f"<b>{title}</b>")
        self.caption = QLabel()
        for label in (self.title, self.caption):   # a narrow inspector wraps them, never cuts them
            label.setWordWrap(True)
        self.caption.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.table = QTableWidget()
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setMinimumSectionSize(20)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarAsNeeded)
        self.table.setContextMenuPolicy(Qt.ActionsContextMenu)   # right click: the copy actions
        for text, shortcut, slot in (("Copy", QKeySequence.StandardKey.Copy, self.copy_text),
                                     ("Copy as CSV", None, self.copy_csv)):
            copy = QAction(text, self.table)
            if shortcut is not None:
                copy.setShortcut(shortcut)
                copy.setShortcutContext(Qt.WidgetShortcut)
            copy.triggered.connect(slot)
            self.table.addAction(copy)
        self.plot = self.image = self.colour_bar = None   # the heat map, made when first shown
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Fixed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.caption)
        layout.addWidget(self.stack)
        self.values = None

    def set_array(self, a, signed=True):
        """Show ``a``; ``signed`` (gradients, steps) uses the diverging map centred on 0."""
        self.values = None if a is None else np.asarray(a, dtype=np.float64)
        if self.values is None:
            self.caption.setText("—  (not computed yet)")
            self.stack.hide()
            return
        v = self.values
        if v.size == 1:
            self.caption.setText(f"<span style='font-size:x-large'>{fmt(v.reshape(()))}</span>")
            self.stack.hide()
            return
        self.caption.setText(f"{shape_text(v.shape)}   min {fmt(v.min())}   max {fmt(v.max())}   "
                             f"mean {fmt(v.mean())}")
        m = as_matrix(v)
        self.stack.show()
        if m.shape[0] <= TABLE_MAX and m.shape[1] <= TABLE_MAX:
            self._show_table(m, signed)
        else:
            self._show_heat_map(m, signed)

    def copy_text(self):
        """The selected cells (or the whole table) to the clipboard, tab-separated, full precision."""
        QApplication.clipboard().setText(table_text(self._copied(), "\t"))

    def copy_csv(self):
        """The selected cells (or the whole table) to the clipboard as CSV."""
        QApplication.clipboard().setText(table_text(self._copied(), ","))

    def _copied(self):
        m = as_matrix(self.values)
        cells = self.table.selectedIndexes()
        if not cells:
            return m
        rows = sorted({c.row() for c in cells})
        cols = sorted({c.column() for c in cells})
        return m[np.ix_(rows, cols)]

    def _show_table(self, m, signed):
        self.stack.setCurrentWidget(self.table)
        rows, cols = m.shape
        self.table.setRowCount(rows)
        self.table.setColumnCount(cols)
        # indices from 0, as numpy and the worked rows count
        self.table.setVerticalHeaderLabels([str(r) for r in range(rows)])
        self.table.setHorizontalHeaderLabels([str(c) for c in range(cols)])
        scale = float(np.max(np.abs(m))) or 1.0
        for r in range(rows):
            for c in range(cols):
                item = QTableWidgetItem(fmt(m[r, c]))
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                if signed:
                    item.setBackground(QBrush(_tint(m[r, c] / scale)))
                self.table.setItem(r, c, item)
        height = self.table.horizontalHeader().height() + 4 + sum(
            self.table.rowHeight(r) for r in range(rows))
        self.stack.setFixedHeight(min(height, 12 * 26))

    def _build_heat_map(self):
        import pyqtgraph as pg  # loaded on first use, not at start-up

        from .plots.style import apply_current_theme
        self.plot = pg.PlotWidget()
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(False, False)
        self.plot.hideButtons()
        self.plot.invertY(True)
        for axis in ("left", "bottom"):   # axes cost more to paint than the image itself
            self.plot.hideAxis(axis)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.colour_bar = pg.ColorBarItem(values=(-1, 1), colorMap=colour_maps()[0], interactive=False,
                                          width=12, colorMapMenu=False)
        self.colour_bar.setImageItem(self.image, insert_in=self.plot.getPlotItem())
        apply_current_theme(self.plot)
        self.stack.addWidget(self.plot)

    def _show_heat_map(self, m, signed):
        if self.plot is None:
            self._build_heat_map()
        self.stack.setCurrentWidget(self.plot)
        gradient_map, value_map = colour_maps()
        finite = m[np.isfinite(m)]
        if signed:
            bound = float(np.max(np.abs(finite))) if finite.size else 1.0
            levels = (-(bound or 1.0), bound or 1.0)
            self.colour_bar.setColorMap(gradient_map)
        else:
            lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
            levels = (lo, hi if hi > lo else lo + 1.0)
            self.colour_bar.setColorMap(value_map)
        self.image.setImage(m, levels=levels)
        self.colour_bar.setLevels(levels)
        self.plot.getPlotItem().setRange(xRange=(0, m.shape[1]), yRange=(0, m.shape[0]), padding=0)
        self.stack.setFixedHeight(130)


def table_text(m, separator="\t"):
    """A matrix as lines of values (full precision), for the clipboard or a CSV file."""
    return "\n".join(separator.join(repr(float(v)) for v in row) for row in np.atleast_2d(m)) + "\n"


def _tint(t):
    """Background for a table cell: the table's own at 0, towards orange (positive) or blue (negative)."""
    t = float(np.clip(t, -1, 1)) if np.isfinite(t) else 0.0
    target = QColor(POSITIVE if t > 0 else NEGATIVE)
    base = QApplication.palette().base().color()   # the theme's table background (white or dark)
    a = 0.45 * abs(t)
    return QColor(*(int(round(b + (c - b) * a)) for b, c in zip(base.getRgb()[:3], target.getRgb()[:3])))
