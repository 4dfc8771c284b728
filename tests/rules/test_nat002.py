"""NAT002 nat-gateway-cross-az-route."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from builders import REGION, RegionBuilder, standard_vpc
from rulecheck import findings, fix_of, triples

from vpcaudit.rules.nat.nat002_nat_gateway_cross_az_route import nat_gateway_cross_az_route as rule
from vpcaudit.snapshot.model import Part, Snapshot

ID = "NAT002"
GWLB_SERVICE = f"com.amazonaws.vpce.{REGION}.vpce-svc-0123456789abcdef0"
Case = Callable[[], tuple[Snapshot, set[tuple[str, str, str]]]]


def _two_azs(**nat_options: str) -> tuple[RegionBuilder, str, str, str]:
    """A public subnet with a NAT gateway in AZ 1 and a private subnet in AZ 2 routed to it."""
    b = RegionBuilder()
    vpc = b.vpc()
    igw = b.igw(vpc)
    public = b.subnet(vpc, "10.0.0.0/24", az=1)
    b.route_table(vpc, subnets=[public], routes={"0.0.0.0/0": igw})
    nat = b.nat(public, **nat_options)
    private = b.subnet(vpc, "10.0.2.0/24", az=2)
    b.route_table(vpc, subnets=[private], routes={"0.0.0.0/0": nat})
    return b, vpc, private, nat


def _single_nat_for_three_azs() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    ids = standard_vpc(b, nat_per_az=False)
    return b.snapshot(), {(ID, ids["private"][1], "fail"), (ID, ids["private"][2], "fail")}


def _nat_per_az() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    standard_vpc(b)
    return b.snapshot(), set()


def _exempt(**nat_options: str) -> Case:
    def build() -> tuple[Snapshot, set[tuple[str, str, str]]]:
        b, _, _, _ = _two_azs(**nat_options)
        return b.snapshot(), set()
    return build


def _two_subnets_same_az() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b, vpc, private, nat = _two_azs()
    same = b.subnet(vpc, "10.0.1.0/24", az=1)
    b.route_table(vpc, subnets=[same], routes={"0.0.0.0/0": nat})
    return b.snapshot(), {(ID, private, "fail")}


def _through_firewall() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b, vpc, private, nat = _two_azs()
    fw_subnet = b.subnet(vpc, "10.0.3.0/28", az=2)
    b.route_table(vpc, subnets=[fw_subnet], routes={"0.0.0.0/0": nat})
    fw = b.interface_endpoint(vpc, "fw", subnets=[fw_subnet], endpoint_type="GatewayLoadBalancer",
                              service_name=GWLB_SERVICE)
    app = b.subnet(vpc, "10.0.4.0/24", az=2)
    b.route_table(vpc, subnets=[app], routes={"0.0.0.0/0": fw})
    return b.snapshot(), {(ID, private, "fail"), (ID, fw_subnet, "fail"), (ID, app, "fail")}


def _nat_instance() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    vpc = b.vpc()
    private = b.subnet(vpc, "10.0.2.0/24", az=2)
    b.route_table(vpc, subnets=[private], routes={"0.0.0.0/0": "i-0123456789abcdef0"})
    return b.snapshot(), set()


def _blackhole_route() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b, vpc, private, nat = _two_azs()
    other = b.subnet(vpc, "10.0.5.0/24", az=3)
    table = b.route_table(vpc, subnets=[other])
    b.route(table, "0.0.0.0/0", nat, state="blackhole")
    return b.snapshot(), {(ID, private, "fail")}


def _nat_not_in_snapshot() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b, _, private, nat = _two_azs()
    del b.nats[nat]
    return b.snapshot(), {(ID, private, "not_evaluated")}


def _nat_subnet_unknown_uses_address_az() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b, _, private, nat = _two_azs()
    public = b.nats[nat].subnet_id
    assert public is not None
    del b.subnets[public]
    b.nats[nat] = replace(b.nats[nat], subnet_id="subnet-gone")
    return b.snapshot(), {(ID, private, "fail")}  # the NAT gateway's address still says use1-az1


def _dual_stack_public_subnet() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    """IPv6 through the internet gateway makes a dual-stack subnet public (docs/network-model.md): not this rule's."""
    b, _, private, _ = _two_azs()
    b.subnets[private] = replace(b.subnets[private], ipv6_cidr_blocks=("2600:1f18:aa:bb02::/64",))
    table = next(t for t, rt in b.route_tables.items() if private in rt.subnet_ids)
    b.route(table, "::/0", next(iter(b.igws)))
    return b.snapshot(), set()


