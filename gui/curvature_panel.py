"""The curvature panel: computes curvature reports on request or every k iterations, and shows them.

Computing needs the live trainer (HVPs through the model), so, like the gradient check, it runs
here on the app model's trainer, never on a snapshot; failures go to the app model's error path.
It computes only when asked: the Compute button, or "every k iterations" while the dock can be
seen — the automatic computation happens in the panel's draw, which the redraw scheduler calls only
for a visible panel and paces while training plays.
"""
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.training.curvature import DIRECTIONS, curvature_report

from .plots import sizes

DEFAULT_EVERY = 10


class CurvaturePanel(QWidget):
    """Direction, Compute, "every k iterations", and the CurvaturePlot (``plot``) that draws."""

    sig_computed = Signal()     # a new report is ready to draw

    def __init__(self, app_model, parent=None):
        super().__init__(parent)
        self.app_model = app_model
        self.direction = QComboBox()
        self.direction.setObjectName("curvature_direction")
        for kind, label in DIRECTIONS.items():
            self.direction.addItem(label, kind)
        self.direction.setCurrentIndex(list(DIRECTIONS).index("gradient"))
        self.direction.setToolTip("The direction d of the slice L(θ + t·d)")
        self.compute_button = QPushButton("Compute")
        self.compute_button.setObjectName("curvature_compute")
        self.compute_button.setToolTip("Compute the slice and λ_max at the current parameters now")
        self.compute_button.clicked.connect(self.compute)
        self.auto = QCheckBox("every")
        self.auto.setObjectName("curvature_auto")
        self.auto.setToolTip("Compute again every k iterations while training (when the panel is shown)")
        self.every = QSpinBox()
        self.every.setObjectName("curvature_every")
        self.every.setRange(1, 100000)
        self.every.setValue(DEFAULT_EVERY)
        self.every.setSuffix(" iterations")
        self.auto.toggled.connect(lambda _: self.sig_computed.emit())  # the panel's key changed
        self.every.valueChanged.connect(lambda _: self.sig_computed.emit())
        self._plot = None   # the CurvaturePlot: made after the first paint, or when first asked for
        # what makes it and shows it here (set_plot): at once by default; the window's plot docks
        # put theirs, which make it step by step (gui.plot_docks)
        self.make_plot = lambda: self.set_plot(self._new_plot())
        self._room = QWidget()   # until then: its room, so the dock keeps its size when it comes
        self._room.setMinimumSize(*sizes.CURVATURE)
        controls = QHBoxLayout()
        for widget in (self.direction, self.compute_button, self.auto, self.every):
            controls.addWidget(widget)
        controls.addStretch(1)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.addLayout(controls)
        self.layout_.addWidget(self._room, 1)
        self.requests = 0       # Compute clicks, so the scheduler redraws after each
        app_model.sig_generation.connect(self.clear)
        self.clear()

    @property
    def plot(self):
        """The CurvaturePlot that draws the reports (made now if it was not yet)."""
        if self._plot is None:
            self.make_plot()
        return self._plot

    @staticmethod
    def _new_plot():
        from .plots.curvature_plot import CurvaturePlot  # pyqtgraph: not at start-up
        return CurvaturePlot()

    def set_plot(self, plot):
        """Show ``plot``, a CurvaturePlot made elsewhere (step by step, after the first paint)."""
        self._plot = plot
        self.layout_.replaceWidget(self._room, plot)
        self._room.deleteLater()

    @property
    def kind(self):
        """The chosen direction: "update", "gradient" or "random"."""
        return self.direction.currentData()

    def compute(self):
        """Compute a report now (the Compute button); returns whether it worked."""
        ok = self._compute()
        self.requests += 1
        self.sig_computed.emit()
        return ok

    def key(self, snapshot):
        """Changes when the panel would draw something new (see ``gui.redraw.Panel``)."""
        return (self.requests, self._due_token(snapshot))

    def show_snapshot(self, snapshot):
        """Compute if k iterations have passed (when asked to), then draw the latest report."""
        token = self._due_token(snapshot)
        if token is not None and token != self.computed_token and snapshot.iteration > 0:
            self.computed_token = token
            if not self._compute():
                self.auto.setChecked(False)   # one error box, not one every k iterations
        if self.report is not None:
            self.plot.show_report(self.report, self.series, self.crossed_at)

    def clear(self):
        """Forget the reports (a new trainer, a reset)."""
        self.report, self.crossed_at, self.computed_token = None, None, None
        self.series = {"iteration": [], "sharpness": [], "threshold": []}
        if self._plot is not None:
            self._plot.clear()

    def _due_token(self, snapshot):
        return snapshot.iteration // self.every.value() if self.auto.isChecked() else None

    def _compute(self):
        try:
            report = curvature_report(self.app_model.trainer, self.kind)
        except Exception as exc:  # noqa: BLE001 — shown through the one error path, never fatal
            self.app_model.report("Curvature", exc)
            return False
        series = self.series
        was_above = bool(series["iteration"]) and series["sharpness"][-1] > series["threshold"][-1]
        if series["iteration"] and series["iteration"][-1] >= report.iteration:
            keep = sum(1 for i in series["iteration"] if i < report.iteration)  # the same point again
            for values in series.values():
                del values[keep:]
        series["iteration"].append(report.iteration)
        series["sharpness"].append(report.sharpness)
        series["threshold"].append(report.threshold)
        if report.sharpness > report.threshold and not was_above:
            self.crossed_at = report.iteration   # where it went above 2/η (last time)
        self.report = report
        return True


def add_curvature_dock(window, app_model, beside):
    """The curvature panel in a dock tabbed with ``beside``, which stays the tab in front; returns
    (dock, panel)."""
    panel = CurvaturePanel(app_model)
    dock = QDockWidget("Curvature", window)
    dock.setObjectName("curvature_dock")
    dock.setWidget(panel)
    window.addDockWidget(Qt.BottomDockWidgetArea, dock)
    window.tabifyDockWidget(beside, dock)
    beside.raise_()
    return dock, panel
