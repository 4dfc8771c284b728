"""GWE004 s3-interface-endpoint-for-vpc-traffic."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.remedy import FixStep, Phase, step
from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.rules._fixes import create_gateway_endpoint, endpoint_context
from vpcaudit.rules._sorted import endpoints_by_id
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.snapshot import resources as r

GATEWAY_SERVICES = {"s3": "S3", "dynamodb": "DynamoDB"}


@rule(id="GWE004", name="s3-interface-endpoint-for-vpc-traffic", severity=Severity.LOW,
      needs=(Part.VPC_ENDPOINTS,),
      references=(
          "https://docs.aws.amazon.com/AmazonS3/latest/userguide/privatelink-interface-endpoints.html",
          "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/privatelink-interface-endpoints.html",
          "https://aws.amazon.com/blogs/storage/introducing-private-dns-support-for-amazon-s3-with-aws-privatelink/",
          "https://aws.amazon.com/privatelink/pricing/",
      ),
      seeds=("000",))
def s3_interface_endpoint_for_vpc_traffic(ctx: RuleContext) -> Iterator[Finding]:
    """An S3 or DynamoDB interface endpoint carries (or would carry) traffic from inside its own
    VPC: either the VPC has no gateway endpoint for the service, or the interface endpoint has
    private DNS on for all resolvers (`PrivateDnsOnlyForInboundResolverEndpoint = false`), so
    in-VPC clients resolve the service's default names to it instead of using the gateway
    endpoint. One finding per interface endpoint.

    Interface endpoints for another Region's service are not reported (a gateway endpoint only
    serves its own Region). When private DNS is on and the inbound-only option was not reported,
    the endpoint is not evaluated.

    ## Why it matters
    An interface endpoint bills about $7.30 per AZ per month plus $0.01 per GB processed; a
    gateway endpoint for the same service is free and serves every same-Region request from the
    VPC. Interface endpoints for S3 and DynamoDB exist for clients that cannot use a gateway
    endpoint — on-premises networks over Direct Connect or VPN, peered or transit-attached VPCs,
    other Regions. With "private DNS only for inbound endpoints", AWS answers the service's names
    with the interface endpoint only for queries arriving through a Route 53 Resolver inbound
    endpoint, and in-VPC clients keep using the gateway endpoint.

    ## How to fix
    Create the gateway endpoint on the VPC's route tables (if it has none), then limit the
    interface endpoint's private DNS to inbound Resolver traffic:

    ```
    aws ec2 create-vpc-endpoint --vpc-id <vpc-id> --vpc-endpoint-type Gateway \\
        --service-name com.amazonaws.<region>.s3 --route-table-ids <rtb-id> <rtb-id>
    aws ec2 modify-vpc-endpoint --vpc-endpoint-id <interface-vpce-id> --private-dns-enabled \\
        --dns-options PrivateDnsOnlyForInboundResolverEndpoint=true
    ```

    If nothing outside the VPC uses the interface endpoint, delete it instead:

    ```
    aws ec2 delete-vpc-endpoints --vpc-endpoint-ids <interface-vpce-id>
    ```
    """
    view = ctx.view
    for endpoint in endpoints_by_id(view):
        if endpoint.endpoint_type != "Interface" or view.endpoint_ended(endpoint):
            continue
        info = view.service(endpoint)
        if not info.is_aws_service or info.key not in GATEWAY_SERVICES or info.region != view.region_name:
            continue
        label = GATEWAY_SERVICES[info.key]
        ref = ctx.ref("vpc-endpoint", endpoint.vpc_endpoint_id, endpoint.vpc_id, view.name_of(endpoint.tags))
        gateways = sorted(e.vpc_endpoint_id for e in view.endpoints_of(endpoint.vpc_id, "Gateway")
                          if not view.endpoint_ended(e) and view.service(e).key == info.key
                          and view.service(e).is_aws_service)
        azs = len(endpoint.subnet_ids)
        fixed = ctx.cost.interface_endpoint_month(azs)
        per_gb = ctx.cost.interface_endpoint_gb_tier1
        inbound_only = endpoint.private_dns_only_for_inbound_resolver_endpoint
        if not gateways:
            why = (f"VPC {endpoint.vpc_id} has no {label} gateway endpoint, so in-VPC clients reach {label} through "
                   f"this interface endpoint ({ctx.cost.rate(per_gb)}/GB processed) or their default route, where "
                   f"a free gateway "
                   f"endpoint would serve them")
        elif not endpoint.private_dns_enabled or inbound_only:
            continue
        elif inbound_only is None:
            yield ctx.not_evaluated(ref, f"{label} interface endpoint {endpoint.vpc_endpoint_id} has private DNS on "
                                         f"beside gateway endpoint {', '.join(gateways)}, but whether it is limited "
                                         "to inbound Resolver endpoints (DnsOptions."
                                         "PrivateDnsOnlyForInboundResolverEndpoint) was not reported")
            continue
        else:
            why = (f"its private DNS answers all resolvers (PrivateDnsOnlyForInboundResolverEndpoint = false), so "
                   f"in-VPC clients resolve {label}'s default names to it and pay {ctx.cost.rate(per_gb)}/GB "
                   f"instead of using "
                   f"gateway endpoint {', '.join(gateways)} for free")
        yield ctx.finding(
            ref,
            f"{label} interface endpoint {endpoint.vpc_endpoint_id} ({azs} AZ(s), "
            f"~{ctx.cost.money(fixed)}/month): {why}. "
            "Keep interface endpoints for on-premises and cross-VPC clients, with private DNS limited to inbound "
            "Resolver endpoints.",
            evidence=evidence_dict(service=info.key, gateway_endpoint_ids=gateways or None,
                                   private_dns_enabled=endpoint.private_dns_enabled,
                                   private_dns_only_for_inbound_resolver_endpoint=inbound_only,
                                   endpoint_monthly_usd=fixed),
            fix=_fix(ctx, endpoint, info.key, has_gateway=bool(gateways)))


def _fix(ctx: RuleContext, endpoint: r.VpcEndpoint, key: str, *, has_gateway: bool) -> list[FixStep]:
    """The gateway endpoint for in-VPC clients, then private DNS of the interface endpoint limited to
    queries from inbound Resolver endpoints (on-premises and other VPCs keep using it)."""
    steps: list[FixStep] = []
    if not has_gateway:
        created = create_gateway_endpoint(ctx.view, endpoint.vpc_id, key)
        if created is not None:
            steps.append(created)
    if endpoint.private_dns_enabled:
        steps.append(step("ec2:ModifyVpcEndpoint",
                          {"VpcEndpointId": endpoint.vpc_endpoint_id,
                           "DnsOptions": {"PrivateDnsOnlyForInboundResolverEndpoint": True}},
                          endpoint.vpc_endpoint_id, Phase.MODIFY,
                          f"Answer {key}'s names with {endpoint.vpc_endpoint_id} only for inbound Resolver endpoint "
                          "queries, so in-VPC clients use the free gateway endpoint",
                          context=endpoint_context(endpoint)))
    return steps
