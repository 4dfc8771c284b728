"""A VPC of us-east-1 extended into the Wavelength Zone us-east-1-wl1-bos-wlz-1 (a carrier gateway,
an instance with a carrier IP, the Region's interface endpoints and S3 gateway endpoint):
every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, region_view, severities
from layouts import wavelength_carrier_gateway
from layouts.wavelength_carrier_gateway import CARRIER_IP, WAVELENGTH_ZONE, WAVELENGTH_ZONE_ID

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
NO_CARRIER_ROUTE = {"carrier_route": False}
REGION_SOURCES_ONLY = {"endpoint_sources": "region"}
NO_SSMMESSAGES = {"without": ("ssmmessages",)}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return wavelength_carrier_gateway.build(**options)  # type: ignore[arg-type]


def _full_access_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: AWS's default full-access policy on the endpoints whose services take
    one (``ssmmessages`` and ``ec2messages`` take none)."""
    return {("POL001", ids[key], "fail") for key in ("ssm", "logs", "s3")}


def _session_manager_optional(ids: dict[str, str]) -> Triples:
    """Right (advice), info: Session Manager's endpoints without the optional ``kms`` one, needed
    only for KMS-encrypted sessions."""
    return {("IFE003", ids["vpc"], "fail")}


def _s3_through_the_carrier_gateway(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the S3 gateway endpoint is on the Region's table only, so the one
    instance of the VPC sends S3 traffic out through the carrier gateway to S3's public endpoint,
    around the endpoint and its policy. The Wavelength guide gives a Wavelength subnet's table
    "the same destinations as a subnet in an Availability Zone or Local Zone, with the addition
    of a carrier gateway", so the fix (associate ``Wavelength_Routetable`` with the endpoint) is
    one AWS allows; no page names gateway endpoints in a Wavelength Zone outright."""
    return {("GWE001", ids["wavelength"], "fail")}


def _baseline(ids: dict[str, str]) -> Triples:
    return _full_access_policies(ids) | _session_manager_optional(ids) | _s3_through_the_carrier_gateway(ids)


def test_the_wavelength_side_as_the_snapshot_and_the_network_model_read_it() -> None:
    """The Wavelength subnet's zone and its 0.0.0.0/0 route to ``cagw-`` (kind ``carrier``), read
    by the network model as egress class ``carrier``: a private subnet with internet egress for an
    interface holding a carrier IP, as the carrier gateway "allows outbound traffic to the carrier
    network and internet" (it was ``other``, no egress, before the fix below). The instance's
    carrier IP is kept (``Association.CarrierIp``) beside its public addresses, none. The zone's
    record says what the subnet does not: a Wavelength Zone, with its own network border group."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    subnet = view.subnets[ids["wavelength"]]
    assert (subnet.availability_zone, subnet.availability_zone_id) == (WAVELENGTH_ZONE, WAVELENGTH_ZONE_ID)
    assert view.zone_of(WAVELENGTH_ZONE_ID).zone_type == "wavelength-zone" and view.is_edge_zone(WAVELENGTH_ZONE_ID)
    assert view.border_group_of(WAVELENGTH_ZONE_ID).group == WAVELENGTH_ZONE
    (route,) = [x for x in view.route_tables[ids["wavelength_rt"]].routes if x.destination == "0.0.0.0/0"]
    assert (route.target_kind, route.target_id) == ("carrier", ids["cagw"])
    assert view.egress(ids["wavelength"]).klass == "carrier"
    assert view.is_private(ids["wavelength"]) and view.internet_egress(ids["wavelength"]) == "carrier"
    eni = view.interfaces[ids["instance_eni"]]
    assert (eni.group_ids, eni.public_ip_addresses) == ((ids["default_sg"],), ())
    assert eni.carrier_ip_addresses == (CARRIER_IP,)
    assert view.interfaces_internet_egress(ids["wavelength"], [eni]) == "carrier"
    assert [e.network_interface_id for e in view.workload_enis(ids["vpc"])] == [ids["instance_eni"]]


def test_findings_and_verdicts() -> None:
    """The canonical form: POL001 ×3, IFE003 (optional kms), GWE001 on the Wavelength subnet.
    Silent, rightly: MON001 (the sample's flow log), NAT001-NAT006 (no NAT gateway — not among what a
    Wavelength Zone can hold, and the carrier gateway is the instance's way out), IFE001 (both
    Region AZs), IFE002 (the services are offered in the Region's AZs only, and IFE002 reports no
    AZ a service is not offered in: it asks for no endpoint in the Wavelength Zone, where none can
    be made), GWE002/GWE003 (they count NAT and transit egress only; DynamoDB calls
    through the carrier gateway are not priced as NAT processing), SG001-SG006 (the endpoints
    admit the VPC), DNS rules."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)


def test_near_miss_wavelength_table_without_the_carrier_route() -> None:
    """``Wavelength_Routetable`` without 0.0.0.0/0 → the carrier gateway: devices on the carrier
    network reach the carrier IP, and the replies have no route. A gap, pinned: the audit is the
    canonical one (GWE001 now says the S3 traffic is dropped). No rule knows a subnet of a
    Wavelength Zone needs a carrier gateway route — the zone type is recorded now, but no rule reads
    it for routing, and carrier gateways are not collected."""
    snapshot, ids = _built(**NO_CARRIER_ROUTE)
    assert audit(snapshot) == _baseline(ids)
    assert region_view(snapshot).egress(ids["wavelength"]).klass == "none"
    (gwe,) = [f for f in audit_result(snapshot).findings if f.rule_id == "GWE001"]
    assert "dropped" in gwe.message


def test_near_miss_endpoint_group_leaves_out_the_wavelength_subnet() -> None:
    """``vpc-endpoints`` admitting TCP 443 from the two Region subnets only: private DNS sends the
    Wavelength instance's Systems Manager and CloudWatch Logs calls to the endpoints over the
    local route, and the group refuses them — the node goes offline, its logs stop. Right, high:
    SG003 on each interface endpoint, the instance being the VPC's only workload."""
    snapshot, ids = _built(**REGION_SOURCES_ONLY)
    blocked = {("SG003", ids[key], "fail") for key in ("ssm", "ssmmessages", "ec2messages", "logs")}
    assert audit(snapshot) == _baseline(ids) | blocked


def test_near_miss_without_ssmmessages_the_carrier_gateway_is_a_way_out() -> None:
    """The bundle without ``ssmmessages``: the instance resolves its public name and reaches it
    through the carrier gateway, which "allows outbound traffic to the carrier network and
    internet" with the instance's carrier IP ("The carrier gateway uses the address for traffic
    from the interface to the internet"). Session Manager works; its channel bypasses the
    endpoints — medium, as for a subnet behind NAT. IFE003 today: high, "isolated (no internet
    egress), so the feature is broken there" (the triples are the canonical ones: the required
    finding shares IFE003's triple with the optional one). Rule was wrong (the carrier gateway
    read as no way out), fixed."""
    snapshot, ids = _built(**NO_SSMMESSAGES)
    assert audit(snapshot) == _baseline(ids)
    assert severities(snapshot)[("IFE003", ids["vpc"], "session-manager:required")] == "medium"


def test_near_miss_zones_not_recorded_the_audit_is_the_same() -> None:
    """Without the zones recorded (an older snapshot, DescribeAvailabilityZones denied) nothing the
    audit reports changes: no rule's verdict here reads the zone's type."""
    snapshot, ids = _built(zones=False)
    assert audit(snapshot) == _baseline(ids)
    assert region_view(snapshot).zone_of(WAVELENGTH_ZONE_ID) is None


def test_near_miss_without_ssmmessages_and_no_carrier_ip_is_isolated() -> None:
    """The other side: the same instance without a carrier IP. The carrier gateway translates only
    an interface's carrier address, so its traffic beyond the VPC goes nowhere: IFE003 high,
    "isolated", as for an interface without a public address behind an internet gateway."""
    snapshot, ids = _built(**NO_SSMMESSAGES, carrier_ip=False)
    assert severities(snapshot)[("IFE003", ids["vpc"], "session-manager:required")] == "high"
