"""Which of a snapshot's nodes the graph marks: those the next phase computes (drawn pending) and
the one where a diverged run first went NaN/Inf (its culprit, glowing red)."""
from core.training import Phase

PENDING_STAGES = {Phase.FORWARD: ("input", "parameter", "model"), Phase.LOSS: ("loss",),
                  Phase.UPDATE: ("parameter",)}


def pending(snapshot, by_id):
    """The ids (of ``by_id``: id → GraphNode) of the nodes the next phase computes."""
    if snapshot.diverged is not None:
        return frozenset()
    if snapshot.phase is Phase.BACKWARD:
        return frozenset(i for i, n in by_id.items()
                         if n.stage != "input" and n.upstream is None)
    stages = PENDING_STAGES[snapshot.phase]
    return frozenset(i for i, n in by_id.items() if n.stage in stages)


def culprit(snapshot):
    """The node where a diverged run first went NaN/Inf (a parameter, if the update broke it)."""
    diverged = snapshot.diverged
    if diverged is None:
        return None
    if diverged.get("node_id") is not None:
        return diverged["node_id"]
    return next((n.id for n in snapshot.graph if n.name == diverged.get("node")), None)
