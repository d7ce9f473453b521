"""The setup panel: what it emits, what it enables, and what a bad CSV leaves behind."""
import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from core import cli
from core.catalog import DATASETS, LOSSES, MODELS, OPTIMIZERS
from core.training import TrainerConfig, build_trainer
from gui.errors import show_error
from gui.setup_panel import LogSpinBox, SetupPanel


@pytest.fixture
def panel(qtbot):
    panel = SetupPanel()
    panel.sig_error.connect(lambda title, message: show_error(panel, title, message))
    qtbot.addWidget(panel)
    panel.show()
    return panel


@pytest.fixture
def critical(monkeypatch):
    calls = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: calls.append((title, text)))
    return calls


def choose(combo, key):
    combo.setCurrentIndex(combo.findData(key))


def test_it_shows_and_returns_a_config(panel):
    config = TrainerConfig(dataset="gaussian", n_samples=200, n_classes=4, noise=0.35, data_seed=3,
                           val_fraction=0.3, model="mlp", hidden=[32, 8, 4], activation="tanh",
                           loss="hinge", margin=0.5, reg=0.01, optimizer="adam", lr=0.002,
                           batch_size=32, seed=7)
    panel.set_config(config)
    assert panel.config() == config
    assert not panel.apply_button.isEnabled()


def test_a_structural_change_is_applied_with_the_button(panel, qtbot):
    choose(panel.model, "svm")
    assert panel.loss.currentData() == "hinge" and not panel.loss.isEnabled()
    assert panel.apply_button.isEnabled() and panel.has_pending_changes()

    with qtbot.waitSignal(panel.sig_rebuild_requested) as rebuild:
        panel.apply_button.click()

    expected = TrainerConfig(model="svm", loss="hinge")
    assert rebuild.args[0] == expected
    assert not panel.apply_button.isEnabled()


def test_hidden_layers_are_validated(panel, qtbot):
    panel.hidden.clear()
    qtbot.keyClicks(panel.hidden, "32,16")
    assert panel.config().hidden == [32, 16] and not panel.hidden_error.isVisible()
    for text, why in (("1e3", "whole numbers"), ("32,x16", "whole numbers"), ("100000", "MAX_HIDDEN_UNITS")):
        panel.hidden.clear()
        qtbot.keyClicks(panel.hidden, text)   # kept as typed (not silently 13 or 1000), and refused
        assert panel.hidden.text() == text and not panel.hidden.hasAcceptableInput()
        assert not panel.apply_button.isEnabled() and panel.config().hidden == [16, 16]
        assert why in panel.hidden_error.text() and not panel.hidden_error.isHidden()

    panel.hidden.setText("32,")
    assert not panel.hidden.hasAcceptableInput()
    assert not panel.apply_button.isEnabled()
    assert panel.config().hidden == [16, 16]  # the last applied sizes while the text is unfinished


def test_learning_rate_and_regularisation_apply_live(panel, qtbot):
    with qtbot.waitSignal(panel.sig_live_changed) as live:
        panel.lr.setValue(0.05)
    assert live.args == ["lr", 0.05]
    with qtbot.waitSignal(panel.sig_live_changed) as live:
        panel.reg.setValue(0.0)
    assert live.args == ["reg", 0.0]
    assert panel.reg.text() == "0 (off)"
    assert not panel.apply_button.isEnabled()  # live settings are no structural change


def test_no_signals_while_a_config_is_shown(panel, qtbot):
    with qtbot.assertNotEmitted(panel.sig_live_changed), qtbot.assertNotEmitted(panel.sig_rebuild_requested):
        panel.set_config(TrainerConfig(lr=0.01, reg=0.1, model="softmax", loss="softmax"))


def test_controls_are_enabled_only_where_they_apply(panel):
    choose(panel.dataset, "circle")
    assert not panel.n_classes.isEnabled() and panel.n_classes.value() == 2
    assert panel.noise.isEnabled() and not panel.standardize.isEnabled()
    choose(panel.dataset, "digits")
    assert not panel.noise.isEnabled() and not panel.n_samples.isEnabled()
    assert panel.standardize.isEnabled()
    choose(panel.dataset, "spiral")
    assert panel.n_classes.isEnabled()

    choose(panel.model, "softmax")
    assert not panel.hidden.isEnabled() and not panel.activation.isEnabled()
    assert panel.loss.currentData() == "softmax" and not panel.margin.isEnabled()
    choose(panel.model, "mlp")
    choose(panel.loss, "hinge")
    assert panel.hidden.isEnabled() and panel.margin.isEnabled()


def test_every_emitted_config_builds(panel, qtbot):
    for dataset in ("spiral", "circle", "xor", "gaussian", "moons", "digits", "iris"):
        choose(panel.dataset, dataset)
        choose(panel.optimizer, "momentum")
        panel.batch_size.setValue(32)
        with qtbot.waitSignal(panel.sig_rebuild_requested) as rebuild:
            panel.apply()
        trainer = build_trainer(rebuild.args[0])
        trainer.step()
        assert trainer.batch_size == 32


