"""An AWS IoT Greengrass V2 core device on EC2 in private subnets without internet access, through
the ``iot.data``, ``iot.credentials``, ``s3`` and ``logs`` endpoints, the two IoT ones answered by
private hosted zones (Greengrass V2 Developer Guide, "Operate an AWS IoT Greengrass core device in
VPC"): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, region_view, severities
from layouts import greengrass_core_private
from layouts.greengrass_core_private import CREDENTIALS, DATA_ATS, DATA_PLANE, HTTPS, MQTT, S3_DNS_NAMES, regional_name

from vpcaudit.network.services import SERVICE_PORTS
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
IOT_ENDPOINTS_443_ONLY = {"iot_ports": (HTTPS,)}
CORE_EGRESS_443_ONLY = {"core_egress": (HTTPS,)}
WITH_CONTROL_PLANE_ENDPOINT = {"greengrass_endpoint": True}
IOT_SERVICES = ("iot.data", "iot.credentials")


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return greengrass_core_private.build(**options)  # type: ignore[arg-type]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: nothing in the layout creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _full_access(ids: dict[str, str], *keys: str) -> Triples:
    """Right (advice), medium: the ``s3`` and ``logs`` endpoints keep AWS's default full-access
    policy; the guide shows none for them, and both services take endpoint policies. ``iot.data``
    and ``iot.credentials`` support none (IoT Core guide), so they are rightly left out."""
    return {("POL001", ids[key], "fail") for key in ("s3", "logs", *keys)}


def _s3_interface_for_vpc_traffic(ids: dict[str, str]) -> Triples:
    """Right (advice), low: the guide's table has the core device reach S3 through an interface
    endpoint, and no gateway endpoint sits beside it. A free gateway endpoint serves in-VPC
    callers at S3's public addresses (PrivateLink guide, gateway endpoints), the nucleus's
    REGIONAL ``s3.us-east-1.amazonaws.com`` calls included; the interface endpoint is for
    on-premises callers, of which there are none here."""
    return {("GWE004", ids["s3"], "fail")}


def _baseline(ids: dict[str, str]) -> Triples:
    return _flow_logs(ids) | _full_access(ids) | _s3_interface_for_vpc_traffic(ids)


def test_the_endpoints_zones_and_groups_as_the_guide_builds_them() -> None:
    """The guide's minimum (``iot.data``, ``iot.credentials``, ``s3``) plus ``logs`` for the log
    manager: the IoT two with private DNS off, no policy, each named by an apex alias of its
    account-endpoint zone; ``s3`` with private DNS on for both S3 names and not inbound-only (no
    gateway endpoint); no ``greengrass`` endpoint. Every endpoint interface typed ``vpc_endpoint``,
    requester-managed, described ``VPC Endpoint Interface <id>``; the core's interface the one
    workload, on its instance."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    endpoints = {e.service_name.rsplit(".", 2)[-1] if ".iot." not in e.service_name
                 else e.service_name.removeprefix("com.amazonaws.us-east-1."): e for e in region.vpc_endpoints}
    assert set(endpoints) == {*IOT_SERVICES, "s3", "logs"}
    for key in IOT_SERVICES:
        assert (endpoints[key].private_dns_enabled, endpoints[key].policy_document, endpoints[key].group_ids) == (
            False, None, (ids["iot_sg"],))
    assert (endpoints["s3"].private_dns_enabled, endpoints["s3"].private_dns_only_for_inbound_resolver_endpoint) == (
        True, False)
    s3 = next(s for s in region.endpoint_services if s.service_name == "com.amazonaws.us-east-1.s3")
    assert set(s3.private_dns_names) == set(S3_DNS_NAMES)
    enis = {e.network_interface_id: e for e in region.network_interfaces}
    for key, endpoint in endpoints.items():
        assert endpoint.dns_entries[0].dns_name == regional_name(ids[key], key)
        assert {(enis[n].interface_type, enis[n].requester_managed, enis[n].description, enis[n].instance_id)
                for n in endpoint.network_interface_ids} == {
            ("vpc_endpoint", True, f"VPC Endpoint Interface {ids[key]}", None)}
    view = region_view(snapshot)
    zones = {z.name: [x.alias_dns_name for x in z.record_sets] for z in view.hosted_zones_of(ids["vpc"])}
    assert zones == {DATA_ATS: [regional_name(ids["iot.data"], "iot.data")],
                     CREDENTIALS: [regional_name(ids["iot.credentials"], "iot.credentials")]}
    assert [e.network_interface_id for e in view.workload_enis(ids["vpc"])] == [ids["core"]]
    assert enis[ids["core"]].instance_id is not None
    group = next(g for g in region.security_groups if g.group_id == ids["iot_sg"])
    assert sorted((x.from_port, x.referenced_group_id) for x in group.rules if not x.is_egress) == [
        (HTTPS, ids["core_sg"]), (DATA_PLANE, ids["core_sg"]), (MQTT, ids["core_sg"])]


