"""Route 53 private hosted zones associated with the collected VPCs, and their AWS-service records.

Route 53 is global and allows ~5 requests per second per account, so the calls are planned
once per account, after the VPCs of every region are known. Two ways to learn which zones a
VPC uses; the cheaper one is taken:

* ``ListHostedZonesByVPC`` once per VPC — sees every zone associated with the VPC, including
  zones owned by other accounts (a centralised-DNS pattern);
* list this account's private zones (``ListHostedZones``) and read each zone's VPCs with
  ``GetHostedZone`` — cheaper with many VPCs and few zones, but blind to zones that other
  accounts own and associated with these VPCs.

With one VPC the per-VPC way is always at least as cheap, so no listing is made. Otherwise the
private zones are listed first (usually one page) and the zones are read one by one only when
there are fewer zones than VPCs; on a tie the per-VPC way wins because it sees more.

Record sets (``ListResourceRecordSets``) are read only for zones this account owns whose name
can answer for AWS service hostnames: equal to, inside, or a parent of a service DNS suffix
(``amazonaws.com``, ``amazonaws.com.cn``, ``api.aws``) — e.g. ``us-east-1.amazonaws.com``,
``ssm.eu-west-1.amazonaws.com`` or ``com``. Other zones are recorded with
``record_sets_collected = False``.

A zone this account owns is recorded with every VPC it is associated with, other accounts' VPCs
included, whenever its VPC list is read (``GetHostedZone``): for every zone when reading per
zone, and for the zones whose records are read in any case (one more call per such zone when
reading per VPC). In an organization scan the audit joins those associations to the other
accounts' VPCs, so a spoke sees its hub's zones even where its own collection read zones
instead of VPCs (Route 53 shows a VPC's zones owned by other accounts only per VPC).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from vpcaudit.aws.errors import error_code
from vpcaudit.aws.paging import items, pages
from vpcaudit.collectors.base import AccountCollector, Scope
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part

_GONE_VPC_CODES = frozenset({"InvalidVPCId", "InvalidVpcID.NotFound"})


def zone_id(raw: str) -> str:
    """``/hostedzone/Z123`` (ListHostedZones) and ``Z123`` (ListHostedZonesByVPC) alike -> ``Z123``."""
    return raw.rsplit("/", 1)[-1]


@dataclass
class _Zone:
    name: str
    own: bool  # owned by the collected account: only then can its records be read
    associations: set[tuple[str, str]] = field(default_factory=set)  # (vpc id, vpc region)
    every_vpc: bool = False  # associations read from the zone itself: other accounts' VPCs included


def _zones_by_vpc(scope: Scope, r53: Any, vpcs: list[tuple[str, str]]) -> dict[str, _Zone]:
    def zones_of(vpc: tuple[str, str]) -> list[r.Api]:
        vpc_id, region = vpc
        try:
            return items(r53, "ListHostedZonesByVPC", "HostedZoneSummaries", VPCId=vpc_id, VPCRegion=region)
        except ClientError as exc:
            if error_code(exc) in _GONE_VPC_CODES:  # deleted since DescribeVpcs
                return []
            raise

    zones: dict[str, _Zone] = {}
    for vpc, summaries in zip(vpcs, scope.map(zones_of, vpcs), strict=True):
        for summary in summaries:
            owner = summary.get("Owner") or {}
            zone = zones.setdefault(zone_id(summary["HostedZoneId"]), _Zone(
                summary.get("Name", ""), owner.get("OwningAccount") == scope.account_id))
            zone.associations.add(vpc)
    return zones


def _zones_by_zone(scope: Scope, r53: Any, private: list[r.Api]) -> dict[str, _Zone]:
    """This account's private zones, each with every VPC it is associated with (this account's
    or another's); zones associated with no VPC at all are left out."""
    zones: dict[str, _Zone] = {}
    ids = [zone_id(z["Id"]) for z in private]
    for listed, found in zip(private, scope.map(lambda z: _vpcs_of(r53, z), ids), strict=True):
        if found:
            zones[zone_id(listed["Id"])] = _Zone(listed.get("Name", ""), True, found, every_vpc=True)
    return zones


