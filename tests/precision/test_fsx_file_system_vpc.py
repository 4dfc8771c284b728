"""Amazon FSx for Lustre file systems linked to S3 in private subnets, mounted by EC2 instances
(terraform-aws-fsx ``examples/lustre`` read with the FSx for Lustre User Guide): every finding and
its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, region_view, severities
from layouts import fsx_file_system_vpc
from layouts.fsx_file_system_vpc import FILE_SYSTEMS, FSX_TAG, VPC_CIDR, fsx_description

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
# The file system's AZ left without clients or endpoints: instances, the S3 route and the Session
# Manager endpoints in the other two AZs only.
FILE_SYSTEM_AZ_LEFT_OUT = {"client_azs": (2, 3), "s3_azs": (2, 3), "endpoint_azs": (2, 3)}
@cache
def _built(**kwargs: object) -> Built:
    """Each variant built once: the snapshot is frozen, and several tests read the same one."""
    return fsx_file_system_vpc.build(**kwargs)  # type: ignore[arg-type]


def _fsx_enis(ids: dict[str, str]) -> list[str]:
    return [v for k, v in ids.items() if "_eni" in k]


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: neither the example nor the VPC module creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _default_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the S3 gateway endpoint and ``ssm`` keep AWS's default full-access
    policy (the catalogue's POL001 reports it; ssmmessages and ec2messages take no narrower one)."""
    return {("POL001", ids["s3"], "fail"), ("POL001", ids["ssm"], "fail")}


def _session_manager_optionals(ids: dict[str, str]) -> Triples:
    """Right (advice), info: the Session Manager bundle without ``kms`` and ``logs``, needed only
    for KMS-encrypted sessions and session logs in CloudWatch Logs."""
    return {("IFE003", ids["vpc"], "fail")}


def _put_to_use(ids: dict[str, str]) -> Triples:
    return _flow_log(ids) | _default_policies(ids) | _session_manager_optionals(ids)


def _ingress(snapshot: Snapshot, group_id: str) -> set[tuple[str, int | None, int | None, str | None, str | None]]:
    group = next(g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == group_id)
    return {(x.ip_protocol, x.from_port, x.to_port, x.cidr_ipv4, x.referenced_group_id)
            for x in group.rules if not x.is_egress}


def test_the_snapshot_is_the_example() -> None:
    """The builder against ``examples/lustre``: 10.0.0.0/16, public subnets on the internet
    gateway's table, three private tables with the local route alone; three file systems in the
    first private subnet, two interfaces each tagged with their file system, each behind a group
    admitting TCP 988 and 1018-1023 from itself and the example's TCP port 0 from the VPC."""
    snapshot, ids = _built(clients=False)
    region = snapshot.accounts[0].regions[0]
    assert not (region.nat_gateways or region.vpc_endpoints)
    for k in (1, 2, 3):
        table = next(t for t in region.route_tables if t.route_table_id == ids[f"private_rt{k}"])
        assert [x.target_kind for x in table.routes] == ["local"]
    for name, file_system in FILE_SYSTEMS.items():
        group = ids[f"{name}_sg"]
        assert _ingress(snapshot, group) == {("tcp", 0, 0, VPC_CIDR, None), ("tcp", 988, 988, None, group),
                                             ("tcp", 1018, 1023, None, group)}
        enis = [e for e in region.network_interfaces if r.tag_value(e.tags, FSX_TAG) == file_system]
        assert {(e.subnet_id, e.group_ids, e.interface_type, e.instance_id, e.description) for e in enis} \
            == {(ids["private1"], (group,), "interface", None, fsx_description(file_system))}
        assert len(enis) == 2


def test_findings_and_verdicts_as_published() -> None:
    """MON001 alone. Silent, rightly: GWE001-GWE003 and the NAT rules (the file systems reach the
    bucket through FSx's service-linked role, not through the VPC: the example links them from
    subnets with no route beyond it), every endpoint rule (none), DNS (both attributes on), SG
    rules (no endpoint to reach). The port-0 rule is pinned in the next test."""
    snapshot, ids = _built(clients=False)
    assert audit(snapshot) == _flow_log(ids)


