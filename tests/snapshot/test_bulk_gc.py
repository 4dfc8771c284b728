"""A block that builds an organization's worth of records leaves them out of the cyclic collector.

Loading a 500-account snapshot or collecting its audit's results builds millions of long-lived,
acyclic records; left to the collector, each was walked again by the next collection of every
generation (seconds, in the process every other one waits for). Such a block freezes them on the
way out; a small block, or one that fails, leaves the collector exactly as it found it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from vpcaudit.snapshot import bulk


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    """Each test starts and ends with nothing frozen (a frozen test runner would never collect its cycles)."""
    gc.unfreeze()
    yield
    gc.unfreeze()


def _build(count: int) -> list[tuple[int, ...]]:
    return [(i, i) for i in range(count)]  # tuples of ints: tracked by the collector when made


def test_a_large_block_freezes_what_it_built(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "FREEZE_MIN", 10_000)
    with bulk.without_cycle_collection():
        assert not gc.isenabled()
        kept = _build(20_000)
    assert gc.isenabled() and gc.get_freeze_count() >= len(kept)
    generations = {id(o) for generation in range(3) for o in gc.get_objects(generation)}
    assert id(kept) not in generations and id(kept[-1]) not in generations  # never walked again


def test_a_small_block_freezes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "FREEZE_MIN", 10_000)
    with bulk.without_cycle_collection():
        kept = _build(100)
    assert gc.isenabled() and gc.get_freeze_count() == 0 and kept


def test_a_failing_block_freezes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure's traceback is a reference cycle: frozen, it would never be freed."""
    monkeypatch.setattr(bulk, "FREEZE_MIN", 10_000)
    kept: list[tuple[int, ...]] = []
    with pytest.raises(RuntimeError), bulk.without_cycle_collection():
        kept.extend(_build(20_000))
        raise RuntimeError("the load failed")
    assert gc.isenabled() and gc.get_freeze_count() == 0 and kept


def test_the_collector_stays_off_when_it_was_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "FREEZE_MIN", 10_000)
    gc.disable()
    try:
        with bulk.without_cycle_collection():
            kept = _build(20_000)
        assert not gc.isenabled() and gc.get_freeze_count() >= len(kept)
    finally:
        gc.enable()
