"""Class regions of a 2-D classifier under its training and validation points; click to edit the data."""
import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from core.data import DataError, Dataset
from core.nn import build_model, grid_scores

from . import sizes
from .style import add_legend, class_colors, foreground, make_plot, region_colors, run_steps

GRID = 100       # the class regions are evaluated on a GRID×GRID raster
MARGIN = 0.15    # around the data, as a fraction of its extent
MAX_DRAWN = 4000  # points drawn per set (train, validation); beyond, an even sample, said so
REFINED_FROM = 4096   # parameters: a larger model's regions are classified coarse to fine (grid_classes)


class BoundaryPlot(QWidget):
    """Decision regions (argmax of the scores) with the data on top.

    Left click adds a training point of the class chosen in the selector, right click removes
    the point nearest to the cursor; both emit ``sig_dataset_edited`` with the new Dataset (or
    ``sig_error`` when the data can't take the edit), which go to ``app_model`` when given.
    ``stepwise``: built by running ``steps`` (see ``style.run_steps``).
    """

    sig_dataset_edited = Signal(object)
    sig_error = Signal(str, str)    # (title, message): an edit the data can't take

    def __init__(self, app_model=None, parent=None, *, stepwise=False):
        super().__init__(parent)
        self.setAutoFillBackground(True)  # opaque: nothing of a dock area behind shows through
        self.setMinimumSize(*sizes.BOUNDARY)
        self.compact = False    # presenting: no data-editing row, the plot gets its height
        self._snapshot = None   # the one last drawn: a zoom redraws its regions
        if app_model is not None:   # edits retrain there; refused edits are its errors
            self.sig_dataset_edited.connect(app_model.train_on)
            self.sig_error.connect(app_model.error)
        self._dataset = None
        self._rect = self._image_rect = None
        self._grid = None
        self._n_regions = 0
        self._classes = None
        self._key = None
        self._model = (None, None)   # (repr of its spec, the model): built once, reloaded per draw
        self.steps = run_steps(self._build(), stepwise)

    def _build(self):
        """The plot, then what it shows and the controls around it (see ``style.run_steps``)."""
        self.plot = make_plot(left="x2", bottom="x1")
        yield
        self.class_selector = QComboBox()
        self.class_selector.setToolTip("The class of the points a left click adds")
        hint = QLabel("Click adds a point, right-click removes the nearest")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(placeholder-text);")
        self.sampled = QLabel()   # says when only a sample of the points is drawn
        self.sampled.setObjectName("boundary_sampled")
        self.sampled.setStyleSheet("color: palette(placeholder-text);")
        self.sampled.hide()

        item = self.plot.getPlotItem()
        item.setAspectLocked(True)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-10)
        item.addItem(self.image)
        self.legend = add_legend(item)
        # the legend shows the default grey brush; each point gets its class colour
        self.train_points = pg.ScatterPlotItem(symbol="o", size=8, pen=pg.mkPen(foreground(), width=1),
                                               brush="#a0a0a0", name="train")
        self.val_points = pg.ScatterPlotItem(symbol="t", size=10, pen=pg.mkPen("w", width=1.2),
                                             brush="#a0a0a0", name="validation")
        item.addItem(self.train_points)
        item.addItem(self.val_points)
        self.plot.scene().sigMouseClicked.connect(self._on_click)
        item.getViewBox().sigRangeChanged.connect(self._view_changed)

        self.message = QLabel()
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.plot)
        self.stack.addWidget(self.message)

        self.editing = QWidget()
        row = QHBoxLayout(self.editing)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Add class:"))
        row.addWidget(self.class_selector)
        row.addWidget(hint, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.editing)
        layout.addWidget(self.sampled)
        layout.addWidget(self.stack, 1)

    def boundary_image(self):
        """The class (0..k-1) predicted at each grid point, rows along x2, or None."""
        return self._classes

    # ----- drawing --------------------------------------------------------------------------
    def show_snapshot(self, snapshot):
        """Draw ``snapshot`` now (the redraw scheduler decides when)."""
        self._snapshot = snapshot
        if snapshot.dataset is not self._dataset:
            self._set_dataset(snapshot.dataset, keep_view=False)
        if self._grid is None:
            return
        key = (repr(snapshot.model_spec), parameters_key(snapshot.parameters))
        if key == self._key:
            return  # same model, same weights, same regions: nothing to compute
        self._key = key
        parameters = snapshot.parameters
        if self._model[0] != key[0]:
            self._model = key[0], build_model(snapshot.model_spec)
        model = self._model[1]
        model.load_state_dict(parameters)
        costly = sum(np.size(p) for p in parameters.values()) >= REFINED_FROM
        self._classes = grid_classes(lambda X: grid_scores(model, X).argmax(axis=1),
                                     *self._grid, step=2 if costly else 1)
        rgb = region_colors(self._n_regions)   # tinted towards the background of the theme in use
        self.image.setImage(rgb[self._classes], levels=(0, 255), rect=self._image_rect)

    def recolour(self):
        """The regions and the points' outlines in the theme in use now (at once on a switch)."""
        self.train_points.setPen(pg.mkPen(foreground(), width=1))
        if self._classes is not None:
            rgb = region_colors(self._n_regions)
            self.image.setImage(rgb[self._classes], levels=(0, 255), rect=self._image_rect)

    def export_items(self):
        """(name, plot item) for the exporters; none without 2-D data."""
        return [] if self._grid is None else [("decision-boundary", self.plot.getPlotItem())]

    def clear(self):
        """Empty the plot (a new trainer or a reset)."""
        self._snapshot = self._dataset = self._grid = self._classes = self._key = None
        self.image.clear()
        self.train_points.clear()
        self.val_points.clear()

    def _set_dataset(self, dataset, keep_view):
        self._dataset = dataset
        self._key = None
        if dataset.n_features != 2:
            self._grid = self._classes = None
            self.image.clear()
            self.message.setText(f"The decision boundary is drawn for 2-D data.\n\n"
                                 f"“{dataset.name}” has {dataset.n_features} features: "
                                 "see the weights tab instead.")
            self.stack.setCurrentWidget(self.message)
            self.editing.hide()
            return
        self.stack.setCurrentWidget(self.plot)
        self.editing.setVisible(not self.compact)
        self._update_class_selector(dataset.class_names)
        brushes = [pg.mkBrush(*rgb) for rgb in class_colors(dataset.n_classes)]  # one per class
        self._n_regions = dataset.n_classes
        self.train_points.setData(**drawn_points(dataset.X_train, dataset.y_train, brushes))
        if dataset.n_val:
            self.val_points.setData(**drawn_points(dataset.X_val, dataset.y_val, brushes))
        else:
            self.val_points.clear()
        total = dataset.n_train + dataset.n_val
        shown = min(dataset.n_train, MAX_DRAWN) + min(dataset.n_val, MAX_DRAWN)
        self.sampled.setVisible(shown < total)
        self.sampled.setText(f"Showing an even sample of {shown:,} of the {total:,} points "
                             "(the regions use the whole model).")
        names = dataset.feature_names
        self.plot.getPlotItem().setLabel("bottom", names[0])
        self.plot.getPlotItem().setLabel("left", names[1])
        rect = data_rect(dataset)
        if keep_view and self._rect is not None and self._rect.contains(rect):
            return  # an edit inside the grid: keep the grid and the view
        view_box = self.plot.getPlotItem().getViewBox()
        view_box.setRange(rect, padding=0)
        # the grid covers the view, which the locked aspect ratio may have widened; an unchanged
        # view (a reset, the same data) emits no sigRangeChanged to do that in _view_changed
        self._set_grid(view_box.viewRect())

    def _set_grid(self, rect):
        self._rect = rect
        self._grid = (np.linspace(rect.left(), rect.right(), GRID),   # x1 and x2 of its points
                      np.linspace(rect.top(), rect.bottom(), GRID))
        # pixel centres on the grid points
        step_x, step_y = rect.width() / (GRID - 1), rect.height() / (GRID - 1)
        self._image_rect = QRectF(rect.left() - step_x / 2, rect.top() - step_y / 2,
                                  rect.width() + step_x, rect.height() + step_y)

    def _view_changed(self, view_box, _ranges):
        """The regions fill whatever the view shows (the locked aspect ratio widens it; the user
        may zoom and pan): a new view range gets a new grid."""
        rect = view_box.viewRect()
        if self._grid is None or _same_rect(rect, self._rect):
            return
        self._set_grid(rect)
        self._key = None
        if self._snapshot is not None:
            QTimer.singleShot(0, self, self._redraw)

    def _redraw(self):
        if self._snapshot is not None:
            self.show_snapshot(self._snapshot)

    def _update_class_selector(self, names):
        if [self.class_selector.itemText(i) for i in range(self.class_selector.count())] == list(names):
            return
        self.class_selector.clear()
        for name, rgb in zip(names, class_colors(len(names))):
            swatch = QPixmap(12, 12)
            swatch.fill(QColor(*rgb))
            self.class_selector.addItem(QIcon(swatch), name)

    # ----- editing ----------------------------------------------------------------------------
    def add_point(self, x, y, label=None):
        """Add a training point of class ``label`` (default: the selected class) and emit the new data."""
        ds = self._dataset
        label = self.class_selector.currentIndex() if label is None else int(label)
        self._emit_edit(np.vstack([ds.X_train, [[x, y]]]), np.append(ds.y_train, label),
                        ds.X_val, ds.y_val)

    def remove_point_near(self, x, y):
        """Remove the training or validation point nearest to (x, y) and emit the new data."""
        ds = self._dataset
        d_train = np.hypot(*(ds.X_train - [x, y]).T)
        d_val = np.hypot(*(ds.X_val - [x, y]).T) if ds.n_val else np.array([np.inf])
        X_val, y_val = ds.X_val, ds.y_val
        X_train, y_train = ds.X_train, ds.y_train
        if d_train.min() <= d_val.min():
            keep = np.arange(ds.n_train) != d_train.argmin()
            X_train, y_train = X_train[keep], y_train[keep]
        else:
            keep = np.arange(ds.n_val) != d_val.argmin()
            X_val, y_val = X_val[keep], y_val[keep]
        self._emit_edit(X_train, y_train, X_val, y_val)

    def _emit_edit(self, X_train, y_train, X_val, y_val):
        ds = self._dataset
        try:
            edited = Dataset(X_train, y_train, X_val, y_val, name=ds.name,
                             class_names=ds.class_names, feature_names=ds.feature_names)
        except DataError as error:
            self.sig_error.emit("Cannot change the data", str(error))
            return
        # Show the edit at once; the window retrains on it and redraws the regions.
        self._set_dataset(edited, keep_view=True)
        self.sig_dataset_edited.emit(edited)

    def set_compact(self, on):
        """Hide the data-editing row (presentation mode: the plot gets its room) or show it."""
        self.compact = bool(on)
        self.editing.setVisible(not on and self.stack.currentWidget() is self.plot)

    def _on_click(self, event):
        view_box = self.plot.getPlotItem().getViewBox()
        where = event.scenePos()
        if (self._grid is None or event.double() or not view_box.sceneBoundingRect().contains(where)
                or self.legend.sceneBoundingRect().contains(where)):
            return
        point = view_box.mapSceneToView(event.scenePos())
        if event.button() == Qt.MouseButton.LeftButton:
            event.accept()
            self.add_point(point.x(), point.y())
        elif event.button() == Qt.MouseButton.RightButton:
            event.accept()
            self.remove_point_near(point.x(), point.y())


