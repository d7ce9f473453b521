"""The lecture-hall tools: themes, presentation mode, health warnings, help, Quit, screen fit."""
import dataclasses

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QAction, QGuiApplication, QPalette, QScreen
from PySide6.QtWidgets import QApplication, QCheckBox, QDockWidget, QMessageBox, QTabBar

import core
from core.training import TrainerConfig, build_trainer
from gui.graph_theme import GRAPH_THEMES
from gui.plots import GradNormPlot, LossPlot
from gui.plots.style import region_colors
from gui.screen_fit import first_geometry
from gui.theme import DARK, LIGHT, PROJECTOR


def action(window, name):
    return window.findChild(QAction, name)


def window_color(role=QPalette.Window):
    return QApplication.palette().color(role).name().upper()


def plot_background(plot):
    return plot.backgroundBrush().color().name().upper()


def test_the_theme_switch_recolours_the_window_and_the_plots(window):
    action(window, "action_theme_dark").trigger()
    assert window_color() == DARK.window and window_color(QPalette.Text) == DARK.text
    assert plot_background(window.loss_plot.loss_plot) == DARK.plot_background
    assert DARK.hint_background in window.styleSheet()
    axis = window.gradnorm_plot.plot.getPlotItem().getAxis("left")
    assert axis.textPen().color().name().upper() == DARK.plot_foreground
    action(window, "action_theme_light").trigger()
    assert window_color() == LIGHT.window
    assert plot_background(window.boundary_plot.plot) == LIGHT.plot_background
    assert window.lecture.appearance.stored.value("theme") == "light"   # remembered


def dock_layout(window):
    return {d.objectName(): (d.isVisible(), window.dockWidgetArea(d)) for d in window.findChildren(QDockWidget)}


def graph_text_on_screen(view):
    """The on-screen pixel height of the graph's value text: font size × the view's scale."""
    item = next(iter(view.node_items.values())).value_text[0]
    return item.font().pixelSize() * view.transform().m11()


def test_presentation_mode_scales_text_hides_setup_goes_full_screen_and_restores(window, qtbot):
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: window.width() == 1366)
    view = window.graph_view
    before_graph = (graph_text_on_screen(view), view.transform(), view.text_scale)
    window.setup_dock.show()
    window.setup_dock.raise_()
    before_layout, before_state = dock_layout(window), window.windowState()
    before_font = QApplication.font().pointSizeF()
    window.lecture.presentation.set_scale(175)
    presentation = action(window, "action_presentation")
    assert presentation.shortcut().toString() == "F5" and presentation.isCheckable()
    presentation.trigger()
    assert QApplication.font().pointSizeF() >= 1.5 * before_font
    assert window.hint.font().pointSizeF() >= 1.5 * before_font
    axis = window.loss_plot.loss_plot.getPlotItem().getAxis("bottom")
    assert axis.style["tickFont"].pointSizeF() >= 1.5 * before_font
    assert view.text_scale >= 1.5
    assert graph_text_on_screen(view) >= 1.5 * before_graph[0]   # really larger on screen
    assert view.backgroundBrush().color().name().upper() == PROJECTOR.window
    assert not window.setup_dock.isVisible() and window.isFullScreen()
    assert window_color() == PROJECTOR.window
    window.lecture.presentation.set_scale(250)   # live
    assert QApplication.font().pointSizeF() >= 2.4 * before_font
    presentation.trigger()
    qtbot.waitUntil(lambda: not window.isFullScreen())
    assert window.windowState() == before_state and dock_layout(window) == before_layout
    assert QApplication.font().pointSizeF() == before_font and window_color() != PROJECTOR.window
    qtbot.waitUntil(lambda: view.transform() == before_graph[1])   # the graph as it was
    assert (graph_text_on_screen(view), view.text_scale) == (before_graph[0], before_graph[2])


def test_the_dark_theme_reaches_the_graph(window):
    action(window, "action_theme_dark").trigger()
    view = window.graph_view
    assert view.backgroundBrush().color().name().upper() == GRAPH_THEMES["dark"].background
    item = next(iter(view.node_items.values()))
    assert item.box.brush().color().name().upper() == GRAPH_THEMES["dark"].pending_fill   # forward next
    assert item.value_text[0].brush().color().name().upper() == GRAPH_THEMES["dark"].text
    assert GRAPH_THEMES["dark"].legend_fill in view.legend.styleSheet()
    action(window, "action_theme_light").trigger()
    assert view.backgroundBrush().color().name().upper() == GRAPH_THEMES["light"].background


