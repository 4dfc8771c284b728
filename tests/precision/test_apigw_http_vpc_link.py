"""An API Gateway HTTP API reaching an ECS Fargate service behind an internal ALB through a VPC link
for HTTP APIs (the API Gateway Developer Guide's private integration tutorial): every finding and
its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit
from layouts import apigw_http_vpc_link

from vpcaudit.network.view import NetworkView
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
INTERFACE_ENDPOINTS = ("ecr.api", "ecr.dkr", "logs")


@cache
def _built(**variant: object) -> tuple[Snapshot, dict[str, str]]:
    return apigw_http_vpc_link.build(**variant)  # type: ignore[arg-type]


def _audited(**variant: object) -> tuple[Triples, dict[str, str]]:
    snapshot, ids = _built(**variant)
    return audit(snapshot), ids


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: neither the tutorial's stack nor the VPC link creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _no_gateway_endpoints(ids: dict[str, str]) -> Triples:
    """Right (advice), GWE002 medium and GWE003 low: CDK's ``Vpc`` creates no gateway endpoint, so
    the private subnets' S3 and DynamoDB traffic (the tasks') pays NAT processing; gateway
    endpoints are free. Started by the tasks' subnet, not by the VPC link's interfaces."""
    return {("GWE002", ids["vpc"], "fail"), ("GWE003", ids["vpc"], "fail")}


def _canonical(ids: dict[str, str]) -> Triples:
    return _flow_log(ids) | _no_gateway_endpoints(ids)


def _default_endpoint_policies(ids: dict[str, str], keys: tuple[str, ...]) -> Triples:
    """Right (advice), medium: the endpoints keep AWS's default full-access policy."""
    return {("POL001", ids[key], "fail") for key in keys}


