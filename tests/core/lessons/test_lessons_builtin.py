"""Every built-in lesson runs from start to end; each question's answer is the engine's, now."""
import numpy as np
import pytest

from core.lessons import COURSE, builtin_lessons

LESSONS = builtin_lessons()


def test_the_course_has_eight_lessons_in_order_each_with_four_questions_or_more():
    assert [lesson.key for lesson in LESSONS] == list(COURSE)
    assert LESSONS[2].title.startswith("Upstream × local = downstream")
    for lesson in LESSONS:
        assert sum(step.question is not None for step in lesson.steps) >= 4, lesson.title


def wrong(expected):
    """A value clearly off the expected one (far outside any tolerance)."""
    return np.asarray(expected, dtype=float) + 1000.0


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.key)
def test_each_lesson_runs_to_the_end_and_checks_every_answer(lesson):
    run = lesson.start()
    questions = 0
    while True:
        assert run.step.text
        if run.step.question is not None:
            questions += 1
            expected = run.expected()
            refused = run.answer(wrong(expected).tolist())
            assert not refused.correct and "is not right" in refused.message and refused.attempts == 1
            verdict = run.answer(np.asarray(expected).tolist())
            assert verdict.correct and " is right" in verdict.message and verdict.attempts == 2
            assert run.answered
        if not run.advance():
            break
    assert run.at_end and not run.pending
    assert questions >= 4
    assert run.advance() is False  # the end stays the end


def test_the_gates_lesson_gives_the_lectures_numbers():
    run = LESSONS[COURSE.index("gates")].start()
    answers = []
    while True:
        if run.step.question is not None:
            answers.append(run.expected())
        if not run.advance():
            break
    assert answers == [3.0, -4.0, 3.0, 1.0, -4.0, -4.0]


def test_the_sigmoid_lesson_gives_the_lectures_numbers_fused_and_expanded():
    run = LESSONS[COURSE.index("sigmoid_neuron")].start()
    answers = []
    while True:
        if run.step.question is not None:
            answers.append(run.expected())
        if not run.advance():
            break
    value, local, dx0, fused_ops, expanded_ops, dw0 = answers
    assert value == pytest.approx(0.7311, abs=1e-4) and local == pytest.approx(0.1966, abs=1e-4)
    assert dx0 == pytest.approx(0.3932, abs=1e-4) and dw0 == pytest.approx(-0.1966, abs=1e-4)
    assert (fused_ops, expanded_ops) == (5, 8)


def test_a_question_about_what_comes_after_the_actions_is_answered_before_they_are_done():
    run = LESSONS[COURSE.index("four_phases")].start()
    run.advance()                      # to "run the forward and the loss phases"
    predicted = run.expected()         # the loss, before the learner has run anything
    assert run.trainer.iteration == 0 and run.trainer.completed is None
    run.advance()
    assert run.trainer.record.metrics["loss"] == predicted
