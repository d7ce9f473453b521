"""CSV import: numeric feature columns and one label column (numbers or class names).

Every problem is a CSVError (a DataError) that names the file and, where it has one, the line
and column (both counted from 1, as a text editor does), and says how the file was read.
Files ending in ``.gz`` are read through gzip. The file is read in a stream and refused as
soon as it passes a limit of ``core.limits`` (bytes, rows, cells, line length).
"""
import csv
import gzip
import io
import zlib
from array import array
from pathlib import Path

import numpy as np

from ..limits import MAX_CSV_BYTES, MAX_CSV_CELLS, MAX_CSV_ROWS
from . import csv_cells as cells_
from .dataset import DataError, Dataset

MAX_LINE_CHARS = 1 << 20
_BLOCK_CHARS = 1 << 16
_CHUNK_ROWS = 4096
_SNIFF_ROWS = 50


class CSVError(DataError):
    """A CSV file that cannot be loaded; names the file, the place and how it was read."""


def load_csv(path, label_column=-1, val_fraction=0.2, seed=0, has_header=None, delimiter=None,
             decimal=None):
    """Load a classification table; labels become class ids 0..k-1 in sorted order (names in class_names).

    ``label_column`` is an index (negative counts from the end) or a header name. Numeric labels
    are classes by value ("1" and "1.0" are one class), text labels by their exact text.
    ``has_header=None`` detects a header row from its cells; ``delimiter=None`` picks the most
    frequent of , ; tab | on the first line; ``decimal=None`` detects a decimal comma.
    """
    path = Path(path)
    with _open(path) as handle:
        reader = _Rows(path, handle, delimiter)
        return _load(path, reader, label_column, val_fraction, seed, has_header, decimal)


def _load(path, reader, label_column, val_fraction, seed, has_header, decimal):
    sniffed = reader.peek(_SNIFF_ROWS + 1)
    if not sniffed:
        raise CSVError(f"{path}: the file is empty")
    first_line, first = sniffed[0]
    width = len(first)
    mark = decimal or cells_.detect_decimal(sniffed[1:] or sniffed, reader.delimiter)
    how = _How(path, reader.delimiter, mark, width)
    if width < 2:
        raise CSVError(f"{path}: line {first_line} has {width} column; need at least one "
                       f"feature column and a label column{how.note()}")
    header = _header_of(path, sniffed, label_column, has_header, mark)
    label = _label_index(path, label_column, width, header)
    how.label, how.header = label, header
    features = [c for c in range(width) if c != label]
    if header is not None:
        reader.skip_first()
    blocks, ids, texts = [], array("q"), {}
    pending, rows = [], 0
    for line, cells in reader:
        if len(cells) != width:
            raise CSVError(f"{path}: line {line} has {len(cells)} columns, expected {width} "
                           f"as on line {first_line}{how.note()}")
        rows += 1
        if rows > MAX_CSV_ROWS or rows * width > MAX_CSV_CELLS:
            raise CSVError(f"{path}: has more than {MAX_CSV_ROWS:,} rows or {MAX_CSV_CELLS:,} cells "
                           "(MAX_CSV_ROWS, MAX_CSV_CELLS); load a sample of it")
        text = cells[label].strip()
        if not text:
            raise CSVError(f"{path}: missing label at line {line}, column {how.column(label)}"
                           f"{how.note()}")
        ids.append(texts.setdefault(text, len(texts)))
        pending.append((line, cells))
        if len(pending) == _CHUNK_ROWS:
            blocks.append(_features(how, pending, features, first_line))
            pending = []
    if pending:
        blocks.append(_features(how, pending, features, first_line))
    if not rows:
        raise CSVError(f"{path}: has a header row but no data rows")
    X = np.concatenate(blocks)
    class_names, y = _classes(texts, np.frombuffer(ids, dtype=np.int64), mark)
    if len(class_names) < 2:
        raise CSVError(f"{path}: the label column ({how.column(label)}) holds a single class "
                       f"{class_names[0]!r}; a classifier needs at least 2{how.note()}")
    feature_names = None if header is None else [header[c].strip() or f"x{c + 1}" for c in features]
    try:
        return Dataset.from_arrays(X, y, val_fraction, seed, name=_stem(path),
                                   class_names=class_names, feature_names=feature_names)
    except DataError as error:
        raise CSVError(f"{path}: {error}") from None


class _How:
    """How the file is being read, for messages that say what to change."""

    def __init__(self, path, delimiter, mark, width):
        self.path, self.delimiter, self.mark, self.width = path, delimiter, mark, width
        self.label = self.header = None

    def column(self, c):
        name = self.header[c].strip() if self.header is not None else ""
        return f"{c + 1} ({name!r})" if name else str(c + 1)

    def note(self):
        parts = [f"delimiter {cells_.describe_delimiter(self.delimiter)}",
                 f"decimal mark {self.mark!r}"]
        if self.label is not None:
            parts.insert(0, f"label column {self.column(self.label)} of {self.width}")
        return f" [read with {', '.join(parts)}; pass label_column=, delimiter= or decimal= to change]"


def _features(how, rows, columns, first_line):
    """The feature block of ``rows`` as float64; on failure find the first bad cell for the message."""
    flat = [cells[c] for _, cells in rows for c in columns]
    values = cells_.parse_block(flat, how.mark)
    if values is not None:
        return values.reshape(len(rows), len(columns))
    for line, cells in rows:
        for c in columns:
            _check_cell(how, line, c, cells[c], line == first_line)
    raise AssertionError("parse_block refused a block whose every cell is valid")  # pragma: no cover


