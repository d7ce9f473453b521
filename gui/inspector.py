"""The node inspector: everything about the selected node, as numbers.

Formula and words, the value, the upstream gradient ∂L/∂out, the local gradient (and the
Jacobian backward never forms), and per input the downstream gradient with a few entries showing
downstream = local · upstream. For a parameter after the update, first: before, step and after.
For a parameter after the backward pass, a button checks its gradient against central differences.
"""
from types import SimpleNamespace

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from core.training import Phase
from core.training.gradient_check import TOLERANCE

from .array_view import ArrayView, fmt, shape_text
from .chain_rule import chain_check, update_check

HINT = "Click a node in the graph to see its value and gradients here."


class DownstreamSection(QWidget):
    """The gradient a node sends to one of its inputs, and why it has that value."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.check = QLabel()
        self.check.setTextFormat(Qt.PlainText)   # rich-text tables cost ~30 ms per redraw
        self.check.setFont(QFontDatabase.systemFont(QFontDatabase.FixedFont))
        self.check.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.array = ArrayView("")
        self.array.title.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.explanation)
        layout.addWidget(self.check)
        layout.addWidget(self.array)
        self.chain = None

    def show_input(self, node, k, source, values):
        name = "a constant" if source is None else f"<b>{source.label}</b> ({shape_text(source.shape)})"
        self.heading.setText(f"<b>Downstream gradient → input {k}</b>: {name}")
        downstream = None if node.downstream is None else node.downstream[k]
        self.chain = chain_check(node, k, values)
        for label in (self.explanation, self.check):
            label.setVisible(self.chain is not None)
        if self.chain is not None:
            self.explanation.setText(self.chain.text)
            self.check.setText(check_table(self.chain))
        if node.downstream is not None and downstream is None:
            self.array.caption.setText("none: this input needs no gradient")
            self.array.stack.hide()
        else:
            self.array.set_array(downstream)


class GradientCheckSection(QWidget):
    """A parameter's analytic gradient next to (L(θ+ε) − L(θ−ε)) / 2ε for a few entries.

    The rows stay while the gradient they checked is the one on display.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.button = QPushButton("Check numerically")
        self.button.setObjectName("check_gradient")
        self.button.setToolTip("Recompute the loss on this iteration's batch with a few entries "
                               "nudged by ±1e-6 and compare the slope with the backward pass's "
                               "gradient.")
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.table = QLabel()
        self.table.setObjectName("gradient_check_table")
        self.table.setTextFormat(Qt.PlainText)
        self.table.setFont(QFontDatabase.systemFont(QFontDatabase.FixedFont))
        self.table.setTextInteractionFlags(Qt.TextSelectableByMouse)
        row = QHBoxLayout()
        row.addWidget(self.button)
        row.addWidget(self.verdict, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.addLayout(row)
        layout.addWidget(self.table)
        self.checked = None   # (node id, the gradient array the rows were checked against)
        self.clear()

    def show_node(self, node):
        """Offer the check for a parameter node with a gradient; drop rows about anything else."""
        self.setVisible(node is not None and node.stage == "parameter")
        if node is None:
            return
        self.button.setEnabled(node.upstream is not None)
        if self.checked is not None and (self.checked[0] != node.id
                                         or self.checked[1] is not node.upstream):
            self.clear()

    def show_rows(self, node, rows):
        self.checked = (node.id, node.upstream)
        worst = max((row["rel_error"] for row in rows), default=0.0)
        if worst <= TOLERANCE:
            bound = 10.0 ** np.ceil(np.log10(max(worst, 1e-16)))
            self.verdict.setText(f"<b style='color:#1B7837'>agree to {bound:.0e}</b>".replace("e-0", "e-"))
        else:
            self.verdict.setText(f"<b style='color:#B2182B'>disagree</b>: relative error up to "
                                 f"{worst:.1e} (agreement means ≤ {TOLERANCE:.0e})".replace("e-0", "e-"))
        self.table.setText(gradient_table(rows))
        self.table.show()

    def clear(self):
        self.checked = None
        self.verdict.setText("analytic ∂L/∂θ vs central difference, ε = 1e-6")
        self.table.clear()
        self.table.hide()


def gradient_table(rows):
    """Entry, analytic, numeric and relative error as aligned plain text."""
    cells = [(f"[{', '.join(map(str, row['index']))}]", _signed(row["analytic"]),
              _signed(row["numeric"]), f"{row['rel_error']:.1e}") for row in rows]
    return check_table(SimpleNamespace(headers=("entry", "analytic", "numeric", "rel. error"),
                                       rows=cells))


class Inspector(QScrollArea):
    """Draws node ``set_node(id)`` of the snapshot ``show_snapshot`` gave (``node_id``: the drawn one).

    ``sig_check_requested(name)``: the user asked for parameter ``name``'s gradient check; with an
    ``app_model`` it runs there, whose rows come back to ``show_check(rows)``.
    """

    sig_check_requested = Signal(object)

    def __init__(self, app_model=None, parent=None):
        super().__init__(parent)
        self.setObjectName("inspector")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.NoFrame)
        body = QWidget()
        self.layout_ = QVBoxLayout(body)
        self.layout_.setContentsMargins(8, 6, 8, 6)
        self.header = self._label()
        self.words = self._label()
        self.local = self._label()
        self.value = ArrayView("Value (forward)")
        self.upstream = ArrayView("Upstream gradient ∂L/∂out (from the nodes it feeds)")
        self.gradient_check = GradientCheckSection()
        self.gradient_check.button.clicked.connect(self._request_check)
        self.sections = []
        self.sections_layout = QVBoxLayout()
        self.update_title = self._label()
        self.update_check = QLabel()
        self.update_check.setFont(QFontDatabase.systemFont(QFontDatabase.FixedFont))
        self.update_check.setTextFormat(Qt.PlainText)
        self.before = ArrayView("Before the update")
        self.step = ArrayView("Optimizer step (after − before)")
        self.after = ArrayView("After the update")
        for w in (self.header, self.words, self.update_title, self.update_check, self.before,
                  self.step, self.after, self.local, self.upstream, self.gradient_check):
            self.layout_.addWidget(w)
        self.layout_.addLayout(self.sections_layout)
        self.layout_.addWidget(self.value)
        self.layout_.addStretch(1)
        self.setWidget(body)
        self.snapshot = None
        self.node_id = None
        self._render()
        if app_model is not None:
            self.sig_check_requested.connect(app_model.check_gradient)
            app_model.sig_gradient_checked.connect(self.show_check)

    def _label(self):
        label = QLabel()
        label.setWordWrap(True)
        label.setTextFormat(Qt.RichText)
        label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        return label

    def set_node(self, node_id, snapshot=None):
        """Show node ``node_id`` (None: nothing), from ``snapshot`` if given."""
        self.node_id = node_id
        if snapshot is not None:
            self.snapshot = snapshot
        self._render()

    def show_snapshot(self, snapshot):
        self.snapshot = snapshot
        self._render()

    def node(self):
        """The selected GraphNode in the current snapshot, or None."""
        if self.snapshot is None or self.node_id is None:
            return None
        return next((n for n in self.snapshot.graph if n.id == self.node_id), None)

    def show_check(self, rows):
        """Show the gradient check's rows for the selected parameter."""
        node = self.node()
        if node is not None:
            self.gradient_check.show_rows(node, rows)

    def _request_check(self):
        node = self.node()
        if node is not None:
            self.sig_check_requested.emit(node.name)

    def _render(self):
        with np.errstate(all="ignore"):   # a diverged run shows its NaN/Inf, without warnings
            self._render_node(self.node())

    def _render_node(self, node):
        parts = (self.words, self.local, self.value, self.upstream)
        for w in parts:
            w.setVisible(node is not None)
        self.gradient_check.show_node(node)
        if node is None:
            self.header.setText(HINT)
            self._show_sections(0)
            self._show_update(None)
            return
        self.header.setText(f"<span style='font-size:x-large'><b>{node.label}</b></span> &nbsp; "
                            f"node {node.id} · {node.stage} · {shape_text(node.shape)} {node.dtype}")
        self.words.setText(node.words)
        self.local.setText(_local_html(node))
        self.value.set_array(node.value, signed=False)
        self.upstream.set_array(node.upstream)
        values = {n.id: n.value for n in self.snapshot.graph}
        by_id = {n.id: n for n in self.snapshot.graph}
        self._show_sections(len(node.inputs))
        for k, source in enumerate(node.inputs):
            self.sections[k].show_input(node, k, by_id.get(source), values)
        update = (self.snapshot.last_update.get(node.name)
                  if node.stage == "parameter" and self.snapshot.completed is Phase.UPDATE else None)
        self._show_update(update, node.upstream)
        self.value.setVisible(update is None)   # "before the update" is the same array

    def _show_sections(self, n):
        while len(self.sections) < n:
            section = DownstreamSection()
            self.sections.append(section)
            self.sections_layout.addWidget(section)
        for k, section in enumerate(self.sections):
            section.setVisible(k < n)

    def _show_update(self, update, gradient=None):
        for w in (self.update_title, self.update_check, self.before, self.step, self.after):
            w.setVisible(update is not None)
        if update is None:
            return
        check = update_check(update, gradient)
        self.update_title.setText(f"<b>Update</b>: {check.text}")
        self.update_check.setText(check_table(check))
        self.before.set_array(update["before"], signed=False)
        self.step.set_array(update["step"])
        self.after.set_array(update["after"], signed=False)


