"""RT001 route-blackhole."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.remedy import Phase, step
from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.rules._fixes import route_destination
from vpcaudit.rules._shared_vpc import owned_elsewhere
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.engine.rule import ResourceRef
    from vpcaudit.network.view import NetworkView
    from vpcaudit.snapshot import resources as r

DEFAULT_ROUTES = ("0.0.0.0/0", "::/0")
# Target states (lower-cased) in which the target forwards nothing.
_DEAD_TARGET_STATES = frozenset({"deleted", "failed"})
# Target kinds the collector lists completely for the account, and what they are called.
_LISTED_KINDS = {"nat": "NAT gateway", "vpce": "VPC endpoint", "eni": "network interface", "instance": "instance"}


@rule(id="RT001", name="route-blackhole", severity=Severity.HIGH,
      # Targets are looked up among NAT gateways, endpoints and network interfaces (instances by
      # their attached interfaces); subnets and prefix lists decide the severity.
      needs=(Part.ROUTE_TABLES, Part.SUBNETS, Part.NAT_GATEWAYS, Part.VPC_ENDPOINTS, Part.NETWORK_INTERFACES,
             Part.PREFIX_LISTS),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html",
          "https://docs.aws.amazon.com/vpc/latest/userguide/route-table-options.html",
          "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Route.html",
          "https://docs.aws.amazon.com/cli/latest/reference/ec2/replace-route.html",
      ))
def route_blackhole(ctx: RuleContext) -> Iterator[Finding]:
    """A route delivers nothing: its `State` is not `active` (`blackhole`, `filtered`, unknown),
    or its target is a NAT gateway, VPC endpoint, network interface or instance that is absent
    from the account or `deleted` / `failed`. One finding per route.

    High for a default route (`0.0.0.0/0`, `::/0`) or an AWS-managed service prefix-list route
    of a route table that subnets use (explicitly, or implicitly as the main table); medium
    otherwise. Targets of other kinds (transit gateways, peering connections, gateways) are
    judged by the route's state only; when the route table belongs to another account its
    targets are not evaluated, never reported absent.

    ## Why it matters
    Traffic matching a blackhole route is dropped — the route still wins by longest prefix, so
    AWS does not fall back to a less specific route. A dead default route cuts every subnet on
    the table off the internet or the on-premises network; a dead S3 / DynamoDB prefix-list
    route breaks the service for those subnets. Blackholes usually remain after a NAT gateway,
    endpoint, instance or attachment was deleted and its routes were not.

    ## How to fix
    Point the route at a live target, or delete it if it is no longer needed:

    ```
    aws ec2 replace-route --route-table-id <rtb-id> --destination-cidr-block <cidr> \\
        --nat-gateway-id <live-nat-id>
    aws ec2 delete-route --route-table-id <rtb-id> --destination-cidr-block <cidr>
    ```

    For a prefix-list or IPv6 route use `--destination-prefix-list-id <pl-id>` or
    `--destination-ipv6-cidr-block <cidr>`. A dead gateway-endpoint route disappears when the
    table is removed from the endpoint:

    ```
    aws ec2 modify-vpc-endpoint --vpc-endpoint-id <vpce-id> --remove-route-table-ids <rtb-id>
    ```
    """
    view = ctx.view
    instances = {i.instance_id for i in view.interfaces.values() if i.instance_id}
    for table in sorted(view.route_tables.values(), key=lambda t: t.route_table_id):
        shared = owned_elsewhere(ctx, table.owner_id)
        if shared and ctx.snapshot.has_account(table.owner_id):
            continue  # a shared VPC's table: its owner, in this scan, judges it (and alone can change it)
        subnets = view.implicit_subnets(table)
        for route in table.routes:
            if route.target_kind == "local":
                continue
            disc = f"{route.destination}→{route.target_id}"
            problem = None
            if route.state != "active":
                problem = f"is {route.state or 'in an unknown state'}"
            elif route.target_kind in _LISTED_KINDS:
                if shared:
                    yield ctx.not_evaluated(_ref(ctx, table),
                                            f"{_label(view, route)} in {table.route_table_id}: the table belongs "
                                            f"to account {table.owner_id}, whose targets are not listed here",
                                            discriminator=disc)
                    continue
                problem = _dead_target(view, route, instances)
            if problem is None:
                continue
            vital = route.destination in DEFAULT_ROUTES or _service_prefix_list(view, route) is not None
            yield ctx.finding(
                _ref(ctx, table),
                f"Route {_label(view, route)} in {table.route_table_id} {problem}: {_impact(view, table, subnets)}.",
                severity=Severity.HIGH if vital and subnets else Severity.MEDIUM,
                evidence=evidence_dict(destination=route.destination, target=route.target_id,
                                       target_kind=route.target_kind, state=route.state, subnet_ids=subnets or None,
                                       main_table=table.is_main),
                discriminator=disc,
                fix=[step("ec2:DeleteRoute", {"RouteTableId": table.route_table_id, **route_destination(route)},
                          table.route_table_id, Phase.DELETE,
                          f"Delete route {_label(view, route)} of {table.route_table_id}",
                          decision="point the route at a live target instead if its traffic must keep flowing: "
                                   f"once deleted, {_after_deletion(table, route)}")])


def _ref(ctx: RuleContext, table: r.RouteTable) -> ResourceRef:
    """The table as a finding's resource: built only for the few tables with something to report,
    as its name is looked up among the tags."""
    return ctx.ref("route-table", table.route_table_id, table.vpc_id, ctx.view.name_of(table.tags))


def _after_deletion(table: r.RouteTable, route: r.Route) -> str:
    """Where the route's traffic goes once it is deleted: a propagated route to the same
    destination, which a static route outranks while it exists ("If the destination of a
    propagated route is identical to the destination of a static route, the static route takes
    priority", VPC User Guide, route priority), or else a less specific route."""
    propagated = sorted({x.target_id for x in table.routes if x is not route and x.destination == route.destination
                         and x.origin == "EnableVgwRoutePropagation" and x.state == "active"})
    if propagated:
        return f"matching traffic takes the propagated route to {', '.join(propagated)} for the same destination"
    return "matching traffic falls back to a less specific route"


def _dead_target(view: NetworkView, route: r.Route, instances: set[str | None]) -> str | None:
    """Why an active route's listed target forwards nothing, or None when it is alive."""
    kind, target = route.target_kind, route.target_id
    what = f"{_LISTED_KINDS[kind]} {target}"
    if kind == "instance":
        return None if target in instances else f"targets {what}, which has no network interface in this account " \
                                                "(terminated?)"
    found: r.NatGateway | r.VpcEndpoint | r.NetworkInterface | None = {
        "nat": view.nat_gateways, "vpce": view.endpoints, "eni": view.interfaces}[kind].get(target)
    if found is None:
        return f"targets {what}, which does not exist in this account (deleted?)"
    state = getattr(found, "state", "")
    if state.lower() in _DEAD_TARGET_STATES:
        return f"targets {what}, whose state is {state}"
    return None


def _service_prefix_list(view: NetworkView, route: r.Route) -> r.PrefixList | None:
    if route.destination_type != "prefix_list":
        return None
    prefix_list = view.prefix_lists.get(route.destination)
    return prefix_list if prefix_list is not None and prefix_list.aws_managed else None


def _label(view: NetworkView, route: r.Route) -> str:
    destination = route.destination
    if route.destination_type == "prefix_list" and route.destination in view.prefix_lists:
        destination += f" ({view.prefix_lists[route.destination].prefix_list_name})"
    return f"{destination} → {route.target_id or route.target_kind}"


def _impact(view: NetworkView, table: r.RouteTable, subnets: tuple[str, ...]) -> str:
    if subnets:
        how = " (explicitly or as the main table)" if table.is_main else ""
        return f"matching traffic from {', '.join(subnets)}{how} is dropped"
    if any(a.gateway_id for a in table.associations):
        return "matching traffic arriving through the associated gateway is dropped"
    return "no subnet uses the table today, but any subnet associated with it would lose this traffic"
