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


def test_a_snapshot_from_before_redshift_clusters_loads_without_them(tmp_path: Path) -> None:
    """A 1.1 file (written before Redshift clusters were collected) has neither their field nor their
    status: it loads unchanged, the part not collected — the network view then keeps every Redshift
    node's interface a client of what Redshift calls."""
    data = json.loads(to_json(sample()))
    del data["accounts"][0]["regions"][0]["redshift_clusters"]
    data["schema_version"] = "1.1"
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    loaded = load(path)
    (region,) = loaded.accounts[0].regions
    assert region.redshift_clusters == () and region.state_of(Part.REDSHIFT_CLUSTERS).state is State.SKIPPED
    assert replace(loaded, schema_version=SCHEMA_VERSION) == sample()


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_a_snapshot_from_before_memorydb_clusters_loads_without_them(tmp_path: Path, version: str) -> None:
    """A file written before MemoryDB clusters were collected (1.0, 1.1, or 1.2 before they were
    added) has neither their field nor their status: it loads with the part not collected — the
    network view then keeps every MemoryDB node's interface a client of every service. A file with
    them loads them back."""
    cluster = r.MemoryDBCluster("sessions", "cache", "vpc-1", ("subnet-1", "subnet-2"), ("sg-1",))
    base = sample()
    region = replace(base.accounts[0].regions[0], memorydb_clusters=(cluster,), status=(
        ScopeStatus(Part.MEMORYDB_CLUSTERS, State.OK), *base.accounts[0].regions[0].status))  # saved sorted
    full = replace(base, accounts=(replace(base.accounts[0], regions=(region,)),))
    path = tmp_path / "new.json"
    save(full, path)
    assert load(path) == full
    data = json.loads(to_json(full))
    del data["accounts"][0]["regions"][0]["memorydb_clusters"]
    data["accounts"][0]["regions"][0]["status"] = [s for s in data["accounts"][0]["regions"][0]["status"]
                                                  if s["part"] != Part.MEMORYDB_CLUSTERS.value]
    data["schema_version"] = version
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    loaded = load(path)
    (old,) = loaded.accounts[0].regions
    assert old.memorydb_clusters == () and old.state_of(Part.MEMORYDB_CLUSTERS).state is State.SKIPPED
    assert replace(loaded, schema_version=SCHEMA_VERSION) == base


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_a_snapshot_from_before_mq_brokers_loads_without_them(tmp_path: Path, version: str) -> None:
    """A file written before Amazon MQ brokers were collected (1.0, 1.1, or 1.2 before they were
    added) has neither their field nor their status: it loads, the part not collected — the network
    view then keeps every broker interface a workload, as before."""
    data = json.loads(to_json(sample()))
    del data["accounts"][0]["regions"][0]["mq_brokers"]
    data["schema_version"] = version
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    loaded = load(path)
    (region,) = loaded.accounts[0].regions
    assert region.mq_brokers == () and region.state_of(Part.MQ_BROKERS).state is State.SKIPPED
    assert replace(loaded, schema_version=SCHEMA_VERSION) == sample()


