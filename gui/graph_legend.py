"""The graph view's legend (a strip under the graph): the trainer's, and the expression lab's.

Each is a function ``(theme, symbol) → HTML``; ``symbol`` is what the boxes write before their
gradient ("∂L", the lab's "∂f", "ẋ" for a forward-mode tangent, "∂s" for an HVP).
"""
from .array_view import NEGATIVE, POSITIVE


def _edges(symbol):
    return (f"<span style='color:{POSITIVE}'>━━</span> {symbol} mostly &gt; 0 &nbsp; "
            f"<span style='color:{NEGATIVE}'>━━</span> {symbol} mostly &lt; 0 &nbsp; "
            f"width ∝ log ‖{symbol}‖")


def _swatch(colour, text):
    return f"<span style='color:{colour}'>■</span> {text}"


def trainer_legend(theme, symbol="∂L"):
    """The model graph: gradient colours, the stages' colours, and how to open a layer."""
    stages = " ".join(_swatch(getattr(theme, stage), stage) for stage in ("parameter", "input", "loss"))
    return f"{_edges('∂')} &nbsp;│&nbsp; {stages} &nbsp;│&nbsp; double-click a layer to open it"


def lab_legend(theme, symbol="∂f"):
    """A formula's graph: what the edges and boxes carry in the walk's mode, and the node kinds."""
    if symbol == "ẋ":
        carried = "boxes: value (=) and tangent ẋ, carried forward along the edges"
    else:
        carried = f"{_edges(symbol)} &nbsp; boxes: value (=) and ‖{symbol}‖"
    kinds = f"{_swatch(theme.input, 'variable or constant')} {_swatch(theme.model, 'operation')}"
    return f"{carried} &nbsp;│&nbsp; {kinds} &nbsp;│&nbsp; glow: the node just stepped"
