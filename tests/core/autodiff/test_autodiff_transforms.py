"""Function transforms agree with each other and with finite differences: vjp, jvp, grad,
hvp (both modes) and jacobian (rows from VJPs or columns from JVPs)."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import Tensor, grad, gradients, hvp, jacobian, jvp, vjp
from core import functional as F
from tests.core.autodiff.helpers import SETTINGS, arrays, leaf, shapes

LABELS = np.array([1, 0, 2, 1])

# smooth scalar functions of one (3, 3)-or-smaller array
SCALAR_FUNCTIONS = {
    "poly": lambda x: (x ** 3 * 0.5 + x * x.sum()).sum(),
    "tanh_mlp": lambda x: ((x @ x.T).tanh() * x.sigmoid().sum()).mean(),
    "log_softmax": lambda x: (F.log_softmax(x, axis=-1) * F.softmax(x * 2, axis=-1)).sum(),
    "exp_log": lambda x: ((x * x + 1).log() / (1 + x.exp())).sum() + (x * x + 1).sqrt().mean(),
    "gather": lambda x: (x.reshape(-1)[[0, 0, -1]] ** 2).sum() * F.concatenate([x, x * x], axis=-1).mean(),
}

# vector-valued functions R^(3,) -> R^n
VECTOR_FUNCTIONS = {
    "shrink": lambda x: F.stack([x.sum(), (x * x).sum()]),                      # 2 < 3: rows
    "same": lambda x: x.tanh() * x.sum(),
    "grow": lambda x: F.concatenate([x.exp(), x * x[::-1], x.sigmoid()], axis=0),  # 9 > 3: columns
}


def numeric_gradient(f, x, eps=1e-6):
    g = np.zeros_like(x)
    for j in range(x.size):
        e = np.zeros_like(x)
        e.flat[j] = eps
        g.flat[j] = (f(Tensor(x + e)).item() - f(Tensor(x - e)).item()) / (2 * eps)
    return g


@pytest.mark.parametrize("name", list(SCALAR_FUNCTIONS))
@SETTINGS
@given(x=arrays(st.sampled_from([(3, 3), (2, 3), (1, 2)]), -1.5, 1.5), v=st.integers(0, 2 ** 16))
def test_hvp_forward_over_reverse_equals_reverse_over_reverse(name, x, v):
    f = SCALAR_FUNCTIONS[name]
    v = np.random.default_rng(v).standard_normal(x.shape)
    (forward,) = hvp(f, [x], [v])
    (reverse,) = hvp(f, [x], [v], mode="reverse-over-reverse")
    np.testing.assert_allclose(forward, reverse, rtol=1e-9, atol=1e-11)
    # and both are the directional derivative of the gradient
    eps = 1e-5
    numeric = (grad(f)(x + eps * v)[0] - grad(f)(x - eps * v)[0]) / (2 * eps)
    np.testing.assert_allclose(forward, numeric, rtol=1e-5, atol=1e-6)


def test_hvp_of_several_inputs_and_of_the_fused_loss():
    rng = np.random.default_rng(0)
    W, b = rng.standard_normal((3, 3)), rng.standard_normal(3)
    X = rng.standard_normal((4, 3))
    f = lambda W, b: F.softmax_cross_entropy((X @ W + b).tanh() @ W, LABELS)  # noqa: E731
    vs = [rng.standard_normal((3, 3)), rng.standard_normal(3)]
    forward = hvp(f, [W, b], vs)
    reverse = hvp(f, [W, b], vs, mode="reverse-over-reverse")
    assert len(forward) == len(reverse) == 2
    for a, c in zip(forward, reverse):
        np.testing.assert_allclose(a, c, rtol=1e-9, atol=1e-12)


def test_hvp_of_a_linear_function_is_zero():
    for mode in ("forward-over-reverse", "reverse-over-reverse"):
        (h,) = hvp(lambda x: (x * 3).sum(), [np.ones(4)], [np.ones(4)], mode=mode)
        np.testing.assert_array_equal(h, np.zeros(4))


@pytest.mark.parametrize("name", list(VECTOR_FUNCTIONS))
@SETTINGS
@given(x=arrays((3,), -1.5, 1.5), v=arrays((3,)))
def test_jvp_matches_jacobian_times_v(name, x, v):
    f = VECTOR_FUNCTIONS[name]
    out, tangent = jvp(f, (x,), (v,))
    np.testing.assert_allclose(out, f(Tensor(x)).data)
    np.testing.assert_allclose(tangent, jacobian(f, x) @ v, rtol=1e-10, atol=1e-12)


@SETTINGS
@given(x=arrays(shapes(max_side=3)), t=st.integers(0, 2 ** 16))
def test_jvp_of_several_inputs_is_the_sum_of_directional_derivatives(x, t):
    rng = np.random.default_rng(t)
    y, tx, ty = rng.standard_normal(x.shape), rng.standard_normal(x.shape), rng.standard_normal(x.shape)
    f = lambda x, y: (x * y).tanh() + x ** 2  # noqa: E731
    _, both = jvp(f, (x, y), (tx, ty))
    _, only_x = jvp(f, (x, y), (tx, np.zeros_like(y)))
    _, only_y = jvp(f, (x, y), (np.zeros_like(x), ty))
    np.testing.assert_allclose(both, only_x + only_y, atol=1e-12)
    np.testing.assert_allclose(only_x, (1 - np.tanh(x * y) ** 2) * y * tx + 2 * x * tx, atol=1e-12)


def jacobian_by_rows(f, x):
    out, pullback = vjp(f, x)
    return np.stack([pullback(row.reshape(out.shape))[0].ravel() for row in np.eye(out.size)])


def jacobian_by_columns(f, x):
    return np.stack([jvp(f, (x,), (col.reshape(x.shape),))[1].ravel() for col in np.eye(x.size)], axis=1)


@pytest.mark.parametrize("name", list(VECTOR_FUNCTIONS))
def test_jacobian_rows_and_columns_agree(name):
    f = VECTOR_FUNCTIONS[name]
    x = np.array([0.3, -1.2, 0.8])
    rows, columns = jacobian_by_rows(f, x), jacobian_by_columns(f, x)
    np.testing.assert_allclose(rows, columns, rtol=1e-12, atol=1e-14)
    J = jacobian(f, x)
    assert J.shape == f(Tensor(x)).shape + x.shape
    np.testing.assert_allclose(J.reshape(rows.shape), rows, rtol=1e-12, atol=1e-14)
    numeric = np.stack([(f(Tensor(x + 1e-6 * e)).data - f(Tensor(x - 1e-6 * e)).data) / 2e-6
                        for e in np.eye(3)], axis=1)
    np.testing.assert_allclose(J, numeric, rtol=1e-6, atol=1e-8)


def test_jacobian_of_an_elementwise_op_is_diagonal():
    x = np.array([[0.5, -1.0], [2.0, 0.1]])
    J = jacobian(lambda x: x.tanh(), x)
    assert J.shape == (2, 2, 2, 2)
    np.testing.assert_allclose(J.reshape(4, 4), np.diag(1 - np.tanh(x.ravel()) ** 2))


def test_jacobian_of_a_scalar_input_and_output():
    assert jacobian(lambda x: x ** 3, 2.0) == pytest.approx(12.0)
    assert jacobian(lambda x: x ** 3, np.array(2)).shape == ()


def test_grad_returns_one_array_per_input_and_touches_no_leaf():
    x, y = leaf([1.0, 2.0]), np.array([3.0, -1.0])
    gx, gy = grad(lambda x, y: (x * y).sum() + (y ** 2).sum())(x, y)
    np.testing.assert_allclose(gx, y)
    np.testing.assert_allclose(gy, x.data + 2 * y)
    assert x.grad is None


def test_grad_matches_numeric_gradient():
    f = SCALAR_FUNCTIONS["tanh_mlp"]
    x = np.random.default_rng(4).standard_normal((3, 3))
    np.testing.assert_allclose(grad(f)(x)[0], numeric_gradient(f, x), rtol=1e-6, atol=1e-8)


def test_vjp_pullback_can_be_called_again():
    out, pullback = vjp(lambda x, y: x * y + x, np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    np.testing.assert_allclose(out, [4.0, 10.0])
    for _ in range(2):
        gx, gy = pullback(np.array([1.0, -1.0]))
        np.testing.assert_allclose(gx, [4.0, -5.0])
        np.testing.assert_allclose(gy, [1.0, -2.0])


def test_gradients_leaves_grad_untouched_and_gives_zeros_where_nothing_flows():
    x, unused = leaf([1.0, 2.0]), leaf([5.0])
    (gx, gu) = gradients((x * x).sum(), [x, unused])
    np.testing.assert_allclose(gx, [2.0, 4.0])
    np.testing.assert_array_equal(gu, [0.0])
    assert x.grad is None and unused.grad is None


def test_jvp_records_no_graph():
    seen = []
    jvp(lambda x: seen.append(x * 2) or seen[-1], (np.ones(2),), (np.ones(2),))
    assert not seen[0].requires_grad and seen[0]._tangent is not None
