"""build_report_context: the one pure step from an AuditResult to what the HTML and Markdown show.

Why a separate, pure step: both human reports must show the same groups, counts, totals and
orders. Computing them here (never in templates) keeps the templates to layout, lets a test
check the numbers without parsing HTML, and means the two reports cannot disagree.
Values stay raw text: escaping belongs to each template engine setting, not to this layer.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from vpcaudit.engine.docs import control_label
from vpcaudit.engine.result import AuditResult, RuleInfo
from vpcaudit.engine.rule import Finding, GroupMember, Severity, Status
from vpcaudit.facts.costs import CostLine
from vpcaudit.facts.summaries import VpcSummary
from vpcaudit.facts.topology import TopologySubnet, VpcTopology
from vpcaudit.network.paths import TrafficPath
from vpcaudit.render.fix import cli, cloudformation, terraform
from vpcaudit.render.text import SAFE_URL, evidence_text

SEVERITIES: tuple[Severity, ...] = tuple(sorted(Severity, key=lambda s: -s.rank))
_SLUG = re.compile(r"[^a-z0-9]+")

VpcKey = tuple[str, str, str | None]  # (account, region, vpc id or None for region-wide findings)


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    key: str
    value: str


@dataclass(frozen=True, slots=True)
class FixView:
    """One remediation step as a reader sees it; the commands are in FindingView.fix_cli."""

    description: str
    action: str
    phase: str
    decision: str | None


@dataclass(frozen=True, slots=True)
class FindingView:
    fingerprint: str
    rule_id: str
    rule_name: str
    severity: str
    severity_rank: int
    status: str
    account_id: str
    region: str
    vpc_id: str | None
    vpc_anchor: str
    vpc_label: str
    resource_type: str
    resource_id: str
    resource_name: str | None
    arn: str
    message: str
    evidence: tuple[EvidenceItem, ...]
    monthly_cost: float | None
    suppression_reason: str | None
    suppression_expires: str | None
    fix: tuple[FixView, ...] = ()
    fix_cli: str = ""  # the steps as AWS CLI commands; those needing a decision commented out
    fix_terraform: str = ""
    fix_cloudformation: str = ""  # only what the fix creates; "" when it creates nothing
    severity_overridden_from: str | None = None  # the rule's own severity, when configuration changed it
    currency: str | None = None  # of monthly_cost
    group: str | None = None  # the group it belongs to (listed in the report's groups section)
    group_anchor: str | None = None


@dataclass(frozen=True, slots=True)
class GroupView:
    """A group of resources many findings share, listed once (COST001: a Region's pooled VPCs)."""

    anchor: str
    group_id: str
    rule_id: str
    region: str
    description: str
    members: tuple[GroupMember, ...]


@dataclass(frozen=True, slots=True)
class Reference:
    text: str
    linkable: bool  # only plain http(s) URLs become links; anything else is shown as text


@dataclass(frozen=True, slots=True)
class RuleView:
    id: str
    name: str
    severity: str
    summary: str
    why: str
    fix: str
    references: tuple[Reference, ...]
    pack: str
    controls: tuple[str, ...] = ()  # "Security Hub EC2.6: VPC flow logging …", one per mapped control
    severity_overridden_from: str | None = None


@dataclass(frozen=True, slots=True)
class RuleGroup:
    anchor: str
    rule: RuleView
    findings: tuple[FindingView, ...]


@dataclass(frozen=True, slots=True)
class PathCell:
    kind: str
    target_id: str | None
    cross_az: bool
    via_nat: bool
    detail: str
    steps: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PathRow:
    subnet_id: str
    subnet_name: str | None
    availability_zone_id: str
    cells: tuple[PathCell | None, ...]  # one per destination; None where no path was computed


@dataclass(frozen=True, slots=True)
class PathMatrix:
    destinations: tuple[str, ...]
    rows: tuple[PathRow, ...]


@dataclass(frozen=True, slots=True)
class VpcSection:
    anchor: str
    account_id: str
    region: str
    vpc_id: str | None
    name: str | None
    label: str
    cidrs: tuple[str, ...]
    is_default: bool
    fail_counts: tuple[int, ...]  # per severity, in SEVERITIES order
    fail_total: int
    monthly_fixed: float
    monthly_data: float | None
    groups: tuple[RuleGroup, ...]
    matrix: PathMatrix
    topology: VpcTopology
    topology_derived: bool  # drawn from paths alone: NAT and endpoint placement unknown
    paths: tuple[TrafficPath, ...]
    path_notes: tuple[str, ...]  # path inputs not collected in this VPC's region, and their consequence
    costs: tuple[CostLine, ...]
    currency: str = "USD"  # of its costs: the price table of its Region


@dataclass(frozen=True, slots=True)
class SeverityRow:
    severity: str
    fail: int
    suppressed: int
    not_evaluated: int
    error: int


@dataclass(frozen=True, slots=True)
class ScopeView:
    rule_id: str
    rule_name: str
    account_id: str
    region: str
    outcome: str
    detail: str


@dataclass(frozen=True, slots=True)
class CostView:
    vpc_label: str
    line: CostLine


@dataclass(frozen=True, slots=True)
class ReportContext:
    tool_version: str
    schema_version: str
    rule_packs: tuple[tuple[str, str], ...]
    snapshot_taken_at: str
    generated_at: str
    accounts: tuple[str, ...]
    regions: tuple[str, ...]
    options: tuple[tuple[str, str], ...]
    severity_rows: tuple[SeverityRow, ...]
    totals: SeverityRow
    vpcs: tuple[VpcSection, ...]  # every VPC, then region-wide groups; sorted
    findings: tuple[FindingView, ...]  # failing findings, worst first
    costs: tuple[CostView, ...]
    cost_total_fixed: float | None  # None when the costs are in several currencies
    cost_total_data: float | None
    incomplete_scopes: tuple[ScopeView, ...]
    incomplete_findings: tuple[FindingView, ...]  # not evaluated or error
    suppressed: tuple[FindingView, ...]
    expired_suppressions: tuple[str, ...]
    rules: tuple[RuleView, ...]
    cost_currency: str | None = "USD"  # None: costs in several currencies, so no grand total
    prices: tuple[str, ...] = ()  # per Region: which prices the costs used, and their source
    groups: tuple[GroupView, ...] = ()

    @property
    def severities_present(self) -> tuple[str, ...]:
        return tuple(s.value for s in SEVERITIES if any(f.severity == s.value for f in self.findings))

    @property
    def rule_ids_present(self) -> tuple[str, ...]:
        return tuple(sorted({f.rule_id for f in self.findings}))

    @property
    def vpcs_with_findings(self) -> tuple[VpcSection, ...]:
        return tuple(v for v in self.vpcs if v.groups)

    @property
    def network_vpcs(self) -> tuple[VpcSection, ...]:
        """Real VPCs (not region-wide groups): they have a topology and a path matrix."""
        return tuple(v for v in self.vpcs if v.vpc_id is not None)


def build_report_context(result: AuditResult) -> ReportContext:
    """Everything the human reports show, grouped, counted and ordered once."""
    rules = {info.id: _rule_view(info) for info in result.rules}
    names = {(v.account_id, v.region, v.vpc_id): v.name for v in result.vpcs}
    sections = _sections(result, rules, names)

    def view(f: Finding) -> FindingView:
        key = _vpc_key(f)
        return _finding_view(f, _anchor(key), _label(key, names.get(key)))

    fails = tuple(view(f) for f in _ordered(result.by_status(Status.FAIL)))
    currencies = {c.currency for c in result.costs}
    currency = next(iter(currencies)) if len(currencies) == 1 else (None if currencies else "USD")
    data = [c.monthly_data_usd for c in result.costs if c.monthly_data_usd is not None]
    rule_names = {info.id: info.name for info in result.rules}
    return ReportContext(
        tool_version=result.tool_version,
        schema_version=result.schema_version,
        rule_packs=tuple(sorted(result.rule_packs.items())),
        snapshot_taken_at=result.snapshot_taken_at,
        generated_at=result.generated_at,
        accounts=result.accounts,
        regions=result.regions,
        options=tuple(sorted(result.options.items())),
        severity_rows=tuple(_severity_row(result.findings, s) for s in SEVERITIES),
        totals=_severity_row(result.findings, None),
        vpcs=sections,
        findings=fails,
        costs=tuple(CostView(_label(_cost_key(c), names.get(_cost_key(c))), c) for c in _ordered_costs(result)),
        cost_total_fixed=round(sum((c.monthly_fixed_usd for c in result.costs), 0.0), 2) if currency else None,
        cost_total_data=round(sum(data), 2) if data and currency else None,
        incomplete_scopes=tuple(
            ScopeView(s.rule_id, rule_names.get(s.rule_id, ""), s.account_id, s.region, s.outcome.value, s.detail)
            for s in sorted(result.scopes, key=lambda s: (s.rule_id, s.account_id, s.region))
            if not s.outcome.judged),
        incomplete_findings=tuple(view(f) for f in _ordered(
            f for f in result.findings if f.status in (Status.NOT_EVALUATED, Status.ERROR))),
        suppressed=tuple(view(f) for f in _ordered(result.by_status(Status.SUPPRESSED))),
        expired_suppressions=result.expired_suppressions,
        rules=tuple(sorted(rules.values(), key=lambda r: r.id)),
        cost_currency=currency,
        prices=tuple(note.describe() for note in result.prices),
        groups=tuple(GroupView(group_anchor(g.group_id), g.group_id, g.rule_id, g.region, g.description, g.members)
                     for g in result.groups),
    )


def group_anchor(group_id: str) -> str:
    return "group-" + slug(group_id)


def slug(*parts: str) -> str:
    """An HTML id from AWS identifiers: lower-case letters, digits and dashes only."""
    return _SLUG.sub("-", "-".join(parts).lower()).strip("-") or "x"


def _vpc_key(f: Finding) -> VpcKey:
    return (f.resource.account_id, f.resource.region, f.resource.vpc_id)


def _cost_key(c: CostLine) -> VpcKey:
    return (c.account_id, c.region, c.vpc_id)


def _ordered(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (-f.severity.rank, f.rule_id, f.resource.account_id, f.resource.region,
                                           f.resource.vpc_id or "", f.resource.resource_id, f.fingerprint))


def _ordered_costs(result: AuditResult) -> list[CostLine]:
    return sorted(result.costs, key=lambda c: (c.account_id, c.region, c.vpc_id, c.item, c.resource_id))


def _rule_view(info: RuleInfo) -> RuleView:
    refs = tuple(Reference(ref, bool(SAFE_URL.match(ref))) for ref in info.references)
    return RuleView(info.id, info.name, info.severity.value, info.summary, info.why, info.fix, refs, info.pack,
                    tuple(control_label(c) for c in info.controls),
                    info.severity_overridden_from.value if info.severity_overridden_from else None)


def _unknown_rule(f: Finding) -> RuleView:
    """A finding whose rule metadata is missing from the result still gets a heading."""
    return RuleView(f.rule_id, f.rule_name, f.severity.value, "", "", "", (), "")


def _finding_view(f: Finding, anchor: str, label: str) -> FindingView:
    res = f.resource
    return FindingView(
        fingerprint=f.fingerprint, rule_id=f.rule_id, rule_name=f.rule_name, severity=f.severity.value,
        severity_rank=f.severity.rank, status=f.status.value, account_id=res.account_id, region=res.region,
        vpc_id=res.vpc_id, vpc_anchor=anchor, vpc_label=label, resource_type=res.resource_type,
        resource_id=res.resource_id, resource_name=res.name, arn=res.arn, message=f.message,
        evidence=tuple(EvidenceItem(k, evidence_text(v)) for k, v in sorted(f.evidence.items())),
        monthly_cost=f.monthly_cost_usd, suppression_reason=f.suppression_reason,
        suppression_expires=f.suppression_expires,
        fix=tuple(FixView(s.description, s.action, s.phase.value, s.decision) for s in f.fix),
        fix_cli=cli.script(f.fix, res.region), fix_terraform=terraform.render(f.fix, res.region),
        fix_cloudformation=cloudformation.template(f.fix),
        severity_overridden_from=f.severity_overridden_from.value if f.severity_overridden_from else None,
        currency=f.currency, group=f.group, group_anchor=group_anchor(f.group) if f.group else None)


def _severity_row(findings: tuple[Finding, ...], severity: Severity | None) -> SeverityRow:
    picked = [f for f in findings if severity is None or f.severity is severity]

    def count(status: Status) -> int:
        return sum(1 for f in picked if f.status is status)

    return SeverityRow(severity.value if severity else "total", count(Status.FAIL), count(Status.SUPPRESSED),
                       count(Status.NOT_EVALUATED), count(Status.ERROR))


def _sections(result: AuditResult, rules: dict[str, RuleView],
              names: dict[VpcKey, str | None]) -> tuple[VpcSection, ...]:
    summaries: dict[VpcKey, VpcSummary] = {(v.account_id, v.region, v.vpc_id): v for v in result.vpcs}
    fails: dict[VpcKey, list[Finding]] = defaultdict(list)
    for f in result.by_status(Status.FAIL):
        fails[_vpc_key(f)].append(f)
    paths: dict[VpcKey, list[TrafficPath]] = defaultdict(list)
    for p in result.paths:
        paths[(p.account_id, p.region, p.vpc_id)].append(p)
    costs: dict[VpcKey, list[CostLine]] = defaultdict(list)
    for c in _ordered_costs(result):
        costs[_cost_key(c)].append(c)
    topologies: dict[VpcKey, VpcTopology] = {(t.account_id, t.region, t.vpc_id): t for t in result.topology}
    notes: dict[tuple[str, str], list[str]] = defaultdict(list)
    for gap in result.path_gaps:
        notes[(gap.account_id, gap.region)].append(f"{gap.part.value} {gap.state.value.replace('_', ' ')}: "
                                                   f"{gap.consequence}")
    # Findings outside any VPC (vpc None) only get a group when something failed there.
    keys = set(summaries) | set(paths) | set(costs) | set(topologies) | set(fails)
    sections = []
    for key in sorted(keys, key=lambda k: (k[2] is None, k[0], k[1], k[2] or "")):
        account, region, vpc_id = key
        summary = summaries.get(key)
        name = names.get(key)
        anchor, label = _anchor(key), _label(key, name)
        found = _ordered(fails.get(key, ()))
        vpc_costs = costs.get(key, [])
        data = [c.monthly_data_usd for c in vpc_costs if c.monthly_data_usd is not None]
        vpc_paths = tuple(paths.get(key, ()))
        topology = topologies.get(key)
        sections.append(VpcSection(
            anchor=anchor, account_id=account, region=region, vpc_id=vpc_id, name=name,
            label=label,
            cidrs=summary.cidrs if summary else (), is_default=summary.is_default if summary else False,
            fail_counts=tuple(sum(1 for f in found if f.severity is s) for s in SEVERITIES),
            fail_total=len(found),
            monthly_fixed=round(sum((c.monthly_fixed_usd for c in vpc_costs), 0.0), 2),
            monthly_data=round(sum(data), 2) if data else None,
            groups=_groups(anchor, label, found, rules),
            matrix=_matrix(vpc_paths),
            topology=topology or _topology_from_paths(account, region, vpc_id or "", vpc_paths),
            topology_derived=topology is None,
            paths=vpc_paths, path_notes=tuple(notes.get((account, region), ())), costs=tuple(vpc_costs),
            currency=vpc_costs[0].currency if vpc_costs else "USD"))
    return tuple(sections)


def _anchor(key: VpcKey) -> str:
    account, region, vpc_id = key
    return slug("vpc", account, region, vpc_id) if vpc_id else slug("region", account, region)


def _label(key: VpcKey, name: str | None) -> str:
    account, region, vpc_id = key
    if vpc_id is None:
        return f"Outside any VPC ({account}, {region})"
    return f"{vpc_id} ({name})" if name else vpc_id


def _groups(anchor: str, label: str, found: list[Finding], rules: dict[str, RuleView]) -> tuple[RuleGroup, ...]:
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in found:
        by_rule[f.rule_id].append(f)
    ordered = sorted(by_rule.items(), key=lambda kv: (-max(f.severity.rank for f in kv[1]), kv[0]))
    return tuple(
        RuleGroup(slug(anchor, rule_id), rules.get(rule_id) or _unknown_rule(items[0]),
                  tuple(_finding_view(f, anchor, label) for f in items))
        for rule_id, items in ordered)


def _matrix(paths: tuple[TrafficPath, ...]) -> PathMatrix:
    """Subnets × destinations; destination order as the runner emitted it (s3, dynamodb, …, internet)."""
    destinations = tuple(dict.fromkeys(p.destination for p in paths))
    by_subnet: dict[str, dict[str, TrafficPath]] = defaultdict(dict)
    for p in paths:
        by_subnet[p.subnet_id][p.destination] = p
    rows = []
    for subnet_id, cells in sorted(by_subnet.items(),
                                   key=lambda kv: _row_order(next(iter(kv[1].values())))):
        first = next(iter(cells.values()))
        rows.append(PathRow(subnet_id, first.subnet_name, first.availability_zone_id, tuple(
            PathCell(p.kind, p.target_id, p.cross_az, p.via_nat, p.detail, tuple(s.description for s in p.steps))
            if (p := cells.get(d)) else None for d in destinations)))
    return PathMatrix(destinations, tuple(rows))


def _row_order(p: TrafficPath) -> tuple[str, str, str]:
    return (p.availability_zone_id, p.subnet_name or "", p.subnet_id)


def _topology_from_paths(account: str, region: str, vpc_id: str, paths: tuple[TrafficPath, ...]) -> VpcTopology:
    """Subnets per AZ as the paths know them (public = internet via an internet gateway)."""
    subnets: dict[str, TopologySubnet] = {}
    for p in paths:
        if p.subnet_id not in subnets or p.destination == "internet":
            subnets[p.subnet_id] = TopologySubnet(p.subnet_id, p.subnet_name, p.availability_zone_id, "",
                                                  p.destination == "internet" and p.kind == "igw")
    return VpcTopology(account, region, vpc_id, tuple(sorted(subnets.values(), key=lambda s: s.subnet_id)))
