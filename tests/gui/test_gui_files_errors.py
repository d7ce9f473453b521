"""The last line of defence: an unexpected exception is logged and shown, and the app runs on."""
import sys
import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from gui import errors


@pytest.fixture
def hook(tmp_path, monkeypatch):
    """install_excepthook() into tmp_path; every hook and handler is put back afterwards."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    monkeypatch.setattr(errors.log, "handlers", [])
    monkeypatch.setattr(errors, "_handlers", [])
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append((title, text)))
    path = errors.install_excepthook(tmp_path)
    yield path, shown
    for handler in errors.log.handlers:
        handler.close()


def test_show_error_is_a_critical_message_box(hook):
    _, shown = hook
    errors.show_error(None, "Cannot export", "/tmp/x.png: Permission denied")
    assert shown == [("Cannot export", "/tmp/x.png: Permission denied")]


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_slot_is_logged_and_shown(qtbot, hook):
    path, shown = hook

    def broken_slot():
        raise ZeroDivisionError("the slot divided by zero")
    QTimer.singleShot(0, broken_slot)
    qtbot.waitUntil(lambda: len(shown) == 1)

    title, text = shown[0]
    assert title == "Unexpected error"
    assert "ZeroDivisionError: the slot divided by zero" in text and str(path) in text
    logged = path.read_text()
    assert "Traceback" in logged and "broken_slot" in logged


@pytest.mark.qt_no_exception_capture
def test_an_error_while_the_dialog_is_open_is_only_logged(qtbot, hook, monkeypatch):
    path, shown = hook

    def critical_that_fails_again(parent, title, text):
        shown.append(text)
        try:
            raise KeyError("second")
        except KeyError:
            sys.excepthook(*sys.exc_info())
    monkeypatch.setattr(QMessageBox, "critical", critical_that_fails_again)

    try:
        raise RuntimeError("first")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())

    assert len(shown) == 1 and "first" in shown[0]
    assert "KeyError: 'second'" in path.read_text()


@pytest.mark.qt_no_exception_capture
def test_a_worker_thread_exception_is_shown_by_the_main_thread(qtbot, hook):
    path, shown = hook

    def work():
        raise ValueError("bad batch in the worker")
    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(shown) == 1)

    assert "ValueError: bad batch in the worker" in shown[0][1]
    assert "bad batch in the worker" in path.read_text()


def test_an_unwritable_log_folder_leaves_logging_to_stderr(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    monkeypatch.setattr(errors.log, "handlers", [])
    monkeypatch.setattr(errors, "_handlers", [])
    blocker = tmp_path / "a file"
    blocker.write_text("")
    assert errors.install_excepthook(blocker / "logs") is None
    assert sys.excepthook == errors._reporter.handle
