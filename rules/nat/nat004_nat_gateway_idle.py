"""NAT004 nat-gateway-idle."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.remedy import Phase, step
from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.rules._sorted import nat_gateways_by_id
from vpcaudit.rules.nat._idle import billed_azs, carries_traffic, tables_routing_to_nat
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext

NAMESPACE = "AWS/NATGateway"
# Traffic in either direction through the NAT gateway, as its clients see it.
IDLE_METRICS = ("BytesOutToDestination", "BytesInFromSource")


@rule(id="NAT004", name="nat-gateway-idle", severity=Severity.LOW,
      # Route tables and subnets: which routes would become blackholes if the gateway were deleted,
      # and whether any route a subnet uses reaches it at all (if none, NAT005's).
      needs=(Part.NAT_GATEWAYS, Part.ROUTE_TABLES, Part.SUBNETS, Part.METRICS),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway-cloudwatch.html",
          "https://aws.amazon.com/vpc/pricing/",
          "https://docs.aws.amazon.com/cli/latest/reference/ec2/delete-nat-gateway.html",
      ))
def nat_gateway_idle(ctx: RuleContext) -> Iterator[Finding]:
    """With CloudWatch metrics collected (`--with metrics`): an available NAT gateway's
    `AWS/NATGateway` `BytesOutToDestination` and `BytesInFromSource` are both 0 over the
    look-back window (default 14 days). Shows its monthly cost. A NAT gateway no route table a
    subnet uses routes to is left to NAT005, which knows it idle without metrics.

    A NAT gateway whose two metrics were not both collected is not evaluated. Pending, deleting,
    deleted and failed NAT gateways are not checked.

    ## Why it matters
    A NAT gateway bills about $32.85 a month (per AZ for a regional one) whether or not a byte
    goes through it. An idle one is usually left over from a migration, a test, or an AZ whose
    subnets now route elsewhere.

    ## How to fix
    Check what still routes to it (those routes become blackholes once it is gone), move or
    delete them, then delete the gateway and release its Elastic IP:

    ```
    aws ec2 describe-route-tables --filters Name=route.nat-gateway-id,Values=<nat-id>
    aws ec2 delete-nat-gateway --nat-gateway-id <nat-id>
    aws ec2 release-address --allocation-id <eipalloc-id>
    ```
    """
    view = ctx.view
    metrics = {(m.resource_id, m.metric_name): m for m in ctx.region.metrics if m.namespace == NAMESPACE}
    routed = tables_routing_to_nat(view)
    for nat in nat_gateways_by_id(view):
        if nat.state.lower() != "available":
            continue
        tables = routed.get(nat.nat_gateway_id, ())
        if view.main_route_table(nat.vpc_id) is not None and not any(carries_traffic(view, t) for t in tables):
            continue  # nothing can reach it: NAT005 reports it from the route tables alone
        ref = ctx.ref("nat-gateway", nat.nat_gateway_id, nat.vpc_id, view.name_of(nat.tags))
        found = [metrics.get((nat.nat_gateway_id, name)) for name in IDLE_METRICS]
        missing = [name for name, m in zip(IDLE_METRICS, found, strict=True) if m is None]
        if missing:
            yield ctx.not_evaluated(ref, f"NAT gateway {nat.nat_gateway_id}: {NAMESPACE} {', '.join(missing)} "
                                         "was not collected")
            continue
        samples = [m for m in found if m is not None]
        if any(m.total > 0 for m in samples):
            continue
        days = max(m.window_days for m in samples)
        azs = billed_azs(nat)
        monthly = round(ctx.cost.nat_gateway_month() * azs, 2)
        routes = [t.route_table_id for t in tables]
        still = (f"route table(s) {', '.join(routes)} still route to it: move those routes before deleting it"
                 if routes else "nothing routes to it: delete it and release its Elastic IP")
        kind = f"{nat.connectivity_type} {nat.availability_mode}"
        yield ctx.finding(
            ref,
            f"NAT gateway {nat.nat_gateway_id} ({kind}) moved no bytes in the last {days} days "
            f"({' and '.join(f'{n} = 0' for n in IDLE_METRICS)}) but costs ~{ctx.cost.money(monthly)}/month; {still}.",
            evidence=evidence_dict(window_days=days, datapoints=sum(m.datapoints for m in samples),
                                   route_table_ids=routes or None, billed_azs=azs),
            monthly_cost_usd=monthly,
            fix=[step("ec2:DeleteNatGateway", {"NatGatewayId": nat.nat_gateway_id}, nat.nat_gateway_id, Phase.DELETE,
                      f"Delete idle NAT gateway {nat.nat_gateway_id} (then release its Elastic IP)",
                      decision=(f"route table(s) {', '.join(routes)} still route to it and would become blackholes; "
                                if routes else "") + f"{days} quiet days may miss rare jobs: confirm over a longer "
                                                     "window")])
