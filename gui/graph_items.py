"""The scene items of the computational graph: a box per node and an arrow per edge.

Built only from Qt's own items (no Python ``paint()``), created once per graph structure and
then only re-coloured and re-texted, so redrawing at 30 Hz stays cheap.
"""
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import (
    QGraphicsPathItem,
    QGraphicsPolygonItem,
    QGraphicsRectItem,
    QGraphicsSimpleTextItem,
)

from .array_view import gradient_colour, shape_text, summary_lines

STAGE_COLOURS = {"input": "#7F7F7F", "parameter": "#009E73", "model": "#3C3C3C", "loss": "#CC79A7"}
GLOW = QColor(240, 200, 0, 150)          # the active node, and the gradient it received
SENT_GLOW = QColor(0, 158, 115, 110)      # the gradients it sent to its inputs
ALARM_GLOW = QColor(213, 94, 0, 170)      # where a diverged run first went NaN/Inf
SHORT_LABELS = {"softmax_cross_entropy": "softmax CE", "multiclass_hinge_loss": "hinge loss"}
PENDING_FILL = QColor("#FFF6D5")
DONE_FILL = QColor("#F3F7FB")
PLAIN_FILL = QColor("white")
SELECTED = QColor("#000000")
LABEL_FONT_SIZE = 12
NODE_ID = 0          # QGraphicsItem.data() key holding the node id


_FONTS = {}


def display_label(node):
    """The node's label, with long fused-op names shortened to fit a box."""
    return SHORT_LABELS.get(node.label, node.label)


def _font(pixels, bold=False):
    """A shared font and its metrics (building QFontMetrics per call is slow)."""
    key = (pixels, bold)
    if key not in _FONTS:
        font = QFont("DejaVu Sans Condensed")
        font.setPixelSize(pixels)
        font.setBold(bold)
        _FONTS[key] = (font, QFontMetrics(font))
    return _FONTS[key]


class NodeItem:
    """One node: a rounded box with its label, shape, value and gradient, plus a glow behind."""

    PAD = 6

    def __init__(self, node, scene, x, y, width, height):
        self.width = width
        self.rect = QRectF(0, 0, width, height)
        outline = QPainterPath()
        outline.addRoundedRect(self.rect, 8, 8)
        glow_path = QPainterPath()
        glow_path.addRoundedRect(self.rect.adjusted(-7, -7, 7, 7), 13, 13)
        self.glow = QGraphicsPathItem(glow_path)
        self.glow.setPen(Qt.NoPen)
        self.glow.setBrush(GLOW)
        self.glow.setZValue(1)
        self.glow.setPos(x, y)
        self.glow.hide()
        self.box = QGraphicsPathItem(outline)
        self.box.setZValue(2)
        self.box.setPos(x, y)
        self.box.setData(NODE_ID, node.id)
        self.box.setCursor(Qt.PointingHandCursor)
        self.stage_colour = QColor(STAGE_COLOURS.get(node.stage, "#3C3C3C"))
        self.title = self._text(display_label(node), _font(15, bold=True), 3)
        self.title.setBrush(self.stage_colour)
        self.subtitle = self._text("", _font(12), 22)
        self.subtitle.setBrush(QColor("#6A6A6A"))
        self.shape = None
        self.set_shape(node)
        self.value_text = [self._text("", _font(12), 40), self._text("", _font(12), 54)]
        self.grad_text = [self._text("", _font(12), 70), self._text("", _font(12), 84)]
        self.pending = self.selected = False
        self._look = None
        scene.addItem(self.glow)
        scene.addItem(self.box)
        self.set_state(value=None, upstream=None, pending=False, done=False, active=False,
                       selected=False, alarm=False)

    def _text(self, text, font, y):
        item = QGraphicsSimpleTextItem(self.box)
        item.setFont(font[0])
        item.setPos(self.PAD, y)
        item.metrics, item.shown = font[1], None
        self._set_text(item, text)
        return item

    def _set_text(self, item, text):
        if text == item.shown:
            return
        item.shown = text
        width = int(self.width - 2 * self.PAD)
        if item.metrics.horizontalAdvance(text) > width:
            text = item.metrics.elidedText(text, Qt.ElideRight, width)
        item.setText(text)

    def set_shape(self, node):
        """Show ``node.shape``: the items outlive an iteration, and a batch's shape may change
        (the last, smaller batch of an epoch; the whole data set before the first forward)."""
        if node.shape == self.shape:
            return
        self.shape = node.shape
        subtitle = shape_text(node.shape)
        if node.stage not in ("input", "parameter") and node.name != node.op:
            subtitle = f"{node.name} · {subtitle}"
        self._set_text(self.subtitle, subtitle)
        self.box.setToolTip(_tooltip(node))

    def set_state(self, value, upstream, pending, done, active, selected, alarm, symbol="∂L"):
        """Show the node's value and gradient; ``pending``: the next phase computes it;
        ``active``: node stepping just processed it; ``alarm``: training diverged here;
        ``symbol`` prefixes the second number (the lab's forward mode shows a tangent there)."""
        self._set_lines(self.value_text, "=", value)
        self._set_lines(self.grad_text, symbol, upstream)
        colour = gradient_colour(upstream)
        look = (colour.rgb(), pending, done, active, selected, alarm)
        if look == self._look:
            return
        self._look = look
        for item in self.grad_text:
            item.setBrush(colour.darker(125))   # text needs more contrast than a line
        self.pending = pending
        self.box.setBrush(PENDING_FILL if pending else DONE_FILL if done else PLAIN_FILL)
        self.glow.setBrush(ALARM_GLOW if alarm else GLOW)
        self.glow.setVisible(active or alarm)
        self.set_selected(selected)

    def _set_lines(self, items, prefix, a):
        first, second = ("", "") if a is None else summary_lines(a)
        self._set_text(items[0], f"{prefix} {first}" if first else "")
        self._set_text(items[1], f"  {second}" if second else "")

    def set_selected(self, selected):
        self.selected = selected
        pen = QPen(SELECTED if selected else self.stage_colour, 3.0 if selected else 1.6)
        if self.pending and not selected:
            pen.setStyle(Qt.DashLine)
        self.box.setPen(pen)

    def anchor_out(self):
        pos = self.box.pos()
        return QPointF(pos.x() + self.rect.width(), pos.y() + self.rect.height() / 2)

    def anchor_below(self):
        pos = self.box.pos()
        return QPointF(pos.x() + self.rect.width() / 2, pos.y() + self.rect.height())

    def anchor_above(self):
        pos = self.box.pos()
        return QPointF(pos.x() + self.rect.width() / 2, pos.y())

    def anchor_in(self, k, n):
        """Where the k-th of n incoming edges ends on the left side."""
        pos = self.box.pos()
        offset = (k - (n - 1) / 2) * min(14.0, self.rect.height() / (n + 1))
        return QPointF(pos.x(), pos.y() + self.rect.height() / 2 + offset)


