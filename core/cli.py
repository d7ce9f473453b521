"""Headless commands: ``python main.py train ...`` trains without a window and exports the weights.

No Qt here. Exit codes: 0 done, 1 training diverged or an output could not be written,
2 bad arguments, an unreadable input file, an output that could not be written, or Ctrl-C.
Every argument and output path is checked before training starts.
"""
import argparse
import sys
import time
from pathlib import Path

from core import runtime

from . import cli_checks as checks

COMMANDS = ("train",)


class UsageError(Exception):
    """A bad command line: reported as one line, exit code 2."""


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows "(default: x)" where there is a plain default; None and flags explain themselves."""

    def _get_help_string(self, action):
        if action.default is None or isinstance(action.default, bool):
            return action.help
        return super()._get_help_string(action)


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(f"{message} (see {self.prog} --help)")


# The options gui/launch.py handles, written here so that --help shows them with the commands.
APP_OPTIONS = """app options (without a command):
  --version             print the version and exit
  --selftest            check the installation in a few seconds, without opening a window
  --install-desktop     add Backprop Studio to the applications menu (under $XDG_DATA_HOME,
                        by default ~/.local/share)
  --uninstall-desktop   remove it from the applications menu again
  --quit-after SECONDS  close the window by itself after SECONDS (scripted checks)"""


def program_name():
    """The name the user typed: backprop-studio when installed, main.py from a clone."""
    return "backprop-studio" if Path(sys.argv[0]).stem == "backprop-studio" else "main.py"


def wants_cli(argv):
    """True when the arguments name a command (or ask for help) rather than starting the app.

    Anything that is not an option (Qt's own options start with "-") is taken as a command,
    so a mistyped one gets an error instead of silently opening the window.
    """
    return bool(argv) and (not argv[0].startswith("-") or argv[0] in ("-h", "--help"))


def run(argv, stdout=None, stderr=None):
    """Run a command line such as ["train", "--dataset", "moons"]; returns the exit code."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    runtime.tune_allocator()  # before training allocates: see core.runtime
    try:
        args = build_parser().parse_args(argv)
        return args.run(args, stdout, stderr)
    except UsageError as error:
        print(f"error: {error}", file=stderr)
        return 2
    except SystemExit as done:  # --help
        return done.code if isinstance(done.code, int) else 0
    except KeyboardInterrupt:  # loading data, writing outputs: the writes are atomic
        print("error: interrupted; nothing was written", file=stderr)
        return 2


def misplaced_train_flag(argv):
    """One line telling to use ``train`` when ``argv`` (no command) holds one of its flags, else ""."""
    flags = train_flags()
    stray = next((arg.split("=")[0] for arg in argv if arg.split("=")[0] in flags), None)
    if stray is None or stray in ("-h", "--help"):
        return ""
    return (f"error: {stray} is an option of the train command; did you mean: "
            f"{program_name()} train {' '.join(argv)}")


def train_flags():
    """The option strings of the ``train`` command (``gui.launch`` points a stray one to it)."""
    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return {flag for action in commands.choices["train"]._actions for flag in action.option_strings}


def build_parser():
    """The argparse parser of every command; each sets ``run``, the function that carries it out."""
    from core.catalog import ACTIVATIONS, DATASETS, LOSSES, MODELS, OPTIMIZERS
    from core.io import WEIGHT_FORMATS
    from core.limits import MAX_SAMPLES
    from core.training import TrainerConfig

    default = TrainerConfig()

    parser = _Parser(prog=program_name(), description="Backprop Studio. Without a command the app "
                     "opens; with one it runs headless.", epilog=APP_OPTIONS,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
    train = commands.add_parser(
        "train", help="train a model without the app and export its weights",
        description="Train a model on a toy, bundled or CSV data set, print the final accuracy "
        "and optionally export the weights.",
        formatter_class=_HelpFormatter)
    train.set_defaults(run=train_command)

    data = train.add_argument_group("data")
    source = data.add_mutually_exclusive_group()
    source.add_argument("--dataset", choices=[k for k, e in DATASETS.items() if e.source != "csv"],
                        default=default.dataset, metavar="NAME",
                        help="generated 2-D set, or a bundled real one: " + _labels(DATASETS, "csv"))
    source.add_argument("--csv", metavar="PATH", type=Path,
                        help="CSV file: numeric feature columns, the class label in the last column "
                        "(an optional header row is detected)")
    data.add_argument("--samples", type=checks.samples, default=300, metavar="N",
                      help=f"points to generate for a toy set (at most {MAX_SAMPLES:,}, MAX_SAMPLES)")
    data.add_argument("--classes", type=checks.positive_int, default=None, metavar="K",
                      help="classes to generate ("
                      + "; ".join(f"{k}: default {e.default_classes}" for k, e in DATASETS.items()
                                  if e.takes_n_classes)
                      + "; " + ", ".join(k for k, e in DATASETS.items() if e.classes)
                      + " have a fixed count)")
    data.add_argument("--noise", type=checks.non_negative_float, default=0.2, metavar="SD",
                      help="noise of a toy set (standard deviation)")
    data.add_argument("--val-fraction", type=checks.fraction, default=0.2, metavar="F",
                      help="share of the samples held out for validation, in [0, 1)")
    data.add_argument("--data-seed", type=checks.seed, default=0, metavar="N",
                      help="seed of data generation and split")
    data.add_argument("--no-standardize", dest="standardize", action="store_false",
                      help="keep digits, iris and CSV features unscaled (default: zero mean, unit "
                      "variance from the training split)")

    model = train.add_argument_group("model and loss")
    model.add_argument("--model", choices=tuple(MODELS), default=default.model, metavar="NAME",
                       help=_labels(MODELS))
    model.add_argument("--hidden", type=checks.sizes, default="16,16", metavar="SIZES",
                       help="MLP hidden layer sizes, comma-separated, e.g. 64,64")
    model.add_argument("--activation", choices=tuple(ACTIVATIONS), default=default.activation,
                       metavar="NAME", help="MLP hidden activation: " + _labels(ACTIVATIONS))
    model.add_argument("--loss", choices=tuple(LOSSES), default=None, metavar="NAME",
                       help=_labels(LOSSES) + " (default: the model's own, "
                       + ", ".join(f"{e.default_loss} for {k}" for k, e in MODELS.items()) + ")")
    model.add_argument("--margin", type=checks.non_negative_float, default=1.0, metavar="M",
                       help="hinge loss margin")
    model.add_argument("--reg", type=checks.non_negative_float, default=1e-3, metavar="λ",
                       help="L2 strength λ: the loss adds λ·ΣW² over weight matrices")

    optim = train.add_argument_group("optimisation")
    optim.add_argument("--optimizer", choices=tuple(OPTIMIZERS), default=default.optimizer,
                       metavar="NAME", help=_labels(OPTIMIZERS, tips=True))
    optim.add_argument("--lr", type=checks.positive_float, default=None,
                       help="learning rate; default "
                       + ", ".join(f"{name} {e.lr:g}" for name, e in OPTIMIZERS.items()))
    optim.add_argument("--batch-size", type=checks.batch_size, default=None, metavar="N",
                       help="samples per iteration, or 'full' (default: full batch)")
    optim.add_argument("--iterations", type=checks.non_negative_int, default=2000, metavar="N",
                       help="training iterations")
    optim.add_argument("--seed", type=checks.seed, default=0, metavar="N",
                       help="seed of weight init and batch order")
    optim.add_argument("--eval-interval", type=checks.positive_int, default=10, metavar="N",
                       help="evaluate on the validation split every this many iterations")

    out = train.add_argument_group("output")
    out.add_argument("--export", metavar="PATH", type=Path,
                     help="write the trained weights; the suffix picks the format: "
                     + ", ".join(WEIGHT_FORMATS))
    out.add_argument("--onnx-dtype", choices=("float32", "float64"), default="float32",
                     help="number type of an exported ONNX graph (float64 matches the scores "
                     "to rounding; float32 runs everywhere)")
    out.add_argument("--save-session", metavar="PATH", type=Path,
                     help="also save the whole run (data, model, optimizer, history) to open in "
                     "the app, e.g. run.bpsession")
    out.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


# ----- train ---------------------------------------------------------------------------------------
def train_command(args, stdout, stderr):
    """Build the trainer the flags describe, train, print the accuracies, write the outputs."""
    from core.io import describe_spec, save_session, save_weights
    from core.training import build_trainer
    from core.training.model_size import ModelSizeError

    def fail(message, code=2):
        print(f"error: {message}", file=stderr)
        return code

    problem = checks.output_problem(args)
    if problem:
        return fail(problem)
    try:
        config = config_from_args(args)
        trainer = build_trainer(config)
    except ModelSizeError as error:
        return fail(f"--hidden {','.join(map(str, args.hidden))}: {_one_line(error)}")
    except (ValueError, OSError) as error:  # DataError and every bad setting are ValueErrors
        return fail(_one_line(error))
    ds = trainer.dataset

    if not args.quiet:
        batch = "full batch" if config.batch_size is None else f"batches of {config.batch_size}"
        print(f"training {describe_spec(trainer.model.spec())} on {ds.name} ({ds.n_train} train, "
              f"{ds.n_val} validation samples), {config.loss} loss, {config.optimizer} "
              f"lr {config.lr:g}, {batch}, {args.iterations} iterations", file=stderr)
    bar = None if args.quiet else ProgressBar(args.iterations, stderr)
    interrupted = False
    try:
        trainer.run(args.iterations, callback=bar.update if bar else None)
    except KeyboardInterrupt:
        interrupted = True
    if bar:
        bar.close(trainer)
    if interrupted:
        return fail(f"interrupted at iteration {trainer.iteration}; nothing was written")
    if trainer.diverged is not None:
        return fail(f"training diverged, nothing was written: {trainer.diverged['message']}", 1)

    for split, X, y in (("train", ds.X_train, ds.y_train), ("val", ds.X_val, ds.y_val)):
        if X is not None:
            result = trainer.evaluate(X, y)
            print(f"{split} accuracy {result['accuracy']:.2%}  loss {result['loss']:.4f}  "
                  f"({len(X)} samples)", file=stdout)
    try:
        if args.export is not None:
            save_weights(trainer.model, args.export, onnx_dtype=args.onnx_dtype)
            print(f"weights written to {args.export}", file=stdout)
        if args.save_session is not None:
            save_session(args.save_session, trainer)
            print(f"session written to {args.save_session}", file=stdout)
    except ValueError as error:  # WeightsError, SessionError
        return fail(_one_line(error), 1)
    return 0


def config_from_args(args):
    """The TrainerConfig of a parsed ``train`` command line; defaults the flags leave open come
    from the catalog (the model's loss, the optimizer's learning rate)."""
    from core.catalog import MODELS, OPTIMIZERS
    from core.training import TrainerConfig
    model = MODELS[args.model]
    if args.loss is not None and args.loss not in model.losses:
        raise ValueError(f"--model {args.model} trains with --loss {model.loss}, not {args.loss}")
    return TrainerConfig(
        dataset="csv" if args.csv else args.dataset, csv_path=str(args.csv or ""),
        n_samples=args.samples,
        n_classes=args.classes,  # None: the generator's own default
        noise=args.noise, data_seed=args.data_seed, val_fraction=args.val_fraction,
        standardize=args.standardize, model=args.model, hidden=args.hidden,
        activation=args.activation, loss=args.loss or model.default_loss,
        margin=args.margin, reg=args.reg, optimizer=args.optimizer,
        lr=args.lr or OPTIMIZERS[args.optimizer].lr, batch_size=args.batch_size, seed=args.seed,
        eval_interval=args.eval_interval)


def _labels(table, *skip, tips=False):
    """ "key: label; …" of a catalog table (its tips instead, with ``tips``), for --help."""
    return "; ".join(f"{key}: {entry.tip if tips else entry.label}" for key, entry in table.items()
                     if key not in skip)


class ProgressBar:
    """One line on a text stream, redrawn with a carriage return at most every ``interval`` seconds."""

    def __init__(self, total, stream, width=24, interval=0.1):
        self.total, self.stream, self.width, self.interval = total, stream, width, interval
        self.start = self.last = time.perf_counter()
        self.done = 0
        self._drawn = None    # the count last drawn
        self._length = 0      # of the last line, to blank out what a shorter one leaves behind

    def update(self, trainer):
        """One more iteration done: the trainer.run callback."""
        self.done += 1
        if self.done == self.total or time.perf_counter() - self.last >= self.interval:
            self.draw(trainer)

    def close(self, trainer):
        """Draw the final state and end the line."""
        if self._drawn != self.done:
            self.draw(trainer)
        self.stream.write("\n")
        self.stream.flush()

    def draw(self, trainer):
        """Redraw the line: bar, count, rate, latest loss and accuracies, time left."""
        self.last = now = time.perf_counter()
        self._drawn = self.done
        rate = self.done / max(now - self.start, 1e-9)
        filled = self.width * self.done // self.total if self.total else self.width
        bar = "#" * filled + "." * (self.width - filled)
        line = f"\r[{bar}] {self.done}/{self.total}  {rate:,.0f} it/s"
        history = trainer.history
        if history["train_loss"]:
            line += f"  loss {history['train_loss'][-1]:.4f}  acc {history['train_acc'][-1]:.1%}"
        if history["val_acc"]:
            line += f"  val acc {history['val_acc'][-1]:.1%}"
        if 0 < self.done < self.total:
            line += f"  eta {(self.total - self.done) / rate:.0f}s"
        self.stream.write(line.ljust(self._length))
        self._length = len(line)
        self.stream.flush()


def _one_line(error):
    return " ".join(str(error).split())
