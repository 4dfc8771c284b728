"""EC2 instances in private subnets without NAT calling AWS STS through an ``sts`` interface VPC
endpoint with private DNS (IAM User Guide, "AWS STS and interface VPC endpoints"), and the global
name ``sts.amazonaws.com`` the endpoint does not answer: every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, region_view, severities
from layouts import sts_regional_endpoint_private
from layouts.sts_regional_endpoint_private import GLOBAL_NAME, HTTPS, REGIONAL_NAME, VPC_CIDR

from vpcaudit.engine.rule import Status
from vpcaudit.network.dns import authority, service_hostnames
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Ids = dict[str, str]
PRIVATE_DNS_OFF = {"private_dns": False}
GLOBAL_NAME_ZONE = {"global_name_zone": True}
VPC_CIDR_SOURCE = {"endpoint_source": "vpc-cidr"}


@cache
def _built(**options: object) -> tuple[Snapshot, Ids]:
    """One snapshot per variant: several tests read the same one."""
    return sts_regional_endpoint_private.build(**options)  # type: ignore[arg-type]


def _flow_log(ids: Ids) -> Triples:
    """Right, medium: neither IAM guide page creates a flow log, and the layout has none."""
    return {("MON001", ids["vpc"], "fail")}


def _default_endpoint_policy(ids: Ids) -> Triples:
    """Right (advice), medium: the ``sts`` endpoint keeps AWS's default full-access policy; STS
    endpoints take policies, so one admitting this organization's principals and the roles they
    assume is possible."""
    return {("POL001", ids["sts"], "fail")}


def _baseline(ids: Ids) -> Triples:
    return _flow_log(ids) | _default_endpoint_policy(ids)


def _private_dns_off(ids: Ids) -> Triples:
    """Right, medium: with private DNS off ``sts.eu-west-1.amazonaws.com`` resolves to STS's public
    addresses, which the subnets (local route only) cannot reach: every SDK on its Regional
    default times out, and the endpoint is billed for nothing."""
    return {("DNS003", ids["sts"], "fail")}


def test_the_snapshot_is_the_guides_layout() -> None:
    """The builder against the guide: no internet or NAT gateway; the endpoint in both subnets with
    private DNS on, its group admitting TCP 443 from the instances' group; its interfaces
    ``vpc_endpoint``, requester-managed; the instances' ``interface``, on an instance; the service's
    only private DNS name the Regional one."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    assert not region.internet_gateways and not region.nat_gateways
    endpoint = next(e for e in region.vpc_endpoints if e.vpc_endpoint_id == ids["sts"])
    assert (endpoint.private_dns_enabled, endpoint.subnet_ids, endpoint.group_ids) \
        == (True, tuple(sorted([ids["private1"], ids["private2"]])), (ids["endpoint_sg"],))
    group = next(g for g in region.security_groups if g.group_id == ids["endpoint_sg"])
    assert [(x.ip_protocol, x.from_port, x.to_port, x.referenced_group_id) for x in group.rules
            if not x.is_egress] == [("tcp", HTTPS, HTTPS, ids["app_sg"])]
    view = region_view(snapshot)
    assert {(view.interfaces[e].interface_type, view.interfaces[e].requester_managed)
            for e in endpoint.network_interface_ids} == {("vpc_endpoint", True)}
    instances = [view.interfaces[ids[f"instance{k}_eni"]] for k in (1, 2)]
    assert all(e.instance_id and e.interface_type == "interface" and not e.requester_managed for e in instances)
    assert [e.network_interface_id for e in view.workload_enis(ids["vpc"])] \
        == sorted(ids[f"instance{k}_eni"] for k in (1, 2))
    service = next(s for s in region.endpoint_services if s.service_name == endpoint.service_name)
    assert service.private_dns_names == (REGIONAL_NAME,)


