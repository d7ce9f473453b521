"""Light, dark and projector themes, and the text scale: the palette, the window's style sheet and
the plots' colours and fonts, applied live to everything in a window.

A theme is data (``Theme``); ``Appearance`` keeps the user's choice (light, dark or the system's,
remembered in QSettings) and applies it, or the high-contrast projector theme while presenting.
Gradient colours are the Okabe–Ito blue and orange, which colour-blind viewers tell apart.
"""
import sys
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from .graph_theme import GRAPH_THEMES
from .graph_view import GraphView

CHOICES = {"light": "Light", "dark": "Dark", "system": "Follow the system"}


@dataclass(frozen=True)
class Theme:
    """The colours of one theme (CSS colour strings)."""
    name: str
    window: str
    base: str
    alternate: str
    text: str
    muted: str
    button: str
    highlight: str
    highlight_text: str
    border: str
    plot_background: str
    plot_foreground: str
    hint_background: str
    banner_background: str
    banner_text: str
    banner_border: str
    next_background: str
    next_text: str
    next_border: str
    negative: str = "#0072B2"   # Okabe–Ito blue
    positive: str = "#E69F00"   # Okabe–Ito orange

    @property
    def dark(self):
        """Whether the background is dark (light text)."""
        return QColor(self.window).lightness() < 128


LIGHT = Theme("light", window="#EFEFEF", base="#FFFFFF", alternate="#F5F5F5", text="#1E1E1E",
              muted="#5A5A5A", button="#E6E6E6", highlight="#2F6DB5", highlight_text="#FFFFFF",
              border="#B8B8B8", plot_background="#FFFFFF", plot_foreground="#303030",
              hint_background="#F4F1E6", banner_background="#FBE3D6", banner_text="#7A2600",
              banner_border="#D55E00", next_background="#FFE07A", next_text="#1E1E1E",
              next_border="#B89400")
DARK = Theme("dark", window="#2B2B2B", base="#1E1E1E", alternate="#262626", text="#E8E8E8",
             muted="#B0B0B0", button="#3A3A3A", highlight="#4A8FD9", highlight_text="#FFFFFF",
             border="#555555", plot_background="#1E1E1E", plot_foreground="#E0E0E0",
             hint_background="#33302A", banner_background="#4A2414", banner_text="#FFD9C2",
             banner_border="#E07B39", next_background="#8A6A00", next_text="#FFFFFF",
             next_border="#F0C419", negative="#56B4E9", positive="#E69F00")
# A projector washes out pale tints and thin greys: pure white on black, strong borders.
PROJECTOR = Theme("projector", window="#000000", base="#000000", alternate="#101010", text="#FFFFFF",
                  muted="#E0E0E0", button="#202020", highlight="#FFD21F", highlight_text="#000000",
                  border="#FFFFFF", plot_background="#000000", plot_foreground="#FFFFFF",
                  hint_background="#1A1A1A", banner_background="#5C1A00", banner_text="#FFFFFF",
                  banner_border="#FF8C3A", next_background="#FFD21F", next_text="#000000",
                  next_border="#FFFFFF", negative="#56B4E9", positive="#E69F00")
THEMES = {theme.name: theme for theme in (LIGHT, DARK, PROJECTOR)}


def system_is_dark():
    """Whether the desktop asks for a dark colour scheme (Qt 6.5+ knows; else light)."""
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    return scheme is not None and scheme() == Qt.ColorScheme.Dark


def resolve(choice):
    """The Theme for a user choice: "light", "dark" or "system"."""
    if choice not in CHOICES:
        raise ValueError(f"unknown theme {choice!r}: choose one of {', '.join(CHOICES)}")
    if choice == "system":
        return DARK if system_is_dark() else LIGHT
    return THEMES[choice]


def palette(theme):
    """A QPalette in the theme's colours (disabled text greyed towards the background)."""
    p = QPalette()
    roles = {QPalette.Window: theme.window, QPalette.WindowText: theme.text, QPalette.Base: theme.base,
             QPalette.AlternateBase: theme.alternate, QPalette.Text: theme.text,
             QPalette.Button: theme.button, QPalette.ButtonText: theme.text,
             QPalette.ToolTipBase: theme.base, QPalette.ToolTipText: theme.text,
             QPalette.Highlight: theme.highlight, QPalette.HighlightedText: theme.highlight_text,
             QPalette.PlaceholderText: theme.muted, QPalette.Link: theme.highlight,
             QPalette.BrightText: theme.banner_text, QPalette.Mid: theme.border,
             QPalette.Dark: theme.border, QPalette.Light: theme.alternate}
    for role, colour in roles.items():
        p.setColor(role, QColor(colour))
    for role in (QPalette.WindowText, QPalette.Text, QPalette.ButtonText):
        p.setColor(QPalette.Disabled, role, QColor(theme.muted if not theme.dark else "#808080"))
    return p


