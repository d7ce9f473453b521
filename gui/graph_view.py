"""The computational-graph view: the iteration's nodes left to right, gradients flowing back.

Items are built once per graph structure (same ids, ops, names and inputs) and afterwards only
re-texted and re-coloured. A linear layer is one node (``linear: W1·x + b1``) until it is
double-clicked (or ``set_layers_expanded(True)``); double-clicking one of its ops folds it again.
Wheel and ``zoom_in``/``zoom_out`` zoom, dragging pans, ``fit()`` (and the first show) fits the
whole graph while its text stays legible (``gui.graph_camera``); during node stepping the view
keeps the active node and its neighbours in sight.
Clicking a node selects it (``sig_node_selected``).
"""
import math
import time
from functools import partial

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QLabel

from core.runtime import limit_blas
from core.training import Phase
from core.training.graph_groups import collapse, lecture_names, linear_groups

from . import graph_marks as marks
from .graph_camera import LEGIBLE_PT, ZOOM_STEP, Camera
from .graph_items import DEFAULT_THEME, NODE_ID, EdgeItem, GradientLooks, NodeItem
from .graph_layout import Spacing, layout
from .graph_legend import trainer_legend
from .graph_theme import theme_from
from .redraw import NUMBERS_S, paced_frame

MIN_EDGE_WIDTH, MAX_EDGE_WIDTH = 1.2, 7.0


