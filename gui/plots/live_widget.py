"""The base of the plot widgets: draw the latest snapshot, and only while it can be seen."""
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget


class LiveWidget(QWidget):
    """Keeps the latest (snapshot, trainer) and draws it when seen ("latest wins", no backlog).

    A dock in a tab behind another stays "visible" to Qt but is parked off screen: only an
    empty visible region says it can't be seen. It is drawn when it is next painted.
    Subclasses implement ``draw(snapshot, trainer)`` and ``clear_items()``.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAutoFillBackground(True)  # opaque: nothing of a dock area behind shows through
        self._latest = None
        self._stale = False

    def show_snapshot(self, snapshot, trainer):
        """Remember the snapshot; draw it now if the widget can be seen, else when it is shown."""
        self._latest = (snapshot, trainer)
        self._stale = True
        if self.isVisible() and not self.visibleRegion().isEmpty():
            self.refresh()

    def refresh(self):
        """Draw the latest snapshot now, visible or not (e.g. before an export)."""
        if self._stale:
            self._stale = False
            self.draw(*self._latest)

    def clear(self):
        """Forget the snapshot and empty the plot."""
        self._latest = None
        self._stale = False
        self.clear_items()

    def showEvent(self, event):
        super().showEvent(event)
        self.refresh()

    def paintEvent(self, event):
        super().paintEvent(event)
        if self._stale:  # brought into view (e.g. its tab raised): draw after this paint
            QTimer.singleShot(0, self, self.refresh)

    def draw(self, snapshot, trainer):
        raise NotImplementedError

    def clear_items(self):
        raise NotImplementedError
