"""Backward semantics: accumulation, fan-out, deep graphs, stepping node by node, what the
app reads off each node, dtypes, no_grad and create_graph; and the lecture's sigmoid neuron."""
import numpy as np
import pytest

from core import Tensor, no_grad
from core import functional as F
from core.autodiff import BackwardStep, backward_steps, enable_grad, toposort, trace
from tests.core.autodiff.helpers import leaf

# ----- the lecture's sigmoid neuron -------------------------------------------------------
NEURON = {"w0": 2.0, "x0": -1.0, "w1": -3.0, "x1": -2.0, "w2": -3.0}
NEURON_GRADS = {"w0": -0.20, "x0": 0.39, "w1": -0.39, "x1": -0.59, "w2": 0.20}


@pytest.mark.parametrize("sigmoid", [lambda z: 1 / (1 + (-z).exp()), F.sigmoid, lambda z: z.sigmoid()],
                         ids=["composed", "F.sigmoid", "method"])
def test_sigmoid_neuron_from_the_lecture(sigmoid):
    v = {name: Tensor(value, requires_grad=True, name=name) for name, value in NEURON.items()}
    out = sigmoid(v["w0"] * v["x0"] + v["w1"] * v["x1"] + v["w2"])
    out.backward()
    assert round(out.item(), 2) == 0.73
    assert {name: round(float(t.grad), 2) for name, t in v.items()} == NEURON_GRADS


# ----- accumulation and fan-out -----------------------------------------------------------
def test_gradients_accumulate_into_leaves_across_calls():
    x = leaf([1.0, 2.0])
    (x * 3).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad, [3 + 2, 3 + 4])
    x.grad = None  # what zero_grad does
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad, [3, 3])


def test_a_node_used_twice_receives_the_sum():
    x = leaf(3.0)
    (x * x).backward()
    assert x.grad == 6.0
    a = leaf([1.0, -2.0])
    b = a * 2                       # b feeds three consumers
    (b * b + b + b.exp()).sum().backward()
    np.testing.assert_allclose(a.grad, 2 * (2 * b.data + 1 + np.exp(b.data)))


def test_diamond_graph():
    a = leaf(0.5)
    left, right = a.tanh(), a.exp()
    (left * right).backward()
    np.testing.assert_allclose(a.grad, (1 - np.tanh(0.5) ** 2) * np.exp(0.5) + np.tanh(0.5) * np.exp(0.5))


def test_retain_graph_allows_a_second_backward():
    x = leaf([1.0, 2.0])
    y = (x ** 2).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad, 2 * 2 * x.data)


def test_backward_with_an_upstream_gradient():
    x = leaf([1.0, 2.0, 3.0])
    (x * x).backward(grad=np.array([1.0, 0.0, -1.0]))
    np.testing.assert_allclose(x.grad, [2.0, 0.0, -6.0])


def test_each_leaf_owns_a_writable_gradient():
    """add hands the same upstream array to both inputs; optimizers update .grad in place."""
    x, y = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    upstream = np.array([1.0, -1.0])
    (x + y).backward(grad=upstream)
    (x.reshape(2, 1) + y.reshape(1, 2)).sum().backward()
    z = leaf([1.0])
    (z * 1.0).sum().backward()
    grads = [x.grad, y.grad, z.grad]
    for i, g in enumerate(grads):
        assert g.flags.writeable
        assert not np.shares_memory(g, upstream)
        assert not any(np.shares_memory(g, other) for other in grads[i + 1:])
        assert not any(np.shares_memory(g, t.data) for t in (x, y, z))
    x.grad *= 0
    np.testing.assert_allclose(y.grad, [1 + 2, -1 + 2])
    np.testing.assert_allclose(upstream, [1.0, -1.0])


def test_constants_and_non_grad_inputs_get_no_gradient():
    x, c = leaf([1.0, 2.0]), Tensor([3.0, 4.0])
    (x * c + np.ones(2)).sum().backward()
    assert c.grad is None
    np.testing.assert_allclose(x.grad, [3.0, 4.0])


