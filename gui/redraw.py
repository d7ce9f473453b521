"""When the views are redrawn (the one scheduler): the graph first, the panels one at a time after it.

Drawing everything after every change would block the event loop for 100 ms and more (a
pyqtgraph panel costs 5–50 ms to update and paint). So a change draws the *core* (graph,
status, controls) at once after a click; then each visible panel whose content changed is drawn
in its own turn of the event loop, so clicks get through in between.

While playing, drawing gets a bounded share of the wall time and training the rest (at full
speed at least ``play.FULL_SPEED_SHARE``, more when frames are cheap). The graph comes first: a
frame every ``FRAME_S``, spaced further apart only where frames would take more than
``GRAPH_SHARE`` of the time. Between frames the panels take turns, the longest-waiting first
whatever it costs (so cheap panels never starve an expensive one such as the decision boundary),
each at most ``PANEL_HZ`` times a second, on a budget of their own that grows at ``PANEL_SHARE`` of
the time (more when a slow set speed leaves training less to do), from the frame's snapshot (no
snapshot of their own); a panel that has waited ``PANEL_WAIT_S`` draws even on credit. A plot costs
5–20 ms to redraw and paint, so the budget, not the rate, limits a model whose plots cost more: it
gets them less often rather than training slower still (README, Speed: the measured rates).
"""
import time

from PySide6.QtCore import QObject, QTimer

from core.runtime import limit_blas

FRAME_S = 1 / 26       # the graph while playing: 26 frames a second ...
GRAPH_SHARE = 0.22     # ... unless frames (on average) would take more than this share of the time
PANEL_SHARE = 0.05     # of the time for the panels at full speed
PANEL_HZ = 2.5         # a panel at most every 0.4 s while playing: a plot costs 5–20 ms to draw
PANEL_WAIT_S = 1.5     # a panel waits at most this long for the budget while playing
CREDIT_CAP_S = 0.03    # panel drawing time saved up while there was nothing to draw
MAX_DEBT_S = 0.1       # panel drawing time owed at most (one drawn after waiting is partly forgiven)
# While playing, the numbers a person reads (the graph's captions, the status bar) are re-texted
# at most every NUMBERS_S, four times a second, while the edges follow every frame: numbers that
# change 26 times a second cannot be read, and working out and laying out a frame's captions costs
# as much as the rest of the frame.
NUMBERS_S = 0.25

_paced = False   # a frame of Play is being drawn now (paced_frame)


