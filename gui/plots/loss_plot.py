"""Loss and accuracy curves over the iterations, train and validation."""
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QCheckBox, QHBoxLayout, QVBoxLayout, QWidget

from . import sizes
from .style import (
    LEFT_LABEL_ROOM,
    TRAIN_COLOR,
    VAL_COLOR,
    DecadeAxis,
    FollowData,
    add_legend,
    last_iteration,
    make_plot,
    run_steps,
    show_points_when_single,
    to_screen,
)

# history key → (x key, legend name, pen). Thick or dashed lines over thousands of points
# cost tens of milliseconds per frame, so only the main curves are a little thicker.
_LOSS_CURVES = {
    "train_loss": ("iteration", "train (total)", pg.mkPen(TRAIN_COLOR, width=1.5)),
    "data_loss": ("iteration", "data", pg.mkPen("#4aa3df", width=1, style=Qt.PenStyle.DashLine)),
    "reg_loss": ("iteration", "regularisation", pg.mkPen("#7f7f7f", width=1, style=Qt.PenStyle.DotLine)),
    "val_loss": ("val_iteration", "validation", pg.mkPen(VAL_COLOR, width=1.5)),
}
_ACC_CURVES = {
    "train_acc": ("iteration", "train", pg.mkPen(TRAIN_COLOR, width=1.5)),
    "val_acc": ("val_iteration", "validation", pg.mkPen(VAL_COLOR, width=1.5)),
}
MAX_MARKERS = 60  # validation points get markers while they are few enough to tell apart
SIDE_BY_SIDE = 2.0   # a panel this many times wider than tall shows the two plots side by side


class LossPlot(QWidget):
    """Loss (data, regularisation, total, validation) above accuracy (train, validation), or
    beside it in a wide, short panel (presenting: each plot keeps a useful height).
    ``stepwise``: built by running ``steps`` (see ``style.run_steps``)."""

    def __init__(self, parent=None, *, stepwise=False):
        super().__init__(parent)
        self.setAutoFillBackground(True)  # opaque: nothing of a dock area behind shows through
        self.setMinimumSize(*sizes.LOSS)
        self.curves = {}
        self.steps = run_steps(self._build(), stepwise)

    def _build(self):
        """The plots, a step each, then their curves (see ``style.run_steps``)."""
        self.log_scale = QCheckBox("Log scale (loss)")
        self.log_scale.setToolTip("Show the loss axis on a logarithmic scale")
        self.log_scale.toggled.connect(self.set_log_scale)
        self.loss_plot = make_plot(left="loss", axis_items={"left": DecadeAxis("left")})
        yield
        self.acc_plot = make_plot(left="accuracy", bottom="iteration")
        self.acc_plot.setXLink(self.loss_plot)
        self.acc_plot.setYRange(0.0, 1.0, padding=0.1)  # room for the 0 and 1 labels
        self.acc_plot.getPlotItem().enableAutoRange(axis="y", enable=False)
        self.follow = FollowData(self.loss_plot.getPlotItem(), self.acc_plot.getPlotItem(), y=True)
        yield
        # one legend: the accuracy curves have the loss curves' colours and names
        self.legend = add_legend(self.loss_plot.getPlotItem(), columns=len(_LOSS_CURVES))
        for plot, specs in ((self.loss_plot, _LOSS_CURVES), (self.acc_plot, _ACC_CURVES)):
            item = plot.getPlotItem()
            item.setClipToView(True)
            item.setDownsampling(auto=True, mode="peak")
            for key, (_, name, pen) in specs.items():
                markers = {"symbol": "o", "symbolSize": 5, "symbolPen": pen,
                           "symbolBrush": pen.color()} if key.startswith("val_") else {}
                self.curves[key] = to_screen(item.plot([], [], name=name, pen=pen, **markers))
            yield

        top = QHBoxLayout()
        top.addStretch(1)
        top.addWidget(self.log_scale)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        self.plots = QBoxLayout(QBoxLayout.TopToBottom)
        self.plots.addWidget(self.loss_plot, 3)
        self.plots.addWidget(self.acc_plot, 2)
        layout.addLayout(self.plots, 1)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        side_by_side = event.size().width() >= SIDE_BY_SIDE * event.size().height()
        direction = QBoxLayout.LeftToRight if side_by_side else QBoxLayout.TopToBottom
        if self.plots.direction() != direction:
            self.plots.setDirection(direction)
            self.layout().activate()   # the plots' new widths, for the legend's columns
        self._fit_legend()

    def _fit_legend(self):
        """The legend in one row when it fits the width, else two columns or one: never cut off."""
        entries = [sample.boundingRect().width() + label.boundingRect().width() + 12
                   for sample, label in self.legend.items]
        room = self.loss_plot.width() - LEFT_LABEL_ROOM - 40

        def width(n):   # the legend fills its rows first: each column is as wide as its widest entry
            return sum(max(entries[c::n]) for c in range(min(n, len(entries))))
        self.legend.setColumnCount(next((n for n in (len(entries), 2) if width(n) <= room), 1))

    def set_log_scale(self, on):
        """Linear or logarithmic loss axis (zeros, e.g. no regularisation, are left out)."""
        self.log_scale.setChecked(on)
        self.loss_plot.getPlotItem().setLogMode(y=on)
        self.follow.fit_y(again=True)   # (the axis now holds log10 of the values, or the values)

    def is_log_scale(self):
        return self.log_scale.isChecked()

    def show_snapshot(self, snapshot):
        """Draw ``snapshot`` now (the redraw scheduler decides when)."""
        history = snapshot.history
        for key, (x_key, _, pen) in {**_LOSS_CURVES, **_ACC_CURVES}.items():
            self.curves[key].setData(history[x_key], history[key])
            if not key.startswith("val_"):
                show_points_when_single(self.curves[key], len(history[key]), pen)
        markers = "o" if len(history["val_iteration"]) <= MAX_MARKERS else None
        for key in ("val_loss", "val_acc"):
            self.curves[key].setSymbol(markers)
        self.follow.show(last_iteration(history))

    def export_items(self):
        """(name, plot item) for the exporters."""
        return [("loss", self.loss_plot.getPlotItem()), ("accuracy", self.acc_plot.getPlotItem())]

    def clear(self):
        """Empty the plot (a new trainer or a reset)."""
        for curve in self.curves.values():
            curve.setData([], [])
        self.follow.reset()
