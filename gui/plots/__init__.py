"""Live pyqtgraph plots: loss and accuracy, decision boundary, weights, gradient norms."""
from .boundary_plot import BoundaryPlot
from .gradnorm_plot import GradNormPlot
from .loss_plot import LossPlot
from .weights_plot import WeightsPlot

__all__ = ["BoundaryPlot", "GradNormPlot", "LossPlot", "WeightsPlot"]
