"""The phase-by-phase Trainer: forward → loss → backward → update, one click or n iterations.

No Qt here. The app calls ``step_phase()``, ``step_node()``, ``step()`` or ``run(n)`` and
then reads ``snapshot()``; nothing is copied or described unless someone asks.
"""
import numpy as np

from ..autodiff import Tensor, backward_steps, no_grad, toposort, trace
from ..data import BatchSampler
from ..nn import hinge_loss, hinge_loss_expanded, l2_penalty, softmax_loss, softmax_loss_expanded
from ..optim import SGD
from .gradient_check import check_gradient
from .history import HistoryMirror, grad_norm_key, grad_norms, new_history
from .phases import DivergedError, Phase, PhaseError
from .snapshot import GraphNode, Snapshot, copy_array



def _quiet_numpy():
    """Overflow is reported as divergence, naming the node; numpy's warnings would only repeat it."""
    return np.errstate(over="ignore", invalid="ignore", divide="ignore")


LOSSES = {"hinge": (hinge_loss, hinge_loss_expanded), "softmax": (softmax_loss, softmax_loss_expanded)}
_FORWARD_DONE = (Phase.FORWARD, Phase.LOSS, Phase.BACKWARD, Phase.UPDATE)
_LOSS_DONE = (Phase.LOSS, Phase.BACKWARD, Phase.UPDATE)


class _Iteration:
    """The tensors and bookkeeping of the iteration being stepped through."""

    def __init__(self, X, y, sampler_state):
        self.X, self.y = X, y
        self.sampler_state = sampler_state
        self.scores = self.loss = None
        self.metrics = {}
        self.param_values = {}
        self.loss_settings = None  # (reg, fused) as the forward pass used them
        self.nodes = []
        self.node_of = {}
        self.stages = {}
        self.walker = None
        self.expected = 0
        self.done = []
        self.steps = {}             # node id → BackwardStep, as backward reached it
        self.node_stepping = False  # the last backward progress came from step_node()
        self.update = {}


