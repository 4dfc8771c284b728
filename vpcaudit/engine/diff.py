"""Compare two audits of the same estate: what got worse between a before and an after snapshot.

This is the pre-change check of a runbook: snapshot, change, snapshot, and ask "did we break
or weaken anything?". Findings are matched by fingerprint; traffic paths by (account, region,
subnet, destination). The honesty rules of the runner carry over to the comparison:

* a finding is **resolved** only if its rule was evaluated in that scope after the change;
  when it could not be (a part became denied, the rule errored) the finding is *not rechecked*,
  never "fixed" — and symmetrically a finding in a scope the before audit could not evaluate has
  *no baseline*, so it is not called new;
* traffic paths are compared only where the parts they are computed from were collected alike
  on both sides — a route table listing that became denied must not read as "path → none";
* only (account, region) pairs present in both snapshots are compared; the rest is listed.

Pure: two audited snapshots in, an :class:`AuditDiff` out. The snapshots are needed beside the
results for two facts results do not carry: which parts were collected, and where traffic to a
destination one side no longer lists (an interface endpoint was deleted) goes now.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from vpcaudit import __version__
from vpcaudit.change.model import PlanFacts
from vpcaudit.engine.result import AuditResult, Outcome, RuleInfo, ScopeResult
from vpcaudit.engine.rule import Finding, Severity, Status
from vpcaudit.engine.unresolved import judge_paths
from vpcaudit.facts.costs import CostLine
from vpcaudit.network.paths import PATH_PARTS, TrafficPath, path_for
from vpcaudit.network.view import NetworkView
from vpcaudit.snapshot.model import GLOBAL_REGION, Part, ScopeStatus, Snapshot, State

# 1.1: cost totals carry their currency; 1.2: rules, plan (vpcaudit plan); 1.3: findings carry `group`;
# 1.4: warnings
DIFF_SCHEMA_VERSION = "1.4"

# Paths are compared only where their inputs (network.paths.PATH_PARTS) were collected alike on
# both sides: otherwise a path difference says more about the collection than about the network.
UNEVALUATED = frozenset({Status.NOT_EVALUATED, Status.ERROR})
ENDPOINT_KINDS = frozenset({"gateway-endpoint", "interface-endpoint"})
BROKEN_KINDS = frozenset({"none", "ambiguous", "split"})
INTERNET = "internet"


@dataclass(frozen=True)
class Audited:
    """A snapshot and the audit of it; both sides of a diff must come from one plan (same rules)."""

    snapshot: Snapshot
    result: AuditResult


@dataclass(frozen=True, slots=True, order=True)
class RegionRef:
    account_id: str
    region: str  # "global" for account-wide parts

    def __str__(self) -> str:
        return f"{self.account_id}/{self.region}"


@dataclass(frozen=True, slots=True)
class Side:
    """What one snapshot covered: shown so a reader knows which two moments are compared."""

    snapshot_taken_at: str
    regions: tuple[RegionRef, ...]


@dataclass(frozen=True, slots=True)
class FindingChange:
    """The same finding (fingerprint) with another severity or status, e.g. suppressed → fail."""

    before: Finding
    after: Finding


@dataclass(frozen=True, slots=True)
class PathChange:
    """Traffic from one subnet to one destination that goes elsewhere after the change."""

    before: TrafficPath
    after: TrafficPath
    verdict: str  # worse | better | changed
    reasons: tuple[str, ...]  # why worse / better, e.g. "lost gateway-endpoint vpce-1"


@dataclass(frozen=True, slots=True)
class CoverageChange:
    """A rule that judged a scope on one side only (a part became denied or collected, a rule errored)."""

    rule_id: str
    account_id: str
    region: str
    before: Outcome
    after: Outcome
    detail: str  # why the unevaluated side was not evaluated

    @property
    def lost(self) -> bool:
        return not self.after.judged


@dataclass(frozen=True, slots=True)
class PartChange:
    """A snapshot part collected on one side and not the other."""

    account_id: str
    region: str
    part: Part
    before: State
    after: State
    error_code: str | None = None  # of the side that was not collected

    @property
    def lost(self) -> bool:
        return self.before is State.OK


MIXED = "mixed"


@dataclass(frozen=True, slots=True)
class CostTotals:
    """Monthly cost lines summed over the compared regions; data only where metrics were collected."""

    fixed_usd: float
    data_usd: float | None
    currency: str = "USD"  # of both amounts; MIXED when the regions' price tables differ (no sum then)


@dataclass(frozen=True, slots=True)
class AuditDiff:
    schema_version: str
    tool_version: str
    generated_at: str
    fail_on: Severity  # the threshold that makes a finding "newly failing"
    before: Side
    after: Side
    compared: tuple[RegionRef, ...]
    only_before: tuple[RegionRef, ...]  # not compared: missing from the after snapshot
    only_after: tuple[RegionRef, ...]
    new: tuple[Finding, ...]
    resolved: tuple[Finding, ...]
    changed: tuple[FindingChange, ...]
    unchanged: int
    not_rechecked: tuple[Finding, ...]  # before findings whose rule could not judge their scope after
    no_baseline: tuple[Finding, ...]  # after findings whose rule could not judge their scope before
    paths: tuple[PathChange, ...]
    paths_not_compared: tuple[RegionRef, ...]  # path inputs collected on one side only (see parts)
    coverage: tuple[CoverageChange, ...]
    parts: tuple[PartChange, ...]
    cost_before: CostTotals
    cost_after: CostTotals
    options: dict[str, str] = field(default_factory=dict)
    rules: tuple[RuleInfo, ...] = ()  # the rules both sides ran, for formats that describe them (SARIF)
    # vpcaudit plan: the after side is a prediction; what the plan held and what could not be applied.
    plan: PlanFacts | None = None
    warnings: tuple[str, ...] = ()  # about the inputs themselves, e.g. a before newer than the after

    @property
    def newly_failing(self) -> tuple[Finding, ...]:
        """Failing at or above ``fail_on`` after and not before: new, or changed into it
        (suppressed → fail, medium → high). What exit code 1 counts."""
        gated = tuple(f for f in self.new if self._gates(f))
        return gated + tuple(c.after for c in self.changed if self._gates(c.after) and not self._gates(c.before))

    @property
    def worse_paths(self) -> tuple[PathChange, ...]:
        return tuple(p for p in self.paths if p.verdict == "worse")

    @property
    def lost_scopes(self) -> tuple[CoverageChange, ...]:
        return tuple(c for c in self.coverage if c.lost)

    @property
    def newly_unevaluated(self) -> tuple[Finding, ...]:
        """Findings that could not be judged (or errored) after but were judged before, or did not exist."""
        return tuple(f for f in self.new if f.status in UNEVALUATED) + tuple(
            c.after for c in self.changed if c.after.status in UNEVALUATED and c.before.status not in UNEVALUATED)

    @property
    def path_inputs_lost(self) -> tuple[RegionRef, ...]:
        """Regions whose paths were not compared because a path input was collected before only."""
        lost = {RegionRef(p.account_id, p.region) for p in self.parts if p.lost and p.part in PATH_PARTS}
        return tuple(r for r in self.paths_not_compared if r in lost)

    @property
    def coverage_worse(self) -> bool:
        """The after audit saw less than the before audit: what ``--strict`` turns into exit 3.
        For a plan, changes that could not be modelled or placed were not judged either."""
        return bool(self.lost_scopes or self.newly_unevaluated or self.only_before or self.path_inputs_lost
                    or (self.plan is not None and self.plan.unjudged))

    def counts(self) -> dict[str, int]:
        """The headline numbers, for the JSON summary and the terminal verdict."""
        return {
            "new": len(self.new), "newly_failing": len(self.newly_failing), "resolved": len(self.resolved),
            "changed": len(self.changed), "unchanged": self.unchanged, "not_rechecked": len(self.not_rechecked),
            "no_baseline": len(self.no_baseline), "worse_paths": len(self.worse_paths),
            "better_paths": sum(1 for p in self.paths if p.verdict == "better"),
            "changed_paths": sum(1 for p in self.paths if p.verdict == "changed"),
            "lost_scopes": len(self.lost_scopes),
            "regained_scopes": sum(1 for c in self.coverage if not c.lost),
            "newly_unevaluated": len(self.newly_unevaluated),
            **({f"plan_{k}": v for k, v in self.plan.counts().items()} if self.plan is not None else {}),
        }

    def _gates(self, f: Finding) -> bool:
        return f.status is Status.FAIL and f.severity.at_least(self.fail_on)


def comparable(before: Snapshot, after: Snapshot) -> frozenset[RegionRef]:
    """The (account, region) pairs both snapshots hold: all a diff can compare."""
    return _regions(before) & _regions(after)


def diff(before: Audited, after: Audited, fail_on: Severity = Severity.HIGH) -> AuditDiff:
    """Compare two audits of the same plan; only regions present in both snapshots are compared."""
    regions_before, regions_after = _regions(before.snapshot), _regions(after.snapshot)
    compared = comparable(before.snapshot, after.snapshot)
    parts = _part_changes(before.snapshot, after.snapshot, compared)
    blind = frozenset(RegionRef(p.account_id, p.region) for p in parts if p.part in PATH_PARTS)
    findings = _compare_findings(before.result, after.result, compared)
    return AuditDiff(
        schema_version=DIFF_SCHEMA_VERSION,
        tool_version=__version__,
        generated_at=after.result.generated_at,
        fail_on=fail_on,
        before=Side(before.snapshot.taken_at, tuple(sorted(regions_before))),
        after=Side(after.snapshot.taken_at, tuple(sorted(regions_after))),
        compared=tuple(sorted(compared)),
        only_before=tuple(sorted(regions_before - regions_after)),
        only_after=tuple(sorted(regions_after - regions_before)),
        new=findings.new,
        resolved=findings.resolved,
        changed=findings.changed,
        unchanged=findings.unchanged,
        not_rechecked=findings.not_rechecked,
        no_baseline=findings.no_baseline,
        paths=_path_changes(before, after, compared - blind),
        paths_not_compared=tuple(sorted(blind)),
        coverage=_coverage_changes(before.result.scopes, after.result.scopes, compared),
        parts=parts,
        cost_before=_cost(before.result.costs, compared),
        cost_after=_cost(after.result.costs, compared),
        options=dict(after.result.options),
        rules=after.result.rules,
        warnings=_order_warnings(before.snapshot, after.snapshot),
    )


def _order_warnings(before: Snapshot, after: Snapshot) -> tuple[str, ...]:
    """A before snapshot taken after the after snapshot: the files are probably swapped, which
    turns every regression into an improvement. Unreadable timestamps prove nothing: no warning."""
    taken = [_instant(s.taken_at) for s in (before, after)]
    if taken[0] is None or taken[1] is None or taken[0] <= taken[1]:
        return ()
    return (f"the before snapshot (taken {before.taken_at}) is newer than the after snapshot (taken "
            f"{after.taken_at}): are the two files swapped?",)


def _instant(text: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _regions(snapshot: Snapshot) -> frozenset[RegionRef]:
    return frozenset(RegionRef(a.account_id, r.region) for a in snapshot.accounts for r in a.regions)


def _where(f: Finding) -> RegionRef:
    return RegionRef(f.resource.account_id, f.resource.region)


def _outcomes(scopes: Iterable[ScopeResult]) -> dict[tuple[str, str, str], Outcome]:
    return {(s.rule_id, s.account_id, s.region): s.outcome for s in scopes}


class _FindingSets(NamedTuple):
    new: tuple[Finding, ...]
    no_baseline: tuple[Finding, ...]
    resolved: tuple[Finding, ...]
    not_rechecked: tuple[Finding, ...]
    changed: tuple[FindingChange, ...]
    unchanged: int


def _compare_findings(before: AuditResult, after: AuditResult, compared: frozenset[RegionRef]) -> _FindingSets:
    judged_before, judged_after = _outcomes(before.scopes), _outcomes(after.scopes)

    def judged(outcomes: Mapping[tuple[str, str, str], Outcome], f: Finding) -> bool:
        outcome = outcomes.get((f.rule_id, f.resource.account_id, f.resource.region))
        return outcome is not None and outcome.judged

    old = {f.fingerprint: f for f in before.findings if _where(f) in compared}
    now = {f.fingerprint: f for f in after.findings if _where(f) in compared}
    added = [f for key, f in now.items() if key not in old]
    gone = [f for key, f in old.items() if key not in now]
    both = [(old[key], f) for key, f in now.items() if key in old]
    return _FindingSets(
        new=tuple(f for f in added if judged(judged_before, f)),
        no_baseline=tuple(f for f in added if not judged(judged_before, f)),
        resolved=tuple(f for f in gone if judged(judged_after, f)),
        not_rechecked=tuple(f for f in gone if not judged(judged_after, f)),
        changed=tuple(FindingChange(b, a) for b, a in both if (b.severity, b.status) != (a.severity, a.status)),
        unchanged=sum(1 for b, a in both if (b.severity, b.status) == (a.severity, a.status)),
    )


def _coverage_changes(before: Iterable[ScopeResult], after: Iterable[ScopeResult],
                      compared: frozenset[RegionRef]) -> tuple[CoverageChange, ...]:
    old = {(s.rule_id, s.account_id, s.region): s for s in before if RegionRef(s.account_id, s.region) in compared}
    out = []
    for s in after:
        prior = old.get((s.rule_id, s.account_id, s.region))
        if prior is None or prior.outcome.judged == s.outcome.judged:
            continue
        detail = prior.detail if s.outcome.judged else s.detail
        out.append(CoverageChange(s.rule_id, s.account_id, s.region, prior.outcome, s.outcome, detail))
    return tuple(sorted(out, key=lambda c: (not c.lost, c.account_id, c.region, c.rule_id)))


def _part_changes(before: Snapshot, after: Snapshot, compared: frozenset[RegionRef]) -> tuple[PartChange, ...]:
    out = []
    for ref in sorted(compared):
        old_account, new_account = before.account(ref.account_id), after.account(ref.account_id)
        assert old_account is not None and new_account is not None  # compared regions exist on both sides
        old_region, new_region = old_account.region(ref.region), new_account.region(ref.region)
        assert old_region is not None and new_region is not None
        for part in Part:
            if not part.is_global:
                out.extend(_part_change(ref, part, old_region.state_of(part), new_region.state_of(part)))
    for account_id in sorted({ref.account_id for ref in compared}):
        old_account, new_account = before.account(account_id), after.account(account_id)
        assert old_account is not None and new_account is not None
        for part in Part:
            if part.is_global:
                out.extend(_part_change(RegionRef(account_id, GLOBAL_REGION), part, old_account.state_of(part),
                                        new_account.state_of(part)))
    return tuple(out)


def _part_change(ref: RegionRef, part: Part, old: ScopeStatus, new: ScopeStatus) -> list[PartChange]:
    if (old.state is State.OK) == (new.state is State.OK):
        return []
    missing = new if old.state is State.OK else old
    return [PartChange(ref.account_id, ref.region, part, old.state, new.state,
                       missing.error_code)]


PathKey = tuple[str, str, str, str]  # (account, region, subnet id, destination)


def _path_key(p: TrafficPath) -> PathKey:
    return (p.account_id, p.region, p.subnet_id, p.destination)


def _path_changes(before: Audited, after: Audited, regions: frozenset[RegionRef]) -> tuple[PathChange, ...]:
    old = {_path_key(p): p for p in before.result.paths if RegionRef(p.account_id, p.region) in regions}
    now = {_path_key(p): p for p in after.result.paths if RegionRef(p.account_id, p.region) in regions}
    # Subnets on both sides: a created or deleted subnet's paths did not change, they began or ended.
    subnets = {k[:3] for k in old} & {k[:3] for k in now}
    old_views: dict[tuple[str, str], NetworkView] = {}
    now_views: dict[tuple[str, str], NetworkView] = {}
    out = []
    for key in sorted(set(old) | set(now)):
        if key[:3] not in subnets:
            continue
        a = old.get(key) or _path_in(before.snapshot, key, old_views)
        b = now.get(key) or _path_in(after.snapshot, key, now_views)
        if (a.kind, a.target_id, a.cross_az) == (b.kind, b.target_id, b.cross_az):
            continue
        verdict, reasons = classify(a, b)
        out.append(PathChange(a, b, verdict, reasons))
    order = {"worse": 0, "better": 1, "changed": 2}
    return tuple(sorted(out, key=lambda c: (order[c.verdict], _path_key(c.after))))


def _path_in(snapshot: Snapshot, key: PathKey, views: dict[tuple[str, str], NetworkView]) -> TrafficPath:
    """The path to a destination this side's matrix does not list (e.g. the interface endpoint
    that made it a destination is gone): computed the way the matrix computes every path."""
    account_id, region, subnet_id, destination = key
    if (account_id, region) not in views:
        account = snapshot.account(account_id)
        assert account is not None
        region_snapshot = account.region(region)
        assert region_snapshot is not None
        views[(account_id, region)] = NetworkView.build(account, region_snapshot)
    view = views[(account_id, region)]
    return judge_paths(view, [path_for(view, view.subnets[subnet_id], destination)])[0]


def classify(before: TrafficPath, after: TrafficPath) -> tuple[str, tuple[str, ...]]:
    """worse / better / changed, with the reasons.

    Worse: lost an endpoint, AWS-service traffic now through NAT (paid per GB), now crossing
    AZs, or now going nowhere / ambiguous / split. Better: the reverse. Worse wins over better
    (a reviewer looks at it); NAT for the ``internet`` destination is how egress works, not a
    regression. A side that could not be resolved (``unknown``) is only *changed*.
    """
    if "unknown" in (before.kind, after.kind):
        return "changed", (f"cannot be resolved {'before' if before.kind == 'unknown' else 'after'}: "
                           f"{(before if before.kind == 'unknown' else after).detail}",)
    worse: list[str] = []
    better: list[str] = []
    if before.kind in ENDPOINT_KINDS and after.kind not in ENDPOINT_KINDS:
        worse.append(f"lost {before.kind} {before.target_id}")
    elif after.kind in ENDPOINT_KINDS and before.kind not in ENDPOINT_KINDS:
        better.append(f"now through {after.kind} {after.target_id}")
    if after.destination != INTERNET and after.via_nat and not before.via_nat:
        worse.append(f"{after.destination} traffic now through NAT {after.target_id} (data processing per GB)")
    if after.cross_az and not before.cross_az:
        worse.append("now crosses AZs (data transfer per GB, depends on another AZ)")
    elif before.cross_az and not after.cross_az:
        better.append("no longer crosses AZs")
    if after.kind in BROKEN_KINDS and before.kind not in BROKEN_KINDS:
        worse.append(f"now {after.kind}" + (f": {after.detail}" if after.detail else ""))
    elif before.kind in BROKEN_KINDS and after.kind not in BROKEN_KINDS:
        better.append(f"no longer {before.kind}")
    if worse:
        return "worse", tuple(worse + better)
    if better:
        return "better", tuple(better)
    return "changed", ()


def _cost(lines: Iterable[CostLine], compared: frozenset[RegionRef]) -> CostTotals:
    picked = [c for c in lines if RegionRef(c.account_id, c.region) in compared]
    currencies = {c.currency for c in picked}
    if len(currencies) > 1:
        return CostTotals(0.0, None, MIXED)
    data = [c.monthly_data_usd for c in picked if c.monthly_data_usd is not None]
    return CostTotals(round(sum(c.monthly_fixed_usd for c in picked), 2), round(sum(data), 2) if data else None,
                      next(iter(currencies), "USD"))
