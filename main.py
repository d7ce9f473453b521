"""Backprop Studio entry point: no argument launches the app; subcommands run headless."""
import sys


def main(argv=None) -> int:
    """Run a headless command, or open the app when ``argv`` names none; returns the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    from core import cli  # Qt-free: the headless commands never import the GUI
    if cli.wants_cli(argv):
        return cli.run(argv)
    from gui.app import run_app
    return run_app(argv)


if __name__ == "__main__":
    sys.exit(main())
