"""The catalog: one table per concept, and every entry in it builds and trains."""
import numpy as np
import pytest

from core import Tensor
from core.catalog import ACTIVATIONS, DATASETS, LOSSES, MODELS, OPTIMIZERS, build_optimizer, choose
from core.data import DATASET_NAMES
from core.nn import make_activation
from core.training import TrainerConfig, build_dataset, build_trainer


@pytest.mark.parametrize("key", [k for k, e in DATASETS.items() if e.source != "csv"])
def test_every_data_set_builds_with_its_class_count(key):
    entry = DATASETS[key]
    ds = build_dataset(TrainerConfig(dataset=key, n_samples=60))
    assert ds.n_classes == (entry.classes or entry.default_classes or ds.n_classes)
    assert entry.generated == (key in DATASET_NAMES)
    if entry.takes_n_classes:
        assert build_dataset(TrainerConfig(dataset=key, n_samples=60, n_classes=4)).n_classes == 4


def test_the_two_class_sets_and_the_settings_each_takes():
    assert [k for k, e in DATASETS.items() if e.two_class] == ["circle", "xor", "moons"]
    assert [k for k, e in DATASETS.items() if e.takes_n_classes] == ["spiral", "gaussian"]
    assert [k for k, e in DATASETS.items() if e.takes_standardize] == ["digits", "iris", "csv"]


@pytest.mark.parametrize("model", MODELS)
def test_every_model_trains_with_each_loss_it_allows(model):
    for loss in MODELS[model].losses:
        trainer = build_trainer(TrainerConfig(model=model, loss=loss, n_samples=60, hidden=[4]))
        assert isinstance(trainer.model, MODELS[model].cls)
        trainer.run(2)
        assert trainer.iteration == 2 and trainer.diverged is None


def test_a_linear_model_trains_with_its_own_loss_only():
    assert MODELS["svm"].losses == ("hinge",) and MODELS["softmax"].losses == ("softmax",)
    assert MODELS["mlp"].losses == tuple(LOSSES)
    with pytest.raises(ValueError, match="Linear SVM trains with the hinge loss"):
        build_trainer(TrainerConfig(model="svm", loss="softmax"))


@pytest.mark.parametrize("key", OPTIMIZERS)
def test_every_optimizer_builds_with_its_options_and_steps(key):
    entry = OPTIMIZERS[key]
    p = Tensor(np.ones(3), requires_grad=True)
    opt = build_optimizer(key, [p], lr=entry.lr)
    assert isinstance(opt, entry.cls) and opt.lr == entry.lr
    for name, value in entry.options.items():
        assert getattr(opt, name) == value
    p.grad = np.ones(3)
    opt.step()
    assert np.all(p.data < 1)
    assert entry.cls.name in OPTIMIZERS  # a saved optimizer's type is a key: sessions rebuild it


def test_adams_default_learning_rate_differs_from_sgds_and_the_config_starts_from_sgds():
    assert OPTIMIZERS["adam"].lr != OPTIMIZERS["sgd"].lr
    assert TrainerConfig().optimizer == "sgd" and TrainerConfig().lr == OPTIMIZERS["sgd"].lr


@pytest.mark.parametrize("key", ACTIVATIONS)
def test_every_activation_builds(key):
    assert type(make_activation(key)) is ACTIVATIONS[key].cls
    build_trainer(TrainerConfig(activation=key, hidden=[4], n_samples=30)).step()


def test_every_entry_has_a_label_and_a_tip():
    for table in (DATASETS, MODELS, LOSSES, OPTIMIZERS, ACTIVATIONS):
        for key, entry in table.items():
            assert entry.label and entry.tip, key


def test_an_unknown_key_names_the_choices():
    with pytest.raises(ValueError, match="optimizer must be one of sgd, momentum, nesterov, rmsprop, "
                                         "adam, got 'adagrad'"):
        choose(OPTIMIZERS, "adagrad", "optimizer")
    with pytest.raises(ValueError, match="dataset must be one of spiral"):
        build_trainer(TrainerConfig(dataset="mnist"))
