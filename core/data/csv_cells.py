"""What a CSV cell means: strict decimal numbers, the header row, the delimiter and decimal mark.

Python's float() and numpy read "1_000", "١٢" (Arabic-Indic digits) and "１２" (full-width)
as numbers; a data file means none of them, so numbers are matched by an ASCII regex first.
"""
import re

import numpy as np

_NUMBER = {".": r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?",
           ",": r"[+-]?(?:\d+,?\d*|,\d+)(?:[eE][+-]?\d+)?"}
_CELL = {mark: re.compile(rf"\s*{number}\s*", re.ASCII) for mark, number in _NUMBER.items()}
# NOTE: one regex over a whole block of cells joined by \0 runs at C speed.
_BLOCK = {mark: re.compile(rf"(?:\s*{number}\s*\x00)*", re.ASCII) for mark, number in _NUMBER.items()}
_NON_FINITE = re.compile(r"\s*[+-]?(?:nan|inf|infinity)\s*", re.IGNORECASE | re.ASCII)
DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "','", ";": "';'", "\t": "tab", "|": "'|'"}


def number(cell, mark="."):
    """The value of a strictly decimal cell (``mark`` is the decimal mark), else None.

    "nan", "inf" and numbers too large for float64 give NaN/±inf; the caller refuses them.
    """
    if _CELL[mark].fullmatch(cell):
        return float(cell.replace(",", ".")) if mark == "," else float(cell)
    if _NON_FINITE.fullmatch(cell):
        return float(cell)
    return None


def is_number(cell, mark="."):
    """True for a strictly decimal, finite-looking cell (no nan/inf)."""
    return _CELL[mark].fullmatch(cell) is not None


def parse_block(cells, mark):
    """float64 array of ``cells`` (a flat list), or None when some cell is not a finite decimal."""
    if not cells:
        return np.empty(0)
    joined = "\x00".join(cells) + "\x00"
    if not _BLOCK[mark].fullmatch(joined):
        return None
    if mark == ",":
        cells = [cell.replace(",", ".") for cell in cells]
    values = np.array(cells).astype(np.float64)
    return values if np.isfinite(values).all() else None


def detect_delimiter(line):
    """The candidate delimiter that occurs most often outside quotes in ``line`` ("," if none)."""
    unquoted = re.sub(r'"[^"]*"', "", line)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def detect_decimal(rows, delimiter):
    """"," when the delimiter is not a comma and the cells use decimal commas, else "."."""
    if delimiter == ",":
        return "."
    cells = [cell for _, row in rows for cell in row]
    commas = sum(1 for cell in cells if "," in cell and is_number(cell, ","))
    dots = sum(1 for cell in cells if "." in cell and is_number(cell, "."))
    return "," if commas > dots else "."


def looks_like_header(first, below, label, mark):
    """Whether row ``first`` is a header, judged against the rows ``below`` it.

    It is when none of its feature cells is a number, or when its label cell is not a number
    while the label column below it is (``1,2,label`` over ``3,4,0``).
    """
    features = [cell for c, cell in enumerate(first) if c != label]
    if features and not any(number(cell, mark) is not None for cell in features):
        return True
    labels_below = [row[label] for row in below if label < len(row) and row[label].strip()]
    return (number(first[label], mark) is None and bool(labels_below)
            and all(is_number(cell, mark) for cell in labels_below))


def describe_delimiter(delimiter):
    """How a message names a delimiter: "','", "tab", ..."""
    return _DELIMITER_NAMES.get(delimiter, repr(delimiter))


def class_key(label, numeric):
    """Labels that are the same class share a key: numbers by value, text by exact text."""
    return float(label) if numeric else label


def class_name(key):
    """A numeric class's name: "1" for 1.0, "0.5" for 0.5; text classes keep their text."""
    if isinstance(key, float):
        return str(int(key)) if key.is_integer() else repr(key)
    return key
