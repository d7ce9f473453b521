"""Backprop Studio's Qt front end. ``from gui import MainWindow`` opens the app's window.

The window is imported on first use, so ``gui.plots`` and friends load without it.
"""
__all__ = ["MainWindow"]


def __getattr__(name):
    if name == "MainWindow":
        from .main_window import MainWindow
        return MainWindow
    raise AttributeError(f"module 'gui' has no attribute {name!r}")
