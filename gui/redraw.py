"""When the views are redrawn (the one scheduler): the graph first, the panels one at a time after it.

Drawing everything after every change would block the event loop for 100 ms and more (a
pyqtgraph panel costs 10–50 ms to update and paint). So a change draws the *core* (graph,
status, controls) at once after a click, or at most 30 times a second while playing; then each
visible panel whose content changed is drawn in its own turn of the event loop, so clicks and
training get through in between. While playing, panels are redrawn at most PANEL_HZ times a
second, and after a unit that took c seconds drawing pauses long enough to leave training its
share of the time (``play.FULL_SPEED_SHARE`` at full speed, what the chosen speed needs
otherwise).
"""
import time

from PySide6.QtCore import QObject, QTimer

FRAME_S = 1 / 30
PANEL_HZ = 4
MIN_GAP_S = 0.002


class Panel:
    """A view drawn from snapshots: ``draw(snapshot)``; ``key(snapshot)`` changes when its content
    would; ``visible()`` says whether it can be seen at all."""

    def __init__(self, name, draw, key, visible):
        self.name, self.draw, self.key, self.visible = name, draw, key, visible


class RedrawScheduler(QObject):
    """Draws ``core(snapshot)`` and ``panels`` from ``app_model.snapshot()``, most important first.

    It follows the app model: a new snapshot (``sig_snapshot``) makes the core and the panels
    whose key changed stale, a new generation (``sig_generation``) every panel, a selection the
    panels that show it. A snapshot is taken only when something is drawn: between draws a panel
    counts as possibly stale when the app model's version moved, and its key is compared at its
    turn. It also tells play when a frame is coming (``frame_wanted``), so that only the
    iteration the graph will show is recorded.
    """

    def __init__(self, app_model, core, panels, parent=None):
        super().__init__(parent)
        self.snapshot_of = app_model.snapshot
        self.version_of = lambda: app_model.version
        self.core = core
        self.panels = panels
        self.training_share = app_model.play.training_share
        self.drawn = {}            # panel name → key it was last drawn with
        self.drawn_at = {}         # panel name → when
        self.checked = {}          # panel name → app model version its key was last compared at
        self.core_dirty = False
        self.frame_recorded = False  # a chunk has recorded the iteration the next frame shows
        self.last_core = 0.0
        self.quiet_until = 0.0
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._tick)
        app_model.sig_snapshot.connect(self.changed)
        app_model.sig_generation.connect(self.forget)
        app_model.sig_selected.connect(self.panels_changed)
        app_model.play.frame_wanted = self.frame_wanted

    @property
    def pacing(self):
        return self.training_share() > 0

    def changed(self, now):
        """The trainer changed: draw the core ``now`` (after a click) or soon (while playing)."""
        if now:
            self._draw_core()
        else:
            self.core_dirty = True
        self._schedule()

    def panels_changed(self, *_):
        """A panel became visible or switched what it shows: draw what is stale."""
        self.checked.clear()
        self._schedule()

    def frame_wanted(self, by):
        """Whether the graph will be drawn from the trainer's state at time ``by`` (perf_counter):
        always when not pacing, else once per frame: for the first chunk ending after it is due."""
        if not self.pacing:
            return True
        if self.frame_recorded or by < self.last_core + FRAME_S:
            return False
        self.frame_recorded = True
        return True

    def flush(self):
        """Draw everything that is stale, now (tests, screenshots, exports)."""
        self.timer.stop()
        if self.core_dirty:
            self._draw_core()
        snapshot = self.snapshot_of()
        for panel in self.panels:
            if panel.visible() and self._stale(panel, snapshot):
                self._draw_panel(panel, snapshot)

    def draw_now(self, name):
        """Draw the panel ``name`` now, outside the schedule (a click asked for it)."""
        panel = next(p for p in self.panels if p.name == name)
        self._draw_panel(panel, self.snapshot_of())

    def forget(self):
        """Draw every panel again at its next turn (a new trainer, a reset)."""
        self.drawn.clear()
        self.checked.clear()

    # ----- the schedule ----------------------------------------------------------------------
    def _next_unit(self, now):
        """The next thing to draw ("core" or a Panel) and when it is due, or (None, None)."""
        pacing = self.pacing
        candidates = []
        if self.core_dirty:
            candidates.append((self.last_core + FRAME_S if pacing else now, 0, "core"))
        version = self.version_of()
        for k, panel in enumerate(self.panels, start=1):
            if panel.visible() and self.checked.get(panel.name) != version:
                due = self.drawn_at.get(panel.name, 0.0) + 1 / PANEL_HZ if pacing else now
                candidates.append((due, k, panel))
        if not candidates:
            return None, None
        due, _, unit = min(candidates, key=lambda c: c[:2])
        return unit, max(due, self.quiet_until)

    def _schedule(self):
        now = time.perf_counter()
        unit, due = self._next_unit(now)
        if unit is None:
            return
        delay_ms = max(0, int((due - now) * 1000))
        if not self.timer.isActive() or self.timer.remainingTime() > delay_ms:
            self.timer.start(delay_ms)

    def _tick(self):
        start = time.perf_counter()
        unit, due = self._next_unit(start)
        if unit is None:
            return
        if due > start:
            self.timer.start(int((due - start) * 1000) + 1)
            return
        if unit == "core":
            self._draw_core()
        else:
            snapshot = self.snapshot_of()
            if not self._stale(unit, snapshot):  # the version moved but not what it shows
                self.checked[unit.name] = self.version_of()
                self._schedule()
                return
            self._draw_panel(unit, snapshot)
        end = time.perf_counter()
        share = min(self.training_share(), 0.9)
        self.quiet_until = end + max(MIN_GAP_S, (end - start) * share / (1 - share)) if share else end
        self._schedule()

    def _draw_core(self):
        self.core_dirty = self.frame_recorded = False
        self.last_core = time.perf_counter()
        self.core(self.snapshot_of())

    def _draw_panel(self, panel, snapshot):
        self.drawn[panel.name] = panel.key(snapshot)
        self.drawn_at[panel.name] = time.perf_counter()
        self.checked[panel.name] = self.version_of()
        panel.draw(snapshot)

    def _stale(self, panel, snapshot):
        return self.drawn.get(panel.name) != panel.key(snapshot)
