"""A collection runs the cyclic garbage collector at a slower pace, and gives the pace back."""

from __future__ import annotations

import gc
from typing import Any

import boto3
import pytest

from vpcaudit.collectors.pacing import COLLECTION_THRESHOLD, fewer_cycle_collections
from vpcaudit.collectors.run import collect_snapshot


def test_the_threshold_is_raised_inside_and_restored_after_even_on_error() -> None:
    found = gc.get_threshold()
    with pytest.raises(RuntimeError), fewer_cycle_collections():
        assert gc.get_threshold() == (max(found[0], COLLECTION_THRESHOLD), *found[1:])
        raise RuntimeError("a collection that fails")
    assert gc.get_threshold() == found


def test_a_higher_threshold_set_by_the_caller_is_kept() -> None:
    found = gc.get_threshold()
    gc.set_threshold(50_000, *found[1:])
    try:
        with fewer_cycle_collections():
            assert gc.get_threshold()[0] == 50_000
        assert gc.get_threshold()[0] == 50_000
    finally:
        gc.set_threshold(*found)


def test_every_call_of_a_collection_runs_at_the_slower_pace(session: boto3.session.Session) -> None:
    seen: list[int] = []

    def note(**_: Any) -> None:
        seen.append(gc.get_threshold()[0])

    session._session.register("before-call", note)
    found = gc.get_threshold()
    collect_snapshot(session, ["us-east-1"])
    assert seen and set(seen) == {max(found[0], COLLECTION_THRESHOLD)}
    assert gc.get_threshold() == found
