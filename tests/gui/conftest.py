"""Shared GUI fixtures: settings in a temporary directory, message boxes recorded instead of
shown, a widget shown, and a main window on the default session."""
import pytest
from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QMessageBox


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory):
    """Every test reads and writes its own settings, never the user's."""
    path = tmp_path_factory.mktemp("settings")
    QStandardPaths.setTestModeEnabled(True)
    QSettings.setDefaultFormat(QSettings.IniFormat)
    for settings_format in (QSettings.NativeFormat, QSettings.IniFormat):
        QSettings.setPath(settings_format, QSettings.UserScope, str(path))
    return path


class Dialogs:
    """Message boxes seen during a test: (kind, title, text); ``answer`` is what question() returns."""

    def __init__(self):
        self.shown = []
        self.answer = QMessageBox.Yes

    def kinds(self):
        return [kind for kind, _, _ in self.shown]


@pytest.fixture
def dialogs(monkeypatch):
    d = Dialogs()

    def box(kind):
        def show(parent, title, text, *args, **kwargs):
            d.shown.append((kind, title, text))
            return d.answer if kind == "question" else QMessageBox.Ok
        return show

    for kind in ("critical", "warning", "information", "question"):
        monkeypatch.setattr(QMessageBox, kind, box(kind))
    return d


@pytest.fixture
def shown(qtbot):
    """``shown(widget)``: the widget shown at 640×480 (offscreen) and exposed, returned."""
    def show(widget):
        qtbot.addWidget(widget)
        widget.resize(640, 480)
        widget.show()
        qtbot.waitExposed(widget)
        return widget
    return show


@pytest.fixture
def window(qtbot, dialogs):
    """The app's main window, shown (offscreen), on the default spiral MLP."""
    from gui import MainWindow
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    # the plots are built just after the first paint (a loaded machine may take seconds to import them)
    qtbot.waitUntil(lambda: w.plot_docks.built, timeout=30000)
    yield w
    w.play.stop()
