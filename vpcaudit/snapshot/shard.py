"""Facts about a whole snapshot computed from its accounts in parts, and a snapshot held in shards.

Why: an organization's audit runs on several processes, and each reads, holds and audits only its
share of the accounts (see :mod:`vpcaudit.engine.sharded`). A few questions still span every
account — which account holds the zones associated with a VPC, which endpoint owns an address,
which VPCs of a Region run the same endpoints. Each is a :class:`Fold`: a *part* computed from some
accounts, and the *whole* made from every part in the snapshot's account order. A process holding
every account computes its one part itself; processes holding shards exchange their parts, and
every one of them then gets the same answer as a single process would.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from vpcaudit.snapshot.model import AccountSnapshot, Part, Snapshot, State

P = TypeVar("P")
T = TypeVar("T")

# Every fold defined so far, by name: the parts a shard computes and sends (see FoldParts).
FOLDS: dict[str, Fold[Any, Any]] = {}


class Fold(Generic[P, T]):
    """A fact about a whole snapshot: ``part(accounts)`` of any run of consecutive accounts, and
    ``whole(parts, *args)`` of the parts of all of them, in order. Called with a snapshot (and the
    fact's arguments) it gives the fact, whether the snapshot holds every account or is a shard.

    ``used_by``: the ids of the rules that ask for it, when computing its part costs enough to be
    left out of an audit that runs none of them (empty: always computed)."""

    def __init__(self, name: str, part: Callable[[Sequence[AccountSnapshot]], P], whole: Callable[..., T], *,
                 used_by: tuple[str, ...] = ()) -> None:
        self.name = name
        self.part = part
        self.whole = whole
        self.used_by = used_by
        FOLDS[name] = self

    def __call__(self, snapshot: Snapshot, *args: Hashable) -> T:
        return self.whole(self.parts_of(snapshot), *args)

    def parts_of(self, snapshot: Snapshot) -> Sequence[P]:
        """The parts the fact is made of: every shard's, or the whole snapshot's as one."""
        return snapshot.parts[self.name] if isinstance(snapshot, ShardSnapshot) else (self.part(snapshot.accounts),)

    def __repr__(self) -> str:
        return f"Fold({self.name!r})"


FoldParts = Mapping[str, Sequence[Any]]  # fold name → the part of every shard, in account order


def parts_for(accounts: Sequence[AccountSnapshot], rule_ids: frozenset[str]) -> dict[str, Any]:
    """This shard's part of every fold an audit running ``rule_ids`` may ask for."""
    return {name: fold.part(accounts) for name, fold in FOLDS.items()
            if not fold.used_by or rule_ids.intersection(fold.used_by)}


class ShardSnapshot(Snapshot):
    """A snapshot of which this process holds some accounts (``accounts``): its folds answer from
    every shard's parts, and :meth:`account` reads an account held elsewhere from the file on first
    use (``read``), keeping the last few so a rule following queries into a hub account reads it once."""

    __slots__ = ("_elsewhere", "_held", "_read", "_recent", "parts")

    RECENT = 8  # accounts held elsewhere kept once read

    def __init__(self, header: Snapshot, accounts: Sequence[AccountSnapshot], parts: FoldParts,
                 elsewhere: frozenset[str], read: Callable[[str], AccountSnapshot]) -> None:
        super().__init__(header.schema_version, header.tool_version, header.taken_at, tuple(accounts),
                         header.options, header.skipped_accounts)
        object.__setattr__(self, "parts", parts)
        object.__setattr__(self, "_held", {a.account_id: a for a in accounts})
        object.__setattr__(self, "_elsewhere", elsewhere)
        object.__setattr__(self, "_read", read)
        object.__setattr__(self, "_recent", OrderedDict())

    def account(self, account_id: str) -> AccountSnapshot | None:
        held = self._held.get(account_id)
        if held is not None or account_id not in self._elsewhere:
            return held
        recent: OrderedDict[str, AccountSnapshot] = self._recent
        if account_id in recent:
            recent.move_to_end(account_id)
        else:
            recent[account_id] = self._read(account_id)
            if len(recent) > self.RECENT:
                recent.popitem(last=False)
        return recent[account_id]

    def has_account(self, account_id: str) -> bool:
        return account_id in self._held or account_id in self._elsewhere


def _account_regions_part(accounts: Sequence[AccountSnapshot]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((a.account_id, tuple(r.region for r in a.regions)) for a in accounts)


# Every account of the snapshot with its Regions, in order (the result's header lists them all).
ACCOUNT_REGIONS: Fold[Any, tuple[tuple[str, tuple[str, ...]], ...]] = Fold(
    "account_regions", _account_regions_part, lambda parts: tuple(item for part in parts for item in part))


def _opt_in_asked_part(accounts: Sequence[AccountSnapshot]) -> frozenset[Part]:
    asked = set()
    for account in accounts:
        for part in Part:
            if not part.opt_in:
                continue
            statuses = [account.state_of(part)] if part.is_global else [r.state_of(part) for r in account.regions]
            if any(s.state is not State.SKIPPED for s in statuses):
                asked.add(part)
    return frozenset(asked)


# Opt-in parts the snapshot's collection asked for (any state but *skipped* somewhere).
OPT_IN_ASKED: Fold[frozenset[Part], frozenset[Part]] = Fold(
    "opt_in_asked", _opt_in_asked_part, lambda parts: frozenset().union(*parts))