def style_sheet(theme, point_size):
    """The window's rules for the hint line, the banners, the highlighted next button and the dock
    titles (which otherwise keep the platform's small title font at every text scale)."""
    return f"""
QDockWidget {{ font-size: {point_size:.1f}pt; }}
#phase_hint {{ padding: 4px 8px; background: {theme.hint_background}; color: {theme.text};
               border-bottom: 1px solid {theme.border}; }}
#divergence_banner, #health_banner {{ padding: 6px 8px; background: {theme.banner_background};
    color: {theme.banner_text}; border: 1px solid {theme.banner_border}; font-weight: bold; }}
QToolButton[next="true"] {{ background: {theme.next_background}; color: {theme.next_text};
    border: 1px solid {theme.next_border}; border-radius: 4px; font-weight: bold; }}
""" + (_PROJECTOR_INDICATORS.format(theme=theme) if theme is PROJECTOR else "")


# Fusion draws a check box's frame a shade off the window colour: on the projector's black, none
_PROJECTOR_INDICATORS = """
QCheckBox::indicator {{ width: 0.9em; height: 0.9em; border: 2px solid {theme.border};
    background: {theme.base}; }}
QCheckBox::indicator:checked {{ background: {theme.highlight}; }}
"""


class Appearance(QObject):
    """The theme and text scale of ``window``: View ▸ Theme actions, remembered in ``stored``."""

    def __init__(self, window, stored):
        super().__init__(window)
        self.window = window
        self.stored = stored
        app = QApplication.instance()
        self.base_font = QFont(app.font())
        app.setStyle("Fusion")   # the one style that draws every widget in the palette's colours
        choice = str(stored.value("theme", "system"))
        self.choice = choice if choice in CHOICES else "system"
        self.presenting = False
        self.text_scale = 1.0
        self.group = QActionGroup(self)
        self.actions = {}
        for key, text in CHOICES.items():
            action = QAction(text, window, checkable=True)
            action.setObjectName(f"action_theme_{key}")
            action.setStatusTip(f"Colours: {text.lower()}.")
            action.setChecked(key == self.choice)
            action.triggered.connect(lambda _=False, key=key: self.set_choice(key))
            self.group.addAction(action)
            self.actions[key] = action
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_changed)

    def populate(self, menu):
        """The theme choices as a Theme submenu of ``menu``."""
        sub = menu.addMenu("&Theme")
        for action in self.actions.values():
            sub.addAction(action)

    @property
    def theme(self):
        """The Theme in use now (the projector's while presenting)."""
        return PROJECTOR if self.presenting else resolve(self.choice)

    def set_choice(self, choice):
        """Use theme ``choice`` ("light", "dark", "system") and remember it."""
        resolve(choice)   # an unknown name fails here, before anything changes
        self.choice = choice
        self.actions[choice].setChecked(True)
        self.stored.setValue("theme", choice)
        self.apply()

    def set_presenting(self, on, text_scale=1.0):
        """The projector theme and ``text_scale`` while presenting; the chosen theme at 1× after."""
        self.presenting = bool(on)
        self.text_scale = float(text_scale) if on else 1.0
        self.apply()

    def apply(self):
        """Palette, style sheet, fonts, plots and graph in the current theme and text scale."""
        theme, scale = self.theme, self.text_scale
        app = QApplication.instance()
        app.setPalette(palette(theme))
        font = QFont(self.base_font)
        font.setPointSizeF(self.base_font.pointSizeF() * scale)
        app.setFont(font)   # every widget without a font of its own follows
        self.window.setStyleSheet(style_sheet(theme, font.pointSizeF()))
        self.apply_plots()
        self.apply_graphs()

    def apply_graphs(self):
        """The graph views alone in the current theme and text scale (also one built just now)."""
        for graph in self.window.findChildren(GraphView):   # the trainer's, the lab's, the lessons'
            graph.apply_theme(GRAPH_THEMES[self.theme.name])
            graph.set_presentation_text(self.text_scale if self.presenting else None)

    def apply_plots(self):
        """The plots alone in the current theme and text scale (also those built just now)."""
        if "pyqtgraph" not in sys.modules:   # no plot exists yet (they are built after the first paint)
            return
        import pyqtgraph as pg

        from .plots.boundary_plot import BoundaryPlot
        from .plots.style import apply_current_theme, set_plot_theme
        font = QFont(self.base_font)
        font.setPointSizeF(self.base_font.pointSizeF() * self.text_scale)
        set_plot_theme(self.theme, font)
        for plot in self.window.findChildren(pg.GraphicsView):
            apply_current_theme(plot)
        for plot in self.window.findChildren(BoundaryPlot):   # its regions are tinted to the theme
            plot.recolour()

    def _system_changed(self, *_):
        if self.choice == "system" and not self.presenting:
            self.apply()
