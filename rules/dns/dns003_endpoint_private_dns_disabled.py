"""DNS003 endpoint-private-dns-disabled."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from vpcaudit.engine.remedy import FixStep, Phase, step
from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.network.dns import (
    EndpointTargets,
    InboundEndpoint,
    ScopeViews,
    answering_records,
    authority,
    endpoint_targets,
    forward_targets,
    inbound_endpoints_by_address,
    normalise,
)
from vpcaudit.network.services import hostname_matches
from vpcaudit.network.view import is_dms_replication_instance
from vpcaudit.rules._fixes import dns_attribute_steps, endpoint_context
from vpcaudit.rules._sorted import endpoints_by_id
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
          "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-overview-DSN-queries-to-vpc.html",
          "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/best-practices-resolver-endpoints.html",
      ),
      seeds=("000", "001"))
def endpoint_private_dns_disabled(ctx: RuleContext) -> Iterator[Finding]:
    """An AWS-service interface endpoint has private DNS off and nothing else sends its default hostnames to it.

    Fires when, for a default hostname of the service (its `PrivateDnsNames`), Route 53 Resolver
    in the VPC answers from public DNS, or from a private hosted zone without a record pointing
    to this endpoint's addresses. Another endpoint's private DNS in the VPC counts as served. A
    Resolver FORWARD rule for the name is followed through its targets: a target that is an
    address of an inbound Resolver endpoint (interfaces described `Route 53 Resolver: rslvr-in-…`)
    hands the query to Resolver in that endpoint's VPC, where it counts as served when an
    endpoint's private DNS, or a private hosted zone with a record pointing to a live endpoint,
    answers it (the hub pattern), and fires when the name resolves publicly or the zone answers
    otherwise there. A target that leads back into the VPC the rule is associated with (or any
    VPC the query already went through) is a loop AWS warns about — "Don't associate the same
    VPC to a Resolver rule and its inbound endpoint" — and fires: the name never resolves. Any
    other target (on premises, an address of no inbound endpoint in the snapshot) is *not
    evaluated*: whether those servers send the name back to an endpoint is configured outside any
    snapshot. A rule from a snapshot written before rules' targets were recorded still counts as
    served. Info for `execute-api` where some client subnet has a way out of the VPC (medium where
    none has: no public API is reachable to keep reachable), for `datasync` (the DataSync guide has private DNS cleared:
    an agent is activated with the endpoint's address), for `storagegateway` (likewise: a gateway
    is activated with the endpoint's ID, DNS name or address), for `backup-gateway` (configured
    with the endpoint's own DNS name), and for `secretsmanager` where the
    VPC's only clients of it are DMS replication instances (described `DMSNetworkInterface`),
    which the DMS guide points at the endpoint's own name; never for S3 or DynamoDB interface
    endpoints.

    ## Why it matters
    SDKs and the AWS CLI call the service's default hostname (`sts.<region>.amazonaws.com`).
    With private DNS off, that name resolves to the public service addresses: traffic from
    private subnets bypasses the endpoint and goes out through the NAT gateway or transit
    gateway (paid per GB, and subject to egress controls), or fails outright in isolated
    subnets — while the endpoint is billed every hour for nothing. For API Gateway
    (`execute-api`) turning private DNS off is a documented way to keep public APIs reachable,
    hence info there — where the VPC's clients can reach a public API at all.

    ## How to fix
    Turn private DNS on (the VPC needs `enableDnsSupport` and `enableDnsHostnames`):

    ```
    aws ec2 modify-vpc-endpoint --vpc-endpoint-id <vpce-id> --private-dns-enabled
    ```

    A Resolver rule that forwards the service's names to an inbound endpoint of its own VPC loops:
    disassociate it from that VPC (it can stay associated with the spokes); a rule for the service
    hostname itself wins over the endpoint's private DNS, so disassociate it before turning private
    DNS on.

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
    for endpoint in endpoints_by_id(view):
        if (endpoint.endpoint_type != "Interface" or endpoint.private_dns_enabled or view.endpoint_ended(endpoint)
                or not view.is_aws_service_endpoint(endpoint)):
            continue
        info = view.service(endpoint)
        if info.key in NAME_SPECIFIC_SERVICES or not info.hostnames:
            continue
        targets = targets or ctx.shared.get(endpoint_targets)
        answers = _judge_hostnames(ctx, endpoint, info.hostnames, targets)
        ref = ctx.ref("vpc-endpoint", endpoint.vpc_endpoint_id, endpoint.vpc_id, view.name_of(endpoint.tags))
        if not answers.unserved:
            if answers.unknown:
                yield ctx.not_evaluated(ref, "; ".join(answers.unknown))
            continue
        choice = _documented_choice(view, endpoint, info.key)
        severity = Severity.INFO if choice else Severity.MEDIUM
        yield ctx.finding(
            ref, f"{endpoint.vpc_endpoint_id} ({info.key}) in {endpoint.vpc_id} has private DNS off"
                 f"{f' ({choice})' if choice else ''}: "
                 f"{'; '.join(answers.unserved)} — SDKs using the default hostname bypass the endpoint (through "
                 "internet egress, or they fail)",
            severity=severity,
            evidence=evidence_dict(service=info.key, private_dns_enabled=False, hostnames=info.hostnames,
                                   not_served=answers.unserved, not_checked=answers.unknown or None),
            fix=_fix(ctx, endpoint, choice, answers))


# Why private DNS off is right for an appliance service's endpoint (APPLIANCE_SERVICES).
_APPLIANCES = {
    "datasync": ("a documented choice for DataSync agents, which reach the endpoint by its address (the DataSync "
                 "guide: clear Enable Private DNS Name)"),
    "storagegateway": ("a documented choice for Storage Gateway appliances, activated with the endpoint's ID, DNS "
                       "name or address (the Storage Gateway guide: Enable Private DNS Name not selected)"),
    "backup-gateway": ("no part of a Backup gateway's set-up: the appliance is configured with the endpoint's own DNS "
                       "name (GatewayDetails.VpcEndpoint)"),
}


def _documented_choice(view: NetworkView, endpoint: r.VpcEndpoint, key: str) -> str:
    """Why private DNS off is a documented choice here ("" where it is not): API Gateway keeping
    public APIs reachable, or Secrets Manager called only by DMS replication instances, which the
    DMS guide points at the endpoint's own name ("To use secrets manager with a replication
    instance in a private subnet … set the endpoint extra connection attribute
    secretsManagerEndpointOverride")."""
    if key in DOCUMENTED_CHOICE and _reaches_beyond(view, endpoint.vpc_id, key):
        return "a documented choice for API Gateway when public APIs must stay reachable"
    if key in _APPLIANCES:
        return _APPLIANCES[key]
    clients = view.client_enis(endpoint.vpc_id, key)
    if key == "secretsmanager" and clients and all(is_dms_replication_instance(e) for e in clients):
        return ("its only clients are DMS replication instances, which the DMS guide points at the endpoint's own "
                "name through secretsManagerEndpointOverride")
    return ""


def _reaches_beyond(view: NetworkView, vpc_id: str, key: str) -> bool:
    """Some client subnet of the VPC (every subnet of it standing in while it has no client) has a
    way out of the VPC — an internet gateway, NAT, a transit gateway, Cloud WAN, a VGW or another
    gateway :meth:`~vpcaudit.network.view.NetworkView.internet_egress` reads — so a public API is
    reachable from it at all. Where none has, keeping public APIs reachable is no reason."""
    subnets = view.client_subnets(vpc_id, key) or view.subnets_of(vpc_id)
    return any(view.internet_egress(subnet.subnet_id) is not None for subnet in subnets)


def _fix(ctx: RuleContext, endpoint: r.VpcEndpoint, choice: str, answers: _Answers) -> list[FixStep]:
    """Private DNS on (after the VPC attributes it needs); a decision where it is a choice, a
    private hosted zone already answers the names (AWS refuses a conflicting domain) or a Resolver
    rule for the hostname itself would still win over it."""
    decision = None
    if choice:
        decision = f"private DNS off is deliberate: {choice}"
    elif answers.zones:
        decision = (f"private hosted zone(s) {', '.join(answers.zones)} answer the service's names: point their "
                    "records at this endpoint or detach them, else AWS refuses private DNS (ConflictingDomainExists)")
    elif answers.rules:
        decision = (f"Resolver rule(s) {', '.join(answers.rules)} forward the service's hostname itself and win over "
                    f"the endpoint's private DNS: disassociate them from {endpoint.vpc_id} first")
    elif ctx.view.service(endpoint).key == "appsync-api":
        # Private DNS on sends every AppSync API URL the VPC resolves to the endpoint, which serves
        # private APIs only (the AppSync guide points public APIs called from such a VPC at custom
        # domain names): whether the VPC calls public APIs is not in the snapshot.
        decision = ("with private DNS on, the VPC's requests to public AppSync APIs by their generated URLs reach the "
                    "endpoint, which serves private APIs only: give public APIs the VPC calls custom domain names "
                    "first")
    return [*dns_attribute_steps(ctx.view, endpoint.vpc_id, hostnames=True),
            step("ec2:ModifyVpcEndpoint", {"VpcEndpointId": endpoint.vpc_endpoint_id, "PrivateDnsEnabled": True},
                 endpoint.vpc_endpoint_id, Phase.MODIFY,
                 f"Turn on private DNS of {endpoint.vpc_endpoint_id}, so the service's default hostnames resolve to it",
                 decision=decision, context=endpoint_context(endpoint))]


@dataclass
class _Answers:
    """For one endpoint's default hostnames: why they do not reach it, why that cannot be told, the
    private hosted zones that answer them instead, and the FORWARD rules for a hostname itself."""

    unserved: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    zones: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)


