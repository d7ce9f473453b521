"""Start the app: QApplication, the exception hook, the main window."""
import sys

from PySide6.QtWidgets import QApplication

from .errors import install_excepthook
from .file_actions import APPLICATION, ORGANIZATION
from .main_window import MainWindow


def run_app(argv) -> int:
    """Show the main window and run the event loop; returns the exit code."""
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    install_excepthook()
    window = MainWindow()
    window.show()
    return app.exec()
