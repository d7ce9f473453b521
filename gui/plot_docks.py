"""The four plot docks' contents (and the curvature plot), built just after the window's first paint.

Importing pyqtgraph and building its plots takes a good part of a second, and none of them is
needed to show the window; so the docks start empty and ``build`` fills them from the event loop
once the window has been painted, or earlier when something asks for a plot (tests, scripts,
exports). Until then nothing here imports pyqtgraph.
"""
from PySide6.QtCore import QEvent, QObject, QTimer


class PlotDocks(QObject):
    """The loss, boundary, weights and gradient-norm plots of ``docks`` (in that order); iterating
    it gives the plots, built on first use or after ``painted`` (a widget) is first painted;
    ``later`` callables run then too (other panels' plots), and ``on_built()`` once they exist."""

    def __init__(self, app_model, docks, on_built, painted, later=()):
        super().__init__(painted)
        self.app_model, self.docks, self.on_built, self.later = app_model, docks, on_built, later
        self._plots = None
        self._painted = painted
        self.painted = False   # the window has been painted: from now on a panel may build them
        painted.installEventFilter(self)

    @property
    def built(self):
        return self._plots is not None

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Paint and watched is self._painted:
            watched.removeEventFilter(self)
            self.painted = True
            QTimer.singleShot(0, self.build)   # after this paint has reached the screen
        return False

    def build(self):
        """The plots, made and put in their docks now if they were not yet."""
        if self._plots is None:
            from .plots import BoundaryPlot, GradNormPlot, LossPlot, WeightsPlot  # pyqtgraph: not at start-up
            self._plots = (LossPlot(), BoundaryPlot(self.app_model), WeightsPlot(), GradNormPlot())
            for dock, plot in zip(self.docks, self._plots):
                dock.setWidget(plot)
            for build in self.later:
                build()
            self.on_built()
        return self._plots

    def __iter__(self):
        return iter(self.build())

    def clear(self):
        """Forget what the plots show (a new trainer); nothing to do before they exist."""
        for plot in self._plots or ():
            plot.clear()
