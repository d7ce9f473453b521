"""Render the README's screenshots offscreen at 1366×768 (a common laptop screen): after a
backward pass, and after a few hundred iterations; and presentation mode on a 1280×720 projector
during Next node. Writes docs/screenshots/backward.png, trained.png and presentation_dark.png.

Run: ``make screenshots`` (or ``QT_QPA_PLATFORM=offscreen python scripts/screenshots.py``).
Settings go to a temporary directory, so the user's window layout is neither used nor changed.
"""
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QAction  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
TRAINED_ITERATIONS = 400


def settle(ms=300):
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def trigger(window, *names):
    for name in names:
        window.findChild(QAction, name).trigger()


def node_named(window, name):
    return next(n.id for n in window.trainer.snapshot().graph if n.name == name)


def save(window, name):
    window.refresh()
    settle()
    path = OUT / name
    window.grab().save(str(path))
    print(f"wrote {path.relative_to(ROOT)}")


def main():
    settings_dir = tempfile.mkdtemp(prefix="screenshots-settings-")
    for fmt in (QSettings.NativeFormat, QSettings.IniFormat):
        QSettings.setPath(fmt, QSettings.UserScope, settings_dir)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from gui import MainWindow
    OUT.mkdir(parents=True, exist_ok=True)
    window = MainWindow()
    window.resize(1366, 768)
    window.show()
    while not window.plot_docks.built:   # the plots are built just after the first paint
        settle(50)
    settle()

    trigger(window, "action_forward", "action_loss")
    relu = max(n.id for n in window.trainer.snapshot().graph if n.op == "relu")
    # Next node steps as the graph shows it: a collapsed layer is one step
    step_node = window.findChild(QAction, "action_step_node")
    # step back to the last ReLU (the action turns itself off if backward ends first)
    while window.trainer.snapshot().active_node != relu and step_node.isEnabled():
        step_node.trigger()
    window.graph_view.select_node(relu)
    save(window, "backward.png")

    trigger(window, "action_step")
    window.trainer.run(TRAINED_ITERATIONS - 2)
    trigger(window, "action_forward", "action_loss", "action_backward", "action_update")
    window.graph_view.select_node(node_named(window, "2.weight"))
    save(window, "trained.png")

    trigger(window, "action_theme_dark", "action_presentation", "action_forward", "action_loss")
    window.setWindowState(Qt.WindowNoState)   # the offscreen screen is no projector: its size
    window.resize(1280, 720)
    settle()
    for _ in range(3):
        step_node.trigger()
    save(window, "presentation_dark.png")
    trigger(window, "action_presentation")
    window.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
