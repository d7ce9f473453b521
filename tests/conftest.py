"""Suite-wide settings: Qt renders offscreen and hypothesis has no per-example deadline
(the machines that run CI are shared and their timing is noisy)."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from hypothesis import settings  # noqa: E402

settings.register_profile("ci", deadline=None, print_blob=True)
settings.load_profile("ci")
