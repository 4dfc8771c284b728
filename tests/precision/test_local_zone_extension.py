"""A VPC of us-west-2 extended into the Los Angeles Local Zone (AWS Local Zones User Guide, "How
AWS Local Zones work", "NAT gateway connection in Local Zones"; Cluster API Provider AWS, "Manage
Local Zone subnets"): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, region_view
from layouts import local_zone_extension
from layouts.local_zone_extension import BORDER_GROUP as LAX_BORDER_GROUP
from layouts.local_zone_extension import HTTPS, LOCAL_ZONE, PRIVATE_CIDRS

from vpcaudit.engine.remedy import FixStep
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
NO_S3_ROUTE_IN_ZONE = {"s3_route_on_local_zone": False}
REGION_SUBNETS_ONLY = {"endpoint_sources": "region-subnets"}
LOCAL_ZONE_NAT = {"local_zone_nat": True}
NO_ZONES = {"zones": False}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return local_zone_extension.build(**options)  # type: ignore[arg-type]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: nothing in the layout creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _full_access_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: AWS's default full-access policy on the S3 gateway endpoint and on
    the ``ssm`` and ``logs`` endpoints; ``ssmmessages`` and ``ec2messages`` take no policy."""
    return {("POL001", ids[key], "fail") for key in ("s3", "ssm", "logs")}


def _dynamodb_through_nat(ids: dict[str, str]) -> Triples:
    """Right (advice), low: no DynamoDB gateway endpoint, so any DynamoDB traffic of the three
    private subnets — the Local Zone's included — pays NAT processing. The fix puts the endpoint
    on all three private tables, which a Local Zone subnet's table takes like any other ("the
    same routing rules as Availability Zone subnets")."""
    return {("GWE003", ids["vpc"], "fail")}


def _kms_optional(ids: dict[str, str]) -> Triples:
    """Right (advice), info: the Session Manager bundle without ``kms``, needed only for
    KMS-encrypted sessions. Its fix creates ``kms`` in the private subnets of us-west-2a and b, the
    subnets of the existing endpoints — not in the Local Zone."""
    return {("IFE003", ids["vpc"], "fail")}


