"""Damaged sessions never break the window: refused at open with one error and nothing changed;
an odd but valid session plays without a stream of errors."""
import numpy as np
import pytest

from core.io.session import _pack
from core.training import TrainerConfig, build_trainer


def small_state(iterations=5):
    trainer = build_trainer(TrainerConfig(n_samples=60, hidden=[6]))
    trainer.run(iterations)
    return trainer.state_dict()


def damaged_history(state):
    state["history"]["train_loss"] = state["history"]["train_loss"][:-2]


def text_in_history(state):
    state["history"]["train_acc"][0] = "high"


def damaged_reset_point(state):
    state["initial"]["model"].pop(next(iter(state["initial"]["model"])))


def reset_point_of_another_shape(state):
    name = next(iter(state["initial"]["model"]))
    state["initial"]["model"][name] = np.zeros((3, 3))


@pytest.mark.parametrize("damage", [damaged_history, text_in_history, damaged_reset_point,
                                    reset_point_of_another_shape])
def test_a_damaged_session_shows_one_error_and_changes_nothing(window, dialogs, qtbot, tmp_path, damage):
    state = small_state()
    damage(state)
    path = tmp_path / "damaged.bpsession"
    path.write_bytes(_pack(state))
    model = window.app_model
    trainer, version = model.trainer, model.version
    errors = []
    model.sig_error.connect(lambda title, text: errors.append((title, text)))
    window.file_actions.open_session_file(str(path))
    assert len(errors) == 1 and "damaged.bpsession" in errors[0][1]
    assert model.trainer is trainer and model.version == version
    assert dialogs.kinds() == ["critical"]


def odd_sessions():
    long_run = small_state(3)
    long_run["iteration"] = 1_000_000          # far on, with only three iterations of history
    flat = small_state(12)
    for key in ("train_loss", "data_loss", "reg_loss"):
        flat["history"][key] = [0.0] * len(flat["history"][key])   # a history without any slope
    empty = small_state(0)
    return [long_run, flat, empty]


@pytest.mark.parametrize("state", odd_sessions(), ids=["far-on", "flat-history", "untrained"])
def test_two_seconds_of_play_after_an_odd_session_raise_no_errors(window, dialogs, qtbot, tmp_path, state):
    path = tmp_path / "odd.bpsession"
    path.write_bytes(_pack(state))
    model = window.app_model
    errors = []
    model.sig_error.connect(lambda title, text: errors.append((title, text)))
    window.file_actions.open_session_file(str(path))
    assert errors == [] and model.trainer.iteration == state["iteration"]
    start = model.trainer.iteration
    frames = []
    model.sig_snapshot.connect(frames.append)
    model.set_playing(True)   # a few hundred ms of play at the default speed, redrawn as it goes
    qtbot.waitUntil(lambda: model.trainer.iteration >= start + 20 and len(frames) >= 10, timeout=10_000)
    model.set_playing(False)
    assert errors == [] and dialogs.kinds() == []
    end = model.trainer.iteration
    model.undo()                                # and stepping back works there too
    assert errors == [] and model.trainer.iteration == end - 1