def test_ties_share_the_gradient():
    x = leaf([2.0, 1.0, 2.0])
    x.max().backward()
    np.testing.assert_allclose(x.grad, [0.5, 0.0, 0.5])
    a, b = leaf(1.0), leaf(1.0)
    F.maximum(a, b).backward()
    assert a.grad == b.grad == 0.5


# ----- deep graphs ------------------------------------------------------------------------
def test_a_10000_op_chain_backprops_without_recursion():
    x = leaf(2.0)
    h = x
    for _ in range(5000):
        h = h * 0.9999 + 0.0001  # 10,000 ops
    assert len(toposort(h)) == 10001
    assert len(trace(h)) == 10001
    h.backward()
    np.testing.assert_allclose(x.grad, 0.9999 ** 5000)
    assert sum(1 for _ in backward_steps(x * 1.0)) == 2


def test_a_deep_chain_differentiates_twice():
    x = leaf(0.3)
    h = x
    for _ in range(3000):
        h = h + x * x * 0.0001  # 9,000 ops: h = x + 0.3 x²
    h.backward(create_graph=True)
    g = x.grad
    np.testing.assert_allclose(g.data, 1 + 0.6 * 0.3)
    x.grad = None
    g.backward()
    np.testing.assert_allclose(x.grad, 0.6)


# ----- stepping node by node, and what each node shows ------------------------------------
def small_classifier():
    X = Tensor(np.arange(12.0).reshape(4, 3) / 10, name="X")
    W = Tensor(np.linspace(-1, 1, 6).reshape(3, 2), requires_grad=True, name="W")
    b = Tensor(np.zeros(2), requires_grad=True, name="b")
    scores = X @ W + b
    loss = F.softmax_cross_entropy(scores, [0, 1, 1, 0])
    return X, W, b, scores, loss


def test_backward_steps_yields_each_node_in_reverse_topological_order():
    X, W, b, scores, loss = small_classifier()
    steps = backward_steps(loss, record=True, retain_graph=True)
    first = next(steps)
    assert isinstance(first, BackwardStep)
    assert first.node is loss and W.grad is None and b.grad is None  # lazy: one node per step
    records = [first] + list(steps)
    visited = [step.node for step in records]
    assert [t.op for t in visited] == [t.op for t in reversed(toposort(loss))]
    assert visited == list(reversed(toposort(loss)))
    position = {id(t): i for i, t in enumerate(visited)}
    for t in visited:  # every node comes before its inputs
        for p in t._parents or ():
            if isinstance(p, Tensor) and p.requires_grad:
                assert position[id(p)] > position[id(t)]
    assert W.grad is not None and b.grad is not None
    for step in records:
        t = step.node
        assert step.upstream is not None and step.upstream.shape == t.shape
        if t.is_leaf:
            assert step.downstream == ()
        else:
            assert len(step.downstream) == len(t._parents)


def test_recorded_gradients_are_upstream_and_downstream():
    X, W, b, scores, loss = small_classifier()
    steps = {step.node: step for step in backward_steps(loss, record=True, retain_graph=True)}
    add = scores
    matmul = add._parents[0]
    assert add.op == "add" and matmul.op == "matmul"
    np.testing.assert_allclose(steps[matmul].upstream, steps[add].upstream)   # add copies upstream
    assert steps[matmul].downstream[0] is None                               # X needs no gradient
    np.testing.assert_allclose(steps[matmul].downstream[1], X.data.T @ steps[matmul].upstream)
    np.testing.assert_allclose(W.grad, steps[matmul].downstream[1])
    np.testing.assert_allclose(b.grad, steps[add].upstream.sum(axis=0))


