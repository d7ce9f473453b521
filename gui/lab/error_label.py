"""The label under the lab's line edits: the parser's message with the column marked."""
import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

MARK = "background:#FFD2C2; color:#B2182B; font-weight:bold"


def marked_html(field, text, error):
    """``error``'s message about ``field`` (its ``text``) with the 1-based column highlighted and a
    caret under it; no marking when the error names no column inside the text."""
    message = f"<b>{_escape(field)}</b>: {_escape(error.message)}"
    column = error.column
    if column is None or not 1 <= column <= len(text) + 1:
        return message
    i = column - 1
    before, at, after = text[:i], text[i:i + 1] or " ", text[i + 1:]
    line = f"{_escape(before)}<span style='{MARK}'>{_escape(at)}</span>{_escape(after)}"
    caret = "&nbsp;" * i + "^"
    return (f"{message}<br><span style='font-family:monospace; font-size:11pt; white-space:pre'>{line}<br>"
            f"<b style='color:#B2182B'>{caret}</b> column {column}</span>")


def _escape(text):
    return html.escape(text, quote=False)   # quotes stay readable: 'foo'


class ErrorLabel(QLabel):
    """``lab_error``: hidden when there is nothing wrong."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("lab_error")
        self.setTextFormat(Qt.RichText)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.setStyleSheet("#lab_error { background: #FFF1EC; border: 1px solid #E8A48C; "
                           "border-radius: 3px; padding: 3px 6px; }")
        self.hide()

    def explain(self, field, text, error):
        """Show what is wrong in ``field`` (e.g. "Expression") whose text is ``text``."""
        self.setText(marked_html(field, text, error))
        self.show()

    def clear_error(self):
        self.clear()
        self.hide()
