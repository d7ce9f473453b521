"""A LessonRun: answers and verdicts, and noticing what the learner did in the app."""
import pytest

from core.lessons import LessonError, builtin_lessons, load_lesson, parse_action
from core.training.factory import build_trainer

from .helpers import GATES, write


@pytest.fixture
def run(tmp_path):
    return load_lesson(write(tmp_path, GATES)).start()


def test_a_verdict_says_right_or_wrong_in_one_sentence_and_counts_attempts(run):
    assert run.step.question == "What is dz?"
    wrong = run.answer(2.5)
    assert (wrong.correct, wrong.attempts, wrong.answer) == (False, 1, "3")
    assert wrong.message == "2.5 is not right."
    right = run.answer("3")
    assert right.correct and right.message == "3 is right: the other input." and right.attempts == 2
    assert run.reveal() == "The answer is 3: the other input."


def test_answers_are_numbers_lists_or_the_learners_text_with_a_real_minus(run):
    run.advance()
    assert run.answer("−4").correct and run.answer(-4.004).correct
    assert run.answer("-4.1").message == "−4.1 is not right."
    with pytest.raises(LessonError, match="is not a number or a list"):
        run.answer("minus four")
    with pytest.raises(LessonError, match="finite"):
        run.answer(float("nan"))


def test_a_vector_answer_is_a_list_and_the_wrong_length_is_said(tmp_path):
    vector = load_lesson(builtin_lessons()[4].path).start()  # vector backprop: W @ x
    expected = vector.expected()
    assert vector.answer(list(expected)).correct
    short = vector.answer([1.0])
    assert not short.correct and "has 2 entries" in short.message


def test_the_run_notices_actions_the_learner_did_on_the_run_walk(run):
    walk = run.walk
    assert run.pending and not run.ready
    assert run.notice() == ()                      # nothing done yet: "build" waits for a new walk
    new_walk = run.world.setup.walk()
    assert [str(a) for a in run.attach(new_walk)] == ["build"]
    assert run.walk is new_walk is not walk
    for _ in range(new_walk.op_count):
        new_walk.step()
    assert [str(a) for a in run.notice()] == ["forward"]
    assert not run.ready                            # the question is still open
    run.answer(3)
    assert run.ready
    run.advance()
    new_walk.step()
    assert [str(a) for a in run.notice()] == ["step"]
    new_walk.step()
    assert run.notice() == ()                       # "step 2" needs two more
    new_walk.step()
    assert [str(a) for a in run.notice()] == ["step 2"]
    assert not run.pending


def test_a_trainer_run_notices_phases_run_on_a_shared_trainer():
    lesson = builtin_lessons()[1]                   # the four phases
    run = lesson.start()
    run.advance()
    shared = build_trainer(run.trainer.config)      # as the app installs the run's own config
    run.attach(shared)
    shared.step_phase()
    assert [str(a) for a in run.notice()] == ["phase forward"]
    shared.step_phase()
    assert [str(a) for a in run.notice()] == ["phase loss"] and not run.pending
    assert run.answer(run.expected()).correct and run.ready


def test_advance_carries_out_what_the_learner_left_undone(run):
    run.answer(3)
    run.advance()
    assert run.walk.steps_done == run.walk.op_count    # build and forward were carried out
    assert run.advance() is False and run.walk.steps_done == run.walk.op_count + 3


def test_a_step_without_a_question_says_so(tmp_path):
    text = GATES.replace('[steps.question]\nask = "What is dz?"\nquantity = "gradient"\nvariable = "z"\n'
                         'explain = "the other input."\n', "")
    run = load_lesson(write(tmp_path, text)).start()
    assert run.step.question is None and not run.ready
    with pytest.raises(LessonError, match=r"lesson\.toml: step 1: this step asks no question"):
        run.expected()


def test_do_next_carries_out_one_action_at_a_time(run):
    assert str(run.do_next()) == "build" and [str(a) for a in run.pending] == ["forward"]
    assert str(run.do_next()) == "forward" and run.do_next() is None
    assert run.walk.steps_done == run.walk.op_count


def test_actions_read_as_words():
    assert parse_action("step", "lab").describe("lab") == "step one node"
    assert parse_action("train 100", "trainer").describe("trainer") == "train 100 iterations"
    assert parse_action("phase backward", "trainer").describe("trainer") == "run the backward phase"
