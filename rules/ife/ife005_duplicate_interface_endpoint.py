"""IFE005 duplicate-interface-endpoint."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.snapshot import resources as r


@rule(id="IFE005", name="duplicate-interface-endpoint", severity=Severity.LOW,
      needs=(Part.VPC_ENDPOINTS,),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html",
          "https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
          "https://aws.amazon.com/privatelink/pricing/",
          "https://docs.aws.amazon.com/cli/latest/reference/ec2/delete-vpc-endpoints.html",
      ))
def duplicate_interface_endpoint(ctx: RuleContext) -> Iterator[Finding]:
    """Two or more interface endpoints of one VPC serve the same service in the same service
    Region without a role split: both have private DNS on, or both have it off with the same IP
    address type. One finding per VPC and service, listing the endpoints and what the extra
    ones cost.

    A role split is what AWS documents as a reason for a second endpoint: one endpoint answers
    the service's default names (private DNS on) while another is reached by its own
    endpoint-specific names (private DNS off), or the endpoints serve different IP address
    types (IPv4 vs dual-stack or IPv6). Resource, service-network and Gateway Load Balancer
    endpoints are not interface endpoints; ended endpoints (deleting, deleted, failed, rejected,
    expired) are IFE004's.

    ## Why it matters
    Each interface endpoint bills about $7.30 per AZ per month. Only one endpoint per service can
    own the private DNS names in a VPC, so a second one with private DNS on carries no default-name
    traffic, and two with private DNS off do the same job twice. Duplicates usually come from a
    second IaC stack or a console experiment, and they split security groups and policies: a
    fix applied to one endpoint silently misses the other.

    ## How to fix
    Keep one endpoint per service and role, move any client configured with the other
    endpoint's DNS name, then delete the extra one:

    ```
    aws ec2 describe-vpc-endpoints --filters Name=vpc-id,Values=<vpc-id> \\
        Name=service-name,Values=<service-name> \\
        --query "VpcEndpoints[].[VpcEndpointId,PrivateDnsEnabled,IpAddressType,Tags]"
    aws ec2 delete-vpc-endpoints --vpc-endpoint-ids <extra-vpce-id>
    ```

    If the second endpoint is intended (e.g. a distinct policy for one team), record the reason
    in a suppression.
    """
    view = ctx.view
    groups: dict[tuple[str, str, str], list[r.VpcEndpoint]] = defaultdict(list)
    for endpoint in view.endpoints.values():
        if endpoint.endpoint_type == "Interface" and not view.endpoint_ended(endpoint):
            info = view.service(endpoint)
            groups[(endpoint.vpc_id, endpoint.service_name, info.region)].append(endpoint)
    for (vpc_id, service_name, region), members in sorted(groups.items()):
        roles: dict[tuple[bool, str], list[r.VpcEndpoint]] = defaultdict(list)
        for endpoint in members:
            # With private DNS on, only one endpoint can own the names, whatever its IP address type.
            ip_type = "" if endpoint.private_dns_enabled else (endpoint.ip_address_type or "ipv4")
            roles[(endpoint.private_dns_enabled, ip_type)].append(endpoint)
        crowded = [same for same in roles.values() if len(same) > 1]
        if not crowded:
            continue
        duplicates = sorted((e for same in crowded for e in same), key=lambda e: e.vpc_endpoint_id)
        vpc = view.vpcs.get(vpc_id)
        ref = ctx.ref("vpc", vpc_id, vpc_id, view.name_of(vpc.tags) if vpc else None)
        # Keeping the most widely deployed endpoint of each role, the others' fixed cost is saved.
        costs = [[ctx.cost.interface_endpoint_month(len(e.subnet_ids)) for e in same] for same in crowded]
        extra = round(sum(sum(c) - max(c) for c in costs), 2)
        listed = ", ".join(f"{e.vpc_endpoint_id} (private DNS {'on' if e.private_dns_enabled else 'off'}"
                           f"{'' if e.private_dns_enabled else ', ' + (e.ip_address_type or 'ipv4')})"
                           for e in duplicates)
        yield ctx.finding(
            ref,
            f"VPC {vpc_id} has {len(duplicates)} interface endpoints for {service_name} ({region}) doing the same "
            f"job: {listed}. Keeping one per role saves ~${extra:.2f}/month and leaves one set of security groups "
            "and policy to maintain.",
            evidence=evidence_dict(service_name=service_name, service_region=region,
                                   endpoint_ids=[e.vpc_endpoint_id for e in duplicates]),
            monthly_cost_usd=extra, discriminator=f"{service_name}@{region}")
