"""The scene items of the computational graph: a box per node and an arrow per edge.

Built only from Qt's own items (no Python ``paint()``), created once per graph structure and
then only re-coloured and re-texted, so redrawing at 30 Hz stays cheap.
"""
import html
from contextlib import contextmanager

from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsPolygonItem,
    QGraphicsRectItem,
    QGraphicsSimpleTextItem,
)

from .array_view import range_text, shape_text, summary_lines
from .graph_stats import GradientLooks
from .graph_theme import GraphTheme

DEFAULT_THEME = GraphTheme()
STAGE_COLOURS = {s: getattr(DEFAULT_THEME, s) for s in ("input", "parameter", "model", "loss")}
GLOW = DEFAULT_THEME.colour("glow")             # the active node, and the gradient it received
SENT_GLOW = DEFAULT_THEME.colour("sent_glow")   # the gradients it sent to its inputs
SHORT_LABELS = {"softmax_cross_entropy": "softmax CE", "multiclass_hinge_loss": "hinge loss"}
LABEL_FONT_SIZE = 12   # an edge's label (not below SMALLEST_TEXT)
TEXT_SIZE = 13       # pixels of a box's value and gradient lines at text scale 1
SMALLEST_TEXT = TEXT_SIZE - 1   # no box or edge text is smaller (the camera keeps this legible)
NODE_ID = 0          # QGraphicsItem.data() key holding the node id
LINES = (3, 21, 38, 54, 71, 87)   # y of title, subtitle, value, its range, two gradient lines


_FONTS = {}
_WIDTHS = {}   # (pixels, bold) → {character: its advance}


