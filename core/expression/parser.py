"""A recursive-descent parser for the lab's formulas: text in, a small syntax tree out.

Grammar (lowest precedence first; ``**`` and ``^`` are right-associative and bind tighter than a
leading minus, as in Python: ``-x**2`` is ``-(x**2)``)::

    sum     := product (("+" | "-") product)*
    product := unary (("*" | "/" | "@") unary)*
    unary   := ("-" | "+") unary | power
    power   := atom (("**" | "^") unary)?
    atom    := number | name | name "(" sum ("," sum)* ")" | "(" sum ")"

No user text ever reaches eval, exec, compile or ast. Recursion is bounded by an explicit depth
counter (``MAX_DEPTH``), and ``Syntax.order`` lists every node after its operands, so nothing
downstream has to recurse.
"""
from .errors import ExpressionError
from .lexer import MAX_DEPTH, tokenize

BINARY = {"+": ("add", 1), "-": ("sub", 1), "*": ("mul", 2), "/": ("div", 2), "@": ("matmul", 2)}
# name -> (fewest, most arguments)
FUNCTIONS = {"exp": (1, 1), "log": (1, 1), "sqrt": (1, 1), "abs": (1, 1), "sin": (1, 1),
             "cos": (1, 1), "tanh": (1, 1), "sigmoid": (1, 1), "relu": (1, 1), "sum": (1, 1),
             "mean": (1, 1), "max": (1, 2)}


class Syntax:
    """One node of the syntax tree.

    ``kind`` is "number", "variable", "neg", "binary" (``op`` the engine op: add, sub, mul,
    div, matmul, pow) or "call" (``op`` the function's name); ``start``/``end`` index the text.
    """

    __slots__ = ("args", "end", "kind", "op", "source", "start", "value")

    def __init__(self, kind, op, args, start, end, source, value=None):
        self.kind, self.op, self.args, self.value = kind, op, tuple(args), value
        self.start, self.end, self.source = start, end, source

    @property
    def text(self):
        """The part of the formula this node stands for, as typed."""
        return self.source[self.start:self.end]

    @property
    def column(self):
        """1-based column where this node's text starts."""
        return self.start + 1

    def __repr__(self):
        return f"Syntax({self.kind}, {self.text!r})"


class _Parser:
    def __init__(self, text):
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0
        self.order = []  # every node after its operands

    # ----- tokens ------------------------------------------------------------------
    def peek(self):
        return self.tokens[self.i]

    def take(self):
        token = self.tokens[self.i]
        self.i += 1
        return token

    def is_op(self, *texts):
        token = self.tokens[self.i]
        return token.kind == "op" and token.text in texts

    def nest(self, token):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(f"{token.text!r} at column {token.column}: the expression nests "
                                  f"deeper than {MAX_DEPTH} levels", token.column)

    def node(self, kind, op, args, start, end, value=None):
        made = Syntax(kind, op, args, start, end, self.text, value)
        self.order.append(made)
        return made

    # ----- grammar -----------------------------------------------------------------
    def parse(self):
        tree = self.sum()
        token = self.peek()
        if token.kind != "end":
            self.unexpected(token, "expected an operator or the end")
        return tree

    def binary_chain(self, level, operand):
        left = operand()
        while self.peek().kind == "op" and BINARY.get(self.peek().text, (None, 0))[1] == level:
            op = BINARY[self.take().text][0]
            right = operand()
            left = self.node("binary", op, (left, right), left.start, right.end)
        return left

    def sum(self):
        return self.binary_chain(1, self.product)

    def product(self):
        return self.binary_chain(2, self.unary)

    def unary(self):
        if not self.is_op("-", "+"):
            return self.power()
        token = self.take()
        self.nest(token)
        operand = self.unary()
        self.depth -= 1
        start = token.column - 1
        if token.text == "+":
            return operand
        if operand.kind == "number":  # "-2.5" is one constant, not a negation node
            self.order.pop()
            return self.node("number", None, (), start, operand.end, -operand.value)
        return self.node("neg", "neg", (operand,), start, operand.end)

    def power(self):
        base = self.atom()
        if not self.is_op("**", "^"):
            return base
        token = self.take()
        self.nest(token)
        exponent = self.unary()
        self.depth -= 1
        return self.node("binary", "pow", (base, exponent), base.start, exponent.end)

    def atom(self):
        token = self.take()
        start = token.column - 1
        if token.kind == "number":
            value = float(token.text)
            if value == float("inf"):
                raise ExpressionError(f"{token.text!r} at column {token.column}: number too large",
                                      token.column)
            return self.node("number", None, (), start, start + len(token.text), value)
        if token.kind == "name":
            if self.is_op("("):
                return self.call(token)
            if token.text in FUNCTIONS:
                raise ExpressionError(f"{token.text!r} at column {token.column}: a function needs its "
                                      f"arguments in brackets, as {token.text}(x)", token.column)
            return self.node("variable", None, (), start, start + len(token.text), token.text)
        if token.kind == "op" and token.text == "(":
            self.nest(token)
            inner = self.sum()
            self.depth -= 1
            closing = self.expect(")", token)
            inner.start, inner.end = start, closing.column  # its text keeps the brackets
            return inner
        self.unexpected(token, "expected a value")

    def call(self, name):
        if name.text not in FUNCTIONS:
            raise ExpressionError(f"unknown function {name.text!r} at column {name.column}", name.column)
        opening = self.take()
        self.nest(opening)
        args = [self.sum()]
        while self.is_op(","):
            self.take()
            args.append(self.sum())
        self.depth -= 1
        closing = self.expect(")", opening)
        fewest, most = FUNCTIONS[name.text]
        if not fewest <= len(args) <= most:
            wanted = str(fewest) if fewest == most else f"{fewest} or {most}"
            raise ExpressionError(f"{name.text!r} at column {name.column}: takes {wanted} argument"
                                  f"{'' if wanted == '1' else 's'}, got {len(args)}", name.column)
        return self.node("call", name.text, args, name.column - 1, closing.column)

    def expect(self, text, opening):
        token = self.peek()
        if token.kind == "op" and token.text == text:
            return self.take()
        self.unexpected(token, f"expected {text!r} to close {opening.text!r} at column {opening.column}")

    def unexpected(self, token, what):
        if what.startswith("expected an operator") and token.kind in ("name", "number"):
            what += " (write 2*x for a product)"
        if token.kind == "op" and token.text == "[" and what == "expected a value":
            what += " (give arrays in the values, as W = [[1, 2], [3, 4]])"
        raise ExpressionError(f"{token.describe()} at column {token.column}: {what}", token.column)


def parse_syntax(text):
    """The syntax tree of ``text`` and the list of its nodes, each after its operands."""
    parser = _Parser(text)
    tree = parser.parse()
    return tree, tuple(parser.order)
