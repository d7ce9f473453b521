"""Memory benchmark: the resident size over 100,000 iterations of training, as Play, the CLI and
the window's Play drive it.

1. In this process, the default model trains in chunks of 100 iterations
   (``run(100, record_last=False)``), with a recorded iteration and a snapshot every 10 chunks,
   as frames would take them: the resident size after a tenth of the iterations and after all.
2. ``main.py train`` (the CLI, default model) for a tenth of the iterations and for all of them,
   each in a fresh process: the resident size at the end of each.
3. The window (offscreen), playing at max speed on the default model, every panel drawing: the
   resident size when Play passes a tenth of the iterations and when it has run them all.

Target for each: the growth stays within 2 × the history's bytes (the history, 8 bytes an entry,
is all that should grow; plots draw downsampled copies). Run: ``make bench`` or
``python bench/memory.py [ITERATIONS]``.
"""
import json
import os
import subprocess
import sys

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from core import runtime  # noqa: E402
from core.training import TrainerConfig, build_trainer  # noqa: E402

ITERATIONS = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 100_000
CHUNK = 100
POLL_MS = 50


def rss_bytes():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def history_bytes(history):
    """The bytes of a history's entries (8 each)."""
    return sum(len(series) * 8 for series in history.values())


def trainer_as_play_drives_it():
    """(iterations, resident early, resident late, history bytes, snapshots taken)."""
    trainer = build_trainer(TrainerConfig())
    early = None
    snapshots = 0
    while trainer.iteration < ITERATIONS:
        chunk = min(CHUNK, ITERATIONS - trainer.iteration)
        frame = (trainer.iteration // CHUNK) % 10 == 9
        trainer.run(chunk, record_last=frame)
        if frame:
            trainer.snapshot()
            snapshots += 1
        if early is None and trainer.iteration >= ITERATIONS // 10:
            early = (trainer.iteration, rss_bytes())
    return trainer.iteration, early, rss_bytes(), history_bytes(trainer.history), snapshots


def cli_worker(iterations):
    """Print the resident bytes of the CLI after training the default model for ``iterations``."""
    from core import cli
    with open(os.devnull, "w") as null:
        code = cli.run(["train", "--iterations", str(iterations), "--quiet"], stdout=null, stderr=null)
    assert code == 0, f"the CLI failed with exit code {code}"
    print(json.dumps({"resident": rss_bytes()}))


def window_worker(iterations):
    """Play the window at max speed until ``iterations``; print the resident bytes at a tenth and
    at the end, and the history's bytes."""
    import tempfile

    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QApplication
    settings_dir = tempfile.mkdtemp(prefix="bench-memory-settings-")
    for fmt in (QSettings.NativeFormat, QSettings.IniFormat):
        QSettings.setPath(fmt, QSettings.UserScope, settings_dir)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from gui.app import show_window
    window = show_window()
    window.resize(1366, 768)
    play = window.findChild(QAction, "action_play")
    found = {}

    def poll():
        done = window.trainer.iteration
        if "early" not in found and done >= iterations // 10:
            found["early"] = [done, rss_bytes()]
        if done >= iterations:
            play.trigger()
            timer.stop()
            app.processEvents()
            found["late"] = [window.trainer.iteration, rss_bytes()]
            found["history"] = history_bytes(window.trainer.history)
            app.quit()

    timer = QTimer()
    timer.timeout.connect(poll)

    def start():
        window.steps.set_speed(None)
        play.trigger()
        timer.start(POLL_MS)

    QTimer.singleShot(500, start)  # after the plots are built
    app.exec()
    print(json.dumps(found))


def run_worker(kind, iterations, env=None):
    out = subprocess.run([sys.executable, __file__, "--worker", kind, str(iterations)], cwd=ROOT,
                         env=env or dict(os.environ), capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(label, early, late, history):
    growth = late[1] - early[1]
    ok = growth <= 2 * history
    print(f"  {label}")
    print(f"    resident after {early[0]:>7} iterations  {early[1] / 2**20:8.1f} MiB")
    print(f"    resident after {late[0]:>7} iterations  {late[1] / 2**20:8.1f} MiB")
    print(f"    growth {growth / 2**20:6.1f} MiB   history {history / 2**20:5.1f} MiB   "
          f"target ≤ 2 × history   {'PASS' if ok else 'FAIL'}")


def main():
    runtime.tune_allocator()  # as the app and the CLI do at start-up
    print(f"Backprop Studio memory benchmark: default model, {ITERATIONS} iterations")
    done, early, late, history, snapshots = trainer_as_play_drives_it()
    report(f"trainer.run in chunks of {CHUNK}, {snapshots} snapshots (as Play drives it)",
           early, (done, late), history)
    few, many = run_worker("cli", ITERATIONS // 10), run_worker("cli", ITERATIONS)
    # (the CLI trains the same default model, so its history is as large as the one above)
    report("the CLI (main.py train), each in a fresh process, resident at its end",
           (ITERATIONS // 10, few["resident"]), (ITERATIONS, many["resident"]), history)
    window = run_worker("window", ITERATIONS, {**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    report("the window playing at max speed (offscreen, 1366×768)", window["early"], window["late"],
           window["history"])


if __name__ == "__main__":
    if len(sys.argv) > 3 and sys.argv[1] == "--worker":
        {"cli": cli_worker, "window": window_worker}[sys.argv[2]](int(sys.argv[3]))
    else:
        main()
