"""An Amazon FSx for OpenZFS file system (Multi-AZ, or Single-AZ) in private subnets, mounted over
NFS by EC2 instances of the same VPC, with an ``fsx`` API interface endpoint (FSx for OpenZFS User
Guide, "File system access control with Amazon VPC"; FSx API ``CreateFileSystemOpenZFSConfiguration``):
every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

import ipaddress
from functools import cache

from aws_layout import audit, region_view, severities
from layouts import fsx_openzfs_clients
from layouts.fsx_openzfs_clients import ENDPOINT_RANGE, FILE_SYSTEM, FSX_TAG, VPC_CIDR

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
SINGLE_AZ = {"multi_az": False}
TCP_2049_ONLY = {"nfs_ports": "tcp2049"}
CLIENT_TABLE_NOT_LISTED = {"route_table_azs": (1,)}
WORLD_NFS = {"world_nfs": True}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return fsx_openzfs_clients.build(**options)  # type: ignore[arg-type]


def _groups(snapshot: Snapshot) -> dict[str, r.SecurityGroup]:
    return {g.group_id: g for g in snapshot.accounts[0].regions[0].security_groups}


def _tables(snapshot: Snapshot) -> dict[str, r.RouteTable]:
    return {t.route_table_id: t for t in snapshot.accounts[0].regions[0].route_tables}


def _fsx_routes(snapshot: Snapshot, table_id: str) -> list[r.Route]:
    return [x for x in _tables(snapshot)[table_id].routes if x.destination == ENDPOINT_RANGE]


def _ingress(snapshot: Snapshot, group_id: str) -> set[tuple[str, int | None, int | None, str | None]]:
    return {(x.ip_protocol, x.from_port, x.to_port, x.referenced_group_id or x.cidr_ipv4)
            for x in _groups(snapshot)[group_id].rules if not x.is_egress}


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: nothing in the layout creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _fsx_endpoint_policy(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the ``fsx`` endpoint keeps AWS's default full-access policy; the
    guide offers an endpoint policy "To control access to the Amazon FSx API" (principal, actions,
    resources)."""
    return {("POL001", ids["fsx"], "fail")}


def _baseline(ids: dict[str, str]) -> Triples:
    return _flow_logs(ids) | _fsx_endpoint_policy(ids)


def test_the_routes_and_interfaces_as_aws_reports_them() -> None:
    """The endpoint range is a /28 of the VPC's block that overlaps no subnet (the API's default);
    each listed table carries one route for it to the preferred server's interface (``eni``
    target), ``active``, made by ``CreateRoute``, beside the local route it is more specific than;
    the two file servers' interfaces, one per subnet, tagged with the file system and on no
    instance, are no workload; the clients are."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    endpoint_range = ipaddress.ip_network(ENDPOINT_RANGE)
    assert endpoint_range.prefixlen == 28 and endpoint_range.subnet_of(ipaddress.ip_network(VPC_CIDR))
    assert not any(endpoint_range.overlaps(ipaddress.ip_network(s.cidr_block or "")) for s in region.subnets)
    for k in (1, 2):
        table_id = ids[f"private_rt{k}"]
        assert [(x.target_kind, x.target_id, x.state, x.origin) for x in _fsx_routes(snapshot, table_id)] \
            == [("eni", ids["preferred_eni"], "active", "CreateRoute")]
        assert [x.destination for x in _tables(snapshot)[table_id].routes if x.target_kind == "local"] == [VPC_CIDR]
    view = region_view(snapshot)
    servers = [view.interfaces[ids[f"{role}_eni"]] for role in ("preferred", "standby")]
    assert [e.subnet_id for e in servers] == [ids["private1"], ids["private2"]]
    assert {(e.interface_type, e.instance_id, r.tag_value(e.tags, FSX_TAG), e.group_ids) for e in servers} \
        == {("interface", None, FILE_SYSTEM, (ids["fs_sg"],))}
    assert not any(view.is_workload(e) for e in servers)
    assert {e.network_interface_id for e in view.workload_enis(ids["vpc"])} == {ids["client1"], ids["client2"]}


def test_the_file_system_group_is_the_guides() -> None:
    """``openzfs-fs`` admits TCP and UDP 111, 2049 and 20001-20003 from the clients' group and
    nothing else, as the guide's table has it."""
    snapshot, ids = _built()
    assert _ingress(snapshot, ids["fs_sg"]) == {
        (protocol, low, high, ids["client_sg"]) for protocol in ("tcp", "udp")
        for low, high in ((111, 111), (2049, 2049), (20001, 20003))}


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001 and POL001 on ``fsx``. Silent, rightly: SG001-SG006 on
    ``fsx-api-endpoint`` (TCP 443 from the clients' group, the clients' egress open), IFE001/IFE002
    (the endpoint in both client AZs; the file servers are no clients), IFE003-IFE006, DNS001-DNS003
    (DNS on, private DNS on), NAT006 (the FSx route is for the endpoint range, not 0.0.0.0/0, so the
    interfaces' ``SourceDestCheck`` off is no NAT instance), RT001 (routes active, interface
    present), the NAT and gateway-endpoint rules (no way out, none needed), ACL001 (default NACL)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)
    assert {k[0]: v for k, v in severities(snapshot).items()} == {"MON001": "medium", "POL001": "medium"}