def test_near_miss_clients_not_admitted() -> None:
    """The example's groups as published, instances mounting: the file systems admit TCP port 0
    from the VPC (``from_port = 0, to_port = 0``, ``protocol`` ignored) and 988/1018-1023 only from
    their own members, so no instance outside those groups can mount (the guide: the file
    system's group must admit the clients on 988 and 1018-1023). No rule reports it: a gap, pinned
    (no rule judges a data store's group against its clients; a file system is no endpoint)."""
    snapshot, ids = _built(client_ports=False)
    assert audit(snapshot) == _put_to_use(ids)
    assert all(ids["client_sg"] not in {x[4] for x in _ingress(snapshot, ids[f"{name}_sg"])}
               for name in FILE_SYSTEMS)


@pytest.mark.parametrize("requester_managed", [True, False])
def test_findings_and_verdicts_put_to_use(requester_managed: bool) -> None:
    """Instances in the three private subnets admitted on 988 and 1018-1023, an S3 gateway endpoint
    on the three private tables, the Session Manager endpoints in three AZs behind 443 from the VPC:
    MON001, POL001 twice, IFE003 (info). Silent, rightly: SG003 and SG006 (the VPC's block admitted),
    IFE001/IFE002 (every AZ served), GWE001 (every private table routed), SG005 (all egress)."""
    snapshot, ids = _built(requester_managed=requester_managed)
    assert audit(snapshot) == _put_to_use(ids)
    assert {v for k, v in severities(snapshot).items() if k[:2] == ("IFE003", ids["vpc"])} == {"info"}


def test_near_miss_s3_route_missing_where_an_instance_runs() -> None:
    """The S3 endpoint on the second and third private tables only; an instance runs in the first
    private subnet: GWE001 on it. Right, medium: the instance's S3 calls go nowhere (no NAT)."""
    snapshot, ids = _built(s3_azs=(2, 3))
    assert audit(snapshot) == _put_to_use(ids) | {("GWE001", ids["private1"], "fail")}


def test_file_system_interfaces_are_no_workload() -> None:
    """Rule wrong, fixed. The network model reads an interface tagged ``AmazonFSx.FileSystemId`` (FSx's
    service-linked role tags its interfaces with that key alone and manages only interfaces
    carrying it) as a file system's, which answers Lustre and calls no AWS service from the VPC:
    the guide's outbound rules for its group are Lustre ports only. ``is_workload`` knew EFS mount
    targets, not FSx."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    assert not any(view.is_workload(view.interfaces[eni]) for eni in _fsx_enis(ids))


def test_near_miss_file_system_az_left_out() -> None:
    """Instances, S3 route and Session Manager endpoints in the second and third AZs; the file
    systems alone in the first private subnet. IFE002 on ssm, ssmmessages and ec2messages (medium,
    "where VPC … runs clients (private1)") was rule wrong, fixed: nothing there calls Systems
    Manager, and Lustre itself mounts across AZs ("Only resources within the associated VPC, or a
    peered VPC, can access your file system's network interface"). GWE001 on the first private
    subnet stays, and is right by the catalogue: it judges every private subnet's route table
    whatever runs there (a private subnet without the S3 route), not its workloads — advice here,
    since only the file systems sit in it."""
    snapshot, ids = _built(**FILE_SYSTEM_AZ_LEFT_OUT)
    assert audit(snapshot) == _put_to_use(ids) | {("GWE001", ids["private1"], "fail")}


def test_near_miss_guide_outbound_rules() -> None:
    """The file systems' groups with the guide's outbound rules alone (988 and 1018-1023 to
    themselves and the clients' group), as it says to add "If your security group doesn't allow
    all outbound traffic". SG005 (medium) calls each group's interfaces clients cut off from the
    Session Manager and S3 endpoints and proposed TCP 443 out: rule wrong, fixed — the data
    repository is FSx's own traffic (the ``AWSServiceRoleForFSxS3Access`` role), and the guide asks for no HTTPS
    rule. The layout is correct; only the clients' findings remain."""
    snapshot, ids = _built(fs_egress="lustre")
    assert audit(snapshot) == _put_to_use(ids)


