"""gradcheck of every primitive over hypothesis-drawn shapes: broadcasting, axes and keepdims,
0-d scalars, and second order (reverse-over-reverse and forward-over-reverse) for every
primitive. Inputs are pushed away from kinks so that central differences are honest.

Every primitive in ``REGISTRY`` needs a case here, wherever it is defined (``core.nn`` is
imported so that its ``l2_penalty`` is registered)."""
import operator
import warnings

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import core.nn
from core import functional as F
from core import gradcheck
from core.autodiff import REGISTRY, ops
from tests.core.autodiff.helpers import (
    FEW,
    SETTINGS,
    arrays,
    away_from,
    axes_for,
    broadcast_pairs,
    hinge_safe,
    scores_and_labels,
    separated,
    shapes,
)

# Every primitive is gradchecked by at least one case below (see test_every_primitive_is_checked).
CHECKED = set()


def covers(*names):
    """Mark primitives as checked (at import time); returns the first name for a table row."""
    CHECKED.update(names)
    return names[0]


def checks(*names):
    """Decorator form of ``covers`` for a test."""
    covers(*names)
    return lambda test: test


def positive(x):
    return 0.5 + np.abs(x)


def nonzero(x):
    return away_from(x, (0.0,))


def off_clip(x):
    return away_from(x, (-0.5, 0.5))


def anything(x):
    return x


# ----- unary ------------------------------------------------------------------------------
# (primitive, f, domain, order): order 2 for all; away from kinks the second derivative of
# relu, abs, clip and max is 0, and the check confirms that create_graph builds it so
UNARY = [
    (covers("neg"), lambda x: -x, anything, 2),
    (covers("exp"), lambda x: x.exp(), anything, 2),
    (covers("log"), lambda x: x.log(), positive, 2),
    (covers("sqrt"), lambda x: x.sqrt(), positive, 2),
    (covers("tanh"), lambda x: x.tanh(), anything, 2),
    (covers("sin"), lambda x: x.sin(), anything, 2),
    ("sin", lambda x: F.sin(3 * x), anything, 2),
    (covers("cos"), lambda x: x.cos(), anything, 2),
    ("cos", lambda x: F.cos(3 * x), anything, 2),
    (covers("sigmoid"), lambda x: x.sigmoid(), anything, 2),
    ("sigmoid", F.sigmoid, lambda x: 5 * x, 2),
    (covers("abs"), lambda x: x.abs(), nonzero, 2),
    (covers("relu"), lambda x: x.relu(), nonzero, 2),
    (covers("leaky_relu"), lambda x: x.leaky_relu(0.1), nonzero, 2),
    ("leaky_relu", lambda x: F.leaky_relu(x), nonzero, 2),
    (covers("clip"), lambda x: x.clip(-0.5, 0.5), off_clip, 2),
    ("clip", lambda x: F.clip(x, low=-0.5), off_clip, 2),
    ("clip", lambda x: F.clip(x, high=0.5), off_clip, 2),
    (covers("pow"), lambda x: x ** 3, anything, 2),             # tensor ** scalar
    ("pow", lambda x: x ** 2, anything, 2),
    ("pow", lambda x: x ** 2.5, positive, 2),
    ("pow", lambda x: x ** -1, positive, 2),
    ("pow", lambda x: x ** 0.5, positive, 2),
    ("pow", lambda x: 2.0 ** x, anything, 2),                   # scalar ** tensor
    ("pow", lambda x: 0.5 ** x, anything, 2),
    ("pow", lambda x: np.e ** x, anything, 2),
]


@pytest.mark.parametrize("name, f, domain, order", UNARY,
                         ids=[f"{case[0]}-{i}" for i, case in enumerate(UNARY)])
@SETTINGS
@given(x=arrays(shapes(max_side=3)))
def test_unary(name, f, domain, order, x):
    assert gradcheck(f, [domain(x)], order=order)


@pytest.mark.parametrize("name, f, domain, order", UNARY,
                         ids=[f"{case[0]}-{i}" for i, case in enumerate(UNARY)])
@FEW
@given(x=st.floats(-2, 2))
def test_unary_on_0d_scalars(name, f, domain, order, x):
    assert gradcheck(f, [domain(np.array(x))], order=order)


