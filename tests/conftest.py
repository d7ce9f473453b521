"""Suite-wide settings: Qt renders offscreen and hypothesis has no per-example deadline
(the machines that run the suite are shared and their timing is noisy). Under CI
(``CI`` set) hypothesis draws the same examples every run, so a result never depends on luck;
locally it explores new ones each time."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from hypothesis import settings  # noqa: E402

settings.register_profile("dev", deadline=None, print_blob=True)
settings.register_profile("ci", deadline=None, print_blob=True, derandomize=True, database=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
