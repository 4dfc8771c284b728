"""The Amazon EFS CSI driver with dynamic provisioning on EKS Blueprints' private cluster: mount
targets in the three node subnets behind a group admitting NFS, and the ``elasticfilesystem``
interface endpoint the driver's controller calls: every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, audit_result, region_view, severities
from layouts import eks_efs_csi_private
from layouts.eks_efs_csi_private import EFS, EFS_DNS, EFS_REQUESTER_ID, FILE_SYSTEM, MOUNT_TARGETS, NFS_PORT

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
# The pattern's endpoints whose services support endpoint policies (ssmmessages and ec2messages do not),
# and elasticfilesystem (the EFS guide's endpoint-policy section).
POLICY_ENDPOINTS = ("s3", "autoscaling", "ecr.api", "ecr.dkr", "ec2", "elasticloadbalancing", "sts", "kms", "logs",
                    "ssm", EFS)
MOUNT_TARGET_MISSING_IN_C = {"mount_target_azs": (1, 2)}
NFS_FROM_EKS_CLUSTER_GROUP = {"nfs_source": "eks_sg"}
NO_EFS_ENDPOINT = {"efs_endpoint": False}
EFS_PRIVATE_DNS_OFF = {"efs_private_dns": False}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return eks_efs_csi_private.build(**options)  # type: ignore[arg-type]


def _advice(ids: dict[str, str], *, efs_endpoint: bool = True) -> Triples:
    """Right (advice), medium: POL001 on the S3 gateway endpoint and each interface endpoint whose
    service supports endpoint policies, elasticfilesystem among them (no ``policy``: AWS's default
    full access; the EFS guide offers an endpoint policy "To control access to the Amazon EFS API",
    and the driver needs only its access point and describe actions). MON001: ``enable_flow_log``
    defaults to false."""
    keys = POLICY_ENDPOINTS if efs_endpoint else tuple(k for k in POLICY_ENDPOINTS if k != EFS)
    return {("POL001", ids[key], "fail") for key in keys} | {("MON001", ids["vpc"], "fail")}


def _ingress(snapshot: Snapshot, group_id: str) -> list[tuple[str, int | None, int | None, str | None, str | None]]:
    group = next(g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == group_id)
    return [(x.ip_protocol, x.from_port, x.to_port, x.cidr_ipv4, x.referenced_group_id)
            for x in group.rules if not x.is_egress]


def _node_group_members(snapshot: Snapshot, ids: dict[str, str], group_key: str) -> set[str]:
    """The VPC's workload interfaces (nodes and their VPC CNI interfaces) carrying ``group_key``."""
    view = region_view(snapshot)
    return {e.network_interface_id for e in view.workload_enis(ids["vpc"]) if ids[group_key] in e.group_ids}


@pytest.mark.parametrize("description", ["observed", "documented"])
def test_the_mount_targets_as_describe_network_interfaces_reports_them(description: str) -> None:
    """One mount target interface per node subnet, requester-managed, RequesterId ``EFS``, typed
    ``interface``, in the file system's group, on no instance; described as public dumps show it or
    as CreateMountTarget documents it. No workload either way: a mount target answers NFS and calls
    no AWS API, so no endpoint rule counts it as a client."""
    snapshot, ids = _built(description=description)
    view = region_view(snapshot)
    mounts = [view.interfaces[ids[f"mount_target{k}"]] for k in (1, 2, 3)]
    assert [e.subnet_id for e in mounts] == [ids[f"private{k}"] for k in (1, 2, 3)]
    assert {(e.interface_type, e.requester_managed, e.requester_id, e.group_ids, e.instance_id) for e in mounts} == {
        ("interface", True, EFS_REQUESTER_ID, (ids["mount_target_sg"],), None)}
    assert [e.description for e in mounts] == [
        eks_efs_csi_private.mount_target_description(m, description) for m in MOUNT_TARGETS]
    assert FILE_SYSTEM in mounts[0].description
    assert not any(view.is_workload(e) for e in mounts)
    assert _ingress(snapshot, ids["mount_target_sg"]) == [("tcp", NFS_PORT, NFS_PORT, "10.0.0.0/16", None)]


