"""Training is bit-identical however it is driven: ``run``, its fast path, and phase by phase,
and (on the BLAS build they were taken with) identical to the numbers before the speed work."""
import hashlib

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from core.training import Phase, TrainerConfig, build_trainer

CASES = {
    "default": {},
    "deep_b64_adam_tanh": dict(hidden=[32] * 10, batch_size=64, optimizer="adam", lr=0.01,
                               activation="tanh"),
    "svm_hinge_momentum": dict(model="svm", loss="hinge", optimizer="momentum", lr=0.05, reg=0.01),
    "moons_sigmoid_rmsprop": dict(dataset="moons", hidden=[8], activation="sigmoid",
                                  optimizer="rmsprop", lr=0.01, batch_size=32),
    "leaky_nesterov": dict(activation="leaky_relu", optimizer="nesterov", lr=0.05, batch_size=100),
}
# sha256 prefixes of the parameters and history after 300 iterations of run(300), computed on the
# code before the speed work (main at aef1cb4 with the session split) with this numpy and BLAS:
# other BLAS builds or CPUs may round matrix products differently.
BUILD = ("2.4.6", "openblas", "0.3.31.188.0", "SkylakeX")
BEFORE = {
    "default": "3b6dfd1c40299542",
    "deep_b64_adam_tanh": "e97cc96b01f1a1bd",
    "svm_hinge_momentum": "1507c315c3ca8345",
    "moons_sigmoid_rmsprop": "9d4c699553d3df5c",
    "leaky_nesterov": "0b7c0db6bdc8ff29",
}
ITERATIONS = 300


def digest(trainer):
    h = hashlib.sha256()
    for name, p in trainer.model.named_parameters():
        h.update(name.encode())
        h.update(np.ascontiguousarray(p.data).tobytes())
    for key in sorted(trainer.history):
        h.update(key.encode())
        h.update(np.asarray(trainer.history[key], dtype=np.float64).tobytes())
    return h.hexdigest()[:16]


def this_build():
    blas = [(i["internal_api"], i["version"], i.get("architecture")) for i in threadpool_info()
            if i["user_api"] == "blas"]
    return (np.__version__,) + blas[0] if len(blas) == 1 else None


def phase_by_phase(trainer, n):
    for _ in range(n):
        for phase in (Phase.FORWARD, Phase.LOSS):
            assert trainer.step_phase() is phase
        while trainer.phase is Phase.BACKWARD:
            trainer.step_node()
        assert trainer.step_phase() is Phase.UPDATE


@pytest.mark.parametrize("case", sorted(CASES))
def test_run_equals_phase_by_phase_and_the_numbers_before(case):
    fast = build_trainer(TrainerConfig(**CASES[case]))
    fast.run(ITERATIONS)
    stepped = build_trainer(TrainerConfig(**CASES[case]))
    phase_by_phase(stepped, ITERATIONS)
    unrecorded = build_trainer(TrainerConfig(**CASES[case]))
    unrecorded.run(ITERATIONS - 1, record_last=False)
    unrecorded.run(1, record_last=False)
    assert digest(fast) == digest(stepped) == digest(unrecorded)
    if this_build() == BUILD:
        assert digest(fast) == BEFORE[case]


# Without regularisation run()'s fast path leaves the penalty's zero gradients out; the same
# numbers, computed on main at 587e0d8 (before that) with the BUILD above.
NO_REG = {
    "no_reg_sgd": (dict(reg=0.0), "0fe5906b8de6c0cf"),
    "no_reg_deep_b64_adam": (dict(reg=0.0, hidden=[32] * 10, batch_size=64, optimizer="adam", lr=0.01),
                             "8f3cf643ba55ad74"),
    "no_reg_momentum_b100": (dict(reg=0.0, optimizer="momentum", lr=0.05, batch_size=100),
                             "c8e98a1b64e42a6b"),
}


@pytest.mark.parametrize("case", sorted(NO_REG))
def test_without_regularisation_run_equals_phase_by_phase_and_the_numbers_before(case):
    config, before = NO_REG[case]
    fast = build_trainer(TrainerConfig(**config))
    fast.run(ITERATIONS)
    stepped = build_trainer(TrainerConfig(**config))
    phase_by_phase(stepped, ITERATIONS)
    assert digest(fast) == digest(stepped)
    if this_build() == BUILD:
        assert digest(fast) == before
