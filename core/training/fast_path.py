"""The trainer's fast path: ``Trainer.run``'s loop, a step's forward and backward without per-node
bookkeeping, replaying the recorded graph (``core.autodiff.Replay``) when this step has a
structure seen before, and the BLAS threads such a step deserves."""
import math

from .. import runtime
from ..autodiff import Replay, ReplayError
from .activations import fused_activations
from .divergence import quiet_numpy
from .iteration import IterationRecord, batch_metrics
from .phases import Phase

MAX_STRUCTURES = 4  # more means settings changed live: the old structures are forgotten


def run_iterations(trainer, n, callback, should_stop, record_last):
    """``Trainer.run``'s loop (see there): recorded steps where the graph must show the iteration,
    ``fast_iteration(trainer)`` elsewhere; returns how many iterations ran. BLAS's thread limit and
    numpy's quiet error state are entered once for the whole loop, not per iteration."""
    fast = trainer._fast
    fast.watch_activations(trainer.model)
    done, recorded = 0, True  # recorded: the graph on display is that of the last iteration
    with runtime.limit_blas(fast.threads(trainer.model, trainer.sampler.batch_size
                                         or trainer.dataset.n_train)), quiet_numpy():
        while done < n and trainer.diverged is None:
            half_done = trainer.completed not in (None, Phase.UPDATE)  # finished first, unasked
            stop = not half_done and should_stop is not None and should_stop()
            if stop and (recorded or not record_last):
                break
            if half_done or (record_last and (done == n - 1 or stop)):
                trainer.step()
                recorded = True
            else:
                fast_iteration(trainer)
                recorded = False
            done += 1
            if callback:
                callback(trainer)
    return done


def fast_iteration(trainer):
    """One iteration of ``trainer`` without per-node bookkeeping (the graph on display stays the
    last recorded one), bit-identical to stepping it phase by phase."""
    trainer.checkpoints.capture(trainer, fast=True)
    trainer.graph_current = False
    X, y, checkpoint = trainer._next_batch()
    trainer.optimizer.zero_grad()
    key = (X.shape, trainer.reg, trainer.margin, trainer.expand_loss)
    graph, (scores, data_loss, reg_loss, loss) = trainer._fast.step(key, trainer._forward, X, y, trainer._flat)
    metrics = batch_metrics(scores, y, data_loss, reg_loss, loss)
    if not math.isfinite(metrics["loss"]):  # show the graph that diverged; a session restarts it
        trainer.optimizer.zero_grad()  # (the replay's backward ran; the ordinary path stops here)
        scores, _, _, loss = trainer._forward(X, y)
        trainer._it = IterationRecord(X, y, trainer.sampler.state_dict(checkpoint), metrics)
        trainer._it.trace(scores, loss)
        trainer.graph_current = True
        trainer.completed = Phase.LOSS
        trainer._diverge_in_graph("forward")
        return
    if graph is not None:
        graph[3].backward()
    trainer._apply_update(record=False)
    if trainer.diverged is None:
        trainer._record(metrics)


class FastPath:
    """Runs ``forward(X, y, shown=False)`` (the trainer's graph builder, for a graph that is not
    shown) fast: builds it the ordinary way once per structure, then replays it; the numbers are
    bit-identical either way.

    The structure key is the batch shape, λ, the hinge margin (a replay keeps the scalars it was
    recorded with) and whether the loss is expanded (a trainer's model keeps its parameter
    Tensors); one Replay per key, as an epoch's last minibatch may be smaller.
    """

    def __init__(self):
        # structure key → (Replay, per parameter of it the place of its gradient), or None where
        # the graph cannot be replayed
        self._replays = {}
        self._expanded = ()  # which of the model's fused activations are expanded
        self._threads = {}  # batch rows → the BLAS threads of a step (the model's layers are fixed)

    def threads(self, model, rows):
        """``blas_threads(model, rows)``, worked out once per batch size."""
        threads = self._threads
        if rows not in threads:
            threads[rows] = blas_threads(model, rows)
        return threads[rows]

    def watch_activations(self, model):
        """Forget the recorded structures when one of ``model``'s fused activations was expanded or
        folded since the last call: its graph is another (the app toggles them between runs)."""
        expanded = tuple(m.expanded for m in fused_activations(model))
        if expanded != self._expanded:
            self._replays.clear()
            self._expanded = expanded

    def clear(self):
        """Forget every recorded structure (a new model or a reset)."""
        self._replays.clear()
        self._threads.clear()

    def step(self, key, forward, X, y, flat=None):
        """(graph, values): forward and, on a replay, backward into the parameters' ``.grad`` (in
        ``flat``'s gradient buffer, a ``FlatParameters``, where it holds them).

        ``values`` are the arrays of (scores, data_loss, reg_loss, loss). ``graph`` is None after
        a replay (backward already ran); otherwise the Tensors, whose backward the caller runs.
        """
        recorded = self._replays.get(key) if Replay.applies() else None
        if recorded is not None:
            replay, places = recorded
            return None, replay.run(X, y, grads_into=places)
        graph = forward(X, y, shown=False)
        if Replay.applies() and key not in self._replays:
            if len(self._replays) >= MAX_STRUCTURES:
                self._replays.clear()
            try:
                replay = Replay.record(graph[3], (X, y), graph)
            except ReplayError:  # a graph with other constant arrays stays on the ordinary path
                self._replays[key] = None
            else:
                self._replays[key] = replay, flat and flat.grad_places(replay.parameters)
        return graph, tuple(t.data for t in graph)


def blas_threads(model, rows):
    """BLAS threads for steps of ``model`` on ``rows`` samples: one unless its largest matrix
    product is large (see ``core.runtime``); None leaves BLAS's own setting."""
    linears = getattr(model, "linears", ())
    flops = max((2 * rows * layer.in_features * layer.out_features for layer in linears), default=0)
    return runtime.blas_threads(flops)