def test_steps_without_record_carry_the_same_gradients():
    *_, loss = small_classifier()
    plain = list(backward_steps(loss, retain_graph=True))
    recorded = list(backward_steps(loss, record=True))
    assert [s.node for s in plain] == [s.node for s in recorded]
    for a, b in zip(plain, recorded):
        np.testing.assert_array_equal(a.upstream, b.upstream)
        assert len(a.downstream) == len(b.downstream)


def test_trace_exposes_nodes_for_the_app():
    X, W, b, scores, loss = small_classifier()
    steps = list(backward_steps(loss, record=True, retain_graph=True))
    nodes = trace(loss, steps)
    by_op = {n.op: n for n in nodes if n.op != "leaf"}
    leaves = {n.name: n for n in nodes if n.op == "leaf"}
    assert [n.id for n in nodes] == list(range(len(nodes)))
    assert leaves["X"].role == "input" and leaves["W"].role == "parameter"
    assert leaves["W"].structure == "leaf" and not leaves["W"].fused
    matmul = by_op["matmul"]
    assert matmul.role == "op" and matmul.structure == "linear" and not matmul.fused
    assert matmul.inputs == [leaves["X"].id, leaves["W"].id]
    assert by_op["add"].inputs == [matmul.id, leaves["b"].id]
    assert matmul.shape == (4, 2)
    np.testing.assert_allclose(matmul.upstream, by_op["add"].upstream)
    assert matmul.downstream[0] is None and matmul.downstream[1].shape == (3, 2)
    np.testing.assert_allclose(leaves["W"].upstream, W.grad)
    # the local Jacobian Z×X that backward never forms, and what forming it would cost
    assert matmul.jacobians() == [
        {"jacobian_shape": (8, 12), "jacobian_bytes": 8 * 12 * 8, "gradient_bytes": 12 * 8},
        {"jacobian_shape": (8, 6), "jacobian_bytes": 8 * 6 * 8, "gradient_bytes": 6 * 8}]
    text = matmul.describe()
    assert "matmul" in text and matmul.formula in text
    assert "Jacobian 8×12" in text and "768 B" in text and "Jacobian 8×6" in text
    loss_node = by_op["softmax_cross_entropy"]
    assert loss_node.fused and loss_node.structure == "reduction" and loss_node.upstream == 1.0
    assert loss_node.jacobians()[0]["jacobian_shape"] == (1, 8)


def test_trace_takes_the_steps_as_a_dict_too():
    *_, loss = small_classifier()
    steps = {step.node: step for step in backward_steps(loss, record=True, retain_graph=True)}
    nodes = trace(loss, steps)
    for node in nodes:
        if node.tensor in steps:
            assert node.upstream is steps[node.tensor].upstream
            assert node.downstream is steps[node.tensor].downstream
        else:   # a constant input: backward never visits it
            assert node.role == "input" and node.upstream is None


@pytest.mark.parametrize("op, structure", [("tanh", "elementwise"), ("sigmoid", "elementwise"),
                                           ("sin", "elementwise"), ("sum", "reduction")])
def test_structure_is_told_apart_from_fused(op, structure):
    x = Tensor(np.ones(3), requires_grad=True)
    node = [n for n in trace(getattr(x, op)()) if n.op == op][0]
    assert node.structure == structure and node.fused == (op == "sigmoid")


def test_trace_before_backward_has_no_gradients():
    *_, loss = small_classifier()
    assert all(n.upstream is None and n.downstream is None for n in trace(loss))


def test_jacobian_bytes_follow_the_dtype():
    x = Tensor(np.ones((3, 5), dtype=np.float32), requires_grad=True)
    node = [n for n in trace(x.tanh()) if n.op == "tanh"][0]
    assert node.jacobians() == [{"jacobian_shape": (15, 15), "jacobian_bytes": 15 * 15 * 4,
                                 "gradient_bytes": 15 * 4}]


