"""The backward pass: an iterative walk over the graph in reverse topological order.

``backward_steps`` is a generator that yields a ``BackwardStep`` for each node right after it
has sent its downstream gradients, so the app can step backward one node at a time;
``Tensor.backward`` (attached here) and ``gradients`` run the same walk in one go. No
recursion: a chain of any length works.
"""
from collections import deque
from typing import NamedTuple

import numpy as np

from .namespaces import numpy_ns, tensor_ns
from .primitive import AnomalyError, check_finite
from .state import state
from .tensor import Tensor


class BackwardStep(NamedTuple):
    """What backward did at one node: a record, not a view into the graph."""
    node: Tensor          # the Tensor just processed (an op node or a leaf)
    upstream: object      # ∂root/∂node (times grad): an array, or a Tensor with create_graph
    downstream: tuple     # per input of node, the gradient sent to it (None where none goes); () for a leaf


def toposort(root, include_constants=False):
    """Tensors reachable from ``root``, each after all of its inputs.

    By default only tensors that require grad (the ones backward visits); with
    ``include_constants`` also inputs such as the data batch.
    """
    # Tensors are set and dict keys by identity (see Tensor.__hash__): cheaper than id() keys.
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if node in seen:
            continue
        seen.add(node)
        stack.append((node, True))
        if node._prim is not None and node._parents is None:
            raise RuntimeError(
                f"backward through a freed graph (node '{node.op}'): its saved values were released "
                "by an earlier backward(). Call the first backward with retain_graph=True to "
                "backpropagate through the same graph twice.")
        for parent in node._parents or ():
            if isinstance(parent, Tensor) and parent not in seen and (
                    include_constants or parent.requires_grad):
                stack.append((parent, False))
    return order


def _seed(root, grad, create_graph):
    if grad is None:
        if root.size != 1:
            raise RuntimeError(
                f"backward() on a non-scalar Tensor of shape {root.shape} needs grad=, the upstream "
                "gradient ∂L/∂out of the same shape (or reduce it first, e.g. out.sum().backward()).")
        grad = np.array(1, dtype=root.dtype).reshape(root.shape)  # a fresh 1 (np.ones_like is slower)
    else:
        grad = np.asarray(grad.data if isinstance(grad, Tensor) else grad, dtype=root.dtype)
        if grad.shape != root.shape:
            raise ValueError(f"backward(): grad has shape {grad.shape} but the tensor has shape "
                             f"{root.shape}; they must match.")
    return Tensor(grad) if create_graph else grad


def backward_steps(root, grad=None, *, create_graph=False, retain_graph=None, record=False,
                   sink=None):
    """Backpropagate from ``root``, yielding a ``BackwardStep`` after each node is processed.

    With ``record`` the steps' arrays are never handed to a leaf as its ``.grad`` (so they stay
    as they are while the steps are kept for display). A leaf's gradient goes to
    ``sink(leaf, g)``; by default it accumulates into ``leaf.grad``.
    """
    for node, g, downstream in _walk(root, grad, create_graph, retain_graph, record, sink, True):
        yield BackwardStep(node, g, downstream)


