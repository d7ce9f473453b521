"""The computational-graph view: the iteration's nodes left to right, gradients flowing back.

Items are built once per graph structure (same ids, ops, names and inputs) and afterwards only
re-texted and re-coloured. Wheel zooms, dragging pans, ``fit()`` (and the first show) fits the
whole graph into the window; clicking a node selects it (``sig_node_selected``).
"""
import math

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QLabel

from core.training import Phase

from .array_view import NEGATIVE, POSITIVE, fmt
from .graph_items import NODE_ID, STAGE_COLOURS, EdgeItem, NodeItem
from .graph_layout import Spacing, layout

MAX_FIT_SCALE = 1.25
MIN_EDGE_WIDTH, MAX_EDGE_WIDTH = 1.2, 7.0
LEGEND = (f"<span style='color:{POSITIVE}'>━━</span> ∂ mostly &gt; 0 &nbsp; "
          f"<span style='color:{NEGATIVE}'>━━</span> ∂ mostly &lt; 0 &nbsp; width ∝ log ‖∂‖"
          f" &nbsp;│&nbsp; <span style='color:{STAGE_COLOURS['parameter']}'>■</span> parameter "
          f"<span style='color:{STAGE_COLOURS['input']}'>■</span> input "
          f"<span style='color:{STAGE_COLOURS['loss']}'>■</span> loss")
PENDING_STAGES = {Phase.FORWARD: ("input", "parameter", "model"), Phase.LOSS: ("loss",),
                  Phase.UPDATE: ("parameter",)}