def _local_zone_nat(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the Local Zone's private subnet leaves through the NAT gateway of
    us-west-2a (CAPA's choice: "NAT Gateways are not globally available to edge zone's locations").
    The Local Zones guide draws the other form — the Local Zone's private subnet to a NAT gateway in
    the same Local Zone's public subnet — for the zones its features page lists as supporting NAT
    gateways, and "Outbound internet traffic leaves a Local Zone from the Local Zone" holds only
    then; routed to the Region, the zone's internet egress depends on us-west-2a and hairpins
    through it. NAT002 on the Local Zone's private subnet, NAT003 once for usw2-lax1-az1. Neither
    fires on the Region's subnets (a NAT gateway per AZ)."""
    return {("NAT002", ids["private_lax"], "fail"), ("NAT003", ids["vpc"], "fail")}


def _baseline(ids: dict[str, str]) -> Triples:
    return (_flow_logs(ids) | _full_access_policies(ids) | _dynamodb_through_nat(ids) | _kms_optional(ids)
            | _local_zone_nat(ids))


def test_the_local_zone_subnet_as_describe_subnets_reports_it() -> None:
    """DescribeSubnets gives a Local Zone subnet its zone's name and ID (``us-west-2-lax-1a``,
    ``usw2-lax1-az1``) and nothing more: botocore's ``Subnet`` has no zone type. The snapshot's
    DescribeAvailabilityZones records say it: ``local-zone``, parent us-west-2a, network border
    group ``us-west-2-lax-1``. For the routing rules it is a third zone of the VPC all the same."""
    snapshot, ids = _built()
    subnet = next(s for s in snapshot.accounts[0].regions[0].subnets if s.subnet_id == ids["private_lax"])
    assert (subnet.availability_zone, subnet.availability_zone_id) == LOCAL_ZONE
    view = region_view(snapshot)
    assert view.vpc_az_ids(ids["vpc"]) == {"usw2-az1", "usw2-az2", "usw2-lax1-az1"}
    zone = view.zone_of(LOCAL_ZONE[1])
    assert (zone.zone_type, zone.parent_zone_id, zone.network_border_group) == ("local-zone", "usw2-az1",
                                                                                 LAX_BORDER_GROUP)
    assert view.is_edge_zone(LOCAL_ZONE[1]) and not view.is_edge_zone("usw2-az1")


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001, POL001 ×3, GWE003, IFE003, NAT002 and NAT003 on the Local Zone.
    Silent, rightly: IFE001 (every endpoint in two AZs); IFE002 (below); SG001-SG006 (443 from the
    VPC's block, which holds the Local Zone's subnet); GWE001/GWE002 (the S3 route on the three
    private tables); NAT001; DNS001-DNS006; ACL001; RT001."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)


def test_no_endpoint_is_asked_for_a_local_zone_interface() -> None:
    """IFE002 stays silent although the Local Zone's instance is a client of every interface
    endpoint and none has an interface there, and rightly: it asks only for AZs where the service
    is offered, read from DescribeVpcEndpointServices, which lists the Region's AZs (assumed: no
    page read says an interface endpoint can have a Local Zone subnet). So no fix step adds a Local
    Zone subnet to an endpoint, and IFE002's cross-AZ charge is never quoted for the Local Zone's
    calls, though they do cross to us-west-2a or b."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    endpoint = view.endpoints[ids["ssm"]]
    assert LOCAL_ZONE[1] in view.endpoint_client_azs(endpoint).az_ids
    assert view.endpoint_az_ids(endpoint) == {"usw2-az1", "usw2-az2"}
    assert view.offered_az_ids(view.service(endpoint)) == {"usw2-az1", "usw2-az2"}
    fixes = [s for f in audit_result(snapshot).findings for s in f.fix]
    assert not any(ids["private_lax"] in str(s.parameters) for s in fixes if s.action == "ec2:ModifyVpcEndpoint")


def test_the_nat_fix_creates_the_gateway_in_the_local_zone_public_subnet() -> None:
    """NAT002's and NAT003's fix: one NAT gateway in the Local Zone's public subnet and the Local
    Zone's private table routed to it — the Local Zones guide's own drawing, where the zone supports
    NAT gateways (us-west-2-lax-1a assumed listed)."""
    snapshot, ids = _built()
    for finding in audit_result(snapshot).findings:
        if finding.rule_id in ("NAT002", "NAT003") and finding.status.value == "fail":
            (create,) = [s for s in finding.fix if s.action == "ec2:CreateNatGateway"]
            assert create.parameters["SubnetId"] == ids["public_lax"]


def _nat_steps(snapshot: Snapshot) -> list[tuple[FixStep, FixStep]]:
    """The AllocateAddress and CreateNatGateway steps of every failing NAT002 and NAT003."""
    pairs = []
    for finding in audit_result(snapshot).findings:
        if finding.rule_id in ("NAT002", "NAT003") and finding.status.value == "fail":
            (allocate,) = [s for s in finding.fix if s.action == "ec2:AllocateAddress"]
            (create,) = [s for s in finding.fix if s.action == "ec2:CreateNatGateway"]
            pairs.append((allocate, create))
    return pairs


def test_the_nat_fix_allocates_the_address_in_the_local_zone_border_group() -> None:
    """NAT002's and NAT003's AllocateAddress step: ``NetworkBorderGroup: us-west-2-lax-1``, ready.
    The VPC guide: "You must provision public IP addresses for use in a Local Zone" with a network
    border group, and they "cannot move between" groups; AssociateNatGatewayAddress: "the network
    border group of the EIPs must match the network border group of the Availability Zone (AZ)
    that the public NAT gateway is in". Rule was wrong (``{"Domain": "vpc"}``, an address of the
    Region's group ``us-west-2``, which the NAT gateway in us-west-2-lax-1a would not take), fixed
    with the zones collected: the zone's record gives its group."""
    snapshot, _ = _built()
    steps = _nat_steps(snapshot)
    assert len(steps) == 2
    for allocate, create in steps:
        assert allocate.parameters == {"Domain": "vpc", "NetworkBorderGroup": LAX_BORDER_GROUP}
        assert f"in network border group {LAX_BORDER_GROUP}" in allocate.description
        assert allocate.ready and create.ready


def test_near_miss_zones_not_collected_the_nat_fix_waits_for_the_border_group() -> None:
    """The zones not recorded (an older snapshot, DescribeAvailabilityZones denied): the audit is
    the canonical one, and ``us-west-2-lax-1a`` — not the Region's name and one letter — is not
    known to be an AZ. The AllocateAddress and CreateNatGateway steps wait for a decision naming the
    border group question, rather than allocating an address of the Region's group."""
    snapshot, ids = _built(**NO_ZONES)
    assert audit(snapshot) == _baseline(ids)
    steps = _nat_steps(snapshot)
    assert len(steps) == 2
    for allocate, create in steps:
        assert allocate.parameters["NetworkBorderGroup"] == {"placeholder": "network border group of us-west-2-lax-1a"}
        assert "us-west-2-lax-1a is not named like an Availability Zone of us-west-2" in (allocate.decision or "")
        assert "network border group" in (create.decision or "")


def test_near_miss_local_zone_table_without_the_s3_route() -> None:
    """The S3 gateway endpoint on the two Region private tables only: GWE001 on the Local Zone's
    private subnet, Right, medium — its S3 traffic follows 0.0.0.0/0 to the NAT gateway of
    us-west-2a and pays processing; the fix adds the Local Zone's table to the endpoint
    (ModifyVpcEndpoint AddRouteTableIds), which the shared routing rules allow."""
    snapshot, ids = _built(**NO_S3_ROUTE_IN_ZONE)
    assert audit(snapshot) == _baseline(ids) | {("GWE001", ids["private_lax"], "fail")}
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "GWE001" and f.status.value == "fail"]
    (step,) = finding.fix
    assert step.parameters["AddRouteTableIds"] == [ids["private_rt_lax"]]


def test_near_miss_endpoint_group_admits_the_region_subnets_only() -> None:
    """The endpoints' group admitting 443 from 10.0.10.0/24 and 10.0.11.0/24, the Region's private
    subnets: the Local Zone's instance resolves ``ssm``, ``logs`` … to the endpoints (private DNS)
    and times out, so its agents never register. A gap, pinned: the audit is the canonical one.
    SG003 fires only when no client is admitted, and SG006 takes a rule naming some of the VPC's
    subnets for a choice ("is not second-guessed"); nothing treats a zone's subnets as clients an
    endpoint in other zones must admit."""
    snapshot, ids = _built(**REGION_SUBNETS_ONLY)
    assert audit(snapshot) == _baseline(ids)
    groups = {g.group_id: g for g in snapshot.accounts[0].regions[0].security_groups}
    sources = {x.cidr_ipv4 for x in groups[ids["endpoint_sg"]].rules if not x.is_egress and x.from_port == HTTPS}
    assert sources == set(PRIVATE_CIDRS[:2])


def test_near_miss_local_zone_with_its_own_nat_gateway() -> None:
    """A NAT gateway in the Local Zone's public subnet and the zone's private table routed to it, as
    the Local Zones guide draws it: NAT002 and NAT003 go silent, rightly; the rest stands."""
    snapshot, ids = _built(**LOCAL_ZONE_NAT)
    assert audit(snapshot) == _baseline(ids) - _local_zone_nat(ids)
    nat = next(n for n in snapshot.accounts[0].regions[0].nat_gateways if n.nat_gateway_id == ids["nat_lax"])
    assert nat.subnet_id == ids["public_lax"]