# ----- dtypes -----------------------------------------------------------------------------
FLOAT32_PROGRAMS = {
    "arithmetic": lambda x: ((x + 1.5) * 2.5 - x / 3.0 + 2.0 / x - x ** 3 + x ** 2.5 + 2.0 ** x).sum(),
    "unary": lambda x: (x.exp() + x.log() + x.sqrt() + x.abs() + x.tanh() + x.sigmoid() + x.relu()
                        + x.leaky_relu(0.1) + x.clip(0.5, 1.5)).sum(),
    "maximum_where": lambda x: (F.maximum(0, x - 1) + F.maximum(x, 0.5) + F.where(x.data > 1, x, 0.0)).sum(),
    "shapes": lambda x: (x.sum(axis=0).sum() + x.mean(axis=1, keepdims=True).sum() + x.max(axis=1).sum()
                         + x.reshape(-1)[::2].sum() + x.T[np.arange(3), [0, 1, 1]].sum()
                         + F.concatenate([x, x], axis=1).sum() + F.stack([x, x]).mean()),
    "matmul": lambda x: (x @ np.ones((4, 2), dtype=np.float32)).sum(),
    "losses": lambda x: (F.softmax_cross_entropy(x, [0, 1, 2]) + F.multiclass_hinge_loss(x, [0, 1, 2])
                         + F.log_softmax(x).sum() + F.softmax(x).sum()),
}


@pytest.mark.parametrize("program", list(FLOAT32_PROGRAMS))
def test_float32_is_preserved_through_forward_and_backward(program):
    f = FLOAT32_PROGRAMS[program]
    x = Tensor(np.random.default_rng(0).uniform(0.2, 2, (3, 4)).astype(np.float32), requires_grad=True)
    for _ in range(2):  # the second call accumulates
        out = f(x)
        for node, upstream, downstream in backward_steps(out, record=True):
            assert node.dtype == np.float32, node.op
            assert upstream.dtype == np.float32, node.op
            assert all(d is None or d.dtype == np.float32 for d in downstream), node.op
    assert x.grad.dtype == np.float32


def test_float32_leaf_keeps_its_dtype_when_mixed_with_float64_constants():
    x = Tensor(np.ones((2, 3), dtype=np.float32), requires_grad=True)
    for _ in range(2):
        (x @ np.ones((3, 2))).sum().backward()  # numpy promotes the product to float64
    assert x.grad.dtype == np.float32


def test_float32_create_graph():
    x = Tensor(np.array([0.5, 1.5], dtype=np.float32), requires_grad=True)
    (x ** 3).sum().backward(create_graph=True)
    assert x.grad.dtype == np.float32


def test_integers_become_float64():
    assert Tensor([1, 2]).dtype == np.float64
    assert Tensor(np.float32(1.0)).dtype == np.float32


# ----- no_grad and create_graph -----------------------------------------------------------
def test_no_grad_records_nothing():
    x = leaf([1.0, 2.0])
    with no_grad():
        y = (x * 2).exp().sum()
        with enable_grad():
            z = x * 2
    assert not y.requires_grad and y.op == "leaf" and y._parents is None
    assert z.requires_grad and z.op == "mul"
    assert (x * 2).requires_grad  # recording resumes


def test_no_grad_as_a_decorator():
    @no_grad()
    def predict(x):
        return x * 2

    assert not predict(leaf([1.0])).requires_grad


def test_create_graph_gives_differentiable_gradients():
    x = leaf([0.5, -2.0, 3.0])
    (x ** 3).sum().backward(create_graph=True)
    first = x.grad
    assert isinstance(first, Tensor) and first.requires_grad
    np.testing.assert_allclose(first.data, 3 * x.data ** 2)
    x.grad = None
    first.sum().backward()
    np.testing.assert_allclose(x.grad, 6 * x.data)  # d²(x³)/dx² = 6x


def test_third_derivative():
    x = leaf(0.7)
    (x ** 4).backward(create_graph=True)
    g1, x.grad = x.grad, None
    g1.backward(create_graph=True)
    g2, x.grad = x.grad, None
    g2.backward()
    np.testing.assert_allclose(x.grad, 24 * 0.7)
