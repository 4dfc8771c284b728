"""Per-account audit results into one report (pure: no AWS, no files).

Why beside the snapshot merge: when only the results are at hand (each account audited where it
was collected, the snapshots not kept), one report for the organization is still wanted. Each
result keeps what its own audit concluded — findings, rule scopes, paths, costs, not-evaluated
scopes — so the merged report says exactly what the accounts' reports said, together. What it
cannot say is anything that needs several accounts at once (COST001's organization-wide pool,
a shared subnet whose owner was audited elsewhere): for that, merge the snapshots and audit the
merge.

Results audited differently — other rule pack versions, other selection or pass/fail options —
would make one report that reads as one audit but is not, so they are refused, naming what
differs. An account may appear in one result only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from vpcaudit.engine.result import AuditResult
from vpcaudit.engine.runner import finding_order
from vpcaudit.errors import UsageError

# Options that describe one run rather than the audit's policy: allowed to differ between results.
_PER_RUN_OPTIONS = frozenset({"skipped_opt_in"})


def merge_results(results: Sequence[AuditResult], sources: Sequence[str] | None = None) -> AuditResult:
    """One result holding every account of ``results`` (``sources`` name them in errors)."""
    if not results:
        raise UsageError("nothing to merge: give at least one result", "inputs")
    names = list(sources) if sources is not None else [f"result {i + 1}" for i in range(len(results))]
    first, first_name = results[0], names[0]
    owner: dict[str, str] = {}
    for result, name in zip(results, names, strict=True):
        if result.rule_packs != first.rule_packs:
            raise UsageError(f"{name} was audited with rule packs {_packs(result)}, {first_name} with "
                             f"{_packs(first)}: merge results of one vpcaudit version", "inputs")
        differing = _policy(result) ^ _policy(first)
        if differing:
            key = sorted(differing)[0][0]
            raise UsageError(f"{name} and {first_name} were audited with different {key!r} options: merge results of "
                             "one audit policy", "inputs")
        for account_id in result.accounts:
            if account_id in owner:
                raise UsageError(f"account {account_id} is in both {owner[account_id]} and {name}: merge each account "
                                 "once", "inputs")
            owner[account_id] = name
    rules = {rule.id: rule for result in results for rule in result.rules}
    skipped = sorted({rule for r in results for rule in r.options.get("skipped_opt_in", "").split(",") if rule})

    def every(field: str) -> tuple[Any, ...]:  # each field has its own record type
        return tuple(item for result in results for item in getattr(result, field))

    return replace(
        first,
        snapshot_taken_at=min(r.snapshot_taken_at for r in results),
        generated_at=max(r.generated_at for r in results),
        accounts=tuple(sorted(owner)),
        regions=tuple(sorted({region for r in results for region in r.regions})),
        rules=tuple(sorted(rules.values(), key=lambda rule: rule.id)),
        findings=tuple(sorted(every("findings"), key=finding_order)),
        scopes=tuple(sorted(every("scopes"), key=lambda s: (s.rule_id, s.account_id, s.region))),
        vpcs=tuple(sorted(every("vpcs"), key=lambda v: (v.account_id, v.region, v.vpc_id))),
        paths=every("paths"),
        costs=tuple(sorted(every("costs"), key=lambda c: (c.account_id, c.region, c.vpc_id, c.item, c.resource_id))),
        expired_suppressions=tuple(sorted(set(every("expired_suppressions")))),
        options={**{k: v for k, v in first.options.items() if k not in _PER_RUN_OPTIONS},
                 **({"skipped_opt_in": ",".join(skipped)} if skipped else {})},
        topology=every("topology"),
        path_gaps=every("path_gaps"),
    )


def _policy(result: AuditResult) -> set[tuple[str, str]]:
    return {(k, v) for k, v in result.options.items() if k not in _PER_RUN_OPTIONS}


def _packs(result: AuditResult) -> str:
    return ", ".join(f"{name} {version}" for name, version in sorted(result.rule_packs.items())) or "none"
