"""Start the app: QApplication with its desktop identity and icon, the exception hook, the window."""
import gc
import sys

from PySide6.QtCore import QSize, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from core.resource_files import resource

from .desktop import APP_ID, ICONS
from .errors import install_excepthook
from .file_actions import APPLICATION, ORGANIZATION
from .main_window import MainWindow


def app_icon() -> QIcon:
    """The bundled icon in the sizes it ships in (the PNGs: no image plugin needed to read them)."""
    icon = QIcon()
    for folder, name in ICONS.items():
        if folder != "scalable":
            width = int(folder.split("x")[0])
            icon.addFile(str(resource("icons", name)), QSize(width, width))
    return icon


def run_app(argv, quit_after=None) -> int:
    """Show the main window and run the event loop; returns the exit code.

    ``quit_after`` (seconds) closes the window by itself, as a user would: the install check's
    proof that the installed app opens and shuts down cleanly.
    """
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setDesktopFileName(APP_ID)  # Wayland and task bars match the window to backprop-studio.desktop
    app.setWindowIcon(app_icon())
    install_excepthook()
    window = show_window()
    if quit_after is not None:
        QTimer.singleShot(round(quit_after * 1000), window.close)
    return app.exec()


def show_window():
    """The main window, shown. The garbage collector, if ``gui.launch`` paused it for the start-up,
    resumes in the event loop's first turn with the start-up's objects frozen out of its way, so
    a full collection (30–40 ms over them, a stall of the event loop) scans only what comes later."""
    window = MainWindow()
    window.show()
    QTimer.singleShot(0, _resume_collector)
    return window


def _resume_collector():
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
