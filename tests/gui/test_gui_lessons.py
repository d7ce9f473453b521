"""The Lessons dock through qtbot: answer, be wrong twice and see the answer, do the step's actions
in the window and watch the lesson move on, open an instructor's file."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QFileDialog

from core.lessons import COURSE
from tests.core.lessons.helpers import GATES, write


def panel_of(window):
    return window.lesson_panel


def start(window, key):
    panel = panel_of(window)
    panel.start(COURSE.index(key))
    return panel


def test_the_dock_lists_the_course_and_file_menu_opens_lessons(window):
    dock = window.findChild(QDockWidget, "lesson_panel")
    assert dock is not None and dock.widget() is window.lesson_panel
    chooser = window.lesson_panel.chooser
    assert chooser.count() == len(COURSE) and "Upstream" in chooser.itemText(2)
    assert window.lesson_panel.open_action in window.menuBar().actions()[0].menu().actions()
    assert window.lesson_panel.open_action.objectName() == "action_open_lesson"


def test_wrong_twice_reveals_the_answer_then_right_moves_on(window, qtbot):
    panel = start(window, "gates")
    assert panel.run.step.number == 1 and panel.graph.isVisible()
    assert "Predict" in panel.question.text()
    panel.answer_field.setText("5")
    qtbot.mouseClick(panel.check_button, Qt.LeftButton)
    assert panel.verdict.text().startswith("✘ 5 is not right")
    assert "The answer is" not in panel.verdict.text()
    panel.answer("7")
    assert "The answer is 3" in panel.verdict.text()
    panel.do_next()
    panel.do_next()                                  # build and forward, as the step asks
    assert panel.run.step.number == 1 and not panel.run.pending
    panel.answer("3")
    assert panel.run.step.number == 2                # the step was done: the lesson moved on
    assert panel.verdict.text().startswith("✔ 3 is right")


def test_a_trainer_lesson_notices_phases_run_in_the_window(window):
    panel = start(window, "four_phases")
    assert window.app_model.trainer is panel.run.trainer
    assert panel.answer(str(panel.run.expected())).correct
    assert panel.run.step.number == 2                # no actions: a right answer moves on
    window.app_model.step_phase()
    window.app_model.step_phase()                    # the learner clicks Step twice
    assert not panel.run.pending
    assert panel.answer(str(panel.run.expected())).correct
    assert panel.run.step.number == 3
    assert window.app_model.selected == panel.run.highlighted_node()


def test_next_step_carries_out_the_actions_and_progress_is_remembered(window, qtbot):
    panel = start(window, "gates")
    qtbot.mouseClick(panel.next_button, Qt.LeftButton)
    qtbot.mouseClick(panel.next_button, Qt.LeftButton)
    assert panel.run.step.number == 3
    panel.chooser.setCurrentIndex(COURSE.index("gates"))
    panel._show_intro()
    assert panel.start_button.text() == "Continue at step 3"
    panel.start()
    assert panel.run.step.number == 3 and panel.run.walk.steps_done == panel.run.walk.op_count + 1


def test_a_bad_lesson_file_shows_its_error_and_changes_nothing(window, dialogs, tmp_path, monkeypatch):
    panel = panel_of(window)
    bad = write(tmp_path, GATES.replace('"step 2"', '"jump"'), "bad.toml")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), LESSON_FILTER))
    window.lesson_panel.open_action.trigger()
    assert dialogs.kinds() == ["critical"]
    assert "unknown action 'jump'" in dialogs.shown[0][2] and "bad.toml" in dialogs.shown[0][2]
    assert panel.chooser.count() == len(COURSE) and panel.run is None


def test_a_good_lesson_file_is_added_and_started(window, dialogs, tmp_path, monkeypatch):
    good = write(tmp_path, GATES, "mine.toml")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(good), LESSON_FILTER))
    window.lesson_panel.open_action.trigger()
    panel = panel_of(window)
    assert dialogs.shown == [] and panel.chooser.count() == len(COURSE) + 1
    assert panel.run.lesson.title == "Gates" and panel.chooser.currentText() == "Gates"


LESSON_FILTER = "Lesson (*.toml)"


def test_the_digits_lesson_installs_its_svm_and_the_setup_panel_shows_it(window, dialogs):
    panel = start(window, "svm_digits")
    assert window.app_model.trainer is panel.run.trainer and dialogs.shown == []
    assert window.setup_panel.n_classes.value() == 10
    assert panel.answer(str(int(panel.run.expected()))).correct


def test_a_step_raises_the_panel_it_names_and_a_finished_lesson_is_ticked(window, qtbot):
    panel = start(window, "four_phases")
    window.gradnorm_dock.raise_()                   # the loss plot's tab goes behind
    qtbot.waitUntil(lambda: window.loss_dock.visibleRegion().isEmpty())
    panel.answer(str(panel.run.expected()))         # step 2 names the loss panel
    qtbot.waitUntil(lambda: not window.loss_dock.visibleRegion().isEmpty())
    while panel.next_button.isEnabled():
        panel.next_step()
    assert panel.progress.text() == "Lesson complete ✔"
    assert panel.chooser.itemText(COURSE.index("four_phases")).startswith("✔ ")
