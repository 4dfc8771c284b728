"""COST001 endpoint-centralization-opportunity."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vpcaudit.engine.remedy import Phase, step
from vpcaudit.engine.rule import Finding, GroupMember, Severity, evidence_dict, rule
from vpcaudit.network.view import NetworkView
from vpcaudit.snapshot.model import AccountSnapshot, Part
from vpcaudit.snapshot.shard import Fold

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.pricing import CostModel

MIN_VPCS = 3


@dataclass(frozen=True, slots=True)
class _Vpc:
    """One VPC of the pool: who owns it, its AWS-service interface endpoints by service, TGW attachment."""

    account_id: str
    vpc_id: str
    name: str | None
    endpoints: dict[str, list[tuple[str, int]]]  # service key → [(endpoint id, AZ count)]
    hostnames: dict[str, tuple[str, ...]]  # service key → default hostnames (one hub zone each)
    has_tgw: bool

    def fixed_cost(self, keys: set[str], cost: CostModel) -> float:
        return round(sum(cost.interface_endpoint_month(azs) for k in keys for _, azs in self.endpoints.get(k, ())), 2)


NEEDS = (Part.VPCS, Part.SUBNETS, Part.ROUTE_TABLES, Part.VPC_ENDPOINTS, Part.ENDPOINT_SERVICES,
         Part.NETWORK_INTERFACES)


@rule(id="COST001", name="endpoint-centralization-opportunity", severity=Severity.INFO, needs=NEEDS,
      references=(
          "https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/"
          "centralized-access-to-vpc-private-endpoints.html",
          "https://aws.amazon.com/privatelink/pricing/",
          "https://aws.amazon.com/transit-gateway/pricing/",
          "https://aws.amazon.com/route53/pricing/",
      ),
      seeds=("000",))
def endpoint_centralization_opportunity(ctx: RuleContext) -> Iterator[Finding]:
    """Three or more VPCs of one Region each run their own interface endpoints for the same AWS services.

    VPCs are pooled per Region across every account of the scan (an organization scan); the
    result lists the pool once, as the group `COST001/<region>`, and each finding is one VPC of
    this account that takes part, referring to that group, with its own monthly fixed cost for
    those endpoints, today's cost of the whole group, and the cost of one shared set in a hub
    VPC: one endpoint per service (in as many AZs as the widest existing one), a Transit Gateway
    attachment for the hub and for each spoke not already attached, and one private hosted zone
    per service hostname. Idle default VPCs are skipped; gateway endpoints are free and can
    never be centralized (they serve only their own VPC).

    ## Why it matters
    An interface endpoint costs about $7.30 per AZ per month before any traffic, in every VPC
    that has one. Landing zones often repeat the same set (ssm, ssmmessages, ec2messages, kms,
    logs, ecr…) in every VPC, so the fixed cost grows with the number of VPCs. A shared set in a
    hub VPC, reached over Transit Gateway and named through private hosted zones associated with
    every spoke, replaces N copies with one — but adds TGW attachment hours and $0.02/GB of TGW
    data processing, so the saving depends on the size of the estate and its traffic. The
    figures left out: Route 53 Resolver endpoints (needed only if on-premises clients must use
    the names), cross-AZ transfer, and the interface endpoints' own data processing, which is the
    same either way.

    ## How to fix
    Evaluate a hub: create the endpoints once in a shared-services VPC with private DNS off:

    ```
    aws ec2 create-vpc-endpoint --vpc-id <hub-vpc-id> --vpc-endpoint-type Interface \\
        --service-name com.amazonaws.<region>.<service> --subnet-ids <subnet-a> <subnet-b> \\
        --security-group-ids <sg-id> --no-private-dns-enabled
    ```

    For each service hostname, a private hosted zone with an alias to the hub endpoint,
    associated with every spoke VPC (cross-account: authorize, then associate):

    ```
    aws route53 create-hosted-zone --name <service-hostname> --caller-reference <unique-string> \\
        --vpc VPCRegion=<region>,VPCId=<hub-vpc-id> --hosted-zone-config PrivateZone=true
    aws route53 change-resource-record-sets --hosted-zone-id <zone-id> --change-batch \
        '{"Changes":[{"Action":"UPSERT","ResourceRecordSet":{"Name":"<service-hostname>","Type":"A",
        "AliasTarget":{"HostedZoneId":"<endpoint-dns-hosted-zone-id>","DNSName":"<endpoint-regional-dns-name>",
        "EvaluateTargetHealth":false}}}]}'
    aws route53 associate-vpc-with-hosted-zone --hosted-zone-id <zone-id> --vpc VPCRegion=<region>,VPCId=<spoke-vpc-id>
    ```

    Attach hub and spokes to the Transit Gateway and route each spoke's traffic for the hub CIDR
    to it:

    ```
    aws ec2 create-transit-gateway-vpc-attachment --transit-gateway-id <tgw-id> --vpc-id <vpc-id> \
        --subnet-ids <subnet-a> <subnet-b>
    aws ec2 create-route --route-table-id <spoke-rtb-id> --destination-cidr-block <hub-vpc-cidr> \
        --transit-gateway-id <tgw-id>
    ```

    Then delete each spoke's own copy:

    ```
    aws ec2 delete-vpc-endpoints --vpc-endpoint-ids <vpce-id>
    ```
    """
    pool = ctx.shared.get(_region_pool, ctx.region.region, ctx.cost)
    if pool is None:
        return
    mine = pool.members_of(ctx.account.account_id)
    if not mine:
        return
    services = ", ".join(sorted(pool.services))
    plan = pool.plan.describe(ctx.cost)
    group = ctx.group(ctx.region.region, f"VPCs in {ctx.region.region} running their own interface endpoints for "
                                         f"{services}", pool.members)
    for vpc in mine:
        own_services = sorted(pool.services & set(vpc.endpoints))
        own = vpc.fixed_cost(set(own_services), ctx.cost)
        copies = sorted(e for k in own_services for e, _ in vpc.endpoints[k])
        yield ctx.finding(
            ctx.ref("vpc", vpc.vpc_id, vpc.vpc_id, ctx.view.name_of(ctx.view.vpcs[vpc.vpc_id].tags)),
            f"{vpc.vpc_id} is one of {len(pool.group)} VPCs in {ctx.region.region} running their own interface "
            f"endpoints for {services} (this VPC: {', '.join(own_services)}, {ctx.cost.money(own)}/month). {plan}",
            monthly_cost_usd=own, group=group,
            evidence=evidence_dict(services=sorted(pool.services), group_vpcs=len(pool.group),
                                   group_accounts=len(pool.accounts), **pool.plan.evidence(ctx.cost)),
            fix=[step("ec2:DeleteVpcEndpoints", {"VpcEndpointIds": copies}, vpc.vpc_id, Phase.DELETE,
                      f"Delete {vpc.vpc_id}'s own endpoints for {', '.join(own_services)} once a shared hub "
                      "serves it",
                      decision="advice only: build the hub endpoints, Transit Gateway attachments and private hosted "
                               "zones first, and only if the saving holds for your traffic")])


@dataclass(frozen=True, slots=True)
class _Pool:
    """One Region of the scan, pooled across accounts: the VPCs repeating the shared services, priced once."""

    services: frozenset[str]
    group: tuple[_Vpc, ...]
    plan: _Plan
    accounts: tuple[str, ...]
    members: tuple[GroupMember, ...]  # the group as the result lists it, once
    by_account: dict[str, tuple[_Vpc, ...]]  # each account's part of the group, in its order

    def members_of(self, account_id: str) -> tuple[_Vpc, ...]:
        """Looked up, not filtered: every account of an organization asks, so filtering the
        Region-wide group each time would cost accounts² per Region."""
        return self.by_account.get(account_id, ())


def _pool_part(accounts: Sequence[AccountSnapshot]) -> dict[str, tuple[_Vpc, ...]]:
    """Region → the accounts' VPCs there with AWS-service interface endpoints, in order."""
    found: dict[str, list[_Vpc]] = {}
    for account in accounts:
        for region in account.regions:
            if all(region.has(p) for p in NEEDS):
                found.setdefault(region.region, []).extend(_vpcs(NetworkView.build(account, region)))
    return {region: tuple(vpcs) for region, vpcs in found.items()}


