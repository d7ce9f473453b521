"""GUI responsiveness benchmark: window start-up, click-to-repaint per phase, Play throughput.

Measured offscreen on the default session (3-arm spiral, MLP 2-16-16-3, softmax, SGD):

- window visible: from importing the GUI to the end of the window's first paint;
- click-to-repaint: with the window idle, trigger a step action, then repaint the graph view's
  viewport; the time to the end of that forced ``repaint()`` (median and worst over several
  iterations per phase). The window redraws the graph inside the click and the other panels
  (inspector, plots) in the next turns of the event loop, so the time until everything has
  been redrawn ("all settled") is printed next to it, for information;
- Play: iterations per second at speed "max", together with the event loop's latency — a 10 ms
  probe QTimer's lateness (p95), which is what a user's click would wait.

Targets: window ≤ 2 s, each phase ≤ 50 ms, Play ≥ 500 it/s with probe p95 ≤ 50 ms.
Run: ``make bench`` or ``QT_QPA_PLATFORM=offscreen python bench/gui.py``. A benchmark, not a
test: it prints PASS/MISS per figure and exits 0. Settings go to a temporary directory.
"""
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QAction  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

WINDOW_TARGET = 2.0
CLICK_TARGET = 0.050
PLAY_RATE_TARGET = 500
PROBE_TARGET = 0.050
ROUNDS = 8
PLAY_SECONDS = 5.0
PROBE_MS = 10
PHASE_ACTIONS = (("Forward", "action_forward"), ("Loss", "action_loss"),
                 ("Backward", "action_backward"), ("Update", "action_update"),
                 ("Next node", "action_step_node"), ("Step", "action_step"))


def wait(ms):
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def verdict(ok):
    return "PASS" if ok else "MISS"


def time_window(app):
    start = time.perf_counter()
    from gui import MainWindow
    window = MainWindow()
    window.show()
    app.processEvents()
    window.graph_view.viewport().repaint()
    return window, time.perf_counter() - start


def settle(app, window):
    """Process events until every view has been redrawn."""
    app.processEvents()
    while window.redraw.timer.isActive():
        wait(1)
        app.processEvents()


def click_to_repaint(app, window, name):
    """(seconds to the graph repainted, seconds until every view is redrawn)."""
    settle(app, window)
    action = window.findChild(QAction, name)
    start = time.perf_counter()
    action.trigger()
    window.graph_view.viewport().repaint()
    graph = time.perf_counter() - start
    settle(app, window)
    return graph, time.perf_counter() - start


def time_phases(app, window):
    # the first ReLU: the inspector shows heat maps and a check table
    window.graph_view.select_node(min(n.id for n in window.snapshot().graph if n.op == "relu"))
    times = {label: [] for label, _ in PHASE_ACTIONS}
    for _ in range(ROUNDS):
        for label, name in PHASE_ACTIONS[:4]:
            times[label].append(click_to_repaint(app, window, name))
        window.findChild(QAction, "action_forward").trigger()
        window.findChild(QAction, "action_loss").trigger()
        times["Next node"].append(click_to_repaint(app, window, "action_step_node"))
        times["Step"].append(click_to_repaint(app, window, "action_step"))
    return times


def time_play(window):
    """Iterations/s at full speed and the p95 lateness of a 10 ms probe timer."""
    lateness = []
    clock = QElapsedTimer()
    probe = QTimer()
    probe.setTimerType(Qt.PreciseTimer)
    expected = [0.0]

    def on_probe():
        now = clock.nsecsElapsed() / 1e9
        lateness.append(max(0.0, now - expected[0]))
        expected[0] = now + PROBE_MS / 1000

    probe.timeout.connect(on_probe)
    window.steps.set_speed(None)
    start_iteration = window.trainer.iteration
    clock.start()
    expected[0] = PROBE_MS / 1000
    probe.start(PROBE_MS)
    window.findChild(QAction, "action_play").trigger()
    wait(int(PLAY_SECONDS * 1000))
    window.findChild(QAction, "action_play").trigger()
    probe.stop()
    elapsed = clock.nsecsElapsed() / 1e9
    rate = (window.trainer.iteration - start_iteration) / elapsed
    p95 = statistics.quantiles(lateness, n=20)[-1] if len(lateness) >= 20 else max(lateness)
    return rate, p95, len(lateness)


def main():
    settings_dir = tempfile.mkdtemp(prefix="bench-gui-settings-")
    for fmt in (QSettings.NativeFormat, QSettings.IniFormat):
        QSettings.setPath(fmt, QSettings.UserScope, settings_dir)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window, visible = time_window(app)
    wait(200)
    print("Backprop Studio GUI benchmark (offscreen, default spiral MLP 2-16-16-3)")
    print(f"  window visible              {visible * 1000:8.0f} ms   target ≤ {WINDOW_TARGET * 1000:.0f} ms"
          f"   {verdict(visible <= WINDOW_TARGET)}")
    for label, pairs in time_phases(app, window).items():
        graph = [g for g, _ in pairs]
        settled = [s for _, s in pairs]
        median, worst = statistics.median(graph), max(graph)
        print(f"  click→repaint {label:<12} {median * 1000:6.1f} ms median, {worst * 1000:6.1f} ms worst"
              f"   target ≤ {CLICK_TARGET * 1000:.0f} ms   {verdict(worst <= CLICK_TARGET)}"
              f"   (all settled: {statistics.median(settled) * 1000:.0f} ms median, "
              f"{max(settled) * 1000:.0f} ms worst)")
    rate, p95, probes = time_play(window)
    print(f"  Play at max speed           {rate:8.0f} it/s  target ≥ {PLAY_RATE_TARGET}"
          f"      {verdict(rate >= PLAY_RATE_TARGET)}")
    print(f"  event-loop latency (p95)    {p95 * 1000:8.1f} ms   target ≤ {PROBE_TARGET * 1000:.0f} ms"
          f"    {verdict(p95 <= PROBE_TARGET)}   ({probes} probes of a {PROBE_MS} ms timer)")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