def _ipv4_only_subnet_with_ipv6_route_to_igw() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    """Near miss: the same ``::/0`` route in a subnet without an IPv6 CIDR. None of its resources
    has an IPv6 address, so the route carries nothing and the subnet stays private: its traffic
    crosses AZs to the NAT gateway (AWS: an IPv6 route serves resources with IPv6 addresses)."""
    b, _, private, _ = _two_azs()
    table = next(t for t, rt in b.route_tables.items() if private in rt.subnet_ids)
    b.route(table, "::/0", next(iter(b.igws)))
    return b.snapshot(), {(ID, private, "fail")}


def _shared_vpc() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    vpc, _ = b.shared_vpc("222222222222", subnets=[("10.0.1.0/24", 2)])
    return b.snapshot(), {(ID, vpc, "not_evaluated")}


CASES: list[tuple[str, Case]] = [
    ("one NAT gateway for three AZs", _single_nat_for_three_azs),
    ("one NAT gateway per AZ", _nat_per_az),
    ("regional NAT gateways are exempt", _exempt(mode="regional")),
    ("private NAT gateways are exempt", _exempt(connectivity="private")),
    ("a subnet in the NAT gateway's AZ is fine", _two_subnets_same_az),
    ("through a firewall endpoint", _through_firewall),
    ("NAT instances are not NAT gateways", _nat_instance),
    ("blackhole default route is RT001's", _blackhole_route),
    ("NAT gateway not in the snapshot", _nat_not_in_snapshot),
    ("NAT subnet unknown: the address's AZ decides", _nat_subnet_unknown_uses_address_az),
    ("dual-stack subnet public over IPv6", _dual_stack_public_subnet),
    ("IPv4-only subnet: its ::/0 route makes nothing public", _ipv4_only_subnet_with_ipv6_route_to_igw),
    ("shared VPC, owner not in the scan", _shared_vpc),
]


@pytest.mark.parametrize("build", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_cases(build: Case) -> None:
    snapshot, expected = build()
    assert triples(rule, snapshot) == expected


def test_not_evaluated_without_nat_gateways() -> None:
    b, _, _, _ = _two_azs()
    assert triples(rule, b.snapshot(missing=[Part.NAT_GATEWAYS])) == {(ID, REGION, "not_evaluated")}


def test_message_names_azs_nat_and_the_fix() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b, azs=2, nat_per_az=False)
    (finding,) = findings(rule, b.snapshot())
    assert finding.message == (
        f"Private subnet {ids['private'][1]} (use1-az2, route table {ids['private_rt'][1]}) sends its internet "
        f"traffic to NAT gateway {ids['nat'][0]} in use1-az1: every GB crosses AZs ($0.01/GB each way on top of "
        "NAT processing) and the subnet loses internet egress when use1-az1 is impaired. Create a NAT gateway in "
        "a public subnet of use1-az2 (~$32.85/month) or use a regional NAT gateway.")
    assert (finding.evidence["subnet_az_id"], finding.evidence["nat_az_id"]) == ("use1-az2", "use1-az1")


def test_message_suggests_the_existing_same_az_nat() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b, azs=2)
    table = b.route_tables[ids["private_rt"][1]]
    b.route_tables[table.route_table_id] = replace(
        table, routes=tuple(x for x in table.routes if x.destination != "0.0.0.0/0"))
    b.route(table.route_table_id, "0.0.0.0/0", ids["nat"][0])  # AZ 2's subnet to AZ 1's NAT gateway
    (finding,) = findings(rule, b.snapshot())
    assert finding.message.endswith(f"Route it to {ids['nat'][1]} in use1-az2.")
    assert finding.evidence["same_az_nat_gateway_ids"] == [ids["nat"][1]]


def test_behind_a_firewall_the_fix_names_the_firewall_subnets_table() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b, azs=2)
    vpc, nat_az1, nat_az2 = ids["vpc"], ids["nat"][0], ids["nat"][1]
    fw_subnet = b.subnet(vpc, "10.0.50.0/28", az=2)
    fw_table = b.route_table(vpc, subnets=[fw_subnet], routes={"0.0.0.0/0": nat_az1})
    fw = b.interface_endpoint(vpc, "fw", subnets=[fw_subnet], endpoint_type="GatewayLoadBalancer",
                              service_name="com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0")
    app = b.subnet(vpc, "10.0.60.0/24", az=2)
    b.route_table(vpc, subnets=[app], routes={"0.0.0.0/0": fw})
    (finding,) = [f for f in findings(rule, b.snapshot()) if f.resource.resource_id == app]
    assert f"through firewall endpoint {fw}" in finding.message
    assert finding.message.endswith(
        f"Change the default route of {fw_table} (the firewall subnet's table) to {nat_az2} in use1-az2.")