def _pool_whole(parts: Sequence[dict[str, tuple[_Vpc, ...]]], region_name: str, cost: CostModel) -> _Pool | None:
    """The Region's pool (None when no service repeats in enough VPCs), computed once per audit."""
    pool = [vpc for part in parts for vpc in part.get(region_name, ())]
    counts: dict[str, int] = {}
    for vpc in pool:
        for key in vpc.endpoints:
            counts[key] = counts.get(key, 0) + 1
    services = frozenset(key for key, n in counts.items() if n >= MIN_VPCS)
    if not services:
        return None
    group = tuple(vpc for vpc in pool if services & set(vpc.endpoints))
    by_account: dict[str, list[_Vpc]] = {}
    for vpc in group:
        by_account.setdefault(vpc.account_id, []).append(vpc)
    return _Pool(services, group, _Plan.price(list(group), set(services), cost), tuple(sorted(by_account)),
                 tuple(GroupMember(vpc.account_id, "vpc", vpc.vpc_id, vpc.name) for vpc in group),
                 {account: tuple(vpcs) for account, vpcs in by_account.items()})


@dataclass(frozen=True, slots=True)
class _Plan:
    """Today's fixed endpoint cost of the group against one shared set in a hub VPC."""

    today: float
    hub_endpoints: float
    new_attachments: int
    attachments: float
    zones: int
    zones_cost: float

    @property
    def shared_total(self) -> float:
        return round(self.hub_endpoints + self.attachments + self.zones_cost, 2)

    @property
    def saving(self) -> float:
        return round(self.today - self.shared_total, 2)

    @classmethod
    def price(cls, group: list[_Vpc], shared: set[str], cost: CostModel) -> _Plan:
        widest = {k: max(azs for vpc in group for _, azs in vpc.endpoints.get(k, ())) for k in shared}
        zones = sum(max(1, len({h.removeprefix("*.") for vpc in group for h in vpc.hostnames.get(k, ())}))
                    for k in shared)
        new_attachments = 1 + sum(1 for vpc in group if not vpc.has_tgw)  # the hub, and spokes not yet attached
        return cls(today=round(sum(vpc.fixed_cost(shared, cost) for vpc in group), 2),
                   hub_endpoints=round(sum(cost.interface_endpoint_month(widest[k]) for k in shared), 2),
                   new_attachments=new_attachments,
                   attachments=round(new_attachments * cost.tgw_attachment_month(), 2),
                   zones=zones, zones_cost=round(zones * cost.private_hosted_zone_month, 2))

    def describe(self, cost: CostModel) -> str:
        outcome = (f"a saving of {cost.money(self.saving)}/month in fixed cost" if self.saving > 0
                   else f"no fixed-cost saving at this size ({cost.money(-self.saving)}/month more)")
        return (f"Today the group pays {cost.money(self.today)}/month in endpoint hours; one shared set in a hub "
                f"VPC would cost {cost.money(self.shared_total)}/month (endpoints {cost.money(self.hub_endpoints)}, "
                f"{self.new_attachments} new Transit Gateway attachment(s) {cost.money(self.attachments)}, "
                f"{self.zones} private hosted zone(s) {cost.money(self.zones_cost)}): {outcome}, before TGW data "
                f"processing ({cost.rate(cost.tgw_gb)}/GB of spoke traffic) and Route 53 Resolver endpoints, which "
                "are not included")

    def evidence(self, cost: CostModel) -> dict[str, float | int | str]:
        return {"group_monthly_usd": self.today, "shared_set_monthly_usd": self.shared_total,
                "hub_endpoints_monthly_usd": self.hub_endpoints, "new_tgw_attachments": self.new_attachments,
                "tgw_attachments_monthly_usd": self.attachments, "private_hosted_zones": self.zones,
                "private_hosted_zones_monthly_usd": self.zones_cost, "fixed_saving_monthly_usd": self.saving,
                "tgw_data_usd_per_gb": cost.tgw_gb,
                "not_included": "TGW data processing, Route 53 Resolver endpoints, cross-AZ transfer"}


