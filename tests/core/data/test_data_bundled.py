"""The bundled real data: UCI handwritten digits and Iris, read without scikit-learn."""
import numpy as np

from core.data import DATA_DIR, load_digits, load_iris


def test_digits_are_1797_images_of_8x8_pixels_in_0_to_16():
    ds = load_digits(val_fraction=0.0)
    assert ds.name == "digits" and ds.X_train.shape == (1797, 64) and ds.n_val == 0
    assert ds.n_classes == 10 and ds.class_names == tuple("0123456789")
    assert ds.X_train.min() == 0 and ds.X_train.max() == 16
    assert np.array_equal(ds.X_train, np.round(ds.X_train))
    assert np.bincount(ds.y_train).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    assert ds.feature_names[9] == "pixel_1_1"


def test_digits_split_and_seed():
    a, b = load_digits(seed=1), load_digits(seed=1)
    assert (a.n_train, a.n_val) == (1438, 359)
    assert np.array_equal(a.X_val, b.X_val)
    assert not np.array_equal(a.y_val, load_digits(seed=2).y_val)


def test_iris_is_150_flowers_with_4_measurements_and_3_species():
    ds = load_iris(val_fraction=0.0)
    assert ds.name == "iris" and ds.X_train.shape == (150, 4)
    assert ds.class_names == ("setosa", "versicolor", "virginica")
    assert ds.feature_names == ("sepal_length", "sepal_width", "petal_length", "petal_width")
    assert np.bincount(ds.y_train).tolist() == [50, 50, 50]
    np.testing.assert_allclose(ds.X_train.mean(axis=0), [5.8433, 3.0573, 3.758, 1.1993], atol=1e-4)


def test_iris_default_split():
    ds = load_iris()
    assert (ds.n_train, ds.n_val) == (120, 30)


def test_resources_are_found_next_to_the_package_and_credited():
    assert (DATA_DIR / "digits.csv.gz").is_file() and (DATA_DIR / "iris.csv").is_file()
    assert "CC BY 4.0" in (DATA_DIR / "README.md").read_text()
