"""NAT003 nat-gateway-missing-in-az."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from builders import REGION, RegionBuilder, standard_vpc
from rulecheck import findings, triples

from vpcaudit.pricing import Pricing
from vpcaudit.rules.nat.nat003_nat_gateway_missing_in_az import nat_gateway_missing_in_az as rule
from vpcaudit.snapshot.model import Part, Snapshot

ID = "NAT003"
Case = Callable[[], tuple[Snapshot, set[tuple[str, str, str]]]]


def _vpc_with_public(azs: int = 3) -> tuple[RegionBuilder, str, list[str]]:
    """A VPC with one public subnet per AZ (internet gateway), no NAT gateway yet."""
    b = RegionBuilder()
    vpc = b.vpc()
    igw = b.igw(vpc)
    public = [b.subnet(vpc, f"10.0.{i}.0/24", az=i) for i in range(1, azs + 1)]
    b.route_table(vpc, subnets=public, routes={"0.0.0.0/0": igw})
    return b, vpc, public


def _private(b: RegionBuilder, vpc: str, az: int, target: str) -> str:
    subnet = b.subnet(vpc, f"10.0.{100 + len(b.subnets)}.0/24", az=az)
    b.route_table(vpc, subnets=[subnet], routes={"0.0.0.0/0": target})
    return subnet


def _single_nat_for_three_azs() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    ids = standard_vpc(b, nat_per_az=False)
    return b.snapshot(), {(ID, ids["vpc"], "fail")}  # twice: use1-az2 and use1-az3 (see the message test)


def _nat_per_az() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    standard_vpc(b)
    return b.snapshot(), set()


def _regional_nat_gateway() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b, vpc, _ = _vpc_with_public()
    nat = b.nat(b.subnet(vpc, "10.0.50.0/24", az=1), mode="regional", vpc_id=vpc)
    for az in (1, 2, 3):
        _private(b, vpc, az, nat)
    return b.snapshot(), set()


def _own_nat_but_routed_elsewhere() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    """AZ 2 has its own NAT gateway; routing past it is NAT002's finding, not this rule's."""
    b, vpc, public = _vpc_with_public(2)
    first, _ = b.nat(public[0]), b.nat(public[1])
    _private(b, vpc, 1, first)
    _private(b, vpc, 2, first)
    return b.snapshot(), set()


def _own_nat_not_available() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b, vpc, public = _vpc_with_public(2)
    first = b.nat(public[0])
    b.nat(public[1], state="pending")
    _private(b, vpc, 1, first)
    _private(b, vpc, 2, first)
    return b.snapshot(), {(ID, vpc, "fail")}


def _central_egress_through_transit_gateway() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b, vpc, _ = _vpc_with_public()
    for az in (1, 2, 3):
        _private(b, vpc, az, "tgw-0123")
    return b.snapshot(), set()


def _private_nat_and_nat_instance() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b, vpc, public = _vpc_with_public(2)
    _private(b, vpc, 2, b.nat(public[0], connectivity="private"))
    _private(b, vpc, 2, "i-0123456789abcdef0")
    return b.snapshot(), set()


def _unknown_nat_gateway() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b, vpc, _ = _vpc_with_public(2)
    _private(b, vpc, 2, "nat-notcollected")
    return b.snapshot(), {(ID, vpc, "not_evaluated")}


def _shared_vpc() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    vpc, _ = b.shared_vpc("222222222222", subnets=[("10.0.1.0/24", 2)])
    return b.snapshot(), {(ID, vpc, "not_evaluated")}


CASES: list[tuple[str, Case]] = [
    ("one NAT gateway for three AZs", _single_nat_for_three_azs),
    ("one NAT gateway per AZ", _nat_per_az),
    ("a regional NAT gateway serves every AZ", _regional_nat_gateway),
    ("own NAT gateway present, routed elsewhere (NAT002)", _own_nat_but_routed_elsewhere),
    ("own NAT gateway still pending", _own_nat_not_available),
    ("central egress through a transit gateway", _central_egress_through_transit_gateway),
    ("private NAT gateways and NAT instances do not count", _private_nat_and_nat_instance),
    ("route to a NAT gateway missing from the snapshot", _unknown_nat_gateway),
    ("shared VPC, owner not in the scan", _shared_vpc),
]


@pytest.mark.parametrize("build", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_cases(build: Case) -> None:
    snapshot, expected = build()
    assert triples(rule, snapshot) == expected


def test_not_evaluated_without_subnets() -> None:
    b = RegionBuilder()
    standard_vpc(b, nat_per_az=False)
    assert triples(rule, b.snapshot(missing=[Part.SUBNETS])) == {(ID, REGION, "not_evaluated")}


def test_one_finding_per_az_naming_subnets_and_nat() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b, nat_per_az=False)
    found = sorted(findings(rule, b.snapshot()), key=lambda f: f.discriminator)
    assert [f.discriminator for f in found] == ["use1-az2", "use1-az3"]
    assert found[0].message == (
        f"AZ use1-az2 of VPC {ids['vpc']} holds private subnet(s) {ids['private'][1]} that reach the internet "
        f"through NAT gateway {ids['nat'][0]} in use1-az1, and has no available NAT gateway of its own: an "
        "impairment of another AZ cuts their internet egress. Create a NAT gateway in a public subnet of use1-az2 "
        "(~$32.85/month) and route them to it, or use a regional NAT gateway.")
    assert found[1].evidence["subnet_ids"] == [ids["private"][2]]
    assert found[1].evidence["added_monthly_cost_usd"] == 32.85


def test_pending_own_nat_is_named() -> None:
    snapshot, _ = _own_nat_not_available()
    (finding,) = findings(rule, snapshot)
    assert "has no available NAT gateway of its own (nat-" in finding.message
    assert "is pending)" in finding.message


def test_fix_creates_the_az_nat_gateway_and_moves_its_subnets_routes() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b, nat_per_az=False)
    az = b.subnets[ids["private"][1]].availability_zone_id
    [finding] = [f for f in findings(rule, b.snapshot()) if f.discriminator == az]
    label = f"nat-{ids['vpc']}-{az}"
    assert [(s.action, s.parameters) for s in finding.fix] == [
        ("ec2:AllocateAddress", {"Domain": "vpc"}),
        ("ec2:CreateNatGateway", {"SubnetId": ids["public"][1], "AllocationId": {"new_id": f"eip-{label}"}}),
        ("ec2:ReplaceRoute", {"RouteTableId": ids["private_rt"][1], "DestinationCidrBlock": "0.0.0.0/0",
                              "NatGatewayId": {"new_id": label}})]


def _local_zone_behind_the_region(*, recorded: bool) -> tuple[RegionBuilder, str]:
    """us-east-1a's NAT gateway serving a private subnet of the Boston Local Zone (zone 2,
    us-east-1-bos-1a), which has a public subnet of its own; ``recorded``: both zones as
    DescribeAvailabilityZones lists them. Returns the builder and the Local Zone's AZ ID."""
    b = RegionBuilder(az_count=1)
    b.azs.append(("us-east-1-bos-1a", "use1-bos1-az1"))
    vpc = b.vpc()
    igw = b.igw(vpc)
    public = [b.subnet(vpc, f"10.0.{i}.0/24", az=i) for i in (1, 2)]
    b.route_table(vpc, subnets=public, routes={"0.0.0.0/0": igw})
    nat = b.nat(public[0])
    b.workload(_private(b, vpc, 2, nat))
    if recorded:
        b.zone(1)
        b.zone(2, "local-zone", border_group="us-east-1-bos-1", parent=1)
    return b, "use1-bos1-az1"


