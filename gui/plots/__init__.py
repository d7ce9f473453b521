"""Live pyqtgraph plots: loss and accuracy, decision boundary, weights, gradient norms, curvature.

The plot classes are imported on first use, so ``gui.plots.sizes`` (the room the window keeps for
them before the first paint) loads without pyqtgraph.
"""
import importlib

_MODULES = {"BoundaryPlot": "boundary_plot", "CurvaturePlot": "curvature_plot",
            "GradNormPlot": "gradnorm_plot", "LossPlot": "loss_plot", "WeightsPlot": "weights_plot"}
__all__ = list(_MODULES)


def __getattr__(name):
    if name in _MODULES:
        return getattr(importlib.import_module(f".{_MODULES[name]}", __name__), name)
    raise AttributeError(f"module 'gui.plots' has no attribute {name!r}")
