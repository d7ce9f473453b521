"""Before Qt starts on Linux: can its X11 (xcb) platform plugin load? Qt-free apart from asking
QtCore where the plugins are.

A missing system library makes Qt abort with "could not load the Qt platform plugin"; this module
names the library and the package that provides it on Debian/Ubuntu and on Fedora instead.
"""
import ctypes
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

# Libraries of Qt's xcb plugin that distributions package under names not derived from the file.
PACKAGES = {  # soname: (Debian/Ubuntu package, Fedora package)
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libSM.so.6": ("libsm6", "libSM"),
    "libICE.so.6": ("libice6", "libICE"),
}
# Checked with ctypes when ldd is not available: the ones most often missing on a fresh system.
USUAL_SUSPECTS = ("libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1",
                  "libxcb-image.so.0", "libxcb-render-util.so.0", "libxcb-shape.so.0",
                  "libxcb-xkb.so.1", "libxkbcommon-x11.so.0", "libEGL.so.1", "libfontconfig.so.1")
EXIT_CODE = 3  # the window cannot open; distinct from the CLI's 1 (failed) and 2 (bad arguments)


def uses_xcb(environ=None, platform=None) -> bool:
    """True when Qt would pick its X11 plugin: Linux, and QT_QPA_PLATFORM unset (outside a Wayland
    session) or naming xcb."""
    environ = os.environ if environ is None else environ
    if (platform or sys.platform) != "linux":
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.split(":")[0].split(";")[0] == "xcb"
    return not environ.get("WAYLAND_DISPLAY")


def xcb_plugin() -> Path | None:
    """The xcb platform plugin of the installed PySide6, or None when it has none."""
    from PySide6.QtCore import QLibraryInfo  # QtCore only: no platform plugin is loaded
    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    plugin = plugins / "platforms" / "libqxcb.so"
    return plugin if plugin.is_file() else None


def missing_libraries(plugin) -> list[str]:
    """The sonames the plugin needs that the dynamic loader cannot find: from ``ldd`` (every
    dependency, however indirect), or by trying to load the usual suspects when there is no ldd."""
    ldd = shutil.which("ldd")
    if ldd:
        result = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=20,
                                check=False)
        found = re.findall(r"^\s*(\S+) => not found", result.stdout, flags=re.MULTILINE)
        return list(dict.fromkeys(found))
    missing = []
    for soname in USUAL_SUSPECTS:
        try:
            ctypes.CDLL(soname)
        except OSError:
            missing.append(soname)
    return missing


def packages_for(soname) -> tuple[str, str] | None:
    """(Debian/Ubuntu package, Fedora package) that installs a library, None when not known."""
    if soname in PACKAGES:
        return PACKAGES[soname]
    match = re.fullmatch(r"libxcb-([a-z0-9-]+)\.so\.(\d+)", soname)
    if match:  # the X protocol extensions: Debian packages each, Fedora ships them all in libxcb
        return f"libxcb-{match[1]}{match[2]}", "libxcb"
    return None


def explain(missing) -> str:
    """The message for missing libraries: which ones, and the commands that install them."""
    known = [packages_for(soname) for soname in missing]
    lines = [("Backprop Studio cannot open its window: Qt's X11 platform plugin (xcb) needs system "
              "libraries that are not installed:"), "  " + ", ".join(missing), ""]
    debian = [pair[0] for pair in known if pair]
    fedora = list(dict.fromkeys(pair[1] for pair in known if pair))
    if debian:
        lines += ["Install them with", f"  Debian/Ubuntu:  sudo apt install {' '.join(debian)}",
                  f"  Fedora:         sudo dnf install {' '.join(fedora)}"]
    for soname, pair in zip(missing, known):
        if pair is None:
            lines.append(f"  {soname}: find its package with `apt-file search {soname}` or "
                         f"`dnf provides '*/{soname}'`")
    lines += ["", "The headless commands work without them: backprop-studio train --help"]
    return "\n".join(lines)


def startup_problem(environ=None) -> str:
    """Why the window cannot open, found before creating the QApplication; "" when nothing is wrong
    (or nothing can be told: Qt then reports for itself)."""
    environ = os.environ if environ is None else environ
    if not uses_xcb(environ):
        return ""
    if not environ.get("DISPLAY"):
        return ("Backprop Studio cannot open its window: no display (DISPLAY is not set). Run it "
                "from a desktop session; the headless commands work anywhere: "
                "backprop-studio train --help")
    plugin = xcb_plugin()
    missing = missing_libraries(plugin) if plugin else []
    return explain(missing) if missing else ""
