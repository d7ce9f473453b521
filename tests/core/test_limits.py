"""core.limits: each limit is refused with its name, before anything is allocated."""
import pytest

from core import limits


def test_check_bytes_names_the_limit_and_the_sizes():
    limits.check_bytes(100, 100, "an array", "MAX_ARRAY_BYTES")
    with pytest.raises(limits.LimitError, match=r"an array would take 1\.0 GiB, over the limit of "
                                                r"128\.0 MiB \(MAX_ARRAY_BYTES\)"):
        limits.check_bytes(1 << 30, limits.MAX_ARRAY_BYTES, "an array", "MAX_ARRAY_BYTES")


def test_check_count_and_human_bytes():
    with pytest.raises(limits.LimitError, match=r"rows: 2,000,000 is over the limit of 1,000,000"):
        limits.check_count(2_000_000, limits.MAX_CSV_ROWS, "rows", "MAX_CSV_ROWS")
    assert [limits.human_bytes(n) for n in (5, 2048, 3 << 20)] == ["5 bytes", "2.0 KiB", "3.0 MiB"]


def test_check_allocation_against_available_memory(monkeypatch):
    monkeypatch.setattr(limits, "available_memory", lambda: 1 << 30)
    limits.check_allocation(100 << 20, "a model")
    with pytest.raises(limits.LimitError, match="a model would take 800.0 MiB, more than half the "
                                                "1.0 GiB of memory available"):
        limits.check_allocation(800 << 20, "a model")
    assert limits.LimitError.__mro__[1] is ValueError
