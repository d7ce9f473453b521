"""The View menu's graph actions: zoom in and out, and all layers as elementary ops or one node.

They act on the graph view; the view tells the app model which layers it draws as one node,
so that Next node steps through a collapsed layer in one step.
"""
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence


class GraphActions(QObject):
    """``action_zoom_in`` (Ctrl+=), ``action_zoom_out`` (Ctrl+−), ``action_expand_layers`` (Ctrl+L)
    for ``view``, added to ``parent`` (a window) for their shortcuts."""

    def __init__(self, app_model, view, parent):
        super().__init__(parent)
        self.parent_widget = parent
        self.zoom_in = self._action("action_zoom_in", "Zoom in", ("Ctrl+=", "Ctrl++"),
                                    "Magnify the graph.", view.zoom_in)
        self.zoom_out = self._action("action_zoom_out", "Zoom out", ("Ctrl+-",),
                                     "Shrink the graph.", view.zoom_out)
        self.expand_layers = self._action(
            "action_expand_layers", "Layers as elementary ops", ("Ctrl+L",),
            "Show every linear layer as its weight, transpose, matmul and add nodes instead of "
            "one node W·x + b (double-click a single layer to open or fold it).", None)
        self.expand_layers.setCheckable(True)
        self.expand_layers.toggled.connect(view.set_layers_expanded)
        view.sig_groups_changed.connect(lambda groups: setattr(app_model, "step_groups", groups))
        app_model.step_groups = view.collapsed

    def _action(self, name, text, shortcuts, tip, slot):
        action = QAction(text, self.parent_widget)
        action.setObjectName(name)
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.setToolTip(f"{text} ({action.shortcut().toString()}): {tip}")
        action.setStatusTip(tip)
        if slot is not None:
            action.triggered.connect(slot)
        self.parent_widget.addAction(action)
        return action

    def populate(self, view_menu):
        """Add the actions to ``view_menu``."""
        for action in (self.zoom_in, self.zoom_out, self.expand_layers):
            view_menu.addAction(action)
