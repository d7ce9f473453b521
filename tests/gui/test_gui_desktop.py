"""The launcher for the current user: --install-desktop writes the .desktop file and the hicolor
icons under $XDG_DATA_HOME, --uninstall-desktop removes them; the files are valid."""
import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

import main
from core.resource_files import resource
from gui import desktop

INSTALLED = ["applications/backprop-studio.desktop",
             "icons/hicolor/scalable/apps/backprop-studio.svg",
             "icons/hicolor/48x48/apps/backprop-studio.png",
             "icons/hicolor/256x256/apps/backprop-studio.png"]
needs_validator = pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                                     reason="desktop-file-validate is not installed")


def entry(path):
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_data_home_follows_xdg_data_home_when_absolute(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert desktop.data_home({"XDG_DATA_HOME": "/srv/share"}) == Path("/srv/share")
    assert desktop.data_home({"XDG_DATA_HOME": "relative/share"}) == tmp_path / ".local" / "share"
    assert desktop.data_home({}) == tmp_path / ".local" / "share"


def test_install_and_uninstall_through_the_command(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert main.main(["--install-desktop"]) == 0
    out = capsys.readouterr().out
    for name in INSTALLED:
        assert (tmp_path / name).is_file() and f"wrote {tmp_path / name}" in out
    svg = tmp_path / "icons/hicolor/scalable/apps/backprop-studio.svg"
    assert svg.read_bytes() == resource("icons", "backprop-studio.svg").read_bytes()
    png = (tmp_path / "icons/hicolor/48x48/apps/backprop-studio.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"

    assert main.main(["--uninstall-desktop"]) == 0
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
    assert main.main(["--uninstall-desktop"]) == 0
    assert "nothing to remove" in capsys.readouterr().out


def test_the_launcher_runs_this_installation(tmp_path, capsys):
    desktop.install(None, root=tmp_path, command="/opt/bp/bin/backprop-studio")
    fields = entry(tmp_path / INSTALLED[0])
    assert fields["Exec"] == "/opt/bp/bin/backprop-studio"
    assert fields["Name"] == "Backprop Studio" and fields["Icon"] == desktop.APP_ID
    assert fields["Type"] == "Application" and fields["Terminal"] == "false"


def test_the_command_is_the_script_or_python_with_main_py(tmp_path):
    script = tmp_path / "bin" / "backprop-studio"
    assert desktop.launch_command(str(script)) == str(script)
    clone = tmp_path / "my clone" / "main.py"
    assert desktop.launch_command(str(clone), "/usr/bin/python3") == f'/usr/bin/python3 "{clone}"'


@pytest.mark.parametrize("argument, quoted", [
    ("/usr/bin/backprop-studio", "/usr/bin/backprop-studio"),
    ("/home/a b/bin/x", '"/home/a b/bin/x"'),
    ('/a"b$c', '"/a\\\\"b\\\\$c"'),     # escaped for the quoting rule, then for the string rule
    ("/100%/x", "/100%%/x"),
])
def test_exec_arguments_are_quoted_as_the_spec_asks(argument, quoted):
    assert desktop._exec_quote(argument) == quoted


@needs_validator
def test_bundled_desktop_file_passes_desktop_file_validate():
    result = subprocess.run(["desktop-file-validate", str(resource("desktop", "backprop-studio.desktop"))],
                            capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr


@needs_validator
def test_installed_desktop_file_passes_desktop_file_validate(tmp_path):
    desktop.install(None, root=tmp_path, command=desktop.launch_command("/tmp/my apps/backprop-studio"))
    result = subprocess.run(["desktop-file-validate", str(tmp_path / INSTALLED[0])],
                            capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr
