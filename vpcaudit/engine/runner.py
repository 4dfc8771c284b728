"""Run selected rules over every (account, region) of a snapshot and build the AuditResult.

The runner is where the audit's honesty rules live:

* a rule whose ``needs`` were not collected for a scope is **not evaluated** there (with the
  parts, states and error codes that stopped it) and is never run — so it cannot pass by
  seeing empty lists;
* a rule that raises becomes an **error** for that scope, with the exception text, and the
  audit goes on with the next rule;
* in a planned snapshot, what depends on a value known only after apply is not evaluated
  (:mod:`vpcaudit.engine.unresolved`), never judged on a guess;
* severity overrides, suppressions and ``--min-severity`` are applied here, once and in that
  order, so every formatter and the exit code see the same findings at the same severity.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from vpcaudit import __version__
from vpcaudit.engine.context import RuleContext
from vpcaudit.engine.parallel import fork_map
from vpcaudit.engine.result import AuditResult, Outcome, RuleInfo, ScopeResult
from vpcaudit.engine.rule import Finding, FindingGroup, ResourceRef, Rule, Severity, Status
from vpcaudit.engine.severity import SeverityOverrides, apply_override, effective_severity
from vpcaudit.engine.shared import SharedFacts
from vpcaudit.engine.suppress import Suppression, apply_suppressions, expired_entries
from vpcaudit.engine.unresolved import judge_findings, judge_paths
from vpcaudit.facts.costs import CostLine, cost_lines
from vpcaudit.facts.summaries import VpcSummary, vpc_summaries
from vpcaudit.facts.topology import VpcTopology, vpc_topologies
from vpcaudit.network.dns import zones_held_elsewhere
from vpcaudit.network.paths import PathGap, TrafficPath, draws_paths, path_gaps
from vpcaudit.network.services import ServicePorts
from vpcaudit.network.trust import TrustBoundary
from vpcaudit.network.view import NetworkView
from vpcaudit.pricing import CostModel, Pricing
from vpcaudit.snapshot.bulk import pickled_as_arguments, without_cycle_collection
from vpcaudit.snapshot.model import AccountSnapshot, Part, RegionSnapshot, Snapshot, State
from vpcaudit.snapshot.shard import ACCOUNT_REGIONS

RESULT_SCHEMA_VERSION = "1.3"  # 1.1: path_gaps; 1.2: rule controls, severity overrides, currencies, prices; 1.3: groups

# Below this many (account, Region) scopes an audit takes well under a second: not worth a fork.
PARALLEL_MIN_SCOPES = 64


@dataclass(frozen=True)
class RunSettings:
    """Everything besides the snapshot and the rules that shapes one audit."""

    pricing: Pricing = field(default_factory=Pricing)  # the price table plus a pricing file's overrides
    min_severity: Severity | None = None
    suppressions: tuple[Suppression, ...] = ()
    packs: Mapping[str, str] = field(default_factory=dict)  # rule id → pack name
    pack_versions: Mapping[str, str] = field(default_factory=dict)  # pack name → version
    options: Mapping[str, str] = field(default_factory=dict)  # echoed into the result
    severity_overrides: SeverityOverrides = field(default_factory=dict)  # rule id → configured severity
    now: dt.datetime | None = None  # fixed in golden tests; the wall clock otherwise
    trust: TrustBoundary = field(default_factory=TrustBoundary)  # empty: any concrete scoping value counts
    # PrivateLink service name → the ports the user says it listens on (it publishes none): the
    # network view gives them to that service's endpoints.
    service_ports: ServicePorts = field(default_factory=dict)
    # Processes auditing (account, Region) scopes at once; None: every CPU for an audit of at
    # least PARALLEL_MIN_SCOPES scopes, one otherwise (forking costs more than a small audit).
    workers: int | None = None


def run(snapshot: Snapshot, rules: Iterable[Rule], settings: RunSettings | None = None) -> AuditResult:
    """Audit ``snapshot`` with ``rules``; never raises because of a rule.

    One (account, Region) at a time: its network view, rules, traffic paths and report facts,
    of which only the outcome is kept, so the audit holds the snapshot, the result and one
    Region's working state — never every view at once.
    """
    cfg = settings or RunSettings()
    now = cfg.now or dt.datetime.now(dt.timezone.utc)
    selected = tuple(sorted(rules, key=lambda x: x.id))
    shared = SharedFacts(snapshot)
    scopes = [(account, region) for account in snapshot.accounts for region in account.regions]

    named: set[str] = set()  # groups this process returned already (every scope names its Region's)

    def audit_region(scope: tuple[AccountSnapshot, RegionSnapshot]) -> RegionAudit:
        part = audit_scope(snapshot, *scope, selected, cfg, shared, now.date())
        fresh = tuple(g for g in part.groups if g.group_id not in named)
        named.update(g.group_id for g in fresh)
        return dataclasses.replace(part, groups=fresh)

    with without_cycle_collection():
        parts = fork_map(audit_region, scopes, worker_count(cfg.workers, len(scopes)))
    return dataclasses.replace(
        result_header(snapshot, selected, cfg, now),
        findings=tuple(sorted((f for part in parts for f in part.findings), key=finding_order)),
        scopes=tuple(sorted((s for part in parts for s in part.scopes), key=scope_order)),
        vpcs=tuple(sorted((v for part in parts for v in part.vpcs), key=vpc_order)),
        paths=tuple(p for part in parts for p in part.paths),
        costs=tuple(sorted((c for part in parts for c in part.costs), key=cost_order)),
        topology=tuple(t for part in parts for t in part.topology),
        path_gaps=tuple(g for part in parts for g in part.path_gaps),
        groups=merged_groups(parts),
    )


def result_header(snapshot: Snapshot, selected: tuple[Rule, ...], cfg: RunSettings, now: dt.datetime) -> AuditResult:
    """The result's fields that do not come from auditing the scopes; its long lists empty."""
    listed = ACCOUNT_REGIONS(snapshot)  # every account, a shard's snapshot too
    return AuditResult(
        schema_version=RESULT_SCHEMA_VERSION,
        tool_version=__version__,
        rule_packs={name: cfg.pack_versions.get(name, "unknown")
                    for name in sorted({cfg.packs.get(x.id, "unknown") for x in selected})},
        snapshot_taken_at=snapshot.taken_at,
        generated_at=now.replace(microsecond=0).isoformat(),
        accounts=tuple(sorted(account for account, _ in listed)),
        regions=tuple(sorted({region for _, regions in listed for region in regions})),
        rules=tuple(_info(x, cfg.packs.get(x.id, "unknown"), cfg.severity_overrides) for x in selected),
        findings=(),
        scopes=(),
        expired_suppressions=expired_entries(cfg.suppressions, now.date()),
        options=dict(cfg.options),
        prices=cfg.pricing.notes(region for _, regions in listed for region in regions),
    )


