"""Facts about the whole snapshot, computed once per audit for rules that look beyond their scope.

A rule judges one (account, Region), but a few questions span the scan: which endpoint owns
an address a private hosted zone points to (DNS003, DNS004: the endpoint may sit in a hub
account), which VPCs of a Region run the same endpoints (COST001 pools every account), which
S3 endpoints serve a bucket's Region (POL004). Answering them from the whole snapshot in every
scope makes an audit quadratic in accounts. The runner gives every scope of one audit the same
:class:`SharedFacts`, so each answer is computed once, the first time a rule asks, and reused.
Such a fact is a :class:`~vpcaudit.snapshot.shard.Fold`, so it can be answered by a process that
holds only some of the accounts (an audit in shards); its parts are computed once per audit, for
all the arguments it is asked with.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from vpcaudit.snapshot.model import Snapshot
from vpcaudit.snapshot.shard import Fold

T = TypeVar("T")


class SharedFacts:
    """Memoised ``compute(snapshot, *args)`` over one snapshot."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self._values: dict[tuple[Callable[..., Any], tuple[Hashable, ...]], Any] = {}

    def get(self, compute: Callable[..., T], *args: Hashable) -> T:
        """``compute(snapshot, *args)``, computed on the first call with these arguments only.

        ``compute`` must be a pure function of the snapshot and ``args``: its answer is shared by
        every rule and scope of the audit.
        """
        key = (compute, args)
        if key not in self._values:
            if isinstance(compute, Fold):  # its parts once, however many arguments it is asked with
                parts = self.get(compute.parts_of)
                self._values[key] = compute.whole(parts, *args)
            else:
                self._values[key] = compute(self.snapshot, *args)
        return self._values[key]  # type: ignore[no-any-return]
