"""IFE001 interface-endpoint-single-az."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.rules._fixes import add_endpoint_subnet
from vpcaudit.rules._sorted import endpoints_by_id
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.engine.rule import ResourceRef
    from vpcaudit.snapshot import resources as r

# ENI-based endpoints. Gateway Load Balancer endpoints are per-AZ routing targets by design.
_ENI_ENDPOINT_TYPES = ("Interface", "Resource", "ServiceNetwork")
# Services whose clients are bound to one interface of the endpoint: a DataSync agent is activated
# with one endpoint address and one subnet ("SubnetArns": fixed at one), and the DataSync guide puts
# the endpoint in the agent's AZ "to avoid charges for network traffic between Availability Zones".
_ONE_ADDRESS_CLIENTS = frozenset({"datasync"})


@rule(id="IFE001", name="interface-endpoint-single-az", severity=Severity.MEDIUM,
      needs=(Part.SUBNETS, Part.VPC_ENDPOINTS, Part.ENDPOINT_SERVICES),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
          "https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html",
          "https://docs.aws.amazon.com/cli/latest/reference/ec2/modify-vpc-endpoint.html",
      ),
      seeds=("000", "001", "002"))
def interface_endpoint_single_az(ctx: RuleContext) -> Iterator[Finding]:
    """An interface endpoint has network interfaces in one Availability Zone only, although its VPC
    has subnets in two or more AZs where the endpoint's service is offered.

    AZs are compared by AZ ID, so two subnets in one AZ still count as one AZ. Gateway Load
    Balancer endpoints are not checked (they are per-AZ by design), nor DataSync endpoints (an
    agent is bound to one endpoint address, in its own AZ). When the service's offered
    AZs are unknown (no service details), the endpoint is reported as not evaluated. A service in
    another Region (a cross-Region endpoint) is offered in every AZ of the VPC's Region but the
    few AWS names as unsupported for cross-Region access ("create a cross Region enabled interface
    endpoint in at least two Availability Zones").

    ## Why it matters
    Every client reaches the service through that single AZ. An impairment of that AZ cuts all
    clients of the VPC off the service (or, with private DNS on, makes their SDK calls fail,
    because the default hostname keeps resolving to the endpoint), and clients in the other AZs
    pay cross-AZ data transfer ($0.01/GB each way) on every request.

    ## How to fix
    Add one subnet per additional AZ in which the service is offered (about $7.30 per AZ per
    month). List the AZs the service supports, then add the subnets:

    ```
    aws ec2 describe-vpc-endpoint-services --service-names <service-name> \\
        --query "ServiceDetails[].AvailabilityZones"
    aws ec2 modify-vpc-endpoint --vpc-endpoint-id <vpce-id> \\
        --add-subnet-ids <subnet-id-in-second-az> <subnet-id-in-third-az>
    ```
    """
    view = ctx.view
    for endpoint in endpoints_by_id(view):
        if endpoint.endpoint_type not in _ENI_ENDPOINT_TYPES or view.endpoint_ended(endpoint):
            continue
        info = view.service(endpoint)
        if info.is_aws_service and info.key in _ONE_ADDRESS_CLIENTS:
            continue
        label = info.key or endpoint.endpoint_type
        unknown = [s for s in endpoint.subnet_ids if s not in view.subnets]
        if unknown or not endpoint.subnet_ids:
            why = (f"its subnets {', '.join(unknown)} were not collected" if unknown
                   else "it lists no subnets")
            yield ctx.not_evaluated(_ref(ctx, endpoint), f"{endpoint.vpc_endpoint_id} ({label}): cannot tell its AZs, "
                                                         f"{why}")
            continue
        endpoint_azs = view.endpoint_az_ids(endpoint)
        vpc_azs = view.vpc_az_ids(endpoint.vpc_id)
        if len(endpoint_azs) != 1 or len(vpc_azs) < 2:
            continue
        offered = view.offered_az_ids(info)
        if offered is None:
            yield ctx.not_evaluated(_ref(ctx, endpoint),
                                    f"{endpoint.vpc_endpoint_id} ({label}) is in one AZ only, but the AZs "
                                    f"where {info.name or label} is offered are unknown (no service details)")
            continue
        candidates = vpc_azs & offered
        if len(candidates) < 2:
            continue
        (az,) = endpoint_azs
        others = sorted(candidates - endpoint_azs)
        yield ctx.finding(
            _ref(ctx, endpoint),
            f"Interface endpoint {endpoint.vpc_endpoint_id} ({label}) has network interfaces only in {az}, while "
            f"VPC {endpoint.vpc_id} has subnets in {len(candidates)} AZs where the service is offered "
            f"({', '.join(sorted(candidates))}): an impairment of {az} cuts every client off the service, and "
            f"clients in {', '.join(others)} cross AZs. Add a subnet in {', '.join(others)} "
            f"(~{ctx.cost.money(ctx.cost.interface_endpoint_month(1))} per AZ per month).",
            evidence=evidence_dict(service=label, endpoint_az_ids=endpoint_azs, offered_vpc_az_ids=candidates,
                                   subnet_ids=endpoint.subnet_ids,
                                   monthly_cost_per_added_az_usd=ctx.cost.interface_endpoint_month(1)),
            fix=[s for s in (add_endpoint_subnet(view, endpoint, other, ctx.cost) for other in others)
                 if s is not None])


def _ref(ctx: RuleContext, endpoint: r.VpcEndpoint) -> ResourceRef:
    """The endpoint as a finding's resource: built only for the few with something to report, as
    its name is looked up among the tags."""
    return ctx.ref("vpc-endpoint", endpoint.vpc_endpoint_id, endpoint.vpc_id, ctx.view.name_of(endpoint.tags))
