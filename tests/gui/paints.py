"""A widget's paint events, counted and their regions kept (what a redraw painted)."""
from PySide6.QtCore import QEvent, QObject


class Paints(QObject):
    def __init__(self, widget):
        super().__init__(widget)
        self.count = 0
        self.regions = []
        widget.installEventFilter(self)

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Paint:
            self.count += 1
            self.regions.append(event.region())
        return False
