"""The plots of the four plot docks and of the curvature panel, built after the window's first paint.

Importing pyqtgraph and building its plots takes a good part of a second, and none of them is
needed to show the window; so the docks start with empty room the size of their plots
(``gui.plots.sizes``: the layout stays as it is when they come). Once the window has been painted,
a background thread imports the plot modules (Python hands the event loop the interpreter every
few milliseconds, so clicks are not kept waiting); then the plots are built a step at a time, one
step per turn of the event loop (a plot's construction is cut into its costly parts, 5–20 ms of
pyqtgraph each: ``gui.plots.style.run_steps``), those whose dock can be seen first, and a step
waits a turn when the loop has just done other work (the paint of a plot that came, a panel's
draw), so that no turn does both. Each plot goes into its dock in the current theme as soon as it
is complete, and its panel draws from then on; a dock shown before its plot is complete gets it
at once, drawn. The other after-paint work (``later``) runs after them, one per turn. Whatever
asks for a plot earlier (tests, scripts, exports) gets it built there and then. Until then
nothing here imports pyqtgraph; ``window_panels`` lists the window's redrawn panels.
"""
import importlib
import threading
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from . import plots
from .plots import sizes
from .redraw import Panel
from .repaint import repaint_now

PLOT_MODULES = tuple(f"gui.plots.{name}" for name in
                     ("loss_plot", "boundary_plot", "weights_plot", "gradnorm_plot", "curvature_plot"))
DOCK_PLOTS = ("loss", "boundary", "weights", "gradnorm")   # the plots of the window's plot docks
POLL_MS = 15   # how often the event loop looks whether the import thread has finished
BUSY_S = 0.004  # the loop spent longer than this on other work since the last step: wait a turn
_END = object()


class _Plot:
    """One plot: ``make()`` gives it with its construction steps still to run; its last step themes
    it and puts it where it shows (``place``). Whether its ``dock`` can be seen decides its turn."""

    def __init__(self, name, make, place, dock):
        self.name, self.make, self.place, self.dock = name, make, place, dock
        self.widget = None
        self.done = False

    def step(self):
        """One step of the plot's making; True once it is complete and in place."""
        if self.widget is None:
            self.widget = self.make()
        elif not self.done and next(self.widget.steps, _END) is _END:
            from .plots.style import apply_theme_to  # pyqtgraph: loaded by now, not at start-up
            apply_theme_to(self.widget)   # in this step, so no theme switch can come in between
            self.place(self.widget)
            self.done = True
        return self.done

    def finish(self):
        while not self.step():
            pass


