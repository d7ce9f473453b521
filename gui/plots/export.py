"""Plot exports for slides through pyqtgraph's exporters: the plots themselves (axes, curves,
legends), never the widgets' controls. PNG puts every plot on one sheet; SVG writes one vector file
per plot (``plots-loss.svg``, …). Files are written atomically."""
from pathlib import Path

from pyqtgraph.exporters import ImageExporter, SVGExporter
from PySide6.QtGui import QColor, QImage, QPainter

from core.io.files import atomic_output

from . import svg_closepath

SUFFIXES = (".png", ".svg")
COLUMNS = 2


def plot_items(widgets):
    """(name, graphics item) for every plot of the plot ``widgets`` (each has ``export_items()``)."""
    return [entry for widget in widgets for entry in widget.export_items()]


def plot_image(item, scale=2.0):
    """One plot item as a QImage at ``scale`` × its size on screen (sharper on slides)."""
    exporter = ImageExporter(item)
    width = max(1, int(round(item.boundingRect().width() * scale)))
    exporter.parameters()["width"] = width
    return exporter.export(toBytes=True)


def sheet(images, background):
    """The images on a ``COLUMNS``-wide sheet, row by row, on ``background``."""
    columns = min(COLUMNS, len(images))
    cell_w = max(image.width() for image in images)
    cell_h = max(image.height() for image in images)
    rows = -(-len(images) // columns)
    result = QImage(columns * cell_w, rows * cell_h, QImage.Format.Format_RGB32)
    result.fill(QColor(background))
    painter = QPainter(result)
    for k, image in enumerate(images):
        painter.drawImage((k % columns) * cell_w, (k // columns) * cell_h, image)
    painter.end()
    return result


def svg_paths(path, names):
    """The file each plot goes to: ``path`` for one plot, else ``stem-name.svg`` beside it."""
    path = Path(path)
    if len(names) == 1:
        return [path]
    return [path.with_name(f"{path.stem}-{name}{path.suffix}") for name in names]


def write_plots(path, widgets, background="#FFFFFF"):
    """Export the ``widgets``' plots to ``path`` by its suffix; returns the files written."""
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(f"{path}: plots are exported as .png or .svg, not {suffix or 'no suffix'}")
    entries = [(name, item) for name, item in plot_items(widgets) if item.isVisible()]
    if not entries:
        raise ValueError("there is no plot to export yet")
    if suffix == ".png":
        image = sheet([plot_image(item) for _, item in entries], background)
        with atomic_output(path) as temp:
            if not image.save(str(temp), "PNG"):
                raise ValueError(f"{path}: the image could not be encoded as PNG")
        return [Path(path)]
    written = svg_paths(path, [name for name, _ in entries])
    svg_closepath.install()
    for target, (_, item) in zip(written, entries):
        with atomic_output(target) as temp:
            SVGExporter(item).export(fileName=str(temp))
    return written

