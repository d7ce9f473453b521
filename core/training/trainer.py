"""The phase-by-phase Trainer: forward → loss → backward → update, one click or n iterations.

No Qt. The app calls ``step_phase()``, ``step_node()``, ``step()`` or ``run(n)``, then reads
``snapshot()``; snapshots, session state and checks are modules that use the public methods.
"""
import numpy as np

from ..autodiff import backward_steps
from ..catalog import LOSSES, choose
from ..data import BatchSampler
from ..optim import SGD
from ..optim.flat import FlatParameters
from . import objective, session_state, settings
from .checkpoints import CheckpointRing, Rewind, recover, restorable
from .divergence import check_alive, graph_report, guarded_step, quiet_numpy, update_report
from .fast_path import FastPath, run_iterations
from .gradient_check import check_gradient
from .history import new_history, record_iteration
from .iteration import IterationRecord, batch_metrics
from .phases import Phase, PhaseError
from .snapshot import take_snapshot


class Trainer(Rewind):
    """Trains ``model`` on ``dataset`` one phase, one node or many iterations at a time.
    ``reset_point`` holds the state dicts ``reset()`` returns to, ``checkpoints`` recent ones;
    ``graph_current`` whether the graph on display is the last iteration's (not after
    ``run(n, record_last=False)``). The model's parameter arrays become views of one buffer (same
    values; ``core.optim.flat``), so that an update is checked and applied in one go."""

    def __init__(self, model, dataset, loss="softmax", optimizer=None, reg=0.0, batch_size=None,
                 seed=0, eval_interval=10, margin=1.0, expand_loss=False):
        self._loss_entry = choose(LOSSES, loss, "loss")
        self.eval_interval = settings.eval_interval(eval_interval)
        settings.check_fit(model, dataset)
        self.model, self.dataset, self._loss, self._seed = model, dataset, loss, seed
        self.margin, self.reg = margin, reg
        self.optimizer = optimizer if optimizer is not None else SGD(model.parameters(), lr=0.1)
        self.sampler = BatchSampler(dataset.n_train, batch_size, seed)
        self._expand_loss = bool(expand_loss)
        self._fast = FastPath()
        self._params = model.named_parameters()  # (the model keeps its parameter Tensors)
        self._names = tuple([name for name, _ in self._params])
        # one buffer for the parameters (and their gradients): checked and updated in one go
        self._flat = self.optimizer.flat = FlatParameters.adopt(self._params)
        self.config = None  # the TrainerConfig it was built from, when there is one
        self.reset_point = {"model": model.state_dict(), "optimizer": self.optimizer.state_dict(),
                            "sampler": self.sampler.state_dict()}
        self._start_fresh()

    @property
    def phase(self):
        """The phase the next ``step_phase()`` runs, from the one that completed last."""
        return Phase.FORWARD if self.completed in (None, Phase.UPDATE) else self.completed.next

    @property
    def record(self):
        """The IterationRecord of the current iteration (read it; the trainer writes it)."""
        return self._it

    @property
    def loss(self):
        """The data loss's name; fixed when the trainer is made (a session saves it)."""
        return self._loss

    @property
    def seed(self):
        """The seed of the batch order; fixed when the trainer is made (a session saves it)."""
        return self._seed

    @property
    def reg(self):
        """L2 strength λ of the loss's λ·ΣW² term (finite, ≥ 0); applies from the next forward."""
        return self._reg

    @reg.setter
    def reg(self, value):
        self._reg = settings.regularisation(value)

    @property
    def margin(self):
        """The hinge loss's margin Δ (finite, ≥ 0); applies from the next forward."""
        return self._margin

    @margin.setter
    def margin(self, value):
        self._margin = settings.margin(value)

    @property
    def lr(self):
        """The optimizer's learning rate (finite, > 0); applies from the next update."""
        return self.optimizer.lr

    @lr.setter
    def lr(self, value):
        self.optimizer.lr = settings.learning_rate(value)

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
        """None, or a dict saying where the first NaN/Inf came from and what was restored (then
        ``undo_to_checkpoint()`` or ``reset()`` continue)."""
        return self._diverged

    def upstream(self, node_id):
        """∂L/∂node of this iteration's node ``node_id``, or None until backward has reached it."""
        return getattr(self._it.steps.get(node_id), "upstream", None)

    def downstream(self, node_id):
        """The gradients node ``node_id`` sent to its inputs (a tuple), or None until reached."""
        return getattr(self._it.steps.get(node_id), "downstream", None)

    def recorded_gradient(self, name):
        """∂L/∂θ of parameter ``name`` as this iteration's backward pass recorded it (not a copy)."""
        return self.upstream(self._it.node_of.get(id(dict(self.model.named_parameters())[name])))

    def history_views(self):
        """Read-only arrays of the history, without copies (see ``history.Series``)."""
        return self.history.views()

    def step_phase(self):
        """Run the next phase; returns the phase that ran."""
        check_alive(self._diverged)
        phase = self.phase
        with quiet_numpy():
            if phase is Phase.FORWARD:
                self._run_forward()
            elif phase is Phase.LOSS:
                self._run_loss()
            elif phase is Phase.BACKWARD:
                while self.completed is not Phase.BACKWARD:   # (each node unchecked: checked above)
                    self._step_node()
                self._it.node_stepping = False
            else:
                self._run_update()
        return phase

    def step_node(self):
        """Backward by one node; returns the id of the node that just sent its gradients."""
        check_alive(self._diverged)
        if self.phase is not Phase.BACKWARD:
            raise PhaseError(f"step_node() works during the backward phase; the next phase is "
                             f"{self.phase.label}")
        with quiet_numpy():
            return self._step_node()

    def _step_node(self):
        it = self._it
        it.node_stepping = True
        if it.walker is None:
            it.walker = backward_steps(it.loss, record=True, retain_graph=True)
        step = next(it.walker, None)
        node_id = None if step is None else it.node_of[id(step.node)]
        if node_id is not None:
            it.done.append(node_id)
            it.steps[node_id] = step
        if step is None or len(it.done) == it.expected:
            self._finish_backward()
        return node_id

    def step(self):
        """Finish the current iteration from wherever it is."""
        check_alive(self._diverged)
        start = self.iteration
        while self.iteration == start and self._diverged is None:
            self.step_phase()

    def run(self, n, callback=None, should_stop=None, record_last=True):
        """Train n iterations fast (no per-node bookkeeping); returns how many ran.

        ``callback(trainer)`` runs after each iteration; ``should_stop()`` is asked before each.
        With ``record_last`` the last iteration is recorded for ``snapshot()``'s graph, also when
        ``should_stop()`` ends the run early (up to one iteration more than it allowed); without,
        the graph stays the last recorded one (Play between frames). BLAS threads: by the work."""
        check_alive(self._diverged)
        return run_iterations(self, settings.iterations(n), callback, should_stop, record_last)

    def state_dict(self):
        """Everything needed to continue bit-identically; see ``session_state.trainer_state``."""
        return session_state.trainer_state(self)

    @classmethod
    def from_state_dict(cls, state):
        """Rebuild a trainer saved with ``state_dict()``; it continues bit-identically."""
        return session_state.restore_trainer(cls, state)

    def predict(self, X):
        """Class scores for X as an array (no graph); a diverged model gives NaN/Inf quietly."""
        return objective.predict(self.model, X)

    def evaluate(self, X, y):
        """{"loss", "data_loss", "accuracy"} of the current model on (X, y)."""
        return objective.evaluate(self.model, X, y, self.data_loss, self._reg)

    def data_loss(self, scores, y, fused=True):
        """The data loss of ``scores`` for labels ``y``: one fused node, or expanded into elementary ops."""
        return objective.data_loss(self._loss_entry, self.margin, scores, y, fused)

    def check_gradient(self, name, entries=6, eps=1e-6, seed=0):
        """Parameter ``name``'s gradient from this iteration's backward pass against central
        differences on the same batch; see ``gradient_check.check_gradient``."""
        return check_gradient(self, name, entries=entries, eps=eps, seed=seed)

    def snapshot(self):
        """A copy of what the app shows: graph, parameters, update, metrics and history."""
        return take_snapshot(self)

    def _run_forward(self):
        self.checkpoints.capture(self)
        X, y, checkpoint = self._next_batch()
        it = self._it = IterationRecord(X, y, self.sampler.state_dict(checkpoint))
        self.graph_current = True
        self.optimizer.zero_grad()
        it.param_values = {name: p.data.copy() for name, p in self.model.named_parameters()}
        it.loss_settings = (self._reg, not self._expand_loss)
        scores, data_loss, reg_loss, loss = self._forward(it.X, it.y)
        it.metrics = batch_metrics(scores.data, it.y, data_loss.data, reg_loss.data, loss.data)
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
        self._it.update = self._apply_update(record=True)
        self.completed = Phase.UPDATE
        if self._diverged is None:
            self._record(self._it.metrics)

    def _next_batch(self):
        """X, y and the sampler's state before them (what a session saved in this iteration keeps)."""
        checkpoint = self.sampler.checkpoint()
        index = self.sampler.next_indices()
        # (take: the same copies as indexing, in half the time for a small batch)
        return self.dataset.X_train.take(index, axis=0), self.dataset.y_train.take(index), checkpoint

    def _forward(self, X, y, shown=True):
        fused = not self._expand_loss
        return objective.forward(self.model, X, y, lambda s, t: self.data_loss(s, t, fused), self._reg, shown)

    def _apply_update(self, record):
        params = self._params
        broken = guarded_step(self.optimizer, params, record, record or not restorable(self), self._flat)
        if broken is not None:
            self._diverged = recover(self, update_report(self._it, broken, self.iteration))
            return {}
        self.iteration += 1
        return {name: u for (name, _), u in zip(params, self.optimizer.last_update)} if record else {}

    def _record(self, metrics):
        due = self.dataset.n_val and (self.iteration % self.eval_interval == 0 or self.iteration == 1)
        val = self.evaluate(self.dataset.X_val, self.dataset.y_val) if due else None
        record_iteration(self.history, self.iteration, metrics, float(self.optimizer.lr),
                         self._params, self._names, val, self._flat)

    def _diverge_in_graph(self, where):
        self._diverged = recover(self, graph_report(self._it, self.upstream, where, self.iteration))

    def _start_fresh(self):
        self._fast.clear()
        self.iteration = 0
        self.history = new_history(self._names)
        self._diverged = None
        self.checkpoints = CheckpointRing()
        self._preview()

    def _preview(self):
        """The graph's shape before anything ran: values hidden until the forward phase."""
        n = self.sampler.batch_size or self.dataset.n_train
        X, y = self.dataset.X_train[:n], self.dataset.y_train[:n]
        self._it = IterationRecord(X, y, self.sampler.state_dict())
        with quiet_numpy():
            scores, _, _, loss = self._forward(X, y)
        self._it.trace(scores, loss)
        self.graph_current = True
        self.completed = None
