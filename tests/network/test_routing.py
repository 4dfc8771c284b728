"""Route resolution as docs/network-model.md defines it (and AWS documents route priority).

Each test builds one route table and asks where one destination goes: longest prefix first,
then static > prefix-list > propagated on equal length, prefix lists expanded per entry CIDR,
ambiguous ties never guessed, non-active routes matching but delivering nothing.
"""

from __future__ import annotations

import random

from builders import S3_CIDRS, RegionBuilder

from vpcaudit.network.routing import Outcome, RouteIndex
from vpcaudit.network.view import NetworkView

PROPAGATED = "EnableVgwRoutePropagation"


def _table(routes: dict[str, str] | None = None) -> tuple[RegionBuilder, str, str]:
    """A builder with one VPC (10.0.0.0/16) and one custom route table; returns (b, vpc, table)."""
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16")
    subnet = b.subnet(vpc, "10.0.1.0/24")
    return b, vpc, b.route_table(vpc, subnets=[subnet], routes=routes or {})


def _index(b: RegionBuilder, table: str) -> RouteIndex:
    view = b.view()
    return view.route_index(view.route_tables[table])


def _s3_list(b: RegionBuilder) -> str:
    return next(p.prefix_list_id for p in b.prefix_lists.values() if p.prefix_list_name.endswith(".s3"))


def test_longest_prefix_wins() -> None:
    b, _, table = _table({"0.0.0.0/0": "igw-1", "172.31.0.0/16": "pcx-1"})
    index = _index(b, table)
    assert (index.resolve("172.31.5.0/24").kind, index.resolve("172.31.5.0/24").target_id) == ("pcx", "pcx-1")
    assert index.resolve("8.8.8.8/32").target_id == "igw-1"
    local = index.resolve("10.0.1.0/24")
    assert (local.kind, local.delivers) == ("local", True)
    assert "/16 is longer than /0 (igw)" in local.reason


def test_prefix_list_counts_once_per_entry_cidr_and_beats_the_default_route() -> None:
    b, vpc, table = _table({"0.0.0.0/0": "nat-1"})
    endpoint = b.gateway_endpoint(vpc, "s3", route_tables=[table])
    index = _index(b, table)
    for cidr in S3_CIDRS:
        outcome = index.resolve(cidr)
        assert (outcome.kind, outcome.target_id, outcome.delivers) == ("vpce", endpoint, True)
        assert "prefix list" in outcome.reason
    assert index.resolve("52.0.0.0/8").target_id == "nat-1"  # outside the list: the default route


def test_static_beats_prefix_list_on_equal_length() -> None:
    b, vpc, table = _table({"0.0.0.0/0": "nat-1"})
    b.gateway_endpoint(vpc, "s3", route_tables=[table])
    b.route(table, S3_CIDRS[0], "nat-1")  # the very same CIDR as a prefix-list entry
    outcome = _index(b, table).resolve(S3_CIDRS[0])
    assert (outcome.kind, outcome.target_id) == ("nat", "nat-1")
    assert "a static route beats prefix-list routes of equal length" in outcome.reason


def test_prefix_list_beats_propagated_and_static_beats_propagated() -> None:
    b, _, table = _table()
    pl = b.prefix_list("onprem", ["192.168.0.0/16"])
    b.route(table, pl, "tgw-1")
    b.route(table, "192.168.0.0/16", "vgw-1", origin=PROPAGATED)
    b.route(table, "172.16.0.0/12", "vgw-1", origin=PROPAGATED)
    b.route(table, "172.16.0.0/12", "pcx-1")
    index = _index(b, table)
    assert index.resolve("192.168.1.0/24").target_id == "tgw-1"
    assert index.resolve("172.16.0.0/16").target_id == "pcx-1"
    assert "a static route beats propagated routes" in index.resolve("172.16.0.0/16").reason


def test_more_specific_propagated_route_still_wins() -> None:
    """Priority between kinds applies only on equal length: a /24 learned from the VGW beats a /16."""
    b, _, table = _table({"192.168.0.0/16": "tgw-1"})
    b.route(table, "192.168.7.0/24", "vgw-1", origin=PROPAGATED)
    assert _index(b, table).resolve("192.168.7.0/24").target_id == "vgw-1"


def test_overlapping_prefix_lists_to_different_targets_are_ambiguous() -> None:
    b, _, table = _table()
    first = b.prefix_list("partners-a", ["203.0.113.0/24"])
    second = b.prefix_list("partners-b", ["203.0.113.0/24", "198.51.100.0/24"])
    b.route(table, first, "tgw-1")
    b.route(table, second, "pcx-1")
    index = _index(b, table)
    outcome = index.resolve("203.0.113.0/24")
    assert (outcome.kind, outcome.target_id, outcome.delivers, outcome.winner) == ("ambiguous", None, False, None)
    assert "AWS picks one arbitrarily" in outcome.reason
    assert index.resolve("198.51.100.0/24").target_id == "pcx-1"  # only one list holds it


def test_overlapping_prefix_lists_to_the_same_target_are_not_ambiguous() -> None:
    b, _, table = _table()
    for name in ("a", "b"):
        b.route(table, b.prefix_list(name, ["203.0.113.0/24"]), "tgw-1")
    outcome = _index(b, table).resolve("203.0.113.0/24")
    assert (outcome.kind, outcome.target_id, outcome.delivers) == ("tgw", "tgw-1", True)


