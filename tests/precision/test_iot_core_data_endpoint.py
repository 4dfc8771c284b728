"""Devices reaching AWS IoT Core's data plane (MQTT on 8883 and 443) and credential provider through
interface VPC endpoints with private DNS off, each answered by a private hosted zone (AWS IoT Core
Developer Guide, "Using AWS IoT Core with interface VPC endpoints"): every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, region_view, severities
from layouts import iot_core_data_endpoint
from layouts.iot_core_data_endpoint import CREDENTIALS, DATA_ATS, HTTPS, MQTT, OTHER_VPC, REGION, regional_name

from vpcaudit.snapshot.model import Snapshot
from vpcaudit.snapshot.resources import EndpointService

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
ZONES_ELSEWHERE = {"zone_vpc": "other-region"}
ZONE_ON_DELETED_ENDPOINT = {"zone_target": "deleted-endpoint"}
HTTPS_ONLY = {"endpoint_ports": (HTTPS,)}
HOSTNAMES_OFF = {"dns_hostnames": False}
IOT_SERVICES = ("iot.data", "iot.credentials")


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return iot_core_data_endpoint.build(**options)  # type: ignore[arg-type]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: nothing in the layout creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _hostnames_off(ids: dict[str, str]) -> Triples:
    """Right, high: Route 53's "Considerations when working with a private hosted zone" — to use
    private hosted zones, enableDnsHostnames and enableDnsSupport must both be true. The two zones
    the guide has the devices resolve the ATS and credential-provider names through are then
    unsupported; the fix turns the attribute back on."""
    return {("DNS002", ids["vpc"], "fail")}


def _services(snapshot: Snapshot) -> dict[str, EndpointService]:
    """The IoT services DescribeVpcEndpointServices lists, by key."""
    region = snapshot.accounts[0].regions[0]
    return {s.service_name.removeprefix(f"com.amazonaws.{REGION}."): s
            for s in region.endpoint_services if ".iot." in s.service_name}


def test_the_endpoints_zones_and_groups_as_the_guide_builds_them() -> None:
    """Both services listed with no private DNS name and no policy support (assumed from the
    guide), both endpoints with private DNS off and no policy, their interfaces typed
    ``vpc_endpoint`` and described ``VPC Endpoint Interface <id>`` (the field the guide filters on),
    each zone's apex an alias to its endpoint's Regional name, and the endpoints' group admitting
    MQTT 8883 and 443 from the devices' group only."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    services = _services(snapshot)
    assert set(services) == set(IOT_SERVICES)
    assert {(s.private_dns_names, s.vpc_endpoint_policy_supported) for s in services.values()} == {((), False)}
    enis = {e.network_interface_id: e for e in region.network_interfaces}
    for key in IOT_SERVICES:
        endpoint = next(e for e in region.vpc_endpoints if e.vpc_endpoint_id == ids[key])
        assert (endpoint.private_dns_enabled, endpoint.policy_document, endpoint.group_ids) == (
            False, None, (ids["endpoint_sg"],))
        assert endpoint.dns_entries[0].dns_name == regional_name(ids[key], key)
        assert {(enis[n].interface_type, enis[n].requester_managed, enis[n].description, enis[n].instance_id)
                for n in endpoint.network_interface_ids} == {
            ("vpc_endpoint", True, f"VPC Endpoint Interface {ids[key]}", None)}
    view = region_view(snapshot)
    zones = {z.name: z for z in view.hosted_zones_of(ids["vpc"])}
    assert set(zones) == {DATA_ATS, CREDENTIALS}
    assert [(x.name, x.record_type, x.alias_dns_name) for x in zones[DATA_ATS].record_sets] == [
        (DATA_ATS, "A", regional_name(ids["iot.data"], "iot.data"))]
    group = next(g for g in region.security_groups if g.group_id == ids["endpoint_sg"])
    assert sorted((x.from_port, x.referenced_group_id) for x in group.rules if not x.is_egress) == [
        (HTTPS, ids["device_sg"]), (MQTT, ids["device_sg"])]
    assert sorted(e.network_interface_id for e in view.workload_enis(ids["vpc"])) == sorted(
        [ids["device1"], ids["device2"]])


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001 alone. Silent, rightly: DNS003 on both endpoints (private DNS
    off is what the guide requires — "Neither AWS IoT Core data plane nor AWS IoT Core credential
    provider supports private DNS names yet" — and the services list no private DNS name, so there
    is no default hostname to bypass); SG002 (TCP 8883 is a documented port of ``iot.data``: MQTT
    with a client certificate, protocols table); SG003/SG005 (443 and 8883 from the devices' group,
    which sends anywhere); SG001/SG004/SG006; POL001/POL002 (no endpoint policy support, no
    document); IFE001/IFE002 (both AZs, devices in both); DNS001/DNS002/DNS004 (attributes on, the
    zones name account-specific endpoints, no service hostname); NAT and GWE rules (nothing leaves
    the VPC)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _flow_logs(ids)


