"""NAT002 nat-gateway-cross-az-route."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.remedy import Phase, step
from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.rules._fixes import new_nat_gateway, route_tables_to_nat_in_az
from vpcaudit.rules._shared_vpc import not_judged_here, owned_elsewhere
from vpcaudit.rules._sorted import vpcs_by_id
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.engine.remedy import FixStep
    from vpcaudit.network.view import NetworkView
    from vpcaudit.pricing import CostModel
    from vpcaudit.snapshot import resources as r


@rule(id="NAT002", name="nat-gateway-cross-az-route", severity=Severity.MEDIUM,
      # Egress classes follow firewall endpoints (VPC endpoints) to the NAT gateway.
      needs=(Part.VPCS, Part.SUBNETS, Part.ROUTE_TABLES, Part.NAT_GATEWAYS, Part.VPC_ENDPOINTS),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html",
          "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-scenarios.html",
          "https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer_within_the_same_AWS_Region",
          "https://docs.aws.amazon.com/cli/latest/reference/ec2/replace-route.html",
      ),
      seeds=("001",))
def nat_gateway_cross_az_route(ctx: RuleContext) -> Iterator[Finding]:
    """A private subnet's default route (followed through firewall endpoints) ends at a public
    zonal NAT gateway in another Availability Zone, compared by AZ ID. One finding per subnet.

    Regional NAT gateways (they follow workloads across AZs) and private NAT gateways are
    exempt. A route to a NAT gateway that is not in the snapshot is not evaluated; a blackhole
    default route is RT001's.

    ## Why it matters
    Every byte the subnet sends to or receives from the internet crosses AZs: $0.01/GB in each
    direction on top of NAT gateway processing ($0.045/GB). And the subnet depends on an AZ it
    does not run in — when the NAT gateway's AZ is impaired, this subnet loses internet egress
    even though its own AZ is healthy, which defeats spreading workloads across AZs.

    ## How to fix
    Point the subnet's route table at the NAT gateway in its own AZ (create one in a public
    subnet of that AZ first if there is none, or use a regional NAT gateway):

    ```
    aws ec2 create-nat-gateway --subnet-id <public-subnet-in-same-az> --allocation-id <eipalloc-id>
    aws ec2 replace-route --route-table-id <rtb-id> --destination-cidr-block 0.0.0.0/0 \\
        --nat-gateway-id <same-az-nat-id>
    ```

    If several AZs' subnets share one route table, give each AZ its own route table first.
    """
    view = ctx.view
    for vpc in vpcs_by_id(view):
        if owned_elsewhere(ctx, vpc.owner_id):
            ref = ctx.ref("vpc", vpc.vpc_id, vpc.vpc_id, view.name_of(vpc.tags))
            yield from not_judged_here(ctx, ref, vpc.owner_id, "its route tables")
            continue
        for subnet in view.private_subnets(vpc.vpc_id):
            yield from _judge(ctx, subnet)


def _judge(ctx: RuleContext, subnet: r.Subnet) -> Iterator[Finding]:
    view = ctx.view
    egress = view.egress(subnet.subnet_id)
    target = egress.target_id or ""
    if egress.klass != "nat" or not target.startswith("nat-"):
        return
    ref = ctx.ref("subnet", subnet.subnet_id, subnet.vpc_id, view.name_of(subnet.tags))
    nat = view.nat_gateways.get(target)
    if nat is None:
        yield ctx.not_evaluated(ref, f"{subnet.subnet_id}: its default route targets NAT gateway {target}, which is "
                                     "not in the snapshot, so its AZ is unknown")
        return
    if nat.connectivity_type != "public" or nat.availability_mode == "regional":
        return
    nat_az = view.nat_az_id(nat)
    if nat_az is None:
        yield ctx.not_evaluated(ref, f"{subnet.subnet_id}: the AZ of NAT gateway {target} is unknown (its subnet "
                                     f"{nat.subnet_id} was not collected)")
        return
    az = subnet.availability_zone_id
    if nat_az == az:
        return
    local = [n.nat_gateway_id for n in view.nat_gateways_of(subnet.vpc_id)
             if n.connectivity_type == "public" and n.availability_mode != "regional"
             and n.state.lower() == "available" and view.nat_az_id(n) == az]
    # The subnet's own table: after firewall hops, egress.route_table_id is the firewall subnet's.
    table = view.effective_route_table(subnet.subnet_id)
    table_id = table.route_table_id if table is not None else egress.route_table_id
    own_endpoint = _same_az_firewall_endpoint(view, subnet, egress.hops)
    # Behind firewall endpoints the NAT route lives in the firewall subnet's table, so that is the
    # table to change (typically: one firewall endpoint per AZ, each routed to its AZ's NAT) —
    # unless the crossing is the subnet's own route to another AZ's firewall endpoint.
    where = (f"Change the default route of {egress.route_table_id} (the firewall subnet's table) to "
             if egress.hops else "Route it to ")
    fix = (f"Route it to firewall endpoint {own_endpoint} in {az}, whose traffic leaves through "
           f"{view.egress(_endpoint_subnet_in(view, own_endpoint, az)).target_id} in {az}: the first hop, not the NAT "
           "gateway's route, is what crosses AZs." if own_endpoint else
           f"{where}{', '.join(local)} in {az}." if local else
           f"Create a NAT gateway in a public subnet of {az} (~{ctx.cost.money(ctx.cost.nat_gateway_month())}/month) "
           "or use a regional NAT gateway.")
    through = f" through firewall endpoint {', '.join(egress.hops)}" if egress.hops else ""
    yield ctx.finding(
        ref,
        f"Private subnet {subnet.subnet_id} ({az}, route table {table_id}) sends its internet traffic"
        f"{through} to NAT gateway {target} in {nat_az}: every GB crosses AZs "
        f"({ctx.cost.rate(ctx.cost.cross_az_gb_each_way)}/GB "
        f"each way on top of NAT processing) and the subnet loses internet egress when {nat_az} is impaired. {fix}",
        evidence=evidence_dict(subnet_az_id=az, nat_gateway_id=target, nat_az_id=nat_az,
                               route_table_id=table_id, firewall_hops=egress.hops or None,
                               same_az_nat_gateway_ids=local or None),
        fix=(_to_endpoint(view, table_id, az, own_endpoint) if own_endpoint
             else _fix(view, subnet.vpc_id, az, egress.route_table_id, local, ctx.cost)))


def _same_az_firewall_endpoint(view: NetworkView, subnet: r.Subnet, hops: tuple[str, ...]) -> str | None:
    """Where the subnet's first firewall hop is another AZ's endpoint: an endpoint of the same
    firewall (service) in the subnet's own AZ whose subnet sends its traffic to a zonal NAT gateway
    of that AZ, else None. AWS: "To keep traffic within the same Availability Zone, we recommend
    that you create a Gateway Load Balancer endpoint in each Availability Zone that you'll send
    traffic to"; the subnet's own table is then the one to change."""
    first = view.endpoints.get(hops[0]) if hops else None
    az = subnet.availability_zone_id
    if first is None or az is None or az in view.endpoint_az_ids(first):
        return None
    for endpoint in view.endpoints_of(subnet.vpc_id, first.endpoint_type):
        if endpoint.service_name != first.service_name or view.endpoint_ended(endpoint):
            continue
        own = _endpoint_subnet_in(view, endpoint.vpc_endpoint_id, az)
        if own is None:
            continue
        egress = view.egress(own)
        nat = view.nat_gateways.get(egress.target_id or "")
        if egress.klass == "nat" and nat is not None and view.nat_az_id(nat) == az:
            return endpoint.vpc_endpoint_id
    return None


