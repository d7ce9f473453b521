"""CLI benchmark: ``main.py train --dataset digits --model mlp --hidden 256`` against the same
training written by hand in numpy and in PyTorch, each in a fresh process.

Every run does the same work: full-batch SGD (lr 0.3) on the standardised digits training split,
a 64-256-10 ReLU MLP, softmax cross-entropy plus λ·ΣW² (λ = 1e-3), and a validation evaluation
every 10 iterations. Printed: seconds per iteration, the ratios to numpy and PyTorch, and the
minor page faults per iteration (glibc trimming and regrowing the heap shows up there). The CLI
runs twice: with the environment as it is (BLAS threads chosen by the program) and with BLAS
pinned to one thread; the first may lose at most 10 % against the second. Last, the step's largest
matrix product alone, on one thread, in numpy and in PyTorch, naming each one's BLAS: the CLI can
be no faster than numpy's BLAS makes that product.

Run: ``make bench`` or ``python bench/cli.py [ITERATIONS]``.
"""
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ITERATIONS = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 500
PINNED = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
HIDDEN, LR, REG, EVAL_EVERY = 256, 0.3, 1e-3, 10


def worker(kind, iterations):
    """Train in this process; print {"seconds", "faults"} of the training loop as JSON."""
    import resource
    sys.path.insert(0, ROOT)
    if kind == "product":
        print(json.dumps(_largest_product(iterations)))
        return
    if kind.endswith("tuned"):
        from core import runtime
        runtime.tune_allocator()
    if kind == "cli":
        from core import cli
        argv = ["train", "--dataset", "digits", "--model", "mlp", "--hidden", str(HIDDEN),
                "--iterations", str(iterations), "--quiet"]
        start, faults = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        with open(os.devnull, "w") as null:
            code = cli.run(argv, stdout=null, stderr=null)
        assert code == 0, f"the CLI failed with exit code {code}"
    else:
        from core.training import TrainerConfig, build_dataset
        ds = build_dataset(TrainerConfig(dataset="digits"))
        step = _numpy_loop(ds) if kind.startswith("numpy") else _torch_loop(ds)
        start, faults = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        for i in range(1, iterations + 1):
            step(i % EVAL_EVERY == 0 or i == 1)
    seconds = time.perf_counter() - start
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults
    print(json.dumps({"seconds": seconds, "faults": faults}))


def _numpy_loop(ds):
    import numpy as np
    rng = np.random.default_rng(0)
    sizes = (ds.n_features, HIDDEN, ds.n_classes)
    Ws = [rng.standard_normal((o, i)) * np.sqrt(2.0 / i) for i, o in zip(sizes[:-1], sizes[1:])]
    bs = [np.zeros(o) for o in sizes[1:]]
    X, y, rows = ds.X_train, ds.y_train, np.arange(ds.n_train)

    def scores_of(A):
        h = np.maximum(A @ Ws[0].T + bs[0], 0)
        return h, h @ Ws[1].T + bs[1]

    def loss_of(scores, labels):
        shifted = scores - scores.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        sum_e = e.sum(axis=1, keepdims=True)
        n = len(labels)
        data = (np.log(sum_e[:, 0]) - shifted[np.arange(n), labels]).sum() / n
        return data + REG * sum(np.vdot(W, W) for W in Ws), e / sum_e

    def step(evaluate):
        h, scores = scores_of(X)
        loss, probs = loss_of(scores, y)
        accuracy = float(np.mean(scores.argmax(axis=1) == y))
        dz = probs
        dz[rows, y] -= 1
        dz /= len(y)
        dW1, db1 = dz.T @ h + 2 * REG * Ws[1], dz.sum(axis=0)
        dh = (dz @ Ws[1]) * (h > 0)
        dW0, db0 = dh.T @ X + 2 * REG * Ws[0], dh.sum(axis=0)
        for p, g in ((Ws[0], dW0), (bs[0], db0), (Ws[1], dW1), (bs[1], db1)):
            p -= LR * g
        if evaluate:
            val_loss, _ = loss_of(scores_of(ds.X_val)[1], ds.y_val)
        return float(loss), accuracy

    return step


