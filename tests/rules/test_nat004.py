"""NAT004 nat-gateway-idle."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from builders import REGION, RegionBuilder, standard_vpc
from rulecheck import findings, fix_of, triples

from vpcaudit.rules.nat.nat004_nat_gateway_idle import nat_gateway_idle as rule
from vpcaudit.snapshot.model import Part, Snapshot

ID = "NAT004"
NS = "AWS/NATGateway"
Case = Callable[[], tuple[Snapshot, set[tuple[str, str, str]]]]


def _nat(b: RegionBuilder, out: float | None, into: float | None, *, routed: bool = True, **options: str) -> str:
    """A NAT gateway with the two idle-check metrics (None: that metric was not collected), and a
    private subnet routing to it unless ``routed`` is false."""
    vpc = b.vpc()
    nat = b.nat(b.subnet(vpc, "10.0.1.0/24", az=1), vpc_id=vpc, **options)
    if routed:
        b.route_table(vpc, subnets=[b.subnet(vpc, "10.0.2.0/24", az=1)], routes={"0.0.0.0/0": nat})
    for name, total in (("BytesOutToDestination", out), ("BytesInFromSource", into)):
        if total is not None:
            b.metric(nat, NS, name, total)
    b.metric(nat, NS, "BytesInFromDestination", 5e9)  # replies only: not part of the idle check
    return nat


def _case(out: float | None, into: float | None, status: str | None, **options: str) -> Case:
    def build() -> tuple[Snapshot, set[tuple[str, str, str]]]:
        b = RegionBuilder()
        nat = _nat(b, out, into, **options)
        return b.snapshot(), {(ID, nat, status)} if status else set()
    return build


CASES: list[tuple[str, Case]] = [
    ("no bytes either way", _case(0, 0, "fail")),
    ("traffic out", _case(1024, 0, None)),
    ("traffic in from clients", _case(0, 1024, None)),
    ("a metric was not collected", _case(0, None, "not_evaluated")),
    ("private NAT gateways bill too", _case(0, 0, "fail", connectivity="private")),
    ("regional NAT gateway", _case(0, 0, "fail", mode="regional")),
    ("pending NAT gateway is not checked", _case(0, 0, None, state="pending")),
    ("deleted NAT gateway is not checked", _case(0, 0, None, state="deleted")),
]


@pytest.mark.parametrize("build", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_cases(build: Case) -> None:
    snapshot, expected = build()
    assert triples(rule, snapshot) == expected


def test_not_evaluated_without_metrics() -> None:
    b = RegionBuilder()
    standard_vpc(b)
    assert triples(rule, b.snapshot()) == {(ID, REGION, "not_evaluated")}  # no --with metrics
    _nat(b, 0, 0)
    assert triples(rule, b.snapshot(missing=[Part.METRICS])) == {(ID, REGION, "not_evaluated")}  # denied


def test_message_shows_window_cost_and_routes() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b, azs=1)
    nat = ids["nat"][0]
    for name in ("BytesOutToDestination", "BytesInFromSource"):
        b.metric(nat, NS, name, 0, days=30)
    (finding,) = findings(rule, b.snapshot())
    assert finding.message == (
        f"NAT gateway {nat} (public zonal) moved no bytes in the last 30 days (BytesOutToDestination = 0 and "
        f"BytesInFromSource = 0) but costs ~$32.85/month; route table(s) {ids['private_rt'][0]} still route to it: "
        "move those routes before deleting it.")
    assert finding.monthly_cost_usd == 32.85
    assert finding.evidence["window_days"] == 30


def test_nat_gateway_nothing_can_reach_is_left_to_nat005() -> None:
    """No route a subnet uses reaches it: NAT005 reports it without metrics, and one finding
    (one cost) per gateway is enough."""
    b = RegionBuilder()
    _nat(b, 0, 0, routed=False)
    assert findings(rule, b.snapshot()) == []


def test_only_an_unused_table_routing_to_it_is_left_to_nat005() -> None:
    b = RegionBuilder()
    nat = _nat(b, 0, 0, routed=False)
    b.route_table(b.nats[nat].vpc_id, routes={"0.0.0.0/0": nat})  # no subnet uses it
    assert findings(rule, b.snapshot()) == []


def test_judged_when_the_main_table_is_not_collected() -> None:
    """Where the route tables cannot tell (a participant's view of a shared VPC holds none of the
    owner's tables), the metrics alone judge it, and the message says nothing routes to it."""
    b = RegionBuilder()
    nat = _nat(b, 0, 0, routed=False)
    main = b.main_route_table(b.nats[nat].vpc_id)
    del b.route_tables[main]
    (finding,) = findings(rule, b.snapshot())
    assert finding.message.endswith("nothing routes to it: delete it and release its Elastic IP.")


def test_fix_deletes_the_idle_nat_gateway_after_a_decision() -> None:
    b = RegionBuilder()
    nat = _nat(b, 0, 0)
    assert fix_of(rule, b.snapshot(), nat) == [("ec2:DeleteNatGateway", {"NatGatewayId": nat}, "delete", False)]
