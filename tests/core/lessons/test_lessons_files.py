"""Lesson files: what they may say, and the specific error for each way of getting one wrong."""
import pytest

from core.lessons import LessonError, load_lesson

from .helpers import GATES, write


def test_a_lesson_file_loads_into_steps(tmp_path):
    lesson = load_lesson(write(tmp_path, GATES))
    assert lesson.title == "Gates" and len(lesson.steps) == 2
    first, second = lesson.steps
    assert first.kind == second.kind == "lab" and second.setup is None
    assert [str(a) for a in first.actions] == ["build", "forward"]
    assert [str(a) for a in second.actions] == ["step", "step 2"]
    assert first.question == "What is dz?" and first.highlight == {"node": "x + y", "panel": "graph"}


def test_changing_a_value_in_the_setup_changes_the_expected_answer(tmp_path):
    before = load_lesson(write(tmp_path, GATES, "a.toml")).start().expected()
    changed = GATES.replace("x = -2, y = 5", "x = -2, y = 9")
    after = load_lesson(write(tmp_path, changed, "b.toml")).start().expected()
    assert (before, after) == (3.0, 7.0)


BROKEN = {
    "bad TOML": (GATES.replace('title = "Gates"', 'title = "Gates'), r"lesson\.toml: bad TOML: .*line 2"),
    "unknown action": (GATES.replace('"step 2"', '"jump"'),
                       r"step 2, field 'actions': unknown action 'jump' for a lab step; "
                       r"expected one of build"),
    "bad count": (GATES.replace('"step 2"', '"step two"'), r"step 2, field 'actions': action 'step two'"),
    "trainer action in the lab": (GATES.replace('"step 2"', '"train 5"'),
                                  r"unknown action 'train' for a lab"),
    "missing setup": (GATES.replace('setup = { expression = "(x + y) * z", '
                                    'values = "x = -2, y = 5, z = -4" }\n', ""),
                      r"step 1: missing setup"),
    "node that does not exist": (GATES.replace('node = "(x + y) * z"', 'node = "x * q"'),
                                 r"step 2, question: no node 'x \* q' in the graph; its nodes are 'x', 'y'"),
    "highlighted node that does not exist": (GATES.replace('node = "x + y", panel', 'node = "w", panel'),
                                             r"step 1, highlight: no node 'w'"),
    "unknown panel": (GATES.replace('panel = "graph"', 'panel = "sidebar"'), r"unknown panel 'sidebar'"),
    "unknown quantity": (GATES.replace('quantity = "gradient"', 'quantity = "vibe"'),
                         r"step 1, field 'question': unknown quantity 'vibe'; expected one of value"),
    "quantity of the other kind": (GATES.replace('quantity = "gradient"', 'quantity = "loss"'),
                                   r"quantity 'loss' exists in trainer steps, not in a lab step"),
    "missing field": (GATES.replace('node = "(x + y) * z"\n', ""),
                      r"quantity 'downstream' needs field 'node'"),
    "unknown variable": (GATES.replace('variable = "z"', 'variable = "w"'),
                         r"step 1, question: no variable 'w'; the formula has x, y, z"),
    "answer written in the file": (GATES.replace('explain = "the other input."', "answer = 3"),
                                   r"a lesson never writes the answer"),
    "bad formula": (GATES.replace('"(x + y) * z"', '"(x + y) ** * z"'), r"step 1, field 'setup': .*column"),
    "no value for a variable": (GATES.replace(", z = -4", ""), r"field 'setup': no value for variable 'z'"),
    "bad input number": (GATES.replace("input = 0", "input = 5"),
                         r"field 'input': .* has inputs 0\.\.1, got 5"),
    "unknown step field": (GATES.replace('text = "Build it."', 'text = "Build it."\nwait = 3'),
                           r"step 1: unknown field 'wait'"),
    "bad trainer setting": (GATES.replace('{ expression = "(x + y) * z", values = "x = -2, y = 5, z = -4" }',
                                          '{ trainer = { model = "svm", optimiser = "sgd" } }'),
                            r"step 1, field 'setup': unknown field 'optimiser'"),
    "no steps": ('title = "A"\nintroduction = "B"\n', r"expected at least one \[\[steps\]\] table"),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_a_broken_lesson_file_gives_its_specific_error(tmp_path, case):
    text, message = BROKEN[case]
    path = write(tmp_path, text)
    with pytest.raises(LessonError, match=message) as raised:
        load_lesson(path)
    assert str(path) in str(raised.value)


def test_an_action_that_makes_no_sense_where_it_stands_is_refused_at_load(tmp_path):
    text = """
    title = "Phases"
    introduction = "A node step before the forward pass."
    [[steps]]
    text = "Step a node."
    setup = { trainer = { dataset = "xor", n_samples = 40, model = "softmax" } }
    actions = ["node"]
    """
    with pytest.raises(LessonError, match=r"step 1, action 'node': step_node\(\) works during the backward"):
        load_lesson(write(tmp_path, text))


def test_a_missing_or_huge_file_is_refused(tmp_path):
    with pytest.raises(LessonError, match=r"nowhere\.toml: cannot read the lesson"):
        load_lesson(tmp_path / "nowhere.toml")
    huge = write(tmp_path, GATES + "#" * 300_000)
    with pytest.raises(LessonError, match="at most 256 KiB"):
        load_lesson(huge)