def _estimate(text, pixels, bold):
    """The text's width as the sum of its characters' (at least the shaped string's, which kerning
    only narrows): measuring a string costs 7 µs, and a frame of Play sets some sixty lines."""
    widths = _WIDTHS.setdefault((pixels, bold), {})
    total = 0
    for char in text:
        width = widths.get(char)
        if width is None:
            width = widths[char] = _font(pixels, bold)[1].horizontalAdvance(char)
        total += width
    return total


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
    """One node: a rounded box with its label, shape, value and gradient, plus a glow behind.

    ``title`` replaces the label (W1 for ``0.weight``, whose key then leads the subtitle);
    ``scale`` multiplies every font and distance (the view's text scale)."""

    PAD = 6

    def __init__(self, node, scene, x, y, width, height, title=None, scale=1.0, theme=DEFAULT_THEME):
        self.width, self.scale, self.theme = width, scale, theme
        self.rect = QRectF(0, 0, width, height)
        outline = QPainterPath()
        outline.addRoundedRect(self.rect, 8, 8)
        glow_path = QPainterPath()
        glow_path.addRoundedRect(self.rect.adjusted(-7, -7, 7, 7), 13, 13)
        self.glow = QGraphicsPathItem(glow_path)
        self.glow.setPen(Qt.NoPen)
        self.glow.setBrush(theme.colour("glow"))
        self.glow.setZValue(1)
        self.glow.setPos(x, y)
        self.glow.hide()
        self.box = QGraphicsPathItem(outline)
        self.box.setZValue(2)
        self.box.setCacheMode(QGraphicsItem.DeviceCoordinateCache)   # a frame of Play changes only its text
        self.box.setPos(x, y)
        self.box.setData(NODE_ID, node.id)
        self.box.setCursor(Qt.PointingHandCursor)
        self.stage_colour = theme.stage(node.stage)
        self.key = node.name if title else None
        self.title = self._text(title or display_label(node), self._px(16), LINES[0], bold=True)
        self.title.setBrush(self.stage_colour)
        self.subtitle = self._text("", self._px(SMALLEST_TEXT), LINES[1])
        self.subtitle.setBrush(theme.colour("muted_text"))
        self.shape = None
        self.set_shape(node)
        self.value_text = [self._text("", self._px(TEXT_SIZE), LINES[2]),
                           self._text("", self._px(SMALLEST_TEXT), LINES[3])]
        self.grad_text = [self._text("", self._px(TEXT_SIZE), LINES[4]),
                          self._text("", self._px(SMALLEST_TEXT), LINES[5])]
        for item in self.value_text:
            item.setBrush(theme.colour("text"))
        self.pending = self.selected = False
        self._look = self._grad_rgb = None
        scene.addItem(self.glow)
        scene.addItem(self.box)
        self.set_state(value=None, upstream=None, pending=False, done=False, active=False,
                       selected=False, alarm=False)

    def _px(self, pixels):
        return max(1, round(pixels * self.scale))

    def _text(self, text, pixels, y, bold=False):
        item = QGraphicsSimpleTextItem(self.box)
        # kept as a pixmap: a frame re-renders only the lines whose text changed (a third of the
        # repaint's cost while playing); exports still draw real text
        item.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        item.setFont(_font(pixels, bold)[0])
        item.setPos(self.PAD * self.scale, y * self.scale)
        item.pixels, item.bold, item.shown, item.fitted = pixels, bold, None, pixels
        self._set_text(item, text)
        return item

    def _set_text(self, item, text):
        """Show ``text`` in the box: a line too wide gets a smaller font down to SMALLEST_TEXT (never
        illegible), and only then an ellipsis (the box's tooltip has it whole)."""
        if text == item.shown:
            return
        item.shown = text
        width = self.width - 2 * self.PAD * self.scale
        pixels = item.pixels
        if _estimate(text, pixels, item.bold) + 2 > width:   # near the edge or over it: measure and shrink
            font_metrics = _font(pixels, item.bold)[1]
            smallest = min(pixels, self._px(SMALLEST_TEXT))
            while pixels > smallest and font_metrics.horizontalAdvance(text) > width:
                pixels -= 1
                font_metrics = _font(pixels, item.bold)[1]
            text = font_metrics.elidedText(text, Qt.ElideMiddle, max(1, int(width)))
        if pixels != item.fitted:   # setting a font costs as much as the text: only on a change
            item.fitted = pixels
            item.setFont(_font(pixels, item.bold)[0])
        item.setText(text)

    def set_shape(self, node):
        """Show ``node.shape``: the items outlive an iteration, and a batch's shape may change
        (the last, smaller batch of an epoch; the whole data set before the first forward)."""
        if node.shape == self.shape:
            return
        self.shape = node.shape
        subtitle = shape_text(node.shape)
        if self.key:
            subtitle = f"{self.key} · {subtitle}"
        elif node.stage not in ("input", "parameter") and node.name != node.op:
            subtitle = f"{node.name} · {subtitle}"
        self._set_text(self.subtitle, subtitle)
        self.box.setToolTip(_tooltip(node))

    def set_state(self, value, upstream, pending, done, active, selected, alarm, step=None,
                  summed=0, symbol="∂L", looks=None):
        """Show the node's value and gradient; ``pending``: the next phase computes it;
        ``active``: node stepping just processed it; ``alarm``: training diverged here;
        ``step``: the update just applied (a parameter's); ``summed``: how many edges' gradients
        add up to its ∂L (shown while it is active); ``symbol`` prefixes the gradient (the lab's
        forward mode shows a tangent there); ``looks``: the frame's GradientLooks."""
        looks = looks or GradientLooks()
        self._set_lines(self.value_text, "=", value)
        self._set_text(self.grad_text[0], "" if upstream is None else f"{symbol} {looks.norm_text(upstream)}")
        if step is not None:
            second = f"step {looks.norm_text(step)}"
        elif upstream is not None and summed > 1:
            second = f"= sum of the {summed} edges"
        else:
            second = "" if upstream is None else range_text(upstream)
        self._set_text(self.grad_text[1], second)
        colour = looks.colour(upstream)
        if colour.rgb() != self._grad_rgb:
            self._grad_rgb = colour.rgb()
            for item in self.grad_text:
                item.setBrush(colour.darker(125))   # text needs more contrast than a line
        look = (pending, done, active, selected, alarm)
        if look == self._look:   # the box as it was (Play's frames): its cached pixmap stays valid
            return
        self._look = look
        self.pending = pending
        fill = "pending_fill" if pending else "done_fill" if done else "node_fill"
        self.box.setBrush(self.theme.colour(fill))
        self.glow.setBrush(self.theme.colour("alarm_glow" if alarm else "glow"))
        self.glow.setVisible(active or alarm)
        self.set_selected(selected)

    def _set_lines(self, items, prefix, a):
        """The value and, on the line below, its range."""
        first, second = ("", "") if a is None else summary_lines(a)
        self._set_text(items[0], f"{prefix} {first}" if first else "")
        self._set_text(items[1], second)

    def set_selected(self, selected):
        self.selected = selected
        pen = QPen(self.theme.colour("selected") if selected else self.stage_colour,
                   3.0 if selected else 1.6)
        if self.pending and not selected:
            pen.setStyle(Qt.DashLine)
        self.box.setPen(pen)

    def scene_rect(self):
        """The box in scene coordinates."""
        return self.rect.translated(self.box.pos())

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

    def __init__(self, scene, start, end, waypoints, half_width, downward=False, scale=1.0,
                 theme=DEFAULT_THEME):
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
        self.theme = theme
        self.path = QGraphicsPathItem(path)
        self.bounds = path.boundingRect().adjusted(-10, -10, 10, 10)   # with the widest pen and the head
        self.path.setZValue(0)
        self.glow = QGraphicsPathItem(path)
        self.glow.setZValue(-1)
        self.glow.hide()
        self.arrow = QGraphicsPolygonItem(QPolygonF(head))
        self.arrow.setZValue(0)
        self.label_box = QGraphicsRectItem()
        self.label_box.setZValue(5)
        fill = theme.colour("label_fill")
        fill.setAlpha(235)
        self.label_box.setBrush(fill)
        self.label = QGraphicsSimpleTextItem(self.label_box)
        self.label.setFont(_font(max(1, round(LABEL_FONT_SIZE * scale)), bold=True)[0])
        self.downward = downward
        self.label_box.hide()
        for item in (self.glow, self.path, self.arrow, self.label_box):
            scene.addItem(item)
        self._look = None
        self.set_gradient(None, 1.2)

    def set_gradient(self, g, width, looks=None):
        """Colour by the gradient's sign balance, ``width`` from its size (``looks``: the frame's
        GradientLooks)."""
        colour = (looks or GradientLooks()).colour(g)
        look = (colour.rgb(), round(width, 1))
        if look == self._look:
            return
        self._look = look
        self.path.setPen(QPen(colour, width, Qt.SolidLine, Qt.RoundCap))
        self.arrow.setPen(QPen(colour, 1))
        self.arrow.setBrush(colour)

    def set_mark(self, text, sent=False, boxes=()):
        """Glow and a short label for the gradient the active node received (or ``sent``) along
        this edge during node stepping; None clears. The label goes where along the edge it
        covers none of ``boxes`` (scene rects), or covers the least."""
        self.glow.setVisible(text is not None)
        self.label_box.setVisible(text is not None)
        if text is None:
            return
        self.glow.setPen(QPen(self.theme.colour("sent_glow" if sent else "glow"), 11, Qt.SolidLine,
                              Qt.RoundCap))
        self.label.setText(text)
        self.label.setBrush(self.path.pen().color().darker(130))
        bounds = self.label.boundingRect()
        width, height = bounds.width() + 8, bounds.height() + 2
        self.label_box.setRect(QRectF(0, 0, width, height))
        self.label_box.setPen(QPen(self.path.pen().color(), 1))
        self.label.setPos(4, 1)
        self.label_box.setPos(self._label_place(width, height, boxes))

    def _label_place(self, width, height, boxes):
        path = self.path.path()
        best, least = None, None
        for percent in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.12, 0.88):
            p = path.pointAtPercent(percent)
            corner = QPointF(p.x() + 4, p.y() - height / 2) if self.downward else \
                QPointF(p.x() - width / 2, p.y() - height / 2)
            rect = QRectF(corner, QSizeF(width, height))
            cover = sum(_area(rect.intersected(b)) for b in boxes)
            if least is None or cover < least:
                best, least = corner, cover
            if cover == 0:
                break
        return best


@contextmanager
def uncached(scene):
    """``scene``'s items drawn without their pixmap caches (an export: an SVG gets real text), and
    whatever Play left out of sight shown (``GraphView.show_deferred``)."""
    for view in scene.views():
        if getattr(view, "deferred", None):
            view.show_deferred(everything=True)
    cached = [item for item in scene.items() if item.cacheMode() != QGraphicsItem.NoCache]
    for item in cached:
        item.setCacheMode(QGraphicsItem.NoCache)
    try:
        yield scene
    finally:
        for item in cached:
            item.setCacheMode(QGraphicsItem.DeviceCoordinateCache)


def _area(rect):
    return 0.0 if rect.isEmpty() else rect.width() * rect.height()


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
    if node.name and node.name not in (node.label, node.op):   # whole, even if the box elides it
        lines.insert(1, html.escape(node.name))
    if node.formula:
        lines.append(f"local gradient: <i>{node.formula}</i>")
    lines.append("Click to open it in the inspector.")
    return "<br>".join(lines)
