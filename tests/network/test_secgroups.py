"""Security-group evaluation helpers: ports a rule opens, peers it covers, remote routing."""

from __future__ import annotations

from dataclasses import replace

import pytest
from builders import RegionBuilder

from vpcaudit.network.secgroups import (
    Peer,
    admits_internet,
    allows_tcp,
    cidr_routing,
    covered_by,
    covers,
    describe_ports,
    endpoint_label,
    endpoint_peer,
    endpoints_by_group,
    format_ports,
    group_allows,
    is_world,
    opens_beyond,
    overlaps,
    remote_routes,
    tcp_range,
    workload_groups,
)
from vpcaudit.snapshot import resources as r


def _rule(protocol: str = "tcp", low: int | None = 443, high: int | None = 443, *, cidr: str | None = None,
          group: str | None = None, prefix_list: str | None = None, egress: bool = False) -> r.SecurityGroupRule:
    v4 = cidr if cidr and ":" not in cidr else None
    v6 = cidr if cidr and ":" in cidr else None
    return r.SecurityGroupRule("sgr-1", "sg-1", egress, protocol, low, high, v4, v6, prefix_list, group, None)


@pytest.mark.parametrize(("rule", "expected"), [
    (_rule("-1", None, None), (0, 65535)),
    (_rule("tcp", 443, 443), (443, 443)),
    (_rule("6", 80, 90), (80, 90)),  # numeric protocol as some snapshots carry it
    (_rule("tcp", None, None), (0, 65535)),
    (_rule("udp", 53, 53), None),
    (_rule("icmp", None, None), None),
])
def test_tcp_range(rule: r.SecurityGroupRule, expected: tuple[int, int] | None) -> None:
    assert tcp_range(rule) == expected


def test_allows_tcp_any_of_several_ports() -> None:
    assert allows_tcp(_rule("tcp", 20, 25), [22, 443])
    assert not allows_tcp(_rule("tcp", 444, 8443), [443])
    assert allows_tcp(_rule("-1", None, None), [443])
    assert not allows_tcp(_rule("udp", 443, 443), [443])


@pytest.mark.parametrize(("rule", "beyond"), [
    (_rule("tcp", 443, 443), False),
    (_rule("tcp", 22, 22), False),  # a service port of the pair below
    (_rule("tcp", 442, 443), True),
    (_rule("tcp", 0, 65535), True),
    (_rule("-1", None, None), True),
    (_rule("udp", 443, 443), True),
    (_rule("icmp", 8, 0), False),  # ICMP opens no port
])
def test_opens_beyond_service_ports(rule: r.SecurityGroupRule, beyond: bool) -> None:
    assert opens_beyond(rule, frozenset({22, 443})) is beyond


@pytest.mark.parametrize(("rule", "text"), [
    (_rule("-1", None, None), "all traffic"),
    (_rule("tcp", 443, 443), "TCP 443"),
    (_rule("tcp", 1024, 65535), "TCP 1024-65535"),
    (_rule("udp", 53, 53), "UDP 53"),
    (_rule("icmp", 8, 0), "icmp"),
])
def test_describe_ports(rule: r.SecurityGroupRule, text: str) -> None:
    assert describe_ports(rule) == text


def test_overlap_and_world() -> None:
    assert overlaps("10.0.0.0/8", ["10.1.2.0/24"])
    assert overlaps("10.1.2.5/32", ["10.1.0.0/16"])
    assert not overlaps("192.168.0.0/16", ["10.0.0.0/16"])
    assert not overlaps("::/0", ["10.0.0.0/16"])  # address families never overlap
    assert is_world("0.0.0.0/0") and is_world("::/0") and not is_world("10.0.0.0/8") and not is_world(None)


def test_covered_by_takes_the_ranges_together() -> None:
    assert covered_by("52.216.0.0/15", ["52.216.0.0/16", "52.217.0.0/16"])  # two halves
    assert covered_by("52.216.0.0/15", ["0.0.0.0/0"]) and covered_by("2600:1fa0::/32", ["::/0"])
    assert not covered_by("52.216.0.0/15", ["52.216.0.0/16"])  # half of it
    assert not covered_by("52.216.0.0/15", ["::/0"])  # address families never cover each other
    assert not covered_by("52.216.0.0/15", []) and not covered_by("not a cidr", ["0.0.0.0/0"])


