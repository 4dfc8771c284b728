"""IFE002 interface-endpoint-client-az-gap."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.network.services import APPLIANCE_SERVICES
from vpcaudit.rules._fixes import add_endpoint_subnet
from vpcaudit.rules._sorted import endpoints_by_id
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext

# ENI-based endpoints. Gateway Load Balancer endpoints are per-AZ routing targets by design.
_ENI_ENDPOINT_TYPES = ("Interface", "Resource", "ServiceNetwork")


@rule(id="IFE002", name="interface-endpoint-client-az-gap", severity=Severity.MEDIUM,
      # Client AZs come from workload ENIs; NAT gateways are read to tell their ENIs from workloads.
      needs=(Part.SUBNETS, Part.VPC_ENDPOINTS, Part.ENDPOINT_SERVICES, Part.NETWORK_INTERFACES,
             Part.NAT_GATEWAYS),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
          "https://aws.amazon.com/privatelink/pricing/",
          "https://docs.aws.amazon.com/cli/latest/reference/ec2/modify-vpc-endpoint.html",
      ),
      seeds=("001",))
def interface_endpoint_client_az_gap(ctx: RuleContext) -> Iterator[Finding]:
    """A client AZ of the VPC (an AZ holding workload ENIs that may call the endpoint's service:
    a DB instance's network interface only for the services its engines call), in which the
    endpoint's service is offered, has no network interface of the interface endpoint. One
    finding per endpoint, listing the AZs and the client subnets there. An endpoint whose private
    DNS answers inbound Resolver endpoints only (S3's default) has no client AZ in its VPC: the
    VPC's calls take the gateway endpoint, and its clients on premises arrive from no AZ. Nor has
    an S3 or DynamoDB interface endpoint with private DNS off (DynamoDB's has none) beside a gateway
    endpoint for its service, unless a private hosted zone of the VPC answers the service's Regional
    name: "in-Amazon VPC applications send data to the gateway endpoint".

    ## Why it matters
    Clients in that AZ reach the endpoint in another AZ: every request pays cross-AZ data
    transfer ($0.01/GB in each direction) and depends on the health of an AZ the client does
    not run in. The seed guidance is to create the endpoint in every AZ where clients run.

    ## How to fix
    Add a subnet of each listed AZ to the endpoint (about $7.30 per AZ per month):

    ```
    aws ec2 modify-vpc-endpoint --vpc-endpoint-id <vpce-id> \\
        --add-subnet-ids <subnet-id-in-each-listed-az>
    ```

    If the service is not offered in an AZ, clients there must cross AZs; this rule does not
    report such AZs. A service in another Region (a cross-Region endpoint) is offered in every AZ
    of the VPC's Region but the few AWS names as unsupported for cross-Region access.

    An endpoint of DataSync or Storage Gateway with private DNS off, as their guides set it up, is
    *not evaluated* where the VPC's workloads lie outside its AZs: its clients are the appliances
    activated against its own name or address, which no snapshot tells from other workloads.
    """
    view = ctx.view
    for endpoint in endpoints_by_id(view):
        if endpoint.endpoint_type not in _ENI_ENDPOINT_TYPES or view.endpoint_ended(endpoint):
            continue
        clients = view.endpoint_client_azs(endpoint).az_ids
        endpoint_azs = view.endpoint_az_ids(endpoint)
        gap = clients - endpoint_azs
        if not gap:
            continue
        ref = ctx.ref("vpc-endpoint", endpoint.vpc_endpoint_id, endpoint.vpc_id, view.name_of(endpoint.tags))
        info = view.service(endpoint)
        label = info.key or endpoint.endpoint_type
        if info.is_aws_service and info.key in APPLIANCE_SERVICES and not endpoint.private_dns_enabled:
            yield ctx.not_evaluated(ref, f"{endpoint.vpc_endpoint_id} ({label}) has private DNS off, as the service's "
                                         "guide sets it up: its clients are the appliances activated against its own "
                                         "name or address, which the snapshot does not tell from the workloads in "
                                         f"{', '.join(sorted(gap))}")
            continue
        unknown = [s for s in endpoint.subnet_ids if s not in view.subnets]
        if unknown:
            yield ctx.not_evaluated(ref, f"{endpoint.vpc_endpoint_id} ({label}): its subnets {', '.join(unknown)} "
                                         "were not collected, so its AZs are unknown")
            continue
        offered = view.offered_az_ids(info)
        if offered is None:
            yield ctx.not_evaluated(ref, f"{endpoint.vpc_endpoint_id} ({label}) has no interface in client AZs "
                                         f"{', '.join(sorted(gap))}, but whether {info.name or label} is offered "
                                         "there is unknown (no service details)")
            continue
        gap &= offered
        if not gap:
            continue
        client_subnets = sorted({eni.subnet_id for eni in view.endpoint_clients(endpoint)
                                 if view.az_id_of(eni.subnet_id) in gap})
        where = ", ".join(sorted(endpoint_azs)) or "no AZ"
        fix_cost = ctx.cost.interface_endpoint_month(len(gap))
        yield ctx.finding(
            ref,
            f"Interface endpoint {endpoint.vpc_endpoint_id} ({label}) has no network interface in "
            f"{', '.join(sorted(gap))}, where VPC {endpoint.vpc_id} runs clients ({', '.join(client_subnets)}): "
            f"their traffic crosses to {where} (cross-AZ transfer, "
            f"~{ctx.cost.rate(ctx.cost.cross_az_gb_each_way)}/GB each way) "
            f"and depends on that AZ. Adding the missing AZs costs ~{ctx.cost.money(fix_cost)}/month.",
            evidence=evidence_dict(service=label, missing_az_ids=gap, endpoint_az_ids=endpoint_azs,
                                   client_az_ids=clients, client_subnet_ids=client_subnets,
                                   monthly_cost_to_fix_usd=fix_cost),
            fix=[s for s in (add_endpoint_subnet(view, endpoint, az, ctx.cost) for az in sorted(gap)) if s is not None])
