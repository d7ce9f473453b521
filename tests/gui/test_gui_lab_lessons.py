"""A lesson's lab steps load into the Lab workspace, and the lesson follows what is stepped there."""
from core.lessons import builtin_lessons


def test_a_lab_lesson_loads_its_formula_into_the_lab_and_follows_its_walk(window):
    index = next(i for i, lesson in enumerate(builtin_lessons()) if lesson.title.startswith("Upstream"))
    window.lesson_panel.start(index)
    lab, run = window.lab, window.lesson_panel.run
    assert window.workspaces.current == "lab" and window.lesson_dock.isVisible()
    setup = run.step.setup
    assert lab.form.expression.text() == setup.expression and lab.form.values.text() == setup.values
    lab.step()
    assert run.walk is lab.walk   # the lesson checks answers on the walk the learner steps
