"""Bundled files are found inside the installed package (core/resources), or in a clone's resources/."""
from importlib import resources

from core import resource_files
from core.data import DATA_DIR


def test_a_clone_finds_the_repository_resources():
    assert resource_files.resource("data", "iris.csv").is_file()
    assert resource_files.resource("icons", "backprop-studio.svg").is_file()
    assert DATA_DIR == resource_files.resource("data")


def test_an_installed_package_finds_its_own_copy(monkeypatch, tmp_path):
    package = tmp_path / "site-packages" / "core"
    (package / "resources" / "data").mkdir(parents=True)
    (package / "resources" / "data" / "iris.csv").write_text("installed")
    monkeypatch.setattr(resources, "files", lambda name: package)
    assert resource_files.resource("data", "iris.csv").read_text() == "installed"
    assert resource_files.resource() == package / "resources"
