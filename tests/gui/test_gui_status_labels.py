"""The status bar's labels keep a fixed size, so that their text changing while playing does not lay
out the window again (QMainWindow re-lays out and animates its docks on every layout request)."""
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLabel


class LayoutRequests(QObject):
    """Counts the layout requests ``widget`` receives."""

    def __init__(self, widget):
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched, event):
        if event.type() == QEvent.LayoutRequest:
            self.count += 1
        return False


def needed(label):
    """(width, height) of the label's text, font and margins in a label of free size."""
    free = QLabel(label.text())
    free.setFont(label.font())
    free.setContentsMargins(label.contentsMargins())
    return free.sizeHint().width(), free.sizeHint().height()


def size(label):
    return label.width(), label.height()


def refresh(window, rate, playing=True):
    """The status drawn now (as Play draws it four times a second), showing ``rate`` it/s."""
    window.status._shown_at = 0.0
    window.status.show_snapshot(window.snapshot(), playing, rate, window.app_model.step_groups)
    QApplication.processEvents()


def test_narrower_text_while_playing_lays_out_nothing(window):
    refresh(window, 1000)
    QApplication.processEvents()   # (the layout going from paused to playing texts, done)
    requests = LayoutRequests(window)
    for rate in (987, 912, 1000, 43, 999):   # the text's width changes at every refresh
        refresh(window, rate)
    assert requests.count == 0
    label = window.status_labels["rate"]
    assert label.text() == "999 it/s"
    assert label.width() >= needed(label)[0]   # the text still fits


def test_a_wider_text_grows_the_label_and_pausing_fits_it_again(window):
    label = window.status_labels["rate"]
    refresh(window, 10)
    narrow = label.width()
    refresh(window, 12345)
    assert label.text() == "12345 it/s"
    assert label.width() == needed(label)[0] > narrow
    refresh(window, 10)
    assert label.width() > needed(label)[0]   # playing: it keeps the room it had
    wide = label.width()
    refresh(window, 10, playing=False)
    assert label.text() == "" and label.width() < wide
    for key in ("iteration", "phase", "loss", "accuracy"):   # paused: each fits its text exactly
        assert size(window.status_labels[key]) == needed(window.status_labels[key])


def test_a_larger_font_fits_the_text_again(window):
    label = window.status_labels["iteration"]
    refresh(window, 10, playing=False)
    small = label.width()
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 2)
    label.setFont(font)
    QApplication.processEvents()
    assert size(label) == needed(label)
    assert label.width() > small
