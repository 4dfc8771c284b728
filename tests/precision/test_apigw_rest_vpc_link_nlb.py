"""An API Gateway REST API reaching an ECS Fargate service behind an internal Network Load Balancer
through a VPC link V1 (serverless-patterns ``apigw-vpclink-pvtnlb-fargate-cdk-python``; the API
Gateway Developer Guide's private integrations with VPC links V1): every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, region_view, severities
from layouts import apigw_rest_vpc_link_nlb
from layouts.apigw_rest_vpc_link_nlb import ELB_REQUESTER, LISTENER_PORT, NLB, OTHER_CIDR, VPC_CIDR

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Ids = dict[str, str]
NLB_GROUP = {"nlb_group": True, "app_source": "nlb-group"}


@cache
def _built(**variant: object) -> tuple[Snapshot, Ids]:
    return apigw_rest_vpc_link_nlb.build(**variant)  # type: ignore[arg-type]


def _ingress(snapshot: Snapshot, group_id: str) -> list[tuple[str, int | None, str | None]]:
    (group,) = [g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == group_id]
    return [(x.ip_protocol, x.from_port, x.cidr_ipv4 or x.referenced_group_id) for x in group.rules
            if not x.is_egress]


def _flow_log(ids: Ids) -> Triples:
    """Right (advice), medium: neither the stack nor the VPC link creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _no_gateway_endpoints(ids: Ids) -> Triples:
    """Right (advice), GWE002 medium and GWE003 low: CDK's ``Vpc`` creates no gateway endpoint, so
    any S3 or DynamoDB traffic of the task's subnet pays NAT processing; gateway endpoints are
    free. Light here (the image comes from Docker Hub, not ECR's S3 layers), hence advice."""
    return {("GWE002", ids["vpc"], "fail"), ("GWE003", ids["vpc"], "fail")}


def _canonical(ids: Ids) -> Triples:
    return _flow_log(ids) | _no_gateway_endpoints(ids)


def test_the_snapshot_is_the_pattern() -> None:
    """The builder against the template: the internal load balancer's nodes in both private
    subnets (``network_load_balancer``, requester-managed by ``amazon-elb``, ``ELB net/…``, no
    group: the legacy value of CDK's NLB security-group flag), ``Service_SG`` admitting TCP 80 from
    10.1.0.0/16, one task in the first private subnet, each private subnet routed to its AZ's NAT
    gateway, the default group emptied, and no interface at all for the VPC link (a V1 link reaches
    the load balancer through an endpoint service, from API Gateway's account)."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    enis = {e.network_interface_id: e for e in region.network_interfaces}
    for az in (1, 2):
        node = enis[ids[f"nlb_eni{az}"]]
        assert (node.interface_type, node.requester_managed, node.requester_id, node.description, node.group_ids,
                node.instance_id, node.subnet_id) == ("network_load_balancer", True, ELB_REQUESTER, f"ELB {NLB}",
                                                      (), None, ids[f"private{az}"])
    assert {e.interface_type for e in region.network_interfaces} == {"network_load_balancer", "interface",
                                                                      "natGateway"}
    assert enis[ids["task1"]].subnet_id == ids["private1"]
    assert _ingress(snapshot, ids["service_sg"]) == [("tcp", LISTENER_PORT, VPC_CIDR)]
    assert not next(g for g in region.security_groups if g.group_id == ids["default_sg"]).rules
    routes = {t.route_table_id: {x.destination: x.target_id for x in t.routes} for t in region.route_tables}
    assert [routes[ids[f"private{az}_rt"]]["0.0.0.0/0"] for az in (1, 2)] == [ids["nat1"], ids["nat2"]]


def test_the_load_balancers_nodes_are_no_workload() -> None:
    """The nodes forward API Gateway's requests (arriving through PrivateLink) to the task and call
    no AWS service: no client for the endpoint, NAT or DNS rules. Right: the only workload is the
    task's interface."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    assert [e.network_interface_id for e in view.workload_enis(ids["vpc"])] == [ids["task1"]]