class Trainer:
    """Trains ``model`` on ``dataset`` one phase, one node or many iterations at a time."""

    def __init__(self, model, dataset, loss="softmax", optimizer=None, reg=0.0, batch_size=None,
                 seed=0, eval_interval=10, margin=1.0, expand_loss=False):
        if loss not in LOSSES:
            raise ValueError(f"loss must be one of {sorted(LOSSES)}, got {loss!r}")
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
        self._initial = {"model": model.state_dict(), "optimizer": self.optimizer.state_dict(),
                         "sampler": self.sampler.state_dict()}
        self._start_fresh()

    # ----- settings that apply live -------------------------------------------------------
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
        self.model.load_state_dict(self._initial["model"])
        self.optimizer.load_state_dict(self._initial["optimizer"])
        self.sampler.load_state_dict(self._initial["sampler"])
        self._start_fresh()

    # ----- sessions ----------------------------------------------------------------------------
    def state_dict(self):
        """Everything needed to continue bit-identically, as of the current iteration's start.

        Plain data: numpy arrays, numbers, strings, lists and dicts (``core.io`` writes it).
        """
        mid_iteration = self.completed not in (None, Phase.UPDATE)
        ds = self.dataset
        return {
            "format": "backprop-studio-session", "version": 1,
            "config": {"loss": self.loss, "margin": self.margin, "reg": self._reg, "seed": self.seed,
                       "eval_interval": self.eval_interval, "batch_size": self.sampler.batch_size,
                       "expand_loss": self._expand_loss},
            "app_config": self.config.to_dict() if self.config else None,
            "dataset": {"name": ds.name, "X_train": ds.X_train, "y_train": ds.y_train,
                        "X_val": ds.X_val, "y_val": ds.y_val,
                        "class_names": list(ds.class_names) if ds.class_names else None,
                        "feature_names": list(ds.feature_names)},
            "model_spec": self.model.spec(),
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "sampler": self._it.sampler_state if mid_iteration else self.sampler.state_dict(),
            "iteration": self.iteration,
            "history": {k: list(v) for k, v in self.history.items()},
            "initial": self._initial,
        }

    @classmethod
    def from_state_dict(cls, state):
        """Rebuild a trainer saved with ``state_dict()``; it continues bit-identically."""
        from ..data import Dataset
        from ..nn import build_model
        from ..optim import build_optimizer
        d = state["dataset"]
        dataset = Dataset(d["X_train"], d["y_train"], d["X_val"], d["y_val"], name=d["name"],
                          class_names=d["class_names"], feature_names=d.get("feature_names"))
        model = build_model(state["model_spec"])
        model.load_state_dict(state["model"])
        optimizer = build_optimizer(state["optimizer"]["type"], model.parameters(),
                                    **state["optimizer"]["hyper"])
        optimizer.load_state_dict(state["optimizer"])
        c = state["config"]
        trainer = cls(model, dataset, loss=c["loss"], optimizer=optimizer, reg=c["reg"],
                      batch_size=c["batch_size"], seed=c["seed"], eval_interval=c["eval_interval"],
                      margin=c["margin"], expand_loss=c["expand_loss"])
        trainer._initial = state["initial"]
        trainer.sampler.load_state_dict(state["sampler"])
        trainer.iteration = int(state["iteration"])
        trainer.history.update({k: list(v) for k, v in state["history"].items()})
        if state.get("app_config"):
            from .config import TrainerConfig
            trainer.config = TrainerConfig.from_dict(state["app_config"])
        return trainer

    # ----- evaluation ------------------------------------------------------------------------
    def predict(self, X):
        """Class scores for X as an array (no graph); a diverged model gives NaN/Inf quietly."""
        with no_grad(), _quiet_numpy():
            return self.model(np.asarray(X, dtype=np.float64)).data

    def evaluate(self, X, y):
        """{"loss", "data_loss", "accuracy"} of the current model on (X, y)."""
        with no_grad(), _quiet_numpy():
            scores = self.model(X)
            data_loss = float(self._data_loss(scores, y, fused=True).data)
            reg_loss = float(l2_penalty(self.model.weights(), self._reg).data)
        accuracy = float(np.mean(scores.data.argmax(axis=1) == y))
        return {"loss": data_loss + reg_loss, "data_loss": data_loss, "accuracy": accuracy}

    def check_gradient(self, name, entries=6, eps=1e-6, seed=0):
        """Parameter ``name``'s gradient from this iteration's backward pass against central
        differences on the same batch; see ``gradient_check.check_gradient``."""
        return check_gradient(self, name, entries=entries, eps=eps, seed=seed)

    def recorded_gradient(self, name):
        """∂L/∂θ of parameter ``name`` as this iteration's backward pass recorded it (not a copy);
        None until backward has reached it."""
        params = dict(self.model.named_parameters())
        if name not in params:
            raise ValueError(f"no parameter named {name!r}; the parameters are {sorted(params)}")
        step = self._it.steps.get(self._it.node_of.get(id(params[name])))
        return None if step is None else step.upstream

    # ----- snapshot ----------------------------------------------------------------------------
    def snapshot(self):
        """A copy of what the app shows: graph, parameters, update, metrics and history."""
        it = self._it
        done = frozenset(it.done)
        graph = tuple(self._graph_node(node, it) for node in it.nodes)
        params = self.model.named_parameters()
        return Snapshot(
            iteration=self.iteration, phase=self.phase, completed=self.completed, graph=graph,
            active_node=it.done[-1] if it.done and it.node_stepping
            and self.completed in (Phase.LOSS, Phase.BACKWARD) else None,
            done_nodes=done,
            loss_node=it.node_of.get(id(it.loss)), scores_node=it.node_of.get(id(it.scores)),
            batch_X=it.X, batch_y=it.y,
            metrics=dict(it.metrics) if self.completed in _LOSS_DONE else {},
            parameters={name: p.data.copy() for name, p in params},
            gradients={name: copy_array(p.grad) for name, p in params},
            last_update={k: dict(v) for k, v in it.update.items()},
            history=self._history_views.views(self.history),
            diverged=self._diverged)

    def _graph_node(self, node, it):
        stage = it.stages[node.id]
        shown = self.completed in (_LOSS_DONE if stage == "loss" else _FORWARD_DONE)
        value = None
        if shown:
            value = it.param_values.get(node.name, node.value) if stage == "parameter" else node.value
        step = it.steps.get(node.id)
        return GraphNode(
            id=node.id, op=node.op, name=node.name, structure=node.structure, fused=node.fused,
            stage=stage, inputs=tuple(node.inputs), shape=tuple(node.shape),
            dtype=str(node.value.dtype), value=copy_array(value) if stage == "parameter" else value,
            upstream=step.upstream if step is not None else None,
            downstream=step.downstream if step is not None else None,
            formula=node.formula, words=node.words, jacobians=tuple(node.jacobians()),
            params=dict(node.params))

    # ----- the phases ------------------------------------------------------------------------
    def _run_forward(self):
        sampler_state = self.sampler.state_dict()
        X, y = self._next_batch()
        it = self._it = _Iteration(X, y, sampler_state)
        self.optimizer.zero_grad()
        it.param_values = {name: p.data.copy() for name, p in self.model.named_parameters()}
        it.loss_settings = (self._reg, not self._expand_loss)
        it.scores, data_loss, reg_loss, it.loss = self._forward(X, y)
        it.metrics = self._metrics(it.scores, y, data_loss, reg_loss, it.loss)
        self._trace(it)
        self.completed, self.phase = Phase.FORWARD, Phase.LOSS

    def _run_loss(self):
        it = self._it
        self.completed, self.phase = Phase.LOSS, Phase.BACKWARD
        if not np.isfinite(it.metrics["loss"]):
            self._diverge_in_graph(it, "forward")

    def _finish_backward(self):
        it = self._it
        self.completed, self.phase = Phase.BACKWARD, Phase.UPDATE
        it.walker = None
        if not all(p.grad is None or np.all(np.isfinite(p.grad)) for p in self.model.parameters()):
            self._diverge_in_graph(it, "backward")

    def _run_update(self):
        it = self._it
        it.update = self._apply_update(record=True)
        self.completed, self.phase = Phase.UPDATE, Phase.FORWARD
        if self._diverged is None:
            self._record(it.metrics)

    def _fast_iteration(self):
        X, y = self._next_batch()
        self.optimizer.zero_grad()
        scores, data_loss, reg_loss, loss = self._forward(X, y)
        metrics = self._metrics(scores, y, data_loss, reg_loss, loss)
        if not np.isfinite(metrics["loss"]):
            it = self._it = _Iteration(X, y, None)
            it.scores, it.loss, it.metrics = scores, loss, metrics
            self._trace(it)
            self.completed, self.phase = Phase.LOSS, Phase.BACKWARD
            self._diverge_in_graph(it, "forward")
            return
        loss.backward()
        self._apply_update(record=False)
        if self._diverged is None:
            self._record(metrics)

    # ----- pieces ----------------------------------------------------------------------------
    def _next_batch(self):
        index = self.sampler.next_indices()
        return self.dataset.X_train[index], self.dataset.y_train[index]

    def _data_loss(self, scores, y, fused):
        fused_fn, expanded_fn = LOSSES[self.loss]
        if self.loss == "hinge":
            return (fused_fn if fused else expanded_fn)(scores, y, self.margin)
        return (fused_fn if fused else expanded_fn)(scores, y)

    def _forward(self, X, y):
        scores = self.model(Tensor(X, name="X"))
        scores.name = "scores"
        data_loss = self._data_loss(scores, y, fused=not self._expand_loss)
        data_loss.name = "data_loss"
        reg_loss = l2_penalty(self.model.weights(), self._reg)
        reg_loss.name = "reg_loss"
        loss = data_loss + reg_loss
        loss.name = "loss"
        return scores, data_loss, reg_loss, loss

    @staticmethod
    def _metrics(scores, y, data_loss, reg_loss, loss):
        return {"loss": float(loss.data), "data_loss": float(data_loss.data),
                "reg_loss": float(reg_loss.data),
                "accuracy": float(np.mean(scores.data.argmax(axis=1) == y))}

    def _trace(self, it):
        it.nodes = trace(it.loss)
        it.node_of = {id(node.tensor): node.id for node in it.nodes}
        model_part = {id(t) for t in toposort(it.scores, include_constants=True)}
        for node in it.nodes:
            if node.tensor.is_leaf:
                it.stages[node.id] = "parameter" if node.tensor.requires_grad else "input"
            else:
                it.stages[node.id] = "model" if id(node.tensor) in model_part else "loss"
                if node.value.base is not None:
                    # A view (such as W.T) of a parameter would show the update's new values,
                    # in this snapshot and in those already taken; keep this iteration's.
                    node.value = node.value.copy()
        it.expected = sum(1 for node in it.nodes if node.tensor.requires_grad)

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
            node_id = next((n.id for n in self._it.nodes if n.name == broken[0]), None)
            self._diverged = {"iteration": self.iteration, "phase": "update", "node": broken[0],
                              "node_id": node_id, "op": "update",
                              "message": f"the update made parameter {broken[0]} NaN/Inf; the last "
                              "finite parameters were kept. Lower the learning rate."}
            return {}
        self.iteration += 1
        if not record:
            return {}
        return {name: u for (name, _), u in zip(params, self.optimizer.last_update)}

    def _record(self, metrics):
        h = self.history
        h["iteration"].append(self.iteration)
        h["train_loss"].append(metrics["loss"])
        h["data_loss"].append(metrics["data_loss"])
        h["reg_loss"].append(metrics["reg_loss"])
        h["train_acc"].append(metrics["accuracy"])
        h["lr"].append(float(self.optimizer.lr))
        for name, norm in grad_norms(self.model.named_parameters()).items():
            h[grad_norm_key(name)].append(norm)
        if self.dataset.n_val and (self.iteration % self.eval_interval == 0 or self.iteration == 1):
            result = self.evaluate(self.dataset.X_val, self.dataset.y_val)
            h["val_iteration"].append(self.iteration)
            h["val_loss"].append(result["loss"])
            h["val_acc"].append(result["accuracy"])

    def _diverge_in_graph(self, it, where):
        """Stop, naming the first node (in graph order) whose value or gradient is not finite."""
        culprit = None
        for node in it.nodes:
            if not np.all(np.isfinite(node.value)):
                culprit, what = node, "value"
                break
        if culprit is None and where == "backward":
            for node_id in it.done:
                node = it.nodes[node_id]
                upstream = it.steps[node_id].upstream
                if upstream is not None and not np.all(np.isfinite(upstream)):
                    culprit, what = node, "gradient"
                    break
        name = culprit.name if culprit else "?"
        op = culprit.op if culprit else "?"
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
        it = self._it = _Iteration(X, y, None)
        with _quiet_numpy():
            it.scores, _, _, it.loss = self._forward(X, y)
        self._trace(it)
        self.completed, self.phase = None, Phase.FORWARD
