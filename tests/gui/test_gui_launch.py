"""The backprop-studio command: --version, --selftest, unknown options, Qt's options passed on, and
the app opening with its desktop identity and icon and closing by itself after --quit-after."""
import subprocess
import sys
import types
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

import core
from gui import launch, selftest
from gui.app import run_app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def started(monkeypatch):
    """run_app replaced by a recorder: the arguments each start would have had."""
    calls = []
    fake = types.ModuleType("gui.app")
    fake.run_app = lambda argv, quit_after=None: calls.append((argv, quit_after)) or 0
    monkeypatch.setitem(sys.modules, "gui.app", fake)
    return calls


def test_version_is_the_package_version(capsys):
    assert launch.main(["--version"]) == 0
    assert capsys.readouterr().out == f"backprop-studio {core.__version__}\n"


def test_qt_options_reach_qt_and_quit_after_is_read(started):
    assert launch.main(["-style", "fusion", "--quit-after", "2.5"]) == 0
    assert started == [(["-style", "fusion"], 2.5)]


def test_a_mistyped_option_is_an_error_not_a_window(started, capsys):
    assert launch.main(["--selftets"]) == 2
    assert capsys.readouterr().err == "error: unknown option --selftets (see backprop-studio --help)\n"
    assert launch.main(["--quit-after", "soon"]) == 2
    assert "'soon' is not a number of seconds > 0" in capsys.readouterr().err
    assert started == []


def test_a_command_runs_headless(capsys):
    assert launch.main(["train", "--iterations", "3", "--samples", "40", "--quiet"]) == 0
    assert capsys.readouterr().out.startswith("train accuracy ")


def test_help_lists_the_app_options(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["/venv/bin/backprop-studio", "--help"])
    assert launch.main(["--help"]) == 0
    out = capsys.readouterr().out
    for option in ("--version", "--selftest", "--install-desktop", "--uninstall-desktop", "--quit-after"):
        assert option in out
    assert "usage: backprop-studio" in out


def test_selftest_passes_here_with_a_line_per_check():
    result = subprocess.run([sys.executable, "main.py", "--selftest"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, check=False)
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stdout + result.stderr
    names = [name for name, _ in selftest.CHECKS]
    assert [line.split(":")[0] for line in lines[:-1]] == [f"ok    {name}" for name in names]
    assert lines[-1] == f"{len(names)} of {len(names)} checks passed"
    assert "reverse and forward mode match a numerical gradient" in lines[0]
    assert "digits 1797×64, iris 150×4" in result.stdout


def test_a_failing_check_is_reported_and_the_others_still_run(monkeypatch, capsys):
    def broken():
        raise selftest.CheckFailed("digits.csv.gz is missing")

    monkeypatch.setattr(selftest, "CHECKS", (("bundled data", broken), ("engine", selftest.check_engine)))
    assert launch.main(["--selftest"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "FAIL  bundled data: digits.csv.gz is missing"
    assert lines[1].startswith("ok    engine: ") and lines[2] == "1 of 2 checks passed"


def test_a_qt_that_cannot_start_fails_the_qt_check(monkeypatch):
    failed = types.SimpleNamespace(returncode=1, stdout="", stderr="ImportError: libEGL.so.1: cannot open")
    monkeypatch.setattr(subprocess, "run", lambda *args, **kwargs: failed)
    with pytest.raises(selftest.CheckFailed, match="Qt could not start: ImportError: libEGL.so.1"):
        selftest.check_qt()


def test_the_app_has_its_desktop_name_and_icon_and_quits_after_the_delay(qtbot, dialogs):
    assert run_app([], quit_after=0.2) == 0
    app = QApplication.instance()
    assert app.desktopFileName() == "backprop-studio"
    sizes = {size.width() for size in app.windowIcon().availableSizes()}
    assert {48, 256} <= sizes
    assert not [w for w in app.topLevelWidgets() if w.isVisible() and w.windowTitle() == "Backprop Studio"]


def test_version_install_desktop_and_commands_never_import_qt(tmp_path):
    script = ("import sys; from gui import launch; "
              "codes = [launch.main(['--version']), launch.main(['--install-desktop']), "
              "launch.main(['--uninstall-desktop'])]; "
              "print(codes, [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph'))])")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, check=False, env={"XDG_DATA_HOME": str(tmp_path), "PATH": ""})
    assert result.stdout.strip().splitlines()[-1] == "[0, 0, 0] []", result.stderr
