"""``backprop-studio --selftest``: checks the installation in a few seconds without showing a window.

One line per check; Qt is only ever started in a child process, so a broken Qt cannot take the
check down with it.
"""
import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from . import qt_platform

QT_PROBE = ("import sys\nfrom PySide6.QtGui import QGuiApplication\n"
            "app = QGuiApplication(sys.argv[:1])\nprint(app.platformName())\n")


class CheckFailed(Exception):
    """A check found a problem; the message says what."""


def check_engine():
    """Reverse- and forward-mode gradients of a small network agree with central differences."""
    from core import Tensor, gradcheck
    from core import functional as F
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(5, 3)), np.array([0, 1, 2, 1, 0])

    def loss(W, b):
        return F.softmax_cross_entropy((Tensor(X) @ W + b).tanh(), y)

    gradcheck(loss, [rng.normal(size=(3, 3)), rng.normal(size=3)])
    return "reverse and forward mode match a numerical gradient"


def check_training():
    """One full iteration of the default session: finite loss, parameters moved."""
    from core.training import TrainerConfig, build_trainer
    trainer = build_trainer(TrainerConfig())
    before = [p.data.copy() for p in trainer.model.parameters()]
    trainer.step()
    loss = trainer.history["train_loss"][-1]
    if not np.isfinite(loss):
        raise CheckFailed(f"the loss after one iteration is {loss}")
    if all(np.array_equal(old, p.data) for old, p in zip(before, trainer.model.parameters())):
        raise CheckFailed("one iteration left every parameter unchanged")
    return f"one iteration on {trainer.dataset.name}, loss {loss:.4f}"


def check_data():
    """The bundled data sets load from inside the installed package with their known sizes."""
    from core.data import load_digits, load_iris
    from core.resource_files import resource
    found = []
    for load, samples, features, classes in ((load_digits, 1797, 64, 10), (load_iris, 150, 4, 3)):
        ds = load(val_fraction=0.2)
        shape = (ds.n_train + ds.n_val, ds.n_features, ds.n_classes)
        if shape != (samples, features, classes):
            raise CheckFailed(f"{ds.name}: {shape} (samples, features, classes), expected "
                              f"{(samples, features, classes)}")
        found.append(f"{ds.name} {samples}×{features}")
    return ", ".join(found) + f" from {resource()}"


def check_formats():
    """Weights written in every format read back equal; ONNX only when its package is installed."""
    from core.io import WEIGHT_FORMATS, read_weights, save_weights
    from core.nn import MLP
    model = MLP(4, [5], 3)
    expected = model.state_dict()
    written, skipped = [], []
    with tempfile.TemporaryDirectory() as folder:
        for suffix in WEIGHT_FORMATS:
            if suffix == ".onnx" and importlib.util.find_spec("onnx") is None:
                skipped.append("onnx (optional: pip install onnx)")
                continue
            path = Path(folder) / f"weights{suffix}"
            save_weights(model, path)
            tensors = read_weights(path)[0]
            for name, value in expected.items():
                if not np.allclose(tensors[name], value, atol=1e-6):
                    raise CheckFailed(f"{suffix}: {name} reads back different from what was written")
            written.append(suffix.lstrip("."))
    return "wrote and read " + ", ".join(written) + ("; skipped " + ", ".join(skipped) if skipped else "")


def check_qt():
    """Qt's GUI library loads: a child process creates a QGuiApplication (offscreen, no window)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = _run_probe(env)
    return f"PySide6 loads ({result})"


def check_display_platform():
    """The platform plugin that would draw the window starts: xcb's system libraries, the display."""
    if qt_platform.uses_xcb():
        plugin = qt_platform.xcb_plugin()
        if plugin is None:
            raise CheckFailed("this PySide6 has no xcb platform plugin")
        missing = qt_platform.missing_libraries(plugin)
        if missing:
            raise CheckFailed(qt_platform.explain(missing))
        if not os.environ.get("DISPLAY"):
            return "the xcb plugin's system libraries are all installed (no display here to open)"
    return f"Qt starts with the {_run_probe(dict(os.environ))} platform plugin"


def _run_probe(env):
    try:
        result = subprocess.run([sys.executable, "-c", QT_PROBE], env=env, capture_output=True,
                                text=True, timeout=60, check=False)
    except subprocess.TimeoutExpired:
        raise CheckFailed("starting Qt took more than 60 s") from None
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or [f"exit code {result.returncode}"])[-1]
        raise CheckFailed(f"Qt could not start: {last}")
    return result.stdout.strip()


CHECKS = (("engine", check_engine), ("training", check_training), ("bundled data", check_data),
          ("weight formats", check_formats), ("Qt", check_qt), ("window platform", check_display_platform))


def run(stdout) -> int:
    """Run every check, print a line each; 0 when all pass, 1 otherwise."""
    failed = 0
    for name, check in CHECKS:
        try:
            detail = check()
        except Exception as error:  # noqa: BLE001 - any failure is reported, and the next check runs
            failed += 1
            text = str(error).strip() or type(error).__name__
            print(f"FAIL  {name}: {text}", file=stdout)
        else:
            print(f"ok    {name}: {detail}", file=stdout)
    print(f"{len(CHECKS) - failed} of {len(CHECKS)} checks passed", file=stdout)
    return 1 if failed else 0
