"""Errors say what went wrong and what to do: shapes and op names, non-scalar backward, freed
graphs, and detect_anomaly naming the op and the pass."""
import numpy as np
import pytest

from core import AnomalyError, Tensor, detect_anomaly, grad, hvp, jvp
from core import functional as F
from core.autodiff.state import state
from tests.core.autodiff.helpers import leaf


# ----- shapes -----------------------------------------------------------------------------
@pytest.mark.parametrize("op, a, b", [
    ("add", (3,), (4,)),
    ("mul", (2, 3), (3, 2)),
    ("matmul", (2, 3), (4, 5)),
    ("maximum", (2,), (3,)),
])
def test_shape_mismatch_names_both_shapes_and_the_op(op, a, b):
    f = {"add": lambda x, y: x + y, "mul": lambda x, y: x * y, "matmul": lambda x, y: x @ y,
         "maximum": F.maximum}[op]
    with pytest.raises(ValueError) as error:
        f(leaf(np.ones(a)), Tensor(np.ones(b)))
    message = str(error.value)
    assert message.startswith(f"{op}:") and str(a) in message and str(b) in message


def test_bad_reshape_and_index_name_the_op():
    with pytest.raises(ValueError, match=r"reshape.*\(2, 3\)"):
        leaf(np.ones((2, 3))).reshape(4, 2)
    with pytest.raises(IndexError, match=r"getitem.*\(2, 3\)"):
        leaf(np.ones((2, 3)))[5]


def test_stack_and_concatenate_mismatches():
    with pytest.raises(ValueError, match=r"stack.*\(2,\).*\(3,\)"):
        F.stack([leaf(np.ones(2)), leaf(np.ones(3))])
    with pytest.raises(ValueError, match="concatenate.*rank"):
        F.concatenate([leaf(np.ones(2)), leaf(np.ones((2, 1)))])


@pytest.mark.parametrize("loss", [F.softmax_cross_entropy, F.multiclass_hinge_loss])
def test_losses_check_their_labels(loss):
    scores = leaf(np.zeros((3, 4)))
    with pytest.raises(ValueError, match=r"labels must have shape \(3,\)"):
        loss(scores, [0, 1])
    with pytest.raises(TypeError, match="integers"):
        loss(scores, [0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match=r"\[0, 4\)"):
        loss(scores, [0, 1, 4])
    with pytest.raises(ValueError, match=r"2-D \(N, C\)"):
        loss(leaf(np.zeros(4)), [0])


# ----- backward ---------------------------------------------------------------------------
def test_backward_on_non_scalar_says_what_to_do():
    y = leaf(np.ones((2, 3))) * 2
    with pytest.raises(RuntimeError) as error:
        y.backward()
    message = str(error.value)
    assert "(2, 3)" in message and "grad=" in message and ".sum().backward()" in message


def test_backward_grad_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        (leaf([1.0, 2.0]) * 2).backward(grad=np.ones(3))


def test_backward_through_a_freed_graph_says_retain_graph():
    x = leaf([1.0, 2.0])
    y = (x.exp() * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True") as error:
        y.backward()
    assert "freed" in str(error.value)


def test_backward_without_a_graph():
    with pytest.raises(RuntimeError, match="requires_grad=True"):
        Tensor([1.0]).sum().backward()


def test_only_floats_can_require_grad():
    with pytest.raises(TypeError, match="floating"):
        Tensor(np.array([1, 2]), requires_grad=True, dtype=np.int64)


def test_transforms_check_their_arguments():
    with pytest.raises(ValueError, match="scalar"):
        grad(lambda x: x * 2)(np.ones(3))
    with pytest.raises(ValueError, match="scalar"):
        hvp(lambda x: x * 2, [np.ones(3)], [np.ones(3)])
    with pytest.raises(ValueError, match="mode"):
        hvp(lambda x: x.sum(), [np.ones(3)], [np.ones(3)], mode="sideways")
    with pytest.raises(ValueError, match=r"tangent of shape \(2,\)"):
        jvp(lambda x: x, (np.ones(3),), (np.ones(2),))
    with pytest.raises(TypeError, match="must return a Tensor"):
        grad(lambda x: 1.0)(np.ones(3))


# ----- anomaly mode -----------------------------------------------------------------------
def test_nan_in_forward_names_the_op_and_the_pass():
    with detect_anomaly(), np.errstate(invalid="ignore"):
        with pytest.raises(AnomalyError) as error:
            leaf([1.0, -1.0]).log()
    message = str(error.value)
    assert "NaN" in message and "'log'" in message and "forward" in message


def test_inf_in_backward_names_the_op_and_the_pass():
    x = leaf([4.0, 0.0])
    y = x.sqrt().sum()  # finite forward: sqrt(0) = 0
    with detect_anomaly(), np.errstate(divide="ignore"):
        with pytest.raises(AnomalyError) as error:
            y.backward()    # but ∂√x/∂x = 1/(2√x) is infinite at 0
    message = str(error.value)
    assert "Inf" in message and "'sqrt'" in message and "backward" in message


def test_anomaly_in_a_create_graph_backward():
    x = leaf([0.0])
    with detect_anomaly(), np.errstate(divide="ignore"):
        with pytest.raises(AnomalyError, match="backward pass of op 'sqrt'"):
            x.sqrt().sum().backward(create_graph=True)


def test_outside_detect_anomaly_nothing_is_raised():
    with np.errstate(invalid="ignore", divide="ignore"):
        assert np.isnan(leaf([-1.0]).log().data).all()
        x = leaf([0.0])
        x.sqrt().sum().backward()
    assert np.isinf(x.grad).all()


def test_detect_anomaly_is_restored_after_an_error():
    with pytest.raises(AnomalyError):
        with detect_anomaly(), np.errstate(divide="ignore"):
            leaf([0.0]).log()
    assert state.anomaly is False
    with detect_anomaly():
        with detect_anomaly():
            pass
        assert state.anomaly is True