def test_covers_cidr_group_and_prefix_list() -> None:
    b = RegionBuilder()
    b.prefix_lists["pl-corp"] = r.PrefixList("pl-corp", "corp", "111111111111", "IPv4", ("10.0.5.0/24",))
    view = b.view()
    peer = Peer(("10.0.0.0/16",), frozenset({"sg-app"}))
    assert covers(view, _rule(cidr="10.0.0.0/8"), peer) is True
    assert covers(view, _rule(cidr="172.16.0.0/12"), peer) is False
    assert covers(view, _rule(group="sg-app"), peer) is True
    assert covers(view, _rule(group="sg-other"), peer) is False
    assert covers(view, _rule(prefix_list="pl-corp"), peer) is True
    assert covers(view, _rule(prefix_list="pl-missing"), peer) is None


def test_group_allows_is_a_union_and_unknown_beats_no() -> None:
    b = RegionBuilder()
    vpc = b.vpc()
    open_443 = b.security_group(vpc, ingress=[("tcp", 443, 443, "10.0.0.0/16")])
    only_pl = b.security_group(vpc, ingress=[("tcp", 443, 443, "pl-missing"), ("tcp", 80, 80, "10.0.0.0/16")])
    no_egress = b.security_group(vpc, egress=[])
    view = b.view()
    peer = Peer(("10.0.1.0/24",))
    assert group_allows(view, view.security_groups[open_443], outbound=False, ports=[443], peer=peer) is True
    assert group_allows(view, view.security_groups[open_443], outbound=False, ports=[22], peer=peer) is False
    assert group_allows(view, view.security_groups[only_pl], outbound=False, ports=[443], peer=peer) is None
    assert group_allows(view, view.security_groups[no_egress], outbound=True, ports=[443], peer=peer) is False


def test_group_allows_any_tcp_port_when_the_port_is_not_collected() -> None:
    """``ports`` None (a VPC Lattice endpoint's port): any TCP rule to the peer will do, a UDP one not."""
    b = RegionBuilder()
    vpc = b.vpc()
    postgres = b.security_group(vpc, egress=[("tcp", 5432, 5432, "10.0.0.0/16")])
    dns_only = b.security_group(vpc, egress=[("udp", 53, 53, "10.0.0.0/16")])
    elsewhere = b.security_group(vpc, egress=[("-1", None, None, "192.168.0.0/16")])
    view = b.view()
    peer = Peer(("10.0.1.10/32",))
    assert group_allows(view, view.security_groups[postgres], outbound=True, ports=None, peer=peer) is True
    assert group_allows(view, view.security_groups[dns_only], outbound=True, ports=None, peer=peer) is False
    assert group_allows(view, view.security_groups[elsewhere], outbound=True, ports=None, peer=peer) is False


@pytest.mark.parametrize(("sources", "admits"), [
    (["10.0.0.0/16", "192.168.1.0/24", "172.16.0.0/12"], False),  # private ranges only
    (["100.64.0.0/10", "self"], False),  # shared (carrier-grade NAT) space; a group's members
    (["52.95.0.0/16"], False),  # the VPC's own (public) block: in-VPC clients
    ([("udp", 53, 53, "0.0.0.0/0")], False),  # no TCP
    (["::/0"], False),  # IPv6: no client of the public IPv4 addresses
    (["10.0.0.0/16", "198.51.100.0/24"], True),  # a partner's public range
    (["0.0.0.0/0"], True),
    (["10.0.0.0/7"], True),  # reaches 11.0.0.0/8, public
    ([("-1", None, None, "203.0.113.7/32")], True),  # all traffic includes TCP
    (["pl-partners"], True),  # a prefix list holding a public range
    (["pl-corp"], False),  # one holding private ranges only
    (["pl-missing"], None),
    (["pl-missing", "203.0.113.7/32"], True),  # a known public source beats an unknown one
])
def test_admits_internet(sources: list[str | tuple[str, int | None, int | None, str]], admits: bool | None) -> None:
    """Does some TCP rule of the endpoint's groups admit an IPv4 source beyond private and shared
    space and the VPC's blocks (a client on the internet)? None when only an uncollected prefix
    list could."""
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16")
    b.vpcs[vpc] = replace(b.vpcs[vpc], cidr_blocks=("10.0.0.0/16", "52.95.0.0/16"))
    subnet = b.subnet(vpc, "10.0.1.0/24")
    b.prefix_lists["pl-partners"] = r.PrefixList("pl-partners", "partners", b.account_id, "IPv4",
                                                 ("10.9.0.0/16", "198.51.100.0/24"))
    b.prefix_lists["pl-corp"] = r.PrefixList("pl-corp", "corp", b.account_id, "IPv4", ("192.168.0.0/16",))
    rules = [x if isinstance(x, tuple) else ("tcp", 22, 22, x) for x in sources]
    group = b.security_group(vpc, ingress=rules)
    endpoint = b.interface_endpoint(vpc, "x", subnets=[subnet], groups=[group],
                                    service_name="com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0")
    view = b.view()
    assert admits_internet(view, view.endpoints[endpoint]) is admits


