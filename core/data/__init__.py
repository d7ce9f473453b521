"""Data for training: toy 2-D generators, bundled real data, CSV import, splits and batching."""
from .batching import BatchSampler, iterate_minibatches
from .bundled import DATA_DIR, load_digits, load_iris
from .csv_loader import CSVError, load_csv
from .dataset import DataError, Dataset
from .generators import DATASET_NAMES, make_dataset

__all__ = ["BatchSampler", "CSVError", "DATASET_NAMES", "DATA_DIR", "DataError", "Dataset", "iterate_minibatches",
           "load_csv", "load_digits", "load_iris", "make_dataset"]
