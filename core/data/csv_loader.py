"""CSV import: numeric feature columns and one label column (integers or class names).

Every problem is a DataError that names the file and, where it has one, the line and column
(both counted from 1, as a text editor does). Files ending in ``.gz`` are read through gzip.
"""
import csv
import gzip
import math
from pathlib import Path

import numpy as np

from .dataset import DataError, Dataset


def load_csv(path, label_column=-1, val_fraction=0.2, seed=0, has_header=None, delimiter=","):
    """Load a classification table; labels become class ids 0..k-1 in sorted order (names in class_names).

    ``label_column`` is an index (negative counts from the end) or a header name.
    ``has_header=None`` takes the first row as a header when none of its feature cells is a number.
    """
    path = Path(path)
    rows = _read_rows(path, delimiter)
    width = len(rows[0][1])
    if width < 2:
        raise DataError(f"{path}: line {rows[0][0]} has {width} column; need at least one "
                        "feature column and a label column")
    first_line = rows[0][0]
    header = _header_of(path, rows[0][1], label_column, has_header)
    label = _label_index(path, label_column, width, header)
    feature_cols = [c for c in range(width) if c != label]
    if header is not None:
        rows = rows[1:]
        if not rows:
            raise DataError(f"{path}: has a header row but no data rows")
    for line, cells in rows:
        if len(cells) != width:
            raise DataError(f"{path}: line {line} has {len(cells)} columns, expected {width} "
                            f"as on line {first_line}")

    X = _parse_features(path, rows, feature_cols, header, first_line)
    labels = [_label_cell(path, line, cells, label, header) for line, cells in rows]
    class_names = _sorted_classes(labels)
    if len(class_names) < 2:
        raise DataError(f"{path}: the label column ({_column_name(label, header)}) holds a single "
                        f"class {class_names[0]!r}; a classifier needs at least 2")
    ids = {name: k for k, name in enumerate(class_names)}
    y = np.array([ids[name] for name in labels], dtype=np.int64)
    feature_names = None if header is None else [header[c].strip() or f"x{c + 1}" for c in feature_cols]
    try:
        return Dataset.from_arrays(X, y, val_fraction, seed, name=_stem(path),
                                   class_names=class_names, feature_names=feature_names)
    except DataError as error:
        raise DataError(f"{path}: {error}") from None


def _read_rows(path, delimiter):
    """(line number, cells) for every row that is not blank."""
    try:
        opened = (gzip.open(path, "rt", encoding="utf-8-sig", newline="") if path.suffix == ".gz"
                  else open(path, encoding="utf-8-sig", newline=""))
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except OSError as error:
        raise DataError(f"{path}: cannot open ({error.strerror or error})") from None
    try:
        with opened as handle:
            reader = csv.reader(handle, delimiter=delimiter)
            rows = [(reader.line_num, cells) for cells in reader if any(c.strip() for c in cells)]
    except UnicodeDecodeError as error:
        raise DataError(f"{path}: not a UTF-8 text file ({error.reason} at byte {error.start})") from None
    except (csv.Error, OSError, EOFError) as error:
        raise DataError(f"{path}: cannot be read as CSV ({error})") from None
    if not rows:
        raise DataError(f"{path}: the file is empty")
    return rows


def _header_of(path, first, label_column, has_header):
    if has_header is None:
        label = _label_index(path, label_column, len(first), first if isinstance(label_column, str) else None)
        has_header = not any(_number(cell) is not None for c, cell in enumerate(first) if c != label)
    if isinstance(label_column, str) and not has_header:
        raise DataError(f"{path}: label_column={label_column!r} names a column, but the file has no header row")
    return first if has_header else None


def _label_index(path, label_column, width, header):
    if isinstance(label_column, str):
        names = [] if header is None else [cell.strip() for cell in header]
        if label_column not in names:
            raise DataError(f"{path}: no column named {label_column!r} in the header {names}")
        return names.index(label_column)
    if not isinstance(label_column, (int, np.integer)) or not -width <= label_column < width:
        raise DataError(f"{path}: label_column={label_column!r} is out of range for {width} columns "
                        f"(use 0..{width - 1} or -{width}..-1)")
    return int(label_column) % width


def _parse_features(path, rows, columns, header, first_line):
    """The feature block as float64; on failure find the first bad cell for the message."""
    block = [[cells[c] for c in columns] for _, cells in rows]
    try:
        X = np.array(block, dtype=np.float64)
    except ValueError:
        X = None  # numpy is strict about some spellings float() accepts; check cell by cell
    if X is None or not np.isfinite(X).all():
        X = np.empty((len(rows), len(columns)))
        for i, (line, cells) in enumerate(rows):
            for j, c in enumerate(columns):
                X[i, j] = _feature_cell(path, line, c, cells[c], header, line == first_line)
    return X


def _feature_cell(path, line, column, cell, header, on_first_line):
    where = f"line {line}, column {_column_name(column, header)}"
    if not cell.strip():
        raise DataError(f"{path}: missing value at {where}")
    value = _number(cell)
    if value is None:
        hint = (f" (if line {line} is a header, pass has_header=True)"
                if on_first_line and header is None else "")
        raise DataError(f"{path}: non-numeric value {cell.strip()!r} at {where}{hint}")
    if not math.isfinite(value):
        raise DataError(f"{path}: non-finite value {cell.strip()!r} at {where}")
    return value


def _label_cell(path, line, cells, column, header):
    label = cells[column].strip()
    if not label:
        raise DataError(f"{path}: missing label at line {line}, column {_column_name(column, header)}")
    return label


def _sorted_classes(labels):
    """Distinct labels, numerically sorted when all are numbers, else alphabetically."""
    distinct = set(labels)
    numbers = {name: _number(name) for name in distinct}
    if all(value is not None and math.isfinite(value) for value in numbers.values()):
        return sorted(distinct, key=lambda name: (numbers[name], name))
    return sorted(distinct)


def _column_name(column, header):
    name = header[column].strip() if header is not None else ""
    return f"{column + 1} ({name!r})" if name else str(column + 1)


def _stem(path):
    return Path(path.stem).stem if path.suffix == ".gz" else path.stem


def _number(cell):
    try:
        return float(cell)
    except ValueError:
        return None
