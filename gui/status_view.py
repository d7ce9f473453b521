"""What the window says about the run: the divergence banner, the phase hint, the status bar."""
from PySide6.QtWidgets import QLabel

from .hints import hint_for

BANNER_STYLE = ("padding: 6px 8px; background: #FBE3D6; color: #7A2600; "
                "border: 1px solid #D55E00; font-weight: bold;")
HINT_STYLE = "#phase_hint { padding: 4px 8px; background: #F4F1E6; border-bottom: 1px solid #DDD; }"
STATUS_KEYS = ("iteration", "phase", "loss", "accuracy", "rate")


class StatusView:
    """Draws a snapshot into ``banner``, ``hint`` and the ``status_bar``'s ``labels``."""

    def __init__(self, status_bar):
        self.status_bar = status_bar
        self.hint = QLabel()
        self.hint.setObjectName("phase_hint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(HINT_STYLE)
        self.banner = QLabel()
        self.banner.setObjectName("divergence_banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.hide()
        self.labels = {}
        for key in STATUS_KEYS:
            label = QLabel()
            label.setObjectName(f"status_{key}")
            label.setContentsMargins(6, 0, 6, 0)
            status_bar.addPermanentWidget(label)
            self.labels[key] = label

    def show_snapshot(self, snapshot, playing, rate):
        """Banner, hint and labels for ``snapshot``; ``rate`` is iterations per second while playing."""
        diverged = snapshot.diverged
        self.banner.setVisible(diverged is not None)
        if diverged is not None:
            self.banner.setText(f"Training diverged: {diverged['message']} The node where it "
                                "happened glows red in the graph. Press Reset (R) or change the "
                                "settings.")
            self.status_bar.showMessage(f"Diverged: {diverged['message']}")
        elif self.status_bar.currentMessage().startswith("Diverged"):
            self.status_bar.clearMessage()
        self.hint.setText(hint_for(snapshot, playing))
        loss = snapshot.metrics.get("loss", _last(snapshot.history, "train_loss"))
        accuracy = snapshot.metrics.get("accuracy", _last(snapshot.history, "train_acc"))
        labels = self.labels
        labels["iteration"].setText(f"Iteration {snapshot.iteration}")
        labels["phase"].setText("Playing" if playing else "Diverged" if diverged
                                else f"Next: {snapshot.phase.label}")
        labels["loss"].setText("Loss —" if loss is None else f"Loss {loss:.4g}")
        labels["accuracy"].setText("Accuracy —" if accuracy is None else f"Accuracy {accuracy:.1%}")
        labels["rate"].setText(f"{rate:.0f} it/s" if playing else "")


def _last(history, key):
    values = history.get(key)
    return float(values[-1]) if values is not None and len(values) else None
