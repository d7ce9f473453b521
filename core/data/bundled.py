"""Real data shipped in the package's resources/data: the UCI 8×8 handwritten digits and Fisher's Iris."""
from ..resource_files import resource
from .csv_loader import load_csv
from .dataset import Dataset

DATA_DIR = resource("data")


def load_digits(val_fraction=0.2, seed=0):
    """1797 digit images as 64 pixel counts in 0..16 (row-major 8×8), classes "0".."9"."""
    ds = load_csv(DATA_DIR / "digits.csv.gz", label_column=-1, val_fraction=val_fraction,
                  seed=seed, has_header=False)
    pixels = [f"pixel_{row}_{col}" for row in range(8) for col in range(8)]
    return _renamed(ds, "digits", pixels)


def load_iris(val_fraction=0.2, seed=0):
    """150 flowers, 4 measurements in cm, classes setosa/versicolor/virginica."""
    ds = load_csv(DATA_DIR / "iris.csv", label_column="species", val_fraction=val_fraction,
                  seed=seed, has_header=True)
    return _renamed(ds, "iris", ds.feature_names)


def _renamed(ds, name, feature_names):
    return Dataset(ds.X_train, ds.y_train, ds.X_val, ds.y_val, name=name,
                   class_names=ds.class_names, feature_names=feature_names)
