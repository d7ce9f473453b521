"""The gradient norm of every parameter over time, on a log axis.

Vanishing gradients show up as curves sinking by orders of magnitude towards the first
layer; exploding gradients as curves shooting up.
"""
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from . import sizes
from .style import (
    DecadeAxis,
    FollowData,
    add_legend,
    last_iteration,
    make_plot,
    run_steps,
    series_color,
    show_points_when_single,
    to_screen,
)

PREFIX = "grad_norm/"


class GradNormPlot(QWidget):
    """‖∂L/∂p‖ per parameter p (one curve each, weights solid, biases dashed, one colour per layer).
    ``stepwise``: built by running ``steps`` (see ``style.run_steps``)."""

    def __init__(self, parent=None, *, stepwise=False):
        super().__init__(parent)
        self.setAutoFillBackground(True)  # opaque: nothing of a dock area behind shows through
        self.setMinimumSize(*sizes.GRADNORM)
        self.curves = {}
        self.steps = run_steps(self._build(), stepwise)

    def _build(self):
        """The plot, then its settings (see ``style.run_steps``); the curves come with the data."""
        self.plot = make_plot(left="gradient norm (log)", bottom="iteration",
                              title="Gradient norm per parameter",
                              axis_items={"left": DecadeAxis("left")})
        yield
        item = self.plot.getPlotItem()
        item.setLogMode(y=True)
        item.setClipToView(True)
        item.setDownsampling(auto=True, mode="peak")
        add_legend(item)
        self.follow = FollowData(item, y=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.plot)

    def show_snapshot(self, snapshot):
        """Draw ``snapshot`` now (the redraw scheduler decides when)."""
        history = snapshot.history
        names = [key[len(PREFIX):] for key in history if key.startswith(PREFIX)]
        if names != list(self.curves):
            self._make_curves(names)
        for name, curve in self.curves.items():
            curve.setData(history["iteration"], history[PREFIX + name])
            show_points_when_single(curve, len(history["iteration"]), curve.opts["pen"])
        self.follow.show(last_iteration(history))

    def _make_curves(self, names):
        self.clear()
        layers = list(dict.fromkeys(name.rsplit(".", 1)[0] for name in names))
        for name in names:
            layer, kind = name.rsplit(".", 1) if "." in name else (name, "weight")
            style = Qt.PenStyle.DashLine if kind == "bias" else Qt.PenStyle.SolidLine
            width = 1.5 if kind == "weight" else 1
            pen = pg.mkPen(series_color(layers.index(layer)), width=width, style=style)
            self.curves[name] = to_screen(self.plot.getPlotItem().plot([], [], name=name, pen=pen))

    def export_items(self):
        """(name, plot item) for the exporters."""
        return [("gradient-norms", self.plot.getPlotItem())]

    def clear(self):
        """Empty the plot (a new trainer or a reset)."""
        for curve in self.curves.values():
            self.plot.getPlotItem().removeItem(curve)  # and from the legend
        self.curves = {}
        self.follow.reset()

