"""The phase-by-phase Trainer: forward → loss → backward → update, one click or n iterations.

No Qt here. The app calls ``step_phase()``, ``step_node()``, ``step()`` or ``run(n)`` and
then reads ``snapshot()``; nothing is copied or described unless someone asks. Snapshots,
session state and the gradient check live in their own modules and use the public methods.
"""
import numpy as np

from ..autodiff import Tensor, backward_steps, no_grad
from ..catalog import LOSSES, choose
from ..data import BatchSampler
from ..nn import l2_penalty
from ..optim import SGD
from . import session_state
from .gradient_check import check_gradient
from .history import HistoryMirror, new_history, record_iteration
from .iteration import IterationRecord
from .phases import DivergedError, Phase, PhaseError
from .snapshot import take_snapshot


def _quiet_numpy():
    """Overflow is reported as divergence, naming the node; numpy's warnings would only repeat it."""
    return np.errstate(over="ignore", invalid="ignore", divide="ignore")


class Trainer:
    """Trains ``model`` on ``dataset`` one phase, one node or many iterations at a time."""

    def __init__(self, model, dataset, loss="softmax", optimizer=None, reg=0.0, batch_size=None,
                 seed=0, eval_interval=10, margin=1.0, expand_loss=False):
        self._loss_entry = choose(LOSSES, loss, "loss")
        if not (isinstance(eval_interval, int) and eval_interval >= 1):
            raise ValueError(f"eval_interval must be a positive integer, got {eval_interval!r}")
        with no_grad(), _quiet_numpy():
            n_out = model(dataset.X_train[:1]).shape[-1] if dataset.n_train else 0
        if n_out != dataset.n_classes:
            raise ValueError(f"the model outputs {n_out} scores but the dataset has "
                             f"{dataset.n_classes} classes")
        self.model = model
        self.dataset = dataset
        self.loss = loss
        self.margin = float(margin)
        if not np.isfinite(self.margin) or self.margin < 0:
            raise ValueError(f"the hinge margin must be a finite number ≥ 0, got {margin!r}")
        self.reg = reg
        self.seed = seed
        self.eval_interval = eval_interval
        self.optimizer = optimizer if optimizer is not None else SGD(model.parameters(), lr=0.1)
        self.sampler = BatchSampler(dataset.n_train, batch_size, seed)
        self._expand_loss = bool(expand_loss)
        self._history_views = HistoryMirror()
        self.config = None  # the TrainerConfig it was built from, when there is one
        # where reset() returns to: plain state dicts of model, optimizer and sampler
        self.reset_point = {"model": model.state_dict(), "optimizer": self.optimizer.state_dict(),
                            "sampler": self.sampler.state_dict()}
        self._start_fresh()

    # ----- state and settings that apply live ---------------------------------------------------
    @property
    def phase(self):
        """The phase the next ``step_phase()`` runs, from the one that completed last."""
        return Phase.FORWARD if self.completed in (None, Phase.UPDATE) else self.completed.next

    @property
    def record(self):
        """The IterationRecord of the current iteration (read it; the trainer writes it)."""
        return self._it

    @property
    def reg(self):
        """L2 strength λ of the loss's λ·ΣW² term (finite, ≥ 0); applies from the next forward."""
        return self._reg

    @reg.setter
    def reg(self, value):
        value = float(value)
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"regularisation strength must be a finite number ≥ 0, got {value}")
        self._reg = value

    @property
    def lr(self):
        """The optimizer's learning rate (finite, > 0); applies from the next update."""
        return self.optimizer.lr

    @lr.setter
    def lr(self, value):
        value = float(value)
        if not np.isfinite(value) or value <= 0:
            raise ValueError(f"learning rate must be a finite number > 0, got {value}")
        self.optimizer.lr = value

    @property
    def batch_size(self):
        """Samples per iteration; None for the full batch."""
        return self.sampler.batch_size

    @property
    def expand_loss(self):
        return self._expand_loss

    @expand_loss.setter
    def expand_loss(self, value):
        """Show the loss fused (one node) or expanded into elementary ops, from the next forward."""
        self._expand_loss = bool(value)
        if self.completed in (None, Phase.UPDATE):
            self._preview()

    @property
    def diverged(self):
        """None, or a dict saying where the first NaN/Inf came from (then only reset() continues)."""
        return self._diverged

    def upstream(self, node_id):
        """∂L/∂node of this iteration's node ``node_id``, or None until backward has reached it."""
        return self._it.nodes[node_id].tensor._upstream if node_id in self._it.done else None

    def downstream(self, node_id):
        """The gradients node ``node_id`` sent to its inputs (a tuple), or None until reached."""
        if node_id not in self._it.done:
            return None
        downstream = self._it.nodes[node_id].tensor._downstream
        return None if downstream is None else tuple(downstream)

    def history_views(self):
        """Read-only arrays of the history (see ``HistoryMirror``)."""
        return self._history_views.views(self.history)

    # ----- stepping ------------------------------------------------------------------------
    def step_phase(self):
        """Run the next phase; returns the phase that ran."""
        self._check_alive()
        phase = self.phase
        with _quiet_numpy():
            if phase is Phase.FORWARD:
                self._run_forward()
            elif phase is Phase.LOSS:
                self._run_loss()
            elif phase is Phase.BACKWARD:
                while self.phase is Phase.BACKWARD:
                    self.step_node()
                self._it.node_stepping = False
            else:
                self._run_update()
        return phase

    def step_node(self):
        """Backward by one node; returns the id of the node that just sent its gradients."""
        self._check_alive()
        if self.phase is not Phase.BACKWARD:
            raise PhaseError(f"step_node() works during the backward phase; the next phase is "
                             f"{self.phase.label}")
        it = self._it
        it.node_stepping = True
        if it.walker is None:
            it.walker = backward_steps(it.loss, record=True, retain_graph=True)
        with _quiet_numpy():
            tensor = next(it.walker, None)
        node_id = None if tensor is None else it.node_of[id(tensor)]
        if node_id is not None:
            it.done.append(node_id)
        if tensor is None or len(it.done) == it.expected:
            self._finish_backward()
        return node_id

    def step(self):
        """Finish the current iteration from wherever it is."""
        self._check_alive()
        start = self.iteration
        while self.iteration == start and self._diverged is None:
            self.step_phase()

    def run(self, n, callback=None, should_stop=None):
        """Train n iterations fast (no per-node bookkeeping); returns how many ran.

        ``callback(trainer)`` runs after each iteration; ``should_stop()`` is asked before each.
        The last iteration is stepped with recording so that ``snapshot()`` shows its graph; when
        ``should_stop()`` ends the run early, one more recorded iteration is run for the same
        reason (so up to one iteration more than ``should_stop`` allowed).
        """
        self._check_alive()
        done, recorded = 0, True  # recorded: the graph on display is that of the last iteration
        if n > 0 and self.completed not in (None, Phase.UPDATE):
            self.step()
            done += 1
            if callback:
                callback(self)
        while done < n and self._diverged is None:
            stop = should_stop is not None and should_stop()
            if stop and recorded:
                break
            if done == n - 1 or stop:
                self.step()
                recorded = True
            else:
                with _quiet_numpy():
                    self._fast_iteration()
                recorded = False
            done += 1
            if callback:
                callback(self)
        return done

    def reset(self):
        """Back to the initial weights, optimizer state and batch order: iteration 0, no history."""
        self.model.load_state_dict(self.reset_point["model"])
        self.optimizer.load_state_dict(self.reset_point["optimizer"])
        self.sampler.load_state_dict(self.reset_point["sampler"])
        self._start_fresh()

    # ----- sessions, evaluation, snapshots (their own modules) ---------------------------------------
    def state_dict(self):
        """Everything needed to continue bit-identically; see ``session_state.trainer_state``."""
        return session_state.trainer_state(self)

    @classmethod
    def from_state_dict(cls, state):
        """Rebuild a trainer saved with ``state_dict()``; it continues bit-identically."""
        return session_state.restore_trainer(cls, state)

    def predict(self, X):
        """Class scores for X as an array (no graph); a diverged model gives NaN/Inf quietly."""
        with no_grad(), _quiet_numpy():
            return self.model(np.asarray(X, dtype=np.float64)).data

    def evaluate(self, X, y):
        """{"loss", "data_loss", "accuracy"} of the current model on (X, y)."""
        with no_grad(), _quiet_numpy():
            scores = self.model(X)
            data_loss = float(self.data_loss(scores, y).data)
            reg_loss = float(l2_penalty(self.model.weights(), self._reg).data)
        accuracy = float(np.mean(scores.data.argmax(axis=1) == y))
        return {"loss": data_loss + reg_loss, "data_loss": data_loss, "accuracy": accuracy}

    def data_loss(self, scores, y, fused=True):
        """The data loss of ``scores`` for labels ``y``: one fused node, or expanded into elementary ops."""
        entry = self._loss_entry
        kw = {"margin": self.margin} if entry.takes_margin else {}
        return (entry.fused if fused else entry.expanded)(scores, y, **kw)

    def check_gradient(self, name, entries=6, eps=1e-6, seed=0):
        """Parameter ``name``'s gradient from this iteration's backward pass against central
        differences on the same batch; see ``gradient_check.check_gradient``."""
        return check_gradient(self, name, entries=entries, eps=eps, seed=seed)

    def snapshot(self):
        """A copy of what the app shows: graph, parameters, update, metrics and history."""
        return take_snapshot(self)

    # ----- the phases ------------------------------------------------------------------------
    def _run_forward(self):
        sampler_state = self.sampler.state_dict()
        X, y = self._next_batch()
        it = self._it = IterationRecord(X, y, sampler_state)
        self.optimizer.zero_grad()
        it.param_values = {name: p.data.copy() for name, p in self.model.named_parameters()}
        it.loss_settings = (self._reg, not self._expand_loss)
        scores, data_loss, reg_loss, loss = self._forward(X, y)
        it.metrics = _metrics(scores, y, data_loss, reg_loss, loss)
        it.trace(scores, loss)
        self.completed = Phase.FORWARD

    def _run_loss(self):
        self.completed = Phase.LOSS
        if not np.isfinite(self._it.metrics["loss"]):
            self._diverge_in_graph("forward")

    def _finish_backward(self):
        self.completed = Phase.BACKWARD
        self._it.walker = None
        if not all(p.grad is None or np.all(np.isfinite(p.grad)) for p in self.model.parameters()):
            self._diverge_in_graph("backward")

    def _run_update(self):
        it = self._it
        it.update = self._apply_update(record=True)
        self.completed = Phase.UPDATE
        if self._diverged is None:
            self._record(it.metrics)

    def _fast_iteration(self):
        # the sampler's state before the batch: a diverged iteration is saved as not yet begun
        sampler_state = self.sampler.state_dict()
        X, y = self._next_batch()
        self.optimizer.zero_grad()
        scores, data_loss, reg_loss, loss = self._forward(X, y)
        metrics = _metrics(scores, y, data_loss, reg_loss, loss)
        if not np.isfinite(metrics["loss"]):
            it = self._it = IterationRecord(X, y, sampler_state)
            it.metrics = metrics
            it.trace(scores, loss)
            self.completed = Phase.LOSS
            self._diverge_in_graph("forward")
            return
        loss.backward()
        self._apply_update(record=False)
        if self._diverged is None:
            self._record(metrics)

    # ----- pieces ----------------------------------------------------------------------------
    def _next_batch(self):
        index = self.sampler.next_indices()
        return self.dataset.X_train[index], self.dataset.y_train[index]

    def _forward(self, X, y):
        scores = self.model(Tensor(X, name="X"))
        scores.name = "scores"
        data_loss = self.data_loss(scores, y, fused=not self._expand_loss)
        data_loss.name = "data_loss"
        reg_loss = l2_penalty(self.model.weights(), self._reg)
        reg_loss.name = "reg_loss"
        loss = data_loss + reg_loss
        loss.name = "loss"
        return scores, data_loss, reg_loss, loss

    def _apply_update(self, record):
        params = self.model.named_parameters()
        backup = [p.data.copy() for _, p in params]
        self.optimizer.record_updates = record
        try:
            self.optimizer.step()
        finally:
            self.optimizer.record_updates = False
        broken = [name for name, p in params if not np.isfinite(p.data).all()]
        if broken:
            for (_, p), old in zip(params, backup):
                p.data[...] = old
            node = self._it.node_named(broken[0])
            self._diverged = {"iteration": self.iteration, "phase": "update", "node": broken[0],
                              "node_id": node.id if node else None, "op": "update",
                              "message": f"the update made parameter {broken[0]} NaN/Inf; the last "
                              "finite parameters were kept. Lower the learning rate."}
            return {}
        self.iteration += 1
        if not record:
            return {}
        return {name: u for (name, _), u in zip(params, self.optimizer.last_update)}

    def _record(self, metrics):
        val = None
        if self.dataset.n_val and (self.iteration % self.eval_interval == 0 or self.iteration == 1):
            val = self.evaluate(self.dataset.X_val, self.dataset.y_val)
        record_iteration(self.history, self.iteration, metrics, float(self.optimizer.lr),
                         self.model.named_parameters(), val)

    def _diverge_in_graph(self, where):
        """Stop, naming the first node (in graph order) whose value or gradient is not finite."""
        it = self._it
        culprit = next((node for node in it.nodes if not np.all(np.isfinite(node.value))), None)
        what = "value"
        if culprit is None and where == "backward":
            culprit = next((it.nodes[i] for i in it.done if self.upstream(i) is not None
                            and not np.all(np.isfinite(self.upstream(i)))), None)
            what = "gradient"
        name, op = (culprit.name, culprit.op) if culprit else ("?", "?")
        self._diverged = {"iteration": self.iteration, "phase": where, "node": name, "op": op,
                          "node_id": culprit.id if culprit else None,
                          "message": f"the {where} pass produced NaN/Inf: first non-finite "
                          f"{what if culprit else 'value'} at node '{name}' (op {op}). "
                          "The last finite parameters were kept; reset or lower the learning rate."}

    def _check_alive(self):
        if self._diverged is not None:
            raise DivergedError(self._diverged["message"])

    def _start_fresh(self):
        self.iteration = 0
        self.history = new_history(name for name, _ in self.model.named_parameters())
        self._diverged = None
        self._preview()

    def _preview(self):
        """The graph's shape before anything ran: values hidden until the forward phase."""
        n = self.sampler.batch_size or self.dataset.n_train
        X, y = self.dataset.X_train[:n], self.dataset.y_train[:n]
        self._it = IterationRecord(X, y, self.sampler.state_dict())
        with _quiet_numpy():
            scores, _, _, loss = self._forward(X, y)
        self._it.trace(scores, loss)
        self.completed = None


def _metrics(scores, y, data_loss, reg_loss, loss):
    return {"loss": float(loss.data), "data_loss": float(data_loss.data),
            "reg_loss": float(reg_loss.data),
            "accuracy": float(np.mean(scores.data.argmax(axis=1) == y))}
