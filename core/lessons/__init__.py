"""Lessons: the lecture as guided steps that ask the learner to predict, then check (no Qt).

``builtin_lessons()`` in course order; ``load_lesson(path)`` for an instructor's file;
``lesson.start()`` gives a ``LessonRun``. The file format is in the README, "Writing a lesson".
"""
from .actions import Action, parse_action
from .errors import LessonError
from .lesson import COURSE, PANELS, Lesson, Step, builtin_lessons, load_lesson
from .quantities import QUANTITIES
from .run import LessonRun, Verdict

__all__ = ["COURSE", "PANELS", "QUANTITIES", "Action", "Lesson", "LessonError", "LessonRun", "Step",
           "Verdict",
           "builtin_lessons", "load_lesson", "parse_action"]
