"""make_dataset: the toy 2-D sets, deterministic per seed, with clear errors."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.data import DATASET_NAMES, Dataset, make_dataset

MULTICLASS = ("spiral", "gaussian")
TWO_CLASS = ("circle", "xor", "moons")


def nearest_neighbour_accuracy(X, y):
    distance = ((X[:, None] - X[None]) ** 2).sum(-1)
    np.fill_diagonal(distance, np.inf)
    return (y[distance.argmin(axis=1)] == y).mean()


def test_names():
    assert DATASET_NAMES == ("spiral", "circle", "xor", "gaussian", "moons")


@pytest.mark.parametrize("name", DATASET_NAMES)
def test_shapes_classes_and_split(name):
    ds = make_dataset(name, n_samples=300, seed=0)
    assert isinstance(ds, Dataset) and ds.name == name
    assert ds.X_train.shape == (240, 2) and ds.X_val.shape == (60, 2)
    assert ds.n_classes == (3 if name in MULTICLASS else 2)
    labels = np.concatenate([ds.y_train, ds.y_val])
    counts = np.bincount(labels)
    assert counts.max() - counts.min() <= 1  # balanced


@pytest.mark.parametrize("name", DATASET_NAMES)
def test_same_seed_same_data_other_seed_other_data(name):
    a, b, c = make_dataset(name, seed=7), make_dataset(name, seed=7), make_dataset(name, seed=8)
    assert np.array_equal(a.X_train, b.X_train) and np.array_equal(a.y_val, b.y_val)
    assert not np.array_equal(a.X_train, c.X_train)


@pytest.mark.parametrize("name", DATASET_NAMES)
def test_classes_are_learnable_at_default_noise(name):
    ds = make_dataset(name, val_fraction=0.0)
    assert nearest_neighbour_accuracy(ds.X_train, ds.y_train) > 0.8


@pytest.mark.parametrize("name", DATASET_NAMES)
def test_without_noise_points_stay_near_the_unit_square(name):
    ds = make_dataset(name, noise=0.0, val_fraction=0.0)
    assert np.abs(ds.X_train).max() <= 1.5


def test_spiral_is_the_cs231n_construction():
    ds = make_dataset("spiral", n_samples=30, n_classes=3, noise=0.0, val_fraction=0.0)
    arm = ds.X_train[ds.y_train == 1]
    r = np.sort(np.hypot(arm[:, 0], arm[:, 1]))
    np.testing.assert_allclose(r, np.linspace(0, 1, 10), atol=1e-12)
    t = np.linspace(4, 8, 10)
    expected = np.column_stack([np.linspace(0, 1, 10) * np.sin(t), np.linspace(0, 1, 10) * np.cos(t)])
    assert sorted(map(tuple, arm.round(12))) == sorted(map(tuple, expected.round(12)))


def test_circle_inner_disc_and_outer_ring():
    ds = make_dataset("circle", noise=0.0, val_fraction=0.0)
    r = np.hypot(*ds.X_train.T)
    assert r[ds.y_train == 0].max() <= 0.5 and r[ds.y_train == 1].min() >= 0.7


def test_xor_quadrants():
    ds = make_dataset("xor", noise=0.0, val_fraction=0.0)
    same_sign = ds.X_train[:, 0] * ds.X_train[:, 1] > 0
    assert np.array_equal(same_sign, ds.y_train == 0)


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(MULTICLASS), n_classes=st.integers(2, 8),
       n_samples=st.integers(8, 200), seed=st.integers(0, 2**32 - 1),
       val_fraction=st.floats(0.0, 0.5))
def test_any_valid_setting_gives_a_consistent_dataset(name, n_classes, n_samples, seed, val_fraction):
    ds = make_dataset(name, n_samples=n_samples, n_classes=n_classes, val_fraction=val_fraction, seed=seed)
    assert ds.n_train + ds.n_val == n_samples
    # stratified: as asked, except that every class keeps a training sample
    assert ds.n_val == min(int(np.floor(n_samples * val_fraction + 0.5)), n_samples - n_classes)
    assert set(ds.y_train) == set(range(n_classes))
    assert ds.n_classes == n_classes and np.isfinite(ds.X_train).all()


@pytest.mark.parametrize("kwargs, message", [
    ({"name": "swiss"}, "unknown dataset 'swiss'; choose one of spiral, circle, xor, gaussian, moons"),
    ({"name": "circle", "n_classes": 3}, "circle has exactly 2 classes, got n_classes=3"),
    ({"name": "moons", "n_classes": 4}, "moons has exactly 2 classes"),
    ({"name": "spiral", "n_classes": 1}, "n_classes must be an integer >= 2, got 1"),
    ({"name": "spiral", "n_samples": 2, "n_classes": 3}, r"n_samples must be an integer >= n_classes \(3\)"),
    ({"name": "gaussian", "noise": -0.1}, "noise must be a finite number >= 0, got -0.1"),
    ({"name": "gaussian", "noise": float("inf")}, "noise must be a finite number >= 0"),
    ({"name": "xor", "val_fraction": 1.0}, r"val_fraction must be a number in \[0, 1\), got 1.0"),
    ({"name": "xor", "val_fraction": -0.2}, r"val_fraction must be a number in \[0, 1\)"),
])
def test_impossible_settings_say_what_is_allowed(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_dataset(**kwargs)