class EdgeItem:
    """An edge from an input to its consumer, drawn forward, carrying the gradient sent back."""

    def __init__(self, scene, start, end, waypoints, half_width, downward=False):
        """From ``start`` to ``end`` through the layout's waypoints; ``downward`` edges join two
        boxes stacked in one column."""
        if downward:
            path = QPainterPath(start)
            path.lineTo(end)
            head = [end, end + QPointF(-4, -8), end + QPointF(4, -8)]
        else:
            points = [start]
            for x, y in waypoints:   # straight through each column the edge crosses
                points += [QPointF(x - half_width, y), QPointF(x + half_width, y)]
            path = _smooth(points + [end])
            head = [end, end + QPointF(-8, -4), end + QPointF(-8, 4)]
        self.path = QGraphicsPathItem(path)
        self.path.setZValue(0)
        self.glow = QGraphicsPathItem(path)
        self.glow.setZValue(-1)
        self.glow.hide()
        self.arrow = QGraphicsPolygonItem(QPolygonF(head))
        self.arrow.setZValue(0)
        self.label_box = QGraphicsRectItem()
        self.label_box.setZValue(5)
        self.label_box.setBrush(QColor(255, 255, 255, 235))
        self.label = QGraphicsSimpleTextItem(self.label_box)
        self.label.setFont(_font(LABEL_FONT_SIZE, bold=True)[0])
        self.label_anchor = path.pointAtPercent(0.5)
        self.downward = downward
        self.label_box.hide()
        for item in (self.glow, self.path, self.arrow, self.label_box):
            scene.addItem(item)
        self._look = None
        self.set_gradient(None, 1.2)

    def set_gradient(self, g, width):
        """Colour by the gradient's sign balance, ``width`` from its size."""
        colour = gradient_colour(g)
        look = (colour.rgb(), round(width, 1))
        if look == self._look:
            return
        self._look = look
        self.path.setPen(QPen(colour, width, Qt.SolidLine, Qt.RoundCap))
        self.arrow.setPen(QPen(colour, 1))
        self.arrow.setBrush(colour)

    def set_mark(self, text, sent=False):
        """Glow and a short label for the gradient the active node received (or ``sent``) along
        this edge during node stepping; None clears."""
        self.glow.setVisible(text is not None)
        self.label_box.setVisible(text is not None)
        if text is None:
            return
        self.glow.setPen(QPen(SENT_GLOW if sent else GLOW, 11, Qt.SolidLine, Qt.RoundCap))
        self.label.setText(text)
        self.label.setBrush(self.path.pen().color().darker(130))
        bounds = self.label.boundingRect()
        width, height = bounds.width() + 8, bounds.height() + 2
        self.label_box.setRect(QRectF(0, 0, width, height))
        self.label_box.setPen(QPen(self.path.pen().color(), 1))
        self.label.setPos(4, 1)
        x, y = self.label_anchor.x(), self.label_anchor.y()
        # on the edge, in the gap between two columns; beside a short edge between stacked boxes
        self.label_box.setPos(x + 4 if self.downward else x - width / 2, y - height / 2)


def _smooth(points):
    """A path through the points: straight inside columns, S-curves between them."""
    path = QPainterPath(points[0])
    for i, (a, b) in enumerate(zip(points, points[1:])):
        if i % 2 == 1:
            path.lineTo(b)
        else:
            mid = (a.x() + b.x()) / 2
            path.cubicTo(QPointF(mid, a.y()), QPointF(mid, b.y()), b)
    return path


def _tooltip(node):
    lines = [f"<b>{node.label}</b> ({node.stage}, {shape_text(node.shape)})", node.words]
    if node.formula:
        lines.append(f"local gradient: <i>{node.formula}</i>")
    lines.append("Click to open it in the inspector.")
    return "<br>".join(lines)