def test_findings_and_verdicts_of_the_guide() -> None:
    """The canonical form: MON001, POL001 on ``s3`` and ``logs``, GWE004 on ``s3``, and no SG002.
    TCP 8443 from the core's group is the nucleus's data-plane port through the ``iot.data``
    endpoint: with ``greengrassDataPlaneEndpoint`` "iotdata", which the guide requires, the nucleus
    sends its Greengrass data-plane calls there on ``greengrassDataPlanePort``, 8443 unless set to
    443; the IoT Core protocols table lists HTTPS with a client certificate on 8443, and the
    Greengrass firewall page the account's data endpoint as "HTTPS: 8443 or 443". (SG002 called it
    extra: rule wrong, fixed — ``iot.data``'s ports are 443, 8443 and 8883.) Silent, rightly:
    DNS003 on the IoT endpoints (private DNS off is what the guide requires, and their services
    list no private DNS name); SG003 (each endpoint admits the core on its ports); SG005 (the core
    sends anywhere); SG001/SG004/SG006; IFE001/IFE002 (both AZs); IFE003 (no bundle names
    Greengrass, and none is needed: the guide's minimum is built); DNS001/DNS002/DNS004 (attributes
    on; the zones name account endpoints, not service hostnames); NAT rules (nothing leaves the
    VPC); no finding asks for a ``greengrass`` endpoint, which the guide's table leaves out."""
    snapshot, ids = _built()
    assert 8443 in SERVICE_PORTS["iot.data"]
    assert audit(snapshot) == _baseline(ids)
    assert severities(snapshot)[("GWE004", ids["s3"], "")] == "low"


def test_near_miss_iot_endpoints_admit_443_only() -> None:
    """``gg-iot-endpoints`` admits TCP 443 only while the nucleus keeps ``mqtt.port`` 8883 and
    ``greengrassDataPlanePort`` 8443: the core never connects to MQTT nor receives a deployment. A
    gap, pinned: SG003 asks for one of ``iot.data``'s ports, as for any client, and the nucleus's
    ports are its configuration, in no snapshot; 443 serves a nucleus set to 443 on both (ALPN).
    The audit is the canonical one."""
    snapshot, ids = _built(**IOT_ENDPOINTS_443_ONLY)
    assert audit(snapshot) == _baseline(ids)
    group = next(g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == ids["iot_sg"])
    assert [x.from_port for x in group.rules if not x.is_egress] == [HTTPS]


def test_near_miss_core_lets_out_443_only() -> None:
    """``gg-core`` lets out TCP 443 only (to anywhere), the nucleus on its defaults: MQTT 8883 and
    the data plane's 8443 stop at the device. A gap, pinned: SG005 requires one port of ``iot.data``
    open at both ends, and 443 is (the endpoints admit it); it cannot know the nucleus uses the
    other two. The audit is the canonical one."""
    snapshot, ids = _built(**CORE_EGRESS_443_ONLY)
    assert audit(snapshot) == _baseline(ids)
    group = next(g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == ids["core_sg"])
    assert [(x.ip_protocol, x.from_port, x.cidr_ipv4) for x in group.rules if x.is_egress] == [
        ("tcp", HTTPS, "0.0.0.0/0")]


def test_near_miss_control_plane_endpoint_added() -> None:
    """A ``greengrass`` endpoint added: POL001 on it (advice, default full access; the guide's own
    example policy names two control-plane actions) and nothing else. Its absence in the canonical
    form is rightly silent: the guide's table leaves it out, it serves control-plane operations such
    as CreateDeployment, and the nucleus calls only the data-plane client, sent to ``iot.data``."""
    snapshot, ids = _built(**WITH_CONTROL_PLANE_ENDPOINT)
    assert audit(snapshot) == _baseline(ids) | _full_access(ids, "greengrass")