def _endpoint_subnet_in(view: NetworkView, endpoint_id: str, az: str) -> str | None:
    endpoint = view.endpoints.get(endpoint_id)
    return next((s for s in (endpoint.subnet_ids if endpoint else ()) if view.az_id_of(s) == az), None)


def _to_endpoint(view: NetworkView, table_id: str | None, az: str, endpoint_id: str) -> list[FixStep]:
    """Point the subnet's own default route at the firewall endpoint of its AZ; a table that
    subnets of other AZs also use needs one route table per AZ first."""
    table = view.route_tables.get(table_id or "")
    if table is None:
        return []
    azs = {view.az_id_of(s) for s in view.implicit_subnets(table)} - {None}
    decision = (f"{table.route_table_id} also serves subnets in {', '.join(sorted(a for a in azs - {az} if a))}: "
                "give each AZ its own route table first") if azs - {az} else None
    return [step("ec2:ReplaceRoute", {"RouteTableId": table.route_table_id, "DestinationCidrBlock": "0.0.0.0/0",
                                      "VpcEndpointId": endpoint_id},
                 table.route_table_id, Phase.MODIFY,
                 f"Route 0.0.0.0/0 of {table.route_table_id} to firewall endpoint {endpoint_id} in {az}",
                 decision=decision)]


def _fix(view: NetworkView, vpc_id: str, az: str, table_id: str | None, local: list[str],
         cost: CostModel) -> list[FixStep]:
    """Route the table holding the NAT route to this AZ's NAT gateway, created first if there is none."""
    if table_id is None:
        return []
    if local:
        return route_tables_to_nat_in_az(view, [table_id], az, local[0], f"to {local[0]} in {az}")
    created, nat = new_nat_gateway(view, vpc_id, az, cost)
    return [*created, *route_tables_to_nat_in_az(view, [table_id], az, nat, f"to the new NAT gateway in {az}")]

