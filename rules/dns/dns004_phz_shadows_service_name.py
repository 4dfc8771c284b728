"""DNS004 phz-shadows-service-name."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from vpcaudit.engine.remedy import Phase, step
from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.network.dns import (
    EndpointTargets,
    HostnameIndex,
    QueryingVpc,
    VpcResolver,
    answering_records,
    covers,
    endpoint_targets,
    readable_zone_records,
    service_hostnames,
)
from vpcaudit.snapshot.model import Part, Snapshot

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.snapshot import resources as r

# How many hostnames a message and the evidence list; the counts are always complete.
SHOWN_IN_MESSAGE = 3
SHOWN_IN_EVIDENCE = 20


@rule(id="DNS004", name="phz-shadows-service-name", severity=Severity.MEDIUM,
      needs=(Part.VPCS, Part.HOSTED_ZONES, Part.VPC_ENDPOINTS, Part.ENDPOINT_SERVICES, Part.NETWORK_INTERFACES,
             Part.RESOLVER_RULES),
      references=(
          "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-considerations.html",
          "https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/"
          "centralized-access-to-vpc-private-endpoints.html",
          "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-overview-forward-vpc-to-network-domain-name-matches.html",
      ),
      seeds=("000",))
def phz_shadows_service_name(ctx: RuleContext) -> Iterator[Finding]:
    """A private hosted zone associated with the VPC answers AWS service hostnames of the Region wrongly.

    The zone is named as, or as a parent of, a service's default hostname (`ssm.<region>.amazonaws.com`,
    `<region>.amazonaws.com`), it is what Route 53 Resolver consults for that name from this VPC
    (no more specific zone, endpoint private DNS or forwarding rule), and it either has no record
    for the name — Resolver answers NXDOMAIN — or its record points to no address or DNS name of
    any existing interface endpoint (a stale centralized-endpoint zone), or only to endpoints of
    other VPCs whose answered addresses all lie inside this VPC's own CIDR blocks (IPv4 for an A
    record, IPv6 for AAAA): the local route covers each whole block of the VPC and the most
    specific route wins, and no peering connection joins overlapping blocks, so those addresses
    are looked for inside the VPC and the service is unreachable (a hub zone left associated with
    a VPC that reuses the hub's block, as VPC Lattice consumers may). Records pointing at
    addresses outside every scanned VPC, or at endpoints not in the snapshot, cannot be judged
    and are reported as not evaluated. A zone another account shares with the VPC is judged with
    its owner's records when the owner is in the scan (only the owner can read them); otherwise
    it is not evaluated.

    ## Why it matters
    When a private hosted zone matches a query's name, Resolver never falls back to public DNS:
    a service name the zone holds no record for gets NXDOMAIN, so SDKs in the VPC cannot reach
    that service at all — through an endpoint or through NAT. A parent zone such as
    `<region>.amazonaws.com` created for one service silently breaks every other service of the
    Region. A record left pointing at a deleted hub endpoint sends clients to addresses where
    nothing answers.

    ## How to fix
    Name the zone exactly after the one service hostname it serves, and point its apex at a live
    interface endpoint (alias to the endpoint's regional DNS name):

    ```
    aws route53 change-resource-record-sets --hosted-zone-id <zone-id> --change-batch \\
        '{"Changes":[{"Action":"UPSERT","ResourceRecordSet":{"Name":"<service-hostname>","Type":"A",
        "AliasTarget":{"HostedZoneId":"<endpoint-dns-hosted-zone-id>","DNSName":"<endpoint-regional-dns-name>",
        "EvaluateTargetHealth":false}}}]}'
    ```

    If the zone is left over from a removed endpoint, detach it from the VPC (or delete it):

    ```
    aws route53 disassociate-vpc-from-hosted-zone --hosted-zone-id <zone-id> --vpc VPCRegion=<region>,VPCId=<vpc-id>
    ```

    Check from an instance in the VPC:

    ```
    nslookup <service-hostname>
    ```
    """
    view = ctx.view
    catalogue = ctx.shared.get(_index, service_hostnames(view))
    targets: EndpointTargets | None = None
    readable: dict[str, tuple[r.RecordSet, ...]] | None = None  # the owners' records, read once if needed
    for vpc_id in sorted(view.vpcs):
        zones = sorted(view.hosted_zones_of(vpc_id), key=lambda z: z.hosted_zone_id)
        if not zones:
            continue
        resolver = VpcResolver.of(view, vpc_id)
        querying = QueryingVpc.of(view, vpc_id)
        for zone in zones:
            answered = [h for h in catalogue.covered_by(zone.name) if _zone_answers(resolver, zone, h)]
            if not answered:
                continue
            ref = ctx.ref("hosted-zone", zone.hosted_zone_id, vpc_id, zone.name)
            if not zone.record_sets_collected:
                if readable is None:
                    readable = ctx.shared.get(readable_zone_records)
                if zone.hosted_zone_id not in readable:
                    yield ctx.not_evaluated(ref, f"private hosted zone {zone.name} answers {len(answered)} AWS "
                                                 f"service hostname(s) from {vpc_id} (e.g. {answered[0]}), but its "
                                                 "records were not collected (another account owns it and is not "
                                                 "in the scan, or they could not be read)", discriminator=vpc_id)
                    continue
                zone = replace(zone, record_sets=readable[zone.hosted_zone_id], record_sets_collected=True)
            targets = targets or ctx.shared.get(endpoint_targets)
            missing, stale, local, unknown = _judge(zone, answered, targets, querying)
            if not missing and not stale and not local:
                if unknown:
                    yield ctx.not_evaluated(ref, f"records of {zone.name} point outside the scanned estate: "
                                                 f"{'; '.join(unknown[:SHOWN_IN_MESSAGE])}", discriminator=vpc_id)
                continue
            detach = step("route53:DisassociateVPCFromHostedZone",
                          {"HostedZoneId": zone.hosted_zone_id,
                           "VPC": {"VPCRegion": view.region_name, "VPCId": vpc_id}},
                          zone.hosted_zone_id, Phase.DELETE,
                          f"Detach private hosted zone {zone.name} ({zone.hosted_zone_id}) from {vpc_id}",
                          decision=f"detach only if nothing in {vpc_id} needs the zone's other records; otherwise add "
                                   "records for the shadowed service names, aliased to a live interface endpoint")
            yield ctx.finding(ref, _message(zone, vpc_id, missing, stale, local), discriminator=vpc_id, fix=[detach],
                              evidence=evidence_dict(
                                  zone=zone.name, hostnames_answered=len(answered),
                                  hostnames_without_record=len(missing),
                                  without_record=missing[:SHOWN_IN_EVIDENCE] or None,
                                  stale_records=stale[:SHOWN_IN_EVIDENCE] or None,
                                  records_inside_own_blocks=local[:SHOWN_IN_EVIDENCE] or None,
                                  not_checked=unknown[:SHOWN_IN_EVIDENCE] or None))


def _index(_: Snapshot, hostnames: tuple[str, ...]) -> HostnameIndex:
    """One index per distinct catalogue: every account of a Region lists the same one."""
    return HostnameIndex(hostnames)


def _zone_answers(resolver: VpcResolver, zone: r.HostedZone, hostname: str) -> bool:
    """The zone covers the hostname and is what Resolver consults for it from this VPC."""
    if not covers(zone.name, hostname):
        return False
    answer = resolver.authority(hostname)
    return answer.kind == "zone" and answer.zone is not None and answer.zone.hosted_zone_id == zone.hosted_zone_id


def _judge(zone: r.HostedZone, hostnames: list[str], targets: EndpointTargets,
           querying: QueryingVpc) -> tuple[list[str], list[str], list[str], list[str]]:
    """Hostnames without a record, with a stale record, with a record naming only endpoints the
    querying VPC's local route keeps its clients from, and with a record we cannot check."""
    missing: list[str] = []
    stale: list[str] = []
    local: list[str] = []
    unknown: list[str] = []
    for hostname in hostnames:
        records = answering_records(zone, hostname)
        if not records:
            missing.append(hostname)
            continue
        verdicts = [targets.classify(rs, querying) for rs in records]
        if any(v == "endpoint" for v, _ in verdicts):
            continue
        if any(v == "unknown" for v, _ in verdicts):
            unknown.append(f"{hostname} → {', '.join(target for _, target in verdicts)}")
        elif any(v == "local" for v, _ in verdicts):
            kept = sorted({target for v, target in verdicts if v == "local"})
            local.append(_kept_inside(hostname, kept, targets, querying))
        else:
            stale.append(f"{hostname} → {', '.join(target for _, target in verdicts)}")
    return missing, stale, local, unknown


def _kept_inside(hostname: str, endpoint_ids: list[str], targets: EndpointTargets, querying: QueryingVpc) -> str:
    """'ssm.… → vpce-… of vpc-hub, inside 10.0.0.0/16': the endpoints a hostname is pointed at,
    their VPC, and the querying VPC's own blocks their addresses fall in."""
    return f"{hostname} → " + " and ".join(
        f"{e} of {targets.vpc_of[e]}, inside {', '.join(querying.blocks_holding(targets.addresses_of[e]))}"
        for e in endpoint_ids)


def _message(zone: r.HostedZone, vpc_id: str, missing: list[str], stale: list[str], local: list[str]) -> str:
    parts = []
    if missing:
        shown = ", ".join(missing[:SHOWN_IN_MESSAGE]) + (f" and {len(missing) - SHOWN_IN_MESSAGE} more"
                                                         if len(missing) > SHOWN_IN_MESSAGE else "")
        parts.append(f"has no record for {len(missing)} AWS service hostname(s) it shadows ({shown}): Resolver "
                     "answers NXDOMAIN, so those services are unreachable by name")
    if stale:
        parts.append(f"points {len(stale)} service hostname(s) at no existing interface endpoint "
                     f"({'; '.join(stale[:SHOWN_IN_MESSAGE])})")
    if local:
        parts.append(f"points {len(local)} service hostname(s) at another VPC's endpoint whose addresses lie inside "
                     f"{vpc_id}'s own CIDR block(s) ({'; '.join(local[:SHOWN_IN_MESSAGE])}): the local route keeps "
                     f"that traffic inside {vpc_id}, so those services are unreachable")
    return f"Private hosted zone {zone.name} ({zone.hosted_zone_id}) associated with {vpc_id} {' and '.join(parts)}"
