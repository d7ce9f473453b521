"""The lab's input row: the formula, its values, the mode and the direction, and the error label."""
import re

from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QLineEdit, QWidget

from core.expression import parse_values

from .error_label import ErrorLabel

MODES = (("reverse", "Reverse mode"), ("forward", "Forward mode"), ("hvp", "Hessian-vector product"))
NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
PICK_HINT = "pick a variable…"


class LabForm(QWidget):
    """``lab_expression``, ``lab_values``, ``lab_mode``, ``lab_direction`` (with a variable picker
    ``lab_direction_pick``) and ``lab_error``."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.expression = self._edit("lab_expression", "a formula, e.g. sigmoid(w0*x0 + w1*x1 + w2)",
                                     "The formula: numbers, variables, + − * / ** @, exp log sqrt abs "
                                     "sin cos tanh sigmoid relu sum mean max.")
        self.values = self._edit("lab_values", "x = -2, y = 5, W = [[1, 2], [3, 4]]",
                                 "A value for every variable: numbers, or nested lists for vectors "
                                 "and matrices.")
        self.mode = QComboBox()
        self.mode.setObjectName("lab_mode")
        for key, text in MODES:
            self.mode.addItem(text, key)
        self.mode.setToolTip("Reverse mode: forward, then backward from the output. Forward mode: "
                             "value and tangent along a direction. Hessian-vector product: "
                             "backpropagate twice.")
        self.direction = self._edit("lab_direction", "a variable (x) or a vector per variable (x = 1, y = 0)",
                                    "The direction v of forward mode and of H·v: a variable's name "
                                    "(ones there, zeros elsewhere) or values like the values line.")
        self.pick = QComboBox()
        self.pick.setObjectName("lab_direction_pick")
        self.pick.setToolTip("Set the direction to one variable (a one-hot tangent).")
        self.pick.activated.connect(self._picked)
        self.error = ErrorLabel()
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 4, 8, 2)
        grid.setVerticalSpacing(3)
        grid.addWidget(QLabel("<b>f</b> ="), 0, 0)
        grid.addWidget(self.expression, 0, 1, 1, 3)
        grid.addWidget(self.mode, 0, 4)
        grid.addWidget(QLabel("at"), 1, 0)
        grid.addWidget(self.values, 1, 1)
        self.direction_label = QLabel("direction v")
        grid.addWidget(self.direction_label, 1, 2)
        grid.addWidget(self.direction, 1, 3)
        grid.addWidget(self.pick, 1, 4)
        grid.addWidget(self.error, 2, 0, 1, 5)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(3, 2)
        self.mode.currentIndexChanged.connect(lambda _: self._mode_shown())
        self._mode_shown()

    def _edit(self, name, placeholder, tip):
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        edit.setToolTip(tip)
        edit.setClearButtonEnabled(True)
        return edit

    def _mode_shown(self):
        needed = self.mode_key() != "reverse"
        for widget in (self.direction, self.pick, self.direction_label):
            widget.setEnabled(needed)

    def _picked(self, index):
        name = self.pick.itemData(index)
        if name:
            self.direction.setText(name)
            self.direction.returnPressed.emit()

    def set_variables(self, names):
        """The picker's choices: the formula's variables."""
        self.pick.clear()
        self.pick.addItem(PICK_HINT, None)
        for name in names:
            self.pick.addItem(name, name)

    def mode_key(self):
        return self.mode.currentData()

    def set_mode(self, key):
        index = self.mode.findData(key)
        self.mode.setCurrentIndex(max(index, 0))

    def direction_value(self, variables):
        """The direction for ``expr.walk``: a variable's name or ``{variable: array}``; an empty line
        means the first variable (ExpressionError for a bad vector line)."""
        text = self.direction.text().strip()
        if not text:
            return variables[0] if variables else {}
        if NAME.fullmatch(text):
            return text
        return parse_values(text)
