"""Backprop Studio from a clone: ``python main.py`` opens the app, ``python main.py train …`` runs
headless. Installed, the same is the ``backprop-studio`` command (gui.launch)."""
import sys


def main(argv=None) -> int:
    """Run a headless command, or open the app when ``argv`` names none; returns the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    from core import cli  # a headless command imports nothing from gui (so no Qt)
    if cli.wants_cli(argv):
        return cli.run(argv)
    from gui.launch import main as launch
    return launch(argv)


if __name__ == "__main__":
    sys.exit(main())
