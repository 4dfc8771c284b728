"""IFE005 duplicate-interface-endpoint."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.remedy import Phase, step
from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.snapshot.model import Part

DEFAULT_IP_TYPE = "ipv4"  # AWS's default IpAddressType; moto and older snapshots omit it

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
    """Two or more interface endpoints of one VPC serve the same service, in the same service
    Region, for the same IP address type. One finding per VPC, service and IP address type,
    saying which endpoint owns the service's default names and what each other one costs.

    Private DNS on one and off on the others is still a duplicate: AWS lets only one endpoint
    per service own the default names in a VPC (it refuses private DNS on a second one), so the
    others carry traffic only for clients configured with their endpoint-specific names.
    Endpoints that differ in IP address type (IPv4, dual-stack, IPv6) are a documented split, not
    duplicates. Resource, service-network and Gateway Load Balancer endpoints are not interface
    endpoints; ended endpoints (deleting, deleted, failed, rejected, expired) are IFE004's.

    ## Why it matters
    Each interface endpoint bills about $7.30 per AZ per month. With the default names taken by
    one endpoint, a second one serves only clients configured with its own `vpce-…` name — in
    practice a second IaC stack or a forgotten experiment, billed every hour. Duplicates also
    split security groups and policies: a fix applied to one endpoint silently misses the other.

    ## How to fix
    Keep the endpoint that owns the default names (private DNS on), move any client configured
    with another endpoint's DNS name to the default name, then delete the others:

    ```
    aws ec2 describe-vpc-endpoints --filters Name=vpc-id,Values=<vpc-id> \\
        Name=service-name,Values=<service-name> \\
        --query "VpcEndpoints[].[VpcEndpointId,PrivateDnsEnabled,IpAddressType,DnsEntries[0].DnsName,Tags]"
    aws ec2 delete-vpc-endpoints --vpc-endpoint-ids <extra-vpce-id>
    ```

    If the second endpoint is intended (e.g. a distinct policy for one team's clients), record
    the reason in a suppression.
    """
    view = ctx.view
    groups: dict[tuple[str, str, str, str], list[r.VpcEndpoint]] = defaultdict(list)
    for endpoint in view.endpoints.values():
        if endpoint.endpoint_type == "Interface" and not view.endpoint_ended(endpoint):
            info = view.service(endpoint)
            ip_type = endpoint.ip_address_type or DEFAULT_IP_TYPE
            groups[(endpoint.vpc_id, endpoint.service_name, info.region, ip_type)].append(endpoint)
    for (vpc_id, service_name, region, ip_type), members in sorted(groups.items()):
        if len(members) < 2:
            continue
        month = {e.vpc_endpoint_id: ctx.cost.interface_endpoint_month(len(view.endpoint_az_ids(e))
                                                                      or len(e.subnet_ids))
                 for e in members}
        owners = [e for e in members if e.private_dns_enabled]
        # The one to keep: the owner of the default names, else the most widely deployed endpoint.
        keep = min(owners or members, key=lambda e: (-month[e.vpc_endpoint_id], e.vpc_endpoint_id))
        others = sorted((e for e in members if e is not keep), key=lambda e: e.vpc_endpoint_id)
        extra = round(sum(month[e.vpc_endpoint_id] for e in others), 2)
        vpc = view.vpcs.get(vpc_id)
        ref = ctx.ref("vpc", vpc_id, vpc_id, view.name_of(vpc.tags) if vpc else None)
        costs = ", ".join(f"{e.vpc_endpoint_id} (private DNS {'on' if e.private_dns_enabled else 'off'}, "
                          f"~{ctx.cost.money(month[e.vpc_endpoint_id])}/month)" for e in others)
        yield ctx.finding(
            ref,
            f"VPC {vpc_id} has {len(members)} interface endpoints for {service_name} ({region}, {ip_type}): "
            f"{_owner_sentence(owners, keep)} The others are reached only by their endpoint-specific names "
            f"and cost ~{ctx.cost.money(extra)}/month: {costs}.",
            evidence=evidence_dict(service_name=service_name, service_region=region, ip_address_type=ip_type,
                                   endpoint_ids=sorted(e.vpc_endpoint_id for e in members),
                                   default_names_owner=keep.vpc_endpoint_id if owners else None,
                                   extra_endpoint_ids=[e.vpc_endpoint_id for e in others]),
            monthly_cost_usd=extra,
            discriminator=f"{service_name}@{region}" + ("" if ip_type == DEFAULT_IP_TYPE else f"/{ip_type}"),
            fix=[step("ec2:DeleteVpcEndpoints", {"VpcEndpointIds": [e.vpc_endpoint_id for e in others]}, vpc_id,
                      Phase.DELETE, f"Delete duplicate endpoint(s) {', '.join(e.vpc_endpoint_id for e in others)}, "
                                    f"keeping {keep.vpc_endpoint_id}",
                      decision="move clients configured with the other endpoints' own DNS names first, and check which "
                               "endpoint carries the security groups and policy you want to keep")])


def _owner_sentence(owners: list[r.VpcEndpoint], keep: r.VpcEndpoint) -> str:
    """Who answers the service's default names in this VPC."""
    if len(owners) == 1:
        return f"{keep.vpc_endpoint_id} owns the service's default names (private DNS on)."
    if owners:  # AWS allows one owner; a snapshot may still say otherwise
        listed = ", ".join(sorted(e.vpc_endpoint_id for e in owners))
        return (f"{listed} all report private DNS on, which AWS allows for one endpoint only; "
                f"{keep.vpc_endpoint_id} is the one to keep.")
    return (f"none owns the service's default names (private DNS off on all); keeping {keep.vpc_endpoint_id}, "
            "the most widely deployed, serves the same clients.")
