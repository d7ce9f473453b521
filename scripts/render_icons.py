"""Render the app icon's PNGs from resources/icons/backprop-studio.svg: 48×48 and 256×256 pixels.

Run after editing the SVG: ``QT_QPA_PLATFORM=offscreen python scripts/render_icons.py``; commit the PNGs.
"""
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = (48, 256)


def render(svg, size, target):
    """Draw the SVG into a transparent size×size image and save it as PNG."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    svg.render(painter)
    painter.end()
    if not image.save(str(target)):
        raise OSError(f"could not write {target}")


def main():
    """Render every size next to the SVG."""
    app = QGuiApplication(sys.argv[:1])  # noqa: F841  (QPainter needs the application)
    svg = QSvgRenderer(str(ICONS / "backprop-studio.svg"))
    if not svg.isValid():
        raise SystemExit(f"{ICONS / 'backprop-studio.svg'} is not a valid SVG")
    for size in SIZES:
        target = ICONS / f"backprop-studio-{size}.png"
        render(svg, size, target)
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
