"""An Amazon FSx for NetApp ONTAP Multi-AZ file system whose endpoint IP address range (outside the
VPC's CIDR) FSx routes to the active file server's interface, mounted by NFS/SMB clients in both
private subnets (FSx API ``CreateFileSystemOntapConfiguration``, FSx for ONTAP User Guide): every
finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, region_view, severities
from layouts import fsx_ontap_multi_az
from layouts.fsx_ontap_multi_az import ENDPOINT_RANGE, FILE_SYSTEM, FSX_TAG

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
CLIENT_TABLE_NOT_LISTED = {"route_table_azs": (1,)}
FAILED_OVER = {"failed_over": True}
DELETED = {"deleted": True}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return fsx_ontap_multi_az.build(**options)  # type: ignore[arg-type]


def _tables(snapshot: Snapshot) -> dict[str, r.RouteTable]:
    return {t.route_table_id: t for t in snapshot.accounts[0].regions[0].route_tables}


def _fsx_routes(snapshot: Snapshot, table_id: str) -> list[r.Route]:
    return [x for x in _tables(snapshot)[table_id].routes if x.destination == ENDPOINT_RANGE]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: nothing in the layout creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _leftover_routes(ids: dict[str, str]) -> Triples:
    """Right, medium (not a default or service prefix-list route): each private table keeps
    ``198.19.255.0/24`` to the deleted preferred server's interface, ``blackhole``. Traffic to the
    range is dropped rather than falling back to a less specific route, and nothing serves it."""
    return {("RT001", ids["private_rt1"], "fail"), ("RT001", ids["private_rt2"], "fail")}


def test_the_routes_and_interfaces_as_aws_reports_them() -> None:
    """Each listed table carries one route for the endpoint range to the preferred server's
    interface (``eni`` target, no instance listed beside it), ``active``, made by ``CreateRoute``,
    the table tagged ``AmazonFSx: ManagedByAmazonFSx``; the two file servers' interfaces, one per
    subnet, tagged with the file system and on no instance, are no workload; the clients are."""
    snapshot, ids = _built()
    tables = _tables(snapshot)
    for k in (1, 2):
        table_id = ids[f"private_rt{k}"]
        assert [(x.target_kind, x.target_id, x.network_interface_id, x.state, x.origin)
                for x in _fsx_routes(snapshot, table_id)] == [("eni", ids["preferred_eni"], None, "active",
                                                                  "CreateRoute")]
        assert r.tag_value(tables[table_id].tags, "AmazonFSx") == "ManagedByAmazonFSx"
    view = region_view(snapshot)
    servers = [view.interfaces[ids[f"{role}_eni"]] for role in ("preferred", "standby")]
    assert [e.subnet_id for e in servers] == [ids["private1"], ids["private2"]]
    assert {(e.interface_type, e.instance_id, r.tag_value(e.tags, FSX_TAG)) for e in servers} \
        == {("interface", None, FILE_SYSTEM)}
    assert not any(view.is_workload(e) for e in servers)
    assert {e.network_interface_id for e in view.workload_enis(ids["vpc"])} == {ids["client1"], ids["client2"]}


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001 alone. Silent, rightly: NAT006 (it reads only active 0.0.0.0/0
    routes to an instance or interface; the FSx route names an interface for the endpoint range
    alone, which is no NAT instance, so its ``SourceDestCheck`` off is no finding either), RT001
    (the route is active and its interface exists), the NAT and gateway-endpoint rules (no route
    beyond the VPC; the clients mount inside it), every endpoint, SG and DNS rule (no endpoint)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _flow_logs(ids)
    assert {k for k in severities(snapshot) if k[0] == "MON001"} == {("MON001", ids["vpc"], "")}


def test_the_endpoint_range_is_not_read_as_an_appliance_or_an_exit() -> None:
    """The route to the file server's interface for an address range outside the VPC's block is
    not taken for a middlebox or a way out: each subnet's egress class stays ``none`` (its
    0.0.0.0/0 is absent; only a default route to an interface is read as a NAT instance), and no
    traffic path (S3, DynamoDB, internet) goes to an ``appliance``. Right: the floating addresses
    are the file system's own endpoints, reached inside the VPC."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    for k in (1, 2):
        assert view.egress(ids[f"private{k}"]).klass == "none"
    kinds = {(p.destination, p.kind, p.target_id) for p in view.traffic_paths()}
    assert kinds == {("s3", "none", None), ("dynamodb", "none", None), ("internet", "none", None)}


def test_near_miss_client_table_not_listed() -> None:
    """``RouteTableIds`` names ``private1``'s table alone: the client in ``private2`` has no route
    to ``198.19.255.0/24`` (its table has the local route only, and the range is outside the VPC's
    block), so it cannot mount — the API: "You should specify all … route tables associated with
    the subnets in which your clients are located". A gap, pinned: the audit is the canonical one.
    The snapshot holds neither the file system nor its ``RouteTableIds``; a rule could only infer
    the range from the other table's FSx route and the clients from the file servers' group."""
    snapshot, ids = _built(**CLIENT_TABLE_NOT_LISTED)
    assert audit(snapshot) == _flow_logs(ids)
    assert _fsx_routes(snapshot, ids["private_rt2"]) == []
    assert len(_fsx_routes(snapshot, ids["private_rt1"])) == 1


def test_near_miss_after_failover() -> None:
    """After a failover the routes name the standby server's interface in ``private2``: still
    active, still an existing interface. Silent, rightly: RT001 judges the route's state and
    target, both alive, and clients in ``private1`` reaching the server across AZs is the Multi-AZ
    design, not a fault."""
    snapshot, ids = _built(**FAILED_OVER)
    assert audit(snapshot) == _flow_logs(ids)
    assert {x.target_id for k in (1, 2) for x in _fsx_routes(snapshot, ids[f"private_rt{k}"])} \
        == {ids["standby_eni"]}


def test_near_miss_file_system_deleted_routes_left() -> None:
    """The file system deleted, its interfaces gone, its routes left ``blackhole`` in both private
    tables: RT001 on each, medium."""
    snapshot, ids = _built(**DELETED)
    assert audit(snapshot) == _flow_logs(ids) | _leftover_routes(ids)
    assert {v for k, v in severities(snapshot).items() if k[0] == "RT001"} == {"medium"}
