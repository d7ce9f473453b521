"""Render each built-in lesson at its first question offscreen at 1366×768, to look at them, and
the README's lesson screenshot (docs/screenshots/lessons.png: the gates lesson, a wrong answer
and the mul gate highlighted).

Run: ``QT_QPA_PLATFORM=offscreen python scripts/lesson_screenshots.py [folder]`` (default:
a temporary folder, printed). Settings go to a temporary directory.
"""
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

SIZE = (1366, 768)


def settle(ms=300):
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def first_question(panel, index):
    """Start lesson ``index`` and go to its first question, doing the actions before it."""
    panel.start(index)
    while panel.run.step.question is None and not panel.run.at_end:
        panel.next_step()
    while panel.run.pending:       # shown as the learner sees it once the step's actions are done
        panel.do_next()


def save(window, path):
    window.refresh()
    settle()
    window.grab().save(str(path))
    print(f"wrote {path}")


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="lessons-"))
    out.mkdir(parents=True, exist_ok=True)
    settings_dir = tempfile.mkdtemp(prefix="screenshots-settings-")
    for fmt in (QSettings.NativeFormat, QSettings.IniFormat):
        QSettings.setPath(fmt, QSettings.UserScope, settings_dir)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from core.lessons import COURSE
    from gui import MainWindow
    window = MainWindow()
    window.resize(*SIZE)
    window.show()
    while not window.plot_docks.built:   # the plots are built just after the first paint
        settle(50)
    settle()
    panel = window.lesson_panel
    panel.start(COURSE.index("gates"))      # first, beside the app's own spiral network
    panel.next_step()
    panel.do_next()
    panel.answer("4")
    save(window, ROOT / "docs" / "screenshots" / "lessons.png")
    for index, key in enumerate(COURSE):
        first_question(panel, index)
        save(window, out / f"lesson-{index + 1}-{key}.png")
    window.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
