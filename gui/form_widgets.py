"""Small form controls: a spin box for rates spanning decades, the hidden-sizes validator, and
one-line builders."""
import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QLabel, QSpinBox

from core.training.model_size import parse_hidden

ERROR_STYLE = "color: #B00020;"


class HiddenSizesValidator(QValidator):
    """Hidden layer sizes such as "16,16": Acceptable when ``parse_hidden`` accepts the text, else
    Intermediate, never refused as typed (so "1e3" stays "1e3", not 13); ``message`` says why."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.message = ""

    def validate(self, text, pos):
        try:
            parse_hidden(text)
        except ValueError as error:
            self.message = str(error)
            return QValidator.State.Intermediate, text, pos
        self.message = ""
        return QValidator.State.Acceptable, text, pos


def error_label():
    """A red, word-wrapped label for a field's error message, hidden until there is one."""
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    label.hide()
    return label


class LogSpinBox(QDoubleSpinBox):
    """A spin box for rates spanning decades: the arrows step 1, 2, 5, 10, 20, …; typing takes any value.

    With ``allow_zero`` the value can also be 0, shown as "0 (off)".
    """

    def __init__(self, smallest, largest, allow_zero=False, parent=None):
        super().__init__(parent)
        self.setDecimals(12)  # no rounding of small rates
        self.setRange(0.0 if allow_zero else smallest, largest)
        self.setKeyboardTracking(False)  # one valueChanged on Enter, not one per keystroke
        if allow_zero:
            self.setSpecialValueText("0 (off)")
        self._ladder = ([0.0] if allow_zero else []) + [
            m * 10.0 ** e for e in range(math.floor(math.log10(smallest)), math.ceil(math.log10(largest)) + 1)
            for m in (1, 2, 5) if smallest <= m * 10.0 ** e <= largest]

    def textFromValue(self, value):
        return f"{value:.4g}"

    def valueFromText(self, text):
        if text == self.specialValueText():
            return self.minimum()
        try:
            return float(text)
        except ValueError:
            return self.value()

    def validate(self, text, pos):
        if text == self.specialValueText():
            return QValidator.State.Acceptable, text, pos
        try:
            value = float(text)
        except ValueError:
            partial = all(ch in "0123456789.eE+-" for ch in text)
            return (QValidator.State.Intermediate if partial else QValidator.State.Invalid), text, pos
        inside = self.minimum() <= value <= self.maximum()
        return (QValidator.State.Acceptable if inside else QValidator.State.Intermediate), text, pos

    def stepBy(self, steps):
        value = self.value()
        if steps > 0:
            above = [v for v in self._ladder if v > value * (1 + 1e-9)]
            target = above[min(steps, len(above)) - 1] if above else value
        else:
            below = [v for v in self._ladder if v < value * (1 - 1e-9)]
            target = below[max(len(below) + steps, 0)] if below else value
        self.setValue(target)


def make_combo(entries, tip):
    """A combo box of catalog ``entries`` (key → entry with a label and a tip), keys as item data."""
    combo = QComboBox()
    for key, entry in entries.items():
        combo.addItem(entry.label, key)
        combo.setItemData(combo.count() - 1, entry.tip, Qt.ItemDataRole.ToolTipRole)
    combo.setToolTip(tip)
    return combo


def make_form(*rows):
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    for label, field in rows:
        form.addRow(label, field)
    return form


def make_spin(low, high, tip, step=1):
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setSingleStep(step)
    spin.setToolTip(tip)
    return spin


def select_key(combo, key):
    index = combo.findData(key)
    if index >= 0:
        combo.setCurrentIndex(index)
