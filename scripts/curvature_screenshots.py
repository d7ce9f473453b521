"""Render the curvature panel offscreen after training the default model with a learning rate just
under and just over 2/λ_max. Writes docs/screenshots/curvature.png (just under: training sharpens
until λ_max crosses 2/η); the picture for just over goes to the temporary directory it prints.

Run: ``QT_QPA_PLATFORM=offscreen python scripts/curvature_screenshots.py``. Settings go to a
temporary directory, so the user's window layout is neither used nor changed.
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

OUT = ROOT / "docs" / "screenshots"
WARM_UP = 100        # iterations at the default learning rate before λ_max is measured
AFTER = 200          # iterations at the new learning rate
EVERY = 10           # the panel computes every EVERY iterations
SIZE = (900, 780)


def settle(ms=200):
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def train(window, n):
    for _ in range(n // EVERY):
        window.app_model.run("Train", lambda t: t.run(EVERY))
        window.redraw.flush()


def render(window, lr, factor, path):
    """Reset, warm up at ``lr``, set η = factor · 2/λ_max, train on, and grab the panel."""
    model, panel = window.app_model, window.curvature_panel
    model.reset()
    model.apply_live("lr", lr)
    panel.auto.setChecked(False)
    window.app_model.run("Train", lambda t: t.run(WARM_UP))
    panel.compute()
    lam = panel.report.sharpness
    model.apply_live("lr", factor * 2 / lam)
    panel.every.setValue(EVERY)
    panel.auto.setChecked(True)
    train(window, AFTER)
    panel.compute()
    window.redraw.flush()
    settle()
    panel.grab().save(str(path))
    print(f"η = {factor} · 2/λ_max = {factor * 2 / lam:.4g} (λ_max at {WARM_UP}: {lam:.4g}): wrote {path}")
    print("  ", panel.plot.stability_caption.text())


def main():
    settings_dir = tempfile.mkdtemp(prefix="screenshots-settings-")
    for fmt in (QSettings.NativeFormat, QSettings.IniFormat):
        QSettings.setPath(fmt, QSettings.UserScope, settings_dir)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from gui import MainWindow
    OUT.mkdir(parents=True, exist_ok=True)
    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    dock = window.curvature_dock
    dock.raise_()   # its tab first: a tabbed-away dock counts as hidden, and the panel computes nothing
    settle()
    dock.setFloating(True)
    dock.resize(*SIZE)
    dock.show()
    settle()
    lr = window.trainer.lr
    render(window, lr, 0.9, OUT / "curvature.png")
    render(window, lr, 1.1, Path(settings_dir) / "curvature_over.png")
    window.close()
    app.processEvents()


if __name__ == "__main__":
    main()
