"""The remediation plan: the fix steps of the selected failing findings, merged and safely ordered.

Pure (an AuditResult in, a FixPlan out), so every face writes the same plan and a test can
check its order without reading shell. What it decides:

* **which findings**: failing ones only (a suppressed finding is an accepted risk), filtered by
  rule selectors and a minimum severity the way ``audit`` filters;
* **one step per change**: two findings asking for the same call (SG001 and SG002 revoking the
  same open rule, NAT002 and NAT003 creating the same AZ's NAT gateway) get one step that names
  both; if either copy needs a decision, the merged step does;
* **groups** per account and Region, because credentials and endpoints are per account and
  Region;
* **order**: create, associate, modify, delete (:class:`~vpcaudit.engine.remedy.Phase`), keeping
  the rules' own order inside a phase; a step that uses an id created by a step that needs a
  decision needs a decision too, since that id will not exist.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from vpcaudit.engine.remedy import FixStep, labels_used
from vpcaudit.engine.result import AuditResult
from vpcaudit.engine.rule import Finding, Severity, Status
from vpcaudit.engine.select import check_selectors, split_selectors


@dataclass(frozen=True, slots=True)
class PlannedStep:
    step: FixStep
    findings: tuple[Finding, ...]  # the findings this step (helps to) fix, at least one


@dataclass(frozen=True, slots=True)
class PlanGroup:
    account_id: str
    region: str
    steps: tuple[PlannedStep, ...]  # in the order they must run


@dataclass(frozen=True, slots=True)
class FixPlan:
    tool_version: str
    snapshot_taken_at: str
    generated_at: str  # of the audit result the plan was built from
    selection: tuple[tuple[str, str], ...]  # what was asked for, echoed in the plan's header
    groups: tuple[PlanGroup, ...]
    without_fix: tuple[Finding, ...]  # selected failing findings no step addresses

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every selected failing finding with at least one step, in audit order."""
        seen: dict[str, Finding] = {}
        for group in self.groups:
            for planned in group.steps:
                for f in planned.findings:
                    seen.setdefault(f.fingerprint, f)
        return tuple(seen.values())

    def fixed_without_decision(self) -> tuple[Finding, ...]:
        """Findings whose every step is ready to run: the plan alone fixes them."""
        blocked = {f.fingerprint for g in self.groups for p in g.steps if not p.step.ready for f in p.findings}
        return tuple(f for f in self.findings if f.fingerprint not in blocked)


def build_plan(result: AuditResult, *, select: Iterable[str] | None = None,
               min_severity: Severity | None = None) -> FixPlan:
    """The plan for ``result``'s failing findings matching ``select`` (rule ids or prefixes) and
    at or above ``min_severity``. Raises :class:`~vpcaudit.errors.UsageError` (setting ``select``)
    for a selector matching no rule."""
    chosen = split_selectors(select)
    check_selectors(chosen, [*result.rules, *_rules_of(result.findings)], "select")  # type: ignore[list-item]
    picked = [f for f in result.findings if f.status is Status.FAIL
              and (not chosen or any(f.rule_id.startswith(s) for s in chosen))
              and (min_severity is None or f.severity.at_least(min_severity))]
    scopes = sorted({(f.resource.account_id, f.resource.region) for f in picked})
    groups = tuple(g for g in (_group(a, r, [f for f in picked if (f.resource.account_id, f.resource.region)
                                             == (a, r)]) for a, r in scopes) if g.steps)
    echo = (("select", ",".join(chosen) or "all rules"),
            ("min_severity", min_severity.value if min_severity else "any"))
    return FixPlan(result.tool_version, result.snapshot_taken_at, result.generated_at, echo, groups,
                   tuple(f for f in picked if not f.fix))


@dataclass(frozen=True, slots=True)
class _RuleId:
    id: str


def _rules_of(findings: Iterable[Finding]) -> list[_RuleId]:
    """Rules a finding names: a selector matching them is valid even if the result lacks their metadata."""
    return [_RuleId(i) for i in sorted({f.rule_id for f in findings})]


def _group(account_id: str, region: str, findings: list[Finding]) -> PlanGroup:
    merged: dict[str, tuple[FixStep, list[Finding]]] = {}
    for finding in findings:
        for fix in finding.fix:
            if fix.key in merged:
                kept, owners = merged[fix.key]
                if kept.ready and not fix.ready:
                    merged[fix.key] = (fix, owners)
                if finding not in owners:
                    owners.append(finding)
            else:
                merged[fix.key] = (fix, [finding])
    ordered = sorted(enumerate(merged.values()), key=lambda item: (item[1][0].phase.order, item[0]))
    blocked: dict[str, str] = {}  # label of a new resource whose creation needs a decision → why
    steps = []
    for _, (fix, owners) in ordered:
        waits = [label for label in labels_used(fix) if label in blocked]
        if fix.ready and waits:
            fix = dataclasses.replace(fix, decision=f"it uses the id of {waits[0]}, whose creation needs a decision")
        if fix.creates and not fix.ready:
            blocked[fix.creates] = fix.decision or ""
        steps.append(PlannedStep(fix, tuple(owners)))
    return PlanGroup(account_id, region, tuple(steps))