# ----- binary, broadcasting ---------------------------------------------------------------
BINARY = [
    (covers("add"), operator.add, anything, anything, 2),
    (covers("sub"), operator.sub, anything, anything, 2),
    (covers("mul"), operator.mul, anything, anything, 2),
    (covers("div"), operator.truediv, anything, lambda y: away_from(y, gap=0.5), 2),
    ("pow", operator.pow, positive, anything, 2),               # tensor ** tensor
    (covers("maximum"), F.maximum, None, None, 2),
]


@pytest.mark.parametrize("name, f, x_domain, y_domain, order", BINARY, ids=[b[0] for b in BINARY])
@SETTINGS
@given(data=st.data(), pair=broadcast_pairs(max_side=3))
@example(data=None, pair=((3, 1), (1, 4)))
@example(data=None, pair=((2, 3), (3,)))
@example(data=None, pair=((), (2, 2)))
def test_binary_broadcasting(name, f, x_domain, y_domain, order, data, pair):
    if data is None:
        rng = np.random.default_rng(0)
        x, y = rng.uniform(-2, 2, pair[0]), rng.uniform(-2, 2, pair[1])
    else:
        x, y = data.draw(arrays(pair[0])), data.draw(arrays(pair[1]))
    if x_domain is None:  # maximum: no ties between any x and any y it may meet
        both = separated(np.concatenate([x.ravel(), y.ravel()]))
        x, y = both[:x.size].reshape(x.shape), both[x.size:].reshape(y.shape)
    else:
        x, y = x_domain(x), y_domain(y)
    assert gradcheck(f, [x, y], order=order)


@pytest.mark.parametrize("f", [lambda x, c: x + c, lambda x, c: c - x, lambda x, c: x * c,
                               lambda x, c: c / (1 + x * x), lambda x, c: F.maximum(x, c + 10)],
                         ids=["add", "rsub", "mul", "rdiv", "maximum"])
@FEW
@given(pair=broadcast_pairs(max_side=3), data=st.data())
def test_broadcast_against_a_constant(f, pair, data):
    """The constant's shape may be the larger one: the gradient is summed back to x's shape."""
    x, c = data.draw(arrays(pair[0])), data.draw(arrays(pair[1]))
    assert gradcheck(lambda x: f(x, c), [x], order=2)


@SETTINGS
@given(data=st.data(), shapes3=hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3))
@checks("where")
def test_where(data, shapes3):
    c_shape, x_shape, y_shape = shapes3.input_shapes
    condition = data.draw(hnp.arrays(bool, c_shape))
    x, y = data.draw(arrays(x_shape)), data.draw(arrays(y_shape))
    assert gradcheck(lambda x, y: F.where(condition, x, y), [x, y], order=2)
    assert gradcheck(lambda x: F.where(condition, x, 0.0), [x])


# ----- reductions -------------------------------------------------------------------------
@st.composite
def reduction_case(draw, max_side=3):
    x = draw(arrays(shapes(max_side=max_side)))
    return x, draw(axes_for(x.ndim)), draw(st.booleans())


@pytest.mark.parametrize("reduce", [covers("sum"), covers("mean")])
@SETTINGS
@given(case=reduction_case())
def test_sum_mean(reduce, case):
    x, axis, keepdims = case
    assert gradcheck(lambda x: getattr(x, reduce)(axis=axis, keepdims=keepdims), [x], order=2)


@SETTINGS
@given(case=reduction_case(max_side=4))
@checks("max")
def test_max(case):
    x, axis, keepdims = case
    assert gradcheck(lambda x: x.max(axis=axis, keepdims=keepdims), [separated(x)], order=2)


@pytest.mark.parametrize("reduce", [F.sum, F.mean, F.max])
def test_functional_reductions_take_a_list_of_axes(reduce):
    x = separated(np.random.default_rng(1).standard_normal((2, 3, 4)))
    assert gradcheck(lambda x: reduce(x, axis=[0, 2], keepdims=True), [x])


# ----- shapes -----------------------------------------------------------------------------
RESHAPES = [lambda s: (-1,), lambda s: s[::-1], lambda s: (1,) + s + (1,),
            lambda s: (int(np.prod(s)), 1), lambda s: () if int(np.prod(s)) == 1 else (1, -1)]


@SETTINGS
@given(x=arrays(shapes(max_side=3)), target=st.sampled_from(RESHAPES))
@checks("reshape")
def test_reshape(x, target):
    shape = target(x.shape)
    assert gradcheck(lambda x: x.reshape(shape), [x], order=2)
    assert gradcheck(lambda x: F.reshape(x, shape), [x])


