"""DNS003 endpoint-private-dns-disabled."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.remedy import FixStep, Phase, step
from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.network.dns import EndpointTargets, answering_records, authority, endpoint_targets
from vpcaudit.network.view import is_dms_replication_instance
from vpcaudit.rules._fixes import dns_attribute_steps, endpoint_context
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.network.view import NetworkView
    from vpcaudit.snapshot import resources as r

# Endpoint-specific names are the documented pattern for S3 and DynamoDB interface endpoints.
NAME_SPECIFIC_SERVICES = frozenset({"s3", "dynamodb"})
# Private DNS off is a documented choice here: it keeps public (edge/regional) APIs reachable.
DOCUMENTED_CHOICE = frozenset({"execute-api"})


@rule(id="DNS003", name="endpoint-private-dns-disabled", severity=Severity.MEDIUM,
      needs=(Part.VPC_ENDPOINTS, Part.ENDPOINT_SERVICES, Part.NETWORK_INTERFACES, Part.HOSTED_ZONES,
             Part.RESOLVER_RULES),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html",
          "https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
          "https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/"
          "centralized-access-to-vpc-private-endpoints.html",
          "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-apis.html",
          "https://docs.aws.amazon.com/AmazonS3/latest/userguide/privatelink-interface-endpoints.html",
          "https://docs.aws.amazon.com/dms/latest/userguide/security_iam_secretsmanager.html",
      ),
      seeds=("000", "001"))
def endpoint_private_dns_disabled(ctx: RuleContext) -> Iterator[Finding]:
    """An AWS-service interface endpoint has private DNS off and nothing else sends its default hostnames to it.

    Fires when, for a default hostname of the service (its `PrivateDnsNames`), Route 53 Resolver
    in the VPC answers from public DNS, or from a private hosted zone without a record pointing
    to this endpoint's addresses. A Resolver FORWARD rule for the name, or another endpoint's
    private DNS in the VPC, counts as served. Info for `execute-api`, and for `secretsmanager`
    where the VPC's only clients of it are DMS replication instances (described
    `DMSNetworkInterface`), which the DMS guide points at the endpoint's own name; never for S3 or
    DynamoDB interface endpoints.

    ## Why it matters
    SDKs and the AWS CLI call the service's default hostname (`sts.<region>.amazonaws.com`).
    With private DNS off, that name resolves to the public service addresses: traffic from
    private subnets bypasses the endpoint and goes out through the NAT gateway or transit
    gateway (paid per GB, and subject to egress controls), or fails outright in isolated
    subnets — while the endpoint is billed every hour for nothing. For API Gateway
    (`execute-api`) turning private DNS off is a documented way to keep public APIs reachable,
    hence info there.

    ## How to fix
    Turn private DNS on (the VPC needs `enableDnsSupport` and `enableDnsHostnames`):

    ```
    aws ec2 modify-vpc-endpoint --vpc-endpoint-id <vpce-id> --private-dns-enabled
    ```

    Or, for a centralized endpoint shared with other VPCs, answer the name yourself: a private
    hosted zone named after the service hostname, with an alias to the endpoint, associated
    with every client VPC:

    ```
    aws route53 create-hosted-zone --name <service-hostname> --caller-reference <unique-string> \\
        --vpc VPCRegion=<region>,VPCId=<vpc-id> --hosted-zone-config PrivateZone=true
    aws route53 change-resource-record-sets --hosted-zone-id <zone-id> --change-batch \\
        '{"Changes":[{"Action":"UPSERT","ResourceRecordSet":{"Name":"<service-hostname>","Type":"A",
        "AliasTarget":{"HostedZoneId":"<endpoint-dns-hosted-zone-id>","DNSName":"<endpoint-regional-dns-name>",
        "EvaluateTargetHealth":false}}}]}'
    ```

    If nothing in the VPC uses the service, delete the endpoint instead:

    ```
    aws ec2 delete-vpc-endpoints --vpc-endpoint-ids <vpce-id>
    ```
    """
    view = ctx.view
    targets: EndpointTargets | None = None
    for endpoint in sorted(view.endpoints.values(), key=lambda e: e.vpc_endpoint_id):
        if (endpoint.endpoint_type != "Interface" or endpoint.private_dns_enabled or view.endpoint_ended(endpoint)
                or not view.is_aws_service_endpoint(endpoint)):
            continue
        info = view.service(endpoint)
        if info.key in NAME_SPECIFIC_SERVICES or not info.hostnames:
            continue
        targets = targets or ctx.shared.get(endpoint_targets)
        unserved, unknown, zones = _unserved_hostnames(ctx, endpoint, info.hostnames, targets)
        ref = ctx.ref("vpc-endpoint", endpoint.vpc_endpoint_id, endpoint.vpc_id, view.name_of(endpoint.tags))
        if not unserved:
            if unknown:
                yield ctx.not_evaluated(ref, "; ".join(unknown))
            continue
        choice = _documented_choice(view, endpoint, info.key)
        severity = Severity.INFO if choice else Severity.MEDIUM
        yield ctx.finding(
            ref, f"{endpoint.vpc_endpoint_id} ({info.key}) in {endpoint.vpc_id} has private DNS off{choice}: "
                 f"{'; '.join(unserved)} — SDKs using the default hostname bypass the endpoint (through internet "
                 "egress, or they fail)",
            severity=severity,
            evidence=evidence_dict(service=info.key, private_dns_enabled=False, hostnames=info.hostnames,
                                   not_served=unserved, not_checked=unknown or None),
            fix=_fix(ctx, endpoint, choice, zones))


def _documented_choice(view: NetworkView, endpoint: r.VpcEndpoint, key: str) -> str:
    """Why private DNS off is a documented choice here ("" where it is not): API Gateway keeping
    public APIs reachable, or Secrets Manager called only by DMS replication instances, which the
    DMS guide points at the endpoint's own name ("To use secrets manager with a replication
    instance in a private subnet … set the endpoint extra connection attribute
    secretsManagerEndpointOverride")."""
    if key in DOCUMENTED_CHOICE:
        return "a documented choice for API Gateway when public APIs must stay reachable"
    clients = view.client_enis(endpoint.vpc_id, key)
    if key == "secretsmanager" and clients and all(is_dms_replication_instance(e) for e in clients):
        return ("its only clients are DMS replication instances, which the DMS guide points at the endpoint's own "
                "name through secretsManagerEndpointOverride")
    return ""