def merged_groups(parts: Iterable[RegionAudit]) -> tuple[FindingGroup, ...]:
    """Every group the parts name, once, by id (the first part's, where two name the same)."""
    return tuple(sorted({g.group_id: g for part in reversed(list(parts)) for g in part.groups}.values(),
                        key=lambda g: g.group_id))


def scope_order(s: ScopeResult) -> tuple[str, str, str]:
    return s.rule_id, s.account_id, s.region


def vpc_order(v: VpcSummary) -> tuple[str, str, str]:
    return v.account_id, v.region, v.vpc_id


def cost_order(c: CostLine) -> tuple[str, str, str, str, str]:
    return c.account_id, c.region, c.vpc_id, c.item, c.resource_id


@pickled_as_arguments
@dataclass(frozen=True, slots=True)
class RegionAudit:
    """What one (account, Region) contributes to the result."""

    scopes: tuple[ScopeResult, ...]
    findings: tuple[Finding, ...]
    vpcs: tuple[VpcSummary, ...]
    paths: tuple[TrafficPath, ...]
    costs: tuple[CostLine, ...]
    topology: tuple[VpcTopology, ...]
    path_gaps: tuple[PathGap, ...]
    groups: tuple[FindingGroup, ...]  # those not yet returned by an earlier scope of this process