def _judge_hostnames(ctx: RuleContext, endpoint: r.VpcEndpoint, hostnames: tuple[str, ...],
                     targets: EndpointTargets) -> _Answers:
    """What answers each default hostname in the endpoint's VPC, and whether that reaches the endpoint."""
    answers = _Answers()
    for hostname in hostnames:
        answer = authority(ctx.view, endpoint.vpc_id, hostname)
        if answer.kind == "endpoint" and answer.endpoint is not None:
            if not _holds_record(ctx, answer.endpoint, hostname):
                answers.unserved.append(
                    f"{hostname} falls in the private DNS zone of {answer.endpoint.vpc_endpoint_id} "
                    f"({ctx.view.service(answer.endpoint).key}), which holds no record for it (NXDOMAIN)")
            continue  # otherwise another endpoint of the service serves it
        if answer.kind == "forward" and answer.rule is not None:
            unserved, unknown = _forwarded(ctx, answer.rule, hostname, (endpoint.vpc_id,), targets)
            answers.unserved += unserved
            answers.unknown += unknown
            if unserved and normalise(answer.rule.domain_name) == normalise(hostname):
                answers.rules.append(answer.rule.resolver_rule_id)
            continue
        if answer.zone is None:
            answers.unserved.append(f"{hostname} resolves to the public service addresses (no private hosted zone or "
                                    "Resolver rule answers it)")
            continue
        verdict, why = _zone_answer(answer.zone, hostname, targets, endpoint.vpc_endpoint_id)
        if verdict == "unknown":
            answers.unknown.append(why)
        elif verdict == "unserved":
            answers.unserved.append(why)
            answers.zones.append(answer.zone.hosted_zone_id)
    answers.zones = list(dict.fromkeys(answers.zones))
    return answers