@SETTINGS
@given(data=st.data(), x=arrays(shapes(max_side=3)))
@checks("transpose")
def test_transpose(data, x):
    perm = data.draw(st.permutations(range(x.ndim)))
    axes = tuple(data.draw(st.sampled_from([a, a - x.ndim])) for a in perm)  # negative axes too
    assert gradcheck(lambda x: x.transpose(*axes), [x], order=2)
    assert gradcheck(lambda x: x.transpose(axes), [x])
    assert gradcheck(lambda x: x.T, [x], order=2)


def test_transpose_with_negative_axes_regression():
    x = np.arange(24.0).reshape(2, 3, 4)
    assert gradcheck(lambda x: x.transpose(0, -1, -2) * np.arange(24.0).reshape(2, 4, 3), [x])


@SETTINGS
@given(data=st.data(), x=arrays(shapes(min_dims=1, max_side=4)))
@checks("getitem")
def test_getitem_basic_indices(data, x):
    """Integers, negative integers, slices with steps, None and Ellipsis."""
    index = data.draw(hnp.basic_indices(x.shape, allow_newaxis=True, allow_ellipsis=True))
    assert gradcheck(lambda x: x[index], [x], order=2)


@SETTINGS
@given(data=st.data(), x=arrays(shapes(min_dims=1, max_side=4)))
def test_getitem_integer_arrays_with_repeats(data, x):
    """Advanced (gather) indexing; repeated indices must sum their gradients."""
    index = data.draw(hnp.integer_array_indices(x.shape, result_shape=shapes(max_dims=2, max_side=5)))
    assert gradcheck(lambda x: x[index], [x], order=2)


@SETTINGS
@given(case=scores_and_labels())
def test_gather_scores_of_correct_class(case):
    """S[np.arange(N), y]: the gather every classifier loss starts with."""
    S, y = case
    assert gradcheck(lambda S: S[np.arange(len(y)), y], [S], order=2)


@pytest.mark.parametrize("index", [[0, 0, 1], (slice(None), [2, 2, 0]), (np.array([1, 1]), slice(1, None)),
                                   (Ellipsis, 1), np.array([True, False, True])],
                         ids=["repeated-rows", "repeated-columns", "array-and-slice", "ellipsis", "mask"])
def test_getitem_examples(index):
    x = np.random.default_rng(2).standard_normal((3, 4))
    assert gradcheck(lambda x: x[index] * 2.0, [x], order=2)


@st.composite
def concat_case(draw):
    ndim = draw(st.integers(1, 3))
    base = list(draw(shapes(min_dims=ndim, max_dims=ndim, max_side=3)))
    axis = draw(st.integers(-ndim, ndim - 1))
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        base[axis] = draw(st.integers(1, 3))
        parts.append(draw(arrays(tuple(base))))
    return parts, axis


@SETTINGS
@given(case=concat_case())
@checks("concatenate")
def test_concatenate(case):
    parts, axis = case
    assert gradcheck(lambda *xs: F.concatenate(list(xs), axis=axis), parts, order=2)
    constant = np.ones_like(parts[0])
    assert gradcheck(lambda x: F.concatenate([constant, x * x, constant], axis=axis), [parts[0]])


@SETTINGS
@given(data=st.data(), shape=shapes(max_side=3), k=st.integers(1, 3))
@checks("stack")
def test_stack(data, shape, k):
    parts = [data.draw(arrays(shape)) for _ in range(k)]
    axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    assert gradcheck(lambda *xs: F.stack(list(xs), axis=axis), parts, order=2)


# The primitives that create_graph's gradients are built from (tensor_ns): gradchecked directly.
@SETTINGS
@given(pair=broadcast_pairs(max_side=3), data=st.data())
@checks("broadcast_to", "sum_to")
def test_broadcast_to_and_sum_to(pair, data):
    big = np.broadcast_shapes(*pair)
    x = data.draw(arrays(pair[0]))
    assert gradcheck(lambda x: ops.broadcast_to(x, shape=big), [x], order=2)
    g = data.draw(arrays(big))
    assert gradcheck(lambda g: ops.sum_to(g, shape=pair[0]), [g], order=2)


@SETTINGS
@given(data=st.data(), shape=shapes(min_dims=1, max_side=4))
@checks("unindex")
def test_unindex(data, shape):
    """Scatter-add, the adjoint of indexing."""
    index = data.draw(st.one_of(hnp.basic_indices(shape),
                                hnp.integer_array_indices(shape, result_shape=shapes(max_dims=1))))
    g = data.draw(arrays(np.zeros(shape)[index].shape))
    assert gradcheck(lambda g: ops.unindex(g, shape=shape, index=index), [g], order=2)