def drawn_points(X, y, brushes, limit=MAX_DRAWN):
    """ScatterPlotItem data for at most ``limit`` points of (X, y), evenly spread over the set,
    each with its class's brush (the same QBrush object per class, never one per point)."""
    if len(X) > limit:
        keep = np.linspace(0, len(X) - 1, limit).astype(np.intp)
        X, y = X[keep], y[keep]
    return {"pos": X, "brush": [brushes[k] for k in y]}


def grid_classes(classify, xs, ys, step=2):
    """The class ``classify(points)`` gives each point of the grid xs × ys (rows along ys), for a
    fraction of the model evaluations: the points every ``step``-th row and column first, then,
    point by point, every cell (between neighbouring sampled points) within one cell of a change
    of class; the other cells are one class, their corners'. The same picture as classifying
    every point wherever no region is narrower than ``step`` grid steps between sampled points
    (a 128×3 MLP's regions at 100×100 take 42 % of the points). ``step`` 1: every point at once."""
    n_y, n_x = len(ys), len(xs)
    rows, cols = _lattice(n_y, step), _lattice(n_x, step)
    gx, gy = np.meshgrid(xs[cols], ys[rows])
    corners = np.asarray(classify(np.column_stack([gx.ravel(), gy.ravel()]))).reshape(len(rows), len(cols))
    if len(rows) == n_y and len(cols) == n_x or len(rows) < 2 or len(cols) < 2:
        return corners
    classes = np.full((n_y, n_x), -1, dtype=np.intp)
    classes[np.ix_(rows, cols)] = corners
    top_left = corners[:-1, :-1]
    mixed = ((top_left != corners[1:, :-1]) | (top_left != corners[:-1, 1:])
             | (top_left != corners[1:, 1:]))
    near = mixed.copy()   # and the cells next to them (a thin region between sampled points)
    near[1:] |= mixed[:-1]
    near[:-1] |= mixed[1:]
    near[:, 1:] |= near[:, :-1].copy()
    near[:, :-1] |= near[:, 1:].copy()
    (row_cell, row_ends), (col_cell, col_ends) = _cells(rows, n_y), _cells(cols, n_x)
    evaluate = near[np.ix_(row_cell, col_cell)]   # in a cell near a change, or on its edge:
    evaluate |= (row_ends >= 0)[:, None] & near[np.ix_(np.maximum(row_ends, 0), col_cell)]
    evaluate |= (col_ends >= 0)[None, :] & near[np.ix_(row_cell, np.maximum(col_ends, 0))]
    evaluate &= classes < 0
    if evaluate.any():
        r, c = np.nonzero(evaluate)
        classes[r, c] = classify(np.column_stack([xs[c], ys[r]]))
    rest = classes < 0   # inside cells of one class
    classes[rest] = top_left[np.ix_(row_cell, col_cell)][rest]
    return classes


