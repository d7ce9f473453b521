"""Memory benchmark: the resident size over 100,000 iterations of training, as Play drives it.

The default model trains in chunks of 100 iterations (``run(100, record_last=False)``), with a
recorded iteration and a snapshot every 10 chunks, as frames would take them. Printed: the
resident set size after 10,000 iterations and after all of them, the history's own bytes, and
the growth in between; target: the growth stays within 2 × the history's bytes (the history is
all that should grow). Run: ``make bench`` or ``python bench/memory.py [ITERATIONS]``.
"""
import os
import sys

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from core import runtime  # noqa: E402
from core.training import TrainerConfig, build_trainer  # noqa: E402

ITERATIONS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
CHUNK = 100


def rss_bytes():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def main():
    runtime.tune_allocator()  # as the app and the CLI do at start-up
    trainer = build_trainer(TrainerConfig())
    early = None
    snapshots = 0
    while trainer.iteration < ITERATIONS:
        chunk = min(CHUNK, ITERATIONS - trainer.iteration)
        frame = (trainer.iteration // CHUNK) % 10 == 9
        trainer.run(chunk, record_last=frame)
        if frame:
            trainer.snapshot()
            snapshots += 1
        if early is None and trainer.iteration >= ITERATIONS // 10:
            early = (trainer.iteration, rss_bytes())
    late = rss_bytes()
    history = sum(len(series) * 8 for series in trainer.history.values())
    growth = late - early[1]
    print(f"Backprop Studio memory benchmark: default model, {ITERATIONS} iterations, {snapshots} snapshots")
    print(f"  resident after {early[0]:>7} iterations  {early[1] / 2**20:8.1f} MiB")
    print(f"  resident after {trainer.iteration:>7} iterations  {late / 2**20:8.1f} MiB")
    print(f"  history ({len(trainer.history)} series of 8-byte entries) {history / 2**20:6.1f} MiB")
    ok = growth <= 2 * history
    print(f"  growth {growth / 2**20:6.1f} MiB   target ≤ 2 × history = {2 * history / 2**20:.1f} MiB"
          f"   {'PASS' if ok else 'FAIL'}")


if __name__ == "__main__":
    main()