# ----- matmul -----------------------------------------------------------------------------
@SETTINGS
@given(data=st.data(), s=hnp.mutually_broadcastable_shapes(signature=np.matmul.signature,
                                                            max_dims=2, max_side=3))
@example(data=None, s=hnp.BroadcastableShapes(((3,), (3,)), ()))             # vector · vector
@example(data=None, s=hnp.BroadcastableShapes(((2, 3), (3,)), (2,)))         # matrix · vector
@example(data=None, s=hnp.BroadcastableShapes(((3,), (3, 4)), (4,)))         # vector · matrix
@example(data=None, s=hnp.BroadcastableShapes(((2, 3), (3, 4)), (2, 4)))     # matrix · matrix
@example(data=None, s=hnp.BroadcastableShapes(((2, 1, 2, 3), (3, 3, 2)), (2, 3, 2, 2)))  # batched
@checks("matmul")
def test_matmul(data, s):
    a_shape, b_shape = s.input_shapes
    if data is None:
        rng = np.random.default_rng(3)
        a, b = rng.standard_normal(a_shape), rng.standard_normal(b_shape)
    else:
        a, b = data.draw(arrays(a_shape)), data.draw(arrays(b_shape))
    assert gradcheck(lambda a, b: a @ b, [a, b], order=2)
    assert gradcheck(lambda a: a @ b, [a])       # constant on the right
    assert gradcheck(lambda b: a @ b, [b])       # constant on the left (__rmatmul__)


# ----- fused ------------------------------------------------------------------------------
@SETTINGS
@given(data=st.data(), x=arrays(shapes(min_dims=1, max_side=3), -5.0, 5.0))
@checks("log_softmax")
def test_log_softmax(data, x):
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    assert gradcheck(lambda x: F.log_softmax(x, axis=axis), [x], order=2)
    assert gradcheck(lambda x: F.softmax(x, axis=axis), [x])


@SETTINGS
@given(case=scores_and_labels())
@checks("softmax_cross_entropy")
def test_softmax_cross_entropy(case):
    scores, y = case
    assert gradcheck(lambda s: F.softmax_cross_entropy(s, y), [scores], order=2)


@SETTINGS
@given(case=scores_and_labels(), margin=st.sampled_from([1.0, 0.5, 2.0]))
@checks("multiclass_hinge_loss")
def test_multiclass_hinge_loss(case, margin):
    scores, y = case
    scores = hinge_safe(scores, y, margin)
    assert gradcheck(lambda s: F.multiclass_hinge_loss(s, y, margin=margin), [scores], order=2)


# ----- defined outside core.autodiff --------------------------------------------------------
@SETTINGS
@given(data=st.data(), k=st.integers(1, 3), reg=st.sampled_from([0.0, 0.3, 2.0]))
@checks("l2_penalty")
def test_l2_penalty(data, k, reg):
    """λ·ΣW² over any number of weight matrices (core.nn.regularization)."""
    weights = [data.draw(arrays(shapes(min_dims=1, max_dims=2, max_side=3))) for _ in range(k)]
    assert gradcheck(lambda *ws: core.nn.l2_penalty(list(ws), reg), weights, order=2)


def test_every_primitive_is_checked():
    unchecked = sorted(set(REGISTRY) - CHECKED)
    assert unchecked == [], f"primitives without a gradcheck case: {unchecked}"
    assert CHECKED <= set(REGISTRY), f"cases for unknown primitives: {sorted(CHECKED - set(REGISTRY))}"


def test_power_gradients_where_the_formula_would_give_nan():
    """∂(x⁰)/∂x is 0 even at x = 0, and ∂(0ᵖ)/∂p is 0 for p ≥ 0, as in PyTorch."""
    from core import grad
    x = np.array([0.0, 2.0])
    assert np.array_equal(grad(lambda x: (x ** 0).sum())(x)[0], [0.0, 0.0])
    assert np.array_equal(grad(lambda x, p: (x ** p).sum())(x, np.zeros(2))[0], [0.0, 0.0])
    assert np.allclose(grad(lambda p: (x ** p).sum())(np.array(2.0))[0], 4 * np.log(2))


def test_mean_of_an_empty_tensor_has_an_empty_gradient():
    from core import Tensor
    x = Tensor(np.zeros((0, 3)), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # numpy: mean of empty slice
        x.mean().backward()
    assert x.grad.shape == (0, 3)
