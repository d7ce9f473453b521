"""The Lab workspace: the expression lab beside the trainer (``install_lab(window)``; the
workspace itself, ``gui.lab.workspace.LabWorkspace``, is built on first use)."""
from .switch import install_lab

__all__ = ["install_lab"]
