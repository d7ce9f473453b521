"""What the window remembers between runs: geometry, dock layout, speed, view toggles, settings."""
import json

from PySide6.QtCore import QByteArray, QPoint, Qt
from PySide6.QtWidgets import QTabBar

from core.training import TrainerConfig

from .screen_fit import fit_to_screen


def stored_config(stored):
    """The last session's settings, or None when there are none or they can't be read."""
    text = stored.value("config")
    try:
        return TrainerConfig.from_dict(json.loads(text)) if text else None
    except Exception:  # noqa: BLE001 — garbled settings: start on the default
        return None


def restore_window(window, stored):
    """The stored geometry and dock layout (else a first layout that fits the screen), speed and
    the expanded-loss toggle."""
    geometry = stored.value("geometry")
    first = not (isinstance(geometry, QByteArray) and window.restoreGeometry(geometry))
    if first:
        fit_to_screen(window)
        first_layout(window)
    else:
        state = stored.value("window_state")
        if isinstance(state, QByteArray):
            window.restoreState(state)
    speed = str(stored.value("speed", ""))
    if speed == "max" or speed.isdigit():
        window.steps.set_speed(None if speed == "max" else int(speed))
    window.action_expand_loss.setChecked(stored.value("expand_loss") in (True, "true"))
    for bar in _tab_bars(window):   # see hide_stale_tab_bars
        bar.move(_PARKED)


def first_layout(window):
    """The first start's dock sizes: the bottom row as low as its plots allow, the graph the rest
    (the plot docks hold room of their plots' minimum sizes until the plots come: gui.plot_docks)."""
    window.resizeDocks([window.inspector_dock, window.loss_dock, window.boundary_dock],
                       [500, 390, 390], Qt.Horizontal)
    window.resizeDocks([window.inspector_dock], [330], Qt.Vertical)


def hide_stale_tab_bars(window):
    """Hide the tab bars Qt left behind when it made the dock tab groups, once the window is shown.

    Qt makes a spare tab bar for every tab group after the first in a dock row, and never places
    it again: shown where the window's first layout put it, it shows through a dock's title bar.
    ``restore_window`` parks every bar off the window; the first layout of the shown window places
    those Qt uses, so whatever is still parked is left over."""
    for bar in _tab_bars(window):
        if bar.pos() == _PARKED:
            bar.hide()


_PARKED = QPoint(-10000, -10000)


def _tab_bars(window):
    return window.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly)


def save_window(window, stored):
    """Geometry, dock layout, speed, view toggles and the session's settings into ``stored``."""
    stored.setValue("geometry", window.saveGeometry())
    stored.setValue("window_state", window.saveState())
    speed = window.steps.current_speed()
    stored.setValue("speed", "max" if speed is None else str(speed))
    stored.setValue("expand_loss", window.action_expand_loss.isChecked())
    stored.setValue("config", json.dumps(window.app_model.session.config.to_dict()))
