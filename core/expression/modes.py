"""Forward mode and Hessian-vector products, stepped node by node like the reverse walk.

``ForwardWalk`` pushes a tangent (dual number ``(v, v̇)``) through each op node with the
engine's own JVP rules, one node per step, and runs no backward pass. ``HvpWalk`` records the
first backward pass as a graph (``create_graph=True``), forms ``(∂L/∂x)·v`` and steps the second
backward pass through that extended graph, node by node.
"""
import numpy as np

from core.autodiff import REGISTRY, Tensor, grad, gradients, hvp, jvp, ops, trace

from .errors import ExpressionError
from .graph import LabNode
from .walk import Walk, summary


def directions(direction, built):
    """``{variable: tangent array}`` from a variable name (ones there, zeros elsewhere) or a dict."""
    shapes = {name: built.nodes[i].shape for name, i in built.leaves.items()}
    if direction is None:
        raise ExpressionError("this mode needs a direction: a variable name or {variable: array}")
    if isinstance(direction, str):
        direction = {direction: 1.0}
    if not isinstance(direction, dict):
        raise ExpressionError(f"a direction is a variable name or a dict, got {type(direction).__name__}")
    unknown = [name for name in direction if name not in shapes]
    if unknown:
        raise ExpressionError(f"direction: no variable {unknown[0]!r} in the formula")
    tangents = {}
    for name, shape in shapes.items():
        given = np.asarray(direction.get(name, 0.0), dtype=np.float64)
        try:
            tangents[name] = np.array(np.broadcast_to(given, shape))
        except ValueError:
            raise ExpressionError(f"direction for {name!r}: shape {given.shape} does not fit the "
                                  f"variable's shape {shape}") from None
    return tangents


class ForwardWalk(Walk):
    """Forward mode: each step computes one op node's value and tangent ``(v, v̇)``.

    Constants, and nodes computed from constants alone, have ``tangent`` None (their tangent is 0).

    ``tangent`` is the output's directional derivative once the walk is done; ``reverse_dot``
    is the reverse-mode gradient (of the summed output) dotted with the direction, to compare.
    """

    mode = "forward"

    def __init__(self, built, expand=False, direction=None):
        self.direction = directions(direction, built)
        super().__init__(built, expand)
        for node in self.nodes:
            if node.variable:
                node.tangent = self.direction[node.variable]

    @property
    def total_steps(self):
        """One step per op node: forward mode has no backward pass."""
        return self.op_count

    def _note(self):
        return ("Forward mode: every node carries its value and its tangent, the derivative along the "
                "chosen direction; no backward pass runs.")

    def _plan(self):
        ops_ = [node for node in self.nodes if node.primitive is not None]
        for k, node in enumerate(ops_):
            inputs = [self.nodes[i] for i in node.inputs]
            moving = [n for n in inputs if n.tangent is not None]
            with np.errstate(all="ignore"):
                if moving:
                    node.value, node.tangent = jvp(_applied(node, inputs), [n.value for n in moving],
                                                   [n.tangent for n in moving])
                else:  # constants in, a constant out: no tangent, as in torch.func.jvp
                    node.value = node.primitive(*[n.value for n in inputs], **node.params).data
            self.active = node.id
            tangent = "0" if node.tangent is None else summary(node.tangent)
            self.message = f"forward: {node.text} = ({summary(node.value)}, {tangent})"
            if k == len(ops_) - 1:
                self.phase = "done"
            yield

    @property
    def tangent(self):
        """The output's tangent (directional derivative) once the walk is done, else None."""
        if self.phase != "done":
            return None
        tangent = self.output.tangent
        return np.zeros(self.output.shape) if tangent is None else tangent

    @property
    def gradients(self):
        """None: forward mode computes no gradients (see ``reverse_dot``)."""
        return None

    @property
    def reverse_dot(self):
        """∇(Σ out) · direction from one reverse pass: equals ``tangent.sum()``."""
        out = self.built.out
        if not out.requires_grad:
            return 0.0
        leaves = [self.nodes[i].tensor for i in self.built.leaves.values()]
        grads = gradients(out, leaves, self._seed(), retain_graph=True)
        return float(sum(np.sum(g * self.direction[name]) for name, g in zip(self.built.leaves, grads)))


