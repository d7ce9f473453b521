"""The graph view's colours, by name: ``GraphView.apply_theme(theme)`` takes any object with
some of these attributes (colour strings such as "#FBFBFB" or QColors); the rest keep the default.

The gradient colours (orange for mostly positive, blue for mostly negative, see ``array_view``)
are not themed: they are the colour-blind safe Okabe–Ito pair in every theme.
"""
from dataclasses import dataclass, fields, replace

from PySide6.QtGui import QColor


@dataclass(frozen=True)
class GraphTheme:
    """Named colours of the graph view; the defaults are the light theme."""
    background: str = "#FBFBFB"
    node_fill: str = "#FFFFFF"
    pending_fill: str = "#FFF6D5"     # nodes the next phase computes
    done_fill: str = "#F3F7FB"        # nodes backward has reached
    text: str = "#1E1E1E"
    muted_text: str = "#5A5A5A"       # shape, PyTorch key
    selected: str = "#000000"         # outline of the selected node
    label_fill: str = "#FFFFFF"       # behind edge labels
    legend_fill: str = "#FFFFFF"
    legend_border: str = "#DDDDDD"
    input: str = "#7F7F7F"            # stage colours: outline and title
    parameter: str = "#009E73"
    model: str = "#3C3C3C"
    loss: str = "#CC79A7"
    glow: str = "#96F0C800"           # #AARRGGBB: the active node, the gradient it received
    sent_glow: str = "#6E009E73"      # the gradients it sent to its inputs
    alarm_glow: str = "#AAD55E00"     # where a diverged run first went NaN/Inf

    def colour(self, name):
        """The named colour as a QColor."""
        return QColor(getattr(self, name))

    def stage(self, stage):
        """The outline and title colour of a node in ``stage``."""
        return self.colour(stage if stage in ("input", "parameter", "model", "loss") else "model")


# The window themes' graph colours (``gui.theme`` picks one by the theme's name): on a dark
# background the stage colours are lighter so titles keep their contrast; the projector's are
# pure white on black with saturated stage colours, because a projector washes out tints.
GRAPH_THEMES = {
    "light": GraphTheme(),
    "dark": GraphTheme(background="#1E1E1E", node_fill="#2B2B2B", pending_fill="#3A3418",
                       done_fill="#22303D", text="#E8E8E8", muted_text="#B8B8B8", selected="#FFFFFF",
                       label_fill="#2B2B2B", legend_fill="#262626", legend_border="#555555",
                       input="#B0B0B0", parameter="#35C99A", model="#D8D8D8", loss="#E89AC8"),
    "projector": GraphTheme(background="#000000", node_fill="#101010", pending_fill="#302800",
                            done_fill="#0B2238", text="#FFFFFF", muted_text="#E6E6E6",
                            selected="#FFD21F", label_fill="#000000", legend_fill="#000000",
                            legend_border="#FFFFFF", input="#D0D0D0", parameter="#3DDCA8",
                            model="#FFFFFF", loss="#FF9AD5"),
}


def theme_from(source):
    """A GraphTheme from ``source``: a GraphTheme, or any object or dict with some of its names."""
    if isinstance(source, GraphTheme):
        return source
    names = [f.name for f in fields(GraphTheme)]
    get = source.get if isinstance(source, dict) else lambda n, d: getattr(source, n, d)
    given = {n: get(n, None) for n in names}
    return replace(GraphTheme(), **{n: _text(v) for n, v in given.items() if v is not None})


def _text(colour):
    return colour.name(QColor.HexArgb) if isinstance(colour, QColor) else str(colour)