def _lattice(n, step):
    """Every ``step``-th of n points along an axis, and the last (numpy's set routines would
    import numpy.ma, 40 ms, on the first draw)."""
    lattice = np.arange(0, n, step)
    return lattice if lattice[-1] == n - 1 else np.append(lattice, n - 1)


def _cells(lattice, n):
    """For each of n points along an axis: the cell (between neighbouring lattice points) it lies
    in or starts, and the one it ends where it is a lattice point inside the axis (else -1)."""
    cell = np.clip(np.searchsorted(lattice, np.arange(n), side="right") - 1, 0, len(lattice) - 2)
    inside = np.zeros(n, dtype=bool)
    inside[lattice[1:-1]] = True
    return cell, np.where(inside, cell - 1, -1)


def _same_rect(a, b):
    scale = max(abs(b.width()), abs(b.height()), 1e-12)
    return all(abs(p - q) <= 1e-9 * scale for p, q in
               zip((a.left(), a.top(), a.width(), a.height()), (b.left(), b.top(), b.width(), b.height())))


def data_rect(dataset):
    """The rectangle holding all points, plus a margin (a square-ish minimum for tiny spreads)."""
    X = dataset.X_train if not dataset.n_val else np.vstack([dataset.X_train, dataset.X_val])
    low, high = X.min(axis=0), X.max(axis=0)
    pad = np.maximum((high - low) * MARGIN, 0.1)
    low, high = low - pad, high + pad
    return QRectF(low[0], low[1], high[0] - low[0], high[1] - low[1])


def parameters_key(parameters):
    """A cheap fingerprint of the parameter values: equal weights draw equal regions."""
    return hash(b"".join(np.ascontiguousarray(p).tobytes() for p in parameters.values()))
