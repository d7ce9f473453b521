"""The Help menu and Quit: a shortcuts overlay (F1 or ?) listing every action of the window with
its shortcut, an About box with the version, and File ▸ Quit (Ctrl+Q)."""
from html import escape

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox, QScrollArea, QVBoxLayout

import core


def shortcut_rows(window):
    """(action text, shortcut) for every action of ``window`` that has a shortcut, sorted by text."""
    rows = {}
    for action in window.findChildren(QAction):
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
        text = action.text().replace("&", "").rstrip("…").strip()
        if keys and text:
            rows[text] = " or ".join(keys)
    return sorted(rows.items(), key=lambda row: row[0].lower())


class ShortcutsOverlay(QDialog):
    """A window over the main window listing the shortcuts; any key or Esc closes it."""

    def __init__(self, window):
        super().__init__(window)
        self.setObjectName("shortcuts_overlay")
        self.setWindowTitle("Keyboard shortcuts")
        self.table = QLabel()
        self.table.setObjectName("shortcuts_table")
        self.table.setTextFormat(Qt.RichText)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.table)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        self.window = window

    def refresh(self):
        """Fill the table from the window's actions now (other parts add actions later)."""
        workspaces = getattr(self.window, "workspaces", None)
        if workspaces is not None:
            workspaces.build_lab()   # built on first use: its shortcuts are listed too
        cells = "".join(f"<tr><td style='padding:2px 16px 2px 4px'><b>{escape(keys)}</b></td>"
                        f"<td>{escape(text)}</td></tr>" for text, keys in shortcut_rows(self.window))
        self.table.setText(f"<table>{cells}</table>")
        available = self.window.size()
        self.resize(min(520, available.width()), min(self.table.sizeHint().height() + 40,
                                                        available.height() - 40))

    def keyPressEvent(self, event):
        self.close()
        event.accept()


class HelpActions(QObject):
    """The Help menu's actions and Quit, on ``window``."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.overlay = ShortcutsOverlay(window)
        self.shortcuts = QAction("&Keyboard shortcuts", window)
        self.shortcuts.setObjectName("action_shortcuts")
        self.shortcuts.setShortcuts([QKeySequence("F1"), QKeySequence("?")])
        self.shortcuts.setStatusTip("List every action with its shortcut (F1 or ?).")
        self.shortcuts.triggered.connect(self.show_shortcuts)
        self.about = QAction("&About Backprop Studio", window)
        self.about.setObjectName("action_about")
        self.about.triggered.connect(self.show_about)
        self.quit = QAction("&Quit", window)
        self.quit.setObjectName("action_quit")
        self.quit.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit.setStatusTip("Close Backprop Studio (the layout and settings are kept).")
        self.quit.triggered.connect(window.close)
        for action in (self.shortcuts, self.about, self.quit):
            window.addAction(action)

    def populate(self, menu_bar, file_menu):
        """Quit at the end of ``file_menu``; a Help menu on ``menu_bar``."""
        file_menu.addSeparator()
        file_menu.addAction(self.quit)
        menu = menu_bar.addMenu("&Help")
        menu.addAction(self.shortcuts)
        menu.addAction(self.about)

    def show_shortcuts(self):
        self.overlay.refresh()
        self.overlay.show()
        self.overlay.raise_()

    def show_about(self):
        QMessageBox.about(self.window, "About Backprop Studio",
                          f"<b>Backprop Studio</b> {core.__version__}<br>Backpropagation, one node "
                          "at a time, on its own numpy autodiff engine.")