def test_near_miss_zones_associated_with_another_regions_vpc() -> None:
    """Both zones associated with a us-west-2 VPC instead of the devices' (Route 53 refuses a
    private zone with no VPC at all): the ATS name resolves publicly, the devices try the public
    endpoint and, with no way out, never connect; the endpoints sit unused. A gap, pinned: the
    audit is the canonical one. DNS003 has no default hostname to judge, DNS004 judges zones of
    service hostnames only, and nothing asks that an ``iot.data`` endpoint with private DNS off —
    which the guide says works only through a zone "attached to your VPC" — be the alias target
    of some zone of its VPC."""
    snapshot, ids = _built(**ZONES_ELSEWHERE)
    assert audit(snapshot) == _flow_logs(ids)
    assert region_view(snapshot).hosted_zones_of(ids["vpc"]) == ()
    zones = snapshot.accounts[0].regions[0].hosted_zones
    assert {(z.name, tuple(a.vpc_id for a in z.vpcs)) for z in zones} == {
        (DATA_ATS, (OTHER_VPC,)), (CREDENTIALS, (OTHER_VPC,))}


def test_near_miss_zone_aliases_a_deleted_endpoint() -> None:
    """The data zone's alias still names a deleted ``iot.data`` endpoint's Regional DNS name; the
    re-created endpoint is named by no record. The zone is authoritative for the ATS name, so the
    devices get no address (assumed) and never connect. A gap, pinned: the audit is the canonical
    one. DNS004 catches a record pointing at no existing endpoint, but only in zones answering AWS
    service hostnames; this zone names the account's ATS endpoint, which no service lists."""
    snapshot, ids = _built(**ZONE_ON_DELETED_ENDPOINT)
    assert audit(snapshot) == _flow_logs(ids)
    region = snapshot.accounts[0].regions[0]
    live = {d.dns_name for e in region.vpc_endpoints for d in e.dns_entries}
    data_zone = next(z for z in region.hosted_zones if z.name == DATA_ATS)
    assert [x.alias_dns_name in live for x in data_zone.record_sets] == [False]


def test_near_miss_endpoint_group_admits_443_only() -> None:
    """The endpoints' group admits TCP 443 only: a device on MQTT port 8883 is refused at the
    endpoint, while one on 443 with ALPN ``x-amzn-mqtt-ca`` (or MQTT over WebSocket) connects.
    A gap, pinned: the audit is the canonical one. SG003 asks for one of the service's ports, as
    for any SDK, and which port a device uses is its own configuration, not in any snapshot; a
    finding would be advice at most ("devices on 8883 refused")."""
    snapshot, ids = _built(**HTTPS_ONLY)
    assert audit(snapshot) == _flow_logs(ids)
    group = next(g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == ids["endpoint_sg"])
    assert sorted(x.from_port for x in group.rules if not x.is_egress) == [HTTPS]


def test_near_miss_dns_hostnames_off() -> None:
    """DNS hostnames off in the devices' VPC: DNS002, high, on the VPC, for its two private zones."""
    snapshot, ids = _built(**HOSTNAMES_OFF)
    assert audit(snapshot) == _flow_logs(ids) | _hostnames_off(ids)
    assert severities(snapshot)[("DNS002", ids["vpc"], "")] == "high"
