"""Lesson files: TOML with a title, an introduction and ordered steps (see README, "Writing a lesson").

``load_lesson(path)`` reads one with ``tomllib``, checks every field, and then runs the lesson
once from start to end, so a question about a node that does not exist, or an action that makes
no sense where it stands, is refused at load time with the step and field named.
"""
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache

from core.resource_files import resource

from .actions import parse_action
from .errors import LessonError
from .lab import LabSetup
from .quantities import QUANTITIES, QUESTION_FIELDS
from .run import LessonRun
from .training import trainer_config

STEP_FIELDS = ("text", "setup", "actions", "highlight", "question")
PANELS = ("graph", "inspector", "setup", "loss", "boundary", "weights", "gradnorm", "lab", "curvature")
COURSE = ("why_backprop", "four_phases", "gates", "sigmoid_neuron", "vector_backprop", "forward_reverse",
          "hessian_vector", "svm_digits")
MAX_LESSON_BYTES = 256 * 1024


@dataclass(frozen=True)
class Step:
    """One step: Markdown ``text``; ``kind`` "lab" or "trainer"; ``setup`` (None: keep the previous
    step's world); ``actions``; ``highlight`` ({"node": …, "panel": …}); ``query`` (the question's
    fields, or None) and ``question``, its text or None."""
    number: int
    text: str
    kind: str
    setup: object = None
    actions: tuple = ()
    highlight: dict = field(default_factory=dict)
    query: object = None

    @property
    def question(self):
        """The question's text, or None when the step asks nothing."""
        return None if self.query is None else self.query["ask"]


@dataclass(frozen=True)
class Lesson:
    """A lesson: ``title``, ``introduction`` (Markdown), ``steps``, and the file it came from."""
    title: str
    introduction: str
    steps: tuple
    path: str = ""

    @property
    def key(self):
        """The file's name without its extension (what the app remembers progress under)."""
        return self.path.rsplit("/", 1)[-1].removesuffix(".toml")

    def start(self):
        """A new LessonRun at the first step, over its own Walk or Trainer."""
        return LessonRun(self)


def load_lesson(path, rehearse=True):
    """The Lesson in the TOML file ``path``; LessonError naming the file, the line or the step and
    field, and what was expected. ``rehearse=False`` skips running it once (built-in lessons)."""
    path = str(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_LESSON_BYTES + 1)
    except OSError as error:
        raise LessonError(f"{path}: cannot read the lesson: {error.strerror or error}") from None
    if len(raw) > MAX_LESSON_BYTES:
        raise LessonError(f"{path}: a lesson file holds at most {MAX_LESSON_BYTES // 1024} KiB")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise LessonError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise LessonError(f"{path}: bad TOML: {error}") from None
    lesson = _lesson(data, path)
    if rehearse:
        _rehearse(lesson)
    return lesson


@lru_cache(maxsize=1)
def builtin_lessons():
    """The built-in lessons, in course order (loaded once).

    They are not rehearsed here: that took a second of the app's start-up, and
    tests/core/lessons/test_lessons_builtin.py runs every one of them to the end instead."""
    return tuple(load_lesson(resource("lessons", f"{key}.toml"), rehearse=False) for key in COURSE)


def _lesson(data, path):
    unknown = sorted(set(data) - {"title", "introduction", "steps"})
    if unknown:
        raise LessonError(f"{path}: unknown top-level field {unknown[0]!r}; expected title, introduction, "
                          "[[steps]]")
    for name in ("title", "introduction"):
        if not isinstance(data.get(name), str) or not data[name].strip():
            raise LessonError(f"{path}: field {name!r}: expected a text")
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps or not all(isinstance(s, dict) for s in steps):
        raise LessonError(f"{path}: expected at least one [[steps]] table")
    parsed, kind = [], None
    for number, table in enumerate(steps, 1):
        where = f"{path}: step {number}"
        step = _step(table, number, kind, where)
        kind = step.kind
        parsed.append(step)
    return Lesson(data["title"].strip(), data["introduction"].strip(), tuple(parsed), path)