class PlotDocks(QObject):
    """The window's plots by name ("loss", "boundary", "weights", "gradnorm", "curvature"), built
    after ``window``'s graph is first painted or on first use; ``later`` callables run after them,
    one per turn (the lessons' list), and ``background`` ones (Qt-free loading that ``later``
    needs, such as the lessons' files) in the import thread. Iterating gives the dock plots."""

    def __init__(self, window, later=(), background=()):
        super().__init__(window)
        self.window, self.later, self.background = window, list(later), tuple(background)
        model, panel = window.app_model, window.curvature_panel
        self._plots = {plot.name: plot for plot in (
            _Plot("loss", lambda: plots.LossPlot(stepwise=True), _into(window.loss_dock), window.loss_dock),
            _Plot("boundary", lambda: plots.BoundaryPlot(model, stepwise=True), _into(window.boundary_dock),
                  window.boundary_dock),
            _Plot("weights", lambda: plots.WeightsPlot(stepwise=True), _into(window.weights_dock),
                  window.weights_dock),
            _Plot("gradnorm", lambda: plots.GradNormPlot(stepwise=True), _into(window.gradnorm_dock),
                  window.gradnorm_dock),
            _Plot("curvature", lambda: plots.CurvaturePlot(stepwise=True), panel.set_plot,
                  window.curvature_dock))}
        panel.make_plot = lambda: self.plot("curvature")   # one maker of the curvature plot: here
        for dock, size in ((window.loss_dock, sizes.LOSS), (window.boundary_dock, sizes.BOUNDARY),
                           (window.weights_dock, sizes.WEIGHTS), (window.gradnorm_dock, sizes.GRADNORM)):
            room = QWidget()
            room.setMinimumSize(*size)
            dock.setWidget(room)
        for plot in self._plots.values():
            plot.dock.visibilityChanged.connect(lambda visible, plot=plot: visible and self._shown(plot))
        self._themed = False   # the plots' theme is set (once pyqtgraph is loaded)
        self._finished = False
        self._stepped, self._waited = 0.0, False   # when the last step ended; whether one waited since
        self._importer = None
        self._painted = window.graph_view.viewport()
        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self._imported)
        # a timer, not singleShot(0): a chain of posted calls would keep the loop's timers waiting
        self._next = QTimer(self, singleShot=True, interval=0)
        self._next.timeout.connect(self._build_next)
        self._painted.installEventFilter(self)

    @property
    def built(self):
        """Every plot exists and the after-paint work has run."""
        return self._finished

    def ready(self, name):
        """Whether the plot ``name`` is complete and in place."""
        return self._plots[name].done

    def plot(self, name):
        """The plot ``name``, made and put in place now if it was not yet."""
        self._prepare()
        self._plots[name].finish()
        return self._plots[name].widget

    def build(self):
        """The four plots of the docks; every plot made (and the after-paint work run) now."""
        while not self.built:
            self._build_next(chain=False)
        return tuple(self._plots[name].widget for name in DOCK_PLOTS)

    def __iter__(self):
        return iter(self.build())

    def clear(self):
        """Forget what the dock plots show (a new trainer); those not made yet show nothing anyway."""
        for name in DOCK_PLOTS:
            if self._plots[name].done:
                self._plots[name].widget.clear()

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Paint and watched is self._painted:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._start)   # after this paint has reached the screen
        return False

    def _start(self):
        if self._themed:   # a plot was asked for before the paint: pyqtgraph is loaded already
            self._build_next()
        elif self._importer is None:
            self._importer = threading.Thread(target=self._load, name="plot imports", daemon=True)
            self._importer.start()
            self._poll.start()

    def _load(self):
        """In the import thread: the plot modules, then the ``background`` work (no Qt object made)."""
        _import_plot_modules()
        for work in self.background:
            work()

    def _imported(self):
        if self._importer.is_alive():
            return
        self._poll.stop()
        self._build_next()

    def _prepare(self):
        """pyqtgraph loaded (here, if the import thread has not done it yet) and the theme set."""
        if not self._themed:
            self._poll.stop()
            _import_plot_modules()
            self.window.lecture.appearance.apply_plots()   # no plot yet: sets the theme they are made in
            self._themed = True

    def _build_next(self, chain=True):
        """One step of a plot (one whose dock can be seen first), or one ``later`` callable, this
        turn; ``chain``: the next one in the next turn."""
        if self.built:
            return
        if chain and not self._waited and time.perf_counter() - self._stepped > BUSY_S:
            # the loop did other work since the last step (a paint, a panel's draw): not both in
            # one turn, which would keep clicks waiting for the two; the step comes next turn
            self._waited = True
            self._stepped = time.perf_counter()
            self._next.start()
            return
        self._waited = False
        self._prepare()
        pending = [plot for plot in self._plots.values() if not plot.done]
        if pending:
            plot = next((p for p in pending if self.window._shown.get(p.dock, False)), pending[0])
            if plot.step():
                self.window.plot_ready(plot.name)
        elif self.later:
            self.later.pop(0)()
        else:
            self._finished = True
            return
        self._stepped = time.perf_counter()
        if chain:
            self._next.start()

    def _shown(self, plot):
        """``plot``'s dock is being shown: the plot complete and drawn before it is painted."""
        if self._themed and not plot.done:
            plot.finish()
            self.window.plot_ready(plot.name, now=True)


def _into(dock):
    """Put a plot into ``dock`` in place of the room kept for it."""
    def place(plot):
        room = dock.widget()
        dock.setWidget(plot)
        room.deleteLater()
    return place


def _import_plot_modules():
    """Load pyqtgraph and the plot modules: they define classes and make no Qt object, so the
    import thread may do it."""
    for name in PLOT_MODULES:
        importlib.import_module(name)


def window_panels(window):
    """The panels ``window`` redraws through its RedrawScheduler: the inspector, the four plots and
    the curvature panel; a plot panel draws once its plot exists and while its dock can be seen."""
    model = window.app_model

    def shown(dock):
        return lambda: window._shown.get(dock, False)

    def plot_panel(name, dock, key, draw=None):
        def draw_plot(s):
            plot = window.plot_docks.plot(name)
            plot.show_snapshot(s)
            repaint_now(plot)
        return Panel(name, draw or draw_plot, lambda s: (model.generation, key(s)),
                     lambda: window.plot_docks.ready(name) and window._shown.get(dock, False))

    def history_length(s):
        return len(s.history["iteration"])

    inspector = Panel("inspector", lambda s: window.inspector.set_node(model.selected, s),
                      lambda s: (model.version, model.selected), shown(window.inspector_dock))
    curvature = window.curvature_panel

    def draw_curvature(s):
        curvature.show_snapshot(s)
        repaint_now(curvature)
    return [inspector,
            plot_panel("loss", window.loss_dock, history_length),
            plot_panel("boundary", window.boundary_dock, lambda s: (s.iteration, history_length(s))),
            plot_panel("weights", window.weights_dock, lambda s: (s.iteration, s.completed)),
            plot_panel("gradnorm", window.gradnorm_dock, history_length),
            plot_panel("curvature", window.curvature_dock, curvature.key, draw_curvature)]