def test_the_endpoint_range_is_not_read_as_an_appliance_or_an_exit() -> None:
    """The route to a file server's interface for a range inside the VPC's block is neither a
    middlebox nor a way out: each subnet's egress class stays ``none`` and no traffic path goes to
    an ``appliance``. Right: the floating addresses are the file system's own endpoints."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    for k in (1, 2):
        assert view.egress(ids[f"private{k}"]).klass == "none"
    assert {p.kind for p in view.traffic_paths() if p.destination in ("s3", "dynamodb", "internet")} == {"none"}


def test_single_az_form() -> None:
    """``SINGLE_AZ_2`` in ``private1``: one interface, no endpoint range, no FSx route; the client
    in ``private2`` mounts across AZs. The canonical audit: nothing about the file system, and
    rightly — "You can access your FSx for OpenZFS file system from anywhere in the same VPC …
    regardless of the Availability Zone" (Accessing your data within the AWS Cloud); a single AZ
    is the deployment type's documented trade-off, not a network fault."""
    snapshot, ids = _built(**SINGLE_AZ)
    assert audit(snapshot) == _baseline(ids)
    assert "standby_eni" not in ids
    assert all(_fsx_routes(snapshot, ids[f"private_rt{k}"]) == [] for k in (1, 2))
    assert not region_view(snapshot).is_workload(region_view(snapshot).interfaces[ids["preferred_eni"]])


def test_near_miss_tcp_2049_only() -> None:
    """``openzfs-fs`` admits TCP 2049 alone: NFSv4.x clients mount, NFSv3 clients cannot (rpcbind
    on 111, mount, status monitor and lock daemon on 20001-20003, TCP and UDP, are refused). A gap,
    pinned: the audit is the canonical one. No rule judges a file system's group (SG001-SG006 judge
    endpoint groups), and the snapshot does not say which NFS version the clients mount with; the
    guide supports v3 and lists all three port sets, so a finding would be advice at most."""
    snapshot, ids = _built(**TCP_2049_ONLY)
    assert audit(snapshot) == _baseline(ids)
    assert _ingress(snapshot, ids["fs_sg"]) == {("tcp", 2049, 2049, ids["client_sg"])}


def test_near_miss_client_table_not_listed() -> None:
    """``RouteTableIds`` names ``private1``'s table alone: in ``private2`` the endpoint range falls
    to the local route (it lies inside the VPC's block), where no interface owns the floating
    address, so the client cannot mount — the API: "You should specify all … route tables
    associated with the subnets in which your clients are located". A gap, pinned: the audit is the
    canonical one. Unlike FSx for ONTAP's default range, this one is inside the VPC's block, so the
    missing route leaves no unrouted destination either: a rule would have to compare the tables of
    subnets whose workloads the file servers' group admits with the FSx route (to an interface
    tagged ``AmazonFSx.FileSystemId``) of another table."""
    snapshot, ids = _built(**CLIENT_TABLE_NOT_LISTED)
    assert audit(snapshot) == _baseline(ids)
    assert _fsx_routes(snapshot, ids["private_rt2"]) == []
    assert len(_fsx_routes(snapshot, ids["private_rt1"])) == 1


def test_near_miss_file_system_group_open_to_the_world() -> None:
    """``openzfs-fs`` also admits TCP 2049 from 0.0.0.0/0. A gap, pinned: the audit is the canonical
    one. SG001 and SG004 judge only groups of interface endpoints; the file system's group is none.
    FSx keeps the file system off the internet (it detaches Elastic IPs, and the VPC has no internet
    gateway), so the rule opens NFS to every address inside the VPC and anything later routed to it
    — what Security Hub's EC2.18 (unrestricted inbound only for authorised ports) would flag, where
    the guide asks for the clients alone."""
    snapshot, ids = _built(**WORLD_NFS)
    assert audit(snapshot) == _baseline(ids)
    assert ("tcp", 2049, 2049, "0.0.0.0/0") in _ingress(snapshot, ids["fs_sg"])
    assert not any(ids["fs_sg"] in e.group_ids for e in snapshot.accounts[0].regions[0].network_interfaces
                   if e.interface_type == "vpc_endpoint")
