"""Divergence: an update that leaves the parameters finite or undoes itself, and where a run
first produced NaN/Inf, in the words the app shows."""
import math

import numpy as np

from .phases import DivergedError


def quiet_numpy():
    """Overflow is reported as divergence, naming the node; numpy's warnings would only repeat it."""
    return np.errstate(over="ignore", invalid="ignore", divide="ignore")


def check_alive(diverged):
    """Raise DivergedError with the message of ``diverged`` (a trainer's ``diverged``), if any."""
    if diverged is not None:
        raise DivergedError(diverged["message"])


def guarded_step(optimizer, named_parameters, record_updates, keep_backup=True, flat=None):
    """Run ``optimizer.step()``; if a parameter became NaN/Inf, return the first such parameter's
    name (else None) and, with ``keep_backup``, put every parameter back as it was.

    Without ``keep_backup`` the caller restores the parameters itself (from a checkpoint), and
    the update copies nothing. The check is one dot product (a NaN/Inf entry makes it
    non-finite): over ``flat`` (a ``core.optim.flat.FlatParameters``) while the parameters are
    still its views, else one per parameter; only when it is not finite (huge finite entries may overflow
    it) are the entries looked at.
    """
    arrays = [p.data for _, p in named_parameters]
    backup = [a.copy() for a in arrays] if keep_backup else None  # (cheaper than reusing buffers)
    optimizer.record_updates = record_updates
    try:
        optimizer.step()
    finally:
        optimizer.record_updates = False
    vdot = np.vdot
    if flat is not None and flat.holds(arrays):
        total = vdot(flat.params, flat.params)
    else:
        total = sum([vdot(a, a) for a in arrays])
    if math.isfinite(total):
        return None
    broken = next((name for name, p in named_parameters if not np.isfinite(p.data).all()), None)
    if broken is not None and backup is not None:
        for a, old in zip(arrays, backup):
            a[...] = old
    return broken


def update_report(record, name, iteration):
    """The ``trainer.diverged`` dict for an update that made parameter ``name`` NaN/Inf."""
    node = record.node_named(name)
    return {"iteration": iteration, "phase": "update", "node": name,
            "node_id": node.id if node else None, "op": "update",
            "message": f"the update made parameter {name} NaN/Inf."}


def graph_report(record, upstream, where, iteration):
    """The ``trainer.diverged`` dict naming the first node (in graph order) whose value, or after
    the backward pass whose gradient ``upstream(node_id)``, is not finite."""
    culprit = next((node for node in record.nodes if not np.all(np.isfinite(node.value))), None)
    what = "value"
    if culprit is None and where == "backward":
        culprit = next((record.nodes[i] for i in record.done if upstream(i) is not None
                        and not np.all(np.isfinite(upstream(i)))), None)
        what = "gradient"
    name, op = (culprit.name, culprit.op) if culprit else ("?", "?")
    return {"iteration": iteration, "phase": where, "node": name, "op": op,
            "node_id": culprit.id if culprit else None,
            "message": f"the {where} pass produced NaN/Inf: first non-finite "
            f"{what if culprit else 'value'} at node '{name}' (op {op})."}
