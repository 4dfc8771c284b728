"""A CloudFront distribution reaching an internal ALB in private subnets through a CloudFront VPC
origin (the CloudFront Developer Guide's "Restrict access with VPC origins"): every finding and its
verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, region_view
from layouts import cloudfront_vpc_origin

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
ENDPOINTS = cloudfront_vpc_origin.INTERFACE_ENDPOINTS


@cache
def _built(**variant: object) -> tuple[Snapshot, dict[str, str]]:
    return cloudfront_vpc_origin.build(**variant)  # type: ignore[arg-type]


@cache
def _audited(**variant: object) -> frozenset[tuple[str, str, str]]:
    return frozenset(audit(_built(**variant)[0]))


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: neither the guide nor the application's stack creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _default_endpoint_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the endpoints that take a policy (ssm, logs, the S3 gateway) keep
    AWS's default full access; ssmmessages and ec2messages take none and are rightly left out."""
    return {("POL001", ids[key], "fail") for key in ("ssm", "logs", "s3")}


def _session_manager_kms(ids: dict[str, str]) -> Triples:
    """Right (advice), low: the Session Manager bundle (ssm, ssmmessages, ec2messages) without the
    kms endpoint, which sessions encrypted with a KMS key need. Started by the instances'
    endpoints, not by the VPC origin's interfaces."""
    return {("IFE003", ids["vpc"], "fail")}


def _canonical(ids: dict[str, str]) -> Triples:
    return _flow_log(ids) | _default_endpoint_policies(ids) | _session_manager_kms(ids)


def test_the_snapshot_is_the_guide() -> None:
    """The builder against the guide: an internet gateway attached and routed by no table, private
    subnets only, the ALB's group admitting 443 from the CloudFront origin-facing prefix list, the
    service-managed group and one VPC origin interface per subnet of the ALB, tagged as
    CloudFront's service-linked role must tag them."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    (igw,) = region.internet_gateways
    assert igw.attached_vpc_ids == (ids["vpc"],)
    assert all(x.target_id != ids["igw"] for t in region.route_tables for x in t.routes)
    assert sorted((s.cidr_block, s.availability_zone_id, s.map_public_ip_on_launch) for s in region.subnets) == [
        ("10.0.1.0/24", "use1-az1", False), ("10.0.2.0/24", "use1-az2", False)]
    groups = {g.group_id: g for g in region.security_groups}
    (alb_in,) = [x for x in groups[ids["alb_sg"]].rules if not x.is_egress]
    assert (alb_in.from_port, alb_in.to_port, alb_in.prefix_list_id) == (443, 443, ids["cloudfront_pl"])
    (pl,) = [p for p in region.prefix_lists if p.prefix_list_id == ids["cloudfront_pl"]]
    assert pl.prefix_list_name == "com.amazonaws.global.cloudfront.origin-facing"
    assert groups[ids["cloudfront_sg"]].group_name == "CloudFront-VPCOrigins-Service-SG"
    enis = {e.network_interface_id: e for e in region.network_interfaces}
    for az in (1, 2):
        eni = enis[ids[f"cloudfront_eni{az}"]]
        assert (eni.subnet_id, eni.group_ids, eni.instance_id) == (ids[f"private{az}"], (ids["cloudfront_sg"],), None)
        assert {(t.key, t.value) for t in eni.tags} >= {("aws.cloudfront.vpcorigin", "enabled")}


def test_the_guide() -> None:
    """The guide's layout with the instances' companions: nothing about the VPC origin is reported.
    Silent, rightly: the unrouted internet gateway (the guide requires it "to denote that the VPC
    can receive traffic from the internet"), the ALB's prefix-list source, the interfaces CloudFront
    places in the ALB's subnets."""
    snapshot, ids = _built()
    assert audit(snapshot) == _canonical(ids)


def test_alb_open_to_the_world_is_a_gap() -> None:
    """Near miss: the ALB's group admits 443 from 0.0.0.0/0 instead of the CloudFront prefix list
    or service group. A gap, pinned: no rule audits a load balancer's group, and telling that this
    ALB is a VPC origin needs the VPC origin (CloudFront's ListVpcOrigins), which the snapshot does
    not collect. In a subnet with no route to the internet gateway the rule admits only the VPC's
    own hosts, which the guide's Option 2 would have kept out."""
    snapshot, ids = _built(alb_ingress="world")
    assert audit(snapshot) == _canonical(ids)


def test_no_internet_gateway_is_a_gap() -> None:
    """Near miss: the VPC without the internet gateway the guide requires ("You need to add an
    internet gateway to the VPC that has your VPC origin resources"); the VPC origin never deploys.
    A gap, pinned: a private VPC without an internet gateway is a sound layout of its own, and
    that a VPC origin was meant to use it is in CloudFront, not in the snapshot."""
    snapshot, ids = _built(internet_gateway=False)
    assert audit(snapshot) == _canonical(ids)


def test_endpoints_admitting_the_instances_only() -> None:
    """Near miss (the tight form): the endpoints' group admits 443 from the instances' group only.
    Silent, rightly: every instance is admitted; SG003 and SG006 leave a group-scoped admission
    alone, so the VPC origin's interfaces, which call no AWS service, are not reported stranded
    (they would be, as workloads, under a rule that looked for them)."""
    snapshot, ids = _built(endpoint_sources="app")
    assert audit(snapshot) == _canonical(ids)


def _endpoints_in_one_az(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: each interface endpoint sits in one AZ (IFE001)."""
    return {("IFE001", ids[key], "fail") for key in ENDPOINTS}


def test_app_in_one_az_no_client_in_the_second() -> None:
    """Near miss: one instance, in the first subnet, and the interface endpoints there alone, while
    the ALB and the VPC origin span both subnets (an ALB needs two AZs): IFE001 is right. Rule
    wrong, fixed (IFE002 fired on the second AZ): that AZ holds the ALB's node and the VPC origin's
    interface, neither of which calls an AWS service. CloudFront "routes to
    your subnet by using a service-managed elastic network interface" to reach the origin (the
    guide); nothing in the VPC calls SSM or CloudWatch Logs from it. IFE002 is silent."""
    snapshot, ids = _built(app_azs=1)
    assert audit(snapshot) == _canonical(ids) | _endpoints_in_one_az(ids)


def test_vpc_origin_interfaces_are_no_workload() -> None:
    """Rule wrong, fixed — the cause of the IFE002 finding: the network model counted the VPC
    origin's interfaces as workloads (clients of every service: IFE002 client AZs, IFE003
    stand-ins, SG005 and SG003/SG006 clients, ACL001 client subnets, GWE client subnets), while it
    kept the ALB's nodes out. They are recognisable, on no instance, by the tag
    ``aws.cloudfront.vpcorigin: enabled`` that AWSCloudFrontVPCOriginServiceRolePolicy requires on
    each interface CloudFront creates, or by the service-managed group
    ``CloudFront-VPCOrigins-Service-SG`` they alone carry."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    enis = {e.network_interface_id: e for e in snapshot.accounts[0].regions[0].network_interfaces}
    assert not view.is_workload(enis[ids["alb_eni1"]])
    assert not any(view.is_workload(enis[ids[f"cloudfront_eni{az}"]]) for az in (1, 2))
