"""Cost of the checkpoint ring on the default model (3-arm spiral, MLP 16×16, full batch).

Times ``run()`` iterations with and without checkpoint capture and the capture itself. Target:
the ring costs under 5 % of a step. Run: ``python bench/checkpoints.py`` (a benchmark, not a
test: it prints the figures and PASS/FAIL, and exits 0).
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from core.training import (  # noqa: E402
    TrainerConfig,
    build_trainer,
    checkpoints,  # noqa: E402
)

ITERATIONS = 2000


def per_iteration(capture):
    """Seconds per run() iteration, best of three, with the ring's capture on or off."""
    best = float("inf")
    for _ in range(3):
        trainer = build_trainer(TrainerConfig())
        if not capture:
            trainer.checkpoints.capture = lambda *args, **kwargs: None
        start = time.perf_counter()
        trainer.run(ITERATIONS)
        best = min(best, (time.perf_counter() - start) / ITERATIONS)
    return best


def one_capture():
    """Seconds for one checkpoint copy (what every stepped iteration and every 10th of run() pays)."""
    trainer = build_trainer(TrainerConfig())
    ring = checkpoints.CheckpointRing()
    start = time.perf_counter()
    for _ in range(1000):
        ring.capture(trainer)
    return (time.perf_counter() - start) / 1000


def main():
    without, with_ring = per_iteration(False), per_iteration(True)
    capture = one_capture()
    share = capture / checkpoints.FAST_EVERY / without
    print(f"run() iteration: {without * 1e6:.0f} µs without the ring, {with_ring * 1e6:.0f} µs with it")
    print(f"one capture: {capture * 1e6:.0f} µs = {capture / without:.1%} of a step; "
          f"every {checkpoints.FAST_EVERY}th iteration: {share:.2%} of a step")
    print("PASS" if share < 0.05 else "FAIL", "(target: under 5 % of a step)")


if __name__ == "__main__":
    main()
