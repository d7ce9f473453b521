"""The one redraw scheduler: a panel that can't be seen waits, and draws the latest snapshot
when it is shown ("latest wins")."""
import time
from types import SimpleNamespace

from PySide6.QtCore import QObject, Signal

from gui import redraw
from gui.play import FULL_SPEED_SHARE
from gui.redraw import FRAME_S, RedrawScheduler, paced_frame

WAIT_S = 6.0  # PANEL_WAIT_S for the plot-rate test: far above a plot's turn (0.4–0.8 s here)


def points(plot):
    x = plot.curves["train_loss"].getOriginalDataset()[0]
    return 0 if x is None else len(x)


def test_a_hidden_plot_draws_its_latest_snapshot_when_shown(window, qtbot):
    window.gradnorm_dock.raise_()   # the loss plot's tab goes behind
    qtbot.waitUntil(lambda: not window._shown.get(window.loss_dock))
    window.trainer.run(3)
    window.refresh()
    plot = window.loss_plot
    assert points(plot) == 0

    window.loss_dock.raise_()
    qtbot.waitUntil(lambda: points(plot) == 3)
    plot.clear()
    assert points(plot) == 0


def test_while_playing_the_panels_draw_the_latest_snapshot_only(window, qtbot):
    drawn = []
    panel = next(p for p in window.redraw.panels if p.name == "loss")
    draw = panel.draw
    panel.draw = lambda snapshot: (drawn.append(snapshot.iteration), draw(snapshot))
    window.steps.set_speed(None)
    window.app_model.set_playing(True)
    qtbot.waitUntil(lambda: window.trainer.iteration >= 300, timeout=20_000)
    window.app_model.set_playing(False)
    window.redraw.flush()
    assert drawn[-1] == window.trainer.iteration == points(window.loss_plot)
    assert len(drawn) < window.trainer.iteration / 10   # no backlog: most iterations never drawn


def test_while_playing_at_full_speed_every_visible_plot_redraws_in_its_turn(window, qtbot, monkeypatch):
    """The plots follow Play on their budget, the decision boundary included (not only once they
    have waited PANEL_WAIT_S, made long here so that a slow machine cannot blur the two), and
    each draw shows a later iteration than the one before."""
    monkeypatch.setattr(redraw, "PANEL_WAIT_S", WAIT_S)
    drawn = {"loss": [], "boundary": []}   # (time, iteration) of each draw
    frames = []
    for panel in window.redraw.panels:
        if panel.name in drawn:
            def draw(snapshot, record=drawn[panel.name], original=panel.draw):
                record.append((time.perf_counter(), snapshot.iteration))
                original(snapshot)
            panel.draw = draw
    core = window.redraw.core
    window.redraw.core = lambda snapshot: (frames.append(time.perf_counter()), core(snapshot))
    window.steps.set_speed(None)
    window.app_model.set_playing(True)
    qtbot.waitUntil(lambda: all(len(draws) >= 7 for draws in drawn.values()), timeout=40_000)
    window.app_model.set_playing(False)
    for name, draws in drawn.items():
        times, iterations = zip(*draws[1:])   # from the first draw while playing
        assert all(b > a for a, b in zip(iterations, iterations[1:])), name
        gaps = sorted(b - a for a, b in zip(times, times[1:]))
        assert gaps[len(gaps) // 2] < WAIT_S / 2, (name, gaps)   # not only on the "waited too long" path
        graph_frames = sum(times[0] <= t <= times[-1] for t in frames)
        assert graph_frames / (len(times) - 1) <= 25, name   # about every 10 frames; 40 waiting the longest


def test_only_plays_frames_are_paced_and_pausing_draws_the_graph_in_full(window, qtbot):
    paced = []
    core = window.redraw.core
    window.redraw.core = lambda snapshot: (paced.append(paced_frame()), core(snapshot))
    window.steps.set_speed(None)
    window.app_model.set_playing(True)
    qtbot.waitUntil(lambda: window.trainer.iteration >= 200, timeout=20_000)
    window.app_model.set_playing(False)
    assert True in paced and paced[-1] is False and not paced_frame()
    view = window.graph_view
    assert view.deferred == []
    snapshot = window.snapshot()
    loss = view.node_items[view.shown_as.get(snapshot.loss_node, snapshot.loss_node)]
    assert loss.value_text[0].text().startswith("= ")


class FakeModel(QObject):
    sig_snapshot = Signal(bool)
    sig_generation = Signal()
    sig_selected = Signal(object)

    def __init__(self):
        super().__init__()
        self.version = 1
        self.play = SimpleNamespace(training_share=lambda: FULL_SPEED_SHARE, frame_wanted=None)

    def snapshot(self):
        return None


def test_play_lets_a_due_frame_draw_before_its_next_chunk_but_never_waits_longer_than_a_frame(qtbot):
    model = FakeModel()
    scheduler = RedrawScheduler(model, core=lambda snapshot: None, panels=[])
    assert model.play.frame_pending == scheduler.frame_pending
    now = time.perf_counter()
    scheduler.next_frame = now - 0.001
    assert not scheduler.frame_pending()          # no chunk has recorded the frame's iteration yet
    assert scheduler.frame_wanted(now)            # this chunk records it ...
    assert scheduler.frame_pending()              # ... so the next chunk waits for the frame
    scheduler.next_frame = now - 2 * FRAME_S      # the frame overdue by more than a frame: no waiting
    assert not scheduler.frame_pending()


def test_a_due_frame_that_play_waits_for_is_drawn_at_once_not_when_the_timer_comes_round(qtbot):
    model, drawn = FakeModel(), []
    scheduler = RedrawScheduler(model, core=drawn.append, panels=[])
    scheduler.next_frame = time.perf_counter() + 0.5
    assert scheduler.frame_wanted(scheduler.next_frame)   # a chunk records the frame's iteration
    scheduler.changed(False)                              # and the trainer moved on
    assert not scheduler.frame_pending() and drawn == []  # not due yet: play runs its next chunk
    scheduler.next_frame = time.perf_counter() - 0.001
    assert scheduler.frame_pending()                      # due: play's tick yields ...
    assert drawn == [None] and not scheduler.frame_pending()   # ... and the frame is drawn, once
