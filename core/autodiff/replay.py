"""A recorded graph replayed on new input arrays: the same primitives' forward functions and VJP
rules in the same order, without making Tensors or sorting the graph again.

For a training loop whose graph has the same structure every iteration (the trainer's fast
path): ``Replay.record(root, inputs, outputs)`` reads a graph built the ordinary way, before its
backward pass; ``replay.run(*arrays)`` then computes the outputs' values for new inputs and
accumulates the gradients into the parameters' ``.grad`` exactly as ``root.backward()`` would:
the same array operations in the same order, so the numbers are bit-identical. A linear layer
(x·Wᵀ + b, and the activation after it) runs as one step (``replay_fusion``). The caller decides
when the structure changed (other shapes, settings, code paths) and records again.
"""
import numpy as np

from .backward import _accumulate_leaf, _owner, toposort
from .namespaces import numpy_ns
from .replay_fusion import find_layers
from .state import state
from .tensor import Tensor


class ReplayError(ValueError):
    """The graph holds something a replay could not reproduce (it names what)."""


class Replay:
    """One graph's forward and backward as flat programs over numbered slots of arrays."""

    def __init__(self, template, feeds, params, forward, backward, outputs, seed):
        self._template = template   # slot → constant value (None for slots filled per run)
        self._feeds = feeds         # per input, in the order run() takes them: the slots it fills
        self._params = params       # (slot, Tensor) of the parameters: their .data is read per run
        # per op or FusedLayer: (kind, forward fn, input slots, params, fed params (name, input), out
        # slot, index)
        self._forward = forward
        # per node from the root: a parameter's slot, a FusedLayer, or an op's (out slot, (rule, input
        # slot, input shape) per input that takes a gradient, input slots, index, params or None if fed)
        self._backward = backward
        self._outputs = outputs     # slots whose values run() returns
        self._seed = seed           # (dtype, shape) of the root
        self._root = backward[0][0]  # the root's slot: its entry comes first
        self._leaf_of = dict(params)
        self._into = None, None     # the last grads_into, and its slot → array

    @classmethod
    def record(cls, root, inputs, outputs=()):
        """Read the graph of ``root`` (before its backward pass freed it).

        ``inputs`` are the arrays that change from run to run (identified by identity, as a
        constant Tensor's ``.data`` or a raw argument); ``outputs`` the Tensors whose values
        ``run`` returns. Raises ReplayError when another array enters the graph as a constant.
        """
        if root._prim is None:
            raise ReplayError("the root is a leaf: there is no graph to replay")
        order = toposort(root, include_constants=True)
        backward_order = list(reversed(toposort(root)))
        layers = find_layers(order, backward_order)  # top node → a layer that runs as one step
        inside = {m for match in layers.values() for m in match.members if m is not match.top}
        fused = {}  # top node → its FusedLayer
        slot = {}
        template, params = [], []
        feeds = [() for _ in inputs]  # (an input wrapped in two constant Tensors fills two slots)
        feed_of = {id(a): k for k, a in enumerate(inputs)}

        def constant(value, where):
            k = feed_of.get(id(value))
            if k is None and isinstance(value, np.ndarray) and value.size > 1:
                raise ReplayError(f"{where}: an array of shape {value.shape} that is not an input")
            template.append(None if k is not None else value)
            if k is not None:
                feeds[k] += (len(template) - 1,)
            return len(template) - 1

        forward = []
        for node in order:
            if node._prim is None:
                if node.requires_grad:
                    template.append(None)
                    params.append((len(template) - 1, node))
                    slot[node] = len(template) - 1
                else:
                    slot[node] = constant(node.data, f"leaf {node.name or ''}".strip())
                continue
            prim = node._prim
            fed = tuple((name, feed_of[id(value)]) for name, value in node._params.items()
                        if id(value) in feed_of)
            for name, value in node._params.items():
                if id(value) not in feed_of and (
                        isinstance(value, np.ndarray) and value.size > 1 or _holds_array(value)):
                    raise ReplayError(f"op '{prim.name}': parameter {name!r} holds an array that is "
                                      "not an input")
            in_slots = tuple(slot[p] if isinstance(p, Tensor) else constant(p, f"op '{prim.name}'")
                             for p in node._parents)
            template.append(None)
            slot[node] = len(template) - 1
            if node in layers:
                fused[node] = layers[node].step(slot)
                forward.append((FUSED, fused[node].forward, (), {}, (), slot[node], len(forward)))
            elif node not in inside:
                forward.append(_lean(prim.forward, prim.saves, in_slots, node._params, fed, slot[node],
                                     len(forward)))
        fed_inputs = {k for entry in forward for _, k in entry[4]}
        if any(not slots and i not in fed_inputs for i, slots in enumerate(feeds)):
            raise ReplayError("an input does not enter the graph")
        index_of = {entry[5]: entry[6] for entry in forward}
        backward = []
        for node in backward_order:
            if node._prim is None:
                backward.append(slot[node])
                continue
            if node in fused or node in inside:  # a layer runs as one step, where its top was
                backward.extend([fused[node]] if node in fused else [])
                continue
            index = index_of[slot[node]]
            _, _, ins, node_params, fed, _, _ = forward[index]
            # the rules are looked up once here (a variadic rule's partial is made once, too)
            targets = tuple((node._prim.vjps[i], slot[p], p.data.shape) for i, p in enumerate(node._parents)
                            if isinstance(p, Tensor) and p.requires_grad)
            backward.append((slot[node], targets, ins, index, None if fed else node_params))
        return cls(template, tuple(feeds), tuple(params), tuple(forward),
                   tuple(backward), tuple(slot[t] for t in outputs), (root.data.dtype, root.data.shape))

    @staticmethod
    def applies():
        """True when the engine's switches allow replaying (no anomaly checks, no forward mode,
        gradients enabled): otherwise run the graph the ordinary way."""
        return state.grad_enabled and not state.anomaly and not state.forward_mode

    @property
    def parameters(self):
        """The parameter Tensors whose ``.grad`` a run fills, in the order ``run``'s
        ``grads_into`` lists its arrays."""
        return [p for _, p in self._params]

    def run(self, *arrays, grads_into=None):
        """Forward on ``arrays`` (the recorded inputs, in order), then backward into the
        parameters' ``.grad``; returns the values of the recorded outputs.

        ``grads_into`` (optional): per parameter (see ``parameters``), an array of its shape and
        dtype, or None: a parameter whose ``.grad`` is None gets its gradient written there and
        that array as ``.grad``, so that the gradients of successive runs fill the same memory
        (a trainer keeps them in one buffer to update every parameter in one go)."""
        vals = self._template.copy()
        for slots, array in zip(self._feeds, arrays):
            for k in slots:
                vals[k] = array
        for k, p in self._params:
            vals[k] = p.data
        saved = [None] * len(self._forward)
        run_params = {}  # op index → its parameters with this run's inputs, for ops fed an input
        ndarray, asarray = np.ndarray, np.asarray
        for kind, fn, in_slots, params, fed, out, index in self._forward:
            if kind == FUSED:
                value = fn(vals)
            elif kind == BINARY:
                value = fn(vals[in_slots[0]], vals[in_slots[1]])
            elif kind == UNARY:
                value = fn(vals[in_slots[0]])
            else:
                if fed:
                    params = run_params[index] = dict(params)
                    for name, k in fed:
                        params[name] = arrays[k]
                if kind == SAVES:
                    value, saved[index] = fn(*[vals[j] for j in in_slots], **params)
                else:
                    value = fn(*[vals[j] for j in in_slots], **params)
            vals[out] = value if type(value) is ndarray else asarray(value)
        outputs = [vals[k] for k in self._outputs]
        into = None
        if grads_into is not None:
            if self._into[0] is not grads_into:  # (a training loop passes the same tuple each run)
                self._into = grads_into, dict(zip([k for k, _ in self._params], grads_into))
            into = self._into[1]
        self._backpropagate(vals, saved, run_params, into)
        return outputs

    def _backpropagate(self, vals, saved, run_params, into):
        dtype, shape = self._seed
        seed = np.array(1, dtype=dtype).reshape(shape)
        grads = [None] * len(vals)  # slot → the gradient gathered so far
        grads[self._root] = seed
        taken = {id(_owner(seed))}
        leaf_of = self._leaf_of
        ns = numpy_ns
        for entry in self._backward:
            if type(entry) is int:  # a parameter's slot: its gradient is complete
                g = grads[entry]
                if g is None:
                    continue
                leaf, target = leaf_of[entry], into and into[entry]
                if target is not None and leaf.grad is None and g.shape == target.shape:
                    if g is not target:  # (a fused layer may have written it there)
                        np.copyto(target, g)  # (cast to the parameter's dtype, as _accumulate_leaf)
                    leaf.grad = target
                else:
                    _accumulate_leaf(leaf, g, False, taken)
                continue
            if type(entry) is not tuple:  # a FusedLayer
                entry.backward(vals, grads, into)
                continue
            out, targets, ins, index, params = entry
            g = grads[out]
            if g is None:
                continue
            grads[out] = None
            ans, node_saved = vals[out], saved[index]
            if params is None:
                params = run_params[index]
            for rule, k, in_shape in targets:
                if params:
                    d = rule(ns, g, ans, *[vals[j] for j in ins], saved=node_saved, **params)
                elif len(ins) == 2:  # the usual binary op: no list, no keywords to unpack
                    d = rule(ns, g, ans, vals[ins[0]], vals[ins[1]], saved=node_saved)
                else:
                    d = rule(ns, g, ans, *[vals[j] for j in ins], saved=node_saved)
                if d.shape != in_shape:
                    d = ns.sum_to(d, in_shape)
                previous = grads[k]
                grads[k] = d if previous is None else previous + d


BINARY, UNARY, SAVES, GENERAL, FUSED = range(5)  # how run() calls an op's forward function


def _lean(fn, saves, in_slots, params, fed, out, index):
    """A recorded op as run() reads it: (kind, fn, input slots, params, fed, out slot, index)."""
    plain = not saves and not params and not fed
    kind = SAVES if saves else BINARY if plain and len(in_slots) == 2 else UNARY if plain and len(
        in_slots) == 1 else GENERAL
    return kind, fn, in_slots, params, fed, out, index


def _holds_array(value):
    return isinstance(value, (tuple, list)) and any(isinstance(v, (np.ndarray, list)) for v in value)