def _allocate_and_create(snapshot: Snapshot, az: str) -> tuple[object, object]:
    [finding] = [f for f in findings(rule, snapshot) if f.discriminator == az]
    allocate, create, _ = finding.fix
    return allocate, create


def test_fix_allocates_a_local_zones_address_in_its_border_group() -> None:
    """The zone recorded as a Local Zone with its own network border group: the address is allocated
    there, "the network border group of the EIPs must match the network border group of the
    Availability Zone (AZ) that the public NAT gateway is in" (AssociateNatGatewayAddress). Ready."""
    b, az = _local_zone_behind_the_region(recorded=True)
    allocate, create = _allocate_and_create(b.snapshot(), az)
    assert allocate.parameters == {"Domain": "vpc", "NetworkBorderGroup": "us-east-1-bos-1"}
    assert "in network border group us-east-1-bos-1" in allocate.description
    assert allocate.ready and create.ready


@pytest.mark.parametrize("missing", [(), [Part.AVAILABILITY_ZONES]])
def test_fix_waits_for_the_border_group_of_a_zone_not_named_like_an_az(missing: list[Part]) -> None:
    """No zone records (an older snapshot, or the part denied): ``us-east-1-bos-1a`` is not the
    Region's name and one letter, so it may be a Local or Wavelength Zone. The address and the NAT
    gateway wait for a decision naming the border group question; an AZ's name keeps the ready step
    (test_fix_creates_the_az_nat_gateway_and_moves_its_subnets_routes)."""
    b, az = _local_zone_behind_the_region(recorded=False)
    allocate, create = _allocate_and_create(b.snapshot(missing=missing), az)
    assert allocate.parameters == {"Domain": "vpc",
                                   "NetworkBorderGroup": {"placeholder": "network border group of us-east-1-bos-1a"}}
    assert "us-east-1-bos-1a is not named like an Availability Zone of us-east-1" in allocate.decision
    assert "network border group" in create.decision and not create.ready


@pytest.mark.parametrize(("region", "monthly"), [("us-east-1", "$32.85"), ("cn-north-1", "CN¥233.24")])
def test_the_new_nat_gateway_is_priced_in_the_regions_currency(region: str, monthly: str) -> None:
    """The steps quote the Region's NAT gateway month from the cost model (a China Region's in
    CNY: vpcaudit's documented conversion), never a fixed us-east-1 dollar figure."""
    b = RegionBuilder(region=region)
    ids = standard_vpc(b, nat_per_az=False)
    az = b.subnets[ids["private"][1]].availability_zone_id
    [finding] = [f for f in findings(rule, b.snapshot(), Pricing().model(region)) if f.discriminator == az]
    create = next(s for s in finding.fix if s.action == "ec2:CreateNatGateway")
    assert create.description.endswith(f"(about {monthly}/month)")
