"""The headless CLI: `python main.py train ...` trains, reports and exports; bad input is one line."""
import errno
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import main
from core import cli
from core.catalog import ACTIVATIONS, DATASETS, LOSSES, MODELS, OPTIMIZERS
from core.io import load_session, read_weights

ROOT = Path(__file__).resolve().parents[1]
QUICK = ["--iterations", "30", "--samples", "60", "--hidden", "8"]


def run(capsys, *argv):
    code = main.main(["train", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_train_reports_accuracy_and_shows_progress(capsys):
    code, out, err = run(capsys, "--dataset", "moons", *QUICK)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("train accuracy ") and "%" in lines[0]
    assert lines[1].startswith("val accuracy ")
    assert "training an MLP 2→8→2 (relu) on moons" in err
    assert "\r[" in err and "30/30" in err and "it/s" in err and "loss " in err and "acc " in err
    assert err.endswith("\n") and "Traceback" not in err


def test_quiet_has_no_progress_bar(capsys):
    code, out, err = run(capsys, *QUICK, "--quiet")
    assert code == 0 and err == ""


@pytest.mark.parametrize("suffix", [".safetensors", ".onnx", ".npz", ".json"])
def test_export_writes_weights_that_load(tmp_path, capsys, suffix):
    target = tmp_path / f"weights{suffix}"
    code, out, _ = run(capsys, "--dataset", "iris", "--model", "softmax", "--optimizer", "adam",
                       "--iterations", "20", "--export", str(target), "--quiet")
    assert code == 0 and f"weights written to {target}" in out
    tensors, spec = read_weights(target)
    assert spec["type"] == "softmax" and spec["in_features"] == 4 and spec["n_classes"] == 3
    assert tensors["0.weight"].shape == (3, 4)


def test_exported_weights_reproduce_the_reported_accuracy(tmp_path, capsys):
    from core.io import load_weights
    from core.nn import build_model
    from core.training import TrainerConfig, build_dataset
    code, out, _ = run(capsys, "--dataset", "spiral", "--hidden", "32", "--iterations", "300",
                       "--val-fraction", "0", "--export", str(tmp_path / "w.npz"), "--quiet")
    assert code == 0
    tensors, spec = read_weights(tmp_path / "w.npz")
    model = build_model(spec)
    load_weights(model, tmp_path / "w.npz")
    ds = build_dataset(TrainerConfig(dataset="spiral", val_fraction=0.0))
    accuracy = np.mean(model(ds.X_train).data.argmax(axis=1) == ds.y_train)
    assert f"train accuracy {accuracy:.2%}" in out


def test_save_session_opens_where_training_stopped(tmp_path, capsys):
    code, out, _ = run(capsys, *QUICK, "--optimizer", "momentum", "--batch-size", "16",
                       "--save-session", str(tmp_path / "run.bpsession"), "--quiet")
    assert code == 0
    trainer = load_session(tmp_path / "run.bpsession")
    assert trainer.iteration == 30 and trainer.batch_size == 16
    assert trainer.config.optimizer == "momentum" and trainer.config.hidden == [8]


def test_svm_defaults_to_the_hinge_loss(tmp_path, capsys):
    code, _, err = run(capsys, "--model", "svm", "--dataset", "gaussian", "--iterations", "5")
    assert code == 0 and "linear SVM 2→3" in err and "hinge loss" in err


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_each_optimizer_starts_from_its_catalog_learning_rate(optimizer):
    args = cli.build_parser().parse_args(["train", "--optimizer", optimizer])
    config = cli.config_from_args(args)
    assert config.optimizer == optimizer and config.lr == OPTIMIZERS[optimizer].lr
    assert cli.config_from_args(cli.build_parser().parse_args(["train", "--optimizer", optimizer,
                                                               "--lr", "0.123"])).lr == 0.123


def test_adam_without_lr_trains_with_adams_default(capsys):
    code, _, err = run(capsys, "--optimizer", "adam", "--iterations", "2")
    assert code == 0 and f"adam lr {OPTIMIZERS['adam'].lr:g}" in err
    assert OPTIMIZERS["adam"].lr != OPTIMIZERS["sgd"].lr


def test_help_lists_the_catalog_keys_and_labels(capsys):
    assert main.main(["train", "--help"]) == 0
    text = "".join(capsys.readouterr().out.split())  # argparse wraps lines, also at hyphens
    for table in (DATASETS, MODELS, LOSSES, ACTIVATIONS):
        for key, entry in table.items():
            if getattr(entry, "source", "") != "csv":  # a CSV file is named by --csv
                assert "".join(f"{key}: {entry.label}".split()) in text
    for key, entry in OPTIMIZERS.items():
        assert f"{key}{entry.lr:g}" in text


def test_csv_training(tmp_path, capsys):
    rows = [f"{x:.3f},{y:.3f},{'a' if x + y > 0 else 'b'}"
            for x, y in np.random.default_rng(0).uniform(-1, 1, (40, 2))]
    (tmp_path / "data.csv").write_text("x,y,label\n" + "\n".join(rows) + "\n")
    code, out, err = run(capsys, "--csv", str(tmp_path / "data.csv"), "--model", "softmax",
                         "--iterations", "50")
    assert code == 0 and "on data (32 train, 8 validation samples)" in err


def test_a_bad_csv_is_one_line_naming_line_and_column(tmp_path, capsys):
    (tmp_path / "data.csv").write_text("1,2,a\n3,4,b\n5,abc,a\n")
    code, out, err = run(capsys, "--csv", str(tmp_path / "data.csv"))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert "data.csv" in err and "line 3" in err and "column 2" in err and "'abc'" in err


def test_a_missing_csv(tmp_path, capsys):
    code, _, err = run(capsys, "--csv", str(tmp_path / "nope.csv"))
    assert code == 2 and err.count("\n") == 1 and "nope.csv: no such file" in err


@pytest.mark.parametrize("argv, fragment", [
    (["--lr", "abc"], "argument --lr: 'abc' is not a finite number > 0"),
    (["--lr", "-1"], "argument --lr: '-1' is not a finite number > 0"),
    (["--hidden", "64,x"], "argument --hidden: '64,x' is not a comma-separated list"),
    (["--model", "cnn"], "argument --model: invalid choice: 'cnn'"),
    (["--batch-size", "0"], "argument --batch-size: '0' is not a positive integer or 'full'"),
    (["--val-fraction", "1"], "argument --val-fraction: '1' is not a number in [0, 1)"),
    (["--dataset", "moons", "--csv", "x.csv"], "not allowed with argument"),
    (["--frobnicate"], "unrecognized arguments: --frobnicate"),
    (["--dataset", "moons", "--classes", "3"], "moons has exactly 2 classes"),
    (["--export", "weights.pt"], "unknown weights format"),
    (["--model", "svm", "--loss", "softmax"], "--model svm trains with --loss hinge"),
    (["--export", "/no/such/dir/w.npz"], "does not exist"),
    (["--seed", "-1"], "argument --seed: '-1' is not a seed"),
    (["--data-seed", "1.5"], "argument --data-seed: '1.5' is not a seed"),
    (["--samples", "1000000000"], "argument --samples: '1000000000' is not a sample count from 1 to "
                                  "1,000,000 (MAX_SAMPLES)"),
    (["--hidden", "100000,100000"], "argument --hidden: '100000,100000': units in a hidden layer: 100,000 "
                                    "is over the limit of 4,096 (MAX_HIDDEN_UNITS)"),
    (["--hidden", "4096,4096,4096"], "--hidden 4096,4096,4096: parameters of this model: 33,587,203 is "
                                     "over the limit of 4,000,000 (MAX_PARAMETERS)"),
    (["--hidden", "1e3"], "argument --hidden: '1e3' is not a comma-separated list"),
    (["--batch-size", "2.5"], "argument --batch-size: '2.5' is not a positive integer or 'full'"),
])
def test_bad_arguments_are_one_line_and_exit_2(capsys, argv, fragment):
    code, out, err = run(capsys, *argv, "--iterations", "1")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and fragment in err, err


def test_divergence_exits_1_and_writes_nothing(tmp_path, capsys):
    code, out, err = run(capsys, "--lr", "1e300", "--iterations", "200",
                         "--export", str(tmp_path / "w.npz"), "--quiet")
    assert code == 1 and "diverged" in err and err.count("\n") == 1
    assert not (tmp_path / "w.npz").exists()


def test_ctrl_c_stops_cleanly_and_writes_nothing(tmp_path, capsys, monkeypatch):
    from core.training import Trainer

    def interrupted_run(self, n, callback=None, should_stop=None):
        for _ in range(3):
            self.step()
            callback(self)
        raise KeyboardInterrupt
    monkeypatch.setattr(Trainer, "run", interrupted_run)
    code, out, err = run(capsys, *QUICK, "--export", str(tmp_path / "w.npz"))
    assert code == 2 and out == "" and not (tmp_path / "w.npz").exists()
    assert err.splitlines()[-1] == "error: interrupted at iteration 3; nothing was written"
    assert "3/30" in err.splitlines()[-2]


def test_help_documents_every_flag_with_defaults(capsys):
    assert main.main(["train", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    for flag in ["--dataset", "--csv", "--model", "--hidden", "--activation", "--loss", "--optimizer",
                 "--lr", "--reg", "--batch-size", "--iterations", "--seed", "--export", "--samples",
                 "--classes", "--noise", "--val-fraction", "--eval-interval", "--save-session"]:
        assert flag in text
    assert "(default: 2000)" in text and "(default: spiral)" in text and "(default: 16,16)" in text
    assert main.main(["--help"]) == 0 and "train" in capsys.readouterr().out


def test_the_cli_never_imports_qt():
    script = ("import sys, main; code = main.main(['train', '--iterations', '2', '--quiet']); "
              "bad = [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph', 'gui'))]; "
              "print(code, bad)")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.stdout.strip().splitlines()[-1] == "0 []", result.stderr


def test_python_main_py_train_runs_as_a_script(tmp_path):
    result = subprocess.run([sys.executable, "main.py", "train", *QUICK, "--export",
                             str(tmp_path / "w.json")], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert "train accuracy" in result.stdout and (tmp_path / "w.json").exists()


def test_no_command_starts_the_app(monkeypatch):
    import types
    calls = []
    fake = types.ModuleType("gui.app")
    fake.run_app = lambda argv, quit_after=None: calls.append(argv) or 0
    monkeypatch.setitem(sys.modules, "gui.app", fake)
    assert main.main([]) == 0 and calls == [[]]
    assert main.main(["-style", "fusion"]) == 0 and calls[-1] == ["-style", "fusion"]


def test_onnx_export_without_onnx_installed_fails_before_training(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnx", None)  # as if the optional package were missing
    code, out, err = run(capsys, "--export", str(tmp_path / "w.onnx"), "--iterations", "1")
    assert code == 2 and out == "" and "optional onnx package" in err and err.count("\n") == 1


@pytest.mark.parametrize("flag", ["--export", "--save-session"])
def test_an_output_path_that_cannot_be_written_is_refused_before_training(tmp_path, capsys, flag,
                                                                             monkeypatch):
    from core.training import Trainer
    monkeypatch.setattr(Trainer, "run", lambda *args, **kwargs: pytest.fail("trained anyway"))
    name = "w.npz" if flag == "--export" else "run.bpsession"
    folder = tmp_path / name
    folder.mkdir()
    code, out, err = run(capsys, *QUICK, flag, str(folder))
    assert code == 2 and err == f"error: {flag} {folder}: is a folder; give a file name\n"
    with monkeypatch.context() as m:   # a read-only or full file system: no temporary file
        def refused(*args, **kwargs):
            raise OSError(errno.EROFS, "Read-only file system")
        m.setattr("tempfile.NamedTemporaryFile", refused)
        code, out, err = run(capsys, *QUICK, flag, str(tmp_path / f"new-{name}"))
    assert code == 2 and err == (f"error: {flag} {tmp_path / f'new-{name}'}: cannot write in {tmp_path} "
                                 "(Read-only file system)\n")
    code, out, err = run(capsys, *QUICK, flag, str(tmp_path / "missing" / name))
    assert code == 2 and "does not exist" in err and err.count("\n") == 1


def test_export_and_session_to_one_file_is_refused(tmp_path, capsys):
    same = str(tmp_path / "w.npz")
    code, _, err = run(capsys, *QUICK, "--export", same, "--save-session", same)
    assert code == 2 and "name the same file" in err


def test_ctrl_c_while_loading_a_csv_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch):
    (tmp_path / "data.csv").write_text("x,y,label\n0,0,a\n1,1,b\n")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr("core.training.config.load_csv", interrupted)
    code, out, err = run(capsys, "--csv", str(tmp_path / "data.csv"), "--quiet")
    assert code == 2 and out == "" and err == "error: interrupted; nothing was written\n"


@pytest.mark.parametrize("argv", [["--iterations", "5"], ["--lr=0.5"], ["--hidden", "8", "-style", "x"]])
def test_train_flags_without_the_command_say_to_use_train(argv, capsys, monkeypatch):
    import types
    fake = types.ModuleType("gui.app")
    fake.run_app = lambda *args, **kwargs: pytest.fail("the window opened")
    monkeypatch.setitem(sys.modules, "gui.app", fake)
    assert main.main(argv) == 2
    err = capsys.readouterr().err
    flag = argv[0].split("=")[0]
    assert err == (f"error: {flag} is an option of the train command; did you mean: "
                   f"main.py train {' '.join(argv)}\n")
