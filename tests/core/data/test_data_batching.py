"""BatchSampler: one batch at a time, every sample once per epoch, resumable bit for bit."""
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.data import BatchSampler, DataError, iterate_minibatches


def one_epoch(sampler):
    return [sampler.next_indices() for _ in range(len(sampler))]


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 200), batch_size=st.integers(1, 250), seed=st.integers(0, 2**63))
def test_every_sample_exactly_once_per_epoch(n, batch_size, seed):
    sampler = BatchSampler(n, batch_size, seed)
    for epoch in range(3):
        batches = one_epoch(sampler)
        assert sorted(np.concatenate(batches).tolist()) == list(range(n))
        assert all(len(b) == min(batch_size, n) for b in batches[:-1])
        assert sampler.epoch == epoch + 1


def test_epochs_are_reshuffled_and_seeded():
    a, b, c = BatchSampler(50, 10, seed=4), BatchSampler(50, 10, seed=4), BatchSampler(50, 10, seed=5)
    first, second = np.concatenate(one_epoch(a)), np.concatenate(one_epoch(a))
    assert not np.array_equal(first, second)
    assert np.array_equal(first, np.concatenate(one_epoch(b)))
    assert not np.array_equal(first, np.concatenate(one_epoch(c)))


def test_last_batch_is_smaller_and_closes_the_epoch():
    sampler = BatchSampler(10, 4, seed=0)
    assert len(sampler) == 3
    sizes = []
    for _ in range(3):
        assert sampler.epoch == 0
        sizes.append(len(sampler.next_indices()))
    assert sizes == [4, 4, 2] and sampler.epoch == 1


@pytest.mark.parametrize("batch_size", [None, 10, 99])
def test_full_batch_is_every_index_in_order(batch_size):
    sampler = BatchSampler(10, batch_size, seed=0)
    assert sampler.full_batch and len(sampler) == 1
    assert np.array_equal(sampler.next_indices(), np.arange(10))
    assert np.array_equal(sampler.next_indices(), np.arange(10)) and sampler.epoch == 2


@pytest.mark.parametrize("taken", [0, 1, 3, 5, 7, 12])
def test_state_dict_round_trip_through_json_continues_identically(taken):
    sampler = BatchSampler(23, 5, seed=11)
    for _ in range(taken):
        sampler.next_indices()
    state = json.loads(json.dumps(sampler.state_dict()))
    restored = BatchSampler(23, 5, seed=999)
    restored.load_state_dict(state)
    assert restored.epoch == sampler.epoch
    for _ in range(15):
        assert np.array_equal(restored.next_indices(), sampler.next_indices())
    assert restored.epoch == sampler.epoch


def test_state_dict_holds_only_json_types():
    sampler = BatchSampler(7, 2, seed=1)
    sampler.next_indices()
    text = json.dumps(sampler.state_dict())
    assert json.loads(text) == sampler.state_dict()


def test_load_state_dict_rejects_another_size():
    state = BatchSampler(8, 2).state_dict()
    with pytest.raises(DataError, match="for 8 samples, this sampler has 9"):
        BatchSampler(9, 2).load_state_dict(state)


@pytest.mark.parametrize("n, batch_size, message", [
    (0, 2, "n must be a positive integer, got 0"),
    (5, 0, "batch_size must be a positive integer or None"),
    (5, 2.5, "batch_size must be a positive integer or None"),
])
def test_bad_arguments(n, batch_size, message):
    with pytest.raises(DataError, match=message):
        BatchSampler(n, batch_size)


def test_iterate_minibatches_covers_one_epoch_with_matching_rows():
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10)
    batches = list(iterate_minibatches(X, y, batch_size=3, seed=0))
    assert [len(yb) for _, yb in batches] == [3, 3, 3, 1]
    for Xb, yb in batches:
        assert np.array_equal(Xb, X[yb])
    assert sorted(np.concatenate([yb for _, yb in batches])) == list(range(10))
