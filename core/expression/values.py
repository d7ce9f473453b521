"""The lab's values line (``x = -2, y = 5, W = [[1, 2], [3, 4]]``) and checks on given values."""
import numpy as np

from .errors import ExpressionError
from .lexer import tokenize


def parse_values(text):
    """``{name: float64 ndarray}`` from a line of ``name = number | nested list`` separated by
    commas or semicolons; raises ExpressionError naming the column."""
    tokens = tokenize(text, "values line")
    reader = _Reader(tokens)
    values = {}
    while tokens[reader.i].kind != "end":
        name = reader.take()
        if name.kind != "name":
            raise ExpressionError(f"{name.describe()} at column {name.column}: expected a variable name",
                                  name.column)
        if name.text in values:
            raise ExpressionError(f"{name.text!r} at column {name.column}: given twice", name.column)
        reader.expect("=", f"expected '=' after {name.text!r}")
        data, _ = reader.value()
        values[name.text] = np.array(data, dtype=np.float64)
        if tokens[reader.i].kind != "end":
            reader.expect((",", ";"), "expected ',' before the next variable")
    return values


class _Reader:
    def __init__(self, tokens):
        self.tokens, self.i = tokens, 0

    def take(self):
        token = self.tokens[self.i]
        self.i += 1
        return token

    def expect(self, texts, what):
        token = self.take()
        if token.kind != "op" or token.text not in texts:
            raise ExpressionError(f"{token.describe()} at column {token.column}: {what}", token.column)
        return token

    def value(self):
        """A number or a nested list, with its shape; nesting is capped by the tokenizer."""
        token = self.take()
        sign = 1.0
        if token.kind == "op" and token.text in "+-":
            sign = -1.0 if token.text == "-" else 1.0
            token = self.take()
        if token.kind == "number":
            number = sign * float(token.text)
            if not np.isfinite(number):
                raise ExpressionError(f"{token.text!r} at column {token.column}: number too large",
                                      token.column)
            return number, ()
        if token.kind == "op" and token.text == "[" and sign == 1.0:
            return self.array(token)
        raise ExpressionError(f"{token.describe()} at column {token.column}: expected a number or "
                              "a list such as [1, 2]", token.column)

    def array(self, opening):
        items, shapes = [], []
        while True:
            item, shape = self.value()
            items.append(item)
            shapes.append(shape)
            token = self.take()
            if token.kind == "op" and token.text == "]":
                break
            if not (token.kind == "op" and token.text == ","):
                raise ExpressionError(f"{token.describe()} at column {token.column}: expected ',' or "
                                      f"']' in the list opened at column {opening.column}", token.column)
        if any(shape != shapes[0] for shape in shapes):
            odd = next(shape for shape in shapes if shape != shapes[0])
            raise ExpressionError(f"'[' at column {opening.column}: its entries have different shapes "
                                  f"{shapes[0]} and {odd}; arrays must be rectangular", opening.column)
        return items, (len(items),) + shapes[0]


def check_values(values, variables, columns):
    """``{variable: float64 ndarray}`` for every variable, from numbers, nested lists or arrays."""
    if not isinstance(values, dict):
        raise ExpressionError(f"values must be a dict of name -> number or array, got "
                              f"{type(values).__name__}")
    checked = {}
    for name in variables:
        if name not in values:
            raise ExpressionError(f"no value for variable {name!r}", columns[name])
        given = values[name]
        try:
            array = np.asarray(given)
        except ValueError:
            array = None
        if array is None or array.dtype.kind not in "iuf":
            raise ExpressionError(f"the value of {name!r} must be a number or a rectangular array of "
                                  "numbers", columns[name])
        array = array.astype(np.float64)
        if array.size == 0:
            raise ExpressionError(f"the value of {name!r} is empty", columns[name])
        if not np.all(np.isfinite(array)):
            raise ExpressionError(f"the value of {name!r} holds NaN or infinity", columns[name])
        checked[name] = array
    return checked