class GraphView(QGraphicsView):
    """Draws ``Snapshot.graph``; ``show_snapshot`` is cheap when the structure is unchanged."""

    sig_node_selected = Signal(object)   # node id

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("graph_view")
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing)
        self.setDragMode(QGraphicsView.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.AnchorUnderMouse)
        self.setBackgroundBrush(QColor("#FBFBFB"))
        self.spacing = Spacing()
        self.node_items = {}   # id → NodeItem
        self.edge_items = {}   # (consumer id, input index) → (source id, EdgeItem)
        self.structure = None
        self.selected = None
        self.marked = frozenset()  # edges labelled around the active node
        self._auto_fit = True
        self.gradient_symbol = "∂L"   # what the nodes write before their gradient (the lab's own)
        self.legend = QLabel(LEGEND, self)
        self.legend.setObjectName("graph_legend")
        self.legend.setStyleSheet("#graph_legend { background: rgba(255, 255, 255, 215); "
                                  "border: 1px solid #DDD; padding: 2px 6px; }")
        self.legend.setToolTip("Edges carry the gradient flowing back: orange when its entries "
                               "are mostly positive, blue when mostly negative, grey when "
                               "balanced; thicker for a larger norm (log scale).")
        self.legend.adjustSize()

    # ----- content ---------------------------------------------------------------------------
    def show_snapshot(self, snapshot, highlight_next=True, active=None):
        """Draw ``snapshot``; ``highlight_next`` marks the nodes the next phase computes,
        ``active`` (a node id) glows with the gradients it just received and sent, and the node
        where a diverged run first went NaN/Inf glows red."""
        structure = tuple((n.id, n.op, n.name, n.inputs) for n in snapshot.graph)
        if structure != self.structure:
            self._build(snapshot.graph)
            self.structure = structure
        with np.errstate(all="ignore"):   # a diverged run shows its NaN/Inf, without warnings
            self._update(snapshot, highlight_next, active)

    def _update(self, snapshot, highlight_next, active):
        by_id = {n.id: n for n in snapshot.graph}
        pending = self._pending(snapshot, by_id) if highlight_next else frozenset()
        culprit = _culprit(snapshot)
        for node in snapshot.graph:
            item = self.node_items[node.id]
            item.set_shape(node)
            item.set_state(
                value=node.value, upstream=node.upstream, pending=node.id in pending,
                done=node.id in snapshot.done_nodes, active=node.id == active,
                selected=node.id == self.selected, alarm=node.id == culprit, symbol=self.gradient_symbol)
        self._update_edges(by_id, active)

    def _build(self, graph):
        self.scene().clear()
        self.node_items, self.edge_items = {}, {}
        s = self.spacing
        positions, routes = layout(graph, s)
        for node in graph:
            x, y = positions[node.id]
            self.node_items[node.id] = NodeItem(node, self.scene(), x, y, s.node_width, s.node_height)
        for node in graph:
            sources = [(k, src) for k, src in enumerate(node.inputs) if src is not None]
            for k, src in sources:
                source, consumer = self.node_items[src], self.node_items[node.id]
                if positions[src][0] == positions[node.id][0]:
                    edge = EdgeItem(self.scene(), source.anchor_below(), consumer.anchor_above(),
                                    (), 0, downward=True)
                else:
                    edge = EdgeItem(self.scene(), source.anchor_out(),
                                    consumer.anchor_in(k, len(node.inputs)),
                                    routes.get((node.id, k), ()), s.node_width / 2)
                self.edge_items[(node.id, k)] = (src, edge)
        if self.selected not in self.node_items:
            self.selected = None
        rect = self.scene().itemsBoundingRect().adjusted(-40, -40, 40, 40)
        self.scene().setSceneRect(rect)
        self._auto_fit = True
        self.fit()

    @staticmethod
    def _pending(snapshot, by_id):
        if snapshot.diverged is not None:
            return frozenset()
        if snapshot.phase is Phase.BACKWARD:
            return frozenset(i for i, n in by_id.items()
                             if n.stage != "input" and i not in snapshot.done_nodes)
        stages = PENDING_STAGES[snapshot.phase]
        return frozenset(i for i, n in by_id.items() if n.stage in stages)

    def _update_edges(self, by_id, active):
        grads = {}
        for key in self.edge_items:
            consumer, k = key
            downstream = by_id[consumer].downstream
            grads[key] = None if downstream is None else downstream[k]
        norms = {key: 0.0 if g is None else _norm(g) for key, g in grads.items()}
        logs = [math.log10(n) for n in norms.values() if n > 0]
        lo, hi = (min(logs), max(logs)) if logs else (0.0, 0.0)
        marked = set()
        for key, (src, edge) in self.edge_items.items():
            g, norm = grads[key], norms[key]
            if norm == 0:
                size = 0.0
            else:   # log of the norm, relative to the graph's smallest and largest
                size = (math.log10(norm) - lo) / (hi - lo) if hi > lo else 0.5
            edge.set_gradient(g, MIN_EDGE_WIDTH + size * (MAX_EDGE_WIDTH - MIN_EDGE_WIDTH))
            if active is not None and g is not None and active in (src, key[0]):
                sent = key[0] == active
                edge.set_mark(_short(g), sent=sent)
                marked.add(key)
            elif key in self.marked:
                edge.set_mark(None)
        self.marked = frozenset(marked)

    # ----- selection -------------------------------------------------------------------------
    def select_node(self, node_id, notify=True):
        """Draw ``node_id`` (or None) as selected; with ``notify``, ask for it to be selected
        (``sig_node_selected``: the app model holds the selection, the inspector follows)."""
        self.selected = node_id if node_id in self.node_items else None
        for i, item in self.node_items.items():
            item.set_selected(i == self.selected)
        if notify:
            self.sig_node_selected.emit(self.selected)

    def mousePressEvent(self, event):
        item = self.itemAt(event.position().toPoint())
        while item is not None and item.parentItem() is not None:
            item = item.parentItem()
        node_id = None if item is None else item.data(NODE_ID)
        if node_id is not None:
            self.select_node(node_id)
            event.accept()
            return
        super().mousePressEvent(event)

    # ----- zoom, pan, fit --------------------------------------------------------------------
    def fit(self):
        """Fit the whole graph into the view (never magnifying beyond MAX_FIT_SCALE)."""
        self._auto_fit = True
        rect = self.scene().sceneRect()
        if rect.isEmpty():
            return
        self.fitInView(rect, Qt.KeepAspectRatio)
        if self.transform().m11() > MAX_FIT_SCALE:
            self.resetTransform()
            self.scale(MAX_FIT_SCALE, MAX_FIT_SCALE)
            self.centerOn(rect.center())

    def wheelEvent(self, event):
        factor = 1.0015 ** event.angleDelta().y()
        scale = self.transform().m11() * factor
        if 0.05 <= scale <= 5.0:
            self._auto_fit = False
            self.scale(factor, factor)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self.legend.move(6, self.height() - self.legend.height() - 6)
        if self._auto_fit:
            self.fit()

    def showEvent(self, event):
        super().showEvent(event)
        if self._auto_fit:
            self.fit()


def _culprit(snapshot):
    """The node where a diverged run first went NaN/Inf (a parameter, if the update broke it)."""
    diverged = snapshot.diverged
    if diverged is None:
        return None
    if diverged.get("node_id") is not None:
        return diverged["node_id"]
    return next((n.id for n in snapshot.graph if n.name == diverged.get("node")), None)


def _short(g):
    """An edge label: the number for a scalar, else the norm (which sets the edge's width)."""
    g = np.asarray(g)
    return fmt(g.reshape(())) if g.size == 1 else f"‖{fmt(_norm(g))}‖"


def _norm(g):
    return float(np.sqrt(np.vdot(g, g)))
