"""NAT003 nat-gateway-missing-in-az."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.rules._fixes import new_nat_gateway, route_tables_to_nat_in_az
from vpcaudit.rules._shared_vpc import not_judged_here, owned_elsewhere
from vpcaudit.rules._sorted import vpcs_by_id
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.engine.remedy import FixStep
    from vpcaudit.engine.rule import ResourceRef
    from vpcaudit.network.view import NetworkView
    from vpcaudit.pricing import CostModel
    from vpcaudit.snapshot import resources as r

# A regional NAT gateway in one of these states serves nobody.
_GONE = frozenset({"deleting", "deleted", "failed"})


@rule(id="NAT003", name="nat-gateway-missing-in-az", severity=Severity.MEDIUM,
      # Egress classes follow firewall endpoints (VPC endpoints) to the NAT gateway.
      needs=(Part.VPCS, Part.SUBNETS, Part.ROUTE_TABLES, Part.NAT_GATEWAYS, Part.VPC_ENDPOINTS),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html",
          "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateways-regional.html",
          "https://docs.aws.amazon.com/wellarchitected/latest/reliability-pillar/rel_planning_network_topology_ha_conn_users.html",
          "https://docs.aws.amazon.com/cli/latest/reference/ec2/create-nat-gateway.html",
      ),
      seeds=("001",))
def nat_gateway_missing_in_az(ctx: RuleContext) -> Iterator[Finding]:
    """The VPC sends private subnets to NAT gateways in the VPC, but an AZ holding such subnets
    has no available public zonal NAT gateway of its own and its subnets are not routed to a
    regional NAT gateway. One finding per VPC and AZ (compared by AZ ID).

    Subnets that leave through a transit gateway, Cloud WAN, a private NAT gateway or a NAT
    instance do not count. When a subnet routes to a NAT gateway missing from the snapshot and
    the AZ has none of its own, that AZ is not evaluated (the missing one could be regional).

    ## Why it matters
    The production baseline of the seed guidance is one NAT gateway per AZ. Subnets of an AZ
    without its own NAT gateway lose internet egress whenever the AZ they are routed to is
    impaired — a single-AZ dependency for a workload spread over several AZs — and every GB they
    send crosses AZs ($0.01/GB each way, see NAT002).

    ## How to fix
    Create a NAT gateway in a public subnet of the AZ and route that AZ's private subnets to it
    (about $32.85/month per NAT gateway, plus its data processing):

    ```
    aws ec2 allocate-address --domain vpc
    aws ec2 create-nat-gateway --subnet-id <public-subnet-in-az> --allocation-id <eipalloc-id>
    aws ec2 replace-route --route-table-id <private-rtb-in-az> --destination-cidr-block 0.0.0.0/0 \\
        --nat-gateway-id <new-nat-id>
    ```

    Or replace the zonal NAT gateways with one regional NAT gateway, which follows your
    workloads into every AZ:

    ```
    aws ec2 create-nat-gateway --vpc-id <vpc-id> --availability-mode regional
    ```
    """
    view = ctx.view
    for vpc in vpcs_by_id(view):
        if owned_elsewhere(ctx, vpc.owner_id):
            yield from not_judged_here(ctx, _ref(ctx, vpc), vpc.owner_id, "its route tables and NAT gateways")
            continue
        routed: dict[str, list[tuple[r.Subnet, str, r.NatGateway | None]]] = defaultdict(list)
        for subnet in view.private_subnets(vpc.vpc_id):
            egress = view.egress(subnet.subnet_id)
            target = egress.target_id or ""
            nat = view.nat_gateways.get(target)
            if egress.klass == "nat" and target.startswith("nat-") and (nat is None or nat.vpc_id == vpc.vpc_id):
                routed[subnet.availability_zone_id].append((subnet, target, nat))
        own: dict[str, list[r.NatGateway]] = defaultdict(list)
        for nat in view.nat_gateways_of(vpc.vpc_id):
            if nat.connectivity_type == "public" and nat.availability_mode != "regional":
                own[view.nat_az_id(nat) or ""].append(nat)
        for az, items in sorted(routed.items()):
            if any(n.state.lower() == "available" for n in own.get(az, ())):
                continue
            elsewhere = [(s, t, n) for s, t, n in items
                         if n is not None and not (n.availability_mode == "regional" and n.state.lower() not in _GONE)]
            unknown = sorted({t for _, t, n in items if n is None})
            if not elsewhere:
                if unknown:
                    yield ctx.not_evaluated(_ref(ctx, vpc), f"AZ {az} of {vpc.vpc_id} has no NAT gateway of its "
                                                            f"own, and its subnets route to {', '.join(unknown)}, "
                                                            "which is not in the snapshot (it could be regional)",
                                            discriminator=az)
                continue
            yield _finding(ctx, _ref(ctx, vpc), az, elsewhere, own.get(az, []))


def _ref(ctx: RuleContext, vpc: r.Vpc) -> ResourceRef:
    """The VPC as a finding's resource: built only for the VPCs with something to report, as its
    name is looked up among the tags."""
    return ctx.ref("vpc", vpc.vpc_id, vpc.vpc_id, ctx.view.name_of(vpc.tags))


def _finding(ctx: RuleContext, ref: ResourceRef, az: str, elsewhere: list[tuple[r.Subnet, str, r.NatGateway | None]],
             idle_own: list[r.NatGateway]) -> Finding:
    view = ctx.view
    subnets = sorted({s.subnet_id for s, _, _ in elsewhere})
    targets = sorted({t for _, t, _ in elsewhere})
    where = ", ".join(f"{t} in {view.nat_az_id(view.nat_gateways[t]) or 'an unknown AZ'}" for t in targets)
    note = (" (" + ", ".join(f"{n.nat_gateway_id} is {n.state}" for n in idle_own) + ")") if idle_own else ""
    monthly = ctx.cost.nat_gateway_month()
    return ctx.finding(
        ref,
        f"AZ {az} of VPC {ref.resource_id} holds private subnet(s) {', '.join(subnets)} that reach the internet "
        f"through NAT gateway {where}, and has no available NAT gateway of its own{note}: an impairment of "
        f"another AZ cuts their internet egress. Create a NAT gateway in a public subnet of {az} "
        f"(~{ctx.cost.money(monthly)}/month) and route them to it, or use a regional NAT gateway.",
        evidence=evidence_dict(az_id=az, subnet_ids=subnets, nat_gateway_ids=targets,
                               added_monthly_cost_usd=monthly),
        discriminator=az, fix=_fix(view, ref.resource_id, az, [s for s, _, _ in elsewhere], ctx.cost))


def _fix(view: NetworkView, vpc_id: str, az: str, subnets: list[r.Subnet], cost: CostModel) -> list[FixStep]:
    """A NAT gateway in this AZ, and the AZ's NAT-routed subnets' tables pointed at it."""
    created, nat = new_nat_gateway(view, vpc_id, az, cost)
    tables = [t for t in (view.egress(s.subnet_id).route_table_id for s in subnets) if t]
    return [*created, *route_tables_to_nat_in_az(view, tables, az, nat, f"to the new NAT gateway in {az}")]

