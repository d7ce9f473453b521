"""Tokens of the lab's formulas and values lines, with their columns.

Only ASCII numbers, names and a fixed set of operators are tokens; anything else is refused
with its column. The text length and the bracket depth are capped here, before any parsing.
"""
import re
from dataclasses import dataclass

from .errors import ExpressionError

MAX_LENGTH = 2000  # characters: a lecture formula is well under 200
MAX_DEPTH = 40     # nested brackets, unary signs or powers; far below Python's recursion limit

# One alternative per token kind, tried in order at each position, and one character of anything
# else last (the scanner of the ``re`` module's documentation); the flags inline: verbose, ASCII.
_TOKEN = r"""(?xa)
    (?P<space>[ \t\r\n]+)
  | (?P<number>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\*\*|[-+*/^@(),\[\]=;])
  | (?P<other>[\s\S])
"""

_OPENING = {"(": ")", "[": "]"}


@dataclass(frozen=True)
class Token:
    """One token: kind ("number", "name", "op" or "end"), its text and its 1-based column."""
    kind: str
    text: str
    column: int

    def describe(self):
        """How a message names the token: quoted, or 'end of text'."""
        return "end of text" if self.kind == "end" else repr(self.text)


def tokenize(text, what="expression"):
    """The tokens of ``text``, ending with an "end" token; refuses overlong text and deep nesting."""
    if not isinstance(text, str):
        raise ExpressionError(f"the {what} must be text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the {what} is too long: {len(text)} characters, at most {MAX_LENGTH} "
                              f"(refused at column {MAX_LENGTH + 1})", MAX_LENGTH + 1)
    tokens = []
    for match in re.finditer(_TOKEN, text):
        kind, column = match.lastgroup, match.start() + 1
        if kind == "other":
            raise ExpressionError(f"unexpected character {match.group()!r} at column {column}", column)
        if kind != "space":
            tokens.append(Token(kind, match.group(), column))
    tokens.append(Token("end", "", len(text) + 1))
    _check_brackets(tokens, what)
    return tokens


def _check_brackets(tokens, what):
    """Brackets must pair up and nest at most MAX_DEPTH deep (checked without recursion)."""
    open_ = []
    for token in tokens:
        if token.kind != "op":
            continue
        if token.text in _OPENING:
            open_.append(token)
            if len(open_) > MAX_DEPTH:
                raise ExpressionError(f"{token.text!r} at column {token.column}: the {what} nests "
                                      f"deeper than {MAX_DEPTH} levels", token.column)
        elif token.text in (")", "]"):
            if not open_:
                raise ExpressionError(f"{token.text!r} at column {token.column}: nothing to close",
                                      token.column)
            if _OPENING[open_[-1].text] != token.text:
                raise ExpressionError(f"{token.text!r} at column {token.column} does not close "
                                      f"{open_[-1].text!r} at column {open_[-1].column}", token.column)
            open_.pop()
    if open_:
        token = open_[-1]
        raise ExpressionError(f"{token.text!r} at column {token.column} is never closed", token.column)
