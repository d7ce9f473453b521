"""Play mode: training advances from a timer, pauses, resets, stops on divergence or errors, and
a long run leaves no graph or item behind."""
import gc
import resource

from PySide6.QtGui import QAction

from gui.play import SPEEDS


def action(window, name):
    return window.findChild(QAction, name)


def play(window, speed=None):
    window.steps.set_speed(speed)
    action(window, "action_play").trigger()
    assert window.play.playing


def test_play_trains_until_paused(window, qtbot):
    play(window)
    assert action(window, "action_play").isChecked()
    assert not action(window, "action_forward").isEnabled()
    assert not action(window, "action_step").isEnabled()
    assert action(window, "action_reset").isEnabled()
    qtbot.waitUntil(lambda: window.trainer.iteration >= 20, timeout=10_000)
    action(window, "action_play").trigger()
    assert not window.play.playing and action(window, "action_step").isEnabled()
    stopped = window.trainer.iteration
    qtbot.wait(100)
    assert window.trainer.iteration == stopped
    assert window.status_labels["iteration"].text() == f"Iteration {stopped}"


def test_the_speed_control_paces_training(window, qtbot):
    assert SPEEDS.index(window.steps.current_speed()) >= 0
    play(window, speed=20)
    qtbot.wait(500)
    action(window, "action_play").trigger()
    assert 3 <= window.trainer.iteration <= 15


def test_reset_while_playing_stops_and_starts_over(window, qtbot):
    play(window)
    qtbot.waitUntil(lambda: window.trainer.iteration >= 5, timeout=10_000)
    action(window, "action_reset").trigger()
    assert not window.play.playing and window.trainer.iteration == 0
    assert not action(window, "action_play").isChecked()


def test_divergence_while_playing_stops_play(window, qtbot):
    window.trainer.lr = 1e6
    play(window)
    qtbot.waitUntil(lambda: not window.play.playing, timeout=10_000)
    assert window.trainer.diverged is not None and window.banner.isVisible()
    assert not action(window, "action_play").isEnabled()


def test_an_error_while_playing_is_shown_and_play_stops(window, qtbot, dialogs, monkeypatch):
    def broken(n, *args, **kwargs):
        raise RuntimeError("out of cheese")

    monkeypatch.setattr(window.trainer, "run", broken)
    play(window)
    qtbot.waitUntil(lambda: not window.play.playing, timeout=5_000)
    assert dialogs.kinds() == ["critical"] and "out of cheese" in dialogs.shown[0][2]
    assert not action(window, "action_play").isChecked()


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # KiB on Linux


def test_a_long_play_leaves_memory_flat(window, qtbot):
    window.graph_view.select_node(window.trainer.snapshot().scores_node)
    play(window)
    qtbot.waitUntil(lambda: window.trainer.iteration >= 300, timeout=20_000)
    action(window, "action_play").trigger()
    window.refresh()
    gc.collect()
    items = len(window.graph_view.scene().items())
    objects = len(gc.get_objects())
    rss = peak_rss_mb()
    start = window.trainer.iteration
    play(window)
    qtbot.waitUntil(lambda: window.trainer.iteration >= start + 2000, timeout=60_000)
    action(window, "action_play").trigger()
    window.refresh()
    gc.collect()
    assert len(window.graph_view.scene().items()) == items
    assert len(gc.get_objects()) - objects < 500     # no graph, snapshot or item kept per iteration
    # a graph kept per iteration would be ~300 kB each, 600 MB in all; the history is ~1 MB
    assert peak_rss_mb() - rss < 40


def test_play_records_only_the_iterations_a_frame_shows_and_pauses_on_a_current_graph(window, qtbot):
    recorded = []
    trainer = window.trainer
    original = trainer.step

    def step():
        recorded.append(trainer.iteration)
        original()

    trainer.step = step
    play(window)
    qtbot.waitUntil(lambda: trainer.iteration >= 300, timeout=20_000)
    action(window, "action_play").trigger()
    assert trainer.graph_current
    assert 0 < len(recorded) < trainer.iteration / 5  # about one a frame, not one a chunk
    snap = window.snapshot()
    assert float(snap.graph[snap.loss_node].value) == trainer.history["train_loss"][-1]


def test_panels_take_no_snapshot_between_frames(window, qtbot, monkeypatch):
    taken = []
    trainer_snapshot = type(window.trainer).snapshot
    monkeypatch.setattr(type(window.trainer), "snapshot",
                        lambda self: taken.append(1) or trainer_snapshot(self))
    frames = []
    core = window.redraw.core
    window.redraw.core = lambda s: (frames.append(1), core(s))
    play(window)
    qtbot.wait(1500)
    action(window, "action_play").trigger()
    assert frames and len(taken) <= 2 * len(frames) + 5
