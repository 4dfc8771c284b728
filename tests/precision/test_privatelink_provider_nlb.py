"""The provider side of an AWS PrivateLink endpoint service — an internal Network Load Balancer in
two AZs fronting instances (the PrivateLink Guide's "Share your services" and "Create a service
powered by AWS PrivateLink"), with Session Manager and S3 endpoints beside it: every finding and
its verdict (docs/precision.md)."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from aws_layout import audit, region_view, severities
from layouts import privatelink_provider_nlb
from layouts.privatelink_provider_nlb import CONSUMER_CIDR, ELB_REQUESTER, NLB_DESCRIPTION, SERVICE_PORT, VPC_CIDR

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Ids = dict[str, str]


@cache
def _built(**variant: object) -> tuple[Snapshot, Ids]:
    return privatelink_provider_nlb.build(**variant)  # type: ignore[arg-type]


def _ingress(snapshot: Snapshot, group_id: str) -> list[tuple[str, int | None, str | None]]:
    (group,) = [g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == group_id]
    return [(x.ip_protocol, x.from_port, x.cidr_ipv4 or x.referenced_group_id) for x in group.rules
            if not x.is_egress]


def _flow_log(ids: Ids) -> Triples:
    """Right, medium: neither the guide's pages nor the sample create a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _default_endpoint_policies(ids: Ids) -> Triples:
    """Right (advice), medium: the ssm and S3 endpoints keep AWS's default full access (ssmmessages
    and ec2messages take no policy)."""
    return {("POL001", ids["ssm"], "fail"), ("POL001", ids["s3"], "fail")}


def _session_manager_optional(ids: Ids) -> Triples:
    """Right (advice), info: Session Manager's optional ``kms`` and ``logs`` endpoints are absent,
    needed only for KMS-encrypted sessions and session logs to CloudWatch Logs."""
    return {("IFE003", ids["vpc"], "fail")}


def _baseline(ids: Ids) -> Triples:
    return _flow_log(ids) | _default_endpoint_policies(ids) | _session_manager_optional(ids)


def test_the_snapshot_is_the_guides_provider() -> None:
    """The builder against the guide and the sample: the load balancer's interfaces in both private
    subnets as DescribeNetworkInterfaces reports them (``network_load_balancer``, requester-managed
    by ``amazon-elb``, ``ELB net/<name>/<id>``, the load balancer's group, on no instance); its group
    admits the listener port from the consumer's addresses; the instances' group admits it from the
    load balancer's group; no internet or NAT gateway."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    assert not region.internet_gateways and not region.nat_gateways
    view = region_view(snapshot)
    for az in (1, 2):
        eni = view.interfaces[ids[f"nlb_eni{az}"]]
        assert (eni.interface_type, eni.requester_managed, eni.requester_id, eni.description, eni.group_ids,
                eni.instance_id, eni.subnet_id) == ("network_load_balancer", True, ELB_REQUESTER, NLB_DESCRIPTION,
                                                    (ids["nlb_sg"],), None, ids[f"private{az}"])
    assert _ingress(snapshot, ids["nlb_sg"]) == [("tcp", SERVICE_PORT, CONSUMER_CIDR)]
    assert _ingress(snapshot, ids["app_sg"]) == [("tcp", SERVICE_PORT, ids["nlb_sg"])]


def test_the_load_balancers_interfaces_are_no_workload() -> None:
    """The precision question: the load balancer's nodes forward consumers' connections to the
    targets and call no AWS service, so they are no client for SG003, SG005, SG006, IFE002, ACL001
    or IFE003. Right: the workloads are the two instances' interfaces; the nodes' are left out by
    their type, and also by requester and description where a snapshot types them ``interface``
    (moto does)."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    assert [e.network_interface_id for e in view.workload_enis(ids["vpc"])] == sorted([ids["app1"], ids["app2"]])
    node = view.interfaces[ids["nlb_eni1"]]
    assert not view.is_workload(node)
    assert not view.is_workload(replace(node, interface_type="interface"))


