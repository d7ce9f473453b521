"""The one error the lab's parser and evaluator raise for bad input."""


class ExpressionError(ValueError):
    """A formula or a values line the lab cannot use: the message names what and where.

    ``column`` is the 1-based column in the text the message is about (None when it is about
    no single place).
    """

    def __init__(self, message, column=None):
        super().__init__(message)
        self.message = message
        self.column = column
