"""Dataset: shapes, validation messages, and standardisation from the training split only."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from core.data import DataError, Dataset


def small():
    X = np.array([[0.0, 1.0], [1.0, 1.0], [2.0, 1.0], [3.0, 1.0]])
    return Dataset(X, [0, 1, 0, 2], X_val=[[10.0, 5.0]], y_val=[1], name="small")


def test_sizes_dtypes_and_default_names():
    ds = small()
    assert (ds.n_train, ds.n_val, ds.n_features, ds.n_classes) == (4, 1, 2, 3)
    assert ds.X_train.dtype == np.float64 and ds.y_train.dtype == np.int64
    assert ds.class_names == ("0", "1", "2") and ds.feature_names == ("x1", "x2")
    assert ds.name == "small" and "train=4" in repr(ds)


def test_without_validation_split():
    ds = Dataset([[0.0], [1.0]], [0, 1])
    assert ds.X_val is None and ds.y_val is None and ds.n_val == 0


def test_arrays_are_copied_and_read_only():
    X = np.zeros((2, 1))
    ds = Dataset(X, [0, 1])
    X[0, 0] = 5.0
    assert ds.X_train[0, 0] == 0.0
    with pytest.raises(ValueError):
        ds.X_train[0, 0] = 1.0


def test_class_names_set_n_classes_even_for_absent_classes():
    ds = Dataset([[0.0], [1.0]], [0, 1], class_names=["cat", "dog", "eel"])
    assert ds.n_classes == 3 and ds.class_names == ("cat", "dog", "eel")


@pytest.mark.parametrize("args, message", [
    (([[0.0], [1.0], [2.0]], [0, 1]), "X_train has 3 samples but y_train has 2"),
    (([0.0, 1.0], [0, 1]), r"X_train must be 2-D \(N, D\), got shape \(2,\)"),
    (([[0.0], [np.nan]], [0, 1]), r"NaN/Inf.*\[1, 0\]"),
    (([[0.0], [np.inf]], [0, 1]), "NaN/Inf"),
    (([[0.0], [1.0]], [0, -1]), "negative labels"),
    (([[0.0], [1.0]], [1, 1]), "single class"),
    (([[0.0], [1.0]], [0.5, 1]), "whole-number"),
    (([[0.0], [1.0]], ["a", "b"]), "integer class labels"),
    (([[0.0], [1.0]], [[0], [1]]), r"y_train must be 1-D \(N,\), got shape \(2, 1\)"),
    (([[0.0], [1.0]], [0, 2], None, None, "d", ["a", "b"]), "label 2 has no class name"),
    (([[0.0], [1.0]], [0, 1], [[0.0, 1.0]], [0]), r"X_val has 2 features but X_train has 1"),
    (([[0.0], [1.0]], [0, 1], [[0.0]], None), "both X_val and y_val"),
    (([[0.0], [1.0]], [0, 1], [[0.0]], [0, 1]), "X_val has 1 samples but y_val has 2"),
])
def test_bad_inputs_are_named(args, message):
    with pytest.raises(DataError, match=message):
        Dataset(*args)


def test_data_error_is_a_value_error():
    assert issubclass(DataError, ValueError)


def test_standardized_uses_training_statistics_only():
    ds = small()
    z = ds.standardized()
    np.testing.assert_allclose(z.mean, [1.5, 1.0])
    np.testing.assert_allclose(z.std, [np.sqrt(1.25), 1.0])  # the constant feature keeps std 1
    np.testing.assert_allclose(z.X_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(z.X_val, [[(10.0 - 1.5) / np.sqrt(1.25), 4.0]])
    assert ds.mean is None and not ds.is_standardized  # the original is untouched
    assert z.standardized() is z
    assert np.array_equal(z.y_train, ds.y_train) and z.class_names == ds.class_names


def test_transform_maps_raw_points_like_the_training_data():
    ds = small()
    z = ds.standardized()
    np.testing.assert_allclose(z.transform(ds.X_train), z.X_train)
    np.testing.assert_allclose(z.inverse_transform(z.X_val), ds.X_val)
    assert np.array_equal(ds.transform([[1.0, 2.0]]), [[1.0, 2.0]])


@settings(max_examples=50, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, min_side=2, max_side=20),
                  elements=st.floats(-1e6, 1e6, allow_subnormal=False)))
def test_standardized_training_features_have_zero_mean_unit_std(X):
    y = np.arange(len(X)) % 2
    z = Dataset(X, y).standardized()
    assert np.isfinite(z.X_train).all()
    constant = X.max(axis=0) == X.min(axis=0)
    np.testing.assert_allclose(z.X_train.mean(axis=0), 0.0, atol=1e-6)
    np.testing.assert_allclose(z.X_train.std(axis=0)[~constant], 1.0, rtol=1e-6)


def test_from_arrays_splits_deterministically():
    X, y = np.arange(40.0).reshape(20, 2), np.arange(20) % 2
    a = Dataset.from_arrays(X, y, val_fraction=0.25, seed=3)
    b = Dataset.from_arrays(X, y, val_fraction=0.25, seed=3)
    assert (a.n_train, a.n_val) == (15, 5)
    assert np.array_equal(a.X_val, b.X_val) and np.array_equal(a.y_train, b.y_train)
    merged = np.concatenate([a.X_train, a.X_val])
    assert sorted(map(tuple, merged)) == sorted(map(tuple, X))


@pytest.mark.parametrize("val_fraction", [-0.1, 1.0, 1.5, float("nan"), "0.2"])
def test_from_arrays_rejects_val_fraction_outside_unit_interval(val_fraction):
    with pytest.raises(DataError, match=r"val_fraction must be a number in \[0, 1\)"):
        Dataset.from_arrays(np.zeros((4, 1)), [0, 1, 0, 1], val_fraction=val_fraction)


@pytest.mark.parametrize("X, y", [(np.zeros((4, 2)), np.zeros((4, 2), dtype=int)),
                                  (np.zeros(()), [0, 1]), (np.zeros((4, 2)), 1)])
def test_from_arrays_rejects_bad_shapes_with_a_data_error(X, y):
    with pytest.raises(DataError):
        Dataset.from_arrays(X, y)
