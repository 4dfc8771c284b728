"""A set of address blocks that answers "does it hold this address?" in logarithmic time.

Why: a snapshot-wide question such as "is this private address inside any VPC that was
scanned?" otherwise walks every VPC's blocks for every value of every record — at 500
accounts × 17 Regions, 34,000 blocks per value, for every account-Region's private zones.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from vpcaudit.network.routing import Network


@dataclass(frozen=True, slots=True)
class AddressRanges:
    """The union of some networks, as sorted disjoint integer ranges per address family."""

    starts: dict[int, tuple[int, ...]]  # IP version → first address of each range, ascending
    ends: dict[int, tuple[int, ...]]  # IP version → last address of the same range

    @classmethod
    def of(cls, networks: Iterable[Network]) -> AddressRanges:
        spans: dict[int, list[tuple[int, int]]] = {}
        for network in networks:
            first = int(network.network_address)
            spans.setdefault(network.version, []).append((first, first | int(network.hostmask)))
        starts: dict[int, tuple[int, ...]] = {}
        ends: dict[int, tuple[int, ...]] = {}
        for version, ranges in spans.items():
            merged: list[list[int]] = []
            for first, last in sorted(ranges):
                if merged and first <= merged[-1][1] + 1:
                    merged[-1][1] = max(merged[-1][1], last)
                else:
                    merged.append([first, last])
            starts[version] = tuple(first for first, _ in merged)
            ends[version] = tuple(last for _, last in merged)
        return cls(starts, ends)

    def holds(self, version: int, address: int) -> bool:
        """Is the address (``version`` 4 or 6, as an integer) inside one of the networks?"""
        starts = self.starts.get(version, ())
        i = bisect_right(starts, address) - 1
        return i >= 0 and address <= self.ends[version][i]
