"""Engine benchmark: one full MLP training step in our engine vs hand-written numpy vs PyTorch.

A step is forward, softmax cross-entropy, backward and a plain SGD update, in float64, for
three MLP sizes. The three implementations are measured in the same run after a warm-up,
interleaved: each round runs a block of BLOCK steps of each, in an order that rotates from
round to round (so drift of the machine spreads over all alike, and each runs in the steady
state of a training loop). The table reports the median time per step and the ratios
engine/numpy (numpy is the floor for a numpy-based engine) and engine/PyTorch (eager, CPU).
Also printed: our engine's backward/forward time ratio, and the peak memory of one backward
through a 4096-wide layer next to what its explicit Jacobian would take.

Threads: numpy's BLAS and PyTorch both run single-threaded, for fairness. BLAS is pinned by
setting OMP_NUM_THREADS / OPENBLAS_NUM_THREADS / MKL_NUM_THREADS = 1 below, before numpy is
imported (threadpoolctl is not a dependency); PyTorch by ``torch.set_num_threads(1)``.
OPENBLAS_CORETYPE, if set in the environment, is left as it is.

Run: ``make bench`` or ``python bench/engine.py``. A benchmark, not a test: it prints, and
exits 0 whether or not the targets are met. Takes about a minute.
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import gc  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from core import Tensor  # noqa: E402
from core import functional as F  # noqa: E402

try:
    import torch
except ImportError:  # PyTorch is optional: its column is left out
    torch = None

LR = 0.01
# (layer widths, batch size, target for engine/numpy, target for engine/PyTorch or None)
SIZES = [
    ((2, 100, 3), 300, 1.5, 1.0),
    ((64, 256, 256, 10), 128, 1.3, None),
    ((784, 1024, 10), 512, 1.15, None),
]
TIME_BUDGET = 12.0  # seconds of measured rounds per size (after warm-up)
BLOCK = 10          # consecutive steps of one implementation within a round
MAX_ROUNDS = 500
MIN_ROUNDS = 5


def blas_names():
    """{library: the BLAS its matrix products run on}, for numpy and (if installed) PyTorch."""
    from threadpoolctl import threadpool_info
    names = {"numpy": ", ".join(f"{i['internal_api']} {i['version']}" for i in threadpool_info()
                                if i["user_api"] == "blas")}
    if torch is not None:
        names["PyTorch"] = "MKL" if torch.backends.mkl.is_available() else "its own BLAS"
    return names


def make_problem(widths, batch, seed=0):
    """Data and He-initialised weights, as plain float64 arrays."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((batch, widths[0]))
    y = rng.integers(0, widths[-1], size=batch)
    weights = []
    for fan_in, fan_out in zip(widths[:-1], widths[1:]):
        W = rng.standard_normal((fan_out, fan_in)) * np.sqrt(2.0 / fan_in)
        b = np.zeros(fan_out)
        weights.append((W, b))
    return X, y, weights


# ----- our engine ------------------------------------------------------------------------
class EngineMLP:
    """The MLP built directly from Tensors (no core.nn / core.optim)."""

    def __init__(self, X, y, weights):
        self.X = Tensor(X)
        self.y = y
        self.params = [Tensor(a.copy(), requires_grad=True) for Wb in weights for a in Wb]

    def forward(self):
        h = self.X
        n_layers = len(self.params) // 2
        for i in range(n_layers):
            W, b = self.params[2 * i], self.params[2 * i + 1]
            h = h @ W.T + b
            if i < n_layers - 1:
                h = h.relu()
        return F.softmax_cross_entropy(h, self.y)

    def update(self):
        for p in self.params:
            p.data -= LR * p.grad
            p.grad = None

    def step(self):
        loss = self.forward()
        loss.backward()
        self.update()
        return loss


