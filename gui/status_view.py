"""What the window says about the run: the divergence and health banners, the phase hint, the
status bar. Their colours come from the window's theme (``gui.theme``), by object name."""
import time

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel

from core.training.health import health_warnings

from .hints import hint_for
from .redraw import NUMBERS_S

STATUS_KEYS = ("iteration", "phase", "loss", "accuracy", "rate")


class StatusView:
    """Draws a snapshot into ``banner``, ``hint`` and the ``status_bar``'s ``labels``."""

    def __init__(self, status_bar):
        self.status_bar = status_bar
        self.hint = QLabel()
        self.hint.setObjectName("phase_hint")
        self.hint.setWordWrap(True)
        self.banner = QLabel()
        self.banner.setObjectName("divergence_banner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.health = QLabel()   # dead ReLUs, vanishing or exploding gradients
        self.health.setObjectName("health_banner")
        self.health.setWordWrap(True)
        self.health.hide()
        self._health_key = None
        self._shown_at = 0.0
        self.labels = {}
        for key in STATUS_KEYS:
            label = SteadyLabel()
            label.setObjectName(f"status_{key}")
            label.setContentsMargins(6, 0, 6, 0)
            status_bar.addPermanentWidget(label)
            self.labels[key] = label

    def show_snapshot(self, snapshot, playing, rate, groups=()):
        """Banner, hint and labels for ``snapshot``; ``rate`` is iterations per second while playing,
        ``groups`` the layers the graph draws as one node (the hint names them so)."""
        now = time.perf_counter()
        if playing and now - self._shown_at < NUMBERS_S:   # (its labels cost a frame's third)
            return
        self._shown_at = now
        diverged = snapshot.diverged
        self.banner.setVisible(diverged is not None)
        if diverged is not None:
            self.banner.setText(f"Training diverged: {diverged['message']} The node where it "
                                "happened glows red in the graph. Undo the last steps (Ctrl+Z) and "
                                "lower the learning rate, or Reset (R).")
            self.status_bar.showMessage(f"Diverged: {diverged['message']}")
        elif self.status_bar.currentMessage().startswith("Diverged"):
            self.status_bar.clearMessage()
        self.hint.setText(hint_for(snapshot, playing, groups))
        self._show_health(snapshot, diverged is None)
        loss = snapshot.metrics.get("loss", _last(snapshot.history, "train_loss"))
        accuracy = snapshot.metrics.get("accuracy", _last(snapshot.history, "train_acc"))
        labels = self.labels
        labels["iteration"].setText(f"Iteration {snapshot.iteration}")
        labels["phase"].setText("Playing" if playing else "Diverged" if diverged
                                else f"Next: {snapshot.phase.label}")
        labels["loss"].setText("Loss —" if loss is None else f"Loss {loss:.4g}")
        labels["accuracy"].setText("Accuracy —" if accuracy is None else f"Accuracy {accuracy:.1%}")
        labels["rate"].setText(f"{rate:.0f} it/s" if playing else "")
        for label in labels.values():
            label.hold_size(grow_only=playing)

    def _show_health(self, snapshot, alive):
        """The health banner; between a batch's update and the next forward pass the ReLU values
        are unknown, so the last batch's warnings stay up until a new batch says otherwise."""
        relus = [n for n in snapshot.graph if n.op == "relu"]
        values_known = not relus or any(n.value is not None for n in relus)
        fresh = snapshot.iteration == 0 and snapshot.completed is None
        if values_known or fresh or not alive:
            warnings = health_warnings(snapshot) if alive else []
            self._health_key = [w.message for w in warnings]
        text = "<br>".join(f"Warning: {m}" for m in self._health_key or ())
        self.health.setText(text)
        self.health.setVisible(bool(text))


class SteadyLabel(QLabel):
    """A status label of fixed size, so that a new text does not lay out the window again.

    Qt asks the window for a new layout whenever a label's text changes, unless the label's size
    is fixed, and QMainWindow then re-lays out its docks with animations: four times a second
    while playing, as the iteration, loss and rate change. ``hold_size`` fixes the size to the
    text's; while playing it only grows (a wider number lays out once, a narrower one not at all).
    A change of font (the text scale) fits the text again."""

    def __init__(self):
        super().__init__()
        # the text's size as a label of free size has it (a fixed label's own hint is its size);
        # hidden, so its hints invalidate no layout
        self._free = QLabel(self)
        self._free.hide()

    def hold_size(self, grow_only=False):
        """Fix the size to the text's, or with ``grow_only`` to at least the present size."""
        free = self._free
        free.setFont(self.font())
        free.setContentsMargins(self.contentsMargins())
        free.setText(self.text())
        hint = free.sizeHint()
        width, height = hint.width(), hint.height()
        if grow_only:
            width, height = max(width, self.minimumWidth()), max(height, self.minimumHeight())
        if (width, height) != (self.maximumWidth(), self.maximumHeight()):
            self.setFixedSize(width, height)

    def changeEvent(self, event):
        super().changeEvent(event)
        if event.type() in (QEvent.FontChange, QEvent.StyleChange):
            self.hold_size()


def _last(history, key):
    values = history.get(key)
    return float(values[-1]) if values is not None and len(values) else None
