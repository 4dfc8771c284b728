"""A VPC extended to an AWS Outposts rack (aws-samples/aws-ecs-on-outposts; AWS Outposts User Guide
for racks): ECS container instances in an Outpost subnet with a local gateway route, Region-side
interface endpoints, NAT gateways and an S3 gateway endpoint. Every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, region_view, severities
from layouts import outposts_rack_subnet
from layouts.outposts_rack_subnet import ECS_ENDPOINTS, ON_PREMISES, OUTPOST_ARN, SSM_ENDPOINTS

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
S3_BY_LOCAL_GATEWAY = {"outpost_default": "lgw", "s3_on_outpost_tables": False}
GROUPS_ADMIT_REGION_SUBNETS = {"endpoint_sources": "region_subnets"}
POLICY_ENDPOINTS = ("ssm", "ec2", "kms", "ecs", "ecs-agent", "ecs-telemetry", "ecr.api", "ecr.dkr",
                    "secretsmanager", "logs", "s3")


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return outposts_rack_subnet.build(**options)  # type: ignore[arg-type]


def _endpoint_subnets(ids: dict[str, str]) -> Triples:
    """Right (advice) by the catalogue, a decision already taken for endpoint-only subnets (the
    shared-VPC layout): the two private Region subnets hold only the interface endpoints' ENIs and
    send S3 nowhere; nothing there sends S3 traffic today, but the snapshot cannot tell a dedicated
    endpoint subnet from a workload subnet empty for now."""
    return {("GWE001", ids["private0"], "fail"), ("GWE001", ids["private1"], "fail")}


def _policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: every endpoint that takes a policy keeps the full-access default;
    the sample sets none (``ssmmessages`` and ``ec2messages`` take none)."""
    return {("POL001", ids[key], "fail") for key in POLICY_ENDPOINTS}


def _nat_to_region(ids: dict[str, str]) -> Triples:
    """Right (advice): the Outpost subnets' default route goes to the Region's NAT gateways over
    the service link (the whitepaper: routes to a NAT gateway "will use service link"), so their
    DynamoDB traffic pays NAT processing with no DynamoDB gateway endpoint (GWE003, low). And the
    module's ``count.index % number_AZ`` spreads the two Outpost subnets over both NAT gateways as if
    they were in two AZs, but an Outpost subnet is in the Outpost's anchor AZ (us-west-2a): the
    second sends its internet traffic to us-west-2b's NAT gateway (NAT002, medium)."""
    return {("GWE003", ids["vpc"], "fail"), ("NAT002", ids["outpost1"], "fail")}


def _canonical(ids: dict[str, str]) -> Triples:
    return _endpoint_subnets(ids) | _policies(ids) | _nat_to_region(ids)


