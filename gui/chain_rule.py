"""A few entries that show, for one node and one input, downstream = local · upstream.

Plain numpy (no Qt). The inspector prints the rows; tests compare them with the snapshot.
For an op whose Jacobian is elementwise (fused or not: tanh, relu and sigmoid alike) each entry
is its own product, so the local derivative of an entry is downstream / upstream there; a
broadcast input adds up the upstream gradient over its copies; a matrix product's entry is a dot
product of a row of the upstream gradient with the other input.
"""
from dataclasses import dataclass

import numpy as np

ENTRIES = 4


@dataclass(frozen=True)
class ChainCheck:
    """``text`` says how the numbers relate; each row is (entry, factors..., downstream)."""
    text: str
    headers: tuple
    rows: tuple


def chain_check(node, k, values, entries=ENTRIES):
    """The check for input ``k`` of GraphNode ``node``; ``values`` maps node id → value.

    None when there is nothing to show (the input needs no gradient, or backward hasn't
    reached the node).
    """
    if node.upstream is None or node.downstream is None or node.downstream[k] is None:
        return None
    up = np.asarray(node.upstream, dtype=np.float64)
    down = np.asarray(node.downstream[k], dtype=np.float64)
    x = values.get(node.inputs[k]) if node.inputs[k] is not None else None
    if node.op == "matmul" and up.ndim == 2:
        other = values.get(node.inputs[1 - k])
        if other is not None:
            return _matmul(k, up, down, np.asarray(other, dtype=np.float64), entries)
    if up.size == 1:
        return _scalar_upstream(up.reshape(()), down, entries)
    if node.structure == "elementwise" and down.shape == up.shape:
        return _elementwise(up, down, x, entries)
    if node.structure == "elementwise" and down.size < up.size:
        return _broadcast(up, down, entries)
    return None


def update_check(update, gradient, entries=ENTRIES):
    """A few entries of a parameter's update: before + step = after, next to its gradient."""
    before, step, after = (np.asarray(update[k], dtype=np.float64) for k in ("before", "step", "after"))
    rows = tuple((_index(i), float(before[i]),
                  None if gradient is None else float(np.asarray(gradient)[i]),
                  float(step[i]), float(after[i])) for i in _first(before.shape, entries))
    return ChainCheck("after = before + step; plain SGD steps by −lr × gradient, momentum and "
                      "Adam reshape that step.",
                      ("entry", "before", "gradient", "+ step", "= after"), rows)


def _scalar_upstream(up, down, entries):
    rows = tuple((_index(i), float(up), _ratio(down[i], up), float(down[i]))
                 for i in _first(down.shape, entries))
    return ChainCheck("The upstream gradient is one number, so each entry is local × upstream.",
                      ("entry", "upstream", "× local", "= downstream"), rows)


def _elementwise(up, down, x, entries):
    nonzero = [np.unravel_index(k, up.shape) for k in np.flatnonzero(up)[:200]]
    picked = nonzero[:entries]
    locals_ = {i: _ratio(down[i], up[i]) for i in nonzero}
    if picked and len({locals_[i] for i in picked}) == 1:
        other = next((i for i in nonzero if locals_[i] != locals_[picked[0]]), None)
        if other is not None:
            picked[-1] = other
    rows = tuple((_index(i), None if x is None else float(np.broadcast_to(x, up.shape)[i]),
                  float(up[i]), locals_[i], float(down[i])) for i in picked)
    return ChainCheck("Elementwise: every entry on its own, downstream = upstream × local.",
                      ("entry", "input", "upstream", "× local", "= downstream"), rows)


def _broadcast(up, down, entries):
    lead = up.ndim - down.ndim
    axes = tuple(range(lead)) + tuple(lead + a for a, n in enumerate(down.shape) if n == 1)
    summed = up.sum(axis=axes).reshape(down.shape)
    rows = tuple((_index(i), float(summed[i]), _ratio(down[i], summed[i]), float(down[i]))
                 for i in _first(down.shape, entries))
    return ChainCheck("This input was broadcast (copied) across the batch, so its gradient adds "
                      "up the upstream gradient over the copies.",
                      ("entry", "Σ upstream", "× local", "= downstream"), rows)


def _matmul(k, up, down, other, entries):
    rows = []
    for i in _first(down.shape, entries):
        r, c = i
        if k == 0:
            value = float(up[r] @ other[c])          # (∂L/∂Y · Bᵀ)[r, c]
        else:
            value = float(other[:, r] @ up[:, c])    # (Aᵀ · ∂L/∂Y)[r, c]
        rows.append((_index(i), value, float(down[i])))
    text = ("For Y = A·B: ∂L/∂A[i,j] = Σₘ ∂L/∂Y[i,m]·B[j,m] — row i of the upstream gradient "
            "dotted with row j of B." if k == 0 else
            "For Y = A·B: ∂L/∂B[i,j] = Σₘ A[m,i]·∂L/∂Y[m,j] — column i of A dotted with column j "
            "of the upstream gradient.")
    return ChainCheck(text, ("entry", "dot product", "= downstream"), tuple(rows))


def _first(shape, n):
    return [i for _, i in zip(range(n), np.ndindex(shape))]


def _ratio(d, u):
    return None if u == 0 else float(d / u)


def _index(i):
    return "[" + ",".join(str(j) for j in i) + "]" if i else "[]"
