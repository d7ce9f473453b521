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

- Play against headless: Play's iterations/s at "max" over ``trainer.run``'s in the same process,
  taking turns (three rounds of 1 s headless and 1.5 s Play) so that the machine's changing load
  touches both alike, on the default model, an MLP 128×3 and a digits MLP 64, with the graph's
  frames per second, the probe's p95 and how often the loss and boundary plots were redrawn
  (the median time between two draws of one) while playing;
- start-up: from process start to the end of the window's first paint, in a fresh process (the
  last of three runs, so the file and bytecode caches are warm); the plot docks are filled
  after that paint, and when they are ready is printed beside it, with the event loop's longest
  stall (a 10 ms probe timer's lateness) until just after their first draws.

Targets: window ≤ 2 s (in process) and ≤ 0.8 s from process start, each phase ≤ 50 ms, Play
≥ 500 it/s with probe p95 ≤ 40 ms, Play ≥ 0.85 × headless on the default model and ≥ 0.75 on
the others, graph ≥ 25 frames/s and each plot redrawn at least every 0.5 s while playing.
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

from core import runtime  # noqa: E402

WINDOW_TARGET = 2.0
CLICK_TARGET = 0.050
PLAY_RATE_TARGET = 500
PROBE_TARGET = 0.040
START_TARGET = 0.8
FPS_TARGET = 25
PLOTS = ("loss", "boundary")   # the plot docks in sight at the start; redrawn in turn while playing
PLOT_GAP_TARGET = 0.5   # seconds between two redraws of a plot while playing (gui.redraw: PANEL_SHARE)
HEADLESS_SECONDS = 1.0   # per turn
PLAY_ROUNDS = 3
# (label, config overrides, Play/headless target)
PLAY_MODELS = (("default 2-16-16-3", {}, 0.85),
               ("MLP 128×3 (spiral)", {"hidden": [128, 128, 128]}, 0.75),
               ("digits MLP 64", {"dataset": "digits", "hidden": [64]}, 0.75))
ROUNDS = 8
PLAY_SECONDS = 4.5
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


def time_play(window, seconds=PLAY_SECONDS):
    """Play at full speed for ``seconds``: (iterations, seconds, the 10 ms probe timer's lateness
    samples, graph frames drawn, the seconds between two draws of a plot in PLOTS)."""
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
    frames = []
    core = window.redraw.core
    window.redraw.core = lambda snapshot: (frames.append(1), core(snapshot))
    plotted = {name: [] for name in PLOTS}   # when each plot was drawn
    panels = [panel for panel in window.redraw.panels if panel.name in plotted]
    draws = [panel.draw for panel in panels]
    for panel, draw in zip(panels, draws):
        panel.draw = lambda snapshot, draw=draw, at=plotted[panel.name]: (at.append(time.perf_counter()),
                                                                         draw(snapshot))
    window.steps.set_speed(None)
    start_iteration = window.trainer.iteration
    clock.start()
    expected[0] = PROBE_MS / 1000
    probe.start(PROBE_MS)
    window.findChild(QAction, "action_play").trigger()
    wait(int(seconds * 1000))
    window.findChild(QAction, "action_play").trigger()
    probe.stop()
    window.redraw.core = core
    for panel, draw in zip(panels, draws):
        panel.draw = draw
    gaps = [b - a for times in plotted.values() for a, b in zip(times, times[1:])]
    return window.trainer.iteration - start_iteration, clock.nsecsElapsed() / 1e9, lateness, len(frames), gaps


def p95_of(lateness):
    return statistics.quantiles(lateness, n=20)[-1] if len(lateness) >= 20 else max(lateness)


def time_headless(trainer, seconds):
    """(iterations, seconds) of ``trainer.run`` in chunks of 20, as a script would train."""
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        done += trainer.run(20)
    return done, time.perf_counter() - start


def play_against_headless(app, window, config):
    """(Play it/s, headless it/s, graph frames/s, probe p95, the plots' median seconds between
    redraws) for ``config``: Play in the window
    and ``trainer.run`` on a trainer of its own take turns (1 s and 1.5 s, three times), so that a
    change in the machine's load touches both alike."""
    from core.training import build_trainer
    trainer = build_trainer(config)
    trainer.run(20)
    window.app_model.rebuild(config)
    settle(app, window)
    played, headless, lateness, frames, gaps = [0, 0.0], [0, 0.0], [], 0, []
    for _ in range(PLAY_ROUNDS):
        done, seconds = time_headless(trainer, HEADLESS_SECONDS)
        headless = [headless[0] + done, headless[1] + seconds]
        done, seconds, late, drawn, plot_gaps = time_play(window, PLAY_SECONDS / PLAY_ROUNDS)
        played = [played[0] + done, played[1] + seconds]
        lateness += late
        frames += drawn
        gaps += plot_gaps
    return (played[0] / played[1], headless[0] / headless[1], frames / played[1], p95_of(lateness),
            statistics.median(gaps) if gaps else float("inf"))


def time_start():
    """(seconds from process start to the end of the window's first paint, the same to its plots
    built, from the interpreter's first line to the paint, the main thread's CPU seconds to the paint,
    the event loop's longest stall from the paint until 0.3 s after the plots were built)
    in a fresh process started as the ``backprop-studio`` command starts the app
    (``gui.launch.prepare_process``, then ``gui.app.show_window``) with a first start's settings:
    the last of three runs, so the file cache and the bytecode cache (a temporary one, as an
    installed app has its own) are warm."""
    code = ("import time; t0 = time.perf_counter()\n"
            "import sys; sys.path.insert(0, %r)\n"
            "from gui.launch import prepare_process\n"
            "prepare_process()   # as the backprop-studio command does before the app\n"
            "from PySide6.QtCore import QEvent, QObject, Qt, QTimer\n"
            "from PySide6.QtWidgets import QApplication\n"
            "app = QApplication([])\n"
            "from gui.app import show_window\n"
            "painted, ticks = [], []\n"
            "probe = QTimer(); probe.setTimerType(Qt.PreciseTimer)\n"
            "probe.timeout.connect(lambda: ticks.append(time.perf_counter()))\n"
            "class FirstPaint(QObject):\n"
            "    def eventFilter(self, watched, event):\n"
            "        if event.type() == QEvent.Paint and not painted:\n"
            "            painted.append(0)   # the end of this paint: the next turn of the loop\n"
            "            QTimer.singleShot(0, lambda: (painted.append(\n"
            "                (time.perf_counter(), time.thread_time())), probe.start(%d)))\n"
            "        return False\n"
            "w = show_window()   # shown: its first paint comes in the event loop\n"
            "first = FirstPaint(); w.graph_view.viewport().installEventFilter(first)\n"
            "while len(painted) < 2: app.processEvents()\n"
            "while not w.plot_docks.built: app.processEvents()\n"
            "built = time.perf_counter()\n"
            "while time.perf_counter() < built + 0.3: app.processEvents()   # their first draws\n"
            "stall = max(b - a for a, b in zip(ticks, ticks[1:])) - %g\n"
            "print(painted[1][0], built, painted[1][0] - t0, painted[1][1], stall)\n"
            ) % (os.path.dirname(os.path.dirname(os.path.abspath(__file__))), PROBE_MS, PROBE_MS / 1000)
    import subprocess
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONPYCACHEPREFIX=tempfile.mkdtemp(prefix="bench-gui-pyc-"),
               XDG_CONFIG_HOME=tempfile.mkdtemp(prefix="bench-gui-config-"))   # a first start's window
    for _ in range(3):
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                             check=True)
        painted, built, in_process, cpu, stall = (float(x) for x in out.stdout.split()[-5:])
    return painted - start, built - start, in_process, cpu, stall


