"""The quantities a question may ask about, each computed by the engine at the moment it is asked.

``QUANTITIES[name]`` says for which setups it exists ("lab", "trainer"), which question fields it
needs, whether its answer is a whole number (then compared exactly by default) and how to compute
it. Nothing here stores an answer: a lesson stays right when its formula or data change.
"""
from dataclasses import dataclass

import numpy as np

from core.expression import ExpressionError


@dataclass(frozen=True)
class Quantity:
    """One askable quantity: where it exists, its required and optional fields, how to compute it."""
    kinds: tuple
    needs: tuple
    compute: object
    whole: bool = False
    optional: tuple = ()


class NotYet(ValueError):
    """The quantity is not known in this state (a gradient before backward, an update before update)."""


# ----- lab ---------------------------------------------------------------------------------------
def find_lab_node(walk, reference):
    """The node of ``walk`` whose formula text (spaces and outer parentheses ignored) is ``reference``;
    "output" is the output node. ValueError lists the nodes there are."""
    if reference == "output":
        return walk.output
    key = _bare(reference)
    for node in walk.nodes:
        if _bare(node.text) == key:
            return node
    texts = ", ".join(repr(n.text) for n in walk.nodes if n.stage == "model" or n.variable)
    raise ValueError(f"no node {reference!r} in the graph; its nodes are {texts}")


def _bare(text):
    """A formula text without spaces and outer parentheses, so "x + y" finds the node "(x + y)"."""
    text = text.replace(" ", "")
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    return text


def _input(node, question, find):
    """The input number a question names (``input``: a number, or the input's formula text)."""
    given = question.get("input", 0)
    if isinstance(given, str):
        wanted = find(given).id
        if wanted not in node.inputs:
            raise ValueError(f"{given!r} is not an input of {node.text!r}")
        return node.inputs.index(wanted)
    if not isinstance(given, int) or not 0 <= given < len(node.inputs):
        raise ValueError(f"field 'input': {node.text!r} has inputs 0..{len(node.inputs) - 1}, got {given!r}")
    return given


def _lab_node(world, q, mode=None):
    walk = world.finished(mode)
    return walk, find_lab_node(walk, q["node"])


def _lab_downstream(world, q):
    walk, node = _lab_node(world, q)
    return node.downstream[_input(node, q, lambda r: find_lab_node(walk, r))]


def _lab_local(world, q):
    walk, node = _lab_node(world, q)
    local = walk.local_jacobian(node.id, _input(node, q, lambda r: find_lab_node(walk, r)))
    if local is None:
        raise ValueError(f"the local Jacobian of {node.text!r} is too large to form")
    return local.matrix.item() if local.matrix.size == 1 else local.matrix


def _lab_jacobian_row(world, q, key):
    walk, node = _lab_node(world, q)
    return node.jacobians()[_input(node, q, lambda r: find_lab_node(walk, r))][key]


def _variable(world, q, table):
    if "variable" not in q:
        raise ValueError("field 'variable': expected the name of one of the formula's variables")
    if q["variable"] not in table:
        raise ValueError(f"no variable {q['variable']!r}; the formula has {', '.join(table)}")
    return table[q["variable"]]


def _tangent(world, q):
    walk = world.finished("forward")
    node = find_lab_node(walk, q.get("node", "output"))
    return 0.0 if node.tangent is None else node.tangent


def numerical_gradient(expression, values, names, eps=1e-5):
    """Central differences of the (summed) output for the variables ``names``; returns
    ``(gradients, forward passes)``: two passes per entry, where backward needs one."""
    values = expression.check(values)
    passes, gradients = 0, {}

    def f(changed):
        nonlocal passes
        passes += 1
        return float(np.sum(expression.evaluate(changed).data))

    for name in names:
        g = np.zeros_like(values[name])
        for index in np.ndindex(g.shape):
            shifted = {k: v.copy() for k, v in values.items()}
            shifted[name][index] += eps
            plus = f(shifted)
            shifted[name][index] -= 2 * eps
            g[index] = (plus - f(shifted)) / (2 * eps)
        gradients[name] = g
    return gradients, passes


