"""Per-iteration training records, stored compactly: one growable numpy array per quantity."""
import math

import numpy as np

BASE_KEYS = ("iteration", "train_loss", "data_loss", "reg_loss", "train_acc", "lr",
             "val_iteration", "val_loss", "val_acc")
INTEGER_KEYS = ("iteration", "val_iteration")
ROW_KEYS = ("iteration", "train_loss", "data_loss", "reg_loss", "train_acc", "lr")  # every iteration


class Series:
    """A list-like column of numbers in a numpy buffer that doubles when full.

    8 bytes an entry instead of a Python float's 32 in a list, so 100,000 iterations stay small;
    ``view()`` is a read-only array of the entries without copying them. Entries are only ever
    appended, so a view handed out earlier keeps its values. Compares equal to a list with the
    same values; iterating and indexing give Python numbers.
    """

    __slots__ = ("_buffer", "_n")

    def __init__(self, values=(), dtype=np.float64):
        values = np.asarray(list(values), dtype=dtype)
        self._buffer = np.empty(max(64, 2 * len(values)), dtype=dtype)
        self._buffer[:len(values)] = values
        self._n = len(values)

    def append(self, value):
        """Add one entry at the end."""
        if self._n == len(self._buffer):
            grown = np.empty(2 * self._n, dtype=self._buffer.dtype)
            grown[:self._n] = self._buffer[:self._n]
            self._buffer = grown
        self._buffer[self._n] = value
        self._n += 1

    def view(self):
        """The entries as a read-only numpy array (no copy)."""
        view = self._buffer[:self._n]
        view.flags.writeable = False
        return view

    def __len__(self):
        return self._n

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._buffer[:self._n][index].tolist()
        return self._buffer[:self._n][index].item()

    def __iter__(self):
        return iter(self._buffer[:self._n].tolist())

    def __eq__(self, other):
        try:
            return len(other) == self._n and list(self) == list(other)
        except TypeError:
            return NotImplemented

    __hash__ = None

    def __repr__(self):
        return f"Series({list(self)!r})"


class History(dict):
    """key → Series; assigning a list (a session's saved history) stores it as a Series."""

    _row = None  # (parameter names, the Series one iteration appends to); rebuilt after assignments

    def __setitem__(self, key, values):
        if not isinstance(values, Series):
            values = Series(values, np.int64 if key in INTEGER_KEYS else np.float64)
        super().__setitem__(key, values)
        self._row = None

    def append_row(self, names, values):
        """Append ``values`` to the ROW_KEYS series, then to the gradient norms' series of the
        parameters ``names`` (a tuple), writing into their buffers directly."""
        if self._row is None or self._row[0] != names:
            self._row = names, [self[key] for key in ROW_KEYS + tuple(map(grad_norm_key, names))]
        for series, value in zip(self._row[1], values):
            n = series._n
            if n == len(series._buffer):
                series.append(value)
            else:
                series._buffer[n] = value
                series._n = n + 1

    def update(self, other=(), **more):
        """Like dict.update, storing every value as a Series."""
        for key, values in dict(other, **more).items():
            self[key] = values

    def views(self):
        """key → read-only numpy array of the entries (no copies: see ``Series.view``)."""
        return {key: values.view() for key, values in self.items()}


def new_history(parameter_names):
    """Empty series for the base quantities and one gradient norm per parameter."""
    history = History()
    for key in BASE_KEYS:
        history[key] = []
    for name in parameter_names:
        history[grad_norm_key(name)] = []
    return history


def grad_norm_key(name):
    """The history key of parameter ``name``'s gradient norm."""
    return f"grad_norm/{name}"


def grad_norms(named_parameters, flat=None):
    """Euclidean norm of each parameter's gradient (0 where there is none), as Python floats: the
    square root of a dot product (math.sqrt rounds correctly, as numpy's does, without an array);
    from ``flat`` (a ``core.optim.flat.FlatParameters``) while the gradients are its views."""
    if flat is not None and flat.holds_grads([p.grad for _, p in named_parameters]):
        return flat.grad_norms()
    vdot, sqrt = np.vdot, math.sqrt
    return [0.0 if p.grad is None else sqrt(vdot(p.grad, p.grad)) for _, p in named_parameters]


def record_iteration(history, iteration, metrics, lr, named_parameters, names, val=None, flat=None):
    """Append one finished iteration: its metrics, learning rate, gradient norms (``names``: the
    parameters' names, a tuple; ``flat``: their buffer, if any) and, when ``val`` ({"loss",
    "accuracy"}) is given, the validation result."""
    history.append_row(names, [iteration, metrics["loss"], metrics["data_loss"], metrics["reg_loss"],
                        metrics["accuracy"], lr] + grad_norms(named_parameters, flat))
    if val is not None:
        history["val_iteration"].append(iteration)
        history["val_loss"].append(val["loss"])
        history["val_acc"].append(val["accuracy"])


def to_csv_rows(history):
    """The history as a header and rows (validation columns blank where not evaluated)."""
    names = [k for k in history if not k.startswith("val_")]
    header = names + ["val_loss", "val_acc"]
    val = dict(zip(history["val_iteration"], zip(history["val_loss"], history["val_acc"])))
    rows = []
    for i, iteration in enumerate(history["iteration"]):
        row = [history[k][i] for k in names]
        row += list(val.get(iteration, ("", "")))
        rows.append(row)
    return header, rows
