"""Trainer benchmark: one training step through ``Trainer.run`` vs hand-written numpy vs PyTorch.

The Trainer does what the app and the CLI do: sample the batch, forward, softmax cross-entropy,
backward, SGD update, and record the history (loss, accuracy, learning rate, gradient norms).
It also does what the references do not: it checks the updated parameters for NaN/Inf (one dot
product per parameter) and keeps a checkpoint every 10th iteration. λ = 0 here, as the
references have no penalty (the trainer's fast path then leaves the penalty's zero gradients out;
the app's default λ = 1e-3 costs one more multiply and add per weight matrix).
The numpy and PyTorch loops sample the same batches and record the loss and the accuracy.
Measured interleaved in the same run, as in bench/engine.py (whose loops and timer this reuses);
BLAS and PyTorch pinned to one thread. Last, per size, the step's matrix products alone (forward
and backward, no input gradient) in numpy and in PyTorch: the trainer can be no faster than
numpy's BLAS makes them. Run: ``make bench`` or ``python bench/trainer.py``.
"""
import os
import sys
import timeit

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # before numpy loads
    os.environ[_var] = "1"

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402
from engine import LR, NumpyMLP, TorchMLP, blas_names, make_problem, time_steps, torch  # noqa: E402

from core.data import BatchSampler, Dataset  # noqa: E402
from core.nn import MLP  # noqa: E402
from core.optim import SGD  # noqa: E402
from core.training import Trainer  # noqa: E402

# (layer widths, batch size, samples, target trainer/numpy); the target trainer/PyTorch is 1.0 for all
SIZES = [
    ((2, 16, 16, 3), 240, 240, 1.3),          # the app's default model on its default data size
    ((2,) + (32,) * 10 + (3,), 64, 240, 1.3),  # a deep narrow MLP, minibatches
    ((64, 256, 256, 10), 128, 512, 1.1),
]


class Sampled:
    """Wraps a hand-written step: draws the trainer's batches first and records loss and accuracy."""

    def __init__(self, impl, X, y, batch, to_batch):
        self.impl, self.X, self.y = impl, X, y
        self.sampler = BatchSampler(len(y), batch if batch < len(y) else None, 0)
        self.to_batch = to_batch
        self.losses, self.accuracies = [], []

    def step(self):
        index = self.sampler.next_indices()
        self.to_batch(self.impl, self.X[index], self.y[index])
        loss, scores = self.impl.step_with_scores()
        self.losses.append(float(loss))
        self.accuracies.append(float(np.mean(np.asarray(scores).argmax(axis=1) == self.y[index])))


def numpy_to_batch(impl, X, y):
    impl.X, impl.y = X, y
    if len(impl.rows) != len(y):  # (an epoch's last minibatch may be smaller)
        impl.rows = np.arange(len(y))


def torch_to_batch(impl, X, y):
    impl.X, impl.y = torch.from_numpy(X), torch.from_numpy(y.astype(np.int64))


class TrainerStep:
    """One step as ``trainer.run(1, record_last=False)``: each step pays ``run``'s entry and exit,
    which Play and the CLI share over a block of steps (a conservative figure)."""

    def __init__(self, widths, X, y, weights, batch):
        model = MLP(widths[0], list(widths[1:-1]), widths[-1])
        model.load_state_dict({f"{2 * i}.{k}": a for i, (W, b) in enumerate(weights)
                               for k, a in (("weight", W), ("bias", b))})
        ds = Dataset(X, y, name="bench")
        self.trainer = Trainer(model, ds, loss="softmax", optimizer=SGD(model.parameters(), lr=LR),
                               reg=0.0, batch_size=batch if batch < len(y) else None, seed=0)

    def step(self):
        self.trainer.run(1, record_last=False)


def main():
    if torch is not None:
        torch.set_num_threads(1)
    print("Backprop Studio trainer benchmark: one SGD step through Trainer.run (float64, 1 thread)")
    print("Median time per step, interleaved; trainer records its history and guards its update,")
    print("the others record loss and accuracy.")
    print()
    header = (f"{'MLP (batch)':<28}{'trainer':>11}{'numpy':>11}{'PyTorch':>11}{'tr/np':>8}  "
              f"{'target':<11}{'tr/torch':>9}  target")
    print(header)
    print("-" * len(header))
    products = []
    for widths, batch, samples, target in SIZES:
        X, y, weights = make_problem(widths, samples)
        impls = {"trainer": TrainerStep(widths, X, y, weights, batch),
                 "numpy": Sampled(NumpyMLP(X, y, weights), X, y, batch, numpy_to_batch)}
        if torch is not None:
            impls["torch"] = Sampled(TorchMLP(X, y, weights), X, y, batch, torch_to_batch)
        medians, _ = time_steps(impls, warmup=20)
        label = f"{'-'.join(map(str, widths)) if len(widths) < 6 else '2-32x10-3'} (b{batch})"
        r_np = medians["trainer"] / medians["numpy"]
        row = f"{label:<28}{medians['trainer'] * 1e3:>9.3f}ms{medians['numpy'] * 1e3:>9.3f}ms"
        if torch is not None:
            r_t = medians["trainer"] / medians["torch"]
            row += (f"{medians['torch'] * 1e3:>9.3f}ms{r_np:>8.2f}  ≤ {target:<4} {_ok(r_np <= target)}"
                    f"{r_t:>9.2f}  ≤ 1.0  {_ok(r_t <= 1.0)}")
        else:
            row += f"{'—':>11}{r_np:>8.2f}  ≤ {target:<4} {_ok(r_np <= target)}"
        print(row, flush=True)
        products.append((label, time_products(widths, batch)))
    print()
    blas = blas_names()
    print("The step's matrix products alone, one thread (" + "; ".join(f"{k}: {v}" for k, v in blas.items()) + ")")
    for label, seconds in products:
        print(f"{label:<28}" + "".join(f"{name:>10} {s * 1e3:.3f}ms" for name, s in seconds.items()))


def time_products(widths, batch):
    """{library: best seconds} of one step's matrix products: x·Wᵀ per layer, and back Gᵀ·x per
    layer and G·W for every layer but the first."""
    rng = np.random.default_rng(0)
    acts = [rng.standard_normal((batch, width)) for width in widths]
    weights = [rng.standard_normal((o, i)) for i, o in zip(widths[:-1], widths[1:])]

    def products(acts, weights):
        def run():
            for a, W in zip(acts, weights):
                a @ W.T
            for i, W in enumerate(weights):
                acts[i + 1].T @ acts[i]
                if i > 0:
                    acts[i + 1] @ W
        return run

    libraries = {"numpy": products(acts, weights)}
    if torch is not None:
        libraries["PyTorch"] = products([torch.from_numpy(a) for a in acts],
                                        [torch.from_numpy(W) for W in weights])
    return {name: min(timeit.repeat(run, number=50, repeat=5)) / 50 for name, run in libraries.items()}


def _ok(passed):
    return "PASS" if passed else "FAIL"


if __name__ == "__main__":
    main()
