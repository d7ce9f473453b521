"""The whole computational graph as a file for slides: real SVG (vector), or PNG at a scale.

Every node is drawn, not only the part the view shows; the file is written through
``atomic_output`` (a failed export leaves an existing file as it was).
"""
import math
from pathlib import Path

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgGenerator

from core.io.files import atomic_output

from .graph_items import uncached

FORMATS = (".svg", ".png")


def export_graph(view, path, scale=2.0):
    """Write ``view``'s whole graph to ``path``: SVG for a ``.svg`` name, PNG at ``scale`` pixels
    per scene unit for ``.png``."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"cannot export the graph as '{suffix or Path(path).name}': "
                         f"name the file .svg (vector, for slides) or .png")
    if not (isinstance(scale, (int, float)) and 0.25 <= scale <= 8):
        raise ValueError(f"the PNG scale must be between 0.25 and 8, got {scale!r}")
    scene = view.scene()
    source = scene.sceneRect()
    if source.isEmpty():
        raise ValueError("there is no graph to export yet")
    with atomic_output(path) as temp:
        if suffix == ".svg":
            _write_svg(scene, source, view.backgroundBrush(), temp)
        else:
            _write_png(scene, source, view.backgroundBrush(), scale, temp)


def _write_svg(scene, source, background, temp):
    size = QSize(math.ceil(source.width()), math.ceil(source.height()))
    generator = QSvgGenerator()
    generator.setFileName(str(temp))
    generator.setSize(size)
    generator.setViewBox(QRectF(0, 0, size.width(), size.height()))
    generator.setTitle("Backprop Studio computational graph")
    _paint(generator, scene, source, background, QRectF(0, 0, size.width(), size.height()))


def _write_png(scene, source, background, scale, temp):
    image = QImage(math.ceil(source.width() * scale), math.ceil(source.height() * scale),
                   QImage.Format.Format_ARGB32)
    image.fill(background.color())
    _paint(image, scene, source, background, QRectF(0, 0, image.width(), image.height()))
    if not image.save(str(temp), "PNG"):
        raise ValueError("the image could not be encoded as PNG")


def _paint(device, scene, source, background, target):
    painter = QPainter(device)
    try:
        painter.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing)
        painter.fillRect(target, background)
        with uncached(scene):
            scene.render(painter, target, source)
    finally:
        painter.end()
