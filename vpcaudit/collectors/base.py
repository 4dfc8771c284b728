"""What a collector is: the Part it produces, the AWS operations it may call, what it reads first.

Why declarations beside the code: the scheduler resolves dependencies from ``needs``, the
``iam-policy`` command builds the minimal policy from ``operations``, and a test checks that a
full collection calls exactly what is declared. A collector's ``fetch`` does the I/O and hands
each item to a pure transform (``from_api`` in ``vpcaudit.snapshot.resources`` or a ``*_from_api``
function beside the collector); it receives clients from its scope, never a session.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from vpcaudit.aws.clients import ClientFactory
from vpcaudit.snapshot.model import Part

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Scope:
    """One account (and, for region collectors, one region) being collected."""

    account_id: str
    region: str  # the region collected; for account-wide collectors, the home region
    factory: ClientFactory
    pool: ThreadPoolExecutor  # for per-resource calls (per VPC, per bucket…), apart from the part pool
    metrics_days: int
    now: dt.datetime

    def client(self, service: str, region: str | None = None) -> Any:
        return self.factory.client(service, region or self.region)

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """Run ``fn`` over ``items`` concurrently, in order; the first exception propagates.

        At most one account-Region's call budget of items is on the shared pool at once: a Region
        with hundreds of VPCs would otherwise fill every thread with calls waiting for that
        Region's permits while other Regions' calls, which could go out, queue behind them.
        """
        window = self.factory.budget.per_region if self.factory.budget is not None else None
        if window is None:
            return list(self.pool.map(fn, items))
        results: list[R] = []
        running: deque[Future[R]] = deque()
        try:
            for item in items:
                if len(running) == window:
                    results.append(running.popleft().result())
                running.append(self.pool.submit(fn, item))
            while running:
                results.append(running.popleft().result())
        finally:
            for future in running:  # after a failure: what has not started never will
                future.cancel()
        return results


@dataclass(frozen=True)
class Collector:
    """Collects one Part for one region, given the data of the parts it ``needs`` there."""

    part: Part
    operations: tuple[str, ...]  # "service:Operation", e.g. "ec2:DescribeVpcs"
    fetch: Callable[[Scope, Mapping[Part, Any]], Any]
    needs: tuple[Part, ...] = ()


@dataclass(frozen=True)
class AccountCollector:
    """Collects one Part once per account (global APIs: Route 53, S3).

    ``fetch`` receives, per region whose ``needs`` were collected, that region's data of those
    parts. It returns the account's data for a global part (``Part.is_global``), else a mapping
    region → that region's data.
    """

    part: Part
    operations: tuple[str, ...]
    fetch: Callable[[Scope, Mapping[str, Mapping[Part, Any]]], Any]
    needs: tuple[Part, ...] = ()


AnyCollector = Collector | AccountCollector
