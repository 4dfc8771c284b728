"""Loading a file that is not a usable snapshot fails with the file and the field named, no traceback."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.jsonfile import SnapshotError, load, save, to_json
from vpcaudit.snapshot.model import (
    SCHEMA_VERSION,
    AccountSnapshot,
    Part,
    RegionSnapshot,
    ScopeStatus,
    Snapshot,
    State,
    normalised,
)


def sample() -> Snapshot:
    vpc = r.Vpc("vpc-1", "123456789012", ("10.0.0.0/16",), (), False, "default", "available",
                (r.Tag("Name", "prod"),), True, False)
    region = RegionSnapshot("us-east-1", (ScopeStatus(Part.VPCS, State.OK),), vpcs=(vpc,))
    return Snapshot(SCHEMA_VERSION, "0.1.0", "2026-01-01T00:00:00Z",
                    (AccountSnapshot("123456789012", (region,)),), {"regions": ["us-east-1"]})


def test_a_saved_snapshot_loads_back_equal(tmp_path: Path) -> None:
    path = tmp_path / "snap.json"
    save(sample(), path)
    assert load(path) == sample()
    assert not list(tmp_path.glob(".snap.json.*"))  # the atomic write left no temp file


# Each part a Region's snapshot gained after 1.1, with one record as its collector writes it.
LATER_PARTS = {
    Part.REDSHIFT_CLUSTERS: ("redshift_clusters", r.RedshiftCluster("analytics", "vpc-1", True, ("sg-1",),
                                                                    ("10.0.1.10",))),
    Part.MEMORYDB_CLUSTERS: ("memorydb_clusters", r.MemoryDBCluster("sessions", "cache", "vpc-1",
                                                                    ("subnet-1", "subnet-2"), ("sg-1",))),
    Part.DB_INSTANCES: ("db_instances", r.DBInstance("graph", "neptune", "vpc-1", ("subnet-1",), ("sg-1",))),
    Part.DATASYNC_TASKS: ("datasync_tasks", r.DataSyncTask("arn:aws:datasync:us-east-1:123456789012:task/task-1",
                                                           "AVAILABLE", ("eni-1", "eni-2"))),
    Part.MQ_BROKERS: ("mq_brokers", r.MqBroker("b-1", "ACTIVEMQ", "ACTIVE_STANDBY_MULTI_AZ", ("subnet-1", "subnet-2"),
                                               ("sg-1",), ("10.0.1.10", "10.0.2.10"))),
    Part.FIREHOSE_STREAMS: ("firehose_streams", r.FirehoseStream("search", (r.FirehoseVpcConfiguration(
        "vpc-1", ("subnet-1", "subnet-2"), ("sg-1",), "arn:aws:iam::123456789012:role/delivery"),))),
    Part.AVAILABILITY_ZONES: ("availability_zones", r.AvailabilityZone(
        "us-east-1-bos-1a", "use1-bos1-az1", "local-zone", "us-east-1-bos-1", "use1-az1", "us-east-1a", "opted-in")),
}


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
@pytest.mark.parametrize("part", list(LATER_PARTS), ids=[p.value for p in LATER_PARTS])
def test_a_snapshot_from_before_a_later_part_loads_without_it(tmp_path: Path, part: Part, version: str) -> None:
    """A file written before the part was collected (1.0, 1.1, or 1.2 before it was added) has
    neither its field nor its status: it loads unchanged, the part not collected — the network view
    then reads the interfaces as it did before (a Redshift node a client of what Redshift calls, a
    DB instance's of what every engine calls, a MemoryDB node's, a DataSync task's or a Firehose
    stream's a client of every service, a broker's interface a workload, a zone by its name). A
    file written now keeps the part's records."""
    field, record = LATER_PARTS[part]
    snapshot = sample()
    (region,) = snapshot.accounts[0].regions
    region = replace(region, status=(*region.status, ScopeStatus(part, State.OK)), **{field: (record,)})
    snapshot = replace(snapshot, accounts=(replace(snapshot.accounts[0], regions=(region,)),))
    save(snapshot, tmp_path / "now.json")
    assert load(tmp_path / "now.json") == normalised(snapshot)
    data = json.loads(to_json(sample()))
    del data["accounts"][0]["regions"][0][field]
    data["schema_version"] = version
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    loaded = load(path)
    (old,) = loaded.accounts[0].regions
    assert getattr(old, field) == () and old.state_of(part).state is State.SKIPPED
    assert replace(loaded, schema_version=SCHEMA_VERSION) == sample()


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_resolver_rules_from_before_their_targets_load_with_the_targets_not_recorded(tmp_path: Path,
                                                                                      version: str) -> None:
    """A file written before rules' targets, outbound endpoint and owner were recorded (1.0, 1.1, or
    1.2 before they were added) loads with ``target_ips`` None — not recorded, unlike a rule listed
    without targets (``()``) — and a file written now keeps them, IPv6 and an absent port included."""
    forward = r.ResolverRuleAssociation(
        "rslvr-rr-1", "vpc-1", "amazonaws.com", "FORWARD", "COMPLETE",
        (r.ResolverTarget(ip="10.1.0.10", port=53), r.ResolverTarget(ipv6="2001:db8::10")), "rslvr-out-1",
        "210987654321")
    system = replace(forward, resolver_rule_id="rslvr-rr-2", rule_type="SYSTEM", target_ips=(),
                     resolver_endpoint_id="", owner_id="123456789012")
    snapshot = sample()
    (region,) = snapshot.accounts[0].regions
    snapshot = replace(snapshot, accounts=(replace(snapshot.accounts[0], regions=(
        replace(region, resolver_rules=(forward, system)),)),))
    path = tmp_path / "new.json"
    save(snapshot, path)
    assert load(path) == snapshot
    data = json.loads(to_json(snapshot))
    for rule in data["accounts"][0]["regions"][0]["resolver_rules"]:
        for field in ("target_ips", "resolver_endpoint_id", "owner_id"):
            del rule[field]
    data["schema_version"] = version
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    loaded = load(path).accounts[0].regions[0].resolver_rules
    assert [(a.resolver_rule_id, a.target_ips, a.resolver_endpoint_id, a.owner_id) for a in loaded] == [
        ("rslvr-rr-1", None, "", ""), ("rslvr-rr-2", None, "", "")]


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_interfaces_from_before_their_public_addresses_load_with_them_not_recorded(tmp_path: Path,
                                                                                   version: str) -> None:
    """A file written before interfaces' public addresses were recorded (1.0, 1.1, or 1.2 before
    they were added) loads with ``public_ip_addresses`` None — not recorded, unlike an interface
    listed without any (``()``) — and a file written now keeps both."""
    endpoint = r.NetworkInterface("eni-1", "vpc_endpoint", True, None, "VPC Endpoint Interface vpce-1", "vpc-1",
                                  "subnet-1", "us-east-1a", "use1-az1", ("sg-1",), ("10.0.0.10",), (), "in-use",
                                  None, (), ("198.51.100.10",))
    internal = replace(endpoint, network_interface_id="eni-2", public_ip_addresses=())
    snapshot = sample()
    (region,) = snapshot.accounts[0].regions
    snapshot = replace(snapshot, accounts=(replace(snapshot.accounts[0], regions=(
        replace(region, network_interfaces=(endpoint, internal)),)),))
    path = tmp_path / "new.json"
    save(snapshot, path)
    assert load(path) == snapshot
    data = json.loads(to_json(snapshot))
    for eni in data["accounts"][0]["regions"][0]["network_interfaces"]:
        del eni["public_ip_addresses"]
    data["schema_version"] = version
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    loaded = load(path).accounts[0].regions[0].network_interfaces
    assert [(i.network_interface_id, i.public_ip_addresses) for i in loaded] == [("eni-1", None), ("eni-2", None)]


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_interfaces_from_before_their_source_dest_check_load_with_it_not_recorded(tmp_path: Path,
                                                                                   version: str) -> None:
    """A file written before interfaces' source/destination checking was recorded (1.0, 1.1, or
    1.2 before it was added) loads with ``source_dest_check`` None — not recorded, neither on nor
    off — and a file written now keeps both values."""
    nat = r.NetworkInterface("eni-1", "interface", False, None, "nat instance", "vpc-1", "subnet-1", "us-east-1a",
                             "use1-az1", ("sg-1",), ("10.0.0.10",), (), "in-use", "i-1", (), ("198.51.100.10",),
                             False)
    app = replace(nat, network_interface_id="eni-2", instance_id="i-2", public_ip_addresses=(), source_dest_check=True)
    snapshot = sample()
    (region,) = snapshot.accounts[0].regions
    snapshot = replace(snapshot, accounts=(replace(snapshot.accounts[0], regions=(
        replace(region, network_interfaces=(nat, app)),)),))
    path = tmp_path / "new.json"
    save(snapshot, path)
    assert load(path) == snapshot
    data = json.loads(to_json(snapshot))
    for eni in data["accounts"][0]["regions"][0]["network_interfaces"]:
        del eni["source_dest_check"]
    data["schema_version"] = version
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    loaded = load(path).accounts[0].regions[0].network_interfaces
    assert [(i.network_interface_id, i.source_dest_check) for i in loaded] == [("eni-1", None), ("eni-2", None)]


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_instance_routes_from_before_their_interface_load_with_it_not_recorded(tmp_path: Path,
                                                                              version: str) -> None:
    """A file written before an instance route's interface was recorded loads with
    ``network_interface_id`` None — not recorded — and a file written now keeps it."""
    routes = (r.Route("10.0.0.0/16", "ipv4", "local", "local", "active", "CreateRouteTable"),
              r.Route("0.0.0.0/0", "ipv4", "instance", "i-1", "active", "CreateRoute", "eni-1"))
    table = r.RouteTable("rtb-1", "vpc-1", "123456789012", routes, (), (), ())
    snapshot = sample()
    (region,) = snapshot.accounts[0].regions
    snapshot = replace(snapshot, accounts=(replace(snapshot.accounts[0], regions=(
        replace(region, route_tables=(table,)),)),))
    path = tmp_path / "new.json"
    save(snapshot, path)
    assert load(path) == snapshot
    data = json.loads(to_json(snapshot))
    for route in data["accounts"][0]["regions"][0]["route_tables"][0]["routes"]:
        del route["network_interface_id"]
    data["schema_version"] = version
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    (loaded,) = load(path).accounts[0].regions[0].route_tables
    assert [(x.target_id, x.network_interface_id) for x in loaded.routes] == [("local", None), ("i-1", None)]


