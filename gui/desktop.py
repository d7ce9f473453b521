"""The launcher for the current user: the .desktop file and the icons, written to the XDG data folder
(``$XDG_DATA_HOME``, by default ``~/.local/share``) and removed again. Qt-free.
"""
import os
import sys
from pathlib import Path

from core.resource_files import resource

APP_ID = "backprop-studio"   # the .desktop file's name, its Icon=, and the app's desktop file name
RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")  # characters that make the spec quote an Exec= argument
ICONS = {  # hicolor folder: file in resources/icons
    "scalable": f"{APP_ID}.svg",
    "48x48": f"{APP_ID}-48.png",
    "256x256": f"{APP_ID}-256.png",
}


def data_home(environ=None) -> Path:
    """``$XDG_DATA_HOME`` when set to an absolute path (as the spec asks), else ``~/.local/share``."""
    environ = os.environ if environ is None else environ
    value = environ.get("XDG_DATA_HOME", "")
    return Path(value) if os.path.isabs(value) else Path.home() / ".local" / "share"


def targets(root) -> dict[Path, Path]:
    """Installed path: bundled file, for the .desktop file and every icon size."""
    files = {root / "applications" / f"{APP_ID}.desktop": resource("desktop", f"{APP_ID}.desktop")}
    for size, name in ICONS.items():
        suffix = Path(name).suffix
        files[root / "icons" / "hicolor" / size / "apps" / f"{APP_ID}{suffix}"] = resource("icons", name)
    return files


def launch_command(argv0=None, executable=None) -> str:
    """The Exec= line's command: this very installation, so the launcher works without PATH."""
    argv0 = Path(argv0 or sys.argv[0]).resolve()
    if argv0.suffix == ".py":  # python main.py from a clone
        return " ".join([_exec_quote(executable or sys.executable), _exec_quote(str(argv0))])
    return _exec_quote(str(argv0))


def _exec_quote(argument):
    """Quote one Exec= argument as the Desktop Entry spec asks (double quotes, not a shell's)."""
    argument = argument.replace("%", "%%")
    if not any(char in argument for char in RESERVED):
        return argument
    escaped = "".join("\\" + char if char in '"`$\\' else char for char in argument)
    return f'"{escaped}"'.replace("\\", "\\\\")  # the file's string escape comes on top


def desktop_entry(command) -> str:
    """The bundled .desktop file with Exec= pointing at ``command``."""
    text = resource("desktop", f"{APP_ID}.desktop").read_text(encoding="utf-8")
    lines = [f"Exec={command}" if line.startswith("Exec=") else line for line in text.splitlines()]
    return "\n".join(lines) + "\n"


def install(stdout, root=None, command=None) -> int:
    """Write the launcher and the icons; prints each file written. Returns the exit code."""
    root = data_home() if root is None else Path(root)
    command = command or launch_command()
    for target, source in targets(root).items():
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.suffix == ".desktop":
            target.write_text(desktop_entry(command), encoding="utf-8")
        else:
            target.write_bytes(source.read_bytes())
        print(f"wrote {target}", file=stdout)
    print("Backprop Studio is in the applications menu (log out and in if it does not show yet).",
          file=stdout)
    return 0


def uninstall(stdout, root=None) -> int:
    """Remove what ``install`` wrote; prints each file removed. Returns the exit code."""
    root = data_home() if root is None else Path(root)
    removed = 0
    for target in targets(root):
        if target.is_file():
            target.unlink()
            removed += 1
            print(f"removed {target}", file=stdout)
    if not removed:
        print(f"nothing to remove: no Backprop Studio launcher under {root}", file=stdout)
    return 0