def main():
    runtime.tune_allocator()   # as the app's entry point does at start-up (gui/launch.py)
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
    done, seconds, lateness, _, _ = time_play(window)
    rate, p95 = done / seconds, p95_of(lateness)
    print(f"  Play at max speed           {rate:8.0f} it/s  target ≥ {PLAY_RATE_TARGET}"
          f"      {verdict(rate >= PLAY_RATE_TARGET)}")
    print(f"  event-loop latency (p95)    {p95 * 1000:8.1f} ms   target ≤ {PROBE_TARGET * 1000:.0f} ms"
          f"    {verdict(p95 <= PROBE_TARGET)}   ({len(lateness)} probes of a {PROBE_MS} ms timer)")
    from core.training import TrainerConfig
    print("  Play at max / headless trainer.run (same process, taking turns), graph frames/s, probe p95,")
    print(f"  the plots ({' and '.join(PLOTS)}) redrawn every … s (median; target ≤ {PLOT_GAP_TARGET} s):")
    for label, overrides, target in PLAY_MODELS:
        rate, headless, fps, p95, gap = play_against_headless(app, window, TrainerConfig(**overrides))
        ratio = rate / headless
        print(f"    {label:<22} {rate:7.0f} / {headless:7.0f} it/s = {ratio:4.2f}  target ≥ {target}  "
              f"{verdict(ratio >= target)}   graph {fps:4.1f} frames/s {verdict(fps >= FPS_TARGET)}"
              f"   p95 {p95 * 1000:5.1f} ms {verdict(p95 <= PROBE_TARGET)}"
              f"   plots {gap:4.2f} s {verdict(gap <= PLOT_GAP_TARGET)}")
    window.close()
    painted, built, in_process, cpu, stall = time_start()
    print(f"  window painted from process start {painted * 1000:6.0f} ms"
          f"  target ≤ {START_TARGET * 1000:.0f} ms"
          f"   {verdict(painted <= START_TARGET)}   (from the interpreter's first line: "
          f"{in_process * 1000:.0f} ms; main thread's CPU time to it {cpu * 1000:.0f} ms; "
          f"plots built after it, at {built * 1000:.0f} ms)")
    print(f"  longest stall of the event loop from the paint to 0.3 s after the plots {stall * 1000:6.0f} ms"
          f"   (a {PROBE_MS} ms probe timer's lateness; target ≤ {PROBE_TARGET * 1000:.0f} ms"
          f"   {verdict(stall <= PROBE_TARGET)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