def _fix(ctx: RuleContext, endpoint: r.VpcEndpoint, choice: str, zones: list[str]) -> list[FixStep]:
    """Private DNS on (after the VPC attributes it needs); a decision where it is a choice or a
    private hosted zone already answers the names (AWS refuses a conflicting domain)."""
    decision = None
    if choice:
        decision = f"private DNS off is deliberate: {choice}"
    elif zones:
        decision = (f"private hosted zone(s) {', '.join(zones)} answer the service's names: point their records at "
                    "this endpoint or detach them, else AWS refuses private DNS (ConflictingDomainExists)")
    return [*dns_attribute_steps(ctx.view, endpoint.vpc_id, hostnames=True),
            step("ec2:ModifyVpcEndpoint", {"VpcEndpointId": endpoint.vpc_endpoint_id, "PrivateDnsEnabled": True},
                 endpoint.vpc_endpoint_id, Phase.MODIFY,
                 f"Turn on private DNS of {endpoint.vpc_endpoint_id}, so the service's default hostnames resolve to it",
                 decision=decision, context=endpoint_context(endpoint))]


def _unserved_hostnames(ctx: RuleContext, endpoint: r.VpcEndpoint, hostnames: tuple[str, ...],
                        targets: EndpointTargets) -> tuple[list[str], list[str], list[str]]:
    """Per default hostname: why it does not reach this endpoint, or why that cannot be told; and
    the private hosted zones that answer instead."""
    unserved: list[str] = []
    unknown: list[str] = []
    zones: list[str] = []
    for hostname in hostnames:
        answer = authority(ctx.view, endpoint.vpc_id, hostname)
        if answer.kind in ("forward", "endpoint"):
            continue  # forwarded to resolvers that answer it, or another endpoint's private DNS serves it
        if answer.kind == "public" or answer.zone is None:
            unserved.append(f"{hostname} resolves to the public service addresses (no private hosted zone or "
                            "Resolver rule answers it)")
            continue
        zone = answer.zone
        if not zone.record_sets_collected:
            unknown.append(f"the records of private hosted zone {zone.hosted_zone_id} ({zone.name}), which answers "
                           f"{hostname}, were not collected")
            continue
        records = answering_records(zone, hostname)
        if any(endpoint.vpc_endpoint_id in targets.endpoint_ids(rs) for rs in records):
            continue
        if zone.hosted_zone_id not in zones:
            zones.append(zone.hosted_zone_id)
        if not records:
            unserved.append(f"private hosted zone {zone.hosted_zone_id} ({zone.name}) answers {hostname} with "
                            "NXDOMAIN (no record)")
        else:
            values = ", ".join(v for rs in records for v in (*rs.values, rs.alias_dns_name or "") if v)
            unserved.append(f"private hosted zone {zone.hosted_zone_id} ({zone.name}) answers {hostname} with "
                            f"{values}, not this endpoint")
    return unserved, unknown, zones
