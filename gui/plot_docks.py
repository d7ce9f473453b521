"""The four plot docks' contents (and the curvature plot), built after the window's first paint.

Importing pyqtgraph and building its plots takes a good part of a second, and none of them is
needed to show the window; so the docks start empty. Once the window has been painted, a
background thread imports the plot modules (Python hands the event loop the interpreter every few
milliseconds, so clicks are not kept waiting), then the plots are built one per turn of the event
loop (and the other after-paint work, ``later``, one per turn after them); the plot panels draw
once all exist. Whatever asks for a plot earlier (tests, scripts, exports) gets them all at once.
Until then nothing here imports pyqtgraph; ``window_panels`` lists the window's redrawn panels.
"""
import importlib
import threading

from PySide6.QtCore import QEvent, QObject, QTimer

from .redraw import Panel

PLOT_MODULES = ("gui.plots", "gui.plots.curvature_plot")
POLL_MS = 15   # how often the event loop looks whether the import thread has finished


class PlotDocks(QObject):
    """The loss, boundary, weights and gradient-norm plots of ``docks`` (in that order); iterating
    it gives the plots, built on first use or after ``painted`` (a widget) is first painted;
    ``later`` callables run then too, one per turn (the curvature plot, the lessons' list), and
    ``on_built()`` once they all have."""

    def __init__(self, app_model, docks, on_built, painted, later=()):
        super().__init__(painted)
        self.app_model, self.docks, self.on_built, self.later = app_model, docks, on_built, later
        self._plots = None
        self._made = []        # the plots made so far, one per turn of the event loop
        self._importer = None
        self._painted = painted
        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self._imported)
        # a timer, not singleShot(0): a chain of posted calls would keep the loop's timers waiting
        self._next = QTimer(self, singleShot=True, interval=0)
        self._next.timeout.connect(self._build_next)
        painted.installEventFilter(self)

    @property
    def built(self):
        """Every plot exists (and ``on_built`` has run)."""
        return self._plots is not None

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Paint and watched is self._painted:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._start)   # after this paint has reached the screen
        return False

    def _start(self):
        if self.built:
            return
        self._importer = threading.Thread(target=_import_plot_modules, name="plot imports", daemon=True)
        self._importer.start()
        self._poll.start()

    def _imported(self):
        if self._importer.is_alive():
            return
        self._poll.stop()
        self._build_next()

    def _build_next(self):
        """One more plot (or the curvature plot) this turn; the next one in the next turn."""
        if self.built:
            return
        if self._make_one():
            self._next.start()
        else:
            self._finish()

    def _make_one(self):
        """Make the next missing plot; False when none is missing."""
        from .plots import BoundaryPlot, GradNormPlot, LossPlot, WeightsPlot  # pyqtgraph: not at start-up
        makers = (LossPlot, lambda: BoundaryPlot(self.app_model), WeightsPlot, GradNormPlot, *self.later)
        if len(self._made) == len(makers):
            return False
        index = len(self._made)
        made = makers[index]()
        if index < len(self.docks):
            self.docks[index].setWidget(made)
        self._made.append(made)
        return True

    def _finish(self):
        self._poll.stop()
        self._plots = tuple(self._made[:len(self.docks)])
        self.on_built()

    def build(self):
        """The plots, made and put in their docks now if they were not yet."""
        while not self.built and self._make_one():
            pass
        if not self.built:
            self._finish()
        return self._plots

    def __iter__(self):
        return iter(self.build())

    def clear(self):
        """Forget what the plots show (a new trainer); nothing to do before they exist."""
        for plot in self._plots or ():
            plot.clear()


def _import_plot_modules():
    """In the import thread: load pyqtgraph and the plot modules (defining classes, no widgets)."""
    for name in PLOT_MODULES:
        importlib.import_module(name)


def window_panels(window):
    """The panels ``window`` redraws through its RedrawScheduler: the inspector, the four plots and
    the curvature panel; a plot panel draws once the plots exist and while its dock can be seen."""
    model = window.app_model

    def shown(dock):
        return lambda: window._shown.get(dock, False)

    def plot_panel(name, plot, dock, key):   # ``plot``: the window's attribute (built later)
        def draw(s):
            widget = getattr(window, plot)
            widget.show_snapshot(s)
            widget.repaint()
        return Panel(name, draw, lambda s: (model.generation, key(s)),
                     lambda: window.plot_docks.built and window._shown.get(dock, False))

    def history_length(s):
        return len(s.history["iteration"])

    inspector = Panel("inspector", lambda s: window.inspector.set_node(model.selected, s),
                      lambda s: (model.version, model.selected), shown(window.inspector_dock))
    return [inspector,
            plot_panel("loss", "loss_plot", window.loss_dock, history_length),
            plot_panel("boundary", "boundary_plot", window.boundary_dock,
                       lambda s: (s.iteration, history_length(s))),
            plot_panel("weights", "weights_plot", window.weights_dock,
                       lambda s: (s.iteration, s.completed)),
            plot_panel("gradnorm", "gradnorm_plot", window.gradnorm_dock, history_length),
            plot_panel("curvature", "curvature_panel", window.curvature_dock, window.curvature_panel.key)]
