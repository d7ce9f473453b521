"""A shim for pyqtgraph 0.14's SVG export under Qt ≥ 6.10, which closes subpaths with "Z".

pyqtgraph's exporter moves every path's coordinates out of its group's transform, reading the
path as "x,y" pairs, and fails on a closepath command (``ValueError: not enough values to
unpack``): File ▸ Export plots… as SVG failed for every plot. pyqtgraph fixed it after 0.14.0
(commit 1b84c2b2, "svg path: support Z closepath command"), in no release yet. Until then each
"Z" is written as the line back to its subpath's start, which draws the same segment.
"""
import importlib

_exporter = importlib.import_module("pyqtgraph.exporters.SVGExporter")   # (the module, not the class)


def closed_by_lines(d):
    """The path data ``d`` (absolute commands, as Qt writes them) with each closepath ("Z", "z")
    replaced by a line to its subpath's start."""
    tokens, start = [], None
    for token in d.split():
        if token[0] == "M":
            start = token[1:]
        if token in ("Z", "z"):
            if start is not None:
                tokens.append(f"L{start}")
            continue
        tokens.append(token)
    return " ".join(tokens)


def _correct_coordinates(node, defs, item, options, _correct=_exporter.correctCoordinates):
    for path in node.getElementsByTagName("path"):
        d = path.getAttribute("d")
        if "Z" in d or "z" in d:
            path.setAttribute("d", closed_by_lines(d))
    return _correct(node, defs, item, options)


def install():
    """Make pyqtgraph's SVG exporter take closepath commands (again: the same replacement)."""
    _exporter.correctCoordinates = _correct_coordinates   # (it calls the original it replaced)
