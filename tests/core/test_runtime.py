"""core.runtime: the heap policy set at start-up and BLAS threads chosen by the work."""
import platform

import pytest
from threadpoolctl import threadpool_info

from core import runtime
from core.training import TrainerConfig, build_trainer
from core.training.fast_path import blas_threads


def blas_threads_now():
    return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_tune_allocator_applies_on_glibc_and_twice_is_harmless():
    assert runtime.tune_allocator() is True
    assert runtime.tune_allocator() is True


def test_small_work_runs_on_one_thread_large_keeps_blas_setting():
    assert runtime.blas_threads(2 * 240 * 16 * 16) == 1
    assert runtime.blas_threads(2 * 512 * 784 * 1024) is None
    with runtime.limit_blas(1):
        assert set(blas_threads_now()) <= {1}


def test_trainer_chooses_threads_from_its_largest_matrix_product():
    small = build_trainer(TrainerConfig())
    assert blas_threads(small.model, small.dataset.n_train) == 1
    big = build_trainer(TrainerConfig(dataset="digits", hidden=[4096]))
    assert blas_threads(big.model, big.dataset.n_train) is None  # 2·1438·64·4096 flops: BLAS's own
    before = blas_threads_now()
    seen = []
    build_trainer(TrainerConfig()).run(2, callback=lambda t: seen.append(blas_threads_now()))
    assert all(set(threads) <= {1} for threads in seen)
    assert blas_threads_now() == before  # restored after run
