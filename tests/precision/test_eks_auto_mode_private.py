"""terraform-aws-eks's ``examples/eks-auto-mode`` adapted to a private cluster without internet access
(EKS User Guide, private clusters): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, audit_result, region_view, severities
from layouts import eks_auto_mode_private
from layouts.eks_auto_mode_private import INTERFACE_SERVICES, NODE_TAGS

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
EKS_AUTH_LEFT_OUT = {"leave_out": ("eks-auth",)}
ECR_DKR_LEFT_OUT = {"leave_out": ("ecr.dkr",)}
S3_NOT_ON_THIRD_TABLE = {"s3_tables": (1, 2)}
ENDPOINTS_ADMIT_NODE_SG = {"endpoint_source": "node_sg"}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return eks_auto_mode_private.build(**options)  # type: ignore[arg-type]


def _advice(ids: dict[str, str], *, leave_out: tuple[str, ...] = ()) -> Triples:
    """Right (advice), medium: POL001 on the S3 gateway endpoint and on each interface endpoint (all
    eight services support endpoint policies; for eks and eks-auth assumed, as the EKS PrivateLink
    page recommends policies for its endpoints): ``vpc_endpoints`` is given no ``policy``, so each keeps AWS's
    default full access."""
    keys = ("s3", *(s for s in INTERFACE_SERVICES if s not in leave_out))
    return {("POL001", ids[key], "fail") for key in keys}


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: ``enable_flow_log`` defaults to false."""
    return {("MON001", ids["vpc"], "fail")}


def _baseline(ids: dict[str, str], *, leave_out: tuple[str, ...] = ()) -> Triples:
    return _advice(ids, leave_out=leave_out) | _flow_logs(ids)


def test_auto_mode_nodes_as_describe_network_interfaces_reports_them() -> None:
    """One primary interface per node, one node per private subnet: typed ``interface``, not
    requester-managed, no description, attached to the node's instance, EKS's cluster group only
    (the built-in ``default`` NodeClass), tagged as Auto Mode launches it (assumed, module
    docstring). They are the VPC's workloads; the control plane's two interfaces are not."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    enis = {e.network_interface_id: e for e in snapshot.accounts[0].regions[0].network_interfaces}
    for n in (1, 2, 3):
        eni = enis[ids[f"node{n}"]]
        assert (eni.subnet_id, eni.interface_type, eni.requester_managed, eni.description, eni.group_ids) == (
            ids[f"private{n}"], "interface", False, "", (ids["eks_sg"],))
        assert eni.instance_id and {t.key: t.value for t in eni.tags} == NODE_TAGS
    workloads = {e.network_interface_id for e in view.workload_enis(ids["vpc"])}
    assert workloads == {ids[f"node{n}"] for n in (1, 2, 3)}
    assert ids["vpc"] in view.eks_cluster_vpc_ids  # the control plane's interfaces say "an EKS cluster"


def test_the_network_is_private_only() -> None:
    """The adaptation: no internet or NAT gateway; each private table holds the local route and the S3
    gateway endpoint's; eight interface endpoints with private DNS in the three subnets behind one
    group admitting TCP 443 from EKS's cluster group only."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    assert not region.internet_gateways and not region.nat_gateways
    tables = {t.route_table_id: t for t in region.route_tables}
    for k in (1, 2, 3):
        assert {r.target_id for r in tables[ids[f"private{k}_rt"]].routes} == {"local", ids["s3"]}
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    for service in INTERFACE_SERVICES:
        endpoint = endpoints[ids[service]]
        assert (set(endpoint.subnet_ids), endpoint.group_ids, endpoint.private_dns_enabled) == (
            {ids[f"private{k}"] for k in (1, 2, 3)}, (ids["endpoint_sg"],), True)
    group = next(g for g in region.security_groups if g.group_id == ids["endpoint_sg"])
    assert [(r.is_egress, r.ip_protocol, r.from_port, r.to_port, r.referenced_group_id) for r in group.rules] == [
        (False, "tcp", 443, 443, ids["eks_sg"])]


@pytest.mark.parametrize("nodes", [3, 0], ids=["inflate running", "before the first pod"])
def test_findings_and_verdicts(nodes: int) -> None:
    """The canonical form, with the Deployment's three nodes and before Auto Mode launches any:
    POL001 ×9 (advice) and MON001. Silent, rightly: IFE003 (ecr.api, ecr.dkr and the S3 route on
    every node's table: the ECR bundle complete), SG003/SG006 (443 from EKS's cluster group, which
    every Auto Mode node carries), SG005 (EKS's cluster group sends everything), IFE001/IFE002
    (endpoints in the three AZs), DNS003 (private DNS on, eks-auth's api.aws name included),
    GWE001-GWE003 and NAT001-NAT003 (no way out, all three tables routed to S3), ACL001 (the
    module's allow-all default NACL), DNS001/DNS002. The tags assumed on the nodes' interfaces
    change nothing."""
    snapshot, ids = _built(nodes=nodes)
    assert audit(snapshot) == _baseline(ids)
    assert {severities(snapshot)[("POL001", ids[key], "")] for key in ("s3", *INTERFACE_SERVICES)} == {"medium"}
    untagged, untagged_ids = _built(nodes=nodes, tagged_nodes=False)
    assert audit(untagged) == _baseline(untagged_ids)


