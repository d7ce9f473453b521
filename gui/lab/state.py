"""What the Lab holds as plain data, and the last run's lab as QSettings remembers it."""
import json

from ..file_actions import settings

SETTINGS_KEY = "lab/state"
DEFAULT = {"expression": "(x + y) * z", "values": "x = -2, y = 5, z = -4", "mode": "reverse",
           "direction": "x", "expand": False}


def stored_state():
    """The last run's lab (QSettings), or the lecture's first example."""
    try:
        stored = json.loads(settings().value(SETTINGS_KEY, "") or "{}")
    except (TypeError, ValueError):
        stored = {}
    if not isinstance(stored, dict):
        stored = {}
    return {**DEFAULT, **{k: v for k, v in stored.items() if k in DEFAULT and type(v) is type(DEFAULT[k])}}
