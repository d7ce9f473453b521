"""The wheel's contents as pyproject.toml declares them: every package of core and gui, the
resources folder as core/resources, one command, nothing else at the top level of site-packages.
(scripts/install_check.sh builds and installs the real wheel; these checks are the fast part.)"""
import tomllib
from pathlib import Path

import core
from gui import launch

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PROJECT["tool"]["setuptools"]


def on_disk():
    """Every package the sources hold, by the name it gets in the wheel."""
    names = {".".join(init.parent.relative_to(ROOT).parts)
             for top in ("core", "gui") for init in (ROOT / top).rglob("__init__.py")}
    names |= {".".join(("core", *folder.relative_to(ROOT).parts))
              for folder in [ROOT / "resources", *(ROOT / "resources").rglob("*")]
              if folder.is_dir() and folder.name != "__pycache__"}
    return names


def test_every_package_and_resource_folder_is_listed():
    listed = set(SETUPTOOLS["packages"])
    assert not on_disk() - listed, f"add to [tool.setuptools] packages: {sorted(on_disk() - listed)}"
    assert not listed - on_disk(), f"listed but not in the sources: {sorted(listed - on_disk())}"


def test_resources_install_as_core_resources_and_nothing_else_is_top_level():
    assert SETUPTOOLS["package-dir"] == {"core.resources": "resources"}
    assert "py-modules" not in SETUPTOOLS     # no top-level main or cli in site-packages
    assert {name.split(".")[0] for name in SETUPTOOLS["packages"]} == {"core", "gui"}
    assert SETUPTOOLS["package-data"] == {"*": ["*"]}


def test_the_command_and_the_version_have_one_source():
    assert PROJECT["project"]["scripts"] == {"backprop-studio": "gui.launch:main"}
    assert callable(launch.main)
    assert "version" in PROJECT["project"]["dynamic"]
    assert SETUPTOOLS["dynamic"]["version"] == {"attr": "core.__version__"}
    assert core.__version__.count(".") == 2
