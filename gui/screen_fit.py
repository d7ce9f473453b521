"""The first window's size: as large as the layout likes (1280×800), never larger than the screen
it opens on (a 1366×768 laptop, a 1280×720 projector), centred there."""
from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QScrollArea

PREFERRED = (1280, 800)
FRAME = (0, 32)   # the window manager's title bar and borders, outside the window's own size


def first_geometry(available, preferred=PREFERRED):
    """The window's rectangle in ``available`` (a QRect): the preferred size, or what fits."""
    width = min(preferred[0], available.width() - FRAME[0])
    height = min(preferred[1], available.height() - FRAME[1])
    left = available.left() + (available.width() - width) // 2
    top = available.top() + (available.height() - FRAME[1] - height) // 2 + FRAME[1]
    return QRect(left, top, width, height)


def fit_to_screen(window):
    """Size and place ``window`` on its screen's available area (the primary one before it shows)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    rect = first_geometry(screen.availableGeometry())
    window.resize(rect.size())
    window.move(rect.topLeft())
    return rect


def scrolled(widget):
    """``widget`` in a scroll area: a tall panel stays reachable on a short screen."""
    area = QScrollArea()
    area.setObjectName(f"{widget.objectName() or 'panel'}_scroll")
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.NoFrame)
    area.setWidget(widget)
    return area