def test_a_bad_csv_shows_the_file_and_problem_and_keeps_the_settings(panel, qtbot, tmp_path, monkeypatch,
                                                                     critical):
    bad = tmp_path / "broken.csv"
    bad.write_text("x1,x2,label\n1.0,2.0,a\n3.0,oops,b\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(bad), "CSV files (*.csv)"))
    before = panel.config()

    with qtbot.assertNotEmitted(panel.sig_rebuild_requested):
        panel.import_csv.click()

    assert len(critical) == 1
    title, text = critical[0]
    assert "broken.csv" in text and "oops" in text and "line 3" in text
    assert panel.config() == before and panel.custom_dataset is None
    assert panel.dataset.findData("csv") == -1


def test_a_good_csv_is_imported_and_rebuilt(panel, qtbot, tmp_path, monkeypatch, critical):
    good = tmp_path / "points.csv"
    rows = [f"{i / 10},{(i * 7 % 10) / 10},{'ab'[i % 2]}" for i in range(40)]
    good.write_text("u,v,label\n" + "\n".join(rows) + "\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(good), ""))

    with qtbot.waitSignal(panel.sig_rebuild_requested) as rebuild:
        panel.import_csv.click()

    config = rebuild.args[0]
    assert critical == []
    assert config.dataset == "csv" and config.csv_path == str(good)
    assert panel.dataset.currentText() == "CSV: points.csv"
    dataset = panel.custom_dataset
    assert dataset.n_features == 2 and dataset.class_names == ("a", "b") and dataset.is_standardized
    assert build_trainer(config, dataset).dataset is dataset


def test_custom_data_is_kept_until_the_data_settings_change(panel, qtbot):
    trainer = build_trainer(TrainerConfig())
    panel.set_config(trainer.config, trainer.dataset)
    choose(panel.model, "softmax")
    panel.apply()
    assert panel.custom_dataset is trainer.dataset
    panel.noise.setValue(0.3)
    panel.apply()
    assert panel.custom_dataset is None


def test_revert_shows_the_applied_settings_again(panel):
    choose(panel.optimizer, "adam")
    panel.seed.setValue(5)
    panel.revert_button.click()
    assert panel.config() == TrainerConfig()


def test_the_panel_fits_a_narrow_dock_and_uses_two_columns_when_wide(panel, qtbot):
    assert 250 <= panel.minimumWidth() <= 400
    panel.resize(panel.minimumWidth(), 300)
    qtbot.waitUntil(lambda: panel._columns == 1)
    panel.resize(2 * panel.minimumWidth() + 40, 300)
    qtbot.waitUntil(lambda: panel._columns == 2)


@pytest.mark.parametrize("start, steps, expected", [(0.5, 1, 1.0), (0.5, -1, 0.2), (0.3, 1, 0.5),
                                                     (0.3, -2, 0.1), (10.0, 1, 10.0), (1e-5, -1, 1e-5)])
def test_the_learning_rate_steps_through_1_2_5(qtbot, start, steps, expected):
    spin = LogSpinBox(1e-5, 10.0)
    qtbot.addWidget(spin)
    spin.setValue(start)
    spin.stepBy(steps)
    assert spin.value() == pytest.approx(expected)


def test_regularisation_steps_down_to_zero_and_back(qtbot):
    spin = LogSpinBox(1e-6, 10.0, allow_zero=True)
    qtbot.addWidget(spin)
    spin.setValue(1e-6)
    spin.stepBy(-1)
    assert spin.value() == 0.0 and spin.text() == "0 (off)"
    spin.stepBy(1)
    assert spin.value() == pytest.approx(1e-6)


def test_the_choices_are_the_catalogs_keys_and_labels(panel):
    def items(combo):
        return {combo.itemData(i): combo.itemText(i) for i in range(combo.count())}
    assert items(panel.dataset) == {k: e.label for k, e in DATASETS.items() if e.source != "csv"}
    assert items(panel.model) == {k: e.label for k, e in MODELS.items()}
    assert items(panel.loss) == {k: e.label for k, e in LOSSES.items()}
    assert items(panel.optimizer) == {k: e.label for k, e in OPTIMIZERS.items()}


def test_choosing_adam_starts_from_adams_default_learning_rate_as_the_cli_does(panel, qtbot):
    adam = OPTIMIZERS["adam"].lr
    assert adam != OPTIMIZERS["sgd"].lr == panel.lr.value()
    with qtbot.assertNotEmitted(panel.sig_live_changed):   # a pending change, not a live one
        choose(panel.optimizer, "adam")
    assert panel.lr.value() == adam
    with qtbot.waitSignal(panel.sig_rebuild_requested) as rebuild:
        panel.apply()
    assert rebuild.args[0].optimizer == "adam" and rebuild.args[0].lr == adam
    args = cli.build_parser().parse_args(["train", "--optimizer", "adam"])
    assert cli.config_from_args(args).lr == adam

    choose(panel.optimizer, "momentum")
    assert panel.lr.value() == OPTIMIZERS["momentum"].lr
    choose(panel.optimizer, "adam")   # the applied optimizer: the rate it runs with
    assert panel.lr.value() == adam


@pytest.mark.parametrize("name, classes", [("digits", 10), ("iris", 3)])
def test_bundled_data_shows_the_class_count_it_has(panel, name, classes):
    config = TrainerConfig(dataset=name, model="svm", loss="hinge")
    panel.set_config(config, build_trainer(config).dataset)
    assert panel.n_classes.value() == classes
    assert panel.config() == config
