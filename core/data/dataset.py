"""The Dataset: training and validation arrays with their class names, checked once."""
import math

import numpy as np


class DataError(ValueError):
    """Data that cannot be used: a bad array, a bad file, an impossible setting."""


class Dataset:
    """Train/validation split of X (float64, N×D) and integer labels y (int64, N,) in 0..k-1.

    Arrays are copied and made read-only; ``X_val``/``y_val`` are None without a validation split.
    """

    def __init__(self, X_train, y_train, X_val=None, y_val=None, name="custom",
                 class_names=None, feature_names=None):
        self.name = str(name)
        self.X_train = _features(X_train, "X_train")
        self.y_train = _labels(y_train, "y_train", len(self.X_train), "X_train")
        if (X_val is None) != (y_val is None):
            raise DataError("give both X_val and y_val, or neither")
        if X_val is not None and np.shape(X_val)[:1] == np.shape(y_val)[:1] == (0,):
            X_val = y_val = None  # an empty split is no split
        if X_val is None:
            self.X_val = self.y_val = None
        else:
            self.X_val = _features(X_val, "X_val")
            if self.X_val.shape[1] != self.n_features:
                raise DataError(f"X_val has {self.X_val.shape[1]} features but X_train has "
                                f"{self.n_features}: shapes {self.X_val.shape} and {self.X_train.shape}")
            self.y_val = _labels(y_val, "y_val", len(self.X_val), "X_val")

        present = np.flatnonzero(np.bincount(self.y_train))   # np.unique imports numpy.ma: 40 ms of start-up
        if len(present) < 2:
            raise DataError(f"y_train holds a single class (label {present[0]}); "
                            "a classifier needs at least 2")
        highest = max(int(self.y_train.max()), -1 if self.y_val is None else int(self.y_val.max()))
        if class_names is None:
            class_names = [str(k) for k in range(highest + 1)]
        self.class_names = tuple(str(c) for c in class_names)
        if highest >= len(self.class_names):
            raise DataError(f"label {highest} has no class name: class_names has "
                            f"{len(self.class_names)} entries {self.class_names}")
        if feature_names is None:
            feature_names = [f"x{j + 1}" for j in range(self.n_features)]
        self.feature_names = tuple(str(f) for f in feature_names)
        if len(self.feature_names) != self.n_features:
            raise DataError(f"feature_names has {len(self.feature_names)} entries but X_train "
                            f"has {self.n_features} features (shape {self.X_train.shape})")
        self.mean = self.std = self._residual = None  # set on the copy that standardized() returns

    @classmethod
    def from_arrays(cls, X, y, val_fraction=0.2, seed=0, **kwargs):
        """Split X, y at random (a numpy Generator seeded with ``seed``) into train and validation.

        The split is stratified: each class gives its share to validation and keeps at least
        one sample for training, so the validation split may be smaller than asked for when
        classes are tiny.
        """
        X, y = np.asarray(X), np.asarray(y)
        if y.ndim != 1:  # checked here: the split below would index X with y's flat positions
            raise DataError(f"y must be 1-D (N,), got shape {y.shape}")
        if X.shape[:1] != y.shape:
            raise DataError(f"X has {X.shape[0] if X.ndim else 0} samples but y has {len(y)}: "
                            f"shapes {X.shape} and {y.shape}")
        n_val = validation_size(len(X), val_fraction)
        rng = np.random.default_rng(seed)
        train, val = _stratified_split(y, n_val, rng)
        if len(val) == 0:
            return cls(X[train], y[train], **kwargs)
        return cls(X[train], y[train], X[val], y[val], **kwargs)

    n_train = property(lambda self: len(self.X_train), doc="Number of training samples.")
    n_val = property(lambda self: 0 if self.X_val is None else len(self.X_val),
                     doc="Number of validation samples (0 without a validation split).")
    n_features = property(lambda self: self.X_train.shape[1], doc="D, the columns of X.")
    n_classes = property(lambda self: len(self.class_names), doc="k; labels are 0..k-1.")
    is_standardized = property(lambda self: self.mean is not None,
                               doc="True on the copy returned by standardized().")

    def standardized(self):
        """A copy whose features have zero mean and unit variance on the training split.

        The statistics come from X_train only and are kept in ``mean``/``std``; a constant
        feature gets std 1. Standardizing twice changes nothing.
        """
        if self.is_standardized:
            return self
        # NOTE: scaled by each column's largest magnitude so that tiny or huge values
        # neither underflow nor overflow when squared.
        scale = np.abs(self.X_train).max(axis=0)
        scale[scale == 0] = 1.0
        mean = (self.X_train / scale).mean(axis=0) * scale
        # NOTE: the mean of nearly equal values can fall between two floats; the small shift
        # that rounding leaves in X − mean is taken out as well, so the result has mean 0.
        residual = ((self.X_train - mean) / scale).mean(axis=0) * scale
        std = ((self.X_train - mean - residual) / scale).std(axis=0) * scale
        std[(self.X_train.max(axis=0) == self.X_train.min(axis=0)) | (std == 0)] = 1.0  # constant feature
        stats = _frozen(mean), _frozen(residual), _frozen(std)
        copy = Dataset(
            _standardize(self.X_train, *stats), self.y_train,
            None if self.X_val is None else _standardize(self.X_val, *stats), self.y_val,
            name=self.name, class_names=self.class_names, feature_names=self.feature_names)
        copy.mean, copy._residual, copy.std = stats
        return copy

    def transform(self, X):
        """Map raw feature rows into this dataset's coordinates (identity unless standardized)."""
        X = np.asarray(X, dtype=np.float64)
        return X if self.mean is None else _standardize(X, self.mean, self._residual, self.std)

    def inverse_transform(self, X):
        """Map rows in this dataset's coordinates back to raw feature units."""
        X = np.asarray(X, dtype=np.float64)
        return X if self.mean is None else X * self.std + self._residual + self.mean

    def __repr__(self):
        scaled = ", standardized" if self.is_standardized else ""
        return (f"Dataset({self.name!r}, train={self.n_train}, val={self.n_val}, "
                f"features={self.n_features}, classes={self.n_classes}{scaled})")