def _torch_loop(ds):
    import torch
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(ds.n_features, HIDDEN), torch.nn.ReLU(),
                                torch.nn.Linear(HIDDEN, ds.n_classes)).double()
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    X, y = torch.from_numpy(ds.X_train), torch.from_numpy(ds.y_train.astype("int64"))
    Xv, yv = torch.from_numpy(ds.X_val), torch.from_numpy(ds.y_val.astype("int64"))
    weights = [model[0].weight, model[2].weight]

    def step(evaluate):
        opt.zero_grad()
        scores = model(X)
        loss = torch.nn.functional.cross_entropy(scores, y) + REG * sum((W * W).sum() for W in weights)
        loss.backward()
        opt.step()
        accuracy = float((scores.argmax(dim=1) == y).double().mean())
        if evaluate:
            with torch.no_grad():
                torch.nn.functional.cross_entropy(model(Xv), yv)
        return float(loss), accuracy

    return step


def _largest_product(repeats):
    """{library: [its BLAS, best seconds]} of X·W₁ᵀ (train rows × 64 × HIDDEN), the step's largest."""
    import timeit

    import numpy as np
    from engine import blas_names, torch

    from core.training import TrainerConfig, build_dataset
    X = build_dataset(TrainerConfig(dataset="digits")).X_train
    W = np.random.default_rng(0).standard_normal((HIDDEN, X.shape[1]))
    blas = blas_names()
    times = {"numpy": [blas["numpy"], min(timeit.repeat(lambda: X @ W.T, number=repeats, repeat=5)) / repeats]}
    if torch is None:
        return times
    torch.set_num_threads(1)
    tX, tW = torch.from_numpy(X.copy()), torch.from_numpy(W)
    times["PyTorch"] = [blas["PyTorch"], min(timeit.repeat(lambda: tX @ tW.T, number=repeats, repeat=5)) / repeats]
    return times


def measure(kind, env):
    """Seconds and page faults per iteration, net of start-up: a run of ITERATIONS minus one of 1."""
    def run(n):
        out = subprocess.run([sys.executable, __file__, "--worker", kind, str(n)], cwd=ROOT,
                             env=env, capture_output=True, text=True, check=True)
        return json.loads(out.stdout.strip().splitlines()[-1])
    one, many = run(1), run(ITERATIONS)
    return {key: (many[key] - one[key]) / (ITERATIONS - 1) for key in ("seconds", "faults")}


def main():
    import importlib.util
    have_torch = importlib.util.find_spec("torch") is not None
    print(f"Backprop Studio CLI benchmark: digits, MLP 64-{HIDDEN}-10, full batch, {ITERATIONS} iterations,")
    print("each run a fresh process; threads: the environment as given unless marked pinned.")
    print("  numpy tuned: the same numpy loop after core.runtime.tune_allocator() (for reference).")
    print()
    runs = {"cli": measure("cli", dict(os.environ)),
            "cli pinned": measure("cli", {**os.environ, **PINNED}),
            "numpy": measure("numpy", {**os.environ, **PINNED}),
            "numpy tuned": measure("numpy tuned", {**os.environ, **PINNED})}
    if have_torch:
        runs["torch"] = measure("torch", {**os.environ, **PINNED})
    for name, r in runs.items():
        print(f"  {name:<12}{r['seconds'] * 1e3:8.2f} ms/iteration{r['faults']:10.1f} page faults/iteration")
    print()
    cli_s, pinned_s, np_s = runs["cli"]["seconds"], runs["cli pinned"]["seconds"], runs["numpy"]["seconds"]
    faults = runs["cli"]["faults"]
    checks = [("CLI / hand-written numpy", cli_s / np_s, "≤ 1.15", cli_s / np_s <= 1.15),
              ("CLI default threads / pinned 1 thread", cli_s / pinned_s, "≤ 1.10", cli_s / pinned_s <= 1.10),
              ("CLI page faults per iteration", faults, "≤ 10", faults <= 10)]
    if have_torch:
        ratio = cli_s / runs["torch"]["seconds"]
        checks.insert(1, ("CLI / PyTorch", ratio, "≤ 0.6", ratio <= 0.6))
    for label, value, target, ok in checks:
        print(f"  {label:<40}{value:8.2f}   target {target:<7} {'PASS' if ok else 'FAIL'}")
    out = subprocess.run([sys.executable, __file__, "--worker", "product", "50"], cwd=ROOT,
                         env={**os.environ, **PINNED}, capture_output=True, text=True, check=True)
    print()
    print(f"  The largest product alone (train rows × 64 × {HIDDEN}, one thread):")
    for library, (blas, seconds) in json.loads(out.stdout.strip().splitlines()[-1]).items():
        print(f"  {library:<12}{seconds * 1e3:8.2f} ms   ({blas})")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        worker(sys.argv[2], int(sys.argv[3]))
    else:
        main()
