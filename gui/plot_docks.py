"""The four plot docks' contents, built just after the window's first paint.

Building the pyqtgraph plots takes a good part of a second on a slow machine, and none of
them is needed to show the window; so the docks start empty and ``build`` fills them from a
zero-delay timer, or earlier when something asks for a plot (tests, scripts, exports).
"""
from PySide6.QtCore import QTimer

from .plots import BoundaryPlot, GradNormPlot, LossPlot, WeightsPlot


class PlotDocks:
    """The loss, boundary, weights and gradient-norm plots of ``docks`` (in that order); iterating
    it gives the plots, built on first use; ``on_built()`` runs once they exist."""

    def __init__(self, app_model, docks, on_built):
        self.app_model, self.docks, self.on_built = app_model, docks, on_built
        self._plots = None
        QTimer.singleShot(0, self.build)

    @property
    def built(self):
        return self._plots is not None

    def build(self):
        """The plots, made and put in their docks now if they were not yet."""
        if self._plots is None:
            self._plots = (LossPlot(), BoundaryPlot(self.app_model), WeightsPlot(), GradNormPlot())
            for dock, plot in zip(self.docks, self._plots):
                dock.setWidget(plot)
            self.on_built()
        return self._plots

    def __iter__(self):
        return iter(self.build())

    def clear(self):
        """Forget what the plots show (a new trainer); nothing to do before they exist."""
        for plot in self._plots or ():
            plot.clear()