class HvpWalk(Walk):
    """H·v by backpropagating twice: forward, the first backward recorded as a graph, then the
    second backward through ``(∂L/∂x)·v``. ``hvp`` is ``{variable: array}`` once done.

    Node ``part`` is "function", "gradient" (the first backward's graph) or "product" (·v).
    """

    mode = "hvp"

    def __init__(self, built, expand=False, direction=None, function=None):
        self.direction = directions(direction, built)
        self.function = function
        self._extend(built)
        super().__init__(built, expand)

    def _extend(self, built):
        """Append the first backward's graph and the product with v to ``built.nodes``."""
        names = list(built.leaves)
        leaves = [built.nodes[built.leaves[name]].tensor for name in names]
        seed = np.ones(built.out.shape) if built.out.ndim else None
        self.function_count = len(built.nodes)
        if built.out.requires_grad:
            self.first_gradients = gradients(built.out, leaves, seed, create_graph=True)
        else:
            self.first_gradients = tuple(Tensor(np.zeros(t.shape)) for t in leaves)
        product, self.dot = set(), None
        for name, g in zip(names, self.first_gradients):
            v = Tensor(self.direction[name], name=f"v_{name}")
            mul = ops.mul(g, v)
            term = ops.sum_(mul, axis=None, keepdims=False)
            self.dot = term if self.dot is None else ops.add(self.dot, term)
            product |= {id(v), id(mul), id(term), id(self.dot)}
        if self.dot is None:  # no variables at all
            self.dot = Tensor(0.0)
        texts = {id(g): f"∂L/∂{name}" for name, g in zip(names, self.first_gradients)}
        traced = trace(self.dot)
        lab_id = {id(node.tensor): node.id for node in built.nodes}
        for node in traced:
            if id(node.tensor) not in lab_id:
                lab_id[id(node.tensor)] = len(lab_id)
        by_trace = {node.id: lab_id[id(node.tensor)] for node in traced}
        for node in traced:
            if lab_id[id(node.tensor)] < len(built.nodes):
                continue
            leaf = node.tensor.is_leaf
            label = (node.tensor.name or summary(node.value)) if leaf else node.op
            text = texts.get(id(node.tensor), label)
            lab = LabNode(len(built.nodes), node.tensor, label=label, text=text,
                          column=None, inputs=[None if i is None else by_trace[i] for i in node.inputs],
                          input_shapes=node.input_shapes(), primitive=None if leaf else _primitive(node.op),
                          params=node.params)
            lab.part = "product" if id(node.tensor) in product else "gradient"
            built.nodes.append(lab)
        self.gradient_count = sum(1 for n in built.nodes if n.part == "gradient")
        self.product_count = sum(1 for n in built.nodes if n.part == "product")

    @property
    def counts(self):
        """Node counts: the function, its gradient graph (the first backward), the ·v product and
        the nodes the second backward pass visits."""
        second = self._backward_count()
        return {"function": self.function_count, "gradient": self.gradient_count,
                "product": self.product_count, "second_pass": second}

    def _backward_root(self):
        return self.dot

    def _note(self):
        return ("Hessian-vector product: the first backward pass is recorded as a graph, then a second "
                "backward pass runs through (∂L/∂x)·v; its gradients are H·v.")

    @property
    def gradients(self):
        """∂L/∂x from the first backward pass (the summed output's gradient)."""
        return {name: np.array(g.data) for name, g in zip(self.built.leaves, self.first_gradients)}

    @property
    def hvp(self):
        """``{variable: H·v}`` once the second backward pass is done, else None."""
        if self.phase != "done":
            return None
        return {name: self._leaf_grad(self.nodes[i]) for name, i in self.built.leaves.items()}

    def _loss(self):
        f = self.function

        def loss(*tensors):
            out = f(*tensors)
            return out if out.ndim == 0 else ops.sum_(out, axis=None, keepdims=False)
        return loss

    def finite_difference(self, eps=1e-5):
        """``(∇L(x + εv) − ∇L(x − εv)) / 2ε`` per variable: H·v without a second backward pass."""
        names = list(self.built.leaves)
        x = [self.nodes[self.built.leaves[name]].value for name in names]
        v = [self.direction[name] for name in names]
        gradient = grad(self._loss())
        plus = gradient(*[a + eps * b for a, b in zip(x, v)])
        minus = gradient(*[a - eps * b for a, b in zip(x, v)])
        return {name: (p - m) / (2 * eps) for name, p, m in zip(names, plus, minus)}

    def explicit(self, limit=400):
        """(H, H·v) with H formed entry by entry from the engine's own HVPs when the variables hold at
        most ``limit`` entries in all, else None. H is n×n over the flattened variables."""
        names = list(self.built.leaves)
        x = [self.nodes[self.built.leaves[name]].value for name in names]
        sizes = [a.size for a in x]
        n = sum(sizes)
        if n > limit:
            return None
        loss, columns = self._loss(), []
        for j in range(n):
            unit = np.eye(1, n, j).ravel()
            parts = np.split(unit, np.cumsum(sizes)[:-1])
            column = hvp(loss, x, [p.reshape(a.shape) for p, a in zip(parts, x)])
            columns.append(np.concatenate([np.ravel(c) for c in column]))
        H = np.array(columns).T
        v = np.concatenate([self.direction[name].ravel() for name in names])
        return H, H @ v


def _applied(node, inputs):
    """``f(*moving)`` applying the node's primitive to its inputs, those with a tangent as the
    arguments and constants fixed (a zero tangent on a constant exponent would give 0·ln(x) = NaN
    for x < 0), for the engine's ``jvp``."""
    def f(*moving):
        xs = iter(moving)
        return node.primitive(*[next(xs) if n.tangent is not None else n.value for n in inputs],
                              **node.params)
    return f


def _primitive(op):
    """The engine's primitive named ``op``."""
    return REGISTRY[op]