def _standardize(X, mean, residual, std):
    return (X - mean - residual) / std


def _stratified_split(y, n_val, rng):
    """(train, val) index arrays: n_val shared among classes in proportion to their size
    (largest remainders first), never taking a class's last sample."""
    classes, counts = np.unique(y, return_counts=True)
    share = counts * n_val / len(y)
    take = np.floor(share).astype(int)
    by_remainder = np.argsort(-(share - take), kind="stable")
    take[by_remainder[:n_val - take.sum()]] += 1
    room = counts - 1
    spill = int(np.maximum(take - room, 0).sum())
    take = np.minimum(take, room)
    for c in by_remainder:
        extra = min(spill, room[c] - take[c])
        take[c] += extra
        spill -= extra
    train, val = [], []
    for c, k in zip(classes, take):
        members = rng.permutation(np.flatnonzero(y == c))
        val.append(members[:k])
        train.append(members[k:])
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(val))


def validation_size(n, val_fraction):
    """How many of n samples go to validation: round(n·val_fraction), leaving at least one for training."""
    if not isinstance(val_fraction, (int, float, np.integer, np.floating)) or not 0 <= val_fraction < 1:
        raise DataError(f"val_fraction must be a number in [0, 1), got {val_fraction!r}")
    return min(int(math.floor(n * val_fraction + 0.5)), max(n - 1, 0))


def _features(X, what):
    X = np.asarray(X)
    if X.dtype.kind not in "biuf":
        raise DataError(f"{what} must hold numbers, got dtype {X.dtype}")
    if X.ndim != 2:
        hint = " (for one feature use X.reshape(-1, 1))" if X.ndim == 1 else ""
        raise DataError(f"{what} must be 2-D (N, D), got shape {X.shape}{hint}")
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise DataError(f"{what} is empty: shape {X.shape}")
    X = np.array(X, dtype=np.float64)
    bad = ~np.isfinite(X)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise DataError(f"{what} holds {int(bad.sum())} NaN/Inf values, the first at "
                        f"[{row}, {col}] = {X[row, col]} (shape {X.shape})")
    return _frozen(X)


def _labels(y, what, n, x_what):
    y = np.asarray(y)
    if y.ndim != 1:
        raise DataError(f"{what} must be 1-D (N,), got shape {y.shape}")
    if len(y) != n:
        raise DataError(f"{x_what} has {n} samples but {what} has {len(y)}: "
                        f"{what} shape {y.shape}")
    if y.dtype.kind == "f":
        if not np.all(np.isfinite(y)) or np.any(y != np.round(y)):
            raise DataError(f"{what} must hold whole-number class labels, got dtype {y.dtype} "
                            "with fractional or NaN values")
    elif y.dtype.kind not in "biu":
        raise DataError(f"{what} must hold integer class labels 0..k-1, got dtype {y.dtype} "
                        "(map names to integers, or use load_csv)")
    y = np.array(y, dtype=np.int64)
    if (y < 0).any():
        raise DataError(f"{what} holds negative labels (smallest {y.min()}); labels must be 0..k-1")
    return _frozen(y)


def _frozen(array):
    array.setflags(write=False)
    return array