def test_near_miss_eks_auth_left_out() -> None:
    """``eks-auth`` dropped from the list. Every Auto Mode node runs the Pod Identity agent built in
    (automode.html: "You do not have to install the EKS Pod Identity Agent"), and its node role is
    granted ``eks-auth:AssumeRoleForPodIdentity``; with no way out, any Pod with a Pod Identity
    association gets no credentials ("If there is no outbound internet access, you must create and
    use a VPC endpoint for the EKS Auth API", private-clusters). A gap, pinned: the audit is the
    canonical one less eks-auth's POL001. Whether any association exists is EKS API data
    (ListPodIdentityAssociations) the snapshot does not hold, and the agent has no interface."""
    snapshot, ids = _built(**EKS_AUTH_LEFT_OUT)
    assert "eks-auth" not in ids
    assert audit(snapshot) == _baseline(ids, leave_out=("eks-auth",))


@pytest.mark.parametrize("nodes", [3, 0], ids=["inflate running", "before the first pod"])
def test_near_miss_ecr_dkr_left_out(nodes: int) -> None:
    """``ecr.dkr`` dropped from the list. Right: IFE003 starts the ECR bundle from ecr.api in an EKS
    cluster's VPC and reports ecr.dkr missing — high with the nodes ("client subnets … isolated … the
    feature is broken there"), medium over the three private subnets before Auto Mode launches any.
    For Auto Mode the rule's reason (nodes pulling EKS's add-on images) does not apply — the core
    components are built into the node's image or run on AWS infrastructure — but the verdict holds:
    the private-clusters page requires every image from a registry in the VPC, the Auto Mode node
    role carries ``AmazonEC2ContainerRegistryPullOnly`` for exactly that, and the page lists ecr.api,
    ecr.dkr and s3 together "for pulling container images"."""
    snapshot, ids = _built(nodes=nodes, **ECR_DKR_LEFT_OUT)
    assert audit(snapshot) == _baseline(ids, leave_out=("ecr.dkr",)) | {("IFE003", ids["vpc"], "fail")}
    assert severities(snapshot)[("IFE003", ids["vpc"], "ecr:required")] == ("high" if nodes else "medium")
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "IFE003")
    assert "ecr.dkr" in finding.message
    assert all(ids[f"private{k}"] in finding.message for k in (1, 2, 3))


def test_near_miss_s3_route_missing_from_one_table() -> None:
    """The S3 gateway endpoint associated with the first two private tables only: the node in
    us-west-2c resolves ECR's layer bucket to S3's public addresses and has no route to them, so
    every image pull there fails after the manifest. Right, twice: IFE003 high, naming that subnet
    alone ("missing s3 (gateway)"), and GWE001 medium on it (its S3 traffic is dropped). Both fixes
    associate the third table with the endpoint."""
    snapshot, ids = _built(**S3_NOT_ON_THIRD_TABLE)
    assert audit(snapshot) == _baseline(ids) | {("IFE003", ids["vpc"], "fail"), ("GWE001", ids["private3"], "fail")}
    levels = severities(snapshot)
    assert levels[("IFE003", ids["vpc"], "ecr:required")] == "high"
    assert levels[("GWE001", ids["private3"], "s3")] == "medium"
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "IFE003")
    assert ids["private3"] in finding.message
    assert ids["private1"] not in finding.message and ids["private2"] not in finding.message


def test_near_miss_endpoints_admit_the_module_node_group() -> None:
    """The endpoint group admitting 443 from ``module.eks.node_security_group_id``, as for a managed
    node group. The module still creates that group in Auto Mode, but the built-in NodeClass gives
    the nodes EKS's cluster group alone, so every call to every interface endpoint is refused. Right,
    high: SG003 on all eight interface endpoints, "reachable only from members of" the node group,
    "which no workload ENI carries". Before the first pod: silent, rightly — nobody is refused yet."""
    snapshot, ids = _built(**ENDPOINTS_ADMIT_NODE_SG)
    sg003 = {("SG003", ids[key], "fail") for key in INTERFACE_SERVICES}
    assert audit(snapshot) == _baseline(ids) | sg003
    assert {severities(snapshot)[("SG003", ids[key], "")] for key in INTERFACE_SERVICES} == {"high"}
    assert all(ids["node_sg"] in f.message for f in audit_result(snapshot).findings if f.rule_id == "SG003")
    before, before_ids = _built(nodes=0, **ENDPOINTS_ADMIT_NODE_SG)
    assert audit(before) == _baseline(before_ids)