def _vpcs(view: NetworkView) -> Iterator[_Vpc]:
    for vpc_id in sorted(view.vpcs):
        endpoints: dict[str, list[tuple[str, int]]] = {}
        hostnames: dict[str, tuple[str, ...]] = {}
        for endpoint in view.endpoints_of(vpc_id, "Interface"):
            if view.endpoint_ended(endpoint) or not view.is_aws_service_endpoint(endpoint):
                continue
            info = view.service(endpoint)
            azs = len(view.endpoint_az_ids(endpoint)) or len(endpoint.subnet_ids)
            endpoints.setdefault(info.key, []).append((endpoint.vpc_endpoint_id, azs))
            hostnames[info.key] = info.hostnames
        # An idle default VPC is left out; asked only of a VPC with endpoints (it reads the VPC's
        # workloads, and the pool asks it of every VPC of every account of the Region).
        if endpoints and not view.is_idle_default_vpc(vpc_id):
            has_tgw = any(route.target_kind == "tgw" for table in view.route_tables_of(vpc_id)
                          for route in table.routes)
            yield _Vpc(view.account_id, vpc_id, view.name_of(view.vpcs[vpc_id].tags), endpoints, hostnames, has_tgw)


# Every VPC of a Region across the accounts of the scan, pooled (built from each shard's VPCs).
_region_pool: Fold[dict[str, tuple[_Vpc, ...]], _Pool | None] = Fold(
    "cost001.region_pool", _pool_part, _pool_whole, used_by=("COST001",))
