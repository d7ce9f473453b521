"""The lab's values line and the checks on values given as a dict."""
import numpy as np
import pytest

from core.expression import ExpressionError, parse, parse_values


def test_numbers_vectors_and_matrices():
    values = parse_values("x = -2, y = 5; s = 1e-3, W = [[1, 2], [3, 4]], v = [-1.5, +2, 3E1]")
    assert values["x"] == -2 and values["y"] == 5 and values["s"] == 1e-3
    np.testing.assert_array_equal(values["W"], [[1, 2], [3, 4]])
    np.testing.assert_array_equal(values["v"], [-1.5, 2, 30])
    assert all(v.dtype == np.float64 for v in values.values())
    assert list(values) == ["x", "y", "s", "W", "v"]


def test_an_empty_line_gives_no_values():
    assert parse_values("  ") == {}


@pytest.mark.parametrize("text, message, column", [
    ("x = ", "end of text at column 5: expected a number or a list such as [1, 2]", 5),
    ("x 2", "'2' at column 3: expected '=' after 'x'", 3),
    ("x = 1 y = 2", "'y' at column 7: expected ',' before the next variable", 7),
    ("x = 1, x = 2", "'x' at column 8: given twice", 8),
    ("W = [[1, 2], [3]]", ("'[' at column 5: its entries have different shapes (2,) and (1,); "
                          "arrays must be rectangular"), 5),
    ("W = [1, [2]]", ("'[' at column 5: its entries have different shapes () and (1,); "
                     "arrays must be rectangular"), 5),
    ("v = [1 2]", "'2' at column 8: expected ',' or ']' in the list opened at column 5", 8),
    ("v = []", "']' at column 6: expected a number or a list such as [1, 2]", 6),
    ("x = y", "'y' at column 5: expected a number or a list such as [1, 2]", 5),
    ("3 = x", "'3' at column 1: expected a variable name", 1),
    ("x = __import__('os')", "unexpected character \"'\" at column 16", 16),
    ("x = exp(1)", "'exp' at column 5: expected a number or a list such as [1, 2]", 5),
    ("x = 1e400", "'1e400' at column 5: number too large", 5),
    ("x = " + "[" * 500 + "]" * 500, "'[' at column 45: the values line nests deeper than 40 levels", 45),
])
def test_bad_values_name_what_and_where(text, message, column):
    with pytest.raises(ExpressionError) as caught:
        parse_values(text)
    assert str(caught.value) == message
    assert caught.value.column == column


def test_evaluate_names_a_missing_variable_at_its_first_use():
    with pytest.raises(ExpressionError) as caught:
        parse("(x + y) * z").evaluate({"x": 1, "y": 2})
    assert str(caught.value) == "no value for variable 'z'"
    assert caught.value.column == 11


@pytest.mark.parametrize("bad", ["two", [[1, 2], [3]], [True, False], float("nan"), None, np.zeros(0)])
def test_evaluate_refuses_values_that_are_not_arrays_of_numbers(bad):
    with pytest.raises(ExpressionError) as caught:
        parse("2 * x").evaluate({"x": bad})
    assert "'x'" in str(caught.value) and caught.value.column == 5


@pytest.mark.parametrize("text, values, message", [
    ("W @ x", {"W": np.ones((2, 3)), "x": np.ones(2)}, "'W @ x': shapes (2, 3) and (2,) do not align"),
    ("a + (b * c)", {"a": np.ones(2), "b": np.ones(3), "c": 2.0},
     "'a + (b * c)': shapes (2,) and (3,) do not broadcast"),
])
def test_shape_errors_name_the_sub_expression_and_the_shapes(text, values, message):
    with pytest.raises(ExpressionError) as caught:
        parse(text).evaluate(values)
    assert str(caught.value) == message
    assert caught.value.column == 1