def _walk(root, grad, create_graph, retain_graph, record, sink, keep):
    """The backward pass, yielding ``(node, upstream, downstream)`` per node; ``downstream`` is
    None unless ``keep`` (collecting it costs a little on the hot path, where nobody reads it)."""
    if not root.requires_grad:
        raise RuntimeError("backward(): this tensor does not require grad and has no graph; "
                           "create the leaves with requires_grad=True.")
    if retain_graph is None:
        retain_graph = create_graph
    ns = tensor_ns if create_graph else numpy_ns
    seed = _seed(root, grad, create_graph)
    grads = {root: seed}
    # ids of the memory owners already handed out as a .grad (see _accumulate_leaf), starting
    # with the seed's, which may be the caller's array. None: always copy (create_graph; or
    # record, where the arrays stay on display as upstream/downstream gradients).
    taken = None if create_graph or record else {id(_owner(seed))}
    for node in reversed(toposort(root)):
        g = grads.pop(node, None)
        if g is None:
            continue
        prim = node._prim
        if prim is None:
            if sink is None:
                _accumulate_leaf(node, g, create_graph, taken)
            else:
                sink(node, g)
            yield node, g, ()
            continue
        parents, saved, params, rules = node._parents, node._saved, node._params, prim.vjps
        if create_graph:
            inputs, ans = parents, node
        else:
            inputs, ans = [p.data if isinstance(p, Tensor) else p for p in parents], node.data
        downstream = [None] * len(parents) if keep else None
        for i, parent in enumerate(parents):
            if not (isinstance(parent, Tensor) and parent.requires_grad):
                continue
            try:
                d = rules[i](ns, g, ans, *inputs, saved=saved, **params)
            except AnomalyError as error:  # with create_graph, an op inside the rule sees it first
                raise AnomalyError(f"detect_anomaly: non-finite gradient in the backward pass of op "
                                   f"'{prim.name}' at node '{node.name or prim.name}' ({error})") from None
            shape = parent.data.shape
            if d.shape != shape:
                d = ns.sum_to(d, shape)
            if state.anomaly:
                check_finite(d.data if create_graph else d, prim, "backward", node.name or prim.name)
            if keep:
                downstream[i] = d
            previous = grads.get(parent)
            grads[parent] = d if previous is None else previous + d
        if not retain_graph:
            node._parents = node._saved = None
        yield node, g, tuple(downstream) if keep else None


def _owner(array):
    """The array that owns ``array``'s memory: itself, or the base of a view."""
    return array if array.base is None else array.base


def _accumulate_leaf(leaf, g, create_graph, taken):
    """Add ``g`` into ``leaf.grad``; the first gradient may become ``.grad`` without a copy.

    Taking the array a VJP rule just made saves a copy of every parameter gradient per step.
    It is safe because backward never writes into an array (rules return new arrays or views of
    their upstream gradient, and accumulation makes new sums), so the array can only be shared
    with another leaf (``add`` sends one array to both inputs), with the caller's seed, or with a
    read-only or partial view: ``taken`` rules out the first two, the checks below the third.
    """
    if create_graph:
        leaf.grad = g if leaf.grad is None else leaf.grad + g
    elif leaf.grad is None:
        owner = _owner(g) if type(g) is np.ndarray else None
        if (taken is not None and type(owner) is np.ndarray and owner.base is None
                and id(owner) not in taken and owner.nbytes == g.nbytes
                and g.dtype == leaf.data.dtype and g.flags.writeable):
            taken.add(id(owner))
            leaf.grad = g
        else:
            leaf.grad = np.array(g, dtype=leaf.data.dtype)  # own a writable copy
    else:
        grad = leaf.grad.data if isinstance(leaf.grad, Tensor) else leaf.grad
        leaf.grad = (grad + g).astype(leaf.data.dtype, copy=False)  # like the first call


def gradients(output, inputs, grad=None, *, create_graph=False, retain_graph=None):
    """∂output/∂input · grad for each leaf in ``inputs``, leaving every ``.grad`` untouched.

    Arrays, or Tensors carrying their own graph when ``create_graph``; zeros where no
    gradient flows.
    """
    found = {}

    def sink(leaf, g):
        key = id(leaf)
        found[key] = g if key not in found else found[key] + g

    if output.requires_grad:
        deque(_walk(output, grad, create_graph, retain_graph, False, sink, False), maxlen=0)
    result = []
    for x in inputs:
        g = found.get(id(x))
        if g is None:
            g = np.zeros_like(x.data)
            g = Tensor(g) if create_graph else g
        result.append(g)
    return tuple(result)


def _tensor_backward(self, grad=None, create_graph=False, retain_graph=None):
    """Accumulate ∂self/∂leaf · grad into every leaf's ``.grad``.

    ``grad`` (the upstream gradient) is needed when self is not a scalar. The graph is
    freed afterwards unless ``retain_graph`` (default: ``create_graph``) is true.
    """
    deque(_walk(self, grad, create_graph, retain_graph, False, None, False), maxlen=0)


_tensor_backward.__name__ = "backward"
Tensor.backward = _tensor_backward
