"""Per-iteration training records: plain lists, one per quantity."""
import numpy as np

BASE_KEYS = ("iteration", "train_loss", "data_loss", "reg_loss", "train_acc", "lr",
             "val_iteration", "val_loss", "val_acc")


def new_history(parameter_names):
    """Empty lists for the base quantities and one gradient norm per parameter."""
    history = {key: [] for key in BASE_KEYS}
    for name in parameter_names:
        history[grad_norm_key(name)] = []
    return history


def grad_norm_key(name):
    """The history key of parameter ``name``'s gradient norm."""
    return f"grad_norm/{name}"


def grad_norms(named_parameters):
    """Euclidean norm of each parameter's gradient (0 where there is none)."""
    return {name: 0.0 if p.grad is None else float(np.sqrt(np.vdot(p.grad, p.grad)))
            for name, p in named_parameters}


def record_iteration(history, iteration, metrics, lr, named_parameters, val=None):
    """Append one finished iteration: its metrics, learning rate, gradient norms and, when
    ``val`` ({"loss", "accuracy"}) is given, the validation result."""
    history["iteration"].append(iteration)
    history["train_loss"].append(metrics["loss"])
    history["data_loss"].append(metrics["data_loss"])
    history["reg_loss"].append(metrics["reg_loss"])
    history["train_acc"].append(metrics["accuracy"])
    history["lr"].append(lr)
    for name, norm in grad_norms(named_parameters).items():
        history[grad_norm_key(name)].append(norm)
    if val is not None:
        history["val_iteration"].append(iteration)
        history["val_loss"].append(val["loss"])
        history["val_acc"].append(val["accuracy"])


class HistoryMirror:
    """Read-only numpy views of the history lists for snapshots.

    Each snapshot copies only the entries added since the previous one, so taking snapshots
    at a steady rate costs the same at iteration 100 and at iteration 100,000. Views handed out
    earlier stay valid: entries are only appended beyond them.
    """

    def __init__(self):
        self._mirrors = {}  # key → (the list mirrored, buffer, entries copied)

    def views(self, history):
        """key → read-only array of ``history[key]``, copying only the entries new since last time."""
        views = {}
        for key, values in history.items():
            source, buffer, copied = self._mirrors.get(key, (None, None, 0))
            n = len(values)
            if source is not values or copied > n:  # a new or reset history
                buffer, copied = np.empty(max(64, 2 * n)), 0
            elif n > len(buffer):
                grown = np.empty(2 * n)
                grown[:copied] = buffer[:copied]
                buffer = grown
            buffer[copied:n] = values[copied:n]
            self._mirrors[key] = (values, buffer, n)
            view = buffer[:n]
            view.flags.writeable = False
            views[key] = view
        return views


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