class GraphView(QGraphicsView):
    """Draws ``Snapshot.graph`` (or any tuple of GraphNodes); ``show_snapshot`` is cheap when
    the structure is unchanged."""

    sig_node_selected = Signal(object)   # node id
    sig_groups_changed = Signal(tuple)   # the LinearGroups drawn as one node (Next node follows)
    sig_node_opened = Signal(object)     # a node double-clicked that is no linear layer's (node id)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("graph_view")
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing)
        # A frame of Play changes most boxes' text and edges' pens. Qt's default repaints the exact
        # union of those items, a region of a hundred rects that every antialiased edge is then
        # clipped to: a quarter to a half more paint than one rect around them (measured).
        self.setViewportUpdateMode(QGraphicsView.BoundingRectViewportUpdate)
        self.setDragMode(QGraphicsView.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.AnchorUnderMouse)
        for policy in (self.setHorizontalScrollBarPolicy, self.setVerticalScrollBarPolicy):
            policy(Qt.ScrollBarAlwaysOff)   # dragging pans; a bar would cover the legend
        self.theme, self.text_scale = DEFAULT_THEME, 1.0
        self.spacing = Spacing()
        self.node_items = {}   # id → NodeItem
        self.edge_items = {}   # (consumer id, input index) → (source id, EdgeItem)
        self.structure = None
        self.selected = None
        self.marked = frozenset()  # edges labelled around the active node
        self.boxes = []            # node boxes in scene coordinates (edge labels avoid them)
        self.groups, self.collapsed = (), ()   # every linear layer; those drawn as one node
        self.shown_as = {}     # id of a node inside a collapsed layer → the layer's node id
        self.expand_all, self.expanded = False, set()   # layers (by output id) opened one by one
        self._last = None      # the arguments of the last show_snapshot, to redraw on a change
        self.deferred = []     # (scene rect, show) left out of sight by Play's frames (show_deferred);
        # rect None: a box in sight whose captions were not due (shown by the next frame that has them)
        self.captioned_at = -math.inf   # when a frame of Play last re-texted the boxes in sight
        self.camera = Camera(self)
        self.gradient_symbol = "∂L"   # what the nodes write before their gradient (the lab's own)
        self.legend_text = trainer_legend   # (theme, gradient symbol) → the legend's HTML
        self._legend_for = None             # the gradient symbol the legend was written for
        self.legend = QLabel(self)
        self.legend.setObjectName("graph_legend")
        self.legend.setWordWrap(True)
        self.legend.setToolTip("Edges carry the gradient flowing back: orange when its entries "
                               "are mostly positive, blue when mostly negative, grey when "
                               "balanced; thicker for a larger norm (log scale). Boxes show the "
                               "value (=) and the norm of the gradient ‖∂L‖.")
        self.apply_theme(DEFAULT_THEME)

    # ----- presentation interface (text size, colours) ----------------------------------------
    def set_text_scale(self, factor):
        """Scale the graph's text, boxes and spacing by ``factor`` (1 = normal, 2.5 = projector)."""
        factor = float(factor)
        if not 0.5 <= factor <= 4:
            raise ValueError(f"graph text scale must be between 0.5 and 4, got {factor}")
        self.text_scale = factor
        self.spacing = Spacing().scaled(factor)
        self._legend_style()
        self._redraw(rebuild=True)

    def set_presentation_text(self, scale):
        """Presentation mode's graph (``scale``: its text scale, e.g. 1.75) or the normal one (None).
        Presenting, the text is ``scale`` times larger and fitting keeps it 1.5 times the normal
        legible minimum on screen (``gui.graph_camera``)."""
        self.camera.presenting = scale is not None
        self.camera.auto_fit = True
        self.set_text_scale(1.0 if scale is None else scale)

    def apply_theme(self, theme):
        """Colour the graph from ``theme``: a GraphTheme, or any object or dict with some of its
        colour names (see ``gui.graph_theme``); gradient colours stay orange/blue."""
        self.theme = theme_from(theme)
        self.setBackgroundBrush(self.theme.colour("background"))
        self._legend_style()
        self._redraw(rebuild=True)

    def set_legend(self, legend_text):
        """Use ``legend_text(theme, gradient_symbol)`` → HTML for the legend (``gui.graph_legend``)."""
        self.legend_text = legend_text
        self._legend_style()

    def _legend_style(self):
        t, points = self.theme, LEGIBLE_PT * self.text_scale
        self._legend_for = self.gradient_symbol
        self.legend.setText(self.legend_text(t, self.gradient_symbol))
        self.legend.setStyleSheet(
            f"#graph_legend {{ background: {t.legend_fill}; color: {t.text}; "
            f"font-size: {points:.1f}pt; border-top: 1px solid {t.legend_border}; "
            f"padding: 2px 6px; }}")
        self._place_legend()

    def _place_legend(self):
        """The legend along the bottom, wrapped to the view's width, in a margin of its own."""
        height = self.legend.heightForWidth(self.width())
        self.setViewportMargins(0, 0, 0, height)   # the legend covers no node
        self.legend.setGeometry(0, self.height() - height, self.width(), height)

    # ----- content ---------------------------------------------------------------------------
    def show_snapshot(self, snapshot, highlight_next=True, active=None):
        """Draw ``snapshot``; ``highlight_next`` marks the nodes the next phase computes,
        ``active`` (a node id) glows with the gradients it just received and sent, and the node
        where a diverged run first went NaN/Inf glows red."""
        self._last = (snapshot, highlight_next, active)
        if self.gradient_symbol != self._legend_for:   # the lab's mode changed
            self._legend_style()
        groups = linear_groups(snapshot.graph)
        if groups != self.groups:
            self.groups, self.expanded = groups, set()
        collapsed = () if self.expand_all else tuple(
            g for g in groups if g.output not in self.expanded)
        if collapsed != self.collapsed:
            self.collapsed = collapsed
            self.sig_groups_changed.emit(collapsed)
        self.shown_as = {i: g.output for g in collapsed for i in g.members}
        graph = collapse(snapshot.graph, collapsed)
        structure = tuple((n.id, n.op, n.name, n.inputs) for n in graph)
        if structure != self.structure:
            self._build(graph, lecture_names(groups))
            self.structure = structure
        # a diverged run shows its NaN/Inf, without warnings; the sums on one BLAS thread, so that a
        # norm reads the same in every frame and no second thread spins on a busy core
        with np.errstate(all="ignore"), limit_blas(1):
            self._update(snapshot, graph, highlight_next, self.shown_as.get(active, active))
        self.camera.follow(snapshot, self.shown_as.get(active, active))

    def _redraw(self, rebuild=False):
        if rebuild:
            self.structure = None
        if self._last is not None:
            self.show_snapshot(*self._last)

    def _update(self, snapshot, graph, highlight_next, active):
        by_id, looks = {n.id: n for n in graph}, GradientLooks()   # looks: the frame's colours, norms
        pending = marks.pending(snapshot, by_id) if highlight_next else frozenset()
        culprit = marks.culprit(snapshot)
        culprit = self.shown_as.get(culprit, culprit)
        done = {self.shown_as.get(i, i) for i in snapshot.done_nodes}
        updated = snapshot.completed is Phase.UPDATE and snapshot.last_update
        fan_out = {n.id: 0 for n in graph}
        for n in graph:
            for i in n.inputs:
                if i is not None:
                    fan_out[i] += 1
        shown = self._shown_rect() if paced_frame() else None   # Play: what is in sight, first
        captions = shown is None or self._captions_due()
        deferred = []
        for node in graph:
            item = self.node_items[node.id]
            value, step = node.value, None
            if updated and node.stage == "parameter" and node.name in snapshot.last_update:
                value = snapshot.parameters.get(node.name, value)   # after Update: the new values
                step = snapshot.last_update[node.name].get("step")
            show = partial(
                _show_node, item, node, looks=looks, value=value, upstream=node.upstream,
                pending=node.id in pending, done=node.id in done, active=node.id == active,
                selected=node.id == self.selected, alarm=node.id == culprit, step=step,
                summed=fan_out[node.id] if node.id == active else 0, symbol=self.gradient_symbol)
            rect = item.scene_rect()
            if shown is None or node.id == active:
                show()
            elif not shown.intersects(rect):
                deferred.append((rect, show))
            elif captions:
                show()
            else:
                deferred.append((None, show))
        self._update_edges(by_id, active, looks, shown, deferred)
        self.deferred = deferred

    def _captions_due(self):
        """Whether this frame of Play re-texts the boxes in sight (then it counts as the last that
        did): at most every ``NUMBERS_S``."""
        now = time.perf_counter()
        if now - self.captioned_at < NUMBERS_S:
            return False
        self.captioned_at = now
        return True

    def _shown_rect(self):
        """The part of the scene in sight, and a margin."""
        return self.mapToScene(self.viewport().rect()).boundingRect().adjusted(-24, -24, 24, 24)

    def show_deferred(self, everything=False):
        """Show what Play's frames left out of sight and is in sight now (or ``everything``): such
        a frame re-texts only the boxes and edges in sight (at 128×3 most of the graph is not),
        and the rest follows when the view moves (``paintEvent``) or play stops (a full redraw).
        Boxes in sight whose captions were not due wait for the next frame (or ``everything``)."""
        shown = None if everything else self._shown_rect()
        left = []
        with np.errstate(all="ignore"), limit_blas(1):
            for rect, show in self.deferred:
                if shown is None or (rect is not None and shown.intersects(rect)):
                    show()
                else:
                    left.append((rect, show))
        self.deferred = left

    def paintEvent(self, event):
        if self.deferred:   # the view moved (pan, zoom, resize): what came into sight first
            self.show_deferred()
        super().paintEvent(event)

    def _build(self, graph, names):
        self.scene().clear()
        self.node_items, self.edge_items, self.deferred = {}, {}, []
        self.captioned_at = -math.inf   # new boxes are blank: the next frame captions them
        s = self.spacing
        positions, routes = layout(graph, s)
        for node in graph:
            x, y = positions[node.id]
            self.node_items[node.id] = NodeItem(node, self.scene(), x, y, s.node_width, s.node_height,
                                                names.get(node.id), self.text_scale, self.theme)
        for node in graph:
            sources = [(k, src) for k, src in enumerate(node.inputs) if src is not None]
            for k, src in sources:
                source, consumer = self.node_items[src], self.node_items[node.id]
                if positions[src][0] == positions[node.id][0]:
                    edge = EdgeItem(self.scene(), source.anchor_below(), consumer.anchor_above(),
                                    (), 0, downward=True, scale=self.text_scale, theme=self.theme)
                else:
                    edge = EdgeItem(self.scene(), source.anchor_out(),
                                    consumer.anchor_in(k, len(node.inputs)),
                                    routes.get((node.id, k), ()), s.node_width / 2,
                                    scale=self.text_scale, theme=self.theme)
                self.edge_items[(node.id, k)] = (src, edge)
        self.boxes = [item.scene_rect() for item in self.node_items.values()]
        self.selected = self.shown_as.get(self.selected, self.selected)
        if self.selected not in self.node_items:
            self.selected = None
        rect = self.scene().itemsBoundingRect().adjusted(-12, -12, 12, 12)
        self.scene().setSceneRect(rect)
        self.marked = frozenset()
        if self.camera.auto_fit:
            self.fit()

    def _update_edges(self, by_id, active, looks, shown, deferred):
        grads = {}
        for key in self.edge_items:
            consumer, k = key
            downstream = by_id[consumer].downstream
            grads[key] = None if downstream is None else downstream[k]
        norms = {key: 0.0 if g is None else looks.norm(g) for key, g in grads.items()}
        logs = [math.log10(n) for n in norms.values() if n > 0]
        lo, hi = (min(logs), max(logs)) if logs else (0.0, 0.0)
        marked = set()
        for key, (src, edge) in self.edge_items.items():
            g, norm = grads[key], norms[key]
            if norm == 0:
                size = 0.0
            else:   # log of the norm, relative to the graph's smallest and largest
                size = (math.log10(norm) - lo) / (hi - lo) if hi > lo else 0.5
            show = partial(edge.set_gradient, g, MIN_EDGE_WIDTH + size * (MAX_EDGE_WIDTH - MIN_EDGE_WIDTH),
                           looks)
            if shown is None or shown.intersects(edge.bounds):
                show()
            else:
                deferred.append((edge.bounds, show))
            if active is not None and g is not None and active in (src, key[0]):
                sent = key[0] == active
                edge.set_mark(looks.norm_text(g), sent=sent, boxes=self.boxes)
                marked.add(key)
            elif key in self.marked:
                edge.set_mark(None)
        self.marked = frozenset(marked)

    # ----- layers: one node or their elementary ops ------------------------------------------
    def set_layers_expanded(self, expanded):
        """Draw every linear layer as its elementary ops (True) or as one node each (False)."""
        self.expand_all, self.expanded = bool(expanded), set()
        self._redraw()

    def toggle_layer(self, node_id):
        """Open the collapsed layer drawn as ``node_id``, or fold the layer ``node_id`` is part of
        back into one node; returns whether anything changed."""
        for g in self.groups:
            if node_id == g.output and g in self.collapsed:
                self.expanded.add(g.output)
            elif node_id in g.members and g not in self.collapsed and not self.expand_all:
                self.expanded.discard(g.output)
            else:
                continue
            self._redraw()
            return True
        return False

    def mouseDoubleClickEvent(self, event):
        node_id = self._node_at(event.position().toPoint())
        if node_id is not None:
            if not self.toggle_layer(node_id):
                self.sig_node_opened.emit(node_id)   # a fused activation opens from the model
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    # ----- selection -------------------------------------------------------------------------
    def select_node(self, node_id, notify=True):
        """Draw ``node_id`` (or None) as selected; with ``notify``, ask for it to be selected
        (``sig_node_selected``: the app model holds the selection, the inspector follows).
        A node inside a collapsed layer selects the layer's node."""
        node_id = self.shown_as.get(node_id, node_id)
        self.selected = node_id if node_id in self.node_items else None
        for i, item in self.node_items.items():
            item.set_selected(i == self.selected)
        if notify:
            self.sig_node_selected.emit(self.selected)

    def _node_at(self, point):
        item = self.itemAt(point)
        while item is not None and item.parentItem() is not None:
            item = item.parentItem()
        return None if item is None else item.data(NODE_ID)

    def mousePressEvent(self, event):
        node_id = self._node_at(event.position().toPoint())
        if node_id is not None:
            self.select_node(node_id)
            event.accept()
            return
        super().mousePressEvent(event)

    # ----- zoom, pan, fit (gui.graph_camera) ------------------------------------------------
    def fit(self):
        """Fit the whole graph into the view, or at the smallest legible scale show where the step
        happens (``Camera.fit``)."""
        snapshot, _, active = self._last or (None, None, None)
        self.camera.fit(snapshot, self.shown_as.get(active, active))

    def zoom_in(self):
        """Magnify by one step, around the centre of the view."""
        self.camera.zoom(ZOOM_STEP)

    def zoom_out(self):
        """Shrink by one step, around the centre of the view (also below the legible scale)."""
        self.camera.zoom(1 / ZOOM_STEP)

    def wheelEvent(self, event):
        self.camera.zoom(1.0015 ** event.angleDelta().y(), QGraphicsView.AnchorUnderMouse)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._place_legend()
        if self.camera.auto_fit:
            self.fit()

    def showEvent(self, event):
        super().showEvent(event)
        if self.camera.auto_fit:
            self.fit()


def _show_node(item, node, **state):
    item.set_shape(node)
    item.set_state(**state)
