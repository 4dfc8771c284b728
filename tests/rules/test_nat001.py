"""NAT001 nat-gateway-not-in-public-subnet."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from builders import REGION, RegionBuilder, standard_vpc
from rulecheck import findings, fix_of, triples

from vpcaudit.rules.nat.nat001_nat_gateway_not_in_public_subnet import nat_gateway_not_in_public_subnet as rule
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part, Snapshot

ID = "NAT001"
GWLB_SERVICE = f"com.amazonaws.vpce.{REGION}.vpce-svc-0123456789abcdef0"
Case = Callable[[], tuple[Snapshot, set[tuple[str, str, str]]]]


def _nat_in_private_subnet(**nat_options: str) -> tuple[RegionBuilder, str, str, str]:
    """The seed mistake: the NAT gateway sits in the private subnet that routes to it."""
    b = RegionBuilder()
    vpc = b.vpc()
    b.igw(vpc)
    private = b.subnet(vpc, "10.0.1.0/24", az=1)
    nat = b.nat(private, **nat_options)
    b.route_table(vpc, subnets=[private], routes={"0.0.0.0/0": nat})
    return b, vpc, private, nat


def _seed_mistake() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b, _, _, nat = _nat_in_private_subnet()
    return b.snapshot(), {(ID, nat, "fail")}


def _well_placed() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    standard_vpc(b)
    return b.snapshot(), set()


def _subnet_without_default_route() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    vpc = b.vpc()
    b.igw(vpc)
    nat = b.nat(b.subnet(vpc, "10.0.1.0/24"))  # main table: local route only
    return b.snapshot(), {(ID, nat, "fail")}


def _public_through_main_table() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    vpc = b.vpc()
    b.route(b.main_route_table(vpc), "0.0.0.0/0", b.igw(vpc))
    b.nat(b.subnet(vpc, "10.0.1.0/24"))
    return b.snapshot(), set()


def _firewall(last_hop: str) -> Case:
    """NAT subnet → firewall endpoint → firewall subnet whose default route goes to ``last_hop``."""
    def build() -> tuple[Snapshot, set[tuple[str, str, str]]]:
        b = RegionBuilder()
        vpc = b.vpc()
        igw = b.igw(vpc)
        fw_subnet = b.subnet(vpc, "10.0.0.0/28", az=1)
        nat_subnet = b.subnet(vpc, "10.0.1.0/24", az=1)
        nat = b.nat(nat_subnet)
        b.route_table(vpc, subnets=[fw_subnet], routes={"0.0.0.0/0": igw if last_hop == "igw" else nat})
        fw = b.interface_endpoint(vpc, "fw", subnets=[fw_subnet], endpoint_type="GatewayLoadBalancer",
                                  service_name=GWLB_SERVICE)
        b.route_table(vpc, subnets=[nat_subnet], routes={"0.0.0.0/0": fw})
        return b.snapshot(), set() if last_hop == "igw" else {(ID, nat, "fail")}
    return build


def _private_nat_gateway() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b, _, _, _ = _nat_in_private_subnet(connectivity="private")
    return b.snapshot(), set()


def _regional(with_igw: bool) -> Case:
    def build() -> tuple[Snapshot, set[tuple[str, str, str]]]:
        b = RegionBuilder()
        vpc = b.vpc()
        if with_igw:
            b.igw(vpc)
        private = b.subnet(vpc, "10.0.1.0/24")
        nat = b.nat(private, mode="regional", vpc_id=vpc)
        b.route_table(vpc, subnets=[private], routes={"0.0.0.0/0": nat})
        return b.snapshot(), set() if with_igw else {(ID, nat, "fail")}
    return build


def _block_public_access(excluded: bool) -> Case:
    def build() -> tuple[Snapshot, set[tuple[str, str, str]]]:
        b = RegionBuilder()
        ids = standard_vpc(b, azs=1)
        b.block_public_access = r.BlockPublicAccess("block-bidirectional", (ids["vpc"],) if excluded else (), ())
        return b.snapshot(), set() if excluded else {(ID, ids["nat"][0], "fail")}
    return build


def _deleted() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b, _, _, _ = _nat_in_private_subnet(state="deleted")
    return b.snapshot(), set()


def _subnet_not_collected() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    nat = b.nat("subnet-elsewhere", vpc_id=b.vpc())
    return b.snapshot(), {(ID, nat, "not_evaluated")}


def _in_shared_subnet() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    _, (subnet,) = b.shared_vpc("222222222222", subnets=[("10.0.1.0/24", 1)])
    nat = b.nat(subnet)
    return b.snapshot(), {(ID, nat, "not_evaluated")}


CASES: list[tuple[str, Case]] = [
    ("NAT gateway in the private subnet it serves", _seed_mistake),
    ("NAT gateways in public subnets", _well_placed),
    ("subnet with no default route", _subnet_without_default_route),
    ("public through the main route table", _public_through_main_table),
    ("public through a firewall endpoint", _firewall("igw")),
    ("firewall subnet routes back to the NAT", _firewall("nat")),
    ("private NAT gateways are out of scope", _private_nat_gateway),
    ("regional NAT gateway with an internet gateway", _regional(True)),
    ("regional NAT gateway without an internet gateway", _regional(False)),
    ("bidirectional Block Public Access", _block_public_access(False)),
    ("Block Public Access exclusion", _block_public_access(True)),
    ("deleted NAT gateway", _deleted),
    ("NAT subnet not collected", _subnet_not_collected),
    ("NAT gateway in a shared VPC's subnet", _in_shared_subnet),
]


@pytest.mark.parametrize("build", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_cases(build: Case) -> None:
    snapshot, expected = build()
    assert triples(rule, snapshot) == expected


def test_not_evaluated_without_internet_gateways() -> None:
    b, _, _, _ = _nat_in_private_subnet()
    assert triples(rule, b.snapshot(missing=[Part.INTERNET_GATEWAYS])) == {(ID, REGION, "not_evaluated")}


def test_message_names_subnet_route_and_stranded_clients() -> None:
    b, vpc, private, nat = _nat_in_private_subnet()
    other = b.subnet(vpc, "10.0.2.0/24", az=2)
    b.route_table(vpc, subnets=[other], routes={"0.0.0.0/0": nat})
    (finding,) = findings(rule, b.snapshot())
    assert finding.message == (
        f"Public NAT gateway {nat} is in subnet {private} (use1-az1), whose IPv4 default route does not reach an "
        f"internet gateway (egress class nat via {nat}): the NAT gateway cannot reach the internet, so "
        f"{private}, {other} have no working internet egress.")
    assert finding.evidence["subnet_egress_class"] == "nat"
    assert finding.evidence["client_subnet_ids"] == sorted([private, other])


def test_regional_message() -> None:
    snapshot, _ = _regional(False)()
    (finding,) = findings(rule, snapshot)
    assert "which has no internet gateway attached" in finding.message
    assert finding.severity.value == "high"


def test_fix_replaces_the_nat_gateway_from_a_public_subnet_of_its_az() -> None:
    b, vpc, private, nat = _nat_in_private_subnet()
    igw = next(iter(b.igws))
    public = b.subnet(vpc, "10.0.0.0/24", az=1)
    b.route_table(vpc, subnets=[public], routes={"0.0.0.0/0": igw})
    table = next(t.route_table_id for t in b.route_tables.values() if private in t.subnet_ids)
    label = f"nat-{vpc}-{b.subnets[private].availability_zone_id}"
    assert fix_of(rule, b.snapshot(), nat) == [
        ("ec2:AllocateAddress", {"Domain": "vpc"}, "create", True),
        ("ec2:CreateNatGateway", {"SubnetId": public, "AllocationId": {"new_id": f"eip-{label}"}}, "create", True),
        ("ec2:ReplaceRoute", {"RouteTableId": table, "DestinationCidrBlock": "0.0.0.0/0",
                              "NatGatewayId": {"new_id": label}}, "modify", True),
        ("ec2:DeleteNatGateway", {"NatGatewayId": nat}, "delete", True)]


def test_without_a_public_subnet_in_its_az_every_step_needs_a_decision() -> None:
    b, _, _, nat = _nat_in_private_subnet()
    assert [(action, ready) for action, _, _, ready in fix_of(rule, b.snapshot(), nat)] == [
        ("ec2:CreateNatGateway", False), ("ec2:ReplaceRoute", False), ("ec2:DeleteNatGateway", False)]


def test_a_regional_nat_gateway_gets_an_internet_gateway() -> None:
    b = RegionBuilder()
    vpc = b.vpc()
    nat = b.nat(b.subnet(vpc, "10.0.1.0/24"), mode="regional", vpc_id=vpc)
    assert fix_of(rule, b.snapshot(), nat) == [
        ("ec2:CreateInternetGateway", {}, "create", True),
        ("ec2:AttachInternetGateway", {"InternetGatewayId": {"new_id": f"igw-{vpc}"}, "VpcId": vpc}, "associate",
         True)]
