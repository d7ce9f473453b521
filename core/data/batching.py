"""Mini-batches for a trainer that asks for one batch at a time, reproducibly and resumably."""
import numpy as np

from .dataset import DataError


class BatchSampler:
    """Index batches over n samples, reshuffled every epoch by a seeded numpy Generator.

    ``batch_size=None`` (or >= n) gives the full batch, in order, every call. Within an epoch
    each index appears exactly once; the last batch may be smaller. ``epoch`` counts the
    epochs completed so far.
    """

    def __init__(self, n, batch_size=None, seed=0):
        if not _is_int(n) or n < 1:
            raise DataError(f"n must be a positive integer, got {n!r}")
        if batch_size is not None and (not _is_int(batch_size) or batch_size < 1):
            raise DataError(f"batch_size must be a positive integer or None (full batch), got {batch_size!r}")
        self.n = int(n)
        self.batch_size = None if batch_size is None or batch_size >= n else int(batch_size)
        self.epoch = 0
        self._rng = np.random.default_rng(seed)
        self._rng_state = self._rng.bit_generator.state  # read again whenever the generator draws
        self._order = None  # this epoch's permutation; drawn when the epoch's first batch is asked for
        self._position = 0

    @property
    def full_batch(self):
        """True when every call returns all n indices."""
        return self.batch_size is None

    def __len__(self):
        """Batches per epoch."""
        return 1 if self.full_batch else -(-self.n // self.batch_size)

    def next_indices(self):
        """The next batch as an int64 index array; finishing an epoch increments ``epoch``."""
        if self.full_batch:
            self.epoch += 1
            return np.arange(self.n)
        if self._order is None:
            self._order = self._rng.permutation(self.n)
            self._rng_state = self._rng.bit_generator.state
        batch = self._order[self._position:self._position + self.batch_size]
        self._position += len(batch)
        if self._position == self.n:
            self.epoch += 1
            self._order, self._position = None, 0
        return batch.copy()

    def checkpoint(self):
        """The current state, cheaply (no conversions): ``state_dict(checkpoint)`` converts it later.

        A training loop takes one before every batch but rarely needs it (a session saved
        mid-iteration does); the epoch's order array is replaced, never changed, so keeping a
        reference is enough, and the generator's state (a new dict each time it is read) is
        read only after the generator drew an epoch's order.
        """
        return self.epoch, self._position, self._order, self._rng_state

    def state_dict(self, checkpoint=None):
        """Everything needed to continue bit-identically, as JSON-safe data (big ints as strings);
        the state now, or as of ``checkpoint``."""
        epoch, position, order, rng = checkpoint if checkpoint is not None else self.checkpoint()
        return {
            "n": self.n,
            "batch_size": self.batch_size,
            "epoch": epoch,
            "position": position,
            "order": None if order is None else order.tolist(),
            "rng": {"bit_generator": rng["bit_generator"],
                    "state": {key: str(value) for key, value in rng["state"].items()},
                    "has_uint32": rng["has_uint32"], "uinteger": str(rng["uinteger"])},
        }

    def load_state_dict(self, state):
        """Restore from ``state_dict()`` output (also after a JSON round trip)."""
        if state["n"] != self.n:
            raise DataError(f"sampler state is for {state['n']} samples, this sampler has {self.n}")
        rng = state["rng"]
        if rng["bit_generator"] != type(self._rng.bit_generator).__name__:
            raise DataError(f"sampler state uses a {rng['bit_generator']} generator, "
                            f"this sampler a {type(self._rng.bit_generator).__name__}")
        order = state["order"]
        if order is not None and sorted(order) != list(range(self.n)):
            raise DataError("sampler state holds an 'order' that is not a permutation of 0..n-1")
        if not 0 <= state["position"] < (self.n if order is not None else 1):
            raise DataError(f"sampler state position {state['position']} does not fit its order")
        batch_size = BatchSampler(self.n, state["batch_size"]).batch_size  # same checks as __init__
        self._rng.bit_generator.state = {
            "bit_generator": rng["bit_generator"],
            "state": {key: int(value) for key, value in rng["state"].items()},
            "has_uint32": int(rng["has_uint32"]), "uinteger": int(rng["uinteger"])}
        self._rng_state = self._rng.bit_generator.state
        self.batch_size = batch_size
        self.epoch = int(state["epoch"])
        self._position = int(state["position"])
        self._order = None if order is None else np.array(order, dtype=np.int64)


def iterate_minibatches(X, y, batch_size=None, seed=0):
    """Yield (X_batch, y_batch) for one shuffled epoch; a convenience over BatchSampler."""
    sampler = BatchSampler(len(X), batch_size, seed)
    for _ in range(len(sampler)):
        index = sampler.next_indices()
        yield X[index], y[index]


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)