def _numerical(world, q):
    expression, values, _ = world.setup.parsed()
    names = q.get("variables", list(expression.variables))
    unknown = [n for n in names if n not in expression.variables]
    if unknown:
        raise ValueError(f"field 'variables': no variable {unknown[0]!r} in the formula")
    return numerical_gradient(expression, values, names)


def _passes(world, q):
    if q.get("by") not in ("rows", "columns"):
        raise ValueError("field 'by': expected 'rows' (one VJP per output entry) or 'columns' "
                         "(one JVP per input entry)")
    expression, values, _ = world.setup.parsed()
    return expression.jacobian(values, by=q["by"], expand=world.setup.expand)


# ----- trainer -----------------------------------------------------------------------------------
def find_trainer_node(trainer, reference):
    """The first node of the iteration's graph named ``reference``; ValueError lists the names."""
    node = trainer.record.node_named(reference)
    if node is None:
        names = ", ".join(dict.fromkeys(repr(n.name) for n in trainer.record.nodes))
        raise ValueError(f"no node {reference!r} in the graph; its nodes are {names}")
    return node


def _parameter(trainer, q):
    params = dict(trainer.model.named_parameters())
    if "parameter" not in q:
        raise ValueError(f"field 'parameter': expected one of {', '.join(params)}")
    if q["parameter"] not in params:
        raise ValueError(f"no parameter {q['parameter']!r}; the model has {', '.join(params)}")
    return params[q["parameter"]]


def _metric(name):
    def compute(world, q):
        metrics = world.trainer.record.metrics
        if name not in metrics:
            raise NotYet(f"the batch's {name} is known after the loss phase")
        return metrics[name]
    return compute


def _trainer_gradient(world, q):
    g = _parameter(world.trainer, q).grad
    if g is None:
        raise NotYet(f"the gradient of {q['parameter']!r} is known after the backward phase")
    return np.array(g)


def _update(world, q):
    _parameter(world.trainer, q)
    update = world.trainer.record.update.get(q["parameter"])
    if update is None:
        raise NotYet(f"the update of {q['parameter']!r} is known after the update phase")
    return np.array(update["step"])


def _trainer_node(world, q):
    return find_trainer_node(world.trainer, q["node"])


def _trainer_upstream(world, q):
    node = _trainer_node(world, q)
    upstream = world.trainer.upstream(node.id)
    if upstream is None:
        raise NotYet(f"the upstream gradient of {q['node']!r} is known once backward reaches it")
    return upstream


def _trainer_input(node, q):
    given = q.get("input", 0)
    if not isinstance(given, int) or not 0 <= given < len(node.inputs):
        raise ValueError(f"field 'input': {node.name!r} has inputs 0..{len(node.inputs) - 1}, got {given!r}")
    return given


def _trainer_downstream(world, q):
    node = _trainer_node(world, q)
    downstream = world.trainer.downstream(node.id)
    if downstream is None:
        raise NotYet(f"the downstream gradients of {q['node']!r} are known once backward reaches it")
    return downstream[_trainer_input(node, q)]


def _trainer_jacobian_row(world, q, key):
    node = _trainer_node(world, q)
    return node.jacobians()[_trainer_input(node, q)][key]


def _either(lab, trainer):
    """A quantity computed by ``lab(world, q)`` in a lab step, ``trainer(world, q)`` in a trainer step."""
    return lambda world, q: (lab if world.kind == "lab" else trainer)(world, q)


def _jacobian_row(key):
    return _either(lambda w, q: _lab_jacobian_row(w, q, key), lambda w, q: _trainer_jacobian_row(w, q, key))


def _parameter_count(world, q):
    if "parameter" in q:
        return _parameter(world.trainer, q).data.size
    return sum(p.data.size for p in world.trainer.model.parameters())


def _val_accuracy(world, q):
    ds = world.trainer.dataset
    return world.trainer.evaluate(ds.X_val, ds.y_val)["accuracy"]


L, T, LT = ("lab",), ("trainer",), ("lab", "trainer")

