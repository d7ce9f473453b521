"""The one error path: the slot ``sig_error`` reaches, and a last line of defence (unexpected
exceptions are logged and shown, never fatal). No other module opens error boxes."""
import logging
import sys
import threading
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

log = logging.getLogger("backprop_studio")
LOG_NAME = "backprop-studio.log"

_handlers = []
_reporter = None
_showing = False


def show_error(parent, title, message):
    """A modal critical message box (tests monkeypatch QMessageBox.critical)."""
    QMessageBox.critical(parent, title, message)


def show_errors_of(app_model, parent):
    """Connect the one slot every error reaches: ``app_model.sig_error`` is logged, then shown
    over ``parent``."""
    def report(title, message):
        log.warning("%s: %s", title, message)
        show_error(parent, title, message)
    app_model.sig_error.connect(report)


def install_excepthook(log_dir=None):
    """Log every uncaught exception (rotating file + stderr) and show it in a dialog.

    Covers the main thread (including Qt slots and event handlers) and worker threads;
    a worker's exception is shown by the main thread. Returns the log file's path, or None when
    the file can't be written (then the log goes to stderr only; the app still starts).
    """
    global _reporter
    if log_dir is None:
        log_dir = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    path = Path(log_dir) / LOG_NAME
    for handler in _handlers:
        log.removeHandler(handler)
        handler.close()
    _handlers[:] = [logging.StreamHandler(sys.stderr)]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        file_handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        path = None
    else:
        file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        _handlers.insert(0, file_handler)
    for handler in _handlers:
        log.addHandler(handler)
    log.setLevel(logging.INFO)
    if _reporter is None:
        _reporter = _Reporter()
    _reporter.log_path = path or "the standard error output"
    sys.excepthook = _reporter.handle
    threading.excepthook = _reporter.handle_thread
    return path


class _Reporter(QObject):
    """Lives in the main thread; a worker thread's report reaches it through a queued signal."""

    sig_report = Signal(str, str)

    def __init__(self):
        super().__init__()
        self.log_path = None
        self.sig_report.connect(self._show)

    def handle(self, exc_type, exc_value, exc_traceback):
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc_value, exc_traceback)
            return
        details = "".join(traceback.format_exception(exc_type, exc_value, exc_traceback))
        log.error("Unexpected error\n%s", details)
        summary = "".join(traceback.format_exception_only(exc_type, exc_value)).strip()
        self.sig_report.emit(summary, str(self.log_path))

    def handle_thread(self, args):
        if not issubclass(args.exc_type, SystemExit):  # a thread may end itself quietly
            self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    def _show(self, summary, log_path):
        global _showing
        if _showing or QApplication.instance() is None:
            return  # one dialog at a time: an error while it is open is only logged
        _showing = True
        try:
            show_error(QApplication.activeWindow(), "Unexpected error",
                       f"{summary}\n\nThe app keeps running; your work is not lost. "
                       f"Details were written to {log_path}")
        finally:
            _showing = False
