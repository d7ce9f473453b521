"""The same formula twice: once in the lab, once in PyTorch (float64), and random formulas."""
import re

import numpy as np
from hypothesis import strategies as st

_TORCH_CALLS = {"exp": "exp", "log": "log", "sqrt": "sqrt", "abs": "abs", "sin": "sin", "cos": "cos",
                "tanh": "tanh", "sigmoid": "sigmoid", "relu": "relu", "sum": "sum", "mean": "mean"}


def torch_leaves(expr, values):
    """One float64 torch leaf (requires_grad) per variable."""
    import torch
    return {name: torch.tensor(np.asarray(values[name], dtype=np.float64), requires_grad=True)
            for name in expr.variables}


def torch_eval(expr, leaves):
    """The formula's value in torch, from its syntax nodes (operands first)."""
    return torch_steps(expr, leaves)[-1]


def torch_steps(expr, leaves):
    """The value of every operation of the formula in torch, in the lab's op-node order."""
    import torch
    made, steps = {}, []
    for syntax in expr.order:
        if syntax.kind == "variable":
            made[id(syntax)] = leaves[syntax.value]
            continue
        if syntax.kind == "number":
            made[id(syntax)] = torch.tensor(syntax.value, dtype=torch.float64)
            continue
        args = [made[id(a)] for a in syntax.args]
        if syntax.kind == "neg":
            result = -args[0]
        elif syntax.kind == "binary":
            x, y = args
            result = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div,
                      "matmul": torch.matmul, "pow": torch.pow}[syntax.op](x, y)
        elif syntax.op == "max":
            result = torch.maximum(*args) if len(args) == 2 else args[0].max()
        else:
            result = getattr(torch, _TORCH_CALLS[syntax.op])(args[0])
        made[id(syntax)] = result
        steps.append(result)
    return steps or [made[id(expr.order[-1])]]


def torch_value_and_grads(expr, values):
    """(value, {variable: gradient of the summed output}) computed by PyTorch."""
    import torch
    leaves = torch_leaves(expr, values)
    out = torch_eval(expr, leaves)
    grads = torch.autograd.grad(out.sum(), list(leaves.values()), allow_unused=True)
    return out.detach().numpy(), {
        name: np.zeros(np.shape(values[name])) if g is None else g.numpy()
        for name, g in zip(leaves, grads)}


def torch_function(expr, summed=False):
    """The formula as a torch function of one tensor per variable (summed to a scalar if asked)."""
    def f(*tensors):
        out = torch_eval(expr, dict(zip(expr.variables, tensors)))
        return out.sum() if summed else out
    return f


def torch_inputs(expr, values):
    """One float64 torch tensor per variable, in the formula's order."""
    import torch
    return tuple(torch.tensor(np.asarray(values[name], dtype=np.float64)) for name in expr.variables)


# ----- random formulas with safe domains -------------------------------------------------
_LEAF = st.sampled_from(["a", "b", "c", "0.5", "2", "-1.5"])

_UNARY = ["tanh({})", "sigmoid({})", "exp(tanh({}))", "log(({0}) * ({0}) + 1)",
          "sqrt(({0}) * ({0}) + 1)", "({}) ** 2", "({}) ^ 3", "-({})", "relu({})", "abs({})", "sum({})",
          "mean({})", "max({})", "sin({})", "cos({})"]
_BINARY = ["({}) + ({})", "({}) - ({})", "({}) * ({})", "({0}) / (({1}) * ({1}) + 1)", "max({}, {})"]


def _extend(children):
    unary = st.tuples(st.sampled_from(_UNARY), children).map(lambda t: t[0].format(t[1]))
    binary = st.tuples(st.sampled_from(_BINARY), children, children).map(
        lambda t: t[0].format(t[1], t[2]))
    return unary | binary


formulas = st.recursive(_LEAF, _extend, max_leaves=8)


@st.composite
def formula_values(draw):
    """A random formula in a, b, c (at least one of them) and values of one shared shape."""
    text = draw(formulas.filter(lambda t: re.search(r"\b[abc]\b", t)))
    shape = draw(st.sampled_from([(), (3,)]))
    numbers = st.floats(-2, 2, allow_nan=False).map(lambda v: round(v, 3))
    values = {name: np.array(draw(st.lists(numbers, min_size=int(np.prod(shape)),
                                          max_size=int(np.prod(shape))))).reshape(shape)
              for name in "abc"}
    return text, values
