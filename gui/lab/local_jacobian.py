"""Under the lab's inspector: form a vector op's local Jacobian explicitly, which backward never does.

The matrix shows its zeros (greyed), its bytes beside the bytes of the implicit product that
backward sends, and that Jᵀ·upstream equals the downstream gradient backward computed.
"""
import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.expression import JACOBIAN_LIMIT

from ..array_view import fmt
from .results import BAD, OK, numbers

ZERO = QColor("#EFEFEF")
MAX_SHOWN = 64   # rows and columns drawn as cells; a larger (but formable) matrix is cut


class LocalJacobianPanel(QWidget):
    """For the selected op node: an input picker and "Form the Jacobian explicitly"."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("lab_local_jacobian")
        self.input = QComboBox()
        self.input.setObjectName("lab_jacobian_input")
        self.button = QPushButton("Form the Jacobian explicitly")
        self.button.setObjectName("lab_form_jacobian")
        self.button.setToolTip("Build this node's local Jacobian entry by entry, to compare it with "
                               "the vector-Jacobian product backward computes without it.")
        self.button.clicked.connect(self.form)
        self.summary = QLabel()
        self.summary.setObjectName("lab_jacobian_summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.RichText)
        self.summary.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.table = QTableWidget()
        self.table.setObjectName("lab_jacobian_matrix")
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        row = QHBoxLayout()
        row.addWidget(self.button)
        row.addWidget(self.input, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addLayout(row)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addStretch(1)
        self.walk = self.node_id = None
        self.formed = None   # the LocalJacobian shown
        self.show_node(None, None)

    def show_node(self, walk, node_id):
        """Offer the explicit Jacobian for an op node of ``walk`` with a non-scalar Jacobian."""
        if (walk, node_id) != (self.walk, self.node_id):
            self.formed = None
            self.table.hide()
            self.summary.clear()
        self.walk, self.node_id = walk, node_id
        node = None if walk is None or node_id is None else walk.nodes[node_id]
        complete = node is not None and node.primitive is not None and None not in node.inputs
        inputs = [] if not complete else [
            k for k, i in enumerate(node.inputs)
            if int(np.prod(node.shape)) * int(np.prod(node.input_shapes[k])) > 1]
        self.setVisible(bool(inputs))
        self.input.blockSignals(True)
        self.input.clear()
        for k in inputs:
            source = walk.nodes[node.inputs[k]]
            self.input.addItem(f"with respect to input {k}: {source.text}", k)
        self.input.blockSignals(False)
        if self.formed is not None:
            self.form()   # the numbers of a later step (the product once backward reached it)

    def form(self):
        """Form J for the chosen input and show it."""
        if self.walk is None or self.input.count() == 0:
            return
        k = self.input.currentData()
        node = self.walk.nodes[self.node_id]
        z, x = int(np.prod(node.shape)), int(np.prod(node.input_shapes[k]))
        with np.errstate(all="ignore"):
            formed = self.walk.local_jacobian(self.node_id, k)
        self.formed = formed
        if formed is None:
            self.summary.setText(f"J would be {z:,}×{x:,} = {z * x:,} entries: more than the "
                                 f"{JACOBIAN_LIMIT:,} the lab forms.")
            self.table.hide()
            return
        lines = [f"<b>J</b> = ∂out/∂input {k}: {z}×{x}, {formed.zeros:,} of {z * x:,} entries zero. "
                 f"Formed it takes <b>{formed.jacobian_bytes:,} bytes</b>; the implicit product "
                 f"backward sends takes <b>{formed.gradient_bytes:,} bytes</b>."]
        if formed.product is None:
            lines.append("Step backward to this node to compare Jᵀ·upstream with its downstream gradient.")
        else:
            lines.append(f"Jᵀ·upstream = <tt>{numbers(formed.product)}</tt>, the downstream gradient "
                         f"backward computed: {OK if formed.matches else BAD}")
        self.summary.setText("<br>".join(lines))
        self._fill(formed.matrix)

    def _fill(self, matrix):
        rows, columns = min(matrix.shape[0], MAX_SHOWN), min(matrix.shape[1], MAX_SHOWN)
        self.table.clear()
        self.table.setRowCount(rows)
        self.table.setColumnCount(columns)
        for i in range(rows):
            for j in range(columns):
                cell = QTableWidgetItem(fmt(matrix[i, j]))
                cell.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                if matrix[i, j] == 0:
                    cell.setBackground(ZERO)
                    cell.setForeground(QColor("#9A9A9A"))
                self.table.setItem(i, j, cell)
        self.table.resizeColumnsToContents()
        self.table.resizeRowsToContents()
        header = self.table.horizontalHeader().height() + 4
        self.table.setMaximumHeight(header + sum(self.table.rowHeight(i) for i in range(rows)) + 16)
        self.table.show()