def test_the_snapshot_is_the_tutorial() -> None:
    """The builder against the tutorial: two private subnets each routed to its AZ's NAT gateway,
    the internal ALB's nodes in both, the VPC link's interfaces in both carrying the service's
    group (the tutorial's security-group step), typed ``api_gateway_managed`` and
    requester-managed, the one task in the first subnet."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    enis = {e.network_interface_id: e for e in region.network_interfaces}
    for az in (1, 2):
        link = enis[ids[f"link_eni{az}"]]
        assert (link.subnet_id, link.group_ids, link.instance_id) == (ids[f"private{az}"], (ids["service_sg"],), None)
        assert (link.interface_type, link.requester_managed) == ("api_gateway_managed", True)
        assert enis[ids[f"alb_eni{az}"]].requester_id == "amazon-elb"
    assert enis[ids["task1"]].subnet_id == ids["private1"]
    routes = {t.route_table_id: {x.destination: x.target_id for x in t.routes} for t in region.route_tables}
    assert routes[ids["private1_rt"]]["0.0.0.0/0"] == ids["nat1"]
    assert routes[ids["private2_rt"]]["0.0.0.0/0"] == ids["nat2"]


def test_the_tutorial() -> None:
    """The tutorial's layout. Silent, rightly: the VPC link's interfaces in the service's group
    (its allow-all egress lets them reach the ALB on 80), the ALB admitting 80 from anywhere in
    subnets no internet path reaches, the NAT gateway per AZ."""
    found, ids = _audited()
    assert found == _canonical(ids)


def test_vpc_link_interfaces_are_no_workload() -> None:
    """The network model keeps the VPC link's interfaces out of the workloads (clients of every
    AWS service: IFE002 client AZs, IFE003 stand-ins, SG005 and SG003/SG006 clients, ACL001 and
    GWE client subnets), as it keeps the ALB's nodes: their InterfaceType ``api_gateway_managed``
    is not in ``WORKLOAD_INTERFACE_TYPES``. Right: they forward API Gateway's requests to the
    integration ("A private integration uses a VPC link to encapsulate connections between API
    Gateway and targeted VPC resources") and call no AWS API."""
    snapshot, ids = _built()
    account = snapshot.accounts[0]
    view = NetworkView.build(account, account.regions[0])
    enis = view.interfaces
    assert not any(view.is_workload(enis[ids[f"{kind}{az}"]]) for kind in ("link_eni", "alb_eni") for az in (1, 2))
    assert view.is_workload(enis[ids["task1"]])


@pytest.mark.parametrize("alb_ingress", ["vpc", "none"], ids=["from the VPC's block", "from nobody"])
def test_alb_ingress(alb_ingress: str) -> None:
    """Near miss: the ALB's group admits 80 from the VPC's block (the usual tightening; the VPC
    link's interfaces are in it: fine), or from nobody (API Gateway's requests through the link
    are refused: every call answers 503). The second is a gap, pinned: no rule audits a load
    balancer's group, and that the ALB is a VPC link's target is API Gateway's integration
    (GetIntegrations), not in the snapshot."""
    found, ids = _audited(alb_ingress=alb_ingress)
    assert found == _canonical(ids)


def test_vpc_link_in_one_subnet_is_a_gap() -> None:
    """Near miss: the VPC link in the first private subnet only, the ALB in both. A gap, pinned:
    the link still reaches the ALB's nodes (an ALB balances across zones), but an outage of that
    AZ cuts the API off, and a link is immutable ("you can't change its subnets"). No rule looks
    at a VPC link's subnets: the link (GetVpcLinks) is not collected, and its interfaces alone do
    not say which ALB it serves."""
    found, ids = _audited(link_azs=1)
    assert found == _canonical(ids)


def test_natless_with_the_ecs_endpoints() -> None:
    """Near miss turned fix: no NAT gateway, the endpoints the ECS guide prescribes in both private
    subnets. Silent but for advice (POL001 on the four endpoints, MON001). Silent, rightly:
    IFE002 — the second AZ holds the ALB's node and the VPC link's interface but no task, and
    neither calls ECR or CloudWatch Logs."""
    found, ids = _audited(nat=False)
    assert found == _flow_log(ids) | _default_endpoint_policies(ids, (*INTERFACE_ENDPOINTS, "s3"))


def test_natless_endpoints_in_the_tasks_az_only() -> None:
    """Near miss: the interface endpoints in the first private subnet only, where the one task
    runs. IFE001 (medium) is right as advice: one AZ. IFE002 is silent, rightly: the second AZ's
    interfaces are the ALB's node and the VPC link's, clients of no AWS service."""
    found, ids = _audited(nat=False, endpoint_azs=1)
    one_az = {("IFE001", ids[key], "fail") for key in INTERFACE_ENDPOINTS}
    assert found == _flow_log(ids) | _default_endpoint_policies(ids, (*INTERFACE_ENDPOINTS, "s3")) | one_az


@pytest.mark.parametrize("endpoints", [("ecr.dkr", "logs"), ("ecr.api", "ecr.dkr", "logs")],
                         ids=["without ecr.api and s3", "without s3"])
def test_natless_missing_ecr_endpoints(endpoints: tuple[str, ...]) -> None:
    """Near miss: a NAT-less VPC with only some of the endpoints the tasks need. IFE003 (high) is
    right: "For container images hosted with Amazon ECR, you need the following endpoints" —
    ecr.dkr, ecr.api and the "Amazon S3 gateway endpoint" (ECS Developer Guide, migrating to Linux
    platform version 1.4.0); the image pull fails.
    Its client subnets name the task's subnet alone, not the VPC link's second one."""
    found, ids = _audited(nat=False, endpoints=endpoints)
    assert found == (_flow_log(ids) | _default_endpoint_policies(ids, endpoints)
                     | {("IFE003", ids["vpc"], "fail")})


def test_vpc_link_interfaces_typed_interface_is_a_gap() -> None:
    """Should the VPC link's interfaces be reported typed ``interface`` (a collector that loses
    the type; moto), they would count as workloads and IFE002 would report the second AZ's
    'client', the link's interface, on the one-AZ endpoints. A gap, pinned: with the description
    and RequesterId AWS does not document, and the link's group shared with the tasks, nothing
    else in the snapshot tells them apart; EC2 reports ``api_gateway_managed``, which the model
    reads."""
    found, ids = _audited(nat=False, endpoint_azs=1, link_eni_type="interface")
    one_az = {("IFE001", ids[key], "fail") for key in INTERFACE_ENDPOINTS}
    phantom = {("IFE002", ids[key], "fail") for key in INTERFACE_ENDPOINTS}
    assert found == _flow_log(ids) | _default_endpoint_policies(ids, (*INTERFACE_ENDPOINTS, "s3")) | one_az | phantom
