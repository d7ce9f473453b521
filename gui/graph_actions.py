"""The View menu's graph actions: zoom in and out, fit, and all layers as elementary ops or one node.

They act on the graph of the workspace shown (``use(view, expand)``: the trainer's, or the lab's).
The trainer's view tells the app model which layers it draws as one node, so that Next node
steps through a collapsed layer in one step. A fused activation (sigmoid, tanh) is built by the
model, so double-clicking one, or the layers action, switches the model's activation to its
elementary ops (or back), seen from the next forward pass; in the lab the layers action also
checks the lab's own "Expanded" (its fused primitives written with elementary ops).
"""
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

from core.training.activations import set_activations_expanded, toggle_activation


class GraphActions(QObject):
    """``action_zoom_in`` (Ctrl+=), ``action_zoom_out`` (Ctrl+−), ``action_expand_layers`` (Ctrl+L)
    and ``fit()`` for ``view`` (the trainer's) or the view ``use`` names, added to ``parent`` (a
    window) for their shortcuts."""

    def __init__(self, app_model, view, parent):
        super().__init__(parent)
        self.parent_widget, self.app_model = parent, app_model
        self.trainer_view, self.view, self.expand = view, view, None
        self.zoom_in = self._action("action_zoom_in", "Zoom in", ("Ctrl+=", "Ctrl++"),
                                    "Magnify the graph.", lambda: self.view.zoom_in())
        self.zoom_out = self._action("action_zoom_out", "Zoom out", ("Ctrl+-",),
                                     "Shrink the graph (also below the size fitting keeps legible).",
                                     lambda: self.view.zoom_out())
        self.expand_layers = self._action(
            "action_expand_layers", "Layers as elementary ops", ("Ctrl+L",),
            "Show every linear layer as its weight, transpose, matmul and add nodes instead of "
            "one node W·x + b, and sigmoid/tanh as their elementary ops from the next forward "
            "(double-click a single layer or activation to open or fold it).", None)
        self.expand_layers.setCheckable(True)
        self.expand_layers.toggled.connect(self._expand_layers)
        app_model.sig_trainer.connect(lambda _: self._expand_activations(view.expand_all))
        view.sig_node_opened.connect(self.toggle_activation)
        view.sig_groups_changed.connect(lambda groups: setattr(app_model, "step_groups", groups))
        app_model.step_groups = view.collapsed

    def use(self, view, expand=None):
        """Act on ``view`` from now on (the workspace shown); ``expand``: that workspace's own
        checkable action for its fused ops, which the layers action then also sets."""
        self.view, self.expand = view, expand
        self.expand_layers.blockSignals(True)
        self.expand_layers.setChecked(view.expand_all if expand is None else expand.isChecked())
        self.expand_layers.blockSignals(False)

    def fit(self):
        """Fit the graph shown (``GraphView.fit``)."""
        self.view.fit()

    def _expand_layers(self, on):
        self.view.set_layers_expanded(on)
        if self.view is self.trainer_view:
            self._expand_activations(on)
        elif self.expand is not None:
            self.expand.setChecked(on)

    def toggle_activation(self, node_id):
        """Expand or fold the fused activation drawn as ``node_id`` (from the next forward)."""
        model = self.app_model
        module = toggle_activation(model.trainer.model, model.snapshot().graph, node_id)
        if module is not None:
            shape = "its elementary ops" if module.expanded else "one node"
            model.sig_status.emit(f"This {module.name} shows as {shape} from the next forward pass.")

    def _expand_activations(self, on):
        set_activations_expanded(self.app_model.trainer.model, on)

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