# ----- hand-written numpy ----------------------------------------------------------------
class NumpyMLP:
    """The same step written by hand in numpy: the floor for an engine built on numpy."""

    def __init__(self, X, y, weights):
        self.X, self.y = X, y
        self.weights = [(W.copy(), b.copy()) for W, b in weights]
        self.rows = np.arange(len(y))

    def step(self):
        return self.step_with_scores()[0]

    def step_with_scores(self):
        """One step; returns the loss and the scores it was computed from."""
        n = len(self.y)
        acts, pre = [self.X], []
        for i, (W, b) in enumerate(self.weights):
            z = acts[-1] @ W.T + b
            if i < len(self.weights) - 1:
                pre.append(z)
                z = np.maximum(z, 0)
            acts.append(z)
        scores = acts[-1]
        shifted = scores - scores.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        sum_e = e.sum(axis=1, keepdims=True)
        loss = (np.log(sum_e[:, 0]) - shifted[self.rows, self.y]).sum() / n
        dz = e / sum_e
        dz[self.rows, self.y] -= 1
        dz /= n
        grads = []
        for i in range(len(self.weights) - 1, -1, -1):
            W, _ = self.weights[i]
            grads.append((dz.T @ acts[i], dz.sum(axis=0)))
            if i > 0:
                dz = (dz @ W) * (pre[i - 1] > 0)
        for (W, b), (dW, db) in zip(self.weights, reversed(grads)):
            W -= LR * dW
            b -= LR * db
        return loss, scores


# ----- PyTorch ----------------------------------------------------------------------------
class TorchMLP:
    """PyTorch eager on the CPU, float64, one thread."""

    def __init__(self, X, y, weights):
        self.X = torch.from_numpy(X.copy())
        self.y = torch.from_numpy(y.astype(np.int64))
        self.params = [torch.tensor(a, requires_grad=True) for Wb in weights for a in Wb]

    def scores(self):
        h = self.X
        n_layers = len(self.params) // 2
        for i in range(n_layers):
            W, b = self.params[2 * i], self.params[2 * i + 1]
            h = h @ W.T + b
            if i < n_layers - 1:
                h = torch.relu(h)
        return h

    def forward(self):
        return torch.nn.functional.cross_entropy(self.scores(), self.y)

    def step(self):
        return self._learn(self.forward())

    def step_with_scores(self):
        """One step; returns the loss and the scores it was computed from, as a float and an array."""
        h = self.scores()
        return self._learn(torch.nn.functional.cross_entropy(h, self.y)).item(), h.detach().numpy()

    def _learn(self, loss):
        """Backward from ``loss`` and one SGD update; returns ``loss``."""
        loss.backward()
        with torch.no_grad():
            for p in self.params:
                p -= LR * p.grad
                p.grad = None
        return loss


# ----- measuring --------------------------------------------------------------------------
def check_agreement(widths, batch):
    """One step from the same start must give the same loss and weights in every implementation."""
    X, y, weights = make_problem(widths, batch)
    engine, numpy_impl = EngineMLP(X, y, weights), NumpyMLP(X, y, weights)
    losses = [float(engine.step().item()), float(numpy_impl.step())]
    after = [[p.data for p in engine.params], [a for Wb in numpy_impl.weights for a in Wb]]
    if torch is not None:
        torch_impl = TorchMLP(X, y, weights)
        losses.append(float(torch_impl.step().item()))
        after.append([p.detach().numpy() for p in torch_impl.params])
    for other_loss, other in zip(losses[1:], after[1:]):
        assert abs(other_loss - losses[0]) <= 1e-10 * max(1.0, abs(losses[0])), losses
        for a, b in zip(after[0], other):
            assert np.allclose(a, b, rtol=1e-9, atol=1e-12), "implementations disagree"


def time_steps(impls, warmup):
    """Median seconds per step of each implementation, and the number of rounds measured.

    A round runs BLOCK consecutive steps of each implementation, in an order that rotates
    from round to round, timing every step: drift of the machine (other load, clocks) spreads
    over all of them alike, and each is measured in the steady state of a training loop rather
    than right after another library has evicted its code and data from the caches.
    """
    for impl in impls.values():
        for _ in range(warmup):
            impl.step()
    names = list(impls)
    times = {name: [] for name in names}
    gc.collect()
    start = time.perf_counter()
    rounds = 0
    while rounds < MAX_ROUNDS and (rounds < MIN_ROUNDS or time.perf_counter() - start < TIME_BUDGET):
        shift = rounds % len(names)
        for name in names[shift:] + names[:shift]:
            step, record = impls[name].step, times[name].append
            for _ in range(BLOCK):
                t0 = time.perf_counter()
                step()
                record(time.perf_counter() - t0)
        rounds += 1
    return {name: statistics.median(ts) for name, ts in times.items()}, rounds


def time_phases(engine, repeats):
    """Median forward (incl. loss) and backward seconds of our engine."""
    fwd, bwd = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        loss = engine.forward()
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        engine.update()
        fwd.append(t1 - t0)
        bwd.append(t2 - t1)
    return statistics.median(fwd), statistics.median(bwd)


