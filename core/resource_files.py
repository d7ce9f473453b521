"""Where the bundled files (data sets, icons, the .desktop file) are: inside the installed package.

A wheel installs the repository's ``resources/`` folder as ``core/resources/``; a source checkout
(or an editable install) keeps it next to ``core/``.
"""
from importlib import resources
from pathlib import Path


def resource(*parts) -> Path:
    """The path of a bundled file or folder, e.g. ``resource("data", "iris.csv")``."""
    package = Path(str(resources.files("core")))
    installed = package / "resources"
    root = installed if installed.is_dir() else package.parent / "resources"
    return root.joinpath(*parts)
