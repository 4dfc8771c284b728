"""How the diff outputs name things: one wording for the terminal table and the Markdown report.

Raw text only; each output makes it safe its own way (``terminal_safe`` for the terminal, the
Markdown environment's ``finalize`` for Markdown).
"""

from __future__ import annotations

from collections.abc import Iterable

from vpcaudit.change.model import Outcome, PlanFacts, PlannedResource
from vpcaudit.engine.diff import MIXED, AuditDiff, CostTotals, FindingChange, PartChange, RegionRef
from vpcaudit.engine.rule import Finding
from vpcaudit.network.paths import TrafficPath
from vpcaudit.render.text import money


def resource_label(f: Finding) -> str:
    res = f.resource
    return f"{res.resource_id} ({res.name})" if res.name else res.resource_id


def subnet_label(p: TrafficPath) -> str:
    return f"{p.subnet_id} ({p.subnet_name})" if p.subnet_name else p.subnet_id


def path_end(p: TrafficPath) -> str:
    """Where the traffic goes: kind, target, and whether it crosses AZs."""
    text = f"{p.kind} {p.target_id}" if p.target_id else p.kind
    return f"{text}, cross-AZ" if p.cross_az else text


def severity_change(c: FindingChange) -> str:
    b, a = c.before.severity.value, c.after.severity.value
    return a if a == b else f"{b} → {a}"


def status_change(c: FindingChange) -> str:
    b, a = c.before.status.value, c.after.status.value
    return a if a == b else f"{b} → {a}"


def regions(refs: Iterable[RegionRef]) -> str:
    return ", ".join(str(r) for r in refs) or "none"


def part_change(p: PartChange) -> str:
    code = f" ({p.error_code})" if p.error_code else ""
    return f"{p.account_id}/{p.region} {p.part.value}: {p.before.value} → {p.after.value}{code}"


def cost_change(before: CostTotals, after: CostTotals) -> tuple[str, str]:
    """(fixed, data) as 'before → after (delta)'; data shows an em dash where it was not measured.
    Amounts in different currencies (another price table after the change) are not compared."""
    if MIXED in (before.currency, after.currency) or before.currency != after.currency:
        text = f"not compared: prices in {before.currency} before and {after.currency} after"
        return text, text
    unit = before.currency
    fixed = (f"{money(before.fixed_usd, unit)} → {money(after.fixed_usd, unit)} "
             f"({_signed(after.fixed_usd - before.fixed_usd, unit)})")
    data = f"{money(before.data_usd, unit)} → {money(after.data_usd, unit)}"
    if before.data_usd is not None and after.data_usd is not None:
        data += f" ({_signed(after.data_usd - before.data_usd, unit)})"
    return fixed, data


def _signed(amount: float, currency: str) -> str:
    return f"{'+' if amount >= 0 else '-'}{money(abs(amount), currency)}"


def headline(d: AuditDiff) -> str:
    """One sentence: what got worse, in the terms of the exit code."""
    if d.plan is not None and not d.plan.network_change:
        return "no network change"
    worse = []
    gating = len(d.newly_failing)
    if gating:
        worse.append(f"{gating} newly failing finding(s) at or above {d.fail_on.value}")
    if d.worse_paths:
        worse.append(f"{len(d.worse_paths)} traffic path(s) got worse")
    if d.coverage_worse:
        worse.append("the after audit saw less (coverage got worse)")
    return "; ".join(worse) if worse else f"nothing got worse at or above {d.fail_on.value}"


def not_compared(d: AuditDiff) -> list[str]:
    """What the comparison left out, each a phrase shown under a "Not compared" heading: regions on
    one side only, regions whose traffic paths could not be compared."""
    lines = []
    if d.only_before:
        lines.append(f"only in before (counts as lost coverage): {regions(d.only_before)}")
    if d.only_after:
        lines.append(f"only in after: {regions(d.only_after)}")
    if d.paths_not_compared:
        lines.append(f"traffic paths where their inputs were collected on one side only: "
                     f"{regions(d.paths_not_compared)}")
    return lines


def compared_sides(d: AuditDiff) -> tuple[str, str]:
    """What the before and after sides are: two snapshots, or a snapshot and a plan applied to it."""
    before = f"snapshot taken {d.before.snapshot_taken_at}"
    if d.plan is None:
        return before, f"snapshot taken {d.after.snapshot_taken_at}"
    return before, f"predicted: {d.plan.source} applied to that snapshot"


# How each outcome reads in a report, in the order they are listed.
OUTCOME_LABELS: dict[Outcome, str] = {
    Outcome.NOT_MODELLED: "not modelled (not judged: counts as lost coverage)",
    Outcome.OUT_OF_SCOPE: "outside the snapshot (not judged: counts as lost coverage)",
    Outcome.DATA_SOURCE: "data sources (read, never applied)",
    Outcome.NOT_AUDITED: "not audited (nothing vpcaudit collects depends on them)",
}


def planned(p: PlannedResource) -> str:
    """``address (action)``, and why when it was not applied."""
    text = f"{p.address} ({p.action})"
    return f"{text}: {p.detail}" if p.detail and p.outcome is not Outcome.APPLIED else text


def applied_summary(plan: PlanFacts) -> str:
    applied = plan.with_outcome(Outcome.APPLIED)
    actions = {a: sum(1 for p in applied if p.action == a) for a in ("create", "update", "replace", "delete")}
    detail = ", ".join(f"{a} {n}" for a, n in actions.items() if n)
    return (f"{len(applied)} resource change(s) applied" + (f" ({detail})" if detail else "")
            + f"; {plan.unchanged} resource(s) unchanged")
