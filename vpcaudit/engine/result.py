"""The audit result: everything formatters and exit codes need, and nothing they recompute.

Formatters only read an :class:`AuditResult`; the runner alone builds it. Keeping paths,
costs and per-scope outcomes here (rather than deriving them in templates) is what keeps the
HTML, Markdown, JSON, SARIF, CSV and JUnit outputs consistent with each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vpcaudit.engine.rule import Finding, Severity, Status
from vpcaudit.model.paths import PathStep, TrafficPath

__all__ = ["AuditResult", "CostLine", "PathStep", "RuleInfo", "ScopeResult", "TopologyEndpoint", "TopologyNat",
           "TopologySubnet", "TrafficPath", "VpcSummary", "VpcTopology"]


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """Rule metadata copied into the result so reports stand alone."""

    id: str
    name: str
    severity: Severity
    summary: str
    why: str
    fix: str
    references: tuple[str, ...]
    pack: str


@dataclass(frozen=True, slots=True)
class ScopeResult:
    """One rule over one (account, region): the unit of JUnit test cases and of --strict."""

    rule_id: str
    account_id: str
    region: str
    outcome: str  # passed | failed | not_evaluated | error
    detail: str = ""


@dataclass(frozen=True, slots=True)
class CostLine:
    account_id: str
    region: str
    vpc_id: str
    item: str  # nat-gateway | interface-endpoint
    resource_id: str
    description: str
    az_count: int
    monthly_fixed_usd: float
    monthly_data_usd: float | None = None  # only where metrics were collected


@dataclass(frozen=True, slots=True)
class VpcSummary:
    account_id: str
    region: str
    vpc_id: str
    name: str | None
    cidrs: tuple[str, ...]
    is_default: bool


@dataclass(frozen=True, slots=True)
class TopologySubnet:
    """A subnet as the report's topology picture draws it: its AZ column and public/private style."""

    subnet_id: str
    name: str | None
    availability_zone_id: str
    cidr: str
    public: bool  # egress class igw (rules.md "Public subnet")


@dataclass(frozen=True, slots=True)
class TopologyNat:
    """Where a NAT gateway sits: paths name NAT targets but not the AZ or subnet they live in."""

    nat_gateway_id: str
    subnet_id: str | None  # None for a regional NAT gateway
    availability_zone_ids: tuple[str, ...]  # one for zonal; the AZs of its addresses for regional
    connectivity: str  # public | private
    regional: bool = False
    state: str = "available"


@dataclass(frozen=True, slots=True)
class TopologyEndpoint:
    """A VPC endpoint and the AZs of its network interfaces (none for gateway endpoints)."""

    endpoint_id: str
    service: str  # service key (s3, ssm, ecr.api) or the full service name of a PrivateLink service
    endpoint_type: str  # Interface | Gateway | GatewayLoadBalancer | Resource | ServiceNetwork
    availability_zone_ids: tuple[str, ...] = ()
    state: str = "available"


@dataclass(frozen=True, slots=True)
class VpcTopology:
    """What the per-VPC topology picture needs beyond the paths: subnets, NAT and endpoint placement."""

    account_id: str
    region: str
    vpc_id: str
    subnets: tuple[TopologySubnet, ...] = ()
    nat_gateways: tuple[TopologyNat, ...] = ()
    endpoints: tuple[TopologyEndpoint, ...] = ()
    internet_gateway_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AuditResult:
    schema_version: str
    tool_version: str
    rule_packs: dict[str, str]  # pack name → version
    snapshot_taken_at: str
    generated_at: str
    accounts: tuple[str, ...]
    regions: tuple[str, ...]
    rules: tuple[RuleInfo, ...]
    findings: tuple[Finding, ...]
    scopes: tuple[ScopeResult, ...]
    vpcs: tuple[VpcSummary, ...] = ()
    paths: tuple[TrafficPath, ...] = ()
    costs: tuple[CostLine, ...] = ()
    expired_suppressions: tuple[str, ...] = ()
    options: dict[str, str] = field(default_factory=dict)
    topology: tuple[VpcTopology, ...] = ()  # one per VPC, for the report's pictures

    def by_status(self, status: Status) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status is status)

    @property
    def failures(self) -> tuple[Finding, ...]:
        return self.by_status(Status.FAIL)

    @property
    def incomplete(self) -> bool:
        """Something could not be evaluated or errored: --strict turns this into exit 3."""
        return any(s.outcome in ("not_evaluated", "error") for s in self.scopes) or any(
            f.status in (Status.NOT_EVALUATED, Status.ERROR) for f in self.findings)

    def worst_failure(self) -> Severity | None:
        fails = self.failures
        return max((f.severity for f in fails), key=lambda s: s.rank) if fails else None