def _step(table, number, kind, where):
    unknown = sorted(set(table) - set(STEP_FIELDS))
    if unknown:
        raise LessonError(f"{where}: unknown field {unknown[0]!r}; a step has {', '.join(STEP_FIELDS)}")
    if not isinstance(table.get("text"), str) or not table["text"].strip():
        raise LessonError(f"{where}, field 'text': expected the step's Markdown text")
    setup = None
    if "setup" in table:
        setup, kind = _setup(table["setup"], f"{where}, field 'setup'")
    if kind is None:
        raise LessonError(f"{where}: missing setup: the first step needs a [steps.setup] table with "
                          "expression and values (a lab step) or trainer = {{…}} (a trainer step)")
    actions = table.get("actions", [])
    if not isinstance(actions, list):
        raise LessonError(f"{where}, field 'actions': expected a list such as [\"step\", \"run\"]")
    try:
        actions = tuple(parse_action(a, kind) for a in actions)
    except ValueError as error:
        raise LessonError(f"{where}, field 'actions': {error}") from None
    return Step(number, table["text"].strip(), kind, setup, actions,
                _highlight(table.get("highlight", {}), where), _question(table.get("question"), kind, where))


def _setup(table, where):
    if not isinstance(table, dict):
        raise LessonError(f"{where}: expected a table")
    try:
        if "trainer" in table:
            if set(table) != {"trainer"} or not isinstance(table["trainer"], dict):
                raise ValueError("a trainer setup is trainer = { dataset = …, model = …, … } alone")
            return trainer_config(table["trainer"]), "trainer"
        if "expression" not in table:
            raise ValueError("expected expression and values (a lab step) or trainer = {…} "
                             "(a trainer step)")
        return LabSetup.from_table(table), "lab"
    except (TypeError, ValueError) as error:
        raise LessonError(f"{where}: {error}") from None


def _highlight(table, where):
    if not isinstance(table, dict) or set(table) - {"node", "panel"}:
        raise LessonError(f"{where}, field 'highlight': expected {{ node = \"…\", panel = \"…\" }}")
    if "panel" in table and table["panel"] not in PANELS:
        raise LessonError(f"{where}, field 'highlight': unknown panel {table['panel']!r}; expected one of "
                          f"{', '.join(PANELS)}")
    if "node" in table and not isinstance(table["node"], str):
        raise LessonError(f"{where}, field 'highlight': node is a node's formula text or name")
    return dict(table)


def _question(table, kind, where):
    if table is None:
        return None
    where = f"{where}, field 'question'"
    if not isinstance(table, dict):
        raise LessonError(f"{where}: expected a table with ask and quantity")
    if "answer" in table:
        raise LessonError(f"{where}: a lesson never writes the answer; the app computes it when asked")
    unknown = sorted(set(table) - QUESTION_FIELDS)
    if unknown:
        fields = ", ".join(sorted(QUESTION_FIELDS))
        raise LessonError(f"{where}: unknown field {unknown[0]!r}; a question has {fields}")
    if not isinstance(table.get("ask"), str) or not table["ask"].strip():
        raise LessonError(f"{where}: 'ask' expected the question's text")
    name = table.get("quantity")
    if name not in QUANTITIES:
        raise LessonError(f"{where}: unknown quantity {name!r}; expected one of {', '.join(QUANTITIES)}")
    quantity = QUANTITIES[name]
    if kind not in quantity.kinds:
        raise LessonError(f"{where}: quantity {name!r} exists in {' and '.join(quantity.kinds)} steps, "
                          f"not in a {kind} step")
    missing = [f for f in quantity.needs if f not in table]
    if missing:
        raise LessonError(f"{where}: quantity {name!r} needs field {missing[0]!r}")
    tolerance = table.get("tolerance", 0 if quantity.whole else 0.01)
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or not tolerance >= 0:
        raise LessonError(f"{where}: 'tolerance' expected a number ≥ 0, got {tolerance!r}")
    return {**table, "tolerance": float(tolerance)}


def _rehearse(lesson):
    """Run the lesson once, so that every node, question and action is checked where it stands."""
    run = lesson.start()
    while True:
        if run.step.query is not None:
            run.expected()
        if not run.advance():
            return
