"""The tester is tested: gradcheck must catch a wrong rule (in the VJP, the JVP, or only at
second order) and say where: input, entry, analytic, numeric and relative error."""
import re

import numpy as np
import pytest

from core import GradcheckError, Tensor, gradcheck
from core.autodiff import REGISTRY, Primitive
from core.autodiff.namespaces import tensor_ns


@pytest.fixture(autouse=True)
def made_up_primitives_leave_the_registry():
    """The wrong primitives below are registered when made; each test removes its own, so that
    their names can be reused and the every-primitive-is-gradchecked test never sees them."""
    before = dict(REGISTRY)
    yield
    REGISTRY.clear()
    REGISTRY.update(before)


def cube_primitive(vjp_scale=1.0, jvp_scale=1.0):
    """x³ as one primitive, with its VJP and JVP scaled (1.0 = right)."""
    cube = Primitive("cube", lambda x: x ** 3, formula="∂x³/∂x = 3x²", words="Cube.")
    cube.defvjp(lambda ns, g, ans, x, saved: g * (3 * vjp_scale) * x * x)
    cube.defjvp(lambda t, ans, x, saved: t * (3 * jvp_scale) * x * x)
    return cube


def times_primitive(y_scale):
    """x · y with the rule for y scaled: the error is in input 1 only."""
    times = Primitive("times", np.multiply, formula="", words="")
    times.defvjp(lambda ns, g, ans, x, y, saved: g * y,
                 lambda ns, g, ans, x, y, saved: g * x * y_scale)
    times.defjvp(lambda t, ans, x, y, saved: t * y,
                 lambda t, ans, x, y, saved: t * x)
    return times


X = np.array([[0.7, -1.3, 0.4], [1.1, 0.2, -0.9]])


def parse(message):
    """The numbers gradcheck reports, by name."""
    found = re.search(r"input (\d+) at entry \(([\d, ]*)\).*analytic ([-\d.e+]+), numeric ([-\d.e+]+), "
                      r"relative error ([-\d.e+]+)", message)
    assert found, message
    k, entry, analytic, numeric, rel = found.groups()
    entry = tuple(int(i) for i in entry.replace(" ", "").split(",") if i)
    return int(k), entry, float(analytic), float(numeric), float(rel)


def test_right_rules_pass():
    cube = cube_primitive()
    assert gradcheck(lambda x: cube(x), [X], order=1) is True
    times = times_primitive(1.0)
    assert gradcheck(lambda x, y: times(x, y), [X, 2 * X + 0.5], order=2) is True


def test_vjp_off_by_2_001_fails_and_names_the_worst_entry():
    cube = cube_primitive(vjp_scale=2.001)
    with pytest.raises(GradcheckError, match="reverse mode") as error:
        gradcheck(lambda x: cube(x), [X])
    k, entry, analytic, numeric, rel = parse(str(error.value))
    assert k == 0
    assert entry == (0, 1)                                      # |x| largest at X[0, 1] = -1.3
    np.testing.assert_allclose(numeric, 3 * 1.3 ** 2, rtol=1e-6)
    np.testing.assert_allclose(analytic, 2.001 * numeric, rtol=1e-6)
    np.testing.assert_allclose(rel, 1.001, rtol=1e-3)


def test_the_wrong_input_is_named():
    times = times_primitive(y_scale=1.01)
    with pytest.raises(GradcheckError) as error:
        gradcheck(lambda x, y: times(x, y), [X, X + 1])
    assert parse(str(error.value))[0] == 1


def test_small_errors_within_tolerance_pass_and_tolerance_is_respected():
    slightly = cube_primitive(vjp_scale=1 + 1e-5)
    assert gradcheck(lambda x: slightly(x), [X], modes=("reverse",))
    with pytest.raises(GradcheckError):
        gradcheck(lambda x: slightly(x), [X], rtol=1e-7, atol=1e-9, modes=("reverse",))


def test_wrong_jvp_fails_in_forward_mode():
    cube = cube_primitive(jvp_scale=2.001)
    with pytest.raises(GradcheckError, match="forward mode") as error:
        gradcheck(lambda x: cube(x), [X])
    k, entry, analytic, numeric, _ = parse(str(error.value))
    np.testing.assert_allclose(analytic, 2.001 * numeric, rtol=1e-6)
    assert gradcheck(lambda x: cube(x), [X], modes=("reverse",))  # the VJP alone is right


def test_vjp_right_only_at_first_order_fails_at_order_2():
    """A VJP that reads raw values is right on arrays but not differentiable: create_graph
    loses the x-dependence of 3x², which only the second-order check can see."""
    cube = Primitive("cube", lambda x: x ** 3, formula="", words="")
    cube.defvjp(lambda ns, g, ans, x, saved: g * 3 * np.square(x.data if isinstance(x, Tensor) else x))
    cube.defjvp(lambda t, ans, x, saved: t * 3 * x * x)
    assert gradcheck(lambda x: cube(x), [X], order=1)
    with pytest.raises(GradcheckError, match="second derivative, reverse mode"):
        gradcheck(lambda x: cube(x), [X], order=2)


def test_jvp_wrong_only_at_order_2_fails_forward_over_reverse():
    """cube's VJP builds its local derivative 3x² with another primitive whose VJP is right
    and whose JVP is off: order 1 passes, reverse-over-reverse passes, but pushing a tangent
    through the backward pass (forward-over-reverse) exposes the JVP."""
    three_x2 = Primitive("three_x2", lambda x: 3 * x * x, formula="", words="")
    three_x2.defvjp(lambda ns, g, ans, x, saved: g * 6 * x)
    three_x2.defjvp(lambda t, ans, x, saved: t * 6 * x * 2.001)
    cube = Primitive("cube", lambda x: x ** 3, formula="", words="")
    cube.defvjp(lambda ns, g, ans, x, saved: g * (three_x2(x) if ns is tensor_ns else 3 * x * x))
    cube.defjvp(lambda t, ans, x, saved: t * 3 * x * x)
    assert gradcheck(lambda x: cube(x), [X], order=1)
    assert gradcheck(lambda x: cube(x), [X], order=2, modes=("reverse",))
    with pytest.raises(GradcheckError, match="second derivative, forward mode"):
        gradcheck(lambda x: cube(x), [X], order=2)


def test_zero_size_inputs_have_nothing_to_check():
    assert gradcheck(lambda x, y: x.sum() + (y * y).sum(), [np.zeros((0, 3)), X])


def test_a_view_returning_function_is_checked_honestly():
    """Slices and reshapes return views of the input: the numeric side must not alias them."""
    assert gradcheck(lambda x: x[:, 1], [X])
    assert gradcheck(lambda x: x[:, 1:].reshape(-1).T, [X], order=2)


def test_a_primitive_name_is_registered_once():
    cube = cube_primitive()
    assert REGISTRY["cube"] is cube
    with pytest.raises(ValueError, match="'cube' already exists"):
        cube_primitive()
    with pytest.raises(ValueError, match="structure must be one of"):
        Primitive("odd", np.negative, formula="", words="", structure="diagonal")


def test_bad_arguments():
    with pytest.raises(ValueError, match="order"):
        gradcheck(lambda x: x, [X], order=3)
    with pytest.raises(ValueError, match="modes"):
        gradcheck(lambda x: x, [X], modes=("sideways",))
    with pytest.raises(TypeError, match="Tensor"):
        gradcheck(lambda x: x.data, [X])