def test_admits_internet_is_unknown_with_a_group_not_collected() -> None:
    b = RegionBuilder()
    vpc = b.vpc()
    subnet = b.subnet(vpc, "10.0.1.0/24")
    private = b.security_group(vpc, ingress=[("tcp", 22, 22, "10.0.0.0/16")])
    public = b.security_group(vpc, ingress=[("tcp", 22, 22, "0.0.0.0/0")])
    endpoint = b.interface_endpoint(vpc, "x", subnets=[subnet], groups=[private, public])
    assert admits_internet(b.view(), b.view().endpoints[endpoint]) is True
    del b.groups[public]
    assert admits_internet(b.view(), b.view().endpoints[endpoint]) is None


def test_workload_groups_exclude_endpoint_enis() -> None:
    b = RegionBuilder()
    vpc = b.vpc()
    subnet = b.subnet(vpc, "10.0.1.0/24")
    app = b.security_group(vpc, name="app")
    endpoint_sg = b.security_group(vpc, name="endpoint")
    b.workload(subnet, groups=[app])
    b.interface_endpoint(vpc, "ssm", subnets=[subnet], groups=[endpoint_sg])
    assert workload_groups(b.view()) == frozenset({app})


def test_endpoint_peer_uses_eni_addresses_else_subnet_cidrs() -> None:
    b = RegionBuilder()
    vpc = b.vpc()
    subnet = b.subnet(vpc, "10.0.1.0/24")
    sg = b.security_group(vpc)
    endpoint = b.interface_endpoint(vpc, "ssm", subnets=[subnet], groups=[sg])
    view = b.view()
    peer = endpoint_peer(view, view.endpoints[endpoint])
    assert peer.group_ids == frozenset({sg})
    assert len(peer.cidrs) == 1 and peer.cidrs[0].startswith("10.0.1.") and peer.cidrs[0].endswith("/32")
    b.enis.clear()  # ENIs not collected: fall back to the endpoint's subnet CIDRs
    view = b.view()
    assert endpoint_peer(view, view.endpoints[endpoint]).cidrs == ("10.0.1.0/24",)


def test_remote_routes_only_active_remote_targets() -> None:
    b = RegionBuilder()
    vpc = b.vpc()
    rt = b.route_table(vpc, routes={"172.16.0.0/12": "tgw-1", "192.168.0.0/16": "pcx-1", "0.0.0.0/0": "nat-1"})
    b.route(rt, "100.64.0.0/10", "vgw-1", state="blackhole")
    routes = remote_routes(b.view(), vpc)
    assert sorted(route.destination for _, route in routes) == ["172.16.0.0/12", "192.168.0.0/16"]


def test_cidr_routing_splits_local_remote_and_elsewhere() -> None:
    b = RegionBuilder()
    vpc = b.vpc("10.1.0.0/16")
    subnet = b.subnet(vpc, "10.1.1.0/24")
    rt = b.route_table(vpc, subnets=[subnet], routes={"10.2.0.0/16": "tgw-1", "0.0.0.0/0": "nat-1"})
    view = b.view()
    routing = cidr_routing(view, subnet, "10.0.0.0/8")
    assert routing is not None
    assert routing.remote == ("10.2.0.0/16",)
    assert routing.local == ("10.1.0.0/16",)
    # The default route carries what the two /16 routes leave of 10/8 (too many parts to list).
    assert routing.elsewhere == ("10.0.0.0/8 except 10.1.0.0/16, 10.2.0.0/16 → nat nat-1",)
    # Once the rest of 10/8 goes to the TGW too, nothing is routed elsewhere.
    b.route(rt, "10.0.0.0/8", "tgw-1")
    routing = cidr_routing(b.view(), subnet, "10.0.0.0/8")
    assert routing is not None and routing.elsewhere == ()
    assert routing.remote == ("10.0.0.0/8 except 10.1.0.0/16, 10.2.0.0/16", "10.2.0.0/16")


