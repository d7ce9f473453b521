"""Play mode: training advances in short chunks from a timer, so the window stays responsive.

A pure-Python training loop holds the GIL, so there is no worker thread: every tick runs
``trainer.run(k)`` with k sized to a few milliseconds and to the chosen speed; the window
redraws from the latest snapshot on its own schedule (``gui.redraw``).
"""
import time
from collections import deque

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from .redraw import GRAPH_SHARE, PANEL_SHARE

SPEEDS = (1, 5, 20, 100, 1000, None)   # iterations per second; None = as fast as possible
DEFAULT_SPEED = 100
BUDGET = 0.008    # seconds of training per tick
TICK_MS = 4       # between ticks at a set speed; 0 (back to back) at full speed
RATE_WINDOW = 1.0  # seconds over which iterations/s is measured
FULL_SPEED_SHARE = 1 - GRAPH_SHARE - PANEL_SHARE  # of wall time for training at "max", at least


class PlayController(QObject):
    """Starts, paces and stops training; ``trainer_of()`` returns the current trainer."""

    sig_advanced = Signal()            # at least one iteration ran
    sig_failed = Signal(object)        # the trainer raised; play has stopped
    sig_playing_changed = Signal(bool)

    def __init__(self, trainer_of, parent=None):
        super().__init__(parent)
        self.trainer_of = trainer_of
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        self.speed = DEFAULT_SPEED
        self.chunk = 1.0          # iterations that fit in BUDGET, adapted tick by tick
        self.seconds_per_iteration = 1e-3
        self._credit = 0.0
        self._last = 0.0
        self._recent = deque()   # (time, iterations) of recent ticks
        # frame_wanted(t): will the graph be drawn from the state at time t? Only then is the
        # chunk's last iteration recorded (its graph values and gradients kept for display);
        # the redraw scheduler sets it.
        self.frame_wanted = lambda by: True
        # frame_pending(): a chunk has recorded the iteration the graph's next frame shows, and the
        # frame is due: the tick then lets the frame be drawn first (the redraw scheduler sets it)
        self.frame_pending = lambda: False

    @property
    def playing(self):
        return self.timer.isActive()

    def start(self):
        if self.playing:
            return
        self._credit = 1.0       # the first iteration runs at once
        self._last = time.perf_counter()
        self._recent.clear()
        self.timer.start(self._interval())
        self.sig_playing_changed.emit(True)

    def stop(self):
        """Pause; the graph then shows the current iteration (one more, recorded, if the last
        chunk's was not)."""
        if not self.playing:
            return
        self.timer.stop()
        trainer = self.trainer_of()
        if not trainer.graph_current and trainer.diverged is None:
            try:
                trainer.step()
            except Exception as exc:  # noqa: BLE001 — shown to the user by the window
                self.sig_failed.emit(exc)
        self.sig_playing_changed.emit(False)

    def set_speed(self, speed):
        """Iterations per second, or None for as fast as the budget allows."""
        self.speed = speed
        if self.playing:
            self.timer.setInterval(self._interval())

    def training_share(self):
        """The fraction of wall time training needs: none when paused, FULL_SPEED_SHARE at full
        speed, else what the chosen speed takes (with some slack)."""
        if not self.playing:
            return 0.0
        if self.speed is None:
            return FULL_SPEED_SHARE
        return min(FULL_SPEED_SHARE, 1.5 * self.speed * self.seconds_per_iteration)

    def rate(self):
        """Iterations per second over the last second of play."""
        if len(self._recent) < 2:
            return 0.0
        span = self._recent[-1][0] - self._recent[0][0]
        return sum(n for _, n in list(self._recent)[1:]) / span if span > 0 else 0.0

    def _interval(self):
        return 0 if self.speed is None else TICK_MS

    def _tick(self):
        if self.frame_pending():   # else this timer, always due, would run a chunk more before it
            return
        now = time.perf_counter()
        if self.speed is None:
            allowance = 1 << 30
        else:
            cap = max(1.0, self.speed * 0.1)   # no burst after a stall
            self._credit = min(self._credit + self.speed * (now - self._last), cap)
            allowance = int(self._credit)
        self._last = now
        if allowance < 1:
            return
        k = max(1, min(allowance, int(self.chunk)))
        trainer = self.trainer_of()
        record = self.frame_wanted(now + k * self.seconds_per_iteration)
        try:
            ran = trainer.run(k, record_last=record)
        except Exception as exc:  # noqa: BLE001 — shown to the user by the window
            self.stop()
            self.sig_failed.emit(exc)
            return
        if ran:
            elapsed = time.perf_counter() - now
            self.seconds_per_iteration = 0.8 * self.seconds_per_iteration + 0.2 * elapsed / ran
            self._credit -= ran
            if ran == k and k >= int(self.chunk):
                # grow or shrink the chunk towards BUDGET (each run() has a fixed cost too)
                self.chunk = max(1.0, self.chunk * (1.25 if elapsed < 0.8 * BUDGET else
                                                    0.8 if elapsed > 1.2 * BUDGET else 1.0))
        self._recent.append((now, ran))
        while self._recent and now - self._recent[0][0] > RATE_WINDOW:
            self._recent.popleft()
        if trainer.diverged is not None:
            self.stop()
        if ran:
            self.sig_advanced.emit()
