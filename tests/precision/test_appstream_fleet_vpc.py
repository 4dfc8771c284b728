"""An Amazon AppStream 2.0 fleet in private subnets, its users on premises streaming through an
``appstream.streaming`` interface endpoint, home folders through an S3 gateway endpoint (AppStream
2.0 Administration Guide, "Creating and Streaming from Interface VPC Endpoints"): every finding and
its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, region_view, severities
from layouts import appstream_fleet_vpc
from layouts.appstream_fleet_vpc import STREAMING_PORTS, USERS

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
HTTPS_ONLY = {"endpoint_ports": "443"}
ONE_AZ_ENDPOINT = {"endpoint_azs": (1,)}
NO_S3_EGRESS = {"fleet_egress": "internal"}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return appstream_fleet_vpc.build(**options)  # type: ignore[arg-type]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: nothing in the guide creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _streaming_policy(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the streaming endpoint keeps AWS's default full access; the guide
    names no policy for it. Whether the service supports endpoint policies AWS does not document
    (the snapshot's VpcEndpointPolicySupported is assumed true, the catalogue's default)."""
    return {("POL001", ids["streaming"], "fail")}


def _dynamodb_through_nat(ids: dict[str, str]) -> Triples:
    """Right (advice), low: any DynamoDB traffic of the streamed applications leaves through the
    two NAT gateways and pays their processing; there is no DynamoDB gateway endpoint."""
    return {("GWE003", ids["vpc"], "fail")}


def _s3_policy_names_a_session(ids: dict[str, str]) -> Triples:
    """Right, low: the AppStream guide's S3 endpoint policy names the service role's session
    (``assumed-role/AmazonAppStreamServiceAccess/AppStream2.0``) as ``Principal``, while the
    PrivateLink guide says that with gateway endpoints a principal must be granted through the
    ``aws:PrincipalArn`` condition key. The fix (``Principal *`` and the role's ARN in
    ``aws:PrincipalArn``) also covers the role's other session the guide names elsewhere
    (``PhotonSession``, restricting administrator access to the home-folder bucket)."""
    return {("POL002", ids["s3"], "fail")}


def _baseline(ids: dict[str, str]) -> Triples:
    return _flow_logs(ids) | _streaming_policy(ids) | _dynamodb_through_nat(ids) | _s3_policy_names_a_session(ids)


def test_the_interfaces_as_describe_network_interfaces_reports_them() -> None:
    """The fleet instances' customer interfaces (assumed fields, module docstring): typed
    ``interface``, not requester-managed, in ``appstream-fleet``, on no instance of the account,
    one per private subnet. Workloads, and rightly: the guide's customer interface carries the
    applications' traffic, the internet and home folder data ("affected by the security groups
    associated with the streaming instance"), so NAT, S3 and egress rules must count them. The
    streaming endpoint's interfaces are plumbing."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    enis = {e.network_interface_id: e for e in snapshot.accounts[0].regions[0].network_interfaces}
    fleet = [enis[ids["fleet1"]], enis[ids["fleet2"]]]
    assert {(e.interface_type, e.requester_managed, e.description, e.instance_id, e.group_ids) for e in fleet} \
        == {("interface", False, "", None, (ids["fleet_sg"],))}
    assert sorted(e.subnet_id for e in fleet) == sorted([ids["private1"], ids["private2"]])
    assert {e.network_interface_id for e in view.workload_enis(ids["vpc"])} == {ids["fleet1"], ids["fleet2"]}


def test_findings_and_verdicts() -> None:
    """The guide's layout: MON001, POL001 (streaming), GWE003, POL002 (S3). No SG002: the endpoint's
    groups "must allow inbound access to port 443 (TCP) and ports 1400-1499 (TCP) from the IP
    address range from which your users connect" — no port of that rule is extra (SG002 called
    1400-1499 extra: rule wrong, fixed — they are the service's ports). No SG006: the fleet
    instances are not the endpoint's clients (SG006 said the endpoint stranded them: rule wrong,
    fixed — the streaming endpoint's clients are the users' devices beyond the VPC). The
    stream runs from the users' devices to the endpoint and from AppStream to each instance's
    management interface (198.19.0.0/16, outside the VPC; "Streaming pixel data is not affected by
    security groups"); the customer interface never opens a session to the endpoint. An endpoint
    admitting only the users' range strands nobody. Silent, rightly: SG001/SG004 (one routed
    on-premises range), SG003/SG005 (443 and 1400-1499 open; the fleet sends 443 anywhere),
    IFE001/IFE002 (both AZs), DNS001-DNS005, GWE001/GWE002 (the S3 route on both private tables),
    NAT001-NAT006 (a NAT gateway per AZ, each in its public subnet), ACL001, RT001."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)


def test_near_miss_endpoint_admitting_443_only() -> None:
    """The endpoint's group admitting TCP 443 alone from the users: sessions are brokered, the
    stream on 1400-1499 never connects. With ``appstream.streaming``'s ports 443 and 1400-1499 each
    required of a client, as the guide's "must allow" says, SG003 fails the endpoint, high — no
    user can stream — and its ready fix opens TCP 1400-1499, one rule, from the users' range the
    group admits on 443. (SG003 was silent: rule wrong, fixed.)"""
    snapshot, ids = _built(**HTTPS_ONLY)
    assert audit(snapshot) == _baseline(ids) | {("SG003", ids["streaming"], "fail")}
    groups = {g.group_id: g for g in snapshot.accounts[0].regions[0].security_groups}
    assert not any(x.from_port == STREAMING_PORTS[0] for x in groups[ids["endpoint_sg"]].rules)
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "SG003"]
    assert finding.severity.value == "high" and "TCP 1400-1499" in finding.message
    (step,) = finding.fix
    assert step.ready and step.parameters["IpPermissions"] == [
        {"IpProtocol": "tcp", "FromPort": 1400, "ToPort": 1499, "IpRanges": [{"CidrIp": USERS}]}]


def test_near_miss_endpoint_in_one_az() -> None:
    """The streaming endpoint in us-east-1a only. IFE001, medium: Right (advice) — the guide
    recommends "subnets in at least two Availability Zones", and with use1-az1 impaired no user
    can stream. No IFE002: no fleet instance sends to the endpoint (canonical form above); the
    users arrive from on premises, whatever the fleet's AZs (IFE002 counted the fleet interface in
    us-east-1b as a client crossing AZs: rule wrong, fixed)."""
    snapshot, ids = _built(**ONE_AZ_ENDPOINT)
    assert audit(snapshot) == _baseline(ids) | {("IFE001", ids["streaming"], "fail")}


def test_near_miss_fleet_without_s3_egress() -> None:
    """The fleet's group sending only to the VPC and the users' network: home folders neither load
    nor save, S3 being reached through the gateway endpoint's prefix list. SG005 on the fleet's
    group, medium: Right — "home folder data … are affected by the security groups associated with
    the streaming instance", and the guide's customer interface needs TCP 443 to all destinations.
    Nothing about the streaming endpoint, as in the canonical form."""
    snapshot, ids = _built(**NO_S3_EGRESS)
    assert audit(snapshot) == _baseline(ids) | {("SG005", ids["fleet_sg"], "fail")}
    assert severities(snapshot)[("SG005", ids["fleet_sg"], "")] == "medium"