def test_findings_and_verdicts_of_the_guides_layout() -> None:
    """MON001 and POL001, both medium. Silent, rightly: DNS001/DNS002 (both attributes on), DNS003
    (private DNS on), DNS004/DNS005 (no zone, AmazonProvidedDNS), SG001-SG006 (443 from the
    instances' group, which sends everything), IFE001/IFE002 (the endpoint in both AZs of the
    instances), IFE003 (no bundle starts from ``sts`` alone), GWE002/GWE003 and every NAT rule
    (no path beyond the VPC), ACL001 (default NACL), RT001."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)
    levels = severities(snapshot)
    assert {levels[("MON001", ids["vpc"], "")], levels[("POL001", ids["sts"], "")]} == {"medium"}


def test_the_global_name_is_not_the_endpoints() -> None:
    """The precision question. The endpoint's private DNS answers the Regional name only (the
    service's ``PrivateDnsNames``), and Resolver in the VPC answers ``sts.amazonaws.com`` from
    public DNS: since 2025 those are addresses serving the request in eu-west-1 (IAM guide, "AWS STS
    global endpoint changes"), but public ones, which the subnets cannot reach. The guide: after
    creating the endpoint one "must use the matching regional endpoint". Right as modelled: the
    network model and DNS003 reason about the Regional name only. A gap, pinned: clients still on
    ``sts_regional_endpoints = legacy`` — AWS CLI v1, the SDKs for Java 1.x, JavaScript 2.x and Go
    1.x by default, boto3 before 1.40.0 (2025-07-31), an SDK with no Region configured that falls
    back to the global endpoint — time out; which SDK a workload runs is in no EC2 record, so no
    rule can say so."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    names = service_hostnames(view)
    assert REGIONAL_NAME in names and GLOBAL_NAME not in names
    regional = authority(view, ids["vpc"], REGIONAL_NAME)
    assert (regional.kind, regional.endpoint.vpc_endpoint_id if regional.endpoint else None) == ("endpoint", ids["sts"])
    assert authority(view, ids["vpc"], GLOBAL_NAME).kind == "public"


def test_near_miss_private_dns_off() -> None:
    """The endpoint with private DNS off: DNS003, medium, naming the Regional name — the one the
    guide says clients must use with the endpoint."""
    snapshot, ids = _built(**PRIVATE_DNS_OFF)
    assert audit(snapshot) == _baseline(ids) | _private_dns_off(ids)
    assert severities(snapshot)[("DNS003", ids["sts"], "")] == "medium"
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "DNS003" and f.status is Status.FAIL]
    assert REGIONAL_NAME in finding.message and GLOBAL_NAME not in finding.message


def test_near_miss_private_hosted_zone_for_the_global_name() -> None:
    """A private hosted zone ``sts.amazonaws.com`` with an alias to the endpoint, for legacy
    clients. No DNS004, rightly: the zone covers no default name of any endpoint service of the
    Region (``sts.eu-west-1.amazonaws.com`` is not under it, and still goes to the endpoint's
    private DNS), and its one record names a live endpoint of this VPC — nothing it answers was
    reachable before (no NAT). Whether STS answers a request for the global name arriving at the
    endpoint (its TLS name, SigV4's ``us-east-1`` scope) AWS does not document; the guide's way is
    the Regional endpoint on the client. The zone is no substitute for private DNS either: with it
    off as well DNS003 still fires."""
    snapshot, ids = _built(**GLOBAL_NAME_ZONE)
    view = region_view(snapshot)
    assert [z.name for z in view.hosted_zones_of(ids["vpc"])] == [GLOBAL_NAME]
    assert authority(view, ids["vpc"], GLOBAL_NAME).kind == "zone"
    assert authority(view, ids["vpc"], REGIONAL_NAME).kind == "endpoint"
    assert audit(snapshot) == _baseline(ids)
    both_snapshot, both_ids = _built(**GLOBAL_NAME_ZONE, **PRIVATE_DNS_OFF)
    assert audit(both_snapshot) == _baseline(both_ids) | _private_dns_off(both_ids)


def test_near_miss_endpoint_group_admitting_the_vpc_block() -> None:
    """The endpoint's group admitting TCP 443 from 10.0.0.0/16 instead of the instances' group:
    nothing, rightly. The block holds both instances (SG003's client test), and SG004 judges only
    sources reaching beyond the VPC."""
    snapshot, ids = _built(**VPC_CIDR_SOURCE)
    group = next(g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == ids["endpoint_sg"])
    assert [(x.from_port, x.cidr_ipv4) for x in group.rules if not x.is_egress] == [(HTTPS, VPC_CIDR)]
    assert audit(snapshot) == _baseline(ids)
