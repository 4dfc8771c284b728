"""NAT006 nat-instance-cannot-forward."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import pytest
from builders import REGION, RegionBuilder, standard_vpc
from rulecheck import findings, fix_of, triples

from vpcaudit.rules.nat.nat006_nat_instance_cannot_forward import nat_instance_cannot_forward as rule
from vpcaudit.snapshot.model import Part, Snapshot

ID = "NAT006"
EIP = "198.51.100.7"
Case = Callable[[], tuple[Snapshot, set[tuple[str, str, str]]]]


@dataclass
class Layout:
    b: RegionBuilder
    vpc: str
    public: str
    private: str
    private_rt: str
    instance: str
    eni: str  # the NAT instance's interface (its only one, unless more are added)


def _nat_instance(*, subnet: str = "public", check: bool | None = False, public_ip: bool = True,
                  route_to: str = "instance") -> Layout:
    """The NAT instance pattern: a public subnet (internet gateway), the NAT instance in it with an
    Elastic IP and source/destination checking off, and a private subnet whose default route goes
    to the instance (``route_to="instance"``) or its interface (``"eni"``)."""
    b = RegionBuilder()
    vpc = b.vpc()
    igw = b.igw(vpc)
    public = b.subnet(vpc, "10.0.0.0/24", az=1)
    private = b.subnet(vpc, "10.0.1.0/24", az=1)
    b.route_table(vpc, subnets=[public], routes={"0.0.0.0/0": igw})
    private_rt = b.route_table(vpc, subnets=[private])
    b.workload(private)
    instance = b.new_id("i")
    eni = b.workload(public if subnet == "public" else private)
    b.enis[eni] = replace(b.enis[eni], instance_id=instance, source_dest_check=check,
                          public_ip_addresses=(EIP,) if public_ip else ())
    b.route(private_rt, "0.0.0.0/0", instance if route_to == "instance" else eni,
            interface=eni if route_to == "instance" else None)
    return Layout(b, vpc, public, private, private_rt, instance, eni)


def _works() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    return _nat_instance().b.snapshot(), set()


def _check_left_on(route_to: str) -> Case:
    def build() -> tuple[Snapshot, set[tuple[str, str, str]]]:
        n = _nat_instance(check=True, route_to=route_to)
        return n.b.snapshot(), {(ID, n.instance if route_to == "instance" else n.eni, "fail")}
    return build


def _in_the_private_subnet() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    n = _nat_instance(subnet="private")
    return n.b.snapshot(), {(ID, n.instance, "fail")}


def _public_subnet_without_public_address() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    n = _nat_instance(public_ip=False)
    return n.b.snapshot(), {(ID, n.instance, "fail")}


def _subnet_without_default_route() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    """The NAT instance in a subnet of its own on the main table (local route only)."""
    n = _nat_instance()
    isolated = n.b.subnet(n.vpc, "10.0.2.0/24", az=1)
    n.b.enis[n.eni] = replace(n.b.enis[n.eni], subnet_id=isolated)
    return n.b.snapshot(), {(ID, n.instance, "fail")}


def _onward_through_a_nat_gateway() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    """A NAT instance (say, a filtering proxy) in a subnet that itself leaves through a NAT gateway."""
    n = _nat_instance(public_ip=False)
    middle = n.b.subnet(n.vpc, "10.0.3.0/24", az=1)
    n.b.route_table(n.vpc, subnets=[middle], routes={"0.0.0.0/0": n.b.nat(n.public)})
    n.b.enis[n.eni] = replace(n.b.enis[n.eni], subnet_id=middle)
    return n.b.snapshot(), set()


def _fck_nat(static_check: bool) -> Case:
    """fck-nat in HA mode: the route names the instance and, beside it, the static private interface
    (no public address); the ephemeral interface carries the public address, its check turned off
    by the AMI. Silent with the static interface's check off; with it on, the finding names it."""
    def build() -> tuple[Snapshot, set[tuple[str, str, str]]]:
        n = _nat_instance(check=static_check, public_ip=False)
        ephemeral = n.b.workload(n.public)
        n.b.enis[ephemeral] = replace(n.b.enis[ephemeral], instance_id=n.instance, source_dest_check=False,
                                      public_ip_addresses=(EIP,))
        return n.b.snapshot(), {(ID, n.instance, "fail")} if static_check else set()
    return build


def _fck_nat_routed_to_the_static_interface() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    """The route as the module writes it, to the static interface; the public one carries the address."""
    n = _nat_instance(public_ip=False, route_to="eni")
    ephemeral = n.b.workload(n.public)
    n.b.enis[ephemeral] = replace(n.b.enis[ephemeral], instance_id=n.instance, source_dest_check=True,
                                  public_ip_addresses=(EIP,))
    return n.b.snapshot(), set()


