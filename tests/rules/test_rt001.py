"""RT001 route-blackhole."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from builders import REGION, RegionBuilder, standard_vpc
from rulecheck import findings, fix_of, triples

from vpcaudit.rules.rt.rt001_route_blackhole import route_blackhole as rule
from vpcaudit.snapshot.model import Part, Snapshot

ID = "RT001"
# (route table id, status, severity of a failing finding or None)
Expected = set[tuple[str, str, str | None]]
Case = Callable[[], tuple[Snapshot, Expected]]


def _vpc() -> tuple[RegionBuilder, str, str]:
    b = RegionBuilder()
    vpc = b.vpc()
    return b, vpc, b.subnet(vpc, "10.0.1.0/24", az=1)


def _table_route(destination: str, target: str, *, state: str = "active", with_subnet: bool = True,
                 severity: str | None = "high") -> Case:
    """One route table (with or without the subnet) holding one route; ``severity`` None: no finding."""
    def build() -> tuple[Snapshot, Expected]:
        b, vpc, subnet = _vpc()
        table = b.route_table(vpc, subnets=[subnet] if with_subnet else [])
        b.route(table, destination, target, state=state)
        return b.snapshot(), {(table, "fail", severity)} if severity else set()
    return build


def _healthy() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    ids = standard_vpc(b)
    b.gateway_endpoint(ids["vpc"], "s3", route_tables=ids["private_rt"])
    return b.snapshot(), set()


def _s3_route(state: str, *, main: bool, implicit_subnet: bool = True, severity: str = "high") -> Case:
    def build() -> tuple[Snapshot, Expected]:
        b, vpc, subnet = _vpc()
        if main:
            table = b.main_route_table(vpc)
            if not implicit_subnet:
                b.route_table(vpc, subnets=[subnet])
        else:
            table = b.route_table(vpc, subnets=[subnet])
        endpoint = b.gateway_endpoint(vpc, "s3", route_tables=[table], state=state)
        if state == "available":  # the endpoint is fine, its route was marked blackhole
            t = b.route_tables[table]
            b.route_tables[table] = replace(t, routes=tuple(
                replace(x, state="blackhole") if x.target_id == endpoint else x for x in t.routes))
        return b.snapshot(), {(table, "fail", severity)}
    return build


def _nat_route(state: str | None, severity: str | None = "high") -> Case:
    """An active default route to a NAT gateway in ``state`` (None: the NAT gateway is gone)."""
    def build() -> tuple[Snapshot, Expected]:
        b, vpc, subnet = _vpc()
        nat = b.nat(subnet, state=state or "available")
        if state is None:
            del b.nats[nat]
        table = b.route_table(vpc, subnets=[subnet], routes={"0.0.0.0/0": nat})
        return b.snapshot(), {(table, "fail", severity)} if severity else set()
    return build


def _eni_route(exists: bool) -> Case:
    def build() -> tuple[Snapshot, Expected]:
        b, vpc, subnet = _vpc()
        eni = b.workload(subnet) if exists else "eni-0gone"
        table = b.route_table(vpc, subnets=[subnet], routes={"192.168.0.0/16": eni})
        return b.snapshot(), set() if exists else {(table, "fail", "medium")}
    return build


def _instance_route(exists: bool) -> Case:
    def build() -> tuple[Snapshot, Expected]:
        b, vpc, subnet = _vpc()
        eni = b.workload(subnet)
        if exists:
            b.enis[eni] = replace(b.enis[eni], instance_id="i-0123456789abcdef0")
        table = b.route_table(vpc, subnets=[subnet], routes={"0.0.0.0/0": "i-0123456789abcdef0"})
        return b.snapshot(), set() if exists else {(table, "fail", "high")}
    return build


def _deleted_firewall_endpoint() -> tuple[Snapshot, Expected]:
    b, vpc, subnet = _vpc()
    fw = b.interface_endpoint(vpc, "fw", subnets=[subnet], endpoint_type="GatewayLoadBalancer", state="deleted",
                              service_name=f"com.amazonaws.vpce.{REGION}.vpce-svc-0123456789abcdef0")
    table = b.route_table(vpc, subnets=[subnet], routes={"0.0.0.0/0": fw})
    return b.snapshot(), {(table, "fail", "high")}


def _main_table_without_implicit_subnets() -> tuple[Snapshot, Expected]:
    b, vpc, subnet = _vpc()
    b.route_table(vpc, subnets=[subnet])  # the only subnet is explicit elsewhere
    main = b.main_route_table(vpc)
    b.route(main, "0.0.0.0/0", "nat-0gone", state="blackhole")
    return b.snapshot(), {(main, "fail", "medium")}


def _table_of_another_account() -> tuple[Snapshot, Expected]:
    b, vpc, subnet = _vpc()
    table = b.route_table(vpc, subnets=[subnet], routes={"0.0.0.0/0": "nat-0theirs", "10.9.0.0/16": "tgw-1"})
    b.route(table, "172.16.0.0/12", "pcx-1", state="blackhole")
    b.route_tables[table] = replace(b.route_tables[table], owner_id="222222222222")
    return b.snapshot(), {(table, "not_evaluated", None), (table, "fail", "medium")}


CASES: list[tuple[str, Case]] = [
    ("healthy VPC", _healthy),
    ("blackhole default route of a used table", _table_route("0.0.0.0/0", "nat-0gone", state="blackhole")),
    ("blackhole IPv6 default route", _table_route("::/0", "eigw-0gone", state="blackhole")),
    ("blackhole default route of an unused table",
     _table_route("0.0.0.0/0", "nat-0gone", state="blackhole", with_subnet=False, severity="medium")),
    ("blackhole specific route", _table_route("10.9.0.0/16", "tgw-0gone", state="blackhole", severity="medium")),
    ("filtered route", _table_route("10.9.0.0/16", "tgw-1", state="filtered", severity="medium")),
    ("active transit gateway route is judged by state only", _table_route("10.9.0.0/16", "tgw-1", severity=None)),
    ("active peering route is judged by state only", _table_route("172.16.0.0/12", "pcx-1", severity=None)),
    ("blackhole S3 prefix-list route", _s3_route("available", main=False)),
    ("blackhole S3 route of the main table with implicit subnets", _s3_route("available", main=True)),
    ("S3 route of a main table nobody uses",
     _s3_route("available", main=True, implicit_subnet=False, severity="medium")),
    ("active route to a deleted gateway endpoint", _s3_route("deleted", main=False)),
    ("active route to a NAT gateway that is gone", _nat_route(None)),
    ("active route to a failed NAT gateway", _nat_route("failed")),
    ("active route to a deleted NAT gateway", _nat_route("deleted")),
    ("active route to an available NAT gateway", _nat_route("available", None)),
    ("active route to a pending NAT gateway", _nat_route("pending", None)),
    ("route to a missing network interface", _eni_route(False)),
    ("route to an existing network interface", _eni_route(True)),
    ("route to a terminated instance", _instance_route(False)),
    ("route to a running instance", _instance_route(True)),
    ("route to a deleted firewall endpoint", _deleted_firewall_endpoint),
    ("main table without implicit subnets", _main_table_without_implicit_subnets),
    ("another account's table: targets not evaluated", _table_of_another_account),
]


@pytest.mark.parametrize("build", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_cases(build: Case) -> None:
    snapshot, expected = build()
    assert triples(rule, snapshot) == {(ID, table, status) for table, status, _ in expected}
    severities = {(f.resource.resource_id, f.status.value, f.severity.value) for f in findings(rule, snapshot)
                  if f.status.value == "fail"}
    assert severities == {e for e in expected if e[1] == "fail"}


def test_not_evaluated_without_network_interfaces() -> None:
    b = RegionBuilder()
    standard_vpc(b)
    assert triples(rule, b.snapshot(missing=[Part.NETWORK_INTERFACES])) == {(ID, REGION, "not_evaluated")}


def test_one_finding_per_route_with_specific_messages() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b, azs=1)
    endpoint = b.gateway_endpoint(ids["vpc"], "s3", route_tables=ids["private_rt"], state="deleted")
    nat = ids["nat"][0]
    b.nats[nat] = replace(b.nats[nat], state="failed")
    found = sorted(findings(rule, b.snapshot()), key=lambda f: f.discriminator)
    assert [f.discriminator for f in found] == [f"0.0.0.0/0→{nat}", f"pl-0001→{endpoint}"]
    assert found[0].message == (f"Route 0.0.0.0/0 → {nat} in {ids['private_rt'][0]} targets NAT gateway {nat}, "
                                f"whose state is failed: matching traffic from {ids['private'][0]} is dropped.")
    assert found[1].message.startswith(f"Route pl-0001 (com.amazonaws.us-east-1.s3) → {endpoint} in "
                                       f"{ids['private_rt'][0]} targets VPC endpoint {endpoint}, whose state is "
                                       "deleted")
    assert {f.severity.value for f in found} == {"high"}
    assert found[0].evidence["subnet_ids"] == [ids["private"][0]]


@pytest.mark.parametrize(("destination", "parameter"), [("0.0.0.0/0", "DestinationCidrBlock"),
                                                        ("::/0", "DestinationIpv6CidrBlock")])
def test_fix_deletes_the_dead_route_after_a_decision(destination: str, parameter: str) -> None:
    b, vpc, subnet = _vpc()
    table = b.route_table(vpc, subnets=[subnet])
    b.route(table, destination, "nat-0gone")
    assert fix_of(rule, b.snapshot(), table) == [
        ("ec2:DeleteRoute", {"RouteTableId": table, parameter: destination}, "delete", False)]


def test_the_decision_says_where_the_traffic_goes_once_the_dead_route_is_deleted() -> None:
    """A static route to a deleted virtual private gateway outranks the new gateway's propagated
    route to the same prefix: deleting it hands the traffic to that route, and the decision says
    so; without one, traffic falls back to a less specific route."""
    b, vpc, subnet = _vpc()
    table = b.route_table(vpc, subnets=[subnet])
    b.route(table, "192.168.0.0/16", "vgw-0gone", state="blackhole")
    [step] = findings(rule, b.snapshot())[0].fix
    assert step.decision and step.decision.endswith("matching traffic falls back to a less specific route")
    b.route(table, "192.168.0.0/16", "vgw-0live", origin="EnableVgwRoutePropagation")
    [finding] = [f for f in findings(rule, b.snapshot()) if "vgw-0gone" in f.discriminator]
    assert finding.fix[0].decision and finding.fix[0].decision.endswith(
        "matching traffic takes the propagated route to vgw-0live for the same destination")