QUANTITIES = {
    # a node of the graph
    "value": Quantity(LT, ("node",), _either(lambda w, q: _lab_node(w, q)[1].value,
                                             lambda w, q: _trainer_node(w, q).value)),
    "upstream": Quantity(LT, ("node",), _either(lambda w, q: _lab_node(w, q)[1].grad, _trainer_upstream)),
    "downstream": Quantity(LT, ("node",), _either(_lab_downstream, _trainer_downstream), optional=("input",)),
    "local": Quantity(L, ("node",), _lab_local, optional=("input",)),
    **{name: Quantity(LT, ("node",), _jacobian_row(name), whole=True, optional=("input",))
       for name in ("jacobian_shape", "jacobian_bytes", "gradient_bytes")},
    "tangent": Quantity(L, (), _tangent, optional=("node",)),
    # the formula as a whole
    "output": Quantity(L, (), lambda w, q: w.finished().value),
    "gradient": Quantity(LT, (), _either(lambda w, q: _variable(w, q, w.finished("reverse").gradients),
                                         _trainer_gradient), optional=("variable", "parameter")),
    "hvp": Quantity(L, ("variable",), lambda w, q: _variable(w, q, w.finished("hvp").hvp)),
    "numerical_gradient": Quantity(L, ("variable",), lambda w, q: _variable(w, q, _numerical(w, q)[0]),
                                   optional=("variables",)),
    "numerical_passes": Quantity(L, (), lambda w, q: _numerical(w, q)[1], whole=True,
                                 optional=("variables",)),
    "passes": Quantity(L, ("by",), lambda w, q: _passes(w, q)[1], whole=True),
    "jacobian": Quantity(L, ("by",), lambda w, q: _passes(w, q)[0]),
    "node_count": Quantity(LT, (), _either(lambda w, q: w.finished("reverse").node_count,
                                           lambda w, q: len(w.trainer.record.nodes)), whole=True),
    "op_count": Quantity(L, (), lambda w, q: w.finished("reverse").op_count, whole=True),
    "gradient_graph_nodes": Quantity(L, (), lambda w, q: w.finished("hvp").counts["gradient"], whole=True),
    "second_pass_nodes": Quantity(L, (), lambda w, q: w.finished("hvp").counts["second_pass"], whole=True),
    # a trainer's iteration
    "loss": Quantity(T, (), _metric("loss")),
    "data_loss": Quantity(T, (), _metric("data_loss")),
    "accuracy": Quantity(T, (), _metric("accuracy")),
    "val_accuracy": Quantity(T, (), _val_accuracy),
    "parameter": Quantity(T, ("parameter",), lambda w, q: _parameter(w.trainer, q).data.copy()),
    "parameter_count": Quantity(T, (), _parameter_count, whole=True, optional=("parameter",)),
    "update": Quantity(T, ("parameter",), _update),
    "update_sign": Quantity(T, ("parameter",), lambda w, q: np.sign(_update(w, q)), whole=True),
    "update_size": Quantity(T, ("parameter",), lambda w, q: float(np.linalg.norm(_update(w, q)))),
}

QUESTION_FIELDS = {"ask", "quantity", "tolerance", "explain", "hint", "entry", "node", "input", "variable",
                   "variables", "parameter", "by"}


def compute(world, question):
    """The quantity ``question`` asks for in ``world``, as a float or an ndarray (``entry`` picks one)."""
    quantity = QUANTITIES[question["quantity"]]
    try:
        value = quantity.compute(world, question)
    except ExpressionError as error:
        raise ValueError(str(error)) from None
    if value is None:
        raise NotYet(f"the {question['quantity']} of {question.get('node', 'this')!r} is not known yet")
    value = np.asarray(value, dtype=np.float64)
    if "entry" in question:
        entry = question["entry"]
        index = tuple(entry) if isinstance(entry, list) else (entry,)
        try:
            value = value[index]
        except (IndexError, TypeError):
            raise ValueError(f"field 'entry': {entry!r} is not an entry of an array of shape "
                             f"{value.shape}") from None
    return value