def test_a_saved_snapshot_keeps_its_mq_brokers(tmp_path: Path) -> None:
    broker = r.MqBroker("b-1", "ACTIVEMQ", "ACTIVE_STANDBY_MULTI_AZ", ("subnet-1", "subnet-2"), ("sg-1",),
                        ("10.0.1.10", "10.0.2.10"))
    snapshot = sample()
    (region,) = snapshot.accounts[0].regions
    region = replace(region, status=(*region.status, ScopeStatus(Part.MQ_BROKERS, State.OK)), mq_brokers=(broker,))
    snapshot = replace(snapshot, accounts=(replace(snapshot.accounts[0], regions=(region,)),))
    path = tmp_path / "snap.json"
    save(snapshot, path)
    (loaded,) = load(path).accounts[0].regions
    assert loaded.mq_brokers == (broker,) and loaded.has(Part.MQ_BROKERS)


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_a_snapshot_from_before_firehose_streams_loads_without_them(tmp_path: Path, version: str) -> None:
    """A file written before Firehose streams were collected (1.0, 1.1, or 1.2 before they were
    added) has neither their field nor their status: it loads unchanged, the part not collected —
    the network view then keeps every stream's interface a client of every AWS service. A file
    written now keeps the streams and their destinations' VPC configurations."""
    stream = r.FirehoseStream("search", (r.FirehoseVpcConfiguration(
        "vpc-1", ("subnet-1", "subnet-2"), ("sg-1",), "arn:aws:iam::123456789012:role/delivery"),))
    snapshot = sample()
    (region,) = snapshot.accounts[0].regions
    region = replace(region, status=(*region.status, ScopeStatus(Part.FIREHOSE_STREAMS, State.OK)),
                     firehose_streams=(stream,))
    snapshot = replace(snapshot, accounts=(replace(snapshot.accounts[0], regions=(region,)),))
    save(snapshot, tmp_path / "now.json")
    assert load(tmp_path / "now.json") == normalised(snapshot)
    data = json.loads(to_json(sample()))
    del data["accounts"][0]["regions"][0]["firehose_streams"]
    data["schema_version"] = version
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    loaded = load(path)
    (region,) = loaded.accounts[0].regions
    assert region.firehose_streams == () and region.state_of(Part.FIREHOSE_STREAMS).state is State.SKIPPED
    assert replace(loaded, schema_version=SCHEMA_VERSION) == sample()


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_a_snapshot_from_before_availability_zones_loads_without_them(tmp_path: Path, version: str) -> None:
    """A file written before the Region's zones were collected (1.0, 1.1, or 1.2 before they were
    added) has neither their field nor their status: it loads unchanged, the part not collected —
    the network view then reads a zone by its name. A file written now keeps every zone with its
    type, network border group, parent and opt-in status."""
    zones = (r.AvailabilityZone("us-east-1a", "use1-az1", "availability-zone", "us-east-1", None, None,
                                "opt-in-not-required"),
             r.AvailabilityZone("us-east-1-bos-1a", "use1-bos1-az1", "local-zone", "us-east-1-bos-1", "use1-az1",
                                "us-east-1a", "opted-in"))
    snapshot = sample()
    (region,) = snapshot.accounts[0].regions
    region = replace(region, status=(*region.status, ScopeStatus(Part.AVAILABILITY_ZONES, State.OK)),
                     availability_zones=zones)
    snapshot = replace(snapshot, accounts=(replace(snapshot.accounts[0], regions=(region,)),))
    save(snapshot, tmp_path / "now.json")
    assert load(tmp_path / "now.json") == normalised(snapshot)
    data = json.loads(to_json(sample()))
    del data["accounts"][0]["regions"][0]["availability_zones"]
    data["schema_version"] = version
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    loaded = load(path)
    (region,) = loaded.accounts[0].regions
    assert region.availability_zones == () and region.state_of(Part.AVAILABILITY_ZONES).state is State.SKIPPED
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


def test_a_snapshot_without_db_instances_loads_without_them(tmp_path: Path) -> None:
    """A file written before DB instances were collected (1.0 to 1.2) has neither their field nor
    their status: it loads unchanged, the part not collected — the network view then keeps every
    DB instance's interface a client of what every engine calls."""
    data = json.loads(to_json(sample()))
    del data["accounts"][0]["regions"][0]["db_instances"]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    loaded = load(path)
    (region,) = loaded.accounts[0].regions
    assert region.db_instances == () and region.state_of(Part.DB_INSTANCES).state is State.SKIPPED
    assert loaded == sample()


def test_a_snapshot_from_before_datasync_tasks_loads_without_them(tmp_path: Path) -> None:
    """A 1.2 file written before DataSync tasks were collected has neither their field nor their
    status: it loads unchanged, the part not collected — the network view then keeps every
    interface DataSync created a client, as before."""
    data = json.loads(to_json(sample()))
    del data["accounts"][0]["regions"][0]["datasync_tasks"]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    (region,) = load(path).accounts[0].regions
    assert region.datasync_tasks == () and region.state_of(Part.DATASYNC_TASKS).state is State.SKIPPED
    assert load(path) == sample()


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