def paced_frame():
    """Whether the frame being drawn now is one of Play's: a view may then leave what is out of
    sight for later, since the scheduler draws everything in full once play stops."""
    return _paced


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
        self.next_frame = 0.0      # while playing: when the graph's next frame is due
        self.frame_cost = None     # seconds a frame takes, on average (one that also paints a plot costs more)
        self.frame_snapshot = None  # the snapshot the last frame drew (the panels draw it too)
        self.credit = CREDIT_CAP_S  # seconds of panel drawing the budget allows now (negative: owed)
        self.credited_at = 0.0
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._tick)
        app_model.sig_snapshot.connect(self.changed)
        app_model.sig_generation.connect(self.forget)
        app_model.sig_selected.connect(self.panels_changed)
        app_model.play.frame_wanted = self.frame_wanted
        app_model.play.frame_pending = self.frame_pending

    @property
    def pacing(self):
        return self.training_share() > 0

    def changed(self, now):
        """The trainer changed: draw the core ``now`` (after a click) or soon (while playing)."""
        if now:
            self._draw_core()
        elif self.core_dirty and self.timer.isActive():
            return   # Play's next chunk: its frame is scheduled already, and the tick looks again
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
        if self.frame_recorded or by < self.next_frame:
            return False
        self.frame_recorded = True
        return True

    def frame_pending(self):
        """Whether the graph's frame is due and shows an iteration a chunk has just recorded (for
        one frame's time at most, so that training never stalls): play's tick then yields, and the
        frame is drawn here, now, rather than when this scheduler's timer comes round (up to a
        millisecond or two later, each frame, with play's timer spinning idle meanwhile)."""
        pending = (self.frame_recorded and self.pacing
                   and self.next_frame <= time.perf_counter() < self.next_frame + FRAME_S)
        if pending and self.core_dirty:
            self.timer.stop()
            self._tick()
        return pending

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

    # ----- the panels' budget ----------------------------------------------------------------
    def _panel_share(self):
        return max(PANEL_SHARE, 1 - self.training_share() - GRAPH_SHARE)

    def _accrue(self, now):
        """Add the panel drawing time earned since the last call (all of it when not pacing)."""
        if self.pacing:
            earned = (now - self.credited_at) * self._panel_share()
            self.credit = min(CREDIT_CAP_S, self.credit + earned)
        else:
            self.credit = CREDIT_CAP_S
        self.credited_at = now

    def _spend(self, start, end):
        self._accrue(end)
        self.credit = max(-MAX_DEBT_S, self.credit - (end - start))

    # ----- the schedule ----------------------------------------------------------------------
    def _next_unit(self, now):
        """The next thing to draw ("core" or a Panel) and when, or (None, None). Not pacing: the
        core, then the panels in order, at once. Pacing: the graph when its frame is due; until
        then the panel that has waited longest, once its turn (``PANEL_HZ``) has come and the
        budget allows — whatever the others cost, so that an expensive panel is not passed over
        by cheap ones — or on credit once it has waited ``PANEL_WAIT_S``."""
        version = self.version_of()
        waiting = [panel for panel in self.panels
                   if panel.visible() and self.checked.get(panel.name) != version]
        if not self.pacing:
            if self.core_dirty:
                return "core", now
            return (waiting[0], now) if waiting else (None, None)
        frame_due = self.next_frame if self.core_dirty else None
        if frame_due is not None and frame_due <= now:
            return "core", frame_due
        if waiting:
            panel = min(waiting, key=lambda p: self.drawn_at.get(p.name, 0.0))
            due = self.drawn_at.get(panel.name, 0.0) + 1 / PANEL_HZ
            if now - due < PANEL_WAIT_S:   # not waited too long: waits for the budget too
                ready = now if self.credit >= 0 else now - self.credit / self._panel_share()
                due = max(due, ready)
            if frame_due is None or due < frame_due:
                return panel, due
        return ("core", frame_due) if frame_due is not None else (None, None)

    def _schedule(self):
        now = time.perf_counter()
        self._accrue(now)
        unit, due = self._next_unit(now)
        if unit is None:
            return
        delay_ms = max(0, int((due - now) * 1000))
        if not self.timer.isActive() or self.timer.remainingTime() > delay_ms:
            self.timer.start(delay_ms)

    def _tick(self):
        start = time.perf_counter()
        self._accrue(start)
        unit, due = self._next_unit(start)
        if unit is None:
            return
        if due > start:
            self.timer.start(int((due - start) * 1000) + 1)
            return
        if unit == "core":
            self._draw_core()
        else:
            pacing = self.pacing and self.frame_snapshot is not None
            snapshot = self.frame_snapshot if pacing else self.snapshot_of()
            if not self._stale(unit, snapshot):  # the version moved but not what it shows
                self.checked[unit.name] = self.version_of()
                self._schedule()
                return
            with limit_blas(1 if pacing else None):   # between chunks, a second BLAS thread only
                self._draw_panel(unit, snapshot)     # spins on a core that training needs
            self._spend(start, time.perf_counter())
        self._schedule()

    def _draw_core(self):
        global _paced
        start = time.perf_counter()
        self.core_dirty = self.frame_recorded = False
        self.frame_snapshot = self.snapshot_of()
        _paced = self.pacing
        try:
            with limit_blas(1):   # a frame's sums are small: a second BLAS thread only spins on a busy core
                self.core(self.frame_snapshot)
        finally:
            _paced = False
        end = time.perf_counter()
        cost = end - start
        self.frame_cost = cost if self.frame_cost is None else 0.8 * self.frame_cost + 0.2 * cost
        if self.pacing:   # frames evenly spaced, and together within GRAPH_SHARE of the time
            interval = max(FRAME_S, self.frame_cost / GRAPH_SHARE)
            self.next_frame = max(self.next_frame + interval, start + interval / 2)
        else:
            self.next_frame = end

    def _draw_panel(self, panel, snapshot):
        self.drawn[panel.name] = panel.key(snapshot)
        self.drawn_at[panel.name] = time.perf_counter()
        self.checked[panel.name] = self.version_of()
        panel.draw(snapshot)

    def _stale(self, panel, snapshot):
        return self.drawn.get(panel.name) != panel.key(snapshot)