def test_the_pattern() -> None:
    """MON001, GWE002 (medium) and GWE003 (low). Silent, rightly: the NAT rules (a NAT gateway per
    AZ, each private table on its own AZ's), the endpoint rules (no endpoint), DNS (CDK's defaults).
    A load balancer without a group admits every client, so API Gateway's PrivateLink traffic
    reaches the listener and arrives at the task from the nodes' 10.1.0.x / 10.1.1.x addresses,
    inside ``Service_SG``'s 10.1.0.0/16: the template works."""
    snapshot, ids = _built()
    assert audit(snapshot) == _canonical(ids)
    levels = severities(snapshot)
    assert (levels[("GWE002", ids["vpc"], "")], levels[("GWE003", ids["vpc"], "")]) == ("medium", "low")


def test_load_balancer_group_and_privatelink_enforcement_is_a_gap() -> None:
    """The load balancer created with a group (the ELB guide's form since 2023) admitting TCP 80
    from the VPC's block, ``Service_SG`` admitting TCP 80 from that group. With
    ``EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic`` off — the API Gateway guide's step —
    it works, and the audit is rightly the canonical one. Near miss: the same snapshot with the
    attribute on (its default): the group evaluates API Gateway's own addresses, outside
    10.1.0.0/16, and refuses every request. A gap, pinned: the attribute is DescribeLoadBalancers',
    and that the load balancer backs a VPC link's endpoint service is
    DescribeVpcEndpointServiceConfigurations' — neither collected — and no rule judges a group no
    endpoint carries. Admitting API Gateway's CIDRs is no fix either: they change without notice."""
    snapshot, ids = _built(**NLB_GROUP)
    view = region_view(snapshot)
    assert {view.interfaces[ids[f"nlb_eni{az}"]].group_ids for az in (1, 2)} == {(ids["nlb_sg"],)}
    assert _ingress(snapshot, ids["nlb_sg"]) == [("tcp", LISTENER_PORT, VPC_CIDR)]
    assert _ingress(snapshot, ids["service_sg"]) == [("tcp", LISTENER_PORT, ids["nlb_sg"])]
    assert audit(snapshot) == _canonical(ids)


def test_targets_admit_the_wrong_block_is_a_gap() -> None:
    """Near miss: ``Service_SG`` admits TCP 80 from 10.0.0.0/16 (CDK's default VPC block, copied)
    instead of this VPC's 10.1.0.0/16. The nodes' forwarded requests and health checks arrive from
    10.1.0.x / 10.1.1.x: the target is unhealthy and every call fails. A gap, pinned: that the task
    is the load balancer's target on port 80 is DescribeTargetGroups / DescribeTargetHealth's, not
    collected, and no rule reads a workload group's ingress."""
    snapshot, ids = _built(app_source="other")
    assert _ingress(snapshot, ids["service_sg"]) == [("tcp", LISTENER_PORT, OTHER_CIDR)]
    assert audit(snapshot) == _canonical(ids)


def test_load_balancer_in_one_az_is_a_gap() -> None:
    """Near miss: the load balancer enabled in the first private subnet only. API Gateway's
    endpoint then reaches it in one AZ, and an impairment of use1-az2 cuts the API off; the guide
    asks for a load balancer routing "to resources in more than one Availability Zone". A gap,
    pinned: the nodes' interfaces are in the snapshot, but nothing says this load balancer is a VPC
    link's target (GetVpcLinks, DescribeVpcEndpointServiceConfigurations), and an internal load
    balancer in one AZ is no fault by itself."""
    snapshot, ids = _built(nlb_azs=1)
    nodes = [e.subnet_id for e in snapshot.accounts[0].regions[0].network_interfaces
             if e.interface_type == "network_load_balancer"]
    assert nodes == [ids["private1"]]
    assert audit(snapshot) == _canonical(ids)