def test_the_elasticfilesystem_endpoint_as_the_module_creates_it() -> None:
    """``elasticfilesystem`` appended to the pattern's list: the three private subnets, the endpoint
    group (443 from the VPC's block), private DNS on, its service's name the EFS API's
    ``elasticfilesystem.us-west-2.amazonaws.com``."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    endpoint = next(e for e in region.vpc_endpoints if e.vpc_endpoint_id == ids[EFS])
    assert endpoint.service_name == "com.amazonaws.us-west-2.elasticfilesystem"
    assert (set(endpoint.subnet_ids), endpoint.group_ids, endpoint.private_dns_enabled) == (
        {ids[f"private{k}"] for k in (1, 2, 3)}, (ids["endpoint_sg"],), True)
    service = next(s for s in region.endpoint_services if s.service_name == endpoint.service_name)
    assert service.private_dns_names == (EFS_DNS,)


@pytest.mark.parametrize("nfs_source", ["vpc", "node_sg"], ids=["driver's page: VPC CIDR", "EFS guide: node group"])
def test_findings_and_verdicts(nfs_source: str) -> None:
    """The canonical form (2049 from 10.0.0.0/16, the driver's page) and its least-privilege form
    (2049 from the module's node group, which every node and VPC CNI interface carries): POL001 ×11
    and MON001, advice. Silent, rightly: SG001-SG006 (the endpoints' group admits 443 from the VPC's
    block; the node group sends everything, 2049 and 443 alike; the mount targets' group is no
    endpoint's and its members no clients), IFE001/IFE002 (elasticfilesystem in the three node AZs),
    IFE003 (ECR and Session Manager bundles complete; sts for IRSA present), DNS001-DNS003, ACL001,
    GWE001-GWE003, NAT001-NAT003, RT001."""
    snapshot, ids = _built(nfs_source=nfs_source)
    assert audit(snapshot) == _advice(ids)
    assert severities(snapshot)[("POL001", ids[EFS], "")] == "medium"
    if nfs_source == "node_sg":
        assert _ingress(snapshot, ids["mount_target_sg"]) == [("tcp", NFS_PORT, NFS_PORT, None, ids["node_sg"])]
        assert len(_node_group_members(snapshot, ids, "node_sg")) == 6


def test_near_miss_mount_target_missing_in_one_node_az() -> None:
    """Mount targets in us-west-2a and 2b only; the third node runs in us-west-2c, against the
    driver's page ("a subnet in each AZ that you had a node in") and the EFS guide ("a mount target in
    each Availability Zone from which you want to access the file system"): Pods scheduled there find
    no mount target in their AZ. A gap, pinned: the audit is the canonical one. The snapshot holds the
    mount targets' interfaces, so a rule could compare a file system's mount-target AZs (the id in the
    description) with the AZs of the workloads its group admits; none does."""
    snapshot, ids = _built(**MOUNT_TARGET_MISSING_IN_C)
    assert "mount_target3" not in ids
    assert audit(snapshot) == _advice(ids)
    view = region_view(snapshot)
    node_azs = {e.availability_zone for e in view.workload_enis(ids["vpc"]) if ids["node_sg"] in e.group_ids}
    mount_azs = {view.interfaces[ids[f"mount_target{k}"]].availability_zone for k in (1, 2)}
    assert node_azs - mount_azs == {"us-west-2c"}


def test_near_miss_nfs_admitted_only_from_the_eks_cluster_group() -> None:
    """The mount targets' group admits 2049 only from EKS's cluster security group, which the nodes
    do not carry (the module's launch template gives them the node group alone; only the control
    plane's interfaces, no workloads, are members): every mount times out and Pods stay in
    ContainerCreating, while dynamic provisioning still creates access points. A gap, pinned: SG003
    reports exactly this shape ("reachable only from members of …, which no workload ENI carries")
    for endpoints' groups, and no rule judges a mount target's group."""
    snapshot, ids = _built(**NFS_FROM_EKS_CLUSTER_GROUP)
    assert audit(snapshot) == _advice(ids)
    assert _ingress(snapshot, ids["mount_target_sg"]) == [("tcp", NFS_PORT, NFS_PORT, None, ids["eks_sg"])]
    assert _node_group_members(snapshot, ids, "eks_sg") == set()


def test_near_miss_no_elasticfilesystem_endpoint() -> None:
    """The pattern's endpoint list as published, with the file system and mount targets added: the
    controller's CreateAccessPoint calls find no route to the EFS API, so every PVC of the ``efs-ap``
    StorageClass stays Pending; statically provisioned volumes still mount (NFS to the mount targets
    needs no API). A gap, pinned, and not one the snapshot can close: the mount targets show that EFS
    is used, not that the API is; the StorageClass is Kubernetes data and the controller's calls
    leave from ordinary VPC CNI interfaces. The audit is the canonical one less the endpoint's POL001."""
    snapshot, ids = _built(**NO_EFS_ENDPOINT)
    assert EFS not in ids
    assert audit(snapshot) == _advice(ids, efs_endpoint=False)
    region = snapshot.accounts[0].regions[0]
    assert not [e for e in region.vpc_endpoints if e.service_name.endswith(f".{EFS}")]
    assert not region.nat_gateways


def test_near_miss_elasticfilesystem_private_dns_off() -> None:
    """The endpoint created with private DNS off: the controller's SDK resolves
    ``elasticfilesystem.us-west-2.amazonaws.com`` to public addresses the isolated subnets cannot
    reach, so dynamic provisioning fails as if the endpoint were absent. Right, medium: DNS003 names
    the EFS API's name; the EKS private-clusters page recommends private DNS so that workloads keep
    the default names. Present but misconfigured, the endpoint is judged; absent, nothing is."""
    snapshot, ids = _built(**EFS_PRIVATE_DNS_OFF)
    assert audit(snapshot) == _advice(ids) | {("DNS003", ids[EFS], "fail")}
    assert severities(snapshot)[("DNS003", ids[EFS], "")] == "medium"
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "DNS003")
    assert EFS_DNS in finding.message
