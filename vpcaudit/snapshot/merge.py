"""Per-account snapshots into one organization snapshot (pure: no AWS, no files).

Why: a fleet is collected one account at a time — one Lambda invocation, one CI job, one
``collect`` per account — but some answers exist only across accounts: COST001 prices one shared
endpoint set for the same services in every account of a Region, a RAM-shared subnet is judged
only when its owner is in the scan, a private zone's records are checked against endpoints of
every account. Merging the snapshots first and auditing the merge gives those answers exactly as
one organization-wide collection would.

An account may appear in one snapshot only: two different pictures of one account cannot be
told apart, so that is refused rather than one silently winning. Endpoint services, hundreds of
records that are the same in every account of a Region, are shared between accounts when equal,
so a merge of a thousand accounts holds about one copy per Region instead of a thousand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from vpcaudit.errors import UsageError
from vpcaudit.snapshot.model import SCHEMA_VERSION, AccountSnapshot, Snapshot, normalised


def merge_snapshots(snapshots: Sequence[Snapshot], sources: Sequence[str] | None = None) -> Snapshot:
    """One snapshot holding every account of ``snapshots`` (``sources`` name them in errors).

    ``taken_at`` is the earliest of the inputs (the merge is at least that old), ``tool_version``
    the versions that collected them, and the options those the inputs agree on.
    """
    if not snapshots:
        raise UsageError("nothing to merge: give at least one snapshot", "inputs")
    names = list(sources) if sources is not None else [f"snapshot {i + 1}" for i in range(len(snapshots))]
    owner: dict[str, str] = {}
    services: dict[Any, Any] = {}
    accounts: list[AccountSnapshot] = []
    for snapshot, name in zip(snapshots, names, strict=True):
        for account in snapshot.accounts:
            if account.account_id in owner:
                raise UsageError(f"account {account.account_id} is in both {owner[account.account_id]} and {name}: "
                                 "merge each account once", "inputs")
            owner[account.account_id] = name
            accounts.append(_share_services(account, services))
    skipped = {s.account_id: s for snapshot in snapshots for s in snapshot.skipped_accounts
               if s.account_id not in owner}
    versions = sorted({s.tool_version for s in snapshots})  # the collecting versions; one when they agree
    return normalised(Snapshot(schema_version=SCHEMA_VERSION, tool_version="+".join(versions),
                               taken_at=min(s.taken_at for s in snapshots), accounts=tuple(accounts),
                               options=_options(snapshots), skipped_accounts=tuple(skipped.values())))


def _share_services(account: AccountSnapshot, seen: dict[Any, Any]) -> AccountSnapshot:
    """The account with each endpoint-service record replaced by an equal one already held."""
    regions = tuple(replace(region, endpoint_services=tuple(seen.setdefault(s, s) for s in region.endpoint_services))
                    for region in account.regions)
    return replace(account, regions=regions)


def _options(snapshots: Sequence[Snapshot]) -> dict[str, Any]:
    """The collection options every input agrees on, every role ARN, and how many were merged."""
    first = snapshots[0].options
    agreed = {k: v for k, v in first.items() if k != "role_arns" and all(s.options.get(k) == v for s in snapshots)}
    arns = sorted({arn for s in snapshots for arn in s.options.get("role_arns", ())})
    return {**agreed, **({"role_arns": arns} if arns else {}), "merged_snapshots": len(snapshots)}