def test_findings_and_verdicts_of_the_guides_provider() -> None:
    """MON001, POL001 × 2 (medium), IFE003 info. Silent, rightly: SG005 on ``provider-nlb`` (the
    nodes are no client of the endpoints), SG003/SG006 (the endpoints admit 443 from the VPC's
    block, the instances' subnets and the nodes' alike), IFE001/IFE002 (endpoints in both AZs),
    GWE001 (the S3 route on the subnets' table), the NAT, DNS and ACL rules. No rule judges the
    load balancer's group or the instances' ingress: they are no endpoint's."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)
    levels = severities(snapshot)
    assert {levels[("POL001", ids[k], "")] for k in ("ssm", "s3")} == {"medium"}
    assert levels[("IFE003", ids["vpc"], "session-manager:optional")] == "info"


def test_load_balancer_without_a_group() -> None:
    """The other documented form: a load balancer created without a group (none can be added
    later) and the instances admitting TCP 443 from the VPC's block, where the nodes' addresses
    are (through an interface endpoint the application sees the nodes' private addresses as the
    source, the guide's considerations). The nodes' interfaces carry no group. The same findings,
    rightly."""
    snapshot, ids = _built(nlb_group=False, app_source="vpc")
    assert region_view(snapshot).interfaces[ids["nlb_eni1"]].group_ids == ()
    assert _ingress(snapshot, ids["app_sg"]) == [("tcp", SERVICE_PORT, VPC_CIDR)]
    assert audit(snapshot) == _baseline(ids)


def test_near_miss_instances_admit_the_consumers_block() -> None:
    """The instances' group admits TCP 443 from the consumer's 10.0.0.0/16 instead of the load
    balancer's group. PrivateLink traffic reaches the targets from the nodes' private addresses,
    whatever client IP preservation says (the guide's considerations: the application sees the
    nodes' private addresses, not the consumers'), and health checks come from the nodes too:
    every target is unhealthy and every connection refused. The audit is the canonical one. A gap,
    pinned: that the instances are the load balancer's targets, and on which port, is in
    DescribeTargetGroups / DescribeTargetHealth, and that the load balancer backs an endpoint
    service in DescribeVpcEndpointServiceConfigurations — neither collected; no rule judges a
    group that no endpoint carries."""
    snapshot, ids = _built(app_source="consumer")
    assert _ingress(snapshot, ids["app_sg"]) == [("tcp", SERVICE_PORT, CONSUMER_CIDR)]
    assert audit(snapshot) == _baseline(ids)


def test_near_miss_load_balancer_in_one_az() -> None:
    """The load balancer in use1-az1 only, the instances in both: consumers can place their
    endpoint in use1-az1 only (they see "only the Availability Zones that they have in common with
    the service provider"), an impairment of use1-az1 takes the service down, and the guide
    recommends "at least two Availability Zones". The audit is the canonical one. A gap, pinned: the
    nodes' interfaces are in the snapshot, but the AZs the endpoint service is offered in are the
    provider's DescribeVpcEndpointServiceConfigurations (or DescribeLoadBalancers), not collected,
    and an internal load balancer in one AZ is no fault by itself."""
    snapshot, ids = _built(nlb_azs=(1,))
    assert [i.subnet_id for i in snapshot.accounts[0].regions[0].network_interfaces
            if i.interface_type == "network_load_balancer"] == [ids["private1"]]
    assert audit(snapshot) == _baseline(ids)


def test_near_miss_load_balancer_group_admits_the_provider_only() -> None:
    """``provider-nlb`` admits TCP 443 from the provider's 10.1.0.0/16 only, with inbound rules
    evaluated on PrivateLink traffic (the default): the group then sees the client's private
    address as the source (the ELB guide), the consumer's 10.0.x.x, not the endpoint's, so every
    consumer connection is dropped at the load balancer. The audit is the canonical one. A gap,
    pinned: the listener's port and ``EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic`` are
    DescribeListeners' and DescribeLoadBalancers', and the consumers' addresses the consumers' —
    none collected."""
    snapshot, ids = _built(nlb_source="vpc")
    assert _ingress(snapshot, ids["nlb_sg"]) == [("tcp", SERVICE_PORT, VPC_CIDR)]
    assert audit(snapshot) == _baseline(ids)
