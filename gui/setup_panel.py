"""The setup panel: data, model, loss, regularisation and optimizer, read and written as a TrainerConfig.

Structural settings (data, model, loss, optimizer, batch, seeds) take effect when the user
presses "Apply and rebuild"; the learning rate and the regularisation strength apply live.
"""
import dataclasses
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.catalog import ACTIVATIONS, DATASETS, LOSSES, MODELS, OPTIMIZERS
from core.data import DataError, load_csv
from core.training import TrainerConfig
from core.training.model_size import parse_hidden

from .form_widgets import (
    HiddenSizesValidator,
    LogSpinBox,
    error_label,
    make_combo,
    make_form,
    make_spin,
    select_key,
)

CHOICES = {key: entry for key, entry in DATASETS.items() if entry.source != "csv"}  # CSV: imported
DATA_FIELDS = ("dataset", "n_samples", "n_classes", "noise", "data_seed", "val_fraction",
               "csv_path", "standardize")
LIVE_FIELDS = ("lr", "reg")


class SetupPanel(QWidget):
    """Every training setting; ``config()`` reads them, ``set_config()`` shows a config.

    ``custom_dataset`` is the Dataset the next rebuild should train on (an imported CSV,
    or the one given to ``set_config`` while the data settings stay unchanged), else None.
    """

    sig_rebuild_requested = Signal(object)   # TrainerConfig
    sig_live_changed = Signal(str, float)    # ("lr" | "reg", value)
    sig_error = Signal(str, str)             # (title, message): a CSV file that can't be read

    def __init__(self, app_model=None, parent=None):
        super().__init__(parent)
        self.setAutoFillBackground(True)  # opaque: nothing of a dock area behind shows through
        self.custom_dataset = None
        self._csv_path = ""
        self._applied = TrainerConfig()

        self.dataset = make_combo(CHOICES, "The data to classify")
        self.import_csv = QPushButton("Import CSV…")
        self.import_csv.setToolTip("Load a table: numeric feature columns and a label column (the last)")
        self.import_csv.clicked.connect(self.ask_import_csv)
        self.n_samples = make_spin(10, 5000, "Number of points generated", step=50)
        self.n_classes = make_spin(2, 10, "Number of classes (circle, XOR and moons have 2)")
        self.noise = QDoubleSpinBox()
        self.noise.setRange(0.0, 2.0)
        self.noise.setSingleStep(0.05)
        self.noise.setToolTip("Standard deviation of the jitter added to each point")
        self.val_percent = make_spin(0, 90, "Share of the data held out for validation", step=5)
        self.val_percent.setSuffix(" %")
        self.data_seed = make_spin(0, 2**31 - 1, "Seed for generating and splitting the data")
        self.standardize = QCheckBox("Standardize features")
        self.standardize.setToolTip("Zero mean, unit variance per feature (digits, iris and CSV data)")

        self.model = make_combo(MODELS, "The classifier to train")
        self.hidden = QLineEdit()
        self.hidden.setPlaceholderText("e.g. 16,16")
        self.hidden.setToolTip("Hidden layer sizes, comma separated: 16,16 is two layers of 16 units")
        self.hidden_check = HiddenSizesValidator(self)
        self.hidden.setValidator(self.hidden_check)
        self.hidden_error = error_label()   # why the sizes are refused (not a list, over a limit)
        self.activation = make_combo(ACTIVATIONS, "The nonlinearity after each hidden layer")
        self.seed = make_spin(0, 2**31 - 1, "Seed for the initial weights and the batch order")

        self.loss = make_combo(LOSSES, "The data loss (a linear model's name fixes it)")
        self.margin = QDoubleSpinBox()
        self.margin.setRange(0.0, 10.0)
        self.margin.setSingleStep(0.1)
        self.margin.setToolTip("The hinge loss's margin Δ")
        self.reg = LogSpinBox(1e-6, 10.0, allow_zero=True)
        self.reg.setToolTip("L2 regularisation strength λ (applies at once)")

        self.optimizer = make_combo(OPTIMIZERS, "The update rule")
        self.lr = LogSpinBox(1e-5, 10.0)
        self.lr.setToolTip("Learning rate (applies at once); the arrows step 1, 2, 5, 10, …")
        self.batch_size = make_spin(0, 100000, "Samples per iteration", step=16)
        self.batch_size.setSpecialValueText("full batch")

        self.apply_button = QPushButton("Apply and rebuild")
        self.apply_button.setToolTip("Build a new model with these settings (training starts over)")
        self.apply_button.clicked.connect(self.apply)
        self.revert_button = QPushButton("Revert")
        self.revert_button.setToolTip("Show the settings of the current model again")
        self.revert_button.clicked.connect(lambda: self.set_config(self._applied, self.custom_dataset))

        self._lay_out()
        for combo in (self.dataset, self.model, self.activation, self.loss, self.optimizer):
            combo.currentIndexChanged.connect(self._update_state)
        self.optimizer.currentIndexChanged.connect(self._optimizer_chosen)
        for spin in (self.n_samples, self.n_classes, self.noise, self.val_percent, self.data_seed,
                     self.seed, self.margin, self.batch_size):
            spin.valueChanged.connect(self._update_state)
        self.standardize.toggled.connect(self._update_state)
        self.hidden.textChanged.connect(self._update_state)
        self.lr.valueChanged.connect(lambda value: self._live("lr", value))
        self.reg.valueChanged.connect(lambda value: self._live("reg", value))
        self.set_config(TrainerConfig())
        self.app_model = app_model
        if app_model is not None:
            self._follow(app_model)

    def _follow(self, app_model):
        """Drive ``app_model``: rebuilds, live settings and errors go there; its trainers show here."""
        self.sig_rebuild_requested.connect(self._rebuild)
        self.sig_live_changed.connect(app_model.apply_live)
        self.sig_error.connect(app_model.error)
        app_model.sig_trainer.connect(self._show_trainer)
        self._show_trainer(app_model.trainer)

    def _show_trainer(self, trainer):
        self.set_config(trainer.config, trainer.dataset)

    def _rebuild(self, config):
        trainer = self.app_model.trainer
        if trainer.iteration > 0 and QMessageBox.question(
                self, "Rebuild the model?",
                f"Rebuilding starts a new model and discards {trainer.iteration} iterations "
                "of training. Continue?") != QMessageBox.Yes:
            self._keep_trainer()
        elif not self.app_model.rebuild(config, self.custom_dataset):
            self._keep_trainer()

    def _keep_trainer(self):
        """A rebuild was refused or failed: the panel took the new settings as applied, but the
        trainer still runs on the old ones, which the panel must show as pending edits."""
        trainer = self.app_model.trainer
        self.set_applied(trainer.config, trainer.dataset)

    def _lay_out(self):
        data = make_form(("Data set:", self.dataset), ("", self.import_csv), ("Samples:", self.n_samples),
                     ("Classes:", self.n_classes), ("Noise:", self.noise),
                     ("Validation:", self.val_percent), ("Data seed:", self.data_seed),
                     ("", self.standardize))
        model = make_form(("Model:", self.model), ("Hidden layers:", self.hidden), ("", self.hidden_error),
                      ("Activation:", self.activation), ("Init seed:", self.seed))
        loss = make_form(("Loss:", self.loss), ("Margin Δ:", self.margin), ("Regularisation λ:", self.reg))
        optimizer = make_form(("Optimizer:", self.optimizer), ("Learning rate:", self.lr),
                          ("Batch size:", self.batch_size))
        buttons = QHBoxLayout()
        buttons.addWidget(self.revert_button)
        buttons.addStretch(1)
        buttons.addWidget(self.apply_button)

        self._boxes = []
        for title, form in (("Data", data), ("Model", model), ("Loss", loss), ("Optimizer", optimizer)):
            box = QGroupBox(title)
            box.setLayout(form)
            self._boxes.append(box)
        content = QWidget()
        self._grid = QGridLayout(content)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._columns = 0
        self._arrange(1)
        scroll = QScrollArea()
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        column = QVBoxLayout(self)
        column.setContentsMargins(6, 6, 6, 6)
        column.addWidget(scroll, 1)
        column.addLayout(buttons)
        scroll_bar = scroll.verticalScrollBar().sizeHint().width()
        self._one_column_width = content.minimumSizeHint().width() + scroll_bar
        self.setMinimumWidth(self._one_column_width + 12)

    def _arrange(self, columns):
        """Data and model side by side with loss and optimizer when the dock is wide, else one column."""
        if columns == self._columns:
            return
        self._columns = columns
        for k, box in enumerate(self._boxes):
            self._grid.removeWidget(box)
            if columns == 2:
                self._grid.addWidget(box, k // 2, k % 2)
            else:
                self._grid.addWidget(box, k, 0)
        self._grid.setRowStretch(len(self._boxes), 1)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._arrange(2 if event.size().width() >= 2 * self._one_column_width else 1)

    # ----- reading and writing ----------------------------------------------------------------
    def config(self):
        """The settings as shown; settings the panel doesn't show keep their applied values.

        The class count is None where it is the data set's own (2 or 3) or doesn't apply, as in
        TrainerConfig; hidden layers are the last applied ones while their text is unfinished.
        """
        dataset = self.dataset.currentData()
        hidden = self._applied.hidden
        if self.hidden.hasAcceptableInput():
            hidden = parse_hidden(self.hidden.text())
        n_classes = self.n_classes.value()
        entry = DATASETS[dataset]
        if not entry.takes_n_classes or n_classes == entry.default_classes:
            n_classes = None
        return dataclasses.replace(
            self._applied, dataset=dataset, n_samples=self.n_samples.value(), n_classes=n_classes,
            noise=round(self.noise.value(), 6), data_seed=self.data_seed.value(),
            val_fraction=self.val_percent.value() / 100, csv_path=self._csv_path if dataset == "csv" else "",
            standardize=self.standardize.isChecked(), model=self.model.currentData(), hidden=hidden,
            activation=self.activation.currentData(), loss=self.loss.currentData(),
            margin=round(self.margin.value(), 6), reg=self.reg.value(),
            optimizer=self.optimizer.currentData(), lr=self.lr.value(),
            batch_size=self.batch_size.value() or None, seed=self.seed.value())

    def set_config(self, config, dataset=None):
        """Show ``config`` as the applied settings; ``dataset`` is what it trains on, if not rebuilt
        from it."""
        if config.dataset == "csv":
            self._set_csv_entry(config.csv_path)
        controls = self.findChildren(QWidget)
        blocked = [control.blockSignals(True) for control in controls]
        try:
            select_key(self.dataset, config.dataset)
            self.n_samples.setValue(config.n_samples)
            shown = _class_count(config)  # bundled and CSV data: the count the data has
            self.n_classes.setValue(shown if shown is not None else dataset.n_classes if dataset else 0)
            self.noise.setValue(config.noise)
            self.val_percent.setValue(round(config.val_fraction * 100))
            self.data_seed.setValue(config.data_seed)
            self.standardize.setChecked(config.standardize)
            select_key(self.model, config.model)
            self.hidden.setText(",".join(str(size) for size in config.hidden))
            select_key(self.activation, config.activation)
            self.seed.setValue(config.seed)
            select_key(self.loss, config.loss)
            self.margin.setValue(config.margin)
            self.reg.setValue(config.reg)
            select_key(self.optimizer, config.optimizer)
            self.lr.setValue(config.lr)
            self.batch_size.setValue(int(config.batch_size or 0))
        finally:
            for control, was_blocked in zip(controls, blocked):
                control.blockSignals(was_blocked)
        self.set_applied(config, dataset)

    def set_applied(self, config, dataset):
        """Take ``config`` and ``dataset`` as applied, leaving the controls as they are: a rebuild
        that was refused or failed shows the user's edits as still pending."""
        self._applied = dataclasses.replace(config, hidden=list(config.hidden))
        self.custom_dataset = dataset
        self._update_state()

    def has_pending_changes(self):
        """True when structural settings differ from the applied ones."""
        return _structural(self.config()) != _structural(self._applied)

    def apply(self):
        """Emit ``sig_rebuild_requested`` with the shown settings (if they are valid)."""
        if not self.hidden.hasAcceptableInput():
            return
        config = self.config()
        if _data_part(config) != _data_part(self._applied):
            self.custom_dataset = None  # new data settings: build the data from them
        self._applied = config
        self._update_state()
        self.sig_rebuild_requested.emit(config)

    # ----- CSV import -------------------------------------------------------------------------
    def ask_import_csv(self):
        """Ask for a CSV file, load it and request a rebuild; a bad file leaves everything as it was."""
        path, _ = QFileDialog.getOpenFileName(self, "Import CSV", str(Path(self._csv_path).parent)
                                              if self._csv_path else "",
                                              "CSV files (*.csv *.csv.gz *.txt);;All files (*)")
        if path:
            self.import_csv_file(path)

    def import_csv_file(self, path):
        config = self.config()
        try:
            dataset = load_csv(path, val_fraction=config.val_fraction, seed=config.data_seed)
        except DataError as error:
            message = str(error) if str(path) in str(error) else f"{path}: {error}"
            self.sig_error.emit("Cannot import CSV", f"{message}\n\nThe current data is kept.")
            return
        self._set_csv_entry(path)
        select_key(self.dataset, "csv")
        config = self.config()
        self._applied = config
        self.custom_dataset = dataset.standardized() if config.standardize else dataset
        self._update_state()
        self.sig_rebuild_requested.emit(config)

    def _set_csv_entry(self, path):
        self._csv_path = str(path)
        index = self.dataset.findData("csv")
        label = f"CSV: {Path(path).name}"
        if index < 0:
            self.dataset.blockSignals(True)
            self.dataset.addItem(label, "csv")
            self.dataset.blockSignals(False)
            index = self.dataset.count() - 1
        self.dataset.setItemText(index, label)
        self.dataset.setItemData(index, str(path), Qt.ItemDataRole.ToolTipRole)

    # ----- state ------------------------------------------------------------------------------
    def _live(self, name, value):
        setattr(self._applied, name, value)
        self.sig_live_changed.emit(name, value)

    def _optimizer_chosen(self):
        """Another optimizer starts from its own default learning rate (the catalog's, as in the
        CLI); the applied one from the rate it runs with. Part of the pending rebuild, not live."""
        key = self.optimizer.currentData()
        lr = self._applied.lr if key == self._applied.optimizer else OPTIMIZERS[key].lr
        self.lr.blockSignals(True)
        self.lr.setValue(lr)
        self.lr.blockSignals(False)

    def _update_state(self):
        dataset, model = self.dataset.currentData(), self.model.currentData()
        data, model = DATASETS[dataset], MODELS[model]
        self.n_samples.setEnabled(data.takes_n_samples)
        self.noise.setEnabled(data.takes_noise)
        self.n_classes.setEnabled(data.takes_n_classes)
        if data.generated and data.classes is not None:
            self.n_classes.setValue(data.classes)
        self.standardize.setEnabled(data.takes_standardize)
        self.hidden.setEnabled(model.hidden)
        self.activation.setEnabled(model.hidden)
        self.loss.setEnabled(model.loss is None)
        if model.loss is not None:
            select_key(self.loss, model.loss)
        self.margin.setEnabled(LOSSES[self.loss.currentData()].takes_margin)
        valid = self.hidden.hasAcceptableInput() or not model.hidden
        self.hidden.setStyleSheet("" if valid else "QLineEdit { border: 1px solid #d62728; }")
        self.hidden_error.setText("" if valid else self.hidden_check.message)
        self.hidden_error.setVisible(not valid and bool(self.hidden_check.message))
        pending = self.has_pending_changes()
        self.apply_button.setEnabled(valid and pending)
        self.revert_button.setEnabled(pending or not valid)


def _class_count(config):
    """The class count a generated data set gets (its fixed one, the chosen one, or its default)."""
    entry = DATASETS[config.dataset]
    if entry.classes is not None:
        return entry.classes
    return entry.default_classes if config.n_classes is None else int(config.n_classes)


def _structural(config):
    """The settings that need a rebuild, the class count spelled out."""
    settings = {k: v for k, v in config.to_dict().items() if k not in LIVE_FIELDS}
    settings["n_classes"] = _class_count(config) if DATASETS[config.dataset].generated else None
    return settings


def _data_part(config):
    return {k: v for k, v in _structural(config).items() if k in DATA_FIELDS}
