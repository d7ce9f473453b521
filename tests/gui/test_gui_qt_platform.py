"""Before Qt starts: a missing system library of the xcb plugin is named, with the commands that
install it, instead of Qt's abort. The libraries are simulated missing by patching the loader."""
import ctypes
import shutil
import subprocess
import sys
import types

import pytest

import main
from gui import qt_platform

X11 = {"DISPLAY": ":0"}
LDD_OUTPUT = """\
\tlinux-vdso.so.1 (0x00007ffd)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f1)
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb-cursor.so.0 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f2)
"""


@pytest.mark.parametrize("environ, platform, expected", [
    ({"DISPLAY": ":0"}, "linux", True),
    ({"QT_QPA_PLATFORM": "xcb"}, "linux", True),
    ({"QT_QPA_PLATFORM": "xcb:dpi=96"}, "linux", True),
    ({"QT_QPA_PLATFORM": "offscreen"}, "linux", False),
    ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, "linux", False),  # Qt picks wayland
    ({"DISPLAY": ":0"}, "darwin", False),
    ({}, "win32", False),
])
def test_the_check_runs_only_where_qt_would_load_xcb(environ, platform, expected):
    assert qt_platform.uses_xcb(environ, platform) is expected


def test_ldd_lists_every_library_not_found_once(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/ldd")
    calls = []

    def fake_run(command, **kwargs):
        calls.append(command)
        return types.SimpleNamespace(stdout=LDD_OUTPUT, returncode=0)

    monkeypatch.setattr(subprocess, "run", fake_run)
    assert qt_platform.missing_libraries("/x/libqxcb.so") == ["libxcb-cursor.so.0", "libxcb-icccm.so.4"]
    assert calls == [["/usr/bin/ldd", "/x/libqxcb.so"]]


def test_without_ldd_the_usual_suspects_are_loaded_one_by_one(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    tried = []

    def fake_cdll(name):
        tried.append(name)
        if name == "libxcb-cursor.so.0":
            raise OSError(f"{name}: cannot open shared object file")

    monkeypatch.setattr(ctypes, "CDLL", fake_cdll)
    assert qt_platform.missing_libraries("/x/libqxcb.so") == ["libxcb-cursor.so.0"]
    assert tried == list(qt_platform.USUAL_SUSPECTS)


@pytest.mark.skipif(sys.platform != "linux", reason="the xcb plugin is Linux's")
def test_the_installed_pyside6_has_an_xcb_plugin_that_ldd_can_read():
    plugin = qt_platform.xcb_plugin()
    assert plugin is not None and plugin.name == "libqxcb.so"
    assert isinstance(qt_platform.missing_libraries(plugin), list)


@pytest.mark.parametrize("soname, packages", [
    ("libxcb-cursor.so.0", ("libxcb-cursor0", "xcb-util-cursor")),
    ("libxcb-icccm.so.4", ("libxcb-icccm4", "xcb-util-wm")),
    ("libxcb-keysyms.so.1", ("libxcb-keysyms1", "xcb-util-keysyms")),
    ("libxcb-shape.so.0", ("libxcb-shape0", "libxcb")),       # from the pattern
    ("libxcb-randr.so.0", ("libxcb-randr0", "libxcb")),
    ("libxkbcommon-x11.so.0", ("libxkbcommon-x11-0", "libxkbcommon-x11")),
    ("libEGL.so.1", ("libegl1", "libglvnd-egl")),
    ("libunheard-of.so.7", None),
])
def test_each_library_maps_to_its_debian_and_fedora_package(soname, packages):
    assert qt_platform.packages_for(soname) == packages


def test_the_message_names_the_libraries_and_both_install_commands():
    text = qt_platform.explain(["libxcb-cursor.so.0", "libxcb-shape.so.0", "libxcb-xkb.so.1"])
    assert "libxcb-cursor.so.0, libxcb-shape.so.0, libxcb-xkb.so.1" in text
    assert "sudo apt install libxcb-cursor0 libxcb-shape0 libxcb-xkb1" in text
    assert "sudo dnf install xcb-util-cursor libxcb\n" in text  # libxcb once
    assert "backprop-studio train --help" in text


def test_an_unknown_library_gets_the_search_commands():
    text = qt_platform.explain(["libunheard-of.so.7"])
    assert "apt-file search libunheard-of.so.7" in text and "dnf provides '*/libunheard-of.so.7'" in text
    assert "sudo apt install" not in text


def test_no_display_is_reported_before_qt_tries(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    assert "DISPLAY is not set" in qt_platform.startup_problem({})


def test_nothing_is_wrong_with_every_library_present(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(qt_platform, "xcb_plugin", lambda: tmp_path / "libqxcb.so")
    monkeypatch.setattr(qt_platform, "missing_libraries", lambda plugin: [])
    assert qt_platform.startup_problem(X11) == ""
    assert qt_platform.startup_problem({"QT_QPA_PLATFORM": "offscreen"}) == ""


def test_the_app_says_what_is_missing_and_never_creates_a_qapplication(monkeypatch, capsys, tmp_path):
    """The whole start-up path, with libxcb-cursor missing as the loader reports it."""
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("QT_QPA_PLATFORM")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(qt_platform, "xcb_plugin", lambda: tmp_path / "libqxcb.so")
    monkeypatch.setattr(shutil, "which", lambda name: None)   # no ldd: the ctypes path

    def fake_cdll(name):
        if name == "libxcb-cursor.so.0":
            raise OSError(f"{name}: cannot open shared object file: No such file or directory")

    monkeypatch.setattr(ctypes, "CDLL", fake_cdll)
    started = []
    fake = types.ModuleType("gui.app")
    fake.run_app = lambda argv, quit_after=None: started.append(argv) or 0
    monkeypatch.setitem(sys.modules, "gui.app", fake)

    assert main.main([]) == qt_platform.EXIT_CODE
    err = capsys.readouterr().err
    assert "libxcb-cursor.so.0" in err
    assert "sudo apt install libxcb-cursor0" in err and "sudo dnf install xcb-util-cursor" in err
    assert started == []
