"""Quality bars: the engine, models, optimizers and trainer together reach textbook results."""
from core.training import TrainerConfig, build_trainer


def test_cs231n_spiral_two_layer_net_reaches_97_percent():
    """CS231n's case study: 3 arms × 100 points, 100 ReLU units, softmax, full-batch SGD lr 1."""
    config = TrainerConfig(dataset="spiral", n_samples=300, n_classes=3, noise=0.2, val_fraction=0.0,
                           model="mlp", hidden=[100], activation="relu", loss="softmax",
                           optimizer="sgd", lr=1.0, reg=1e-3, batch_size=None)
    trainer = build_trainer(config)
    assert trainer.dataset.n_train == 300 and trainer.dataset.n_val == 0
    trainer.run(2000)
    result = trainer.evaluate(trainer.dataset.X_train, trainer.dataset.y_train)
    assert result["accuracy"] >= 0.97, result


def test_linear_svm_on_digits_reaches_93_percent_held_out():
    """Multiclass hinge loss on the standardised 8×8 digits, minibatch SGD with momentum 0.9."""
    config = TrainerConfig(dataset="digits", val_fraction=0.2, standardize=True, model="svm",
                           loss="hinge", optimizer="momentum", lr=0.01, reg=1e-3, batch_size=64)
    trainer = build_trainer(config)
    trainer.run(1000)
    result = trainer.evaluate(trainer.dataset.X_val, trainer.dataset.y_val)
    assert trainer.dataset.n_val == 359
    assert result["accuracy"] >= 0.93, result
