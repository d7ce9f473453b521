"""Painting a view now, once: a frame of the graph, or a plot drawn in its turn of the schedule.

A ``QGraphicsView`` learns of its scene's changes from a queued call, so ``repaint()`` right after
changing items paints the old picture and the new one comes in a later turn of the event loop,
outside the drawing time the scheduler counts (``gui.redraw``). Processing the scenes' queued
changes instead paints them at once (Qt sends the window's pending update request from there).
"""
from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtWidgets import QGraphicsView


class _PaintCount(QObject):
    """Counts the paint events of the widget it watches."""

    def __init__(self, widget):
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Paint:
            self.count += 1
        return False


def _counter(viewport):
    return viewport.findChild(_PaintCount) or _PaintCount(viewport)


def repaint_now(widget):
    """Paint ``widget`` (a graphics view, or a widget holding some, such as a plot) now, once: its
    views' queued scene changes, and the widget itself only when that painted nothing, since
    painting it again would double the cost of a frame while playing."""
    views = [widget] if isinstance(widget, QGraphicsView) else widget.findChildren(QGraphicsView)
    counters = [_counter(view.viewport()) for view in views]
    before = sum(counter.count for counter in counters)
    for view in views:   # pyqtgraph's views fit their ranges (and so what their curves show) first,
        prepare = getattr(view.scene(), "prepareForPaint", None)   # else a second paint would follow
        if prepare is not None:
            prepare()
    for view in views:
        QCoreApplication.sendPostedEvents(view.scene(), QEvent.MetaCall)
    if sum(counter.count for counter in counters) == before:
        (widget.viewport() if isinstance(widget, QGraphicsView) else widget).repaint()
