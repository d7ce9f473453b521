"""Undo (Ctrl+Z) through the application model and the window: steps back a node, a phase or an
iteration with the same numbers, and brings back training a reset or an edit of the data discarded."""
import numpy as np
import pytest
from PySide6.QtGui import QAction, QKeySequence

from core.data import Dataset
from core.training import Phase, TrainerConfig
from gui.app_model import AppModel


@pytest.fixture
def model(qtbot):
    model = AppModel()
    yield model
    model.play.stop()


def values(snapshot):
    return [n.value for n in snapshot.graph], [n.upstream for n in snapshot.graph]


def assert_same(a, b):
    assert (a.iteration, a.phase, a.active_node, a.done_nodes) == (b.iteration, b.phase, b.active_node,
                                                                    b.done_nodes)
    for xs, ys in zip(values(a), values(b)):
        for x, y in zip(xs, ys):
            assert (x is None) == (y is None)
            if x is not None:
                np.testing.assert_array_equal(x, y)


def test_undo_after_three_next_node_steps_is_the_state_after_two(model):
    model.step()
    model.step_phase()
    model.step_phase()
    model.step_node()
    model.step_node()
    after_two = model.snapshot()
    model.step_node()
    assert model.undo()
    assert_same(after_two, model.snapshot())
    model.step_node()
    model.undo()
    assert_same(after_two, model.snapshot())   # forward and back again: the same numbers
    model.undo()
    model.undo()                               # the two node steps: backward is next again
    assert model.trainer.phase is Phase.BACKWARD and not model.snapshot().done_nodes
    model.undo()                               # the loss phase
    assert model.trainer.phase is Phase.LOSS and model.trainer.iteration == 1


def test_undo_after_play_steps_back_one_iteration_at_a_time(model, qtbot):
    model.set_playing(True)
    qtbot.waitUntil(lambda: model.trainer.iteration >= 15, timeout=10_000)
    model.set_playing(False)
    end = model.trainer.iteration
    loss = list(model.trainer.history["train_loss"])
    model.undo()
    assert model.trainer.iteration == end - 1 and model.trainer.completed is None
    model.undo()
    assert model.trainer.iteration == end - 2
    assert model.trainer.history["train_loss"] == loss[:end - 2]


def test_undo_brings_back_the_iterations_a_reset_discarded(model, qtbot):
    model.trainer.run(500)
    model.changed()
    weights = model.trainer.model.state_dict()
    history = list(model.trainer.history["train_loss"])
    with qtbot.waitSignal(model.sig_status) as status:
        model.reset()
    assert model.trainer.iteration == 0 and "Ctrl+Z" in status.args[0]
    assert model.undo()
    assert model.trainer.iteration == 500 and model.trainer.history["train_loss"] == history
    for name, value in model.trainer.model.state_dict().items():
        np.testing.assert_array_equal(value, weights[name])
    model.step()                               # and it trains on from there
    assert model.trainer.iteration == 501


def test_undo_brings_back_the_trainer_an_edit_of_the_data_replaced(model):
    model.trainer.run(50)
    before = model.trainer
    ds = before.dataset
    edited = Dataset(np.vstack([ds.X_train, [[0.5, 0.5]]]), np.append(ds.y_train, 0), ds.X_val, ds.y_val,
                     name=ds.name)
    assert model.train_on(edited)
    assert model.trainer is not before and model.trainer.iteration == 0
    assert model.undo()
    assert model.trainer is before and model.trainer.iteration == 50
    assert model.session.config == before.config


def test_after_a_divergence_undo_goes_back_to_a_sane_loss_and_a_lower_rate_trains_on(model):
    assert model.rebuild(TrainerConfig(lr=10.0, reg=10.0))
    model.trainer.run(200)
    model.changed()
    assert model.trainer.diverged is not None
    errors = []
    model.sig_error.connect(lambda *args: errors.append(args))
    assert model.undo()
    assert model.trainer.diverged is None
    assert model.apply_live("lr", 0.1)
    model.trainer.run(50)
    assert model.trainer.diverged is None and not errors


def test_nothing_to_undo_says_so(model, qtbot):
    with qtbot.waitSignal(model.sig_status) as status:
        assert not model.undo()
    assert status.args == ["Nothing to undo."]


def test_the_undo_action_is_ctrl_z_in_the_train_menu_and_the_toolbar(window):
    action = window.findChild(QAction, "action_undo")
    assert action.shortcut() == QKeySequence("Ctrl+Z")
    assert action in window.steps.toolbar.actions()
    for _ in range(3):
        window.findChild(QAction, "action_forward").trigger() if window.trainer.phase is Phase.FORWARD \
            else window.findChild(QAction, "action_step").trigger()
    iteration, phase = window.trainer.iteration, window.trainer.phase
    window.findChild(QAction, "action_step").trigger()
    action.trigger()
    assert (window.trainer.iteration, window.trainer.phase) == (iteration, phase)
    train_menu = next(m for m in window.menuBar().actions() if m.text().replace("&", "") == "Train")
    assert action in train_menu.menu().actions()
