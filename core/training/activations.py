"""Fused activations (sigmoid, tanh) as one node or as their elementary ops, layer by layer.

No Qt. The model's ``FusedActivation`` modules build their output from elementary ops when
``expanded`` (from the next forward); ``activation_nodes(graph)`` says which graph nodes belong
to which activation (the k-th in forward order), and ``toggle_activation`` switches the one a
node stands for, fused or expanded.
"""
from ..nn.layers import FusedActivation

EXPANDABLE = ("sigmoid", "tanh")


def fused_activations(model):
    """The model's activations that can expand, in forward order (none for a model without layers)."""
    return [m for m in getattr(model, "layers", ()) if isinstance(m, FusedActivation)]


def activation_nodes(graph):
    """{node id: k}: the k-th activation (from 0, forward order) each activation node is part of —
    a fused sigmoid/tanh node, or an elementary op named after its activation."""
    by_id = {n.id: n for n in graph}
    part, k = {}, -1
    for n in graph:
        if n.op in EXPANDABLE:
            k += 1
            part[n.id] = k
        elif n.name in EXPANDABLE and n.stage == "model":
            previous = [part[i] for i in n.inputs
                        if i in part and by_id[i].op not in EXPANDABLE and by_id[i].name == n.name]
            if not previous:
                k += 1
            part[n.id] = previous[0] if previous else k
    return part


def toggle_activation(model, graph, node_id):
    """Expand the fused activation drawn as ``node_id`` or fold the one it is an op of (from the
    next forward); returns the module, or None when ``node_id`` is no activation's."""
    k = activation_nodes(graph).get(node_id)
    modules = fused_activations(model)
    if k is None or k >= len(modules):
        return None
    modules[k].expanded = not modules[k].expanded
    return modules[k]


def set_activations_expanded(model, expanded):
    """Every fused activation of ``model`` expanded (True) or fused (False), from the next forward."""
    for module in fused_activations(model):
        module.expanded = bool(expanded)