@pytest.mark.parametrize("own_endpoint_egress", ["own AZ's NAT", "other AZ's NAT"])
def test_a_first_hop_to_another_azs_firewall_endpoint_is_fixed_at_the_subnets_table(own_endpoint_egress: str) -> None:
    """The app subnet (AZ 2) routes to the firewall endpoint of AZ 1, whose subnet uses AZ 1's NAT
    gateway; AZ 2 has its own endpoint of the same firewall, routed to AZ 2's NAT gateway. The
    crossing is the app subnet's first hop: its own table goes to AZ 2's endpoint. Near miss: AZ 2's
    endpoint itself leaves through AZ 1's NAT gateway — then the firewall subnet's table is still
    the one to change."""
    b = RegionBuilder()
    ids = standard_vpc(b, azs=2)
    vpc, nat_az1, nat_az2 = ids["vpc"], ids["nat"][0], ids["nat"][1]
    service = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
    fw_subnets = [b.subnet(vpc, f"10.0.5{az}.0/28", az=az) for az in (1, 2)]
    b.route_table(vpc, subnets=[fw_subnets[0]], routes={"0.0.0.0/0": nat_az1})
    fw2_table = b.route_table(vpc, subnets=[fw_subnets[1]], routes={
        "0.0.0.0/0": nat_az2 if own_endpoint_egress == "own AZ's NAT" else nat_az1})
    fw1, fw2 = (b.interface_endpoint(vpc, "fw", subnets=[s], endpoint_type="GatewayLoadBalancer", service_name=service)
                for s in fw_subnets)
    app = b.subnet(vpc, "10.0.60.0/24", az=2)
    app_table = b.route_table(vpc, subnets=[app], routes={"0.0.0.0/0": fw1})
    (finding,) = [f for f in findings(rule, b.snapshot()) if f.resource.resource_id == app]
    [(action, parameters, _, ready)] = fix_of(rule, b.snapshot(), app)
    if own_endpoint_egress == "own AZ's NAT":
        assert f"Route it to firewall endpoint {fw2} in use1-az2, whose traffic leaves through {nat_az2}" \
            in finding.message
        assert (action, parameters, ready) == ("ec2:ReplaceRoute", {
            "RouteTableId": app_table, "DestinationCidrBlock": "0.0.0.0/0", "VpcEndpointId": fw2}, True)
    else:
        assert "Change the default route of" in finding.message and fw2_table not in finding.message
        assert parameters["NatGatewayId"] == nat_az2


def test_fix_routes_to_the_same_az_nat_gateway_or_creates_one() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b, nat_per_az=False)
    subnet, table = ids["private"][1], ids["private_rt"][1]
    az = b.subnets[subnet].availability_zone_id
    label = f"nat-{ids['vpc']}-{az}"
    assert fix_of(rule, b.snapshot(), subnet) == [
        ("ec2:AllocateAddress", {"Domain": "vpc"}, "create", True),
        ("ec2:CreateNatGateway", {"SubnetId": ids["public"][1], "AllocationId": {"new_id": f"eip-{label}"}},
         "create", True),
        ("ec2:ReplaceRoute", {"RouteTableId": table, "DestinationCidrBlock": "0.0.0.0/0",
                              "NatGatewayId": {"new_id": label}}, "modify", True)]
    local = b.nat(ids["public"][1])
    assert fix_of(rule, b.snapshot(), subnet) == [
        ("ec2:ReplaceRoute", {"RouteTableId": table, "DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": local},
         "modify", True)]


def test_a_route_table_shared_across_azs_needs_a_decision() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b, nat_per_az=False)
    b.associate(ids["private_rt"][1], ids["private"][2])  # AZ 3's subnet now shares AZ 2's table
    b.route_tables[ids["private_rt"][2]] = replace(b.route_tables[ids["private_rt"][2]], associations=())
    b.nat(ids["public"][1])
    assert [ready for *_, ready in fix_of(rule, b.snapshot(), ids["private"][1])] == [False]