def test_cidr_routing_ignores_a_covering_route_fully_carved_out() -> None:
    b = RegionBuilder()
    vpc = b.vpc("10.1.0.0/16")
    subnet = b.subnet(vpc, "10.1.1.0/24")
    b.route_table(vpc, subnets=[subnet], routes={"172.16.0.0/13": "tgw-1", "172.24.0.0/13": "tgw-1",
                                                 "0.0.0.0/0": "nat-1"})
    routing = cidr_routing(b.view(), subnet, "172.16.0.0/12")
    assert routing is not None
    assert routing.elsewhere == () and routing.remote == ("172.16.0.0/13", "172.24.0.0/13")


def test_cidr_routing_reports_non_delivering_parts() -> None:
    b = RegionBuilder()
    vpc = b.vpc("10.1.0.0/16")
    subnet = b.subnet(vpc, "10.1.1.0/24")
    rt = b.route_table(vpc, subnets=[subnet])
    b.route(rt, "172.16.0.0/12", "tgw-1", state="blackhole")
    routing = cidr_routing(b.view(), subnet, "172.16.0.0/12")
    assert routing is not None
    assert routing.remote == () and routing.elsewhere == ("172.16.0.0/12 → tgw tgw-1 (delivers nothing)",)
    isolated = cidr_routing(b.view(), subnet, "192.168.0.0/16")
    assert isolated is not None and isolated.elsewhere == ("192.168.0.0/16 → none",)


def test_endpoints_by_group_lists_live_interface_endpoints_only() -> None:
    b = RegionBuilder()
    vpc = b.vpc()
    subnet = b.subnet(vpc, "10.0.1.0/24")
    shared, own = b.security_group(vpc), b.security_group(vpc)
    ssm = b.interface_endpoint(vpc, "ssm", subnets=[subnet], groups=[shared])
    logs = b.interface_endpoint(vpc, "logs", subnets=[subnet], groups=[shared, own])
    b.interface_endpoint(vpc, "kms", subnets=[subnet], groups=[own], state="deleted")
    b.interface_endpoint(vpc, "gwlb", subnets=[subnet], groups=[own], endpoint_type="GatewayLoadBalancer")
    view = b.view()
    grouped = {g: [e.vpc_endpoint_id for e in eps] for g, eps in endpoints_by_group(view).items()}
    assert grouped == {shared: [ssm, logs], own: [logs]}
    assert endpoint_label(view, view.endpoints[ssm]) == f"{ssm} (ssm)"


def test_endpoint_peer_replaces_addresses_outside_their_subnet() -> None:
    # moto gives endpoint ENIs addresses outside their subnet; AWS never does.
    b = RegionBuilder()
    vpc = b.vpc()
    subnet = b.subnet(vpc, "10.0.1.0/24")
    endpoint = b.interface_endpoint(vpc, "ssm", subnets=[subnet])
    eni_id = b.endpoints[endpoint].network_interface_ids[0]
    b.enis[eni_id] = replace(b.enis[eni_id], private_ip_addresses=("10.55.237.4",))
    view = b.view()
    assert endpoint_peer(view, view.endpoints[endpoint]).cidrs == ("10.0.1.0/24",)


def test_format_ports_collapses_runs_of_three_or_more() -> None:
    """A DataSync agent's control ports read as one range, not 41 numbers; two in a row stay apart."""
    assert format_ports([443]) == "TCP 443"
    assert format_ports([443, 22, 22]) == "TCP 22/443"
    assert format_ports([443, *range(1024, 1065)]) == "TCP 443/1024-1064"
    assert format_ports([443, 1026, 1027, 1028, 1031, 2222]) == "TCP 443/1026-1028/1031/2222"
    assert format_ports([80, 81]) == "TCP 80/81"