def backward_peak_memory(n=512, width=4096):
    """Peak bytes allocated during one backward of sum(X @ Wᵀ) w.r.t. W (X is data)."""
    rng = np.random.default_rng(0)
    X = Tensor(rng.standard_normal((n, width)))
    W = Tensor(rng.standard_normal((width, width)), requires_grad=True)
    loss = (X @ W.T).sum()
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    loss.backward()
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    jacobian_bytes = (n * width) * (width * width) * 8  # ∂Y/∂W: (N·D_out) × (D_out·D_in) entries
    return peak, W.grad.nbytes, jacobian_bytes


def human(nbytes):
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if nbytes < 1024 or unit == "PiB":
            return f"{nbytes:.0f} {unit}" if unit == "B" else f"{nbytes:.1f} {unit}"
        nbytes /= 1024


def verdict(ratio, target):
    return f"≤ {target:<4} {'PASS' if ratio <= target else 'MISS'}"


def main():
    if torch is not None:
        torch.set_num_threads(1)
    print("Backprop Studio engine benchmark: one SGD training step of an MLP (float64)")
    print(f"numpy {np.__version__}, "
          f"{'PyTorch ' + torch.__version__ if torch is not None else 'PyTorch not installed'}, "
          f"Python {sys.version.split()[0]}; BLAS and PyTorch pinned to 1 thread "
          f"(OMP/OPENBLAS/MKL_NUM_THREADS=1, torch.set_num_threads(1))")
    print(f"Median time per step; implementations interleaved in rounds of {BLOCK} steps each, "
          f"order rotating; ratios < 1 mean our engine is faster.")
    print()
    header = (f"{'MLP (batch)':<24}{'steps':>7}{'engine':>11}{'numpy':>11}{'PyTorch':>11}"
              f"{'eng/np':>8}  {'target':<11}{'eng/torch':>10}  {'target':<11}")
    print(header)
    print("-" * len(header))
    phases = []
    for widths, batch, np_target, torch_target in SIZES:
        check_agreement(widths, batch)
        X, y, weights = make_problem(widths, batch)
        impls = {"engine": EngineMLP(X, y, weights), "numpy": NumpyMLP(X, y, weights)}
        if torch is not None:
            impls["torch"] = TorchMLP(X, y, weights)
        medians, rounds = time_steps(impls, warmup=20)
        label = f"{'-'.join(map(str, widths))} ({batch})"
        r_np = medians["engine"] / medians["numpy"]
        row = (f"{label:<24}{rounds * BLOCK:>7}{medians['engine'] * 1e3:>9.3f}ms{medians['numpy'] * 1e3:>9.3f}ms")
        if torch is not None:
            r_t = medians["engine"] / medians["torch"]
            row += f"{medians['torch'] * 1e3:>9.3f}ms{r_np:>8.2f}  {verdict(r_np, np_target):<11}{r_t:>10.2f}  "
            row += verdict(r_t, torch_target) if torch_target is not None else ""
        else:
            row += f"{'—':>11}{r_np:>8.2f}  {verdict(r_np, np_target):<11}{'—':>10}"
        print(row, flush=True)
        fwd, bwd = time_phases(impls["engine"], repeats=max(20, min(rounds * BLOCK, 1000)))
        phases.append((label, fwd, bwd))
    print()
    print("Our engine: backward time / forward time (forward includes the loss). A layer's backward is two")
    print("matmuls (∂X, ∂W), or one for the first layer, whose input X needs no gradient: expect about 1 to 2.")
    for label, fwd, bwd in phases:
        print(f"  {label:<24} forward {fwd * 1e3:8.3f} ms   backward {bwd * 1e3:8.3f} ms   ratio {bwd / fwd:5.2f}")
    print()
    peak, grad_bytes, jacobian_bytes = backward_peak_memory()
    print("Memory of one backward through a 4096-wide layer: loss = sum(X @ Wᵀ), X (512, 4096), W (4096, 4096)")
    print(f"  peak allocated during backward (tracemalloc): {human(peak)}"
          f"  = {peak / grad_bytes:.2f} × the gradient ∂L/∂W ({human(grad_bytes)})")
    print(f"  explicit Jacobian ∂Y/∂W, (512·4096)×(4096·4096) float64 entries: {human(jacobian_bytes)}"
          f"  ({jacobian_bytes / peak:,.0f} × more)")


if __name__ == "__main__":
    main()