def audit_scope(snapshot: Snapshot, account: AccountSnapshot, region: RegionSnapshot, rules: tuple[Rule, ...],
                  cfg: RunSettings, shared: SharedFacts, today: dt.date) -> RegionAudit:
    view = NetworkView.build(account, region, shared.get(zones_held_elsewhere).get((account.account_id, region.region)),
                             cfg.service_ports)
    cost = cfg.pricing.model(region.region)  # the Region's prices, for every rule and the cost table
    # Tags matter only to tag-based suppressions; reading every record's tags otherwise is waste.
    tags = _tags_by_resource(account.account_id, region) if any(s.tag for s in cfg.suppressions) else {}
    scopes: list[ScopeResult] = []
    findings: list[Finding] = []
    groups: dict[str, FindingGroup] = {}
    collected = collected_parts(account, region)
    for rule in rules:
        scope, found, named = _run_rule(rule, snapshot, account, region, view, cfg, cost, tags, today, shared,
                                        collected)
        scopes.append(scope)
        findings.extend(found)
        if named:  # a few rules name groups
            groups.update((g.group_id, g) for g in named if g.group_id not in groups)
    gaps = path_gaps(account.account_id, region)
    paths = judge_paths(view, view.traffic_paths()) if draws_paths(gaps) else []
    costs = cost_lines(view, cost)
    return RegionAudit(tuple(scopes), tuple(findings), tuple(vpc_summaries(account.account_id, region)),
                       tuple(paths), tuple(costs), tuple(vpc_topologies(view)), tuple(gaps), tuple(groups.values()))


def worker_count(asked: int | None, scopes: int) -> int:
    if asked is not None:
        return max(1, asked)
    return (os.cpu_count() or 1) if scopes >= PARALLEL_MIN_SCOPES else 1


def missing_parts(rule: Rule, account: AccountSnapshot, region: RegionSnapshot) -> str:
    """Why ``rule`` cannot run in this scope ("" when it can): each needed part not ``ok``."""
    problems = []
    for part in rule.needs:
        status = account.state_of(part) if part.is_global else region.state_of(part)
        if status.state is State.OK:
            continue
        code = f" ({status.error_code})" if status.error_code else ""
        problems.append(f"{part.value} {status.state.value}{code}")
    return f"not collected: {'; '.join(problems)}" if problems else ""


def collected_parts(account: AccountSnapshot, region: RegionSnapshot) -> frozenset[Part]:
    """The parts :func:`missing_parts` finds ``ok`` in this scope: read once per scope rather than
    once per rule and part, as most rules can run and need only this to know it. A part's first
    status rules, as ``state_of`` reads it."""
    regional: dict[Part, State] = {}
    for status in region.status:
        regional.setdefault(status.part, status.state)
    overall: dict[Part, State] = {}
    for status in account.status:
        overall.setdefault(status.part, status.state)
    return frozenset(p for p, state in regional.items() if state is State.OK and not p.is_global) | frozenset(
        p for p, state in overall.items() if state is State.OK and p.is_global)


