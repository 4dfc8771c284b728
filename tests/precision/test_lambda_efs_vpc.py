"""AWS Lambda functions in a VPC mounting an Amazon EFS file system through an access point (the
Lambda Developer Guide's sample application ``efs-nodejs``): every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, region_view
from layouts import lambda_efs_vpc
from layouts.lambda_efs_vpc import EFS_REQUESTER_ID, MOUNT_TARGETS, NFS_PORT, SECONDARY_CIDR, VPC_CIDR

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
DEDICATED = {"groups": "dedicated"}


@cache
def _build(**options: object) -> tuple[Snapshot, dict[str, str]]:
    return lambda_efs_vpc.build(**options)  # type: ignore[arg-type]


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: neither stack creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _default_endpoint_policy(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the endpoint keeps AWS's default full access; the function needs
    ``secretsmanager:GetSecretValue`` on its secrets."""
    return {("POL001", ids["secretsmanager"], "fail")}


def _ingress(snapshot: Snapshot, group_id: str) -> list[tuple[str, int | None, int | None, str | None, str | None]]:
    group = next(g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == group_id)
    return [(x.ip_protocol, x.from_port, x.to_port, x.cidr_ipv4, x.referenced_group_id)
            for x in group.rules if not x.is_egress]


def test_the_snapshot_is_the_template() -> None:
    """The builder against the two templates: 172.31.0.0/16 with hostnames off, the two private
    /24s in two AZs on one table with the local route alone, no gateway or endpoint; a mount
    target in each subnet and the function in both, all on the VPC's default group. How the
    network model reads them: the function's ENIs workloads, the mount targets' not (they answer
    NFS and call no AWS service)."""
    snapshot, ids = _build()
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == ((VPC_CIDR,), True, False)
    assert sorted((s.cidr_block, s.availability_zone_id, s.map_public_ip_on_launch) for s in region.subnets) == [
        ("172.31.2.0/24", "use1-az6", False), ("172.31.3.0/24", "use1-az4", False)]
    assert not (region.internet_gateways or region.nat_gateways or region.vpc_endpoints)
    table = next(t for t in region.route_tables if t.route_table_id == ids["route_table"])
    assert [x.target_kind for x in table.routes] == ["local"]
    assert {a.subnet_id for a in table.associations} == {ids["subnet_a"], ids["subnet_b"]}
    assert _ingress(snapshot, ids["default_sg"]) == [("-1", None, None, None, ids["default_sg"])]

    view = region_view(snapshot)
    mounts = [view.interfaces[ids[f"mount_target_{x}"]] for x in "ab"]
    functions = [view.interfaces[ids[f"lambda_eni_{x}"]] for x in "ab"]
    assert [e.description for e in mounts] == [
        f"EFS mount target for {lambda_efs_vpc.FILE_SYSTEM} ({m})" for m in MOUNT_TARGETS]
    assert {(e.interface_type, e.requester_managed, e.requester_id, e.group_ids) for e in mounts} \
        == {("interface", True, EFS_REQUESTER_ID, (ids["default_sg"],))}
    assert [e.subnet_id for e in mounts] == [ids["subnet_a"], ids["subnet_b"]]
    assert {(e.interface_type, e.group_ids) for e in functions} == {("lambda", (ids["default_sg"],))}
    assert not any(view.is_workload(e) for e in mounts)
    assert all(view.is_workload(e) for e in functions)


def test_findings_and_verdicts_as_published() -> None:
    """MON001 alone. Silent, rightly: every endpoint rule (none), GWE001-GWE003 and the NAT
    rules (nothing routes beyond the VPC, and the function calls no AWS service from it), DNS001
    and DNS002 (no endpoint needs hostnames), ACL001 (the default NACL), SG rules (the default
    group admits NFS between the function and the mount targets)."""
    snapshot, ids = _build()
    assert audit(snapshot) == _flow_log(ids)


@pytest.mark.parametrize("groups", ["default", "dedicated"])
def test_findings_and_verdicts_put_to_use(groups: str) -> None:
    """A Secrets Manager endpoint behind a group admitting 443 from the function's group: MON001
    and POL001. Silent, rightly: SG005 on the mount targets' dedicated group, which has no egress
    rule (a mount target sends nothing to the endpoint), SG003 (the function's group is
    admitted), IFE001/IFE002 (the endpoint in both AZs), DNS001 (hostnames on with it)."""
    snapshot, ids = _build(groups=groups, endpoint=True)
    assert audit(snapshot) == _flow_log(ids) | _default_endpoint_policy(ids)


def test_near_miss_function_in_a_secondary_block() -> None:
    """The mount targets' group admits 2049 from 172.31.0.0/16, the primary block, and the function
    runs in 100.64.0.0/16: every mount fails (EFSMountConnectivityException). No rule reports it: a
    gap, pinned (no rule judges a data store's group against its clients; EFS is no endpoint)."""
    snapshot, ids = _build(**DEDICATED, nfs_source="vpc", function_tier="secondary")
    assert audit(snapshot) == _flow_log(ids)
    assert _ingress(snapshot, ids["mount_target_sg"]) == [("tcp", NFS_PORT, NFS_PORT, VPC_CIDR, None)]
    view = region_view(snapshot)
    assert {ip.rsplit(".", 2)[0] + ".0.0/16" for x in "ab"
            for ip in view.interfaces[ids[f"lambda_eni_{x}"]].private_ip_addresses} == {SECONDARY_CIDR}


def test_near_miss_function_egress_https_only() -> None:
    """The function's group sends TCP 443 alone: NFS to the mount targets is refused at the
    function's side although their group admits it. No rule reports it: a gap, pinned (SG005
    judges egress to endpoints only, and a mount target is none)."""
    snapshot, ids = _build(**DEDICATED, function_egress="https")
    assert audit(snapshot) == _flow_log(ids)


def test_near_miss_mount_target_missing_in_one_az() -> None:
    """One mount target, in us-east-1a; the function also runs in us-east-1b, against the guide's
    "a mount target in every Availability Zone that your function connects to". No rule reports
    it: a gap, pinned (mount targets are not collected as such, only their interfaces)."""
    snapshot, ids = _build(**DEDICATED, mount_target_azs=(1,))
    assert audit(snapshot) == _flow_log(ids)
    assert "mount_target_b" not in ids


def test_documented_description_is_no_workload() -> None:
    """An interface described as CreateMountTarget documents it (``Mount target fsmt-… for file
    system fs-…``, RequesterId ``EFS``) is a mount target, no workload: it counted as one before
    (rule wrong, fixed: see the next verdict)."""
    snapshot, ids = _build(**DEDICATED, description="documented")
    view = region_view(snapshot)
    mount = view.interfaces[ids["mount_target_a"]]
    assert mount.description == f"Mount target {MOUNT_TARGETS[0]} for file system {lambda_efs_vpc.FILE_SYSTEM}"
    assert not view.is_workload(mount)
    assert audit(snapshot) == _flow_log(ids)


def test_documented_description_with_an_endpoint() -> None:
    """The mount targets described as the EFS API reference says (requester-managed, RequesterId
    ``EFS``) and the Secrets Manager endpoint: MON001 and POL001 only. SG005 fired on the mount
    targets' group (no egress), proposing ready 443 egress for interfaces that call no AWS
    service. Rule wrong, fixed: the network model recognised a mount target only by the
    description public dumps show; the documented description and requester now count too."""
    snapshot, ids = _build(**DEDICATED, description="documented", endpoint=True)
    assert audit(snapshot) == _flow_log(ids) | _default_endpoint_policy(ids)
