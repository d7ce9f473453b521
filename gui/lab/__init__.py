"""The Lab workspace: the expression lab beside the trainer (``install_lab(window)``)."""
from .switch import install_lab
from .workspace import LabWorkspace

__all__ = ["LabWorkspace", "install_lab"]
