"""The application model on its own, with no window: it drives the trainer, says what changed,
and every failure reaches sig_error."""
import pytest

from core.training import Phase, TrainerConfig, build_trainer
from gui.app_model import AppModel


@pytest.fixture
def model(qtbot):
    model = AppModel()
    yield model
    model.play.stop()


def test_it_opens_on_the_default_session_and_steps_the_phases(model, qtbot):
    assert model.trainer.config == TrainerConfig() and model.trainer.phase is Phase.FORWARD
    with qtbot.waitSignal(model.sig_snapshot) as changed:
        assert model.step_phase()
    assert changed.args == [True] and model.trainer.phase is Phase.LOSS
    assert model.snapshot().phase is Phase.LOSS
    model.step_phase()
    model.step_node()
    assert model.trainer.phase is Phase.BACKWARD
    assert model.selected == model.snapshot().active_node is not None   # Next node selects it
    model.step()
    assert model.trainer.iteration == 1 and model.snapshot().iteration == 1


def test_the_snapshot_is_taken_once_per_change(model):
    first = model.snapshot()
    assert model.snapshot() is first
    model.step()
    assert model.snapshot() is not first and model.snapshot().iteration == 1


def test_the_selection_is_a_node_of_the_current_graph_or_none(model, qtbot):
    node = model.snapshot().scores_node
    with qtbot.waitSignal(model.sig_selected) as selected:
        model.select_node(node)
    assert selected.args == [node] and model.selected == node
    with qtbot.waitSignal(model.sig_selected) as selected:
        model.select_node(10_000)
    assert selected.args == [None] and model.selected is None


def test_reset_and_new_trainers_start_a_new_generation(model, qtbot):
    model.step()
    with qtbot.waitSignal(model.sig_generation):
        model.reset()
    assert model.trainer.iteration == 0 and model.trainer.history["train_loss"] == []
    other = build_trainer(TrainerConfig(model="svm", loss="hinge"))
    with qtbot.waitSignals([model.sig_trainer, model.sig_generation]):
        model.replace_trainer(other)
    assert model.trainer is other
    assert model.rebuild(TrainerConfig(hidden=[4]))
    assert model.trainer.config.hidden == [4]


def test_play_trains_until_paused(model, qtbot):
    with qtbot.waitSignal(model.sig_playing) as playing:
        model.set_playing(True)
    assert playing.args == [True]
    qtbot.waitUntil(lambda: model.trainer.iteration >= 3, timeout=5_000)
    with qtbot.waitSignal(model.sig_playing) as playing:
        model.set_playing(False)
    assert playing.args == [False] and not model.playing


def test_live_settings_apply_to_the_trainer_and_its_config(model):
    assert model.apply_live("lr", 0.05) and model.apply_live("reg", 0.01)
    assert model.trainer.lr == model.trainer.config.lr == 0.05
    assert model.trainer.reg == model.trainer.config.reg == 0.01


def test_a_failing_trainer_call_is_reported_through_sig_error(model, qtbot, monkeypatch):
    def broken():
        raise RuntimeError("something broke")

    monkeypatch.setattr(model.trainer, "step_phase", broken)
    with qtbot.waitSignal(model.sig_error) as error:
        assert not model.step_phase("Forward")
    assert error.args == ["Forward failed", "RuntimeError: something broke"]


@pytest.mark.parametrize("call, title", [
    (lambda m: m.apply_live("lr", -1.0), "Setting lr failed"),
    (lambda m: m.rebuild(TrainerConfig(dataset="nonsense")), "Cannot build this model"),
    (lambda m: m.check_gradient("nope"), "Gradient check failed"),
])
def test_bad_settings_are_reported_and_the_trainer_kept(model, qtbot, call, title):
    old, lr = model.trainer, model.trainer.lr
    with qtbot.waitSignal(model.sig_error) as error:
        call(model)
    assert error.args[0] == title and error.args[1]
    assert model.trainer is old and model.trainer.lr == lr


def test_an_error_while_playing_stops_play_and_is_reported(model, qtbot, monkeypatch):
    def broken(n, *args, **kwargs):
        raise RuntimeError("out of cheese")

    monkeypatch.setattr(model.trainer, "run", broken)
    with qtbot.waitSignal(model.sig_error, timeout=5_000) as error:
        model.set_playing(True)
    assert "out of cheese" in error.args[1] and not model.playing


def test_the_window_shows_the_app_models_errors_in_one_dialog(window, dialogs):
    window.app_model.error("Cannot export", "/tmp/x.png: Permission denied")
    assert dialogs.shown == [("critical", "Cannot export", "/tmp/x.png: Permission denied")]
