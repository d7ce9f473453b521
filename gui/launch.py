"""The ``backprop-studio`` command: a headless command goes to ``core.cli`` without importing Qt;
``--version``, ``--selftest``, ``--install-desktop`` and ``--uninstall-desktop`` answer and exit;
otherwise the app opens, after checking that its window can open at all.
"""
import argparse
import gc
import sys

from core import __version__, cli, runtime

from . import desktop, qt_platform, selftest


def build_parser():
    """The app's own options; anything it does not know (Qt's -style, -platform, …) goes to Qt."""
    parser = argparse.ArgumentParser(prog="backprop-studio", add_help=False, allow_abbrev=False)
    parser.add_argument("--version", action="store_true")
    parser.add_argument("--selftest", action="store_true")
    parser.add_argument("--install-desktop", action="store_true")
    parser.add_argument("--uninstall-desktop", action="store_true")
    parser.add_argument("--quit-after", type=_seconds, default=None, metavar="SECONDS")
    return parser


def main(argv=None) -> int:
    """Run what ``argv`` asks for (``sys.argv[1:]`` by default); returns the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if cli.wants_cli(argv):
        return cli.run(argv)
    try:
        options, qt_args = build_parser().parse_known_args(argv)
    except SystemExit as done:  # argparse has printed what is wrong with the option's value
        return done.code
    unknown = [arg for arg in qt_args if arg.startswith("--")]  # Qt's own options take one dash
    if unknown and cli.misplaced_train_flag(qt_args):
        print(cli.misplaced_train_flag(qt_args), file=sys.stderr)
        return 2
    if unknown:
        print(f"error: unknown option {unknown[0]} (see backprop-studio --help)", file=sys.stderr)
        return 2
    if options.version:
        print(f"backprop-studio {__version__}")
        return 0
    if options.selftest:
        return selftest.run(sys.stdout)
    if options.install_desktop:
        return desktop.install(sys.stdout)
    if options.uninstall_desktop:
        return desktop.uninstall(sys.stdout)
    problem = qt_platform.startup_problem()
    if problem:
        print(problem, file=sys.stderr)
        return qt_platform.EXIT_CODE
    prepare_process()
    from .app import run_app
    return run_app(qt_args, quit_after=options.quit_after)


def prepare_process():
    """Before the app is imported: the allocator tuned (see core.runtime) and the garbage
    collector paused while the start-up makes its objects (``gui.app.show_window`` resumes it)."""
    runtime.tune_allocator()
    # a few hundred thousand objects (modules, classes, widgets) that live as long as the app:
    # collecting while they are made scans them again and again, tens of milliseconds in all
    gc.disable()


def _seconds(text):
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds > 0")
    return value
