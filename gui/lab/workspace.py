"""The Lab workspace: type a formula and its values, draw its graph, step it node by node.

It draws with the trainer's own graph view and inspector. A bad formula, value or direction shows
its message under the line edits and the previous graph stays; anything else that fails goes to
the app model's error report. What was typed is remembered (QSettings) and kept in the session.
"""
import json

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QSplitter, QTabWidget, QVBoxLayout, QWidget

from core.expression import ExpressionError, parse, parse_values

from ..file_actions import settings
from ..graph_legend import lab_legend
from ..graph_view import GraphView
from ..inspector import Inspector
from .actions import LabActions
from .form import LabForm
from .local_jacobian import LocalJacobianPanel
from .results import LabResults
from .reveal import JacobianReveal
from .snapshot import SYMBOLS, lab_snapshot
from .state import SETTINGS_KEY, stored_state


class LabWorkspace(QWidget):
    """``walk`` is the current Walk (None before the first successful build), ``expr`` its formula;
    ``sig_walk(walk)`` after every build and step (the Lessons dock follows it)."""

    sig_walk = Signal(object)

    def __init__(self, app_model, parent=None):
        super().__init__(parent)
        self.setObjectName("lab_workspace")
        self.app_model = app_model
        self.expr = self.values = self.walk = self.selected = None
        self.counts = (0, 0)
        self.form = LabForm()
        self.error = self.form.error
        self.actions_ = LabActions(self)
        self.graph_view = GraphView()
        self.graph_view.setObjectName("lab_graph_view")
        self.graph_view.set_legend(lab_legend)
        self.inspector = Inspector()
        self.local_jacobian = LocalJacobianPanel()
        self.results = LabResults()
        self.reveal = JacobianReveal()
        self._layout()
        self._connect()
        self.set_state(app_model.session.lab or stored_state())   # a session's lab, or the last run's

    def _layout(self):
        inspector = QSplitter(Qt.Vertical)
        inspector.addWidget(self.inspector)
        inspector.addWidget(self.local_jacobian)
        inspector.setStretchFactor(0, 3)
        inspector.setStretchFactor(1, 2)
        inspector.setSizes([420, 280])
        self.tabs = QTabWidget()
        self.tabs.setObjectName("lab_tabs")
        self.tabs.addTab(self.results, "Results")
        self.tabs.addTab(inspector, "Inspector")
        self.tabs.addTab(self.reveal, "Jacobian")
        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(self.graph_view)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([820, 520])
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.actions_.toolbar)
        column.addWidget(self.form)
        column.addWidget(splitter, 1)

    def _connect(self):
        form = self.form
        for edit in (form.expression, form.values, form.direction):
            edit.returnPressed.connect(self.build)
            edit.textChanged.connect(self._remember)
        form.mode.currentIndexChanged.connect(lambda _: self.build())
        self.graph_view.sig_node_selected.connect(self.select_node)
        self.app_model.sig_trainer.connect(self._session_changed)

    # ----- state -----------------------------------------------------------------------------
    def state(self):
        """What the lab holds as plain data: expression, values, mode, direction (text), expand."""
        form = self.form
        return {"expression": form.expression.text(), "values": form.values.text(),
                "mode": form.mode_key(), "direction": form.direction.text(),
                "expand": self.actions_.expand.isChecked()}

    def set_state(self, state):
        """Show ``state`` (as ``state()`` gives) and build it."""
        form = self.form
        widgets = (form.expression, form.values, form.direction, form.mode, self.actions_.expand)
        for widget in widgets:
            widget.blockSignals(True)
        form.expression.setText(state.get("expression", ""))
        form.values.setText(state.get("values", ""))
        form.direction.setText(state.get("direction", ""))
        form.set_mode(state.get("mode", "reverse"))
        self.actions_.expand.setChecked(bool(state.get("expand", False)))
        for widget in widgets:
            widget.blockSignals(False)
        form._mode_shown()
        self.build()

    def load_setup(self, setup):
        """Load a lesson step's lab setup (``core.lessons`` LabSetup: expression, values, expand,
        mode, direction)."""
        self.set_state({"expression": setup.expression, "values": setup.values, "mode": setup.mode,
                        "direction": setup.direction, "expand": setup.expand})

    def load_example(self, example):
        """Load a ``core.expression.Example``: its formula, values and expand, in the current mode
        (along its first variable: a direction typed for another formula would not fit)."""
        self.set_state({**self.state(), "expression": example.expression, "values": example.values,
                        "expand": example.expand, "direction": ""})

    def _remember(self):
        state = self.state()
        self.app_model.session.lab = state
        settings().setValue(SETTINGS_KEY, json.dumps(state))

    def _session_changed(self):
        """A session was opened (or a trainer installed): take its lab, or give it ours."""
        lab = self.app_model.session.lab
        if lab is None:
            self.app_model.session.lab = self.state()
        elif lab != self.state():
            self.set_state(lab)

    # ----- building and stepping -------------------------------------------------------------
    def build(self):
        """Parse and build the walk; False (message in ``lab_error``, old graph kept) if it fails."""
        self._remember()
        form = self.form
        text, values_text = form.expression.text(), form.values.text()
        field, shown = "Expression", text
        try:
            expr = parse(text)
            field, shown = "Values", values_text
            values = parse_values(values_text)
            field, shown = "Direction", form.direction.text()
            direction = form.direction_value(expr.variables) if form.mode_key() != "reverse" else None
            field, shown = "Expression", text   # missing values and shapes point into the formula
            walk, counts = self._walk(expr, values, direction)
        except ExpressionError as error:
            if error.message.startswith("direction"):
                field, shown = "Direction", form.direction.text()
            self.error.explain(field, shown, error)
            return False
        except Exception as exc:  # noqa: BLE001 — an engine failure is reported, the lab goes on
            self.app_model.report("Building the formula", exc)
            return False
        self.error.clear_error()
        self.expr, self.values, self.walk, self.counts = expr, values, walk, counts
        self.direction = direction
        self.selected = None
        form.set_variables(expr.variables)
        self.reveal.set_source(expr, values, walk.expand)
        self.redraw()
        return True

    def _walk(self, expr, values, direction):
        expand = self.actions_.expand.isChecked()
        walk = expr.walk(values, expand=expand, mode=self.form.mode_key(), direction=direction)
        return walk, (expr.node_count(values, False), expr.node_count(values, True))

    def reset(self):
        """The same formula and values from the start (the mode and expand as they are now)."""
        if self.expr is None:
            return
        try:
            self.walk, self.counts = self._walk(self.expr, self.values, self.direction)
        except Exception as exc:  # noqa: BLE001 — e.g. a direction for the old mode: reported
            self.app_model.report("Reset", exc)
            return
        self.redraw()

    def step(self):
        """One node; the inspector follows it."""
        self._advance(lambda walk: walk.step())

    def run(self):
        """Every remaining node."""
        self._advance(lambda walk: walk.run())

    def _advance(self, call):
        if self.walk is None:
            return
        try:
            call(self.walk)
        except Exception as exc:  # noqa: BLE001 — shown, never fatal
            self.app_model.report("Lab step", exc)
        self.selected = self.walk.active
        self.redraw()

    def select_node(self, node_id):
        """Show ``node_id`` (or None) in the inspector."""
        self.selected = node_id
        self.redraw()

    # ----- drawing ---------------------------------------------------------------------------
    def redraw(self):
        """Draw the graph, the inspector, the results and the actions from ``walk``."""
        walk = self.walk
        self.graph_view.gradient_symbol = SYMBOLS[walk.mode] if walk is not None else "∂f"
        self.graph_view.show_snapshot(lab_snapshot(walk), highlight_next=False,
                                      active=None if walk is None else walk.active)
        self.graph_view.select_node(self.selected, notify=False)
        self.inspector.set_node(self.selected, lab_snapshot(walk, tangents=False))
        self.local_jacobian.show_node(walk, self.selected)
        self.results.show_walk(walk, self.counts)
        self.actions_.refresh(walk)
        self.sig_walk.emit(walk)

