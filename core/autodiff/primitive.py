"""A primitive: forward function, a VJP and a JVP rule per input, and how to explain it.

Rules follow HIPS autograd's naming: ``ans`` is the op's output, ``g`` the upstream
gradient, ``t`` an input's tangent. A VJP rule is ``rule(ns, g, ans, *inputs, saved, **params)``
and returns the downstream gradient for its input; ``ns`` is the array namespace
(:mod:`numpy_ns` on the fast path, :mod:`tensor_ns` when ``create_graph=True``), so the same
rule builds a differentiable graph when asked to. A VJP rule never writes into its
arguments and returns a new array or a view of ``g``: backward hands that array to a leaf as
its ``.grad`` without copying it. A JVP rule is ``rule(t, ans, *inputs, saved, **params)`` on
plain arrays.

Every Primitive enters ``REGISTRY`` (name → Primitive) when it is made, wherever it is defined,
so that tests can walk all of them.
"""
import functools

import numpy as np

from .state import state
from .tensor import Tensor

REGISTRY = {}

# What a primitive's Jacobian looks like; the inspector shows worked rows by it.
STRUCTURES = {
    "elementwise": "diagonal (or broadcast-diagonal): each output entry uses the same entry of each input",
    "linear": "linear in each input, such as a matrix product",
    "reduction": "each output entry combines a group of input entries (sums, maxima, scalar losses)",
    "shape": "entries are moved, copied or picked, never combined",
    "general": "dense within blocks, such as log-softmax over a row",
}


class AnomalyError(FloatingPointError):
    """A NaN or Inf appeared inside ``detect_anomaly()``."""


def check_finite(value, prim, where, node_name):
    """Raise ``AnomalyError`` naming ``prim`` and the node when ``value`` holds a NaN or Inf."""
    if not np.all(np.isfinite(value)):
        kind = "NaN" if np.isnan(value).any() else "Inf"
        raise AnomalyError(
            f"detect_anomaly: {kind} produced in the {where} pass by op '{prim.name}' "
            f"at node '{node_name}' (shape {np.shape(value)})")


class Primitive:
    """One differentiable operation: a single node in the graph, registered under its name.

    ``structure`` says what its Jacobian looks like (a key of ``STRUCTURES``); ``fused`` marks
    a whole formula computed as one node with a hand-derived local gradient (sigmoid, the losses).
    """

    def __init__(self, name, forward, *, formula, words, structure="elementwise", fused=False,
                 saves=False):
        if structure not in STRUCTURES:
            raise ValueError(f"primitive {name!r}: structure must be one of {sorted(STRUCTURES)}, "
                             f"got {structure!r}")
        if name in REGISTRY:
            raise ValueError(f"a primitive named {name!r} already exists; primitive names are unique")
        self.name = name
        self.forward = forward
        self.formula = formula      # local gradient, e.g. "∂relu/∂x = 1[x > 0]"
        self.words = words          # what the node does, in a sentence
        self.structure = structure
        self.fused = bool(fused)
        self.saves = saves          # forward returns (value, saved) for the backward rule
        self.vjps = ()
        self.jvps = ()
        REGISTRY[name] = self

    def __repr__(self):
        return f"Primitive({self.name!r}, structure={self.structure!r}, fused={self.fused})"

    def defvjp(self, *rules):
        """One rule per input, or one ``rule(i, ns, g, ...)`` marked ``variadic`` for any number."""
        self.vjps = _per_input(rules)
        return self

    def defjvp(self, *rules):
        """One rule per input, or one ``rule(i, t, ...)`` marked ``variadic`` for any number."""
        self.jvps = _per_input(rules)
        return self

    def __call__(self, *args, **params):
        # The forward hot path: plain loops and attribute stores, no generator expressions.
        raw, needs_grad = [], False
        for a in args:
            if isinstance(a, Tensor):
                raw.append(a.data)
                if a.requires_grad:
                    needs_grad = True
            else:
                raw.append(a)
        try:
            if self.saves:
                value, saved = self.forward(*raw, **params)
            else:
                value, saved = self.forward(*raw, **params), None
        except (ValueError, IndexError) as error:
            shapes = " and ".join(str(np.shape(r)) for r in raw)
            raise type(error)(f"{self.name}: cannot apply to shapes {shapes}: {error}") from None
        if type(value) is not np.ndarray:
            value = np.asarray(value)
        out = Tensor.__new__(Tensor)
        out.data = value
        out.grad = None
        out.name = None
        out._tangent = None
        if needs_grad and state.grad_enabled:
            out.requires_grad = True
            out._prim = self
            out._parents = args
            out._params = params
            out._saved = saved
        else:
            out.requires_grad = False
            out._prim = out._parents = out._params = out._saved = None
        if state.anomaly:
            check_finite(value, self, "forward", self.name)
        if state.forward_mode:
            out._tangent = self._push_tangents(args, raw, value, saved, params)
        return out

    def _push_tangents(self, args, raw, value, saved, params):
        total = None
        for i, a in enumerate(args):
            if isinstance(a, Tensor) and a._tangent is not None:
                part = self.jvps[i](a._tangent, value, *raw, saved=saved, **params)
                total = part if total is None else total + part
        if total is None:
            return None
        return np.broadcast_to(total, value.shape).astype(value.dtype, copy=False)


class _Variadic:
    """A variadic rule ``rule(i, ...)`` indexed like a tuple of rules: ``rules[i]``."""

    __slots__ = ("rule",)

    def __init__(self, rule):
        self.rule = rule

    def __getitem__(self, i):
        return functools.partial(self.rule, i)


def _per_input(rules):
    if len(rules) == 1 and getattr(rules[0], "variadic", False):
        return _Variadic(rules[0])
    return rules

