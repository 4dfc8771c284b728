"""The Markdown diff: the change review to paste into a pull request, ticket or runbook log.

Everything the terminal view shortens is listed in full here (every path change with its
verdict and reasons, every coverage change). Rows are computed in this module and the template
only lays them out; the shared environment's ``finalize`` Markdown-escapes every value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from vpcaudit.change.model import Outcome
from vpcaudit.engine.diff import AuditDiff, CoverageChange, PathChange
from vpcaudit.engine.rule import Finding
from vpcaudit.render.base import Formatter
from vpcaudit.render.diff import labels as label
from vpcaudit.render.env import environment


@dataclass(frozen=True, slots=True)
class FindingRow:
    severity: str
    status: str
    rule: str
    vpc: str
    resource: str
    message: str
    fingerprint: str


@dataclass(frozen=True, slots=True)
class PathRow:
    verdict: str
    where: str  # account/region vpc
    subnet: str
    destination: str
    before: str
    after: str
    reasons: str


@dataclass(frozen=True, slots=True)
class PlannedRow:
    address: str
    resource_type: str
    action: str
    outcome: str
    where: str
    detail: str  # the ids it has in the snapshot, or why it was not applied


@dataclass(frozen=True, slots=True)
class CoverageRow:
    rule: str
    where: str
    before: str
    after: str
    detail: str


def render_diff_markdown(d: AuditDiff) -> str:
    fixed, data = label.cost_change(d.cost_before, d.cost_after)
    before, after = label.compared_sides(d)
    return environment().get_template("diff.md.j2").render(
        d=d, headline=label.headline(d), counts=d.counts(), not_compared=label.not_compared(d),
        before=before, after=after, planned=_planned(d),
        applied=label.applied_summary(d.plan) if d.plan is not None else "",
        compared=label.regions(d.compared), options=sorted(d.options.items()),
        new=_findings(d.new), resolved=_findings(d.resolved), changed=[
            FindingRow(label.severity_change(c), label.status_change(c), f"{c.after.rule_id} {c.after.rule_name}",
                       c.after.resource.vpc_id or "—", label.resource_label(c.after), c.after.message,
                       c.after.fingerprint) for c in d.changed],
        paths=[_path(c) for c in d.paths],
        coverage=[_coverage(c) for c in d.coverage],
        parts=[label.part_change(p) for p in d.parts],
        unevaluated=_findings(d.newly_unevaluated), not_rechecked=_findings(d.not_rechecked),
        no_baseline=_findings(d.no_baseline), cost_fixed=fixed, cost_data=data)


def _findings(findings: Iterable[Finding]) -> list[FindingRow]:
    return [FindingRow(f.severity.value, f.status.value, f"{f.rule_id} {f.rule_name}", f.resource.vpc_id or "—",
                       label.resource_label(f), f.message, f.fingerprint) for f in findings]


def _path(c: PathChange) -> PathRow:
    p = c.after
    return PathRow(c.verdict, f"{p.account_id}/{p.region} {p.vpc_id}",
                   f"{label.subnet_label(p)}, {p.availability_zone_id}", p.destination, label.path_end(c.before),
                   label.path_end(p), "; ".join(c.reasons))


def _planned(d: AuditDiff) -> list[PlannedRow]:
    """Every resource the plan changes or reads: what was not applied first, then what was."""
    if d.plan is None:
        return []
    order = {o: n for n, o in enumerate((Outcome.NOT_MODELLED, Outcome.OUT_OF_SCOPE, Outcome.DATA_SOURCE,
                                         Outcome.NOT_AUDITED, Outcome.APPLIED))}
    rows = sorted(d.plan.resources, key=lambda p: (order[p.outcome], p.address))
    return [PlannedRow(p.address, p.resource_type, p.action, p.outcome.value.replace("_", " "),
                       f"{p.account_id}/{p.region}" if p.account_id else "—",
                       ", ".join(p.resource_ids) if p.outcome is Outcome.APPLIED and not p.detail else p.detail)
            for p in rows]


def _coverage(c: CoverageChange) -> CoverageRow:
    return CoverageRow(c.rule_id, f"{c.account_id}/{c.region}", c.before.value, c.after.value, c.detail)


FORMATTER: Formatter[AuditDiff] = Formatter("md", "diff.md", render_diff_markdown)
