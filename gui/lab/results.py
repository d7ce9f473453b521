"""The lab's results in words and numbers: the output, gradients, tangents, H·v and node counts."""
import html

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea

from ..array_view import fmt

NOTE_STYLE = "color:#8A5A00"
EXPLICIT_LIMIT = 64     # variables' entries up to which H is formed (n HVPs) and shown
MATRIX_ENTRIES = 144
OK, BAD = "<b style='color:#1B7837'>equal ✓</b>", "<b style='color:#B2182B'>differ ✗</b>"


def numbers(a, entries=24):
    """A scalar as one number, a small array as its entries (rounded), a large one by its shape."""
    a = np.asarray(a, dtype=np.float64)
    if a.size == 1:
        return fmt(a.reshape(()), 4)
    if a.size > entries:
        return f"{a.shape} array in [{fmt(a.min())}, {fmt(a.max())}]"
    return np.array2string(a, separator=", ", max_line_width=64,
                           formatter={"float_kind": lambda v: fmt(v, 4)})


def variable_table(headers, columns):
    """A table with one row per variable: ``columns`` are ``{variable: array}``, one per header."""
    names = list(columns[0]) if columns else []
    head = "".join(f"<th align='right'>&nbsp;{html.escape(h)}</th>" for h in headers)
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td>"
        + "".join(f"<td align='right'><tt>&nbsp;{html.escape(numbers(c[name]))}</tt></td>" for c in columns)
        + "</tr>" for name in names)
    return f"<table cellspacing='0' cellpadding='1'><tr><th></th>{head}</tr>{rows}</table>"


def _same(a, b):
    return OK if np.allclose(np.asarray(a, float), np.asarray(b, float), rtol=1e-6, atol=1e-9) else BAD


def results_html(walk, counts):
    """The HTML the results panel shows for ``walk``; ``counts`` is (fused, expanded) node counts."""
    if walk is None:
        return "Type a formula and its values, then Build."
    fused, expanded = counts
    parts = [f"<b>{html.escape(walk.message)}</b>",
             f"Step {walk.steps_done} of {walk.total_steps} · phase: {walk.phase}",
             f"Nodes: <b>{fused}</b> fused, <b>{expanded}</b> expanded "
             f"(showing {'expanded' if walk.expand else 'fused'})"]
    notes = [walk.note] if walk.note else []   # reverse mode: what summing a vector output means
    if walk.summed_output and walk.mode != "reverse":
        notes.append(f"The output has shape {walk.output.shape}: its entries are summed for the reverse "
                     "gradients compared here.")
    parts += [f"<span style='{NOTE_STYLE}'>{html.escape(note)}</span>" for note in notes]
    if walk.value is not None:
        parts.append(f"<b>f</b> = <tt>{html.escape(numbers(walk.value))}</tt>")
    parts += _MODES[walk.mode](walk)
    parts.append(node_table(walk))
    return "<br>".join(parts)


def node_table(walk):
    """Every node reached so far: what it computes, its value and its gradient (or tangent)."""
    second = {"reverse": "∂f/∂node", "forward": "tangent ẋ", "hvp": "∂s/∂node"}[walk.mode]
    rows = []
    for node in walk.nodes:
        if node.value is None:
            continue
        other = node.tangent if walk.mode == "forward" else node.grad
        other = "" if other is None else html.escape(numbers(other))
        mark = " style='background:#FFF3C4; color:#1E1E1E'" if node.id == walk.active else ""
        rows.append(f"<tr{mark}><td>{node.id}</td><td>{html.escape(node.text)}</td>"
                    f"<td align='right'><tt>{html.escape(numbers(node.value))}</tt></td>"
                    f"<td align='right'><tt>{other}</tt></td></tr>")
    return (f"<b>Nodes</b><table cellspacing='0' cellpadding='2'><tr><th>#</th><th align='left'>computes"
            f"</th><th>value</th><th>{second}</th></tr>{''.join(rows)}</table>")


def _reverse(walk):
    return [variable_table(["∂f/∂variable"], [walk.gradients])] if walk.gradients is not None else []


def _forward(walk):
    lines = [variable_table(["direction v"], [walk.direction])]
    if walk.tangent is not None:
        tangent = np.sum(walk.tangent)
        lines.append(f"Output tangent ḟ = ∇f·v = <tt>{html.escape(numbers(walk.tangent))}</tt>"
                     + (" (summed: " + fmt(tangent, 4) + ")" if walk.summed_output else ""))
        dot = walk.reverse_dot
        lines.append(f"Reverse gradient · v (one backward pass) = <tt>{fmt(dot, 4)}</tt> "
                     f"{_same(tangent, dot)}")
    return lines


def _hvp(walk):
    c = walk.counts
    lines = [f"Graphs: function <b>{c['function']}</b> nodes, its gradient graph "
             f"<b>{c['gradient']}</b>, the product ·v <b>{c['product']}</b>; the second backward "
             f"visits <b>{c['second_pass']}</b> (s = ∇f·v)"]
    if walk.hvp is None:
        lines.append(variable_table(["v", "∇f (first backward)"], [walk.direction, walk.gradients]))
        return lines
    difference = walk.finite_difference()
    lines.append(variable_table(["v", "∇f", "H·v (2nd backward)", "finite difference"],
                                [walk.direction, walk.gradients, walk.hvp, difference]))
    lines.append("finite difference (∇f(x+εv) − ∇f(x−εv)) / 2ε, ε = 1e-5: "
                 + _same(_flat(walk.hvp), _flat(difference)).replace("equal", "agrees"))
    explicit = walk.explicit(limit=EXPLICIT_LIMIT)
    if explicit is not None:
        H, product = explicit
        lines.append(f"<b>H</b> formed explicitly ({H.shape[0]}×{H.shape[1]}, one HVP per column):"
                     f"<pre>{html.escape(numbers(H, MATRIX_ENTRIES))}</pre>"
                     f"H·v = <tt>{html.escape(numbers(product))}</tt> {_same(product, _flat(walk.hvp))}")
    return lines


def _flat(mapping):
    return np.concatenate([np.ravel(v) for v in mapping.values()]) if mapping else np.zeros(0)


_MODES = {"reverse": _reverse, "forward": _forward, "hvp": _hvp}


class LabResults(QScrollArea):
    """The results panel: ``label`` (objectName ``lab_results``) in a scroll area."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.NoFrame)
        self.label = QLabel()
        self.label.setObjectName("lab_results")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.RichText)
        self.label.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.label.setMargin(6)
        self.setWidget(self.label)

    def text(self):
        return self.label.text()

    def show_walk(self, walk, counts):
        """Show ``walk``'s results (None: the starting hint)."""
        with np.errstate(all="ignore"):
            self.label.setText(results_html(walk, counts))
