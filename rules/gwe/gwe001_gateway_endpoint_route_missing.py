"""GWE001 gateway-endpoint-route-missing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.remedy import FixStep, Phase, step
from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.network.paths import resolve_service
from vpcaudit.rules._fixes import endpoint_context, route_destination
from vpcaudit.rules._shared_vpc import not_judged_here, owned_elsewhere
from vpcaudit.rules._sorted import vpcs_by_id
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.engine.rule import ResourceRef
    from vpcaudit.network.routing import Outcome
    from vpcaudit.network.view import NetworkView
    from vpcaudit.snapshot import resources as r

GATEWAY_SERVICES = {"s3": "S3", "dynamodb": "DynamoDB", "s3express": "S3 Express One Zone"}


@rule(id="GWE001", name="gateway-endpoint-route-missing", severity=Severity.MEDIUM,
      # Egress classes (which subnets are private) read NAT gateways and firewall endpoints too.
      needs=(Part.VPCS, Part.SUBNETS, Part.ROUTE_TABLES, Part.NAT_GATEWAYS, Part.VPC_ENDPOINTS, Part.PREFIX_LISTS),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html",
          "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html",
          "https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html",
          "https://docs.aws.amazon.com/cli/latest/reference/ec2/modify-vpc-endpoint.html",
      ),
      seeds=("001",))
def gateway_endpoint_route_missing(ctx: RuleContext) -> Iterator[Finding]:
    """The VPC has an S3, DynamoDB or S3 Express One Zone (`s3express`, directory buckets)
    gateway endpoint, but a private subnet's route table does
    not send all of that service's prefix-list CIDRs to it. One finding per subnet and service.

    Route resolution follows AWS route priority (docs/network-model.md): the subnet's effective route table
    (explicit association, else the main table), longest prefix first, so a more specific CIDR
    route carves part of the prefix list away (a *split* path, which counts). Ambiguous
    prefix-list overlaps and prefix lists that were not collected make the subnet *not
    evaluated*, never a guess. Gateway endpoints serve same-Region buckets and tables only, so
    traffic to other Regions is out of scope. Transit gateway attachment subnets (only the
    attachment's interfaces in them) are not judged: traffic arriving through a transit gateway
    can never use this VPC's gateway endpoint, so their route table needs no prefix-list route.
    Nor are firewall subnets holding only Network Firewall or Gateway Load Balancer endpoints:
    they forward traffic from the transit gateway or from this VPC's own subnets, which are
    judged themselves.

    ## Why it matters
    Only route tables associated with the gateway endpoint get its prefix-list route. A private
    subnet on any other table keeps sending S3 / DynamoDB traffic to its default route: through a
    NAT gateway ($0.045/GB processed) or a transit gateway ($0.02/GB), or nowhere at all in an
    isolated subnet — while the free endpoint sits unused and the endpoint policy you wrote
    does not apply to that traffic. Forgetting one route table (often the one added last, or
    the main table that new subnets fall back to) is the most common gateway-endpoint mistake.

    ## How to fix
    Associate the subnet's route table with the endpoint; AWS adds the prefix-list route:

    ```
    aws ec2 modify-vpc-endpoint --vpc-endpoint-id <vpce-id> --add-route-table-ids <rtb-id>
    ```

    If a more specific route overrides part of the prefix list, delete it (or narrow it so it
    no longer overlaps the service's CIDRs):

    ```
    aws ec2 describe-managed-prefix-lists --filters Name=prefix-list-name,Values=com.amazonaws.<region>.s3
    aws ec2 delete-route --route-table-id <rtb-id> --destination-cidr-block <overlapping-cidr>
    ```
    """
    view = ctx.view
    for vpc in vpcs_by_id(view):
        if owned_elsewhere(ctx, vpc.owner_id):
            ref = ctx.ref("vpc", vpc.vpc_id, vpc.vpc_id, view.name_of(vpc.tags))
            yield from not_judged_here(ctx, ref, vpc.owner_id, "its gateway endpoints and route tables")
            continue
        live = [(view.service(e), e) for e in view.endpoints_of(vpc.vpc_id, "Gateway") if not view.endpoint_ended(e)]
        endpoints = {key: tuple(e for info, e in live if info.is_aws_service and info.key == key)
                     for key in GATEWAY_SERVICES}
        if not any(endpoints.values()):
            continue
        for subnet in view.private_source_subnets(vpc.vpc_id):
            for key, service_endpoints in endpoints.items():
                if service_endpoints:
                    yield from _judge(ctx, subnet, key, service_endpoints)


def _judge(ctx: RuleContext, subnet: r.Subnet, key: str, endpoints: tuple[r.VpcEndpoint, ...]) -> Iterator[Finding]:
    view = ctx.view
    label = GATEWAY_SERVICES[key]
    outcomes, error = resolve_service(view, subnet, key)
    table = view.effective_route_table(subnet.subnet_id)
    if error or table is None:
        yield ctx.not_evaluated(_ref(ctx, subnet),
                                f"{subnet.subnet_id}: cannot resolve {label} routes: {error or 'no route table'}",
                                discriminator=key)
        return
    endpoint_ids = {e.vpc_endpoint_id for e in endpoints}
    # One pass: testing each outcome's membership in the others compared outcomes field by field.
    reached: list[Outcome] = []
    ambiguous: list[Outcome] = []
    missed: list[Outcome] = []
    for o in outcomes:
        if o.delivers and o.kind == "vpce" and o.target_id in endpoint_ids:
            reached.append(o)
        elif o.kind == "ambiguous":
            ambiguous.append(o)
        else:
            missed.append(o)
    unresolved = view.route_index(table).unresolved_prefix_lists
    if not missed:
        # An unknown prefix list can only divert service CIDRs away from the endpoint (routes to a
        # gateway endpoint exist only for its own AWS-managed list), so it matters only here.
        doubt = (f"{ambiguous[0].cidr}: {ambiguous[0].reason}" if ambiguous else
                 f"route table {table.route_table_id} uses prefix list(s) {', '.join(unresolved)} that were not "
                 f"collected and may override {label}'s CIDRs" if unresolved else "")
        if doubt:
            yield ctx.not_evaluated(_ref(ctx, subnet), f"{subnet.subnet_id}: cannot tell whether {label} traffic "
                                    f"reaches {', '.join(sorted(endpoint_ids))}: {doubt}", discriminator=key)
        return
    associated = reached or any(table.route_table_id in e.route_table_ids for e in endpoints)
    where = "; ".join(f"{_destination(view, o)}, e.g. {o.cidr}" for o in missed)
    table_how = "the VPC's main route table" if view.uses_main_table(subnet.subnet_id) else "route table"
    if reached:
        what = (f"part of {label}'s prefix list is carved away from gateway endpoint {reached[0].target_id} "
                f"by more specific routes (to {where})")
    else:
        what = (f"none of {label}'s prefix-list CIDRs reach gateway endpoint {', '.join(sorted(endpoint_ids))} "
                f"(they go to {where})")
    yield ctx.finding(
        _ref(ctx, subnet),
        f"Private subnet {subnet.subnet_id} ({subnet.availability_zone_id}, {table_how} {table.route_table_id}): "
        f"{what}, so {'that part of ' if reached else ''}its {label} traffic {_consequence(ctx, missed)}. "
        + (f"Remove or narrow the routes in {table.route_table_id} that override the endpoint's prefix-list route."
           if associated else f"Associate {table.route_table_id} with the endpoint."),
        evidence=evidence_dict(service=key, endpoint_ids=endpoint_ids, route_table_id=table.route_table_id,
                               uses_main_table=view.uses_main_table(subnet.subnet_id), split=bool(reached),
                               table_associated=bool(associated),
                               outcomes=[f"{o.cidr}→{_destination(view, o)}" for o in missed]),
        discriminator=key, fix=_fix(table, endpoints, missed, associated=bool(associated)))


def _ref(ctx: RuleContext, subnet: r.Subnet) -> ResourceRef:
    """The subnet as a finding's resource: built only for the few subnets judged to have one."""
    return ctx.ref("subnet", subnet.subnet_id, subnet.vpc_id, ctx.view.name_of(subnet.tags))


def _fix(table: r.RouteTable, endpoints: tuple[r.VpcEndpoint, ...], missed: list[Outcome], *,
         associated: bool) -> list[FixStep]:
    """Associate the table (AWS adds the prefix-list route), or remove the routes that override it."""
    if not associated:
        endpoint = min(endpoints, key=lambda e: e.vpc_endpoint_id)
        return [step("ec2:ModifyVpcEndpoint", {"VpcEndpointId": endpoint.vpc_endpoint_id,
                                                "AddRouteTableIds": [table.route_table_id]},
                     endpoint.vpc_endpoint_id, Phase.ASSOCIATE,
                     f"Associate route table {table.route_table_id} with gateway endpoint {endpoint.vpc_endpoint_id} "
                     "(AWS adds the service's prefix-list route)", context=endpoint_context(endpoint))]
    overriding = {o.winner.route.destination: o.winner.route for o in missed if o.winner is not None}
    return [step("ec2:DeleteRoute", {"RouteTableId": table.route_table_id, **route_destination(route)},
                 table.route_table_id, Phase.DELETE,
                 f"Delete route {route.destination} → {route.target_id} of {table.route_table_id}, which overrides "
                 "the gateway endpoint's prefix-list route",
                 decision="the route may carry other traffic on purpose (an inspection appliance, a specific "
                          "range): delete or narrow it only if nothing else needs it")
            for route in sorted(overriding.values(), key=lambda x: x.destination)]


def _destination(view: NetworkView, outcome: Outcome) -> str:
    """Where a missed CIDR goes, in words (NAT gateway nat-…, transit gateway tgw-…, nowhere…)."""
    if outcome.kind == "none":
        return "nowhere (no route)"
    if not outcome.delivers:
        state = outcome.winner.route.state if outcome.winner else "inactive"
        return f"nowhere ({outcome.kind} {outcome.target_id} route is {state})"
    if outcome.kind == "nat":
        nat = view.nat_gateways.get(outcome.target_id or "")
        private = nat is not None and nat.connectivity_type == "private"
        return f"{'private ' if private else ''}NAT gateway {outcome.target_id}"
    names = {"tgw": "transit gateway", "igw": "internet gateway", "vgw": "virtual private gateway",
             "pcx": "peering connection", "vpce": "endpoint", "instance": "instance", "eni": "network interface",
             "cloudwan": "Cloud WAN core network", "lgw": "local gateway", "carrier": "carrier gateway"}
    return f"{names.get(outcome.kind, outcome.kind)} {outcome.target_id}"


def _consequence(ctx: RuleContext, missed: list[Outcome]) -> str:
    """What the missed part of the service's traffic costs or suffers."""
    kinds = {o.kind for o in missed if o.delivers}
    notes = []
    if "nat" in kinds:
        notes.append(f"pays NAT gateway data processing ({ctx.cost.rate(ctx.cost.nat_gateway_gb)}/GB)")
    if kinds & {"tgw", "cloudwan"}:
        notes.append(f"pays transit data processing ({ctx.cost.rate(ctx.cost.tgw_gb)}/GB on a transit gateway)")
    if any(not o.delivers for o in missed):
        notes.append("is dropped for the CIDRs that go nowhere")
    return " and ".join(notes) if notes else "bypasses the free gateway endpoint"
