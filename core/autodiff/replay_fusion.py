"""Linear layers as one replay step: ``x·Wᵀ + b`` (and an activation after it) run as one forward
and one backward step of ``Replay`` instead of one per node.

A step calls the same forward functions and VJP rules on the same operands as the per-node replay,
so the numbers are bit-identical; what it saves is the replay's Python per node. Two shortcuts do
the same operations: transpose with axes=None as ``.T``, and, where the caller gives W's and b's
gradients a place (``Replay.run``'s ``grads_into``), matmul's rule for W and the bias sum written
there (``out=``) instead of into new arrays. ``find_layers``
fuses a layer only where that is certain: the transpose, the product and (with an activation) the
sum feed nothing else, and no other node adds into the gradient of x, W or b between the moment
the fused step sends it and the moment the per-node replay would have (the sums keep their order).
"""
import numpy as np

from .elementwise import add
from .linalg import _transposed, matmul
from .namespaces import numpy_ns, sum_to_array
from .shape_ops import transpose
from .tensor import Tensor


class LayerMatch:
    """The nodes of one layer: ``x @ W.T`` (``t`` the transpose, ``z`` the product), ``+ b``
    (``a``), then the optional unary activation ``h``; ``top`` is the last of them."""

    def __init__(self, x, w, t, z, b, a, h):
        self.x, self.w, self.t, self.z, self.b, self.a, self.h = x, w, t, z, b, a, h
        self.top = a if h is None else h
        self.members = (t, z, a) if h is None else (t, z, a, h)
        self.sole = False  # whether W and b get their gradients from this layer alone

    def step(self, slot):
        """The FusedLayer over the replay's slots (``slot``: node → slot number)."""
        return FusedLayer(self, slot)


class FusedLayer:
    """One layer's forward (``forward(vals)`` returns the top's value) and backward
    (``backward(vals, grads)``, grads: slot → the gradient gathered so far) over replay slots."""

    __slots__ = ("x", "w", "t", "z", "b", "a", "h", "top", "axes", "x_grad", "b_shape", "act_fn",
                 "act_rule", "act_shape", "t_fn", "t_rule", "vjp_x", "vjp_w", "sole")

    def __init__(self, match, slot):
        m = match
        self.x, self.w, self.t, self.z = slot[m.x], slot[m.w], slot[m.t], slot[m.z]
        self.b, self.a, self.top = slot[m.b], slot[m.a], slot[m.top]
        self.h = None if m.h is None else slot[m.h]
        self.axes = m.t._params["axes"]
        self.x_grad = m.x.requires_grad
        self.b_shape = None if m.b.data.shape == m.a.data.shape else m.b.data.shape
        self.t_fn, self.t_rule = transpose.forward, transpose.vjps[0]
        self.vjp_x, self.vjp_w = matmul.vjps
        self.act_fn = None if m.h is None else m.h._prim.forward
        self.act_rule = None if m.h is None else m.h._prim.vjps[0]
        self.act_shape = m.a.data.shape
        self.sole = m.sole

    def forward(self, vals):
        w = vals[self.w]  # (transpose with axes=None is w.transpose(None), that is w.T)
        wt = vals[self.t] = w.T if self.axes is None else self.t_fn(w, axes=self.axes)
        z = vals[self.z] = matmul.forward(vals[self.x], wt)
        a = vals[self.a] = add.forward(z, vals[self.b])
        if self.act_fn is None:
            return a
        return self.act_fn(a)

    def backward(self, vals, grads, into=None):
        """``into`` (slot → array or None): where W's and b's gradients go, when this layer
        alone sends them (``Replay.run``'s ``grads_into``)."""
        top = self.top
        g = grads[top]
        if g is None:
            return
        grads[top] = None
        ns = numpy_ns
        if self.act_rule is not None:
            g = self.act_rule(ns, g, vals[top], vals[self.a], saved=None)
            if g.shape != self.act_shape:
                g = ns.sum_to(g, self.act_shape)
        w_place, b_place = (into[self.w], into[self.b]) if into and self.sole else (None, None)
        # add: both of its rules pass g on; the product's shape is the sum's (find_layers checks)
        _gather(grads, self.b, g if self.b_shape is None else sum_to_array(g, self.b_shape, out=b_place))
        x, wt, z = vals[self.x], vals[self.t], vals[self.z]
        if self.x_grad:
            _gather(grads, self.x, self.vjp_x(ns, g, z, x, wt, saved=None))
        if w_place is not None and self.axes is None and _transposed(wt):
            # matmul's rule for y = Wᵀ of a row-major W, (Gᵀ·X)ᵀ, transposed back: Gᵀ·X in place
            _gather(grads, self.w, np.matmul(g.T, x, out=w_place))
            return
        d = self.vjp_w(ns, g, z, x, wt, saved=None)
        # (transpose's rule with axes=None is d.transpose(None), that is d.T: the same view)
        _gather(grads, self.w, d.T if self.axes is None else self.t_rule(ns, d, wt, vals[self.w], saved=None,
                                                                          axes=self.axes))


def _gather(grads, k, d):
    previous = grads[k]
    grads[k] = d if previous is None else previous + d


def find_layers(order, backward_order):
    """{top node: LayerMatch} for the layers of a graph that can run fused. ``order``: its nodes in
    topological order (constants included); ``backward_order``: the nodes as backward visits them."""
    consumers = {}
    for node in order:
        for p in node._parents or ():
            if isinstance(p, Tensor):
                consumers.setdefault(p, []).append(node)
    position = {node: i for i, node in enumerate(backward_order)}
    writes = {}  # node → positions of the backward steps that send it a gradient
    for node in backward_order:
        for p in node._parents or ():
            if isinstance(p, Tensor) and p.requires_grad:
                writes.setdefault(p, []).append(position[node])
    found = {}
    for node in order:
        match = _layer_at(node, consumers)
        if match is None or not position.get(match.top):  # the root (position 0) starts backward
            continue
        moved = [(match.b, match.a), (match.w, match.t)] + ([(match.x, match.z)] if match.x.requires_grad
                                                             else [])
        start = position[match.top]
        if all(not start < p < position[sender] for leaf, sender in moved for p in writes[leaf]):
            match.sole = writes[match.w] == [position[match.t]] and writes[match.b] == [position[match.a]]
            found[match.top] = match
    return found


def _layer_at(a, consumers):
    """The LayerMatch whose sum is ``a``, or None where the nodes do not form one."""
    if a._prim is not add or len(a._parents) != 2:
        return None
    z, b = a._parents
    if not _is_param(b) or not _only_feeds(z, a, consumers) or z._prim is not matmul:
        return None
    x, t = z._parents
    if not isinstance(x, Tensor) or not _only_feeds(t, z, consumers) or t._prim is not transpose:
        return None
    w = t._parents[0]
    if not _is_param(w) or x.data.ndim != 2 or w.data.ndim != 2 or z.data.shape != a.data.shape:
        return None
    after = consumers.get(a, [])
    h = after[0] if len(after) == 1 and _is_activation(after[0]) else None
    return LayerMatch(x, w, t, z, b, a, h)


def _only_feeds(node, consumer, consumers):
    """True when ``node`` is an op whose one consumer is ``consumer``."""
    after = consumers.get(node, ())
    return isinstance(node, Tensor) and node._prim is not None and len(after) == 1 and after[0] is consumer


def _is_param(node):
    return isinstance(node, Tensor) and node._prim is None and node.requires_grad


def _is_activation(node):
    """A unary op without parameters or saved values: its forward and rule take only x."""
    return len(node._parents) == 1 and not node._params and not node._prim.saves
