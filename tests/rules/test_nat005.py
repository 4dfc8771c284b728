"""NAT005 nat-gateway-unrouted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from builders import REGION, RegionBuilder, standard_vpc
from rulecheck import findings, fix_of, triples

from vpcaudit.rules.nat.nat004_nat_gateway_idle import nat_gateway_idle as nat004
from vpcaudit.rules.nat.nat005_nat_gateway_unrouted import nat_gateway_unrouted as rule
from vpcaudit.snapshot.model import Part, Snapshot

ID = "NAT005"
Case = Callable[[], tuple[Snapshot, set[tuple[str, str, str]]]]


def _vpc_with_nat(b: RegionBuilder, **options: str) -> tuple[str, str]:
    """(vpc, nat): a VPC with a NAT gateway in its public subnet of AZ 1 and nothing routing to it."""
    vpc = b.vpc()
    return vpc, b.nat(b.subnet(vpc, "10.0.1.0/24", az=1), vpc_id=vpc, **options)


def _case(routing: str, status: str | None, **options: str) -> Case:
    """``routing``: which route table sends 0.0.0.0/0 to the NAT gateway — "subnet" (a table a
    private subnet is associated with), "unused" (a table no subnet uses), "main" (the main table,
    no subnet using it yet) or "none"."""
    def build() -> tuple[Snapshot, set[tuple[str, str, str]]]:
        b = RegionBuilder()
        vpc, nat = _vpc_with_nat(b, **options)
        if routing == "subnet":
            b.route_table(vpc, subnets=[b.subnet(vpc, "10.0.2.0/24", az=1)], routes={"0.0.0.0/0": nat})
        elif routing == "unused":
            b.route_table(vpc, routes={"0.0.0.0/0": nat})
        elif routing == "main":
            b.route(b.main_route_table(vpc), "0.0.0.0/0", nat)
        return b.snapshot(), {(ID, nat, status)} if status else set()
    return build


CASES: list[tuple[str, Case]] = [
    ("a private subnet routes to it", _case("subnet", None)),
    ("nothing routes to it", _case("none", "fail")),
    ("only a table no subnet uses routes to it", _case("unused", "fail")),
    ("the main table routes to it: a new subnet would use it", _case("main", None)),
    ("private NAT gateways bill too", _case("none", "fail", connectivity="private")),
    ("regional NAT gateway", _case("none", "fail", mode="regional")),
    ("pending NAT gateway is not checked: its routes may come next", _case("none", None, state="pending")),
    ("deleted NAT gateway is not checked", _case("none", None, state="deleted")),
]


@pytest.mark.parametrize("build", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_cases(build: Case) -> None:
    snapshot, expected = build()
    assert triples(rule, snapshot) == expected


def test_the_standard_vpc_uses_its_nat_gateways() -> None:
    b = RegionBuilder()
    standard_vpc(b)
    assert triples(rule, b.snapshot()) == set()


def test_message_cost_and_ready_fix_when_nothing_routes_to_it() -> None:
    b = RegionBuilder()
    _vpc, nat = _vpc_with_nat(b)
    (finding,) = findings(rule, b.snapshot())
    assert finding.message == (f"NAT gateway {nat} (public zonal) costs ~$32.85/month but no route table routes "
                               "to it: no traffic can reach it.")
    assert (finding.monthly_cost_usd, finding.severity.value) == (32.85, "low")
    assert fix_of(rule, b.snapshot(), nat) == [("ec2:DeleteNatGateway", {"NatGatewayId": nat}, "delete", True)]


def test_unused_tables_are_named_and_make_the_delete_a_decision() -> None:
    """Deleting it leaves the unused table's route a blackhole (RT001's): the fix says so first."""
    b = RegionBuilder()
    vpc, nat = _vpc_with_nat(b)
    table = b.route_table(vpc, routes={"0.0.0.0/0": nat})
    (finding,) = findings(rule, b.snapshot())
    assert f"only route table(s) {table} route to it, and no subnet uses them" in finding.message
    assert finding.evidence["route_table_ids"] == [table]
    [step] = finding.fix
    assert not step.ready and table in (step.decision or "")


def test_points_at_its_az_subnets_routed_to_another_az() -> None:
    """The gateway of AZ 1 while AZ 1's private subnet still routes to AZ 2's (NAT002's cross-AZ
    route): routing them here may be the fix, not deleting it."""
    b = RegionBuilder()
    vpc, nat = _vpc_with_nat(b)
    other = b.nat(b.subnet(vpc, "10.0.3.0/24", az=2), vpc_id=vpc)
    stray = b.subnet(vpc, "10.0.2.0/24", az=1)
    b.route_table(vpc, subnets=[stray, b.subnet(vpc, "10.0.4.0/24", az=2)], routes={"0.0.0.0/0": other})
    (finding,) = findings(rule, b.snapshot())
    assert finding.resource.resource_id == nat
    assert finding.message.endswith(f"subnet(s) {stray} in its AZ send their internet traffic to another NAT "
                                    "gateway: if it was meant for them, route them here instead.")
    assert finding.evidence["same_az_subnets_using_another_nat"] == [stray]
    assert not finding.fix[0].ready


def test_regional_nat_gateway_bills_each_az_it_has_addresses_in() -> None:
    b = RegionBuilder()
    _vpc, nat = _vpc_with_nat(b, mode="regional")
    first = b.nats[nat].addresses[0]
    second = replace(first, public_ip="54.0.0.2", availability_zone="us-east-1b", availability_zone_id="use1-az2")
    b.nats[nat] = replace(b.nats[nat], addresses=(first, second))
    (finding,) = findings(rule, b.snapshot())
    assert finding.monthly_cost_usd == 65.7


def test_not_evaluated_without_the_main_route_table() -> None:
    """A subnet with no table of its own uses the main table: without it, no verdict."""
    b = RegionBuilder()
    vpc, nat = _vpc_with_nat(b)
    del b.route_tables[b.main_route_table(vpc)]
    assert triples(rule, b.snapshot()) == {(ID, nat, "not_evaluated")}


def test_not_evaluated_in_a_vpc_another_account_shares() -> None:
    b = RegionBuilder()
    _vpc, (subnet,) = b.shared_vpc("999999999999", subnets=[("10.0.1.0/24", 1)])
    nat = b.nat(subnet)
    assert triples(rule, b.snapshot()) == {(ID, nat, "not_evaluated")}


def test_not_evaluated_without_route_tables() -> None:
    b = RegionBuilder()
    _vpc_with_nat(b)
    assert triples(rule, b.snapshot(missing=[Part.ROUTE_TABLES])) == {(ID, REGION, "not_evaluated")}


def test_one_finding_and_one_cost_with_metrics_collected() -> None:
    """With metrics showing it idle too, NAT004 leaves it to NAT005: the gateway is counted once."""
    b = RegionBuilder()
    _vpc, nat = _vpc_with_nat(b)
    for name in ("BytesOutToDestination", "BytesInFromSource"):
        b.metric(nat, "AWS/NATGateway", name, 0)
    assert triples(rule, b.snapshot()) | triples(nat004, b.snapshot()) == {(ID, nat, "fail")}
