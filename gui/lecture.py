"""The window's lecture-hall tools, built in one call: themes, presentation mode, the Help menu
and Quit (``gui.theme``, ``gui.presentation``, ``gui.help``)."""
from types import SimpleNamespace

from .file_actions import settings
from .help import HelpActions
from .presentation import Presentation
from .theme import Appearance


def install(window, file_menu, view_menu):
    """Add the tools' actions to ``window`` and its menus, apply the theme; returns them as
    ``.appearance``, ``.presentation`` and ``.help``."""
    stored = settings()
    appearance = Appearance(window, stored)
    presentation = Presentation(window, appearance, stored)
    help_actions = HelpActions(window)
    view_menu.addSeparator()
    appearance.populate(view_menu)
    presentation.populate(view_menu)
    help_actions.populate(window.menuBar(), file_menu)
    appearance.apply()
    return SimpleNamespace(appearance=appearance, presentation=presentation, help=help_actions)