def _with_every_vpc_of_service_zones(scope: Scope, r53: Any, zones: dict[str, _Zone],
                                     private: list[r.Api] | None) -> None:
    """Read the whole VPC list of each zone of this account that can answer for AWS service
    names and was found through this account's VPCs only (or, with the private zones listed, not
    found through them at all: a hub zone associated with other accounts' VPCs alone)."""
    names = {z: zone.name for z, zone in zones.items() if zone.own and not zone.every_vpc}
    names |= {zone_id(z["Id"]): z.get("Name", "") for z in private or () if zone_id(z["Id"]) not in zones}
    todo = sorted(z for z, name in names.items() if r.answers_for_aws_services(name))
    for z, found in zip(todo, scope.map(lambda z: _vpcs_of(r53, z), todo), strict=True):
        if found:
            zones[z] = _Zone(names[z], True, found | (zones[z].associations if z in zones else set()), every_vpc=True)


def _vpcs_of(r53: Any, hosted_zone_id: str) -> set[tuple[str, str]]:
    """(VPC id, Region) of every VPC the zone is associated with, whichever account owns it."""
    associated = r53.get_hosted_zone(Id=hosted_zone_id).get("VPCs", [])
    return {(a.get("VPCId", ""), a.get("VPCRegion", "")) for a in associated}


def _record_sets(r53: Any, hosted_zone_id: str) -> tuple[r.RecordSet, ...]:
    records = [r.RecordSet.from_api(item) for page in pages(r53, "ListResourceRecordSets", HostedZoneId=hosted_zone_id)
               for item in page.get("ResourceRecordSets", [])]
    return tuple(sorted(records, key=lambda x: (x.name, x.record_type, x.values, x.alias_dns_name or "")))


def fetch_hosted_zones(scope: Scope, inputs: Mapping[str, Mapping[Part, Any]]) -> dict[str, tuple[r.HostedZone, ...]]:
    # Only this account's VPCs: Route 53 answers for VPCs the caller owns.
    vpcs = sorted((vpc.vpc_id, region) for region, data in inputs.items() for vpc in data[Part.VPCS]
                  if vpc.owner_id in ("", scope.account_id))
    r53 = scope.client("route53")
    zones: dict[str, _Zone] = {}
    private: list[r.Api] | None = None
    if len(vpcs) > 1:
        private = [z for z in items(r53, "ListHostedZones", "HostedZones", HostedZoneType="PrivateHostedZone")
                   if (z.get("Config") or {}).get("PrivateZone")]
        zones = _zones_by_zone(scope, r53, private) if len(private) < len(vpcs) else _zones_by_vpc(scope, r53, vpcs)
    elif vpcs:
        zones = _zones_by_vpc(scope, r53, vpcs)
    _with_every_vpc_of_service_zones(scope, r53, zones, private)

    readable = sorted(z for z, zone in zones.items() if zone.own and r.answers_for_aws_services(zone.name))
    records = dict(zip(readable, scope.map(lambda z: _record_sets(r53, z), readable), strict=True))
    out: dict[str, tuple[r.HostedZone, ...]] = {}
    for region in inputs:
        out[region] = tuple(
            r.HostedZone(hosted_zone_id=z, name=r.HostedZone.normalise_name(zone.name),
                         vpcs=tuple(r.VpcAssociation(v, reg) for v, reg in sorted(zone.associations) if reg == region),
                         record_sets=records.get(z, ()), record_sets_collected=z in records)
            for z, zone in sorted(zones.items()) if any(reg == region for _, reg in zone.associations))
    return out


COLLECTORS = (
    AccountCollector(Part.HOSTED_ZONES,
                     ("route53:ListHostedZonesByVPC", "route53:ListHostedZones", "route53:GetHostedZone",
                      "route53:ListResourceRecordSets"),
                     fetch_hosted_zones, needs=(Part.VPCS,)),
)
