"""The AWS Load Balancer Controller on EKS Blueprints' private cluster, with the internal ALB and NLB
it creates: every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, region_view, severities
from layouts import eks_lb_controller_private as layout

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
# The pattern's endpoints whose services support endpoint policies (ssmmessages and ec2messages do not).
POLICY_ENDPOINTS = ("s3", "autoscaling", "ecr.api", "ecr.dkr", "ec2", "elasticloadbalancing", "sts", "kms", "logs",
                    "ssm")
LB_INTERFACES = tuple(f"{kind}_eni{k}" for kind in ("alb", "nlb") for k in (1, 2, 3))
ELB_LEFT_OUT = ("elasticloadbalancing",)


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return layout.build(**options)  # type: ignore[arg-type]


def _advice(ids: dict[str, str], *, leave_out: tuple[str, ...] = ()) -> Triples:
    """Right (advice), medium, as for the pattern alone: POL001 on the S3 gateway endpoint and each
    interface endpoint whose service supports endpoint policies, ``elasticloadbalancing`` among them
    (the pattern gives ``vpc_endpoints`` no ``policy``: AWS's default full access). MON001:
    ``enable_flow_log`` defaults to false. Nothing the controller creates adds a finding."""
    return {("POL001", ids[key], "fail") for key in POLICY_ENDPOINTS if key not in leave_out} | {
        ("MON001", ids["vpc"], "fail")}


def test_the_load_balancers_as_the_controller_creates_them() -> None:
    """The ALB's and the NLB's nodes in the three subnets tagged ``internal-elb``, requester-managed by
    ``amazon-elb``, in their frontend group and the shared backend group; none of them counts as a
    workload (the view leaves ELB nodes out); the node group admits the target port from the backend
    group; the controller's own endpoints (elasticloadbalancing, ec2, sts) in the three subnets."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    enis = {e.network_interface_id: e for e in region.network_interfaces}
    for kind, interface_type, prefix in (("alb", "interface", "ELB app/"),
                                         ("nlb", "network_load_balancer", "ELB net/")):
        nodes = [enis[ids[f"{kind}_eni{k}"]] for k in (1, 2, 3)]
        assert [e.subnet_id for e in nodes] == [ids[f"private{k}"] for k in (1, 2, 3)]
        assert {(e.interface_type, e.requester_managed, e.requester_id, e.description.startswith(prefix),
                 frozenset(e.group_ids)) for e in nodes} == {
            (interface_type, True, "amazon-elb", True, frozenset({ids[f"{kind}_sg"], ids["backend_sg"]}))}
    assert all(layout.role_tag(snapshot, ids[f"private{k}"]) == "1" for k in (1, 2, 3))
    workloads = {e.network_interface_id for e in region_view(snapshot).workload_enis(ids["vpc"])}
    assert workloads and not workloads & {ids[key] for key in LB_INTERFACES}
    groups = {g.group_id: g for g in region.security_groups}
    assert ("tcp", 80, 80, ids["backend_sg"]) in {(x.ip_protocol, x.from_port, x.to_port, x.referenced_group_id)
                                                   for x in groups[ids["node_sg"]].rules if not x.is_egress}
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    for service in ("elasticloadbalancing", "ec2", "sts"):
        assert set(endpoints[ids[service]].subnet_ids) == {ids[f"private{k}"] for k in (1, 2, 3)}


@pytest.mark.parametrize("load_balancers", [True, False])
def test_findings_and_verdicts(load_balancers: bool) -> None:
    """The canonical form (and the controller before its first Ingress or Service): POL001 ×10 and
    MON001, advice. Silent, rightly: SG001 (the frontend groups' 0.0.0.0/0 on TCP 80 are load
    balancers' groups, not an endpoint's; internal load balancers in subnets with no route out),
    SG003/SG005/SG006 (443 from 10.0.0.0/16 admits every node, the controller's pods among them; the
    node group sends everything), IFE001/IFE002 (endpoints in all three AZs), IFE003 (ECR and Session
    Manager bundles complete), DNS001-DNS003, GWE001-GWE003, NAT001-NAT003, ACL001, RT001. The
    load balancers' nodes are no workloads, so they ask nothing of the endpoints."""
    snapshot, ids = _built(load_balancers=load_balancers)
    assert audit(snapshot) == _advice(ids)
    assert {severities(snapshot)[("POL001", ids[key], "")] for key in POLICY_ENDPOINTS} == {"medium"}


@pytest.mark.parametrize("load_balancers", [True, False])
def test_near_miss_elasticloadbalancing_left_out(load_balancers: bool) -> None:
    """No ``elasticloadbalancing`` endpoint (the EKS page's "Application Load Balancers and Network
    Load Balancers" line left out): the controller's ELB API calls cannot leave the subnets, so no
    Ingress or Service gets a load balancer, and ones created earlier are no longer reconciled. A gap,
    pinned: the audit is the canonical one less that endpoint's POL001. Detectable only in part: the
    VPC is an EKS cluster's (its control-plane interfaces) with no route out, but nothing in the
    network says the controller runs; the ELB nodes, when there are any, could be anyone's, and they
    call no ELB API themselves. IFE003 has no EKS bundle."""
    snapshot, ids = _built(load_balancers=load_balancers, leave_out=ELB_LEFT_OUT)
    assert "elasticloadbalancing" not in ids
    assert ids["vpc"] in region_view(snapshot).eks_cluster_vpc_ids
    assert audit(snapshot) == _advice(ids, leave_out=ELB_LEFT_OUT)


def test_near_miss_controller_defaults_waf_and_shield_on() -> None:
    """The chart's defaults: ``enable-waf``, ``enable-wafv2`` and ``enable-shield`` true, against the
    installation page's isolated-cluster flags and the EKS page's note. With Shield on, every stack
    deployment first calls Shield ``GetSubscriptionState``, which cannot leave the subnets: the
    controller logs the failure and skips Shield after the call's timeout; WAF calls are made only for
    Ingresses annotated for a web ACL. A gap, pinned, and not detectable: the flags are container
    arguments, so the snapshot is the canonical one to the byte and so is the audit."""
    snapshot, ids = _built(controller_defaults=True)
    canonical, canonical_ids = _built()
    assert (snapshot, ids) == (canonical, canonical_ids)
    assert audit(snapshot) == _advice(ids)


def test_near_miss_subnets_without_the_internal_elb_role_tag() -> None:
    """The three subnets without ``kubernetes.io/role/internal-elb``. Silent, rightly: from v2.12.1 the
    controller, finding no subnet with a role tag, takes the subnets whose reachability matches the
    scheme; none of the three routes to an internet gateway, so an internal load balancer still gets
    all three (one per AZ, two at least for the ALB), and nothing breaks. The tags are in the snapshot;
    no rule reads them, and none should here."""
    snapshot, ids = _built(role_tags=False)
    assert {layout.role_tag(snapshot, ids[f"private{k}"]) for k in (1, 2, 3)} == {None}
    assert audit(snapshot) == _advice(ids)
