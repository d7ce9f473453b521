"""The graph view's camera: fit, zoom and follow the step, never shrinking text below legible.

Fitting shows the whole graph when its smallest text (SMALLEST_TEXT) stays at least LEGIBLE_PT
points on screen (9 pt, from the screen's logical DPI; presenting, PRESENT_FACTOR times that).
A graph too large for that is shown at the smallest legible scale ("clipped"): the camera looks
where the step happens (the active node and the nodes it exchanges gradients with, else the
phase's side of the graph) and the user pans for the rest. The wheel and ``zoom_out`` may still
go below; they end fitting until the next ``fit()``.
"""
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtWidgets import QGraphicsView

from core.training import Phase

from .graph_items import SMALLEST_TEXT

LEGIBLE_PT = 9
PRESENT_FACTOR = 1.5   # presenting, the smallest text is 1.5 × the normal minimum
MAX_FIT_SCALE = 1.25
MIN_SCALE, MAX_SCALE, ZOOM_STEP = 0.05, 5.0, 1.25


def legible_px(widget, factor=1.0):
    """Pixels of ``factor`` × LEGIBLE_PT points on ``widget``'s screen (12 at 96 dpi)."""
    return factor * LEGIBLE_PT * widget.logicalDpiY() / 72


class Camera:
    """Where ``view`` (a GraphView: ``text_scale``, ``node_items``, ``edge_items``) looks."""

    def __init__(self, view):
        self.view = view
        self.auto_fit = True     # fit again on a resize or a new structure, until the user zooms
        self.clipped = False     # fitted at the legible scale, the view shows part of the graph
        self.presenting = False
        self._side = None        # the phase's side the clipped view last turned to

    def legible_scale(self):
        """The smallest scale at which every text of the graph is legible on screen."""
        smallest = max(1, round(SMALLEST_TEXT * self.view.text_scale))
        return legible_px(self.view, PRESENT_FACTOR if self.presenting else 1.0) / smallest

    def fit(self, snapshot=None, active=None):
        """Fit the whole graph into the view (never magnifying beyond MAX_FIT_SCALE), or, where
        that would make its text illegible, show at the legible scale where the step happens."""
        view = self.view
        self.auto_fit = True
        rect = view.scene().sceneRect()
        if rect.isEmpty():
            return
        view.fitInView(rect, Qt.KeepAspectRatio)
        fitted, floor = view.transform().m11(), self.legible_scale()
        self.clipped = fitted < floor
        scale = floor if self.clipped else min(fitted, max(MAX_FIT_SCALE, floor))
        if scale != fitted:
            view.resetTransform()
            view.scale(scale, scale)
            view.centerOn(rect.center())
        if self.clipped:
            self._side = None
            self.follow(snapshot, active)

    def follow(self, snapshot, active):
        """Keep ``active`` (a node id) and its neighbours in sight when they are not; else, fitted
        but clipped, turn to the side of the graph where ``snapshot``'s next phase works (forward
        and update at the inputs, loss and backward at the loss) when that side changes."""
        if active in self.view.node_items:
            self._keep_in_sight(active)
            return
        if not (self.auto_fit and self.clipped):
            return
        phase = getattr(snapshot, "phase", None)
        side = "right" if phase in (Phase.LOSS, Phase.BACKWARD) else "left"
        if side != self._side:
            self._side = side
            self._look_at_side(side)

    def _look_at_side(self, side):
        """The column of nodes at that side of the graph, from its top when it is too tall."""
        view = self.view
        rects = [item.scene_rect() for item in view.node_items.values()]
        if not rects:
            return
        edge = min(r.left() for r in rects) if side == "left" else max(r.right() for r in rects)
        area = QRectF()
        for r in rects:
            if (r.left() if side == "left" else r.right()) == edge:
                area = area.united(r)
        visible = view.mapToScene(view.viewport().rect()).boundingRect()
        y = area.center().y()
        if area.height() > visible.height():   # too tall: from its top, just above the first box
            y = area.top() - 12 + visible.height() / 2
        view.centerOn(QPointF(area.left() if side == "left" else area.right(), y))

    def _keep_in_sight(self, node_id):
        view = self.view
        ids = {node_id}
        for (consumer, _), (src, _) in view.edge_items.items():
            if node_id in (consumer, src):
                ids |= {consumer, src}
        area = QRectF()
        for i in ids:
            area = area.united(view.node_items[i].scene_rect())
        visible = view.mapToScene(view.viewport().rect()).boundingRect()
        if visible.contains(area):
            return
        if area.width() <= visible.width() and area.height() <= visible.height():
            view.ensureVisible(area, 20, 20)
        else:
            view.centerOn(view.node_items[node_id].scene_rect().center())

    def zoom(self, factor, anchor=QGraphicsView.AnchorViewCenter):
        """Scale by ``factor`` around ``anchor`` (within MIN_SCALE..MAX_SCALE); ends fitting."""
        view = self.view
        scale = view.transform().m11() * factor
        if MIN_SCALE <= scale <= MAX_SCALE:
            self.auto_fit = False
            previous = view.transformationAnchor()
            view.setTransformationAnchor(anchor)
            view.scale(factor, factor)
            view.setTransformationAnchor(previous)
