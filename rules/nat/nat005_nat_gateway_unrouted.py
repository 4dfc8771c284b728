"""NAT005 nat-gateway-unrouted."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.remedy import Phase, step
from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.rules._shared_vpc import not_judged_here, owned_elsewhere
from vpcaudit.rules._sorted import nat_gateways_by_id
from vpcaudit.rules.nat._idle import billed_azs, carries_traffic, tables_routing_to_nat
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.engine.rule import ResourceRef
    from vpcaudit.network.view import NetworkView
    from vpcaudit.snapshot import resources as r


@rule(id="NAT005", name="nat-gateway-unrouted", severity=Severity.LOW,
      needs=(Part.VPCS, Part.SUBNETS, Part.ROUTE_TABLES, Part.NAT_GATEWAYS),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html",
          "https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html",
          "https://aws.amazon.com/vpc/pricing/",
          "https://docs.aws.amazon.com/cli/latest/reference/ec2/delete-nat-gateway.html",
      ),
      seeds=("000",))
def nat_gateway_unrouted(ctx: RuleContext) -> Iterator[Finding]:
    """An available NAT gateway that no route table a subnet uses routes to: no route of any
    route table of its VPC names it, or only tables no subnet is associated with (and that are
    not the VPC's main table) do. Shows its monthly cost. Decided from the route tables alone,
    so it needs no metrics and runs by default; NAT004 judges the NAT gateways something routes to.

    A NAT gateway in a VPC another account shares is not evaluated (the route tables are that
    account's), nor one whose VPC's main route table was not collected. Pending, deleting,
    deleted and failed NAT gateways are not checked.

    ## Why it matters
    Traffic reaches a NAT gateway only through a route that targets it, in the route table of the
    subnet it leaves from (a VPC's main table for subnets without one of their own). With none, the
    gateway forwards nothing, yet bills about $32.85 a month (per AZ for a regional one) and holds
    an Elastic IP. It is usually the second half of a migration, or the gateway meant for an AZ
    whose subnets still route to another AZ's gateway (NAT002) — then routing them here, not
    deleting it, is the fix.

    ## How to fix
    Delete it and release its Elastic IP — or, if it was meant for its AZ's subnets, point their
    default routes at it:

    ```
    aws ec2 delete-nat-gateway --nat-gateway-id <nat-id>
    aws ec2 release-address --allocation-id <eipalloc-id>
    ```
    """
    view = ctx.view
    routed = tables_routing_to_nat(view)
    for nat in nat_gateways_by_id(view):
        if nat.state.lower() != "available":
            continue
        vpc = view.vpcs.get(nat.vpc_id)
        if vpc is not None and owned_elsewhere(ctx, vpc.owner_id):
            yield from not_judged_here(ctx, _ref(ctx, nat), vpc.owner_id, "its route tables")
            continue
        if view.main_route_table(nat.vpc_id) is None:
            yield ctx.not_evaluated(_ref(ctx, nat), f"the main route table of {nat.vpc_id} was not collected: a "
                                                    "subnet without a table of its own may route to the NAT gateway "
                                                    "through it")
            continue
        tables = routed.get(nat.nat_gateway_id, ())
        if any(carries_traffic(view, t) for t in tables):
            continue
        yield _unrouted(ctx, view, _ref(ctx, nat), nat, tuple(t.route_table_id for t in tables))


def _ref(ctx: RuleContext, nat: r.NatGateway) -> ResourceRef:
    """The NAT gateway as a finding's resource: built only for the few with something to report,
    as its name is looked up among the tags."""
    return ctx.ref("nat-gateway", nat.nat_gateway_id, nat.vpc_id, ctx.view.name_of(nat.tags))


def _unrouted(ctx: RuleContext, view: NetworkView, ref: ResourceRef, nat: r.NatGateway,
              unused_tables: tuple[str, ...]) -> Finding:
    azs = billed_azs(nat)
    monthly = round(ctx.cost.nat_gateway_month() * azs, 2)
    kind = f"{nat.connectivity_type} {nat.availability_mode}"
    why = (f"only route table(s) {', '.join(unused_tables)} route to it, and no subnet uses them"
           if unused_tables else "no route table routes to it")
    elsewhere = _own_az_subnets_routed_elsewhere(view, nat)
    hint = (f"; subnet(s) {', '.join(elsewhere)} in its AZ send their internet traffic to another NAT gateway: "
            "if it was meant for them, route them here instead" if elsewhere else "")
    decisions = [f"route table(s) {', '.join(unused_tables)} keep a route to it that becomes a blackhole"
                 ] if unused_tables else []
    if elsewhere:
        decisions.append(f"subnet(s) {', '.join(elsewhere)} of its AZ may be meant to use it (NAT002)")
    return ctx.finding(
        ref,
        f"NAT gateway {nat.nat_gateway_id} ({kind}) costs ~{ctx.cost.money(monthly)}/month but {why}: no traffic "
        f"can reach it{hint}.",
        evidence=evidence_dict(route_table_ids=list(unused_tables) or None, billed_azs=azs,
                               same_az_subnets_using_another_nat=elsewhere or None),
        monthly_cost_usd=monthly,
        fix=[step("ec2:DeleteNatGateway", {"NatGatewayId": nat.nat_gateway_id}, nat.nat_gateway_id, Phase.DELETE,
                  f"Delete NAT gateway {nat.nat_gateway_id}, which nothing routes to (then release its Elastic IP)",
                  decision="; ".join(decisions) or None)])


def _own_az_subnets_routed_elsewhere(view: NetworkView, nat: r.NatGateway) -> list[str]:
    """Subnets in the zonal NAT gateway's AZ whose default route goes to another NAT gateway."""
    if nat.availability_mode == "regional":
        return []
    az = view.az_id_of(nat.subnet_id)
    out = []
    for subnet in view.subnets_of(nat.vpc_id):
        if az is None or view.az_id_of(subnet.subnet_id) != az:
            continue
        table = view.effective_route_table(subnet.subnet_id)
        targets = {x.target_id for x in table.routes if x.destination == "0.0.0.0/0" and x.target_kind == "nat"
                   } if table else set()
        if targets - {nat.nat_gateway_id}:
            out.append(subnet.subnet_id)
    return sorted(out)
