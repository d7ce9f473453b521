"""The one-line hint above the graph: what the next click does, or what the last one did, in
the graph's own words (a collapsed layer is "linear W1·x + b1", its weight "W1")."""
from core.training import Phase
from core.training.graph_groups import collapse, lecture_names

from .graph_items import display_label

HINTS = {
    Phase.FORWARD: "Next: <b>Forward (F)</b> — run the batch through the model so every node gets "
                   "its value. <b>Space</b>: a whole iteration, <b>P</b>: train.",
    Phase.LOSS: "Next: <b>Loss (L)</b> — compare the scores with the labels; the loss node gets "
                "its value.",
    Phase.BACKWARD: "Next: <b>Backward (B)</b> or node by node with <b>N</b> — gradients flow "
                    "right to left: downstream = local × upstream.",
    Phase.UPDATE: "Next: <b>Update (U)</b> — every parameter steps against its gradient "
                  "(click one: before, step, after).",
}
PLAYING = ("Playing — press <b>P</b> to pause, then step by hand; the graph shows the latest "
           "iteration.")
DIVERGED = "Training stopped: press <b>Reset (R)</b>, or lower the learning rate in Setup."


def hint_for(snapshot, playing, groups=()):
    """The hint for ``snapshot`` (its ``active_node`` is set right after a Next-node step);
    ``groups``: the linear layers the graph draws as one node."""
    if playing:
        return PLAYING
    if snapshot.diverged is not None:
        return DIVERGED
    if snapshot.active_node is not None:
        return node_step_hint(snapshot, groups)
    return HINTS[snapshot.phase]


def node_step_hint(snapshot, groups=()):
    """What the last Next-node step did, in a sentence, naming the nodes as the graph shows them
    (``groups``: the collapsed layers)."""
    graph = collapse(snapshot.graph, groups)
    by_id = {n.id: n for n in graph}
    shown_as = {i: g.output for g in groups for i in g.members}
    names = lecture_names(groups)

    def label(n):
        if n.op == "linear":
            return f"linear {n.name}"
        return names.get(n.id, display_label(n))

    node = by_id[shown_as.get(snapshot.active_node, snapshot.active_node)]
    senders = sorted({label(n) for n in graph if node.id in n.inputs})
    receivers = [label(by_id[i]) for i, d in zip(node.inputs, node.downstream or ())
                 if i is not None and d is not None]
    got = (f"received ∂L/∂out from {', '.join(senders)} (yellow edges)" if senders
           else "starts backward with ∂L/∂L = 1")
    sent = (f" and sent downstream = local × upstream to {', '.join(receivers)} (green edges)"
            if receivers else "")
    return (f"<b>{label(node)}</b> {got}{sent}. <b>N</b>: next node, <b>B</b>: the rest; "
            "the inspector shows the numbers.")
