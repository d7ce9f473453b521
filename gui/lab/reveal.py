"""The Jacobian reveal: J fills column by column (n JVPs) or row by row (m VJPs), with a cost meter.

A QTimer steps ``expr.jacobian_passes`` one pass per tick, so the learner sees a scalar of a wide
input take one reverse pass against n forward ones, and a one-input curve the other way round.
"""
import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.expression import JACOBIAN_LIMIT, ExpressionError

from ..array_view import fmt

TICK_MS = 160
FRESH = QColor("#FFE07A")        # the column or row the last pass filled
FILLED = QColor("#F3F7FB")
ZERO_TEXT = QColor("#9A9A9A")
TEXT = QColor("#1E1E1E")         # on those light fills in the dark theme too
WAYS = {"columns": "Forward: n JVPs, one column each", "rows": "Reverse: m VJPs, one row each"}
METER_ROWS = ("passes", "primitive evaluations", "time")


class JacobianReveal(QWidget):
    """``lab_jacobian``: reveal buttons, the matrix and the cost meter. ``sig_finished(by)``."""

    sig_finished = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("lab_jacobian")
        self.buttons = {}
        row = QHBoxLayout()
        for by, tip in WAYS.items():
            button = QPushButton("Fill by columns (JVPs)" if by == "columns" else "Fill by rows (VJPs)")
            button.setObjectName(f"lab_reveal_{by}")
            button.setToolTip(tip)
            button.clicked.connect(lambda _=False, by=by: self.start(by))
            self.buttons[by] = button
            row.addWidget(button)
        self.caption = QLabel()
        self.caption.setObjectName("lab_jacobian_caption")
        self.caption.setWordWrap(True)
        self.table = QTableWidget()
        self.table.setObjectName("lab_jacobian_table")
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.meter = QGridLayout()
        self.meter_cells = {}
        self.meter.addWidget(QLabel("<b>Cost meter</b>"), 0, 0)
        for c, by in enumerate(WAYS, start=1):
            title = "forward (JVPs)" if by == "columns" else "reverse (VJPs)"
            self.meter.addWidget(QLabel(f"<b>{title}</b>"), 0, c, Qt.AlignRight)
            for r, what in enumerate(METER_ROWS, start=1):
                cell = QLabel("—")
                cell.setObjectName(f"lab_cost_{by}_{what.split()[0]}")
                cell.setAlignment(Qt.AlignRight)
                self.meter.addWidget(cell, r, c)
                self.meter_cells[(by, what)] = cell
        for r, what in enumerate(METER_ROWS, start=1):
            self.meter.addWidget(QLabel(what), r, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(row)
        layout.addWidget(self.caption)
        layout.addWidget(self.table, 1)
        layout.addLayout(self.meter)
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.expr = self.values = None
        self.expand = False
        self.passes = self.iterator = None
        self.costs = {}
        self.set_source(None, None)

    @property
    def running(self):
        return self.timer.isActive()

    def set_source(self, expr, values, expand=False):
        """The formula whose Jacobian to reveal (None: nothing); forgets what was measured."""
        self.timer.stop()
        self.expr, self.values, self.expand = expr, values, expand
        self.passes = self.iterator = None
        self.costs = {}
        self.table.clear()
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        for cell in self.meter_cells.values():
            cell.setText("—")
        for button in self.buttons.values():
            button.setEnabled(expr is not None)
        self.caption.setText("Build a formula, then fill its Jacobian J (m outputs × n inputs) one "
                             "pass at a time." if expr is None else self._shape_text())

    def _shape_text(self):
        passes = self.expr.jacobian_passes(self.values, "columns", self.expand)
        m, n = passes.J.shape
        return (f"J is {m}×{n}: {n} forward pass{'es' * (n != 1)} (one per input entry) or "
                f"{m} reverse pass{'es' * (m != 1)} (one per output entry).")

    def start(self, by, interval=TICK_MS):
        """Animate J filling by ``by`` ("columns" or "rows"), one pass per tick."""
        if self.expr is None:
            return
        self.timer.stop()
        try:
            self.passes = self.expr.jacobian_passes(self.values, by, self.expand)
        except ExpressionError as error:
            self.caption.setText(error.message)
            return
        m, n = self.passes.J.shape
        if m * n > JACOBIAN_LIMIT:
            self.caption.setText(f"J would be {m}×{n} = {m * n:,} entries: more than the "
                                 f"{JACOBIAN_LIMIT:,} the lab forms.")
            self.passes = None
            return
        self.iterator = iter(self.passes)
        self.table.clear()
        self.table.setRowCount(m)
        self.table.setColumnCount(n)
        self.table.setHorizontalHeaderLabels(entry_names(self.expr.variables, self.passes.values))
        self.table.setVerticalHeaderLabels(entry_names(["f"], {"f": np.zeros(self._out_shape())}))
        self.caption.setText(f"{WAYS[by]}: J is {m}×{n}.")
        self.timer.setInterval(interval)
        self.timer.start()

    def _out_shape(self):
        return self.expr.evaluate(self.passes.values, self.expand).shape

    def _tick(self):
        try:
            index, vector = next(self.iterator)
        except StopIteration:
            self._finish()
            return
        by = self.passes.by
        for r in range(self.table.rowCount()):
            for c in range(self.table.columnCount()):
                cell = self.table.item(r, c)
                if cell is not None:
                    cell.setBackground(FILLED)
                    if cell.foreground().color() != ZERO_TEXT:
                        cell.setForeground(TEXT)
        for k, entry in enumerate(vector):
            r, c = (k, index) if by == "columns" else (index, k)
            cell = QTableWidgetItem(fmt(entry))
            cell.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            cell.setBackground(FRESH)
            cell.setForeground(ZERO_TEXT if entry == 0 else TEXT)
            self.table.setItem(r, c, cell)
        self.table.resizeColumnsToContents()
        self._show_cost(self.passes.cost)

    def _finish(self):
        self.timer.stop()
        by = self.passes.by
        self.costs[by] = self.passes.cost
        other = "rows" if by == "columns" else "columns"
        if other not in self.costs:   # the other way measured at once, for the side-by-side meter
            passes = self.expr.jacobian_passes(self.values, other, self.expand)
            passes.run()
            self.costs[other] = passes.cost
            self._show_cost(passes.cost)
        cost = self.costs[by]
        self.caption.setText(f"{WAYS[by]}: done in {cost.passes} pass{'es' * (cost.passes != 1)}; "
                             f"the other way takes {self.costs[other].passes}.")
        self.sig_finished.emit(by)

    def _show_cost(self, cost):
        texts = (str(cost.passes), str(cost.primitive_evaluations), f"{cost.seconds * 1000:.2f} ms")
        for what, text in zip(METER_ROWS, texts):
            self.meter_cells[(cost.by, what)].setText(text)

    def matrix(self):
        """J as filled so far (NaN where no pass has reached), or None."""
        return None if self.passes is None else np.array(self.passes.J)


def entry_names(variables, values):
    """Column names of J: each variable's entries, row-major ("W[0,1]"), a scalar by its name."""
    names = []
    for name in variables:
        shape = np.shape(values[name])
        names += [name] if not shape else [f"{name}[{','.join(map(str, i))}]" for i in np.ndindex(shape)]
    return names
