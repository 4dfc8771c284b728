"""An EKS cluster on Fargate alone in private subnets without internet access: every finding and its
verdict (docs/precision.md)."""

from __future__ import annotations

from typing import Any

import pytest
from aws_layout import audit, audit_result, severities
from layouts import eks_fargate_private as layout

Triples = set[tuple[str, str, str]]
# The layout's endpoints whose services support endpoint policies (all of them).
POLICY_ENDPOINTS = ("s3", *layout.INTERFACE_SERVICES)


def _advice(ids: dict[str, str], *, leave_out: tuple[str, ...] = ()) -> Triples:
    """Right, as advice. POL001 (medium) on every endpoint: ``modules/vpc-endpoints`` is given no
    ``policy``, so each keeps AWS's default full access. MON001: no flow log."""
    return {("POL001", ids[key], "fail") for key in POLICY_ENDPOINTS if key not in leave_out} | {
        ("MON001", ids["vpc"], "fail")}


def test_the_snapshot_is_what_the_layout_plans() -> None:
    """No route out of the private subnets, the endpoints in all three, the control plane's two
    interfaces and seven pod interfaces, all in EKS's cluster security group."""
    snapshot, ids = layout.build()
    region = snapshot.accounts[0].regions[0]
    tables = {t.route_table_id: t for t in region.route_tables}
    for k in (1, 2, 3):
        assert {r.target_id for r in tables[ids[f"private{k}_rt"]].routes} == {"local", ids["s3"]}
    assert not region.nat_gateways and not region.internet_gateways
    enis = {e.network_interface_id: e for e in region.network_interfaces}
    for n in (1, 2):
        eni = enis[ids[f"control_plane{n}"]]
        assert (eni.description, eni.requester_managed, eni.group_ids) == (
            f"Amazon EKS {layout.NAME}", False, (ids["eks_sg"],))
    for key, _ in layout.PODS:
        eni = enis[ids[key]]
        assert (eni.interface_type, eni.requester_managed, eni.instance_id, eni.group_ids) == (
            "interface", True, None, (ids["eks_sg"],))
    assert {enis[ids[key]].subnet_id for key, _ in layout.PODS} == {ids[f"private{k}"] for k in (1, 2, 3)}


@pytest.mark.parametrize("kwargs", [{}, {"pods": False}, {"endpoint_source": "cluster_sg"},
                                    {"pods": False, "endpoint_source": "cluster_sg"}],
                         ids=["pods running", "profiles before their pods", "endpoints admit the cluster group",
                              "cluster group admitted, no pods yet"])
def test_findings_and_verdicts_as_built(kwargs: dict[str, Any]) -> None:
    """As built, and with the endpoints' group admitting the cluster security group (the private-clusters
    page's alternative to the CIDR). Silent, rightly: no NAT gateway (NAT001-NAT005, GWE002/GWE003), the
    S3 route on every table (GWE001), the ECR bundle complete (IFE003), 443 from the VPC or from the
    group every pod and the control plane carry (SG001-SG004, SG006), the cluster group's egress to
    anywhere (SG005), endpoints in every pod's AZ (IFE001/IFE002), DNS on (DNS001-DNS003), the
    allow-all default NACL (ACL001). The control plane's interfaces, which carry the admitted group
    too, are no clients either way (no SG003 or SG005 on them)."""
    snapshot, ids = layout.build(**kwargs)
    assert audit(snapshot) == _advice(ids)
    levels = severities(snapshot)
    assert {levels[("POL001", ids[key], "")] for key in POLICY_ENDPOINTS} == {"medium"}


@pytest.mark.parametrize("member", ["s3", "ecr.api"])
def test_near_miss_image_pull_member_left_out(member: str) -> None:
    """The S3 gateway endpoint, or ``ecr.api``, left out. Right: the private-clusters page lists
    ``ecr.api``, ``ecr.dkr`` and ``s3`` together "for pulling container images", the pods' subnets
    have no other way out, and a Fargate pod pulls from its own interface (the rule keeps an
    interface on no instance as its own image puller), so IFE003 fires high, naming all three
    subnets. For ``ecr.api`` the message's caveat, "Fargate platform version 1.3.0 or earlier needs
    only ecr.dkr", is ECS's and does not apply to EKS (noted in the log)."""
    snapshot, ids = layout.build(leave_out=(member,))
    assert audit(snapshot) == _advice(ids, leave_out=(member,)) | {("IFE003", ids["vpc"], "fail")}
    assert severities(snapshot)[("IFE003", ids["vpc"], "ecr:required")] == "high"
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "IFE003")
    assert all(ids[f"private{k}"] in finding.message for k in (1, 2, 3))


def test_near_miss_s3_left_out_before_the_pods() -> None:
    """The S3 gateway endpoint left out before any pod runs. Right at medium: no workload yet, so the
    private subnets stand in for clients. All three are named, the two holding the control plane's
    interfaces too: they also hold the endpoints' interfaces, and the Fargate profiles place pods in
    all three."""
    snapshot, ids = layout.build(pods=False, leave_out=("s3",))
    assert audit(snapshot) == _advice(ids, leave_out=("s3",)) | {("IFE003", ids["vpc"], "fail")}
    assert severities(snapshot)[("IFE003", ids["vpc"], "ecr:required")] == "medium"


def test_near_miss_ecr_dkr_left_out() -> None:
    """``ecr.dkr`` left out, ``ecr.api`` and S3 kept. Every image these pods run (CoreDNS, kube-proxy,
    the controller, the app copied to ECR as the private-clusters page asks) is pulled through
    ``ecr.dkr``; without it and without internet egress no pod starts. IFE003 fires high, as it does
    for ECS tasks. Rule wrong, fixed: it let ``ecr.api`` start the bundle only in a VPC that runs
    ECS; a VPC holding an EKS cluster's control-plane interfaces counts too."""
    snapshot, ids = layout.build(leave_out=("ecr.dkr",))
    assert audit(snapshot) == _advice(ids, leave_out=("ecr.dkr",)) | {("IFE003", ids["vpc"], "fail")}
    assert severities(snapshot)[("IFE003", ids["vpc"], "ecr:required")] == "high"


def test_near_miss_app_pods_in_a_group_the_endpoints_do_not_admit() -> None:
    """The endpoints' group admitting the cluster security group, and a ``SecurityGroupPolicy`` giving
    the ``app-2048`` pods a group of their own without it. The app pods cannot reach ``ecr.api`` or
    ``ecr.dkr`` and never pull their image; CoreDNS and the controller, in the cluster group, can.
    SG006's Fargate case says exactly this for ECS tasks, recognised by their ECS attachment
    description; an EKS Fargate pod's interface has no documented description or requester, so
    nothing in the snapshot tells it from other requester-managed interfaces on no instance. A gap,
    pinned."""
    snapshot, ids = layout.build(endpoint_source="cluster_sg", app_pod_group=True)
    assert audit(snapshot) == _advice(ids)


def test_sts_left_out_is_not_reported() -> None:
    """``sts`` left out: the Load Balancer Controller uses IAM roles for service accounts, which the
    private-clusters page says need the STS endpoint, so it cannot get credentials. No rule knows
    which pods use IRSA (a Kubernetes setting). A gap, pinned."""
    snapshot, ids = layout.build(leave_out=("sts",))
    assert audit(snapshot) == _advice(ids, leave_out=("sts",))