def _holds_record(ctx: RuleContext, other: r.VpcEndpoint, hostname: str) -> bool:
    """Does the private DNS zone of ``other`` (whose name covers ``hostname``) hold a record for it?
    The zone AWS manages for an endpoint's private DNS holds its own service's names only: the
    CodeArtifact api endpoint's ``codeartifact.<region>.amazonaws.com`` covers the repositories'
    ``*.d.codeartifact.<region>.amazonaws.com`` but answers them NXDOMAIN."""
    return any(hostname_matches(name, hostname) or normalise(name) == normalise(hostname)
               for name in ctx.view.service(other).hostnames)


def _zone_answer(zone: r.HostedZone, hostname: str, targets: EndpointTargets,
                 endpoint_id: str | None) -> tuple[str, str]:
    """("served" | "unserved" | "unknown", why) for a private hosted zone answering ``hostname``:
    served when a record points to ``endpoint_id`` — to any live endpoint when None."""
    if not zone.record_sets_collected:
        return "unknown", (f"the records of private hosted zone {zone.hosted_zone_id} ({zone.name}), which answers "
                           f"{hostname}, were not collected")
    records = answering_records(zone, hostname)
    reached = {e for rs in records for e in targets.endpoint_ids(rs)}
    if (endpoint_id in reached) if endpoint_id else reached:
        return "served", ""
    if not records:
        return "unserved", (f"private hosted zone {zone.hosted_zone_id} ({zone.name}) answers {hostname} with "
                            "NXDOMAIN (no record)")
    values = ", ".join(v for rs in records for v in (*rs.values, rs.alias_dns_name or "") if v)
    return "unserved", (f"private hosted zone {zone.hosted_zone_id} ({zone.name}) answers {hostname} with {values}, "
                        f"{'not this endpoint' if endpoint_id else 'no endpoint'}")