def test_the_outpost_subnet_and_local_gateway_route_as_the_snapshot_records_them() -> None:
    """DescribeRouteTables' ``LocalGatewayId`` becomes target kind ``lgw`` and the view classes
    that egress ``lgw`` (internet egress, as a virtual private gateway's); DescribeSubnets' and
    DescribeNetworkInterfaces' ``OutpostArn`` are not
    kept. A gap, pinned: an Outpost subnet is recorded as a subnet of the anchor AZ, so no rule
    can tell it from a Region subnet of us-west-2a (nor say its traffic to Region targets crosses
    the service link)."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    table = view.route_tables[ids["outpost_rt0"]]
    api_route = {"DestinationCidrBlock": ON_PREMISES, "LocalGatewayId": ids["lgw"], "State": "active",
                 "Origin": "CreateRoute"}
    assert r.Route.from_api(api_route) in table.routes
    subnet = view.subnets[ids["outpost0"]]
    api_subnet = {"SubnetId": subnet.subnet_id, "VpcId": ids["vpc"], "OwnerId": subnet.owner_id,
                  "AvailabilityZone": "us-west-2a", "AvailabilityZoneId": "usw2-az1",
                  "CidrBlock": subnet.cidr_block, "OutpostArn": OUTPOST_ARN, "MapCustomerOwnedIpOnLaunch": False,
                  "Tags": [{"Key": "Name", "Value": "outposts-AoD-outposts-subnet-0"}]}
    assert r.Subnet.from_api(api_subnet) == subnet
    assert "outpost_arn" not in r.Subnet.__slots__ and "outpost_arn" not in r.NetworkInterface.__slots__
    assert {view.subnets[ids[k]].availability_zone_id for k in ("outpost0", "outpost1", "private0")} == {"usw2-az1"}
    lgw_snapshot, lgw_ids = _built(**S3_BY_LOCAL_GATEWAY)
    assert region_view(lgw_snapshot).egress(lgw_ids["outpost0"]).klass == "lgw"


def test_findings_and_verdicts() -> None:
    """The canonical form: GWE001 ×2 on the endpoint subnets, POL001 ×11, GWE003, NAT002 on the
    second Outpost subnet. Silent, rightly: MON001 (the sample's flow log); RT001 (the local
    gateway route is active; ``lgw`` targets are judged by state alone); GWE001 on the Outpost
    subnets (both tables carry the S3 prefix-list route, which outranks their default route);
    GWE002 (the S3 gateway endpoint exists); IFE001/IFE002 (every endpoint in both AZs, and the
    clients' AZ, the anchor AZ, is one of them); IFE003 (the ECR, ECS and Session Manager bundles
    complete); SG001-SG006 (443 from the VPC's block, which holds the Outpost subnet); NAT003 (a
    NAT gateway per AZ); DNS rules (both attributes on)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _canonical(ids)


def test_near_miss_default_route_to_the_local_gateway_without_the_s3_route() -> None:
    """The Outpost tables' default route to the local gateway (internet through the on-premises
    network, which the Outposts guide allows) and the gateway endpoint left off them. GWE001 on
    both Outpost subnets: right — S3 leaves through the local gateway, bypassing the endpoint the
    VPC has. NAT005 ×2: right (advice), no table routes to the NAT gateways now. GWE003 and NAT002
    go with the NAT routes. IFE003 ``ecr:required`` fires (its severity is judged below)."""
    snapshot, ids = _built(**S3_BY_LOCAL_GATEWAY)
    outposts = {("GWE001", ids["outpost0"], "fail"), ("GWE001", ids["outpost1"], "fail")}
    unrouted = {("NAT005", ids["nat0"], "fail"), ("NAT005", ids["nat1"], "fail")}
    ecr = {("IFE003", ids["vpc"], "fail")}
    assert audit(snapshot) == _endpoint_subnets(ids) | _policies(ids) | outposts | unrouted | ecr


def test_local_gateway_egress_is_internet_egress() -> None:
    """Rule was wrong, fixed: IFE003 is medium (an S3 path exists, outside the endpoints), not high
    ("isolated (no internet egress), so the feature is broken"): the local gateway "can also" carry
    internet-bound traffic, and from Outpost subnets the Regional service endpoints are reachable
    "over the public internet" through it (Outposts User Guide, how-racks-work). A default route to
    a virtual private gateway, the same shape through the on-premises network, was already read as
    egress (medium); the network view now classes ``lgw`` so too, and says the egress is assumed."""
    snapshot, ids = _built(**S3_BY_LOCAL_GATEWAY)
    assert severities(snapshot)[("IFE003", ids["vpc"], "ecr:required")] == "medium"
    finding = next(f for f in audit_result(snapshot).findings
                   if f.rule_id == "IFE003" and f.discriminator == "ecr:required")
    assert "Outposts local gateway is assumed" in finding.message


def test_near_miss_endpoint_groups_admit_the_region_subnets_only() -> None:
    """Both endpoint groups admit 443 from the two private Region subnets, not the VPC's block: the
    container instances on the Outpost reach the endpoints over the service link from
    10.181.222.64/27 and are refused. SG003 on all twelve interface endpoints, high: right."""
    snapshot, ids = _built(**GROUPS_ADMIT_REGION_SUBNETS)
    refused = {("SG003", ids[key], "fail") for key in (*SSM_ENDPOINTS, *ECS_ENDPOINTS)}
    assert len(refused) == 12
    assert audit(snapshot) == _canonical(ids) | refused
