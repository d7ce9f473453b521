"""The one error a lesson file or a lesson run raises."""


class LessonError(ValueError):
    """A lesson that cannot be loaded or run: the message names the file, the line or the step and
    field, and what was expected."""