def _local_html(node):
    lines = ["<b>Local gradient</b>"]
    lines.append(f"<i>{node.formula}</i>" if node.formula else
                 "none: a leaf passes nothing further back.")
    for k, row in enumerate(node.jacobians):
        z, x = row["jacobian_shape"]
        if z * x <= 1:
            continue
        lines.append(f"input {k}: the Jacobian would be {z:,}×{x:,} = {_bytes(row['jacobian_bytes'])}"
                     f" — never formed; the gradient actually sent takes "
                     f"{_bytes(row['gradient_bytes'])}.")
    return "<br>".join(lines)


def check_table(chain):
    """The rows as aligned plain text, a header line first."""
    lines = [chain.headers] + [tuple(_cell(v) for v in row) for row in chain.rows]
    widths = [max(len(line[k]) for line in lines) for k in range(len(chain.headers))]
    return "\n".join("  ".join(cell.rjust(w) for cell, w in zip(line, widths)) for line in lines)


def _signed(x):
    return f"{x:.9g}".replace("-", "−")   # true minus signs, as fmt() writes them


def _cell(v):
    if v is None:
        return "—"
    return v if isinstance(v, str) else fmt(v)


def _bytes(n):
    units = ("B", "KiB", "MiB", "GiB")
    i = 0
    while n >= 1024 and i < len(units) - 1:
        n, i = n / 1024, i + 1
    return f"{n:.0f} B" if i == 0 else f"{n:.1f} {units[i]}"