def _lone_interface(check: bool) -> Case:
    """A route to an interface attached to no instance (an appliance's, listed alone)."""
    def build() -> tuple[Snapshot, set[tuple[str, str, str]]]:
        n = _nat_instance(check=check, route_to="eni")
        n.b.enis[n.eni] = replace(n.b.enis[n.eni], instance_id=None)
        return n.b.snapshot(), {(ID, n.eni, "fail")} if check else set()
    return build


def _detached_interface_blackholed() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    """The instance gone, its interface left ``available`` and the route ``blackhole``: RT001's."""
    n = _nat_instance(check=True, route_to="eni")
    n.b.enis[n.eni] = replace(n.b.enis[n.eni], instance_id=None, status="available")
    table = n.b.route_tables[n.private_rt]
    n.b.route_tables[n.private_rt] = replace(table, routes=tuple(
        replace(x, state="blackhole") if x.destination == "0.0.0.0/0" else x for x in table.routes))
    return n.b.snapshot(), set()


def _unused_route_table() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    """A table no subnet uses routes to a NAT instance that could not forward: nothing is lost."""
    n = _nat_instance(check=True)
    table = n.b.route_tables[n.private_rt]
    n.b.route_tables[n.private_rt] = replace(table, associations=())
    return n.b.snapshot(), set()


def _not_recorded(**fields: object) -> Case:
    def build() -> tuple[Snapshot, set[tuple[str, str, str]]]:
        n = _nat_instance()
        n.b.enis[n.eni] = replace(n.b.enis[n.eni], **fields)
        return n.b.snapshot(), {(ID, n.instance, "not_evaluated")}
    return build


def _check_not_recorded_but_no_way_out() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    """An older snapshot: the check not recorded, but the instance sits behind its own route."""
    n = _nat_instance(subnet="private", check=None)
    return n.b.snapshot(), {(ID, n.instance, "fail")}


def _interfaces_not_collected() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    n = _nat_instance()
    del n.b.enis[n.eni]
    return n.b.snapshot(), {(ID, n.instance, "not_evaluated")}


def _route_without_its_interface_recorded(checks: tuple[bool, bool]) -> Case:
    """An older snapshot: the route to a two-interface instance without the interface beside it.
    Either may receive, so the check fails only when both have it on."""
    def build() -> tuple[Snapshot, set[tuple[str, str, str]]]:
        n = _nat_instance(check=checks[0])
        second = n.b.workload(n.public)
        n.b.enis[second] = replace(n.b.enis[second], instance_id=n.instance, source_dest_check=checks[1])
        table = n.b.route_tables[n.private_rt]
        n.b.route_tables[n.private_rt] = replace(table, routes=tuple(
            replace(x, network_interface_id=None) for x in table.routes))
        return n.b.snapshot(), {(ID, n.instance, "fail")} if all(checks) else set()
    return build


def _shared_vpc() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    n = _nat_instance(check=True)
    for subnet_id in (n.public, n.private):
        n.b.subnets[subnet_id] = replace(n.b.subnets[subnet_id], owner_id="222222222222")
    return n.b.snapshot(), {(ID, n.instance, "not_evaluated")}


def _nat_gateways_only() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    """NAT gateways (even one in a private subnet: NAT001's) are never NAT instances."""
    b = RegionBuilder()
    standard_vpc(b)
    vpc = b.vpc("10.1.0.0/16")
    b.igw(vpc)
    private = b.subnet(vpc, "10.1.1.0/24")
    b.route_table(vpc, subnets=[private], routes={"0.0.0.0/0": b.nat(private)})
    return b.snapshot(), set()


CASES: list[tuple[str, Case]] = [
    ("NAT instance in a public subnet, Elastic IP, check off", _works),
    ("source/destination check left on (route to the instance)", _check_left_on("instance")),
    ("source/destination check left on (route to its interface)", _check_left_on("eni")),
    ("NAT instance in the private subnet routed to it", _in_the_private_subnet),
    ("public subnet, but no public address", _public_subnet_without_public_address),
    ("subnet without a default route", _subnet_without_default_route),
    ("onward through a NAT gateway", _onward_through_a_nat_gateway),
    ("fck-nat: static interface's check off", _fck_nat(False)),
    ("fck-nat: static interface's check left on", _fck_nat(True)),
    ("fck-nat: routed to the static interface", _fck_nat_routed_to_the_static_interface),
    ("lone interface, check off", _lone_interface(False)),
    ("lone interface, check on", _lone_interface(True)),
    ("detached interface, blackhole route", _detached_interface_blackholed),
    ("route table no subnet uses", _unused_route_table),
    ("check not recorded", _not_recorded(source_dest_check=None)),
    ("public addresses not recorded", _not_recorded(public_ip_addresses=None)),
    ("check not recorded, no way out", _check_not_recorded_but_no_way_out),
    ("interfaces not collected", _interfaces_not_collected),
    ("route's interface not recorded, both checks on", _route_without_its_interface_recorded((True, True))),
    ("route's interface not recorded, one check off", _route_without_its_interface_recorded((True, False))),
    ("VPC shared by another account", _shared_vpc),
    ("NAT gateways only", _nat_gateways_only),
]