def test_axes_read_true_values_without_an_si_prefix():
    plot = GradNormPlot()
    axis = plot.plot.getPlotItem().getAxis("left")
    assert not axis.autoSIPrefix
    assert axis.tickStrings([-1.0, 0.0, 1.0], 1.0, 1.0)[:2] == ["0.1", "1"]   # log axis: 0.1 is 0.1


def history(n):
    keys = ("train_loss", "data_loss", "reg_loss", "train_acc")
    h = {key: np.linspace(1.0, 0.5, n) for key in keys}
    h.update(iteration=np.arange(n, dtype=float), val_iteration=np.array([]), val_loss=np.array([]),
             val_acc=np.array([]))
    return h


def test_a_single_point_is_drawn_and_the_x_range_follows_the_data_after_a_clear(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    snapshot = dataclasses.make_dataclass("S", ["history"])
    plot.show_snapshot(snapshot(history(1)))
    assert plot.curves["train_loss"].opts["symbol"] == "o"
    plot.show_snapshot(snapshot(history(500)))
    assert plot.curves["train_loss"].opts["symbol"] is None
    plot.loss_plot.getPlotItem().setXRange(0, 499)
    plot.clear()
    plot.show_snapshot(snapshot(history(5)))
    plot.loss_plot.getPlotItem().getViewBox().updateAutoRange()
    assert plot.loss_plot.getPlotItem().viewRange()[0][1] < 10


def test_legends_sit_below_the_data(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    item = plot.loss_plot.getPlotItem()
    assert item.layout.itemAt(4, 1) is item.legend


def test_with_lr_10_a_banner_says_the_relus_died(window):
    window.replace_trainer(build_trainer(dataclasses.replace(TrainerConfig(), lr=10.0)))
    for _ in range(30):
        window.trainer.step()
    window.trainer.step_phase()
    window.refresh()
    banner = window.status.health
    assert banner.isVisible() and "ReLU after layer 0 are dead" in banner.text()
    window.refresh()   # the next phases keep the warning of this batch
    assert banner.isVisible()


def test_the_shortcuts_overlay_lists_every_action_with_a_shortcut(window):
    action(window, "action_shortcuts").trigger()
    overlay = window.lecture.help.overlay
    text = overlay.table.text()
    assert overlay.isVisible()
    for name in ("action_forward", "action_presentation", "action_quit", "action_reset"):
        a = action(window, name)
        assert a.text().replace("&", "") in text and a.shortcut().toString() in text
    assert [k.toString() for k in action(window, "action_shortcuts").shortcuts()] == ["F1", "?"]


def test_about_names_the_version(window, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown.append(text))
    action(window, "action_about").trigger()
    assert core.__version__ in shown[0]


def test_quit_in_the_file_menu_closes_the_window(window):
    quit_action = action(window, "action_quit")
    assert quit_action.shortcut().toString() == "Ctrl+Q"
    file_menu = window.menuBar().actions()[0].menu()
    assert quit_action in file_menu.actions()
    quit_action.trigger()
    assert not window.isVisible()


LAPTOP = QRect(0, 0, 1366, 728)   # 768 less a panel


def _first_window_on_a_laptop(qtbot, monkeypatch):
    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: LAPTOP)
    from gui import MainWindow
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    return w


def test_the_first_window_fits_a_1366_by_768_screen(qtbot, dialogs, monkeypatch):
    w = _first_window_on_a_laptop(qtbot, monkeypatch)
    assert LAPTOP.contains(w.frameGeometry()) or (w.width() <= 1366 and w.height() <= 728 - 32)
    assert w.minimumSizeHint().height() <= 728 - 32
    assert QGuiApplication.primaryScreen() is not None


def test_at_first_start_the_graph_keeps_its_share_once_the_plots_exist(qtbot, dialogs, monkeypatch):
    w = _first_window_on_a_laptop(qtbot, monkeypatch)
    qtbot.waitExposed(w)
    # from the first paint: the docks hold room of their plots' size (the graph had 124 of 696 px)
    assert not w.plot_docks.ready("loss") and w.graph_view.height() >= 0.28 * w.height()
    qtbot.waitUntil(lambda: w.plot_docks.built, timeout=30000)
    assert w.graph_view.height() >= 0.28 * w.height()
    assert w.inspector_dock.height() <= 360   # the bottom row as low as its plots allow


def test_the_first_geometry_is_the_preferred_size_or_what_fits():
    assert first_geometry(QRect(0, 0, 1920, 1080)).size().toTuple() == (1280, 800)
    small = first_geometry(QRect(0, 0, 1280, 720))
    assert small.width() == 1280 and small.bottom() < 720


def test_the_setup_panel_scrolls_when_the_dock_is_short(window):
    assert window.setup_dock.widget().widget() is window.setup_panel
    assert isinstance(window.findChild(pg.PlotWidget), pg.PlotWidget)


def test_array_tables_index_from_0_and_copy_as_text_and_csv(qtbot):
    from gui.array_view import ArrayView
    view = ArrayView("W")
    qtbot.addWidget(view)
    view.set_array(np.array([[1.5, -2.0], [0.25, 3.0]]))
    assert view.table.verticalHeaderItem(0).text() == "0"
    assert view.table.horizontalHeaderItem(1).text() == "1"
    assert [a.text() for a in view.table.actions()] == ["Copy", "Copy as CSV"]
    view.table.actions()[1].trigger()
    assert QApplication.clipboard().text() == "1.5,-2.0\n0.25,3.0\n"
    view.table.setCurrentCell(1, 1)
    view.table.actions()[0].trigger()
    assert QApplication.clipboard().text() == "3.0\n"


def test_decision_regions_are_tinted_towards_the_theme_background(window):
    action(window, "action_theme_dark").trigger()
    assert (region_colors(3).max(axis=1) < 128).all()     # dark tints under bright points
    action(window, "action_theme_light").trigger()
    assert (region_colors(3).min(axis=1) > 140).all()     # pale tints


def test_the_decision_regions_recolour_at_once_on_a_theme_switch(window):
    action(window, "action_theme_light").trigger()
    window.refresh()
    plot = window.boundary_plot
    assert plot.boundary_image() is not None
    assert plot.image.image.min() > 140                 # pale tints
    action(window, "action_theme_dark").trigger()       # no redraw, no new snapshot in between
    assert plot.image.image.max() < 128                 # dark tints already
    assert (plot.image.image[0, 0] == region_colors(3)[plot.boundary_image()[0, 0]]).all()


def test_presenting_at_1280_by_720_the_inspector_wraps_and_the_plots_keep_their_height(window, qtbot):
    window.lecture.presentation.set_scale(175)
    action(window, "action_presentation").trigger()
    window.setWindowState(Qt.WindowNoState)   # the offscreen screen is no projector: take its size
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == (1280, 720))
    for name in ("action_forward", "action_loss", "action_step_node", "action_step_node"):
        action(window, name).trigger()
    window.select_node(window.trainer.snapshot().active_node)
    inspector, header = window.inspector, window.inspector.header
    assert header.text().startswith("<span") and "node " in header.text()
    qtbot.waitUntil(lambda: inspector.widget().width() <= inspector.viewport().width())   # no sideways scroll
    assert header.geometry().right() <= inspector.viewport().width()
    qtbot.waitUntil(lambda: header.heightForWidth(header.width()) <= header.height())   # all its lines
    assert window.boundary_dock in window.tabifiedDockWidgets(window.loss_dock)   # one tab group
    tabs = next(bar for bar in window.findChildren(QTabBar) if "Boundary" in _tab_texts(bar))
    texts = _tab_texts(tabs)
    assert {"Loss", "Gradients", "Curvature", "Boundary", "Weights"} <= set(texts)
    qtbot.waitUntil(lambda: all(tabs.tabRect(i).width() >= tabs.tabSizeHint(i).width()
                                for i in range(tabs.count())))   # every title whole, none elided
    plots = window.loss_plot
    for plot in (plots.loss_plot, plots.acc_plot):
        box = plot.getPlotItem().getViewBox()
        qtbot.waitUntil(lambda box=box: box.sceneBoundingRect().height() >= 100)
    action(window, "action_presentation").trigger()
    assert (window.loss_dock.windowTitle(), window.boundary_dock.windowTitle()) == \
        ("Loss and accuracy", "Decision boundary")   # the full titles are back


def _tab_texts(bar):
    return [bar.tabText(i) for i in range(bar.count())]


def test_a_check_box_shows_its_box_on_the_projectors_black(window, qtbot):
    def brightest_of_an_empty_check_box():
        box = QCheckBox(window.inspector)   # no text: only the indicator is drawn
        box.adjustSize()
        image = box.grab().toImage()
        box.deleteLater()
        return max(image.pixelColor(x, y).lightness()
                   for x in range(image.width()) for y in range(image.height()))

    action(window, "action_presentation").trigger()
    assert brightest_of_an_empty_check_box() > 200   # a white frame on black
    action(window, "action_presentation").trigger()