def test_a_datasync_task_keeps_its_interfaces_as_ids() -> None:
    """DescribeTask's interface ARNs become the ids DescribeNetworkInterfaces gives; an ARN of
    anything else is not an interface's."""
    eni = "arn:aws:ec2:us-east-1:123456789012:network-interface/eni-0{}"
    task = r.DataSyncTask.from_api({
        "TaskArn": "arn:aws:datasync:us-east-1:123456789012:task/task-01", "Status": "AVAILABLE",
        "SourceNetworkInterfaceArns": [eni.format("b"), eni.format("a")],
        "DestinationNetworkInterfaceArns": [eni.format("a"), "arn:aws:ec2:us-east-1:123456789012:subnet/subnet-1"]})
    assert task.network_interface_ids == ("eni-0a", "eni-0b")
    assert r.DataSyncTask.from_api({"TaskArn": "t"}) == r.DataSyncTask("t", "", ())


def test_truncated_file(tmp_path: Path) -> None:
    path = tmp_path / "snap.json"
    text = to_json(sample())
    path.write_text(text[: len(text) // 2])
    with pytest.raises(SnapshotError, match=rf"^{path}: not valid JSON: .*truncated\)$"):
        load(path)


@pytest.mark.parametrize("content", ['{"accounts": []}', "[1, 2]", '"just a string"'])
def test_not_a_snapshot(tmp_path: Path, content: str) -> None:
    path = tmp_path / "other.json"
    path.write_text(content)
    with pytest.raises(SnapshotError, match=rf"^{path}: not a vpcaudit snapshot .*'schema_version'"):
        load(path)


def test_other_major_schema_version(tmp_path: Path) -> None:
    data = json.loads(to_json(sample()))
    data["schema_version"] = "2.0"
    path = tmp_path / "future.json"
    path.write_text(json.dumps(data))
    with pytest.raises(SnapshotError, match=rf"^{path}: field 'schema_version' is '2.0'"):
        load(path)


def test_wrong_field_type_names_the_field(tmp_path: Path) -> None:
    data = json.loads(to_json(sample()))
    data["accounts"][0]["regions"][0]["vpcs"][0]["is_default"] = "no"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(SnapshotError, match=rf"^{path}: field '\$\.accounts\[0\]\.regions\[0\]\.vpcs\[0\]\.is_default' "
                                            "expected bool, got str"):
        load(path)


def test_unknown_state_names_the_field(tmp_path: Path) -> None:
    data = json.loads(to_json(sample()))
    data["accounts"][0]["regions"][0]["status"][0]["state"] = "maybe"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(SnapshotError, match=r"status\[0\]\.state' unknown value 'maybe'"):
        load(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match="no such file"):
        load(tmp_path / "absent.json")


def test_an_interface_keeps_its_carrier_addresses_apart_from_its_public_ones(tmp_path: Path) -> None:
    """``Association.CarrierIp`` (a Wavelength interface's carrier address) is kept beside
    ``PublicIp``, from the primary address's association and each secondary one's, each once; a
    file written before it was recorded loads with ``carrier_ip_addresses`` None, not ``()``."""
    item = {"NetworkInterfaceId": "eni-1", "InterfaceType": "interface", "VpcId": "vpc-1", "SubnetId": "subnet-1",
            "PrivateIpAddress": "10.0.3.10", "Association": {"CarrierIp": "155.146.10.25"},
            "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.3.10", "Primary": True,
                                    "Association": {"CarrierIp": "155.146.10.25"}},
                                   {"PrivateIpAddress": "10.0.3.11", "Association": {"CarrierIp": "155.146.10.26"}}]}
    eni = r.NetworkInterface.from_api(item)
    assert (eni.public_ip_addresses, eni.carrier_ip_addresses) == ((), ("155.146.10.25", "155.146.10.26"))
    snapshot = sample()
    (region,) = snapshot.accounts[0].regions
    snapshot = replace(snapshot, accounts=(replace(snapshot.accounts[0], regions=(
        replace(region, network_interfaces=(eni,)),)),))
    data = json.loads(to_json(snapshot))
    (written,) = data["accounts"][0]["regions"][0]["network_interfaces"]
    assert written["carrier_ip_addresses"] == ["155.146.10.25", "155.146.10.26"]
    del written["carrier_ip_addresses"]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    (loaded,) = load(path).accounts[0].regions[0].network_interfaces
    assert loaded.carrier_ip_addresses is None