@pytest.mark.parametrize("build", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_cases(build: Case) -> None:
    snapshot, expected = build()
    assert triples(rule, snapshot) == expected


def test_not_evaluated_without_interfaces() -> None:
    n = _nat_instance(check=True)
    assert triples(rule, n.b.snapshot(missing=[Part.NETWORK_INTERFACES])) == {(ID, REGION, "not_evaluated")}


def test_message_names_tables_clients_interface_and_both_conditions() -> None:
    n = _nat_instance(subnet="private", check=True)
    other = n.b.subnet(n.vpc, "10.0.5.0/24", az=2)
    other_rt = n.b.route_table(n.vpc, subnets=[other])
    n.b.route(other_rt, "0.0.0.0/0", n.instance, interface=n.eni)
    (finding,) = findings(rule, n.b.snapshot())
    assert finding.resource.resource_type == "instance"
    assert finding.message == (
        f"Route table(s) {n.private_rt} ({n.private}); {other_rt} ({other}) send 0.0.0.0/0 to NAT instance "
        f"{n.instance}, which cannot forward it: source/destination checking is on for {n.eni}, which drops every "
        f"packet not addressed to it; and none of its interfaces has a way out of the VPC ({n.eni} in {n.private}: "
        f"the subnet's IPv4 default route leads back to {n.instance}, the NAT instance itself). So "
        f"{', '.join(sorted([n.private, other]))} have no working internet egress.")
    assert finding.evidence == {
        "target_kind": "instance", "route_table_ids": sorted([n.private_rt, other_rt]),
        "client_subnet_ids": sorted([n.private, other]), "receiving_interface_ids": [n.eni],
        "source_dest_check": True, "interface_subnet_ids": [n.private], "no_way_out": True}


def test_no_public_address_is_said() -> None:
    n = _nat_instance(public_ip=False)
    (finding,) = findings(rule, n.b.snapshot())
    assert "goes to internet gateway" in finding.message and "no public IPv4 address" in finding.message
    assert "source/destination" not in finding.message


def test_not_evaluated_says_what_was_not_recorded() -> None:
    snapshot, _ = _not_recorded(source_dest_check=None)()
    (finding,) = findings(rule, snapshot)
    assert "source/destination checking" in finding.message and "not recorded" in finding.message
    snapshot, _ = _not_recorded(public_ip_addresses=None)()
    (finding,) = findings(rule, snapshot)
    assert "public addresses were not recorded" in finding.message


def test_fix_turns_the_check_off_on_the_receiving_interface() -> None:
    n = _nat_instance(check=True)
    assert fix_of(rule, n.b.snapshot(), n.instance) == [
        ("ec2:ModifyNetworkInterfaceAttribute", {"NetworkInterfaceId": n.eni, "SourceDestCheck": {"Value": False}},
         "modify", True)]


def test_fck_nat_fix_names_the_static_interface_only() -> None:
    snapshot, _ = _fck_nat(True)()
    (finding,) = findings(rule, snapshot)
    (fix,) = finding.fix
    assert finding.evidence["receiving_interface_ids"] == [fix.parameters["NetworkInterfaceId"]]
    assert fix.context == {"SubnetId": finding.evidence["interface_subnet_ids"][0]}


def test_fix_for_no_way_out_needs_a_decision() -> None:
    """A NAT gateway in the public subnet of its AZ and the route moved to it — or the instance
    moved to a public subnet with an Elastic IP: the owner decides, so no step is ready."""
    n = _nat_instance(subnet="private")
    label = f"nat-{n.vpc}-{n.b.subnets[n.public].availability_zone_id}"
    steps = fix_of(rule, n.b.snapshot(), n.instance)
    assert steps == [
        ("ec2:AllocateAddress", {"Domain": "vpc"}, "create", False),
        ("ec2:CreateNatGateway", {"SubnetId": n.public, "AllocationId": {"new_id": f"eip-{label}"}}, "create", False),
        ("ec2:ReplaceRoute", {"RouteTableId": n.private_rt, "DestinationCidrBlock": "0.0.0.0/0",
                              "NatGatewayId": {"new_id": label}}, "modify", False)]
    (finding,) = findings(rule, n.b.snapshot())
    assert all("move it to a public subnet" in (s.decision or "") for s in finding.fix)
