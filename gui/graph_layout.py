"""Where each node of the computational graph goes: layers left to right, order within a layer.

Plain Python (no Qt), so it is cheap to test. Layers come from longest paths: every node sits as
far right as its consumers allow (inputs and parameters end up just left of the op that uses
them, the loss on the far right). A leaf feeding a one-input op first (W into Wᵀ) stacks right
above that op in the same layer, which saves a column. An edge spanning several layers gets a
waypoint in each layer it crosses, so it runs between the boxes instead of through them. Order
within a layer comes from barycentre sweeps, which keep most edges from crossing.
"""
from dataclasses import astuple, dataclass

SWEEPS = 6


@dataclass(frozen=True)
class Spacing:
    """Box size and gaps in scene units; the gap between columns holds an edge label."""
    node_width: float = 150.0
    node_height: float = 104.0
    gap_x: float = 64.0
    gap_y: float = 12.0
    waypoint_height: float = 12.0

    def scaled(self, factor):
        """The spacing for text ``factor`` times the normal size."""
        return Spacing(*(v * factor for v in astuple(self)))


def edges_of(nodes):
    """(source id, consumer id, input index) of every edge between nodes."""
    return [(src, n.id, k) for n in nodes for k, src in enumerate(n.inputs) if src is not None]


def layer_of(nodes):
    """{id: layer} for GraphNode-like objects (``id``, ``inputs``) in topological order."""
    consumers = {n.id: [] for n in nodes}
    for src, dst, _ in edges_of(nodes):
        consumers[src].append(dst)
    layer = {}
    for n in nodes:
        sources = [i for i in n.inputs if i is not None]
        layer[n.id] = 1 + max(layer[i] for i in sources) if sources else 0
    for n in reversed(nodes):
        if consumers[n.id]:
            layer[n.id] = min(layer[c] for c in consumers[n.id]) - 1
    for leaf, consumer in stacked(nodes).items():
        if layer[consumer] == min(layer[c] for c in consumers[leaf]):
            layer[leaf] = layer[consumer]
    low = min(layer.values(), default=0)
    return {i: v - low for i, v in layer.items()}


def stacked(nodes):
    """{leaf id: consumer id} for leaves feeding a one-input op (W into Wᵀ): the first such
    consumer in graph order, where the leaf is stacked."""
    inputs = {n.id: [i for i in n.inputs if i is not None] for n in nodes}
    pairs = {}
    for src, dst, _ in edges_of(nodes):
        if not inputs[src] and len(inputs[dst]) == 1:
            pairs.setdefault(src, dst)
    return pairs


def order_layers(nodes, layer):
    """Per layer, the ordered slots: node ids and waypoints ``("via", edge)`` of long edges."""
    n_layers = 1 + max(layer.values(), default=-1)
    layers = [[] for _ in range(n_layers)]
    for n in nodes:
        layers[layer[n.id]].append(n.id)
    preds, succs = {}, {}

    def link(a, b):
        succs.setdefault(a, []).append(b)
        preds.setdefault(b, []).append(a)

    for edge in edges_of(nodes):
        src, dst, _ = edge
        previous = src
        for col in range(layer[src] + 1, layer[dst]):
            via = ("via", edge)
            layers[col].append(via)
            link(previous, via)
            previous = via
        link(previous, dst)
    for sweep in range(SWEEPS):
        neighbours = preds if sweep % 2 == 0 else succs
        for slots in (layers if sweep % 2 == 0 else layers[::-1]):
            pos = _positions(layers)
            slots.sort(key=lambda s, pos=pos: _barycentre(s, neighbours.get(s, ()), pos))
    for leaf, consumer in stacked(nodes).items():
        if layer[leaf] != layer[consumer]:
            continue
        slots = layers[layer[consumer]]
        slots.remove(leaf)
        slots.insert(slots.index(consumer), leaf)
    return layers


def _positions(layers):
    """Vertical position of each slot, centred per layer so short and long layers line up."""
    return {s: k - (len(slots) - 1) / 2 for slots in layers for k, s in enumerate(slots)}


def _barycentre(slot, neighbours, pos):
    if not neighbours:
        return pos[slot]
    return sum(pos[s] for s in neighbours) / len(neighbours)


def layout(nodes, spacing=Spacing()):
    """Scene coordinates: ``{id: (x, y)}`` of each box's top-left corner, and
    ``{(consumer id, input index): [(x, y), ...]}`` of the waypoints each edge passes through."""
    s = spacing
    positions, routes = {}, {}
    for col, slots in enumerate(order_layers(nodes, layer_of(nodes))):
        heights = [s.waypoint_height if isinstance(slot, tuple) else s.node_height for slot in slots]
        y = -(sum(heights) + s.gap_y * (len(slots) - 1)) / 2
        x = col * (s.node_width + s.gap_x)
        for slot, h in zip(slots, heights):
            if isinstance(slot, tuple):
                _, (_, dst, k) = slot
                routes.setdefault((dst, k), []).append((x + s.node_width / 2, y + h / 2))
            else:
                positions[slot] = (x, y)
            y += h + s.gap_y
    return positions, routes