def _forwarded(ctx: RuleContext, rule: r.ResolverRuleAssociation, hostname: str, path: tuple[str, ...],
               targets: EndpointTargets) -> tuple[list[str], list[str]]:
    """Why a name a FORWARD rule of ``path[-1]`` sends away does not come back to an endpoint, and
    why that cannot be told. Resolver picks any of the targets for each query, so each counts: one
    that is an inbound Resolver endpoint of a scanned VPC is followed into that VPC; one that leads
    back into a VPC of ``path`` (the VPCs the query went through) loops; any other answers outside
    every snapshot."""
    if rule.target_ips is None:
        # A snapshot written before rules' targets were recorded: where the rule sends the name is
        # unknown, and a not-evaluated on every such endpoint would tell nothing new — the
        # catalogue's reading, a FORWARD rule serves the name, as this rule judged those snapshots.
        return [], []
    split = forward_targets(rule.target_ips, ctx.shared.get(inbound_endpoints_by_address))
    sends = f"Resolver rule {rule.resolver_rule_id} ({rule.domain_name}) forwards {hostname} to"
    unserved: list[str] = []
    unknown: list[str] = []
    if not rule.target_ips:
        unknown.append(f"{sends} no target the snapshot records")
    if split.elsewhere:
        unknown.append(f"{sends} {_listed(split.elsewhere)}, not an inbound Resolver endpoint of any scanned VPC: "
                       "whether those servers forward it back to an endpoint cannot be told")
    for inbound, hits in split.inbound:
        via = f"{sends} {_listed(hits)}, inbound Resolver endpoint {inbound.endpoint_id} of {inbound.vpc_id}"
        if inbound.vpc_id in path:
            where = "the VPC the rule is associated with" if inbound.vpc_id == path[-1] else "which the query came from"
            unserved.append(f"{via}, {where}: the query loops between the outbound and inbound endpoints and never "
                            "resolves (AWS: don't associate a Resolver rule with the VPC of its inbound endpoint)")
            continue
        wrong, unsure = _answered_at(ctx, inbound, hostname, (*path, inbound.vpc_id), targets)
        unserved += [f"{via}, where {why}" for why in wrong]
        unknown += [f"{via}, where {why}" for why in unsure]
    return unserved, unknown


def _answered_at(ctx: RuleContext, inbound: InboundEndpoint, hostname: str, path: tuple[str, ...],
                 targets: EndpointTargets) -> tuple[list[str], list[str]]:
    """How Resolver in the VPC of ``inbound`` answers ``hostname``: "Creating an inbound endpoint
    doesn't change the behavior of Resolver", so with that VPC's own endpoints, zones and rules.
    Served by an endpoint's private DNS or a zone record pointing to a live endpoint (the hub's
    endpoint, by design: that this one then carries nothing is IFE006's concern)."""
    view = _view_of(ctx, inbound)
    if view is None or not view.has(*ctx.rule.needs):
        return [], ["the Region's endpoints, zones or Resolver rules were not collected: what Resolver answers "
                    "there cannot be told"]
    answer = authority(view, inbound.vpc_id, hostname)
    if answer.kind == "endpoint":
        return [], []
    if answer.kind == "forward" and answer.rule is not None:
        wrong, unsure = _forwarded(ctx, answer.rule, hostname, path, targets)
        return [f"in turn {why}" for why in wrong], [f"in turn {why}" for why in unsure]
    if answer.zone is None:
        return [f"{hostname} resolves to the public service addresses"], []
    verdict, why = _zone_answer(answer.zone, hostname, targets, None)
    return ([why] if verdict == "unserved" else []), ([why] if verdict == "unknown" else [])


def _view_of(ctx: RuleContext, inbound: InboundEndpoint) -> NetworkView | None:
    """The network view of the inbound endpoint's scope: this one, or another of the snapshot."""
    if (inbound.account_id, inbound.region) == (ctx.account.account_id, ctx.region.region):
        return ctx.view
    return ctx.shared.get(ScopeViews).get(inbound.account_id, inbound.region)


def _listed(targets: tuple[r.ResolverTarget, ...]) -> str:
    return ", ".join(t.describe() for t in targets)