def test_blackhole_route_matches_but_delivers_nothing() -> None:
    """A blackhole /24 still wins over the active default route for its addresses."""
    b, _, table = _table({"0.0.0.0/0": "igw-1"})
    b.route(table, "198.51.100.0/24", "nat-gone", state="blackhole")
    index = _index(b, table)
    dropped = index.resolve("198.51.100.0/24")
    assert (dropped.kind, dropped.target_id, dropped.delivers) == ("nat", "nat-gone", False)
    assert "blackhole, so it delivers nothing" in dropped.reason
    assert index.resolve("198.51.101.0/24").delivers


def test_no_route_is_none() -> None:
    b, _, table = _table()
    outcome = _index(b, table).resolve("8.8.8.0/24")
    assert (outcome.kind, outcome.delivers, outcome.contenders) == ("none", False, ())
    assert _index(b, table).resolve("not-a-cidr").reason == "not-a-cidr is not a CIDR"


def test_ipv4_and_ipv6_are_resolved_separately() -> None:
    b, _, table = _table({"::/0": "eigw-1"})
    index = _index(b, table)
    assert index.resolve("8.8.8.0/24").kind == "none"
    assert index.resolve("2600:1f18::/32").target_id == "eigw-1"
    assert index.default_route() is None
    route = index.default_route(ipv6=True)
    assert route is not None and route.target_id == "eigw-1"


def test_resolve_all_reports_carve_outs_of_a_cidr() -> None:
    b, vpc, table = _table({"0.0.0.0/0": "nat-1"})
    endpoint = b.gateway_endpoint(vpc, "s3", route_tables=[table])
    b.route(table, "52.216.0.0/16", "nat-1")  # half of the S3 list's 52.216.0.0/15
    outcomes = _index(b, table).resolve_all("52.216.0.0/15")
    assert [(o.cidr, o.kind, o.target_id) for o in outcomes] == [
        ("52.216.0.0/15", "vpce", endpoint), ("52.216.0.0/16", "nat", "nat-1")]
    assert len(_index(b, table).distinct_outcomes(["52.216.0.0/15"])) == 2


def test_resolve_all_drops_a_cidr_whose_every_address_is_carved_away() -> None:
    """Both halves of the /15 go to the NAT: no address takes the endpoint route, so no path claims it."""
    b, vpc, table = _table({"0.0.0.0/0": "nat-1"})
    b.gateway_endpoint(vpc, "s3", route_tables=[table])
    b.route(table, "52.216.0.0/16", "nat-1")
    b.route(table, "52.217.0.0/17", "nat-1")
    b.route(table, "52.217.128.0/17", "nat-1")
    outcomes = _index(b, table).resolve_all("52.216.0.0/15")
    assert {o.cidr for o in outcomes} == {"52.216.0.0/16", "52.217.0.0/17", "52.217.128.0/17"}
    distinct = _index(b, table).distinct_outcomes(["52.216.0.0/15"])
    assert [(o.kind, o.target_id) for o in distinct] == [("nat", "nat-1")]


def test_distinct_outcomes_are_the_first_of_each_kind_target_and_delivery_of_every_outcome() -> None:
    """``distinct_outcomes`` skips making outcomes that could only repeat one seen: it must keep exactly
    the first outcome per (kind, target, delivers) of resolving every CIDR, whatever the routes."""
    rng = random.Random(7)
    targets = ["igw-1", "nat-1", "nat-2", "pcx-1", "tgw-1", "vgw-1"]
    for _ in range(300):
        routes = {f"52.{rng.choice([216, 217, 218])}.{rng.randrange(0, 256, 64)}.0/{rng.choice([16, 17, 18, 24])}":
                  rng.choice(targets) for _ in range(rng.randrange(0, 5))}
        b, vpc, table = _table({"0.0.0.0/0": rng.choice(targets), **routes})
        if rng.random() < 0.7:
            b.gateway_endpoint(vpc, "s3", route_tables=[table])
        cidrs = [f"52.{rng.randrange(214, 220)}.0.0/{rng.choice([15, 16, 17])}" for _ in range(rng.randrange(1, 6))]
        expected: dict[tuple[str, str | None, bool], Outcome] = {}
        for outcome in (o for cidr in cidrs for o in _index(b, table).resolve_all(cidr)):
            expected.setdefault((outcome.kind, outcome.target_id, outcome.delivers), outcome)
        got = _index(b, table).distinct_outcomes(cidrs)
        assert [(o.cidr, o.kind, o.target_id, o.delivers, o.reason) for o in got] == [
            (o.cidr, o.kind, o.target_id, o.delivers, o.reason) for o in expected.values()], (routes, cidrs)


def test_unknown_prefix_list_is_reported_not_guessed() -> None:
    b, _, table = _table({"0.0.0.0/0": "nat-1"})
    b.route(table, "pl-notcollected", "tgw-1")
    index = _index(b, table)
    assert index.unresolved_prefix_lists == ("pl-notcollected",)
    assert index.resolve("8.8.8.0/24").target_id == "nat-1"


def test_default_route_follows_route_priority() -> None:
    """A propagated 0.0.0.0/0 listed first must not shadow the static default route."""
    b, _, table = _table()
    b.route(table, "0.0.0.0/0", "vgw-1", origin=PROPAGATED)
    b.route(table, "0.0.0.0/0", "nat-1")
    route = _index(b, table).default_route()
    assert route is not None and route.target_id == "nat-1"


def test_default_route_from_a_prefix_list_entry() -> None:
    b, _, table = _table()
    b.route(table, b.prefix_list("everything", ["0.0.0.0/0"]), "tgw-1")
    route = _index(b, table).default_route()
    assert route is not None and route.target_id == "tgw-1"


def test_route_index_is_built_once_per_table() -> None:
    b, _, table = _table({"0.0.0.0/0": "igw-1"})
    view: NetworkView = b.view()
    assert view.route_index(view.route_tables[table]) is view.route_index(view.route_tables[table])