def _run_rule(rule: Rule, snapshot: Snapshot, account: AccountSnapshot, region: RegionSnapshot,
              view: NetworkView, cfg: RunSettings, cost: CostModel,
              tags: Mapping[tuple[str, str, str], Mapping[str, str]], today: dt.date,
              shared: SharedFacts, collected: frozenset[Part]) -> tuple[ScopeResult, list[Finding], list[FindingGroup]]:
    """The rule's outcome in one scope, its findings, and the groups those findings refer to;
    ``collected``: the scope's :func:`collected_parts`."""
    account_id, region_name = account.account_id, region.region
    overrides = cfg.severity_overrides
    missing = "" if collected.issuperset(rule.needs) else missing_parts(rule, account, region)
    if missing:
        return ScopeResult(rule.id, account_id, region_name, Outcome.NOT_EVALUATED, missing), [], []
    ctx = RuleContext(rule, snapshot, account, region, view, cost, cfg.trust, shared)
    try:
        found = list(rule(ctx))
        bad = next((f for f in found if not isinstance(f, Finding)), None)
        if bad is not None:
            raise TypeError(f"yielded {type(bad).__name__}, not a Finding")
    except Exception as exc:  # a broken rule must not stop the audit; it is reported as an error
        text = f"{type(exc).__name__}: {exc}"
        error = Finding(rule.id, rule.name, rule.severity, Status.ERROR,
                        ResourceRef(account_id, region_name, None, "region", region_name),
                        f"{rule.id} failed in {account_id}/{region_name}: {text}")
        scope = ScopeResult(rule.id, account_id, region_name, Outcome.ERROR, text)
        return scope, [apply_override(error, overrides)], []
    if not found and not region.unresolved:  # most rules find nothing in most scopes: nothing to judge
        return ScopeResult(rule.id, account_id, region_name, Outcome.PASSED, ""), found, []
    found = judge_findings(rule, view, found)
    if overrides:
        found = [apply_override(f, overrides) for f in found]
    if cfg.min_severity is not None:
        found = [f for f in found if f.status not in (Status.FAIL, Status.SUPPRESSED)
                 or f.severity.at_least(cfg.min_severity)]
    if cfg.suppressions:
        found = apply_suppressions(found, cfg.suppressions, tags, today)
    groups: list[FindingGroup] = []
    if ctx.groups:
        used = {f.group for f in found if f.group}
        groups = [g for g in ctx.groups if g.group_id in used]
    counts = _status_counts(found)
    return ScopeResult(rule.id, account_id, region_name, _outcome(counts), _detail(counts)), found, groups


def _status_counts(findings: list[Finding]) -> dict[Status, int]:
    """How many findings of each status, in Status order: one pass, as every rule of every scope asks."""
    counts = dict.fromkeys(_STATUSES, 0)
    for f in findings:
        counts[f.status] += 1
    return counts


def _outcome(counts: dict[Status, int]) -> Outcome:
    if counts[Status.ERROR]:
        return Outcome.ERROR
    if counts[Status.FAIL]:
        return Outcome.FAILED
    if counts[Status.NOT_EVALUATED] and not counts[Status.SUPPRESSED]:
        return Outcome.NOT_EVALUATED
    return Outcome.PASSED


def _detail(counts: dict[Status, int]) -> str:
    return ", ".join(f"{n} {_STATUS_WORDS[s]}" for s, n in counts.items() if n)


_STATUSES = tuple(Status)  # iterating the enum class itself runs a generator each time
_STATUS_WORDS = {s: s.value.replace("_", " ") for s in Status}  # "not evaluated"


def finding_order(f: Finding) -> tuple[int, str, str, str, str, str, str, str]:
    res = f.resource
    return (-f.severity.rank, f.rule_id, res.account_id, res.region, res.vpc_id or "", res.resource_type,
            res.resource_id, f.discriminator)


def _info(rule: Rule, pack: str, overrides: SeverityOverrides) -> RuleInfo:
    severity = effective_severity(rule, overrides)
    return RuleInfo(rule.id, rule.name, severity, rule.summary, rule.why, rule.fix, rule.references, pack,
                    rule.controls, rule.severity if severity is not rule.severity else None)


def _tags_by_resource(account_id: str, region: RegionSnapshot) -> dict[tuple[str, str, str], dict[str, str]]:
    """(account, region, resource id) → tags, for tag-based suppressions.

    Every tagged record's first field is its id (``vpc_id``, ``subnet_id``, ``group_id`` …).
    """
    out: dict[tuple[str, str, str], dict[str, str]] = {}
    for f in dataclasses.fields(region):
        value = getattr(region, f.name)
        if not isinstance(value, tuple):
            continue
        for record in value:
            tags = getattr(record, "tags", None)
            if dataclasses.is_dataclass(record) and tags:
                rid = getattr(record, dataclasses.fields(record)[0].name)
                out[(account_id, region.region, str(rid))] = {t.key: t.value for t in tags}
    return out