def _check_cell(how, line, column, cell, on_first_line):
    where = f"line {line}, column {how.column(column)}"
    if not cell.strip():
        raise CSVError(f"{how.path}: missing value at {where}{how.note()}")
    value = cells_.number(cell, how.mark)
    if value is None:
        hint = (f" (if line {line} is a header, pass has_header=True)"
                if on_first_line and how.header is None else "")
        raise CSVError(f"{how.path}: non-numeric value {cell.strip()!r} at {where}{hint}"
                       f"{how.note()}")
    if not np.isfinite(value):
        raise CSVError(f"{how.path}: non-finite value {cell.strip()!r} at {where}{how.note()}")


def _classes(texts, ids, mark):
    """(class names, y): numeric labels grouped by value and sorted numerically, else text sorted."""
    numeric = all(cells_.is_number(text, mark) for text in texts)
    keys = {text: cells_.class_key(text.replace(",", ".") if mark == "," else text, numeric)
            for text in texts}
    distinct = sorted(set(keys.values()))
    position = {key: k for k, key in enumerate(distinct)}
    by_id = np.array([position[keys[text]] for text in texts], dtype=np.int64)
    return [cells_.class_name(key) for key in distinct], by_id[ids]


def _header_of(path, sniffed, label_column, has_header, mark):
    first = sniffed[0][1]
    if has_header is None:
        named = first if isinstance(label_column, str) else None
        label = _label_index(path, label_column, len(first), named)
        has_header = cells_.looks_like_header(first, [row for _, row in sniffed[1:]], label, mark)
    if isinstance(label_column, str) and not has_header:
        raise CSVError(f"{path}: label_column={label_column!r} names a column, but the file has no header row")
    return first if has_header else None


def _label_index(path, label_column, width, header):
    if isinstance(label_column, str):
        names = [] if header is None else [cell.strip() for cell in header]
        if label_column not in names:
            raise CSVError(f"{path}: no column named {label_column!r} in the header {names}")
        return names.index(label_column)
    if (not isinstance(label_column, (int, np.integer)) or isinstance(label_column, bool)
            or not -width <= label_column < width):
        raise CSVError(f"{path}: label_column={label_column!r} is out of range for {width} columns "
                       f"(use 0..{width - 1} or -{width}..-1)")
    return int(label_column) % width


def _open(path):
    try:
        if path.suffix == ".gz":
            raw = gzip.open(path, "rb")
        else:
            raw = open(path, "rb")  # noqa: SIM115 - closed by the caller's with block
    except FileNotFoundError:
        raise CSVError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CSVError(f"{path}: is a directory, not a CSV file") from None
    except OSError as error:
        raise CSVError(f"{path}: cannot open ({error.strerror or error})") from None
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


class _Rows:
    """(line number, cells) of the non-blank rows, read lazily with the limits applied."""

    def __init__(self, path, handle, delimiter):
        self.path, self._handle, self._read = path, handle, 0
        self._lines = self._bounded_lines()
        self._first = next(self._lines, "")
        self.delimiter = delimiter or cells_.detect_delimiter(self._first)
        self._rows = self._parse()
        self._buffer = []

    def peek(self, n):
        while len(self._buffer) < n:
            row = next(self._rows, None)
            if row is None:
                break
            self._buffer.append(row)
        return list(self._buffer[:n])

    def skip_first(self):
        self.peek(1)
        self._buffer.pop(0)

    def __iter__(self):
        while self._buffer:
            yield self._buffer.pop(0)
        yield from self._rows

    def _bounded_lines(self):
        # NOTE: read in blocks and split, so csv.reader pulls lines at C speed.
        carry = ""
        while True:
            block = self._guard(lambda: self._handle.read(_BLOCK_CHARS))
            self._read += len(block)
            if self._read > MAX_CSV_BYTES:
                raise CSVError(f"{self.path}: is larger than {MAX_CSV_BYTES >> 20} MiB of text "
                               "(MAX_CSV_BYTES); load a sample of it")
            # NOTE: split at \n only: str.splitlines also splits at \x0c, \u2028, ... inside cells.
            lines = (carry + block).split("\n")
            carry = lines.pop()
            lines = [line + "\n" for line in lines]
            if not block and carry:
                lines.append(carry)
            if len(carry) > MAX_LINE_CHARS or any(len(line) > MAX_LINE_CHARS for line in lines):
                raise CSVError(f"{self.path}: a line is longer than {MAX_LINE_CHARS:,} characters "
                               "(MAX_LINE_CHARS); is this a CSV file?")
            yield from lines
            if not block:
                return

    def _parse(self):
        reader = csv.reader(_chain([self._first], self._lines), delimiter=self.delimiter, strict=True)
        start = 1
        while True:
            try:
                cells = next(reader, None)
            except csv.Error as error:
                if "unexpected end of data" in str(error):
                    raise CSVError(f"{self.path}: line {start} opens a quoted field that is never "
                                   "closed (an unterminated quote \")") from None
                raise CSVError(f"{self.path}: line {reader.line_num} cannot be read as CSV ({error})") from None
            if cells is None:
                return
            if any(cell.strip() for cell in cells):
                yield start, cells
            start = reader.line_num + 1

    def _guard(self, read):
        try:
            return read()
        except UnicodeDecodeError as error:
            raise CSVError(f"{self.path}: not a UTF-8 text file ({error.reason} at byte "
                           f"{error.start})") from None
        except (OSError, EOFError, zlib.error) as error:  # gzip.BadGzipFile is an OSError
            raise CSVError(f"{self.path}: the file is damaged or truncated ({error})") from None


def _chain(first, rest):
    yield from first
    yield from rest


def _stem(path):
    return Path(path.stem).stem if path.suffix == ".gz" else path.stem
