"""NetworkView: the shared definitions of docs/network-model.md that every rule reads.

Effective route tables (explicit, else main), egress classes per address family (firewall
endpoint hops, public / regional / private NAT gateways, Block Public Access), public and
private subnets, workload ENIs and client AZs.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from builders import RegionBuilder, standard_vpc

from vpcaudit.network.secgroups import client_groups
from vpcaudit.network.view import BorderGroup, ClientAzs, msk_connection_cluster
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part, State

GWLB_SERVICE = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"


def _one_subnet(routes: dict[str, str]) -> tuple[RegionBuilder, str, str]:
    """A VPC with one dual-stack subnet on its own route table holding ``routes``."""
    b = RegionBuilder()
    vpc = b.vpc()
    subnet = b.subnet(vpc, "10.0.1.0/24", ipv6_cidrs=["2600:1f18:1:1::/64"])
    b.route_table(vpc, subnets=[subnet], routes=routes)
    return b, vpc, subnet


def _table_of(b: RegionBuilder, subnet: str) -> str:
    return next(t.route_table_id for t in b.route_tables.values() if subnet in t.subnet_ids)


# -- effective route table ---------------------------------------------------------------------

def test_explicit_association_beats_the_main_table() -> None:
    b = RegionBuilder()
    vpc = b.vpc()
    explicit_subnet = b.subnet(vpc, "10.0.1.0/24")
    implicit_subnet = b.subnet(vpc, "10.0.2.0/24")
    table = b.route_table(vpc, subnets=[explicit_subnet])
    view = b.view()
    main = view.main_route_table(vpc)
    assert main is not None and main.route_table_id == b.main_route_table(vpc)
    assert view.effective_route_table(explicit_subnet).route_table_id == table
    assert view.effective_route_table(implicit_subnet) is main
    assert (view.uses_main_table(explicit_subnet), view.uses_main_table(implicit_subnet)) == (False, True)
    assert view.implicit_subnets(main) == (implicit_subnet,)
    assert view.implicit_subnets(view.route_tables[table]) == (explicit_subnet,)


def test_main_table_fallback_drives_egress() -> None:
    b = RegionBuilder()
    vpc = b.vpc()
    igw = b.igw(vpc)
    subnet = b.subnet(vpc, "10.0.1.0/24")
    b.route(b.main_route_table(vpc), "0.0.0.0/0", igw)
    egress = b.view().egress(subnet)
    assert (egress.klass, egress.target_id, egress.route_table_id) == ("igw", igw, b.main_route_table(vpc))


def test_disassociated_association_does_not_count() -> None:
    b = RegionBuilder()
    vpc = b.vpc()
    subnet = b.subnet(vpc, "10.0.1.0/24")
    table = b.route_table(vpc)
    gone = r.RouteTableAssociation("rtbassoc-old", False, subnet, None, "disassociated")
    b.route_tables[table] = replace(b.route_tables[table], associations=(gone,))
    view = b.view()
    assert view.effective_route_table(subnet).route_table_id == b.main_route_table(vpc)


# -- egress classes ------------------------------------------------------------------------------

@pytest.mark.parametrize(("target", "klass"), [
    ("igw-1", "igw"), ("tgw-1", "tgw"), ("vgw-1", "vgw"), ("pcx-1", "other"), ("local", "other"),
    ("i-0123", "nat"), ("eni-appliance", "nat"), ("cagw-1", "carrier"), ("lgw-1", "lgw"),
    ("arn:aws:networkmanager::111111111111:core-network/core-network-1", "cloudwan"),
])
def test_ipv4_egress_class_by_default_route_target(target: str, klass: str) -> None:
    b, _, subnet = _one_subnet({"0.0.0.0/0": target})
    egress = b.view().egress(subnet)
    assert (egress.klass, egress.target_id) == (klass, target)


def test_no_default_route_and_blackhole_default_route_are_none() -> None:
    b, _, isolated = _one_subnet({})
    assert b.view().egress(isolated).klass == "none"
    assert b.view().egress(isolated).detail == "no 0.0.0.0/0 route"
    b2, _, dead = _one_subnet({})
    b2.route(_table_of(b2, dead), "0.0.0.0/0", "nat-gone", state="blackhole")
    egress = b2.view().egress(dead)
    assert (egress.klass, egress.target_id) == ("none", "nat-gone")
    assert "blackhole" in egress.detail


def test_public_zonal_regional_and_private_nat_gateways() -> None:
    b = RegionBuilder()
    vpc = b.vpc()
    igw = b.igw(vpc)
    public = b.subnet(vpc, "10.0.0.0/24", az=1)
    b.route_table(vpc, subnets=[public], routes={"0.0.0.0/0": igw})
    zonal = b.nat(public)
    regional = b.nat(public, mode="regional", vpc_id=vpc)
    private_nat = b.nat(public, connectivity="private")
    subnets = {}
    for name, nat in (("zonal", zonal), ("regional", regional), ("private", private_nat)):
        subnets[name] = b.subnet(vpc, f"10.0.{len(subnets) + 10}.0/24", az=2)
        b.route_table(vpc, subnets=[subnets[name]], routes={"0.0.0.0/0": nat})
    view = b.view()
    assert view.egress(subnets["zonal"]).klass == "nat"
    assert view.egress(subnets["regional"]).klass == "nat"
    assert view.egress(subnets["private"]).klass == "private-nat"
    assert view.internet_egress(subnets["private"]) is None  # a private NAT gateway reaches no internet
    assert view.internet_egress(subnets["zonal"]) == "nat"


@pytest.mark.parametrize(("onward", "klass"), [
    ("tgw-0123", "tgw"),
    ("vgw-0123", "vgw"),
    ("igw", "private-nat"),  # an internet gateway drops traffic from a private NAT gateway
    (None, "private-nat"),  # the NAT gateway's subnet has only the local route
    ("another private NAT gateway", "private-nat"),  # never followed from one into another
    ("the same private NAT gateway", "private-nat"),  # a loop
])
def test_a_private_nat_gateway_is_followed_to_where_its_subnet_sends_traffic(onward: str | None,
                                                                             klass: str) -> None:
    """AWS routes a private NAT gateway's traffic "through a transit gateway or a virtual private
    gateway": its clients reach beyond the VPC exactly when the NAT gateway's subnet does."""
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16", extra_cidrs=["100.64.0.0/16"])
    nat_subnet = b.subnet(vpc, "10.0.0.0/24", az=1)
    private_nat = b.nat(nat_subnet, connectivity="private")
    targets = {"igw": b.igw(vpc), "another private NAT gateway": b.nat(b.subnet(vpc, "10.0.1.0/24", az=1),
                                                                     connectivity="private"),
               "the same private NAT gateway": private_nat}
    target = targets.get(onward or "", onward)
    b.route_table(vpc, subnets=[nat_subnet], routes={"0.0.0.0/0": target} if target else {})
    clients = b.subnet(vpc, "100.64.0.0/24", az=1)
    b.route_table(vpc, subnets=[clients], routes={"0.0.0.0/0": private_nat})
    view = b.view()
    egress = view.egress(clients)
    assert egress.klass == klass
    assert egress.private_nat == (private_nat if klass != "private-nat" else None)
    assert view.internet_egress(clients) == (klass if klass != "private-nat" else None)
    [path] = [p for p in view.traffic_paths() if p.subnet_id == clients and p.destination == "internet"]
    assert (path.kind, path.target_id) == ("private-nat", private_nat)
    assert path.detail == (f"then {klass} {target}" if klass != "private-nat" else "")


def test_firewall_endpoint_hop_is_followed_to_the_firewall_subnet() -> None:
    b = RegionBuilder()
    vpc = b.vpc()
    igw = b.igw(vpc)
    fw_subnet = b.subnet(vpc, "10.0.0.0/28", az=1)
    b.route_table(vpc, subnets=[fw_subnet], routes={"0.0.0.0/0": igw})
    fw = b.interface_endpoint(vpc, "fw", subnets=[fw_subnet], endpoint_type="GatewayLoadBalancer",
                              service_name=GWLB_SERVICE)
    app = b.subnet(vpc, "10.0.1.0/24", az=1)
    b.route_table(vpc, subnets=[app], routes={"0.0.0.0/0": fw})
    egress = b.view().egress(app)
    assert (egress.klass, egress.target_id, egress.hops) == ("igw", igw, (fw,))
    assert b.view().is_public(app)


def test_firewall_hop_then_nat_gateway() -> None:
    b = RegionBuilder()
    vpc = b.vpc()
    igw = b.igw(vpc)
    public = b.subnet(vpc, "10.0.0.0/24", az=1)
    b.route_table(vpc, subnets=[public], routes={"0.0.0.0/0": igw})
    nat = b.nat(public)
    fw_subnet = b.subnet(vpc, "10.0.50.0/28", az=1)
    b.route_table(vpc, subnets=[fw_subnet], routes={"0.0.0.0/0": nat})
    fw = b.interface_endpoint(vpc, "fw", subnets=[fw_subnet], endpoint_type="GatewayLoadBalancer",
                              service_name=GWLB_SERVICE)
    app = b.subnet(vpc, "10.0.1.0/24", az=1)
    b.route_table(vpc, subnets=[app], routes={"0.0.0.0/0": fw})
    egress = b.view().egress(app)
    assert (egress.klass, egress.target_id, egress.hops) == ("nat", nat, (fw,))
    assert b.view().internet_egress(app) == "nat"


def test_firewall_endpoint_without_known_subnet_and_routing_loops_are_other() -> None:
    b, vpc, subnet = _one_subnet({"0.0.0.0/0": "vpce-unknown"})
    assert b.view().egress(subnet).klass == "other"
    a_subnet = b.subnet(vpc, "10.0.2.0/28", az=1)
    c_subnet = b.subnet(vpc, "10.0.3.0/28", az=1)
    a = b.interface_endpoint(vpc, "fw", subnets=[a_subnet], endpoint_type="GatewayLoadBalancer",
                             service_name=GWLB_SERVICE)
    c = b.interface_endpoint(vpc, "fw", subnets=[c_subnet], endpoint_type="GatewayLoadBalancer",
                             service_name=GWLB_SERVICE)
    b.route_table(vpc, subnets=[a_subnet], routes={"0.0.0.0/0": c})
    b.route_table(vpc, subnets=[c_subnet], routes={"0.0.0.0/0": a})
    loop = b.view().egress(a_subnet)
    assert (loop.klass, loop.detail) == ("other", "firewall routing loops")


def test_ipv6_egress_is_its_own_family() -> None:
    b, vpc, subnet = _one_subnet({"0.0.0.0/0": "nat-1"})
    eigw = b.eigw(vpc)
    b.route(_table_of(b, subnet), "::/0", eigw)
    view = b.view()
    assert (view.egress(subnet).klass, view.egress(subnet, ipv6=True).klass) == ("nat", "eigw")
    assert view.is_private(subnet)


def test_ipv6_only_internet_gateway_makes_the_subnet_public() -> None:
    b, _, subnet = _one_subnet({"::/0": "igw-1"})
    view = b.view()
    assert view.egress(subnet).klass == "none"
    assert view.is_public(subnet) and view.internet_egress(subnet) == "igw"


@pytest.mark.parametrize(("ipv4", "ipv6", "public", "egress"), [
    # A route serves only the address family the subnet's resources have (AWS: IPv6 routes carry
    # traffic of resources with IPv6 addresses; an IPv6-only subnet sends no IPv4 packet).
    ("10.0.1.0/24", (), False, "nat"),  # IPv4 only: ::/0 to the internet gateway carries nothing
    (None, ("2600:1f18:1:1::/64",), False, "eigw"),  # IPv6 only: 0.0.0.0/0 to the IGW carries nothing
    ("10.0.1.0/24", ("2600:1f18:1:1::/64",), True, "igw"),  # dual stack: public over IPv6
    (None, (), True, "igw"),  # no CIDR recorded: both families assumed
])
def test_a_route_makes_a_subnet_public_only_for_a_family_it_has(ipv4: str | None, ipv6: tuple[str, ...],
                                                                  public: bool, egress: str) -> None:
    b = RegionBuilder()
    vpc = b.vpc()
    subnet = b.subnet(vpc, "10.0.1.0/24")
    b.subnets[subnet] = replace(b.subnets[subnet], cidr_block=ipv4, ipv6_cidr_blocks=ipv6)
    igw, eigw = b.igw(vpc), b.eigw(vpc)
    ipv6_only = ipv4 is None and bool(ipv6)
    routes = {"0.0.0.0/0": igw, "::/0": eigw} if ipv6_only else {"0.0.0.0/0": "nat-1", "::/0": igw}
    b.route_table(vpc, subnets=[subnet], routes=routes)
    view = b.view()
    assert (view.is_public(subnet), view.internet_egress(subnet)) == (public, egress)


@pytest.mark.parametrize(("target", "expected"), [
    ("nat-1", "nat"), ("tgw-1", "tgw"), ("vgw-1", "vgw"),
    ("arn:aws:networkmanager::111111111111:core-network/core-network-1", "cloudwan"), ("pcx-1", None),
    ("lgw-1", "lgw"),  # an Outposts local gateway: the on-premises network, as a VGW's
    ("cagw-1", "carrier"),  # a Wavelength carrier gateway, for interfaces with a carrier IP
])
def test_internet_egress_of_private_subnets(target: str, expected: str | None) -> None:
    b, _, subnet = _one_subnet({"0.0.0.0/0": target})
    assert b.view().internet_egress(subnet) == expected


@pytest.mark.parametrize(("carrier_ips", "expected"), [
    (("155.146.10.25",), "carrier"),
    ((), None),  # recorded without one: the carrier gateway translates nothing of theirs
    (None, "carrier"),  # not recorded (an older snapshot): the subnet's reading stands
])
def test_a_carrier_gateway_is_a_way_out_only_for_interfaces_with_a_carrier_ip(
        carrier_ips: tuple[str, ...] | None, expected: str | None) -> None:
    """ "The carrier gateway uses the address for traffic from the interface to the internet"
    (Wavelength Developer Guide): as an internet gateway asks for a public IPv4 address."""
    b, _, subnet = _one_subnet({"0.0.0.0/0": "cagw-1"})
    eni = b.workload(subnet)
    b.enis[eni] = replace(b.enis[eni], carrier_ip_addresses=carrier_ips)
    view = b.view()
    assert view.interfaces_internet_egress(subnet, [view.interfaces[eni]]) == expected


def test_eigw_gives_internet_egress_to_ipv6_clients_only() -> None:
    b, vpc, subnet = _one_subnet({})
    eigw = b.eigw(vpc)
    b.route(_table_of(b, subnet), "::/0", eigw)
    assert b.view().internet_egress(subnet) == "eigw"


def _public_ipv4_subnet(ipv6_target: str | None = None) -> tuple[RegionBuilder, str, str]:
    """A subnet sending 0.0.0.0/0 to an internet gateway (and ::/0 to ``ipv6_target``), with a workload."""
    b, vpc, subnet = _one_subnet({"0.0.0.0/0": "igw-1"})
    if ipv6_target is not None:
        b.route(_table_of(b, subnet), "::/0", b.eigw(vpc) if ipv6_target == "eigw" else ipv6_target)
    return b, subnet, b.workload(subnet)


@pytest.mark.parametrize(("addresses", "expected"), [
    ((), None),  # recorded without a public address: the internet gateway drops its IPv4 traffic
    (("203.0.113.10",), "igw"),
    (None, "igw"),  # not recorded (an older snapshot): the subnet's reading stands
])
def test_interfaces_without_a_public_address_get_no_internet_egress_from_an_igw(
        addresses: tuple[str, ...] | None, expected: str | None) -> None:
    b, subnet, eni = _public_ipv4_subnet()
    b.enis[eni] = replace(b.enis[eni], public_ip_addresses=addresses)
    view = b.view()
    assert view.internet_egress(subnet) == "igw"
    assert view.interfaces_internet_egress(subnet, [b.enis[eni]]) == expected


def test_one_interface_with_a_public_address_keeps_the_subnets_igw() -> None:
    b, subnet, eni = _public_ipv4_subnet()
    other = b.workload(subnet)
    b.enis[other] = replace(b.enis[other], public_ip_addresses=("203.0.113.10",))
    view = b.view()
    assert view.interfaces_internet_egress(subnet, [b.enis[eni], b.enis[other]]) == "igw"
    assert view.interfaces_internet_egress(subnet, [b.enis[eni]]) is None
    assert view.interfaces_internet_egress(subnet, []) == "igw"  # no interfaces: the subnet's reading


@pytest.mark.parametrize(("ipv6_target", "expected"), [("eigw", "eigw"), ("igw-1", "igw"), ("pcx-1", None)])
def test_interfaces_without_a_public_address_keep_the_subnets_ipv6_egress(ipv6_target: str,
                                                                          expected: str | None) -> None:
    b, subnet, eni = _public_ipv4_subnet(ipv6_target)
    assert b.view().interfaces_internet_egress(subnet, [b.enis[eni]]) == expected


def test_nat_egress_and_interfaces_of_other_subnets_are_left_alone() -> None:
    b, vpc, subnet = _one_subnet({"0.0.0.0/0": "nat-1"})
    eni = b.workload(subnet)  # recorded without a public address: the NAT gateway translates for it
    public = b.subnet(vpc, "10.0.2.0/24")
    b.route_table(vpc, subnets=[public], routes={"0.0.0.0/0": "igw-1"})
    view = b.view()
    assert view.interfaces_internet_egress(subnet, [b.enis[eni]]) == "nat"
    assert view.interfaces_internet_egress(public, [b.enis[eni]]) == "igw"  # none of them in the subnet


def test_ambiguous_default_route_is_not_guessed() -> None:
    b, _, subnet = _one_subnet({})
    table = _table_of(b, subnet)
    b.route(table, b.prefix_list("all-a", ["0.0.0.0/0"]), "igw-1")
    b.route(table, b.prefix_list("all-b", ["0.0.0.0/0"]), "nat-1")
    egress = b.view().egress(subnet)
    assert egress.klass == "other" and "AWS picks one arbitrarily" in egress.detail
    assert not b.view().is_public(subnet)


def test_static_default_route_beats_a_propagated_one() -> None:
    b, _, subnet = _one_subnet({})
    table = _table_of(b, subnet)
    b.route(table, "0.0.0.0/0", "vgw-1", origin="EnableVgwRoutePropagation")
    b.route(table, "0.0.0.0/0", "igw-1")
    assert b.view().egress(subnet).klass == "igw"


# -- VPC Block Public Access -----------------------------------------------------------------------

def _public_dual_stack() -> tuple[RegionBuilder, str, str]:
    b = RegionBuilder()
    vpc = b.vpc()
    igw = b.igw(vpc)
    subnet = b.subnet(vpc, "10.0.1.0/24", ipv6_cidrs=["2600:1f18:1:1::/64"])
    b.route_table(vpc, subnets=[subnet], routes={"0.0.0.0/0": igw, "::/0": igw})
    return b, vpc, subnet


def test_bidirectional_block_public_access_blocks_both_families() -> None:
    b, _, subnet = _public_dual_stack()
    b.block_public_access = r.BlockPublicAccess("block-bidirectional", (), ())
    view = b.view()
    assert (view.egress(subnet).klass, view.egress(subnet, ipv6=True).klass) == ("none", "none")
    assert "Block Public Access" in view.egress(subnet).detail
    assert view.is_private(subnet) and view.internet_egress(subnet) is None


def test_bidirectional_block_public_access_blocks_egress_only_gateways() -> None:
    b, vpc, subnet = _one_subnet({})
    eigw = b.eigw(vpc)
    b.route(_table_of(b, subnet), "::/0", eigw)
    b.block_public_access = r.BlockPublicAccess("block-bidirectional", (), ())
    assert b.view().egress(subnet, ipv6=True).klass == "none"


@pytest.mark.parametrize("bpa", [
    None,  # not collected: nothing is assumed blocked
    r.BlockPublicAccess("off", (), ()),
    r.BlockPublicAccess("block-ingress", (), ()),  # NAT gateways in public subnets keep working
])
def test_block_public_access_that_does_not_block(bpa: r.BlockPublicAccess | None) -> None:
    b, _, subnet = _public_dual_stack()
    b.block_public_access = bpa
    assert b.view().egress(subnet).klass == "igw"


def test_block_public_access_exclusions() -> None:
    b, vpc, subnet = _public_dual_stack()
    b.block_public_access = r.BlockPublicAccess("block-bidirectional", (), (subnet,))
    assert b.view().egress(subnet).klass == "igw"
    b.block_public_access = r.BlockPublicAccess("block-bidirectional", (vpc,), ())
    assert b.view().egress(subnet, ipv6=True).klass == "igw"


# -- public / private, workloads, client AZs ----------------------------------------------------

def test_public_and_private_subnets_of_a_standard_vpc() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b)
    view = b.view()
    assert all(view.is_public(s) for s in ids["public"])
    assert [s.subnet_id for s in view.private_subnets(ids["vpc"])] == ids["private"]


@pytest.mark.parametrize(("interface_type", "requester_managed", "description", "workload"), [
    ("interface", False, "", True),
    # Application and Classic Load Balancer nodes forward; they call no interface endpoint.
    ("interface", True, "ELB app/web/50dc6c495c0c9188", False),
    ("interface", True, "ELB classic-web", False),
    ("interface", False, "ELB app/web/50dc6c495c0c9188 (copied by hand)", True),
    # An EKS cluster's control-plane interfaces, reported requester-managed or not: they reach the
    # cluster's nodes and pods, not AWS services' endpoints. Other descriptions stay workloads.
    ("interface", False, "Amazon EKS prod-cluster_1", False),
    ("interface", True, "Amazon EKS prod-cluster_1", False),
    ("interface", True, "Amazon EKS prod-cluster_1 pod default/web", True),
    ("interface", False, "aws-K8S-i-0a1b2c3d4e5f60718", True),
    ("lambda", True, "AWS Lambda VPC ENI", True),
    ("interface", True, "arn:aws:ecs:us-east-1:111111111111:attachment/x", True),  # Fargate task
    ("efa", False, "", True), ("trunk", False, "", True), ("branch", False, "", True),
    ("interface", True, "Route 53 Resolver: rslvr-in-1", False),
    ("interface", True, "EFS mount target for fs-0a1b2c3d4e5f60718 (fsmt-0f1e2d3c4b5a69788)", False),
    ("interface", False, "EFS mount target for fs-0a1b2c3d4e5f60718 (copied by hand)", True),
    # As the EFS API reference documents CreateMountTarget's interface.
    ("interface", True, "Mount target fsmt-0f1e2d3c4b5a69788 for file system fs-0a1b2c3d4e5f60718", False),
    ("interface", False, "Mount target fsmt-0f1e2d3c4b5a69788 for file system fs-0a1b2c3d4e5f60718", True),
    ("vpc_endpoint", True, "", False), ("nat_gateway", True, "", False),
    ("network_load_balancer", True, "", False), ("transit_gateway", True, "", False),
    ("some_future_type", False, "", False),
])
def test_workload_eni_types(interface_type: str, requester_managed: bool, description: str, workload: bool) -> None:
    b = RegionBuilder()
    vpc = b.vpc()
    subnet = b.subnet(vpc, "10.0.1.0/24")
    eni = b.workload(subnet, interface_type=interface_type, requester_managed=requester_managed,
                     description=description)
    view = b.view()
    assert view.is_workload(view.interfaces[eni]) is workload


def test_an_interface_requested_by_elastic_load_balancing_is_no_workload_whatever_its_description() -> None:
    b = RegionBuilder()
    subnet = b.subnet(b.vpc(), "10.0.1.0/24")
    node = b.workload(subnet, requester_managed=True, requester_id="amazon-elb", description="")
    lambda_eni = b.workload(subnet, requester_managed=True, requester_id="AROAEXAMPLE:lambda", description="")
    view = b.view()
    assert (view.is_workload(view.interfaces[node]), view.is_workload(view.interfaces[lambda_eni])) == (False, True)


def test_endpoint_and_nat_enis_are_plumbing_even_when_typed_interface() -> None:
    """moto reports endpoint ENIs as 'interface': they are linked through the endpoint instead."""
    b = RegionBuilder()
    ids = standard_vpc(b, azs=1)
    endpoint = b.interface_endpoint(ids["vpc"], "ssm", subnets=ids["private"])
    eni = b.endpoints[endpoint].network_interface_ids[0]
    b.enis[eni] = replace(b.enis[eni], interface_type="interface", requester_managed=False)
    nat_eni = b.nats[ids["nat"][0]].addresses[0].network_interface_id
    assert nat_eni is not None
    b.enis[nat_eni] = r.NetworkInterface(nat_eni, "interface", False, None, "", ids["vpc"], ids["public"][0],
                                         "us-east-1a", "use1-az1", (), ("10.0.1.5",), (), "in-use", None, ())
    view = b.view()
    assert not view.is_workload(view.interfaces[eni])
    assert not view.is_workload(view.interfaces[nat_eni])
    assert len(view.workload_enis(ids["vpc"])) == 1


def test_client_azs_from_workload_enis_by_az_id() -> None:
    b = RegionBuilder()
    vpc = b.vpc()
    igw = b.igw(vpc)
    public = b.subnet(vpc, "10.0.0.0/24", az=3)
    b.route_table(vpc, subnets=[public], routes={"0.0.0.0/0": igw})
    private = [b.subnet(vpc, f"10.0.{i}.0/24", az=i) for i in (1, 2)]
    b.workload(private[0])
    b.workload(public)  # public subnets hold clients too
    view = b.view()
    azs = view.client_azs(vpc)
    assert (azs.az_ids, azs.from_enis) == (frozenset({"use1-az1", "use1-az3"}), True)
    assert [s.subnet_id for s in view.client_subnets(vpc)] == [private[0], public]


def test_client_azs_without_enis_fall_back_to_private_subnets() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b, azs=2)
    view = b.view(missing=[Part.NETWORK_INTERFACES])
    azs = view.client_azs(ids["vpc"])
    assert (azs.az_ids, azs.from_enis) == (frozenset({"use1-az1", "use1-az2"}), False)
    assert [s.subnet_id for s in view.client_subnets(ids["vpc"])] == ids["private"]


def _s3_interface_endpoint(*, private_dns: bool, inbound_only: bool | None,
                           gateway: bool = True) -> tuple[RegionBuilder, str, list[str]]:
    """Workloads in three AZs beside an S3 gateway endpoint (or none), and an S3 interface endpoint
    in the first AZ with the given DNS options. Returns builder, the interface endpoint, the workloads."""
    b = RegionBuilder()
    ids = standard_vpc(b)  # one workload per private subnet, in az1..az3
    if gateway:
        b.gateway_endpoint(ids["vpc"], "s3", route_tables=ids["private_rt"])
    endpoint = b.interface_endpoint(ids["vpc"], "s3", subnets=ids["private"][:1], private_dns=private_dns,
                                    inbound_only=inbound_only)
    return b, endpoint, sorted(i for i, eni in b.enis.items() if eni.interface_type == "interface")


def test_an_endpoint_with_private_dns_for_inbound_resolvers_only_has_no_client_in_its_vpc() -> None:
    """The VPC's queries get S3's public addresses, which its gateway endpoint carries: none of its
    workloads is a client of the interface endpoint, in any AZ or subnet."""
    b, endpoint_id, workloads = _s3_interface_endpoint(private_dns=True, inbound_only=True)
    view = b.view()
    endpoint = view.endpoints[endpoint_id]
    assert view.private_dns_inbound_only(endpoint)
    assert view.endpoint_clients(endpoint) == ()
    assert view.endpoint_client_azs(endpoint) == ClientAzs(frozenset(), True)
    assert view.endpoint_client_subnets(endpoint) == ()
    assert not any(view.calls_through(view.interfaces[w], endpoint) for w in workloads)
    assert len(view.client_enis(endpoint.vpc_id, "s3")) == 3  # the service's callers are unchanged


def test_an_endpoint_with_private_dns_off_beside_the_gateway_endpoint_has_no_client_in_its_vpc() -> None:
    """Private DNS off: the VPC's default-name calls resolve to S3's public addresses and take the
    gateway endpoint ("in-Amazon VPC applications send data to the gateway endpoint … only your
    on-premises applications would use interface endpoints", the DynamoDB guide; S3's likewise)."""
    b, endpoint_id, workloads = _s3_interface_endpoint(private_dns=False, inbound_only=None)
    view = b.view()
    endpoint = view.endpoints[endpoint_id]
    assert view.serves_no_vpc_client(endpoint) and not view.private_dns_inbound_only(endpoint)
    assert view.endpoint_clients(endpoint) == () == view.endpoint_client_subnets(endpoint)
    assert view.endpoint_client_azs(endpoint) == ClientAzs(frozenset(), True)
    assert not any(view.calls_through(view.interfaces[w], endpoint) for w in workloads)


@pytest.mark.parametrize(("private_dns", "inbound_only", "gateway"),
                         [(True, False, True), (True, None, True), (False, None, False)],
                         ids=["private DNS for all resolvers", "option unknown",
                              "private DNS off, no gateway endpoint"])
def test_otherwise_every_workload_of_the_vpc_is_a_client(private_dns: bool, inbound_only: bool | None,
                                                         gateway: bool) -> None:
    """The option cleared (or not reported), the VPC resolves S3 to the endpoint; with private DNS
    off and no gateway endpoint to take the default names' calls, code using the endpoint's own
    names may call it from anywhere in the VPC."""
    b, endpoint_id, workloads = _s3_interface_endpoint(private_dns=private_dns, inbound_only=inbound_only,
                                                       gateway=gateway)
    view = b.view()
    endpoint = view.endpoints[endpoint_id]
    assert not view.private_dns_inbound_only(endpoint) and not view.serves_no_vpc_client(endpoint)
    assert sorted(e.network_interface_id for e in view.endpoint_clients(endpoint)) == workloads
    assert view.endpoint_client_azs(endpoint).az_ids == {"use1-az1", "use1-az2", "use1-az3"}
    assert len(view.endpoint_client_subnets(endpoint)) == 3
    assert all(view.calls_through(view.interfaces[w], endpoint) for w in workloads)


def test_idle_default_vpc() -> None:
    b = RegionBuilder()
    default = b.vpc("172.31.0.0/16", is_default=True)
    b.subnet(default, "172.31.0.0/20")
    assert b.view().is_idle_default_vpc(default)
    assert not b.view(missing=[Part.NETWORK_INTERFACES]).is_idle_default_vpc(default)  # cannot tell: not idle
    b.workload(next(iter(b.subnets)))
    assert not b.view().is_idle_default_vpc(default)


def test_shared_subnet_from_another_account() -> None:
    b = RegionBuilder()
    vpc = b.vpc()
    own = b.subnet(vpc, "10.0.1.0/24")
    shared = b.subnet(vpc, "10.0.2.0/24", owner_id="222222222222")
    view = b.view()
    assert not view.is_shared_from_other_account(view.subnets[own])
    assert view.is_shared_from_other_account(view.subnets[shared])


def test_service_prefix_list_by_name() -> None:
    b = RegionBuilder()
    view = b.view()
    s3 = view.service_prefix_list("s3")
    assert s3 is not None and s3.prefix_list_name == "com.amazonaws.us-east-1.s3"
    assert view.service_prefix_list("s3", "eu-west-1") is None


def test_nat_az_id_of_zonal_and_regional_nat_gateways() -> None:
    b = RegionBuilder()
    vpc = b.vpc()
    subnet = b.subnet(vpc, "10.0.1.0/24", az=2)
    zonal = b.nat(subnet)
    orphan = b.nat(subnet)
    b.nats[orphan] = replace(b.nats[orphan], subnet_id="subnet-notcollected")  # the address still knows its AZ
    regional = b.nat(subnet, mode="regional", vpc_id=vpc)
    view = b.view()
    assert view.nat_az_id(view.nat_gateways[zonal]) == "use1-az2"
    assert view.nat_az_id(view.nat_gateways[orphan]) == "use1-az2"
    assert view.nat_az_id(view.nat_gateways[regional]) is None


def test_tgw_attachment_subnets_are_not_traffic_sources() -> None:
    b = RegionBuilder()
    vpc = b.vpc()
    app, attach, mixed, empty = (b.subnet(vpc, f"10.0.{i}.0/28", az=1) for i in range(4))
    b.workload(app)
    b.tgw_attachment(vpc, "tgw-0abc", [attach, mixed])
    b.workload(mixed)
    view = b.view()
    assert view.tgw_attachment_subnet_ids == {attach}
    assert [s.subnet_id for s in view.private_source_subnets(vpc)] == sorted([app, mixed, empty])
    assert b.view(missing=[Part.NETWORK_INTERFACES]).tgw_attachment_subnet_ids == frozenset()


def test_subnets_of_one_table_share_its_service_resolution_per_address_family() -> None:
    """A service's prefix list is resolved once per route table and address family: two IPv4
    subnets of one table get the very same outcomes, while an IPv6-only subnet of that table
    sends none of the list's IPv4 CIDRs anywhere."""
    from vpcaudit.network.paths import resolve_service

    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16")
    b.vpcs[vpc] = replace(b.vpcs[vpc], ipv6_cidr_blocks=("2600:1f18:aa:bb00::/56",))
    first, second = b.subnet(vpc, "10.0.1.0/24"), b.subnet(vpc, "10.0.2.0/24", az=2)
    v6only = b.subnet(vpc, "10.0.3.0/24", ipv6_cidrs=["2600:1f18:aa:bb03::/64"])
    b.subnets[v6only] = replace(b.subnets[v6only], cidr_block=None, ipv6_native=True)
    table = b.route_table(vpc, subnets=[first, second, v6only], routes={"0.0.0.0/0": b.igw(vpc)})
    endpoint = b.gateway_endpoint(vpc, "s3", route_tables=[table])
    view = b.view()
    outcomes, error = resolve_service(view, view.subnets[first], "s3")
    assert error is None and outcomes and {(o.kind, o.target_id) for o in outcomes} == {("vpce", endpoint)}
    assert resolve_service(view, view.subnets[second], "s3")[0] is outcomes
    assert resolve_service(view, view.subnets[v6only], "s3") == ((), None)


def test_firewall_endpoint_subnets_are_not_traffic_sources() -> None:
    """A subnet holding only Gateway Load Balancer (Network Firewall) endpoints forwards others'
    traffic, like an attachment subnet; with a workload beside them it is a source again. The
    endpoints are recognised through ``VpcEndpoint.NetworkInterfaceIds`` (moto types their ENIs
    ``interface``) and through the ``gateway_load_balancer_endpoint`` interface type."""
    b = RegionBuilder()
    vpc = b.vpc()
    firewall, mixed, appliance = (b.subnet(vpc, f"10.0.{i}.0/28", az=1) for i in range(3))
    for subnet in (firewall, mixed):
        b.interface_endpoint(vpc, "nfw", subnets=[subnet], private_dns=False, policy=None,
                             endpoint_type="GatewayLoadBalancer",
                             service_name="com.amazonaws.vpce.us-east-1.vpce-svc-0a")
    b.workload(mixed)
    b.workload(appliance, interface_type="gateway_load_balancer_endpoint", requester_managed=True)
    view = b.view()
    assert view.forwarding_subnet_ids == {firewall, appliance}
    assert [s.subnet_id for s in view.private_source_subnets(vpc)] == [mixed]
    assert b.view(missing=[Part.NETWORK_INTERFACES]).forwarding_subnet_ids == frozenset()


# -- clients of a service ------------------------------------------------------------------------

DB_INSTANCE = {"requester_managed": True, "requester_id": "amazon-rds", "description": "RDSNetworkInterface"}
DB_PROXY = {"requester_managed": True, "requester_id": "amazon-rds",
            "description": "Network interface for DBProxy proxy-orders"}
DB_SERVICES = ("s3", "s3tables", "glue", "lambda", "kms", "logs", "sagemaker.runtime", "sagemaker.api",
               "comprehend", "bedrock-runtime", "email-smtp")


@pytest.mark.parametrize(("fields", "key", "calls"), [
    *[(DB_INSTANCE, key, True) for key in DB_SERVICES],
    *[(DB_INSTANCE, key, False) for key in ("secretsmanager", "monitoring", "ssm", "ssmmessages", "ecr.dkr",
                                            "sts", "dynamodb", "rds", "sqs")],
    (DB_INSTANCE, None, True),  # a service that is not an AWS service's (PrivateLink, Lattice)
    (DB_PROXY, "secretsmanager", True), (DB_PROXY, "kms", True),
    ({"description": "RDSNetworkInterface"}, "secretsmanager", True),  # not RDS's own interface
    ({**DB_INSTANCE, "requester_id": None}, "secretsmanager", True),
    ({**DB_INSTANCE, "requester_id": "123456789012"}, "secretsmanager", True),
    ({**DB_INSTANCE, "description": "RDSNetworkInterface2"}, "secretsmanager", True),
    ({}, "secretsmanager", True),
])
def test_a_db_instance_may_call_only_the_services_its_engines_integrate_with(
        fields: dict[str, object], key: str | None, calls: bool) -> None:
    b = RegionBuilder()
    eni = b.workload(b.subnet(b.vpc(), "10.0.1.0/24"), **fields)  # type: ignore[arg-type]
    view = b.view()
    assert view.is_workload(view.interfaces[eni])  # still a workload for every other purpose
    assert view.may_call(view.interfaces[eni], key) is calls


def test_the_service_an_endpoint_is_called_for() -> None:
    """Its key for an AWS service's interface or gateway endpoint; None for a PrivateLink service
    or a Resource / service-network endpoint, whose callers nothing tells apart."""
    b = RegionBuilder()
    vpc = b.vpc()
    subnet = b.subnet(vpc, "10.0.1.0/24")
    interface = b.interface_endpoint(vpc, "glue", subnets=[subnet])
    gateway = b.gateway_endpoint(vpc, "s3", route_tables=[])
    privatelink = b.interface_endpoint(vpc, "x", subnets=[subnet], service_name=GWLB_SERVICE)
    lattice = b.interface_endpoint(vpc, "x", subnets=[subnet], service_name=GWLB_SERVICE, endpoint_type="Resource")
    view = b.view()
    assert [view.called_service(view.endpoints[e]) for e in (interface, gateway, privatelink, lattice)] \
        == ["glue", "s3", None, None]


def test_clients_of_a_service_leave_out_db_instances_that_do_not_call_it() -> None:
    b = RegionBuilder()
    vpc = b.vpc()
    first, second = b.subnet(vpc, "10.0.1.0/24", az=1), b.subnet(vpc, "10.0.2.0/24", az=2)
    app = b.workload(first)
    db = b.workload(second, **DB_INSTANCE)  # type: ignore[arg-type]
    view = b.view()
    assert [e.network_interface_id for e in view.client_enis(vpc, "secretsmanager")] == [app]
    assert [e.network_interface_id for e in view.client_enis(vpc, "s3")] == sorted([app, db])
    assert [e.network_interface_id for e in view.client_enis(vpc)] == sorted([app, db])
    assert view.client_azs(vpc, "secretsmanager").az_ids == frozenset({"use1-az1"})
    assert view.client_azs(vpc, "lambda").az_ids == frozenset({"use1-az1", "use1-az2"})
    assert [s.subnet_id for s in view.client_subnets(vpc, "monitoring")] == [first]
    assert [s.subnet_id for s in view.client_subnets(vpc, None)] == [first, second]
    assert view.workload_enis(vpc) == view.client_enis(vpc) and view.has_workloads(vpc)
    # Without ENIs the private subnets stand in, whatever the service.
    view = b.view(missing=[Part.NETWORK_INTERFACES])
    assert [s.subnet_id for s in view.client_subnets(vpc, "secretsmanager")] == [first, second]


REDSHIFT_NODE = {"requester_managed": True, "requester_id": "amazon-redshift",
                 "description": "RedshiftNetworkInterface"}


@pytest.mark.parametrize(("fields", "key", "calls"), [
    *[(REDSHIFT_NODE, key, True) for key in ("s3", "dynamodb", "glue", "athena", "lakeformation", "secretsmanager",
                                             "sagemaker.api", "kinesis-streams", None)],
    *[(REDSHIFT_NODE, key, False) for key in ("ssm", "ssmmessages", "kms", "logs", "sts", "lambda", "ecr.dkr")],
    ({**REDSHIFT_NODE, "requester_managed": False, "requester_id": None}, "ssm", False),  # no RequesterId documented
    ({**REDSHIFT_NODE, "description": "RedshiftNetworkInterface2"}, "ssm", True),
])
def test_a_redshift_node_may_call_only_what_redshift_is_documented_to_call(
        fields: dict[str, object], key: str | None, calls: bool) -> None:
    b = RegionBuilder()
    eni = b.workload(b.subnet(b.vpc(), "10.0.1.0/24"), **fields)  # type: ignore[arg-type]
    view = b.view()
    assert view.is_workload(view.interfaces[eni])
    assert view.may_call(view.interfaces[eni], key) is calls


EMR_CREATED = "Service access group for Elastic MapReduce created on 2026-01-01T00:00:00.000Z"


@pytest.mark.parametrize(("groups", "on_instance", "calls"), [
    ([("ElasticMapReduce-ServiceAccess", "")], True, False),  # EMR's default name
    ([("emr-managed", EMR_CREATED)], True, False),  # EMR's description
    ([("ElasticMapReduce-ServiceAccess", "")], False, True),  # not attached to an instance
    ([("my-service-access", "Service access for my cluster")], True, True),  # a group the customer names
    ([("ElasticMapReduce-ServiceAccess", ""), ("app", "")], True, True),  # another group besides
    ([("ElasticMapReduce-ServiceAccess", ""), ("not-collected", "")], True, True),
    ([], True, True),
], ids=["default name", "description", "on no instance", "customer group", "another group", "group not collected",
        "no group"])
def test_emrs_cluster_manager_interface_calls_no_aws_service(
        groups: list[tuple[str, str]], on_instance: bool, calls: bool) -> None:
    """The device EMR attaches to a cluster's primary instance to manage it carries the service
    access group alone, which EMR gives outbound TCP 8443 to the cluster's nodes only: a client of
    no AWS service's endpoint (still of a PrivateLink service's), and still a workload."""
    b = RegionBuilder()
    vpc = b.vpc()
    ids = [b.security_group(vpc, name=name) for name, _ in groups]
    for group_id, (_, description) in zip(ids, groups, strict=True):
        b.groups[group_id] = replace(b.groups[group_id], description=description)
    eni = b.workload(b.subnet(vpc, "10.0.1.0/24"), groups=ids, requester_managed=True)
    b.enis[eni] = replace(b.enis[eni], instance_id="i-0123456789abcdef0" if on_instance else None)
    if groups and groups[-1][0] == "not-collected":
        del b.groups[ids[-1]]
    view = b.view()
    assert view.is_workload(view.interfaces[eni]) and view.may_call(view.interfaces[eni], None)
    assert [view.may_call(view.interfaces[eni], key) for key in ("s3", "elasticmapreduce")] == [calls] * 2


def test_clients_leave_out_each_managed_kind_that_does_not_call_the_service() -> None:
    """A DB instance calls lambda and not secretsmanager, a Redshift node the reverse: each
    service's clients leave out the kinds that do not call it, and the groups of clients too."""
    b = RegionBuilder()
    vpc = b.vpc()
    subnet = b.subnet(vpc, "10.0.1.0/24")
    groups = {name: b.security_group(vpc, name=name) for name in ("app", "db", "redshift")}
    app = b.workload(subnet, groups=[groups["app"]])
    db = b.workload(subnet, groups=[groups["db"]], **DB_INSTANCE)  # type: ignore[arg-type]
    node = b.workload(subnet, groups=[groups["redshift"]], **REDSHIFT_NODE)  # type: ignore[arg-type]
    lam = b.interface_endpoint(vpc, "lambda", subnets=[subnet])
    secrets = b.interface_endpoint(vpc, "secretsmanager", subnets=[subnet])
    sts = b.interface_endpoint(vpc, "sts", subnets=[subnet])
    view = b.view()
    ids = {k: {e.network_interface_id for e in view.client_enis(vpc, k)} for k in ("lambda", "secretsmanager", "sts")}
    assert ids == {"lambda": {app, db}, "secretsmanager": {app, node}, "sts": {app}}
    clients = {e: client_groups(view, view.endpoints[e]) for e in (lam, secrets, sts)}
    assert clients == {lam: {groups["app"], groups["db"]}, secrets: {groups["app"], groups["redshift"]},
                       sts: {groups["app"]}}


def _databases(*engines: str) -> tuple[RegionBuilder, str, str, str, str]:
    """One VPC with two subnets, the DB subnet group of both, one group and one DB instance's
    interface in the first subnet, on that group; per engine a DB instance of the group and subnet
    group, named after the engine. Returns the builder, VPC, first subnet, group and interface."""
    b = RegionBuilder()
    vpc = b.vpc()
    first, second = b.subnet(vpc, "10.0.1.0/24", az=1), b.subnet(vpc, "10.0.2.0/24", az=2)
    group = b.security_group(vpc, name="db")
    eni = b.workload(first, groups=[group], **DB_INSTANCE)  # type: ignore[arg-type]
    for engine in engines:
        b.db_instance(engine, engine, vpc, subnets=[first, second], groups=[group])
    return b, vpc, first, group, eni


@pytest.mark.parametrize(("engine", "calling", "not_calling"), [
    ("docdb", (), ("lambda", "s3", "sts", "kms")),  # DocumentDB "doesn't invoke Lambda directly"
    ("neptune", ("s3", "sts", "sagemaker.api", "sagemaker.runtime"), ("lambda", "kms", "logs")),
    ("aurora-mysql", ("s3", "lambda", "kms", "logs", "bedrock-runtime"), ("sts", "glue", "email-smtp")),
    ("aurora-postgresql", ("s3", "s3tables", "glue", "lambda", "kms", "comprehend"), ("sts", "logs")),
    ("postgres", ("s3", "lambda"), ("kms", "glue", "sts")),
    ("mysql", (), ("s3", "lambda", "kms")),
    ("mariadb", (), ("s3", "lambda")),
    ("oracle-se2-cdb", ("s3", "kms", "email-smtp"), ("lambda", "sts")),
    ("sqlserver-web", ("s3", "email-smtp", "kms"), ("lambda", "sts")),
    # Engines whose integrations are not read here: every engine's services, as before.
    ("db2-se", DB_SERVICES, ("sts", "secretsmanager")),
    ("custom-oracle-ee", DB_SERVICES, ("sts", "secretsmanager")),
])
def test_a_db_instance_calls_what_its_engine_family_integrates_with(
        engine: str, calling: tuple[str, ...], not_calling: tuple[str, ...]) -> None:
    """The DB instance its interface fits (same VPC, a subnet of its DB subnet group, exactly its
    groups) tells the engine, and the engine the services: never secretsmanager or ssm, and a
    PrivateLink service (another database) always."""
    b, _, _, _, eni = _databases(engine)
    view = b.view()
    db = view.interfaces[eni]
    assert [i.db_instance_identifier for i in view.db_instances_of(db)] == [engine]
    assert {key: view.may_call(db, key) for key in (*calling, *not_calling, "secretsmanager", "ssm", None)} \
        == {**dict.fromkeys(calling, True), **dict.fromkeys(not_calling, False), "secretsmanager": False,
            "ssm": False, None: True}
    assert view.is_workload(db)


@pytest.mark.parametrize("missing", [State.DENIED, State.ERROR, State.SKIPPED])
def test_a_db_instance_calls_what_every_engine_does_while_the_instances_were_not_collected(missing: State) -> None:
    """Denied, failed or never asked for (an older snapshot): whatever the snapshot holds of the
    instances, the interface is a client of what any engine calls, as before — lambda for a
    DocumentDB instance too, and still not sts."""
    b, _, _, _, eni = _databases("docdb")
    view = b.view(missing={Part.DB_INSTANCES: missing})
    db = view.interfaces[eni]
    assert view.db_instances_of(db) == ()
    assert (view.may_call(db, "lambda"), view.may_call(db, "sts")) == (True, False)
    assert view.managed_kind_of(db).name == "DB instance"


def test_a_db_instance_fitting_no_recorded_instance_calls_what_every_engine_does() -> None:
    """The instances collected, none in the interface's VPC with its subnet in their subnet group
    and exactly its groups (an instance created since): as before."""
    b, vpc, first, group, eni = _databases()
    other_group = b.security_group(vpc, name="other")
    elsewhere = b.vpc("10.1.0.0/16")
    b.db_instance("elsewhere", "docdb", elsewhere, subnets=[b.subnet(elsewhere, "10.1.1.0/24")], groups=[group])
    b.db_instance("wider", "docdb", vpc, subnets=[first], groups=[group, other_group])
    b.db_instance("other-subnets", "docdb", vpc, subnets=[b.subnet(vpc, "10.0.3.0/24")], groups=[group])
    view = b.view()
    db = view.interfaces[eni]
    assert view.db_instances_of(db) == () and view.may_call(db, "lambda")


def test_db_instances_of_several_engines_fitting_one_interface_decide_together() -> None:
    """A DocumentDB and a Neptune instance on one group and subnet group: the interface may be
    either's, so it calls what either calls — sts and s3 (Neptune's), not lambda (neither's). The
    endpoints' client ENIs and groups follow."""
    b, vpc, first, group, eni = _databases("docdb", "neptune")
    app = b.workload(first)
    lam = b.interface_endpoint(vpc, "lambda", subnets=[first])
    sts = b.interface_endpoint(vpc, "sts", subnets=[first])
    view = b.view()
    db = view.interfaces[eni]
    assert [i.db_instance_identifier for i in view.db_instances_of(db)] == ["docdb", "neptune"]
    kind = view.managed_kind_of(db)
    assert kind.name == "DocumentDB instance or Neptune DB instance"
    assert [view.may_call(db, key) for key in ("sts", "s3", "lambda", "kms")] == [True, True, False, False]
    assert {e.network_interface_id for e in view.client_enis(vpc, "sts")} == {app, eni}
    assert {e.network_interface_id for e in view.client_enis(vpc, "lambda")} == {app}
    assert group in client_groups(view, view.endpoints[sts])
    assert group not in client_groups(view, view.endpoints[lam])


def test_a_db_instance_fitting_an_instance_of_an_unread_engine_calls_what_every_engine_does() -> None:
    """A DocumentDB instance and an RDS for Db2 one fitting the same interface: Db2's integrations
    are not read here, so the interface stays a client of every engine's services."""
    b, _, _, _, eni = _databases("docdb", "db2-ae")
    view = b.view()
    db = view.interfaces[eni]
    assert len(view.db_instances_of(db)) == 2
    assert view.may_call(db, "lambda") and view.managed_kind_of(db).name == "DB instance"


def _warehouse(**clusters: bool) -> tuple[RegionBuilder, str, dict[str, str], dict[str, str]]:
    """One VPC, and per cluster (identifier → enhanced VPC routing) a group and one node interface,
    not yet recorded as a cluster. Returns the builder, VPC, groups and interfaces by cluster."""
    b = RegionBuilder()
    vpc = b.vpc()
    subnet = b.subnet(vpc, "10.0.10.0/24")
    groups = {c: b.security_group(vpc, name=c) for c in clusters}
    nodes = {c: b.workload(subnet, groups=[groups[c]], **REDSHIFT_NODE) for c in clusters}  # type: ignore[arg-type]
    return b, vpc, groups, nodes


@pytest.mark.parametrize(("routing", "calls"), [(True, True), (False, False)], ids=["routing on", "routing off"])
def test_a_redshift_node_calls_aws_services_through_the_vpc_only_with_enhanced_vpc_routing(
        routing: bool, calls: bool) -> None:
    """Its cluster, found by the node's address: with enhanced VPC routing off, "Amazon Redshift routes
    traffic through the internet, including traffic to other services within the AWS network" — a
    client of no AWS service's endpoint (still of a PrivateLink service's: another database)."""
    b, vpc, groups, nodes = _warehouse(etl=routing)
    b.redshift_cluster("etl", vpc, enhanced_vpc_routing=routing, groups=[groups["etl"]], nodes=[nodes["etl"]])
    view = b.view()
    eni = view.interfaces[nodes["etl"]]
    assert [c.cluster_identifier for c in view.redshift_clusters_of(eni)] == ["etl"]
    assert [view.may_call(eni, key) for key in ("s3", "secretsmanager", "glue")] == [calls] * 3
    assert view.may_call(eni, None) and not view.may_call(eni, "ssm")
    assert view.is_workload(eni)


@pytest.mark.parametrize("missing", [State.DENIED, State.ERROR, State.SKIPPED])
def test_a_redshift_node_stays_a_client_while_the_clusters_were_not_collected(missing: State) -> None:
    """Denied, failed (a Region without Redshift) or never asked for (an older snapshot): whatever
    the snapshot holds of the clusters, the node calls what Redshift calls, as before."""
    b, vpc, groups, nodes = _warehouse(reports=False)
    b.redshift_cluster("reports", vpc, enhanced_vpc_routing=False, groups=[groups["reports"]],
                       nodes=[nodes["reports"]])
    view = b.view(missing={Part.REDSHIFT_CLUSTERS: missing})
    eni = view.interfaces[nodes["reports"]]
    assert view.redshift_clusters_of(eni) == () and view.may_call(eni, "secretsmanager")


def test_a_redshift_node_of_no_recorded_cluster_stays_a_client() -> None:
    """The clusters collected, none with the node's address in its VPC nor exactly its groups (a
    cluster created since, a Serverless workgroup's interface): as before."""
    b, vpc, groups, nodes = _warehouse(reports=False, etl=True)
    other = b.vpc("10.1.0.0/16")
    b.redshift_cluster("elsewhere", other, enhanced_vpc_routing=False, groups=[groups["reports"]])
    b.redshift_cluster("wider", vpc, enhanced_vpc_routing=False, groups=[groups["reports"], groups["etl"]])
    view = b.view()
    eni = view.interfaces[nodes["reports"]]
    assert view.redshift_clusters_of(eni) == () and view.may_call(eni, "s3")


def test_a_redshift_node_is_matched_by_address_in_its_own_vpc_only() -> None:
    """A cluster of another VPC with a node at the same address (overlapping CIDRs) is not its."""
    b, _, _, nodes = _warehouse(etl=True)
    other = b.vpc("10.0.0.0/16")
    twin = b.workload(b.subnet(other, "10.0.10.0/24"), **REDSHIFT_NODE)  # type: ignore[arg-type]
    b.enis[twin] = replace(b.enis[twin], private_ip_addresses=b.enis[nodes["etl"]].private_ip_addresses)
    b.redshift_cluster("reports", other, enhanced_vpc_routing=False, nodes=[twin])
    view = b.view()
    assert view.may_call(view.interfaces[nodes["etl"]], "glue")
    assert not view.may_call(view.interfaces[twin], "glue")


def test_a_redshift_node_without_listed_nodes_is_matched_by_vpc_and_groups() -> None:
    """No ``ClusterNodes`` (as moto answers): the cluster in the node's VPC with exactly its groups."""
    b, vpc, groups, nodes = _warehouse(reports=False, etl=True)
    for cluster, routing in (("reports", False), ("etl", True)):
        b.redshift_cluster(cluster, vpc, enhanced_vpc_routing=routing, groups=[groups[cluster]])
    view = b.view()
    assert [view.redshift_clusters_of(view.interfaces[nodes[c]])[0].cluster_identifier for c in ("reports", "etl")] \
        == ["reports", "etl"]
    assert not view.may_call(view.interfaces[nodes["reports"]], "s3")
    assert view.may_call(view.interfaces[nodes["etl"]], "s3")


@pytest.mark.parametrize(("routing", "calls"), [((False, False), False), ((False, True), True)],
                         ids=["both off", "one on"])
def test_clusters_sharing_groups_decide_only_together(routing: tuple[bool, bool], calls: bool) -> None:
    """Two clusters with one group and no listed nodes: the node may be either's, so it is a client
    unless neither routes through the VPC."""
    b, vpc, groups, nodes = _warehouse(reports=False)
    for cluster, on in zip(("reports", "sales"), routing, strict=True):
        b.redshift_cluster(cluster, vpc, enhanced_vpc_routing=on, groups=[groups["reports"]])
    view = b.view()
    eni = view.interfaces[nodes["reports"]]
    assert len(view.redshift_clusters_of(eni)) == 2
    assert view.may_call(eni, "secretsmanager") is calls


def test_a_node_address_tells_apart_clusters_that_share_groups() -> None:
    """v6.2.0 of the Redshift example: every cluster on one group. Each node's address says which
    cluster it is, so the cluster without enhanced VPC routing calls nothing through the VPC, while
    the other's nodes still do — and the endpoint's client groups keep the shared group."""
    b, vpc, groups, nodes = _warehouse(shared=True)
    subnet = b.enis[nodes["shared"]].subnet_id
    reports = b.workload(subnet, groups=[groups["shared"]], **REDSHIFT_NODE)  # type: ignore[arg-type]
    b.redshift_cluster("etl", vpc, enhanced_vpc_routing=True, groups=[groups["shared"]], nodes=[nodes["shared"]])
    b.redshift_cluster("reports", vpc, enhanced_vpc_routing=False, groups=[groups["shared"]], nodes=[reports])
    secrets = b.interface_endpoint(vpc, "secretsmanager", subnets=[subnet])
    view = b.view()
    assert [e.network_interface_id for e in view.client_enis(vpc, "secretsmanager")] == [nodes["shared"]]
    assert client_groups(view, view.endpoints[secrets]) == {groups["shared"]}


def test_clients_leave_out_the_nodes_of_clusters_without_enhanced_vpc_routing() -> None:
    """Client ENIs, AZs and groups of a service Redshift calls: the routed cluster's node and the
    application, never the internet-routed cluster's node."""
    b, vpc, groups, nodes = _warehouse(reports=False, etl=True)
    for cluster, routing in (("reports", False), ("etl", True)):
        b.redshift_cluster(cluster, vpc, enhanced_vpc_routing=routing, groups=[groups[cluster]],
                           nodes=[nodes[cluster]])
    other_az = b.subnet(vpc, "10.0.20.0/24", az=2)
    b.enis[nodes["reports"]] = replace(b.enis[nodes["reports"]], subnet_id=other_az, availability_zone_id="use1-az2")
    app = b.workload(b.subnet(vpc, "10.0.1.0/24"))
    glue = b.interface_endpoint(vpc, "glue", subnets=[other_az])
    view = b.view()
    assert {e.network_interface_id for e in view.client_enis(vpc, "glue")} == {nodes["etl"], app}
    assert view.client_azs(vpc, "glue").az_ids == frozenset({"use1-az1"})
    assert groups["reports"] not in client_groups(view, view.endpoints[glue])
    assert view.managed_kind_of(view.interfaces[nodes["reports"]]).name == "internet-routed Redshift cluster"


# What a MemoryDB node's interface is assumed to look like (AWS documents neither field): what ties
# it to its cluster is where it is and which groups it carries, never these.
MEMORYDB_NODE = {"requester_managed": True, "requester_id": "amazon-memorydb",
                 "description": "MemoryDB sessions-0001-001"}


def _memorydb(**node: object) -> tuple[RegionBuilder, str, dict[str, str]]:
    """One VPC: two database subnets in the cluster's subnet group, an application subnet, the
    cluster's group and one node interface (``node``: its fields), the cluster not yet recorded."""
    b = RegionBuilder()
    vpc = b.vpc()
    ids = {"db1": b.subnet(vpc, "10.0.48.0/24", az=1), "db2": b.subnet(vpc, "10.0.49.0/24", az=2),
           "app_subnet": b.subnet(vpc, "10.0.1.0/24"), "cluster_sg": b.security_group(vpc, name="sessions")}
    ids["node"] = b.workload(ids["db2"], groups=[ids["cluster_sg"]], **{**MEMORYDB_NODE, **node})  # type: ignore[arg-type]
    return b, vpc, ids


@pytest.mark.parametrize("node", [{}, {"requester_managed": False, "requester_id": None, "description": ""},
                                  {"description": "ElastiCache sessions-0001-001"}],
                         ids=["assumed MemoryDB form", "nothing said", "ElastiCache form"])
def test_a_memorydb_node_calls_no_aws_service(node: dict[str, object]) -> None:
    """An interface in a subnet of the cluster's subnet group, with exactly the cluster's groups, on
    no instance: a node, whatever its description and requester (AWS documents neither). It is a
    client of no AWS service's endpoint — snapshots and exports are the service's, IAM tokens are
    validated by MemoryDB — and of PrivateLink services still; a workload everywhere else. Described
    the ElastiCache way, it stays the ElastiCache node its own fields say, which calls nothing too."""
    b, _, ids = _memorydb(**node)
    b.memorydb_cluster("sessions", [ids["db1"], ids["db2"]], groups=[ids["cluster_sg"]])
    view = b.view()
    eni = view.interfaces[ids["node"]]
    assert [c.name for c in view.memorydb_clusters_of(eni)] == ["sessions"]
    assert view.managed_kind_of(eni).name == ("ElastiCache node" if node.get("description", "").startswith(  # type: ignore[union-attr]
        "ElastiCache") else "MemoryDB node")
    assert not any(view.may_call(eni, key) for key in ("memory-db", "s3", "sts", "logs", "kms"))
    assert view.may_call(eni, None) and view.is_workload(eni)


@pytest.mark.parametrize("missing", [State.DENIED, State.ERROR, State.SKIPPED])
def test_a_memorydb_node_stays_a_client_while_the_clusters_were_not_collected(missing: State) -> None:
    """Denied, failed (a Region without MemoryDB) or never asked for (an older snapshot): whatever
    the snapshot holds of the clusters, the interface is an ordinary workload, as before."""
    b, _, ids = _memorydb()
    b.memorydb_cluster("sessions", [ids["db1"], ids["db2"]], groups=[ids["cluster_sg"]])
    view = b.view(missing={Part.MEMORYDB_CLUSTERS: missing})
    eni = view.interfaces[ids["node"]]
    assert view.memorydb_clusters_of(eni) == () and view.managed_kind_of(eni) is None
    assert view.may_call(eni, "memory-db")


def test_only_an_interface_where_memorydb_puts_its_nodes_is_one() -> None:
    """The clusters collected, but the interface is not where a node of theirs would be, or not
    what one is: on an instance; with a group more than the cluster's, or fewer; in a subnet
    outside the subnet group; typed otherwise (a Lambda function's); a cluster of another VPC on
    the same group ids, or whose subnet group was not listed. Each stays a client, as before."""
    b, vpc, ids = _memorydb()
    extra = b.security_group(vpc, name="extra")
    other = b.security_group(vpc, name="other")
    b.memorydb_cluster("sessions", [ids["db1"], ids["db2"]], groups=[ids["cluster_sg"]])
    b.memorydb_cluster("pair", [ids["db1"]], groups=[ids["cluster_sg"], other])
    b.memorydb_cluster("unlisted", [], groups=[extra], subnet_group="gone")
    far = b.vpc("10.1.0.0/16")
    b.memorydb_cluster("far", [b.subnet(far, "10.1.48.0/24")], groups=[other])
    on_instance = b.workload(ids["db1"], groups=[ids["cluster_sg"]])
    b.enis[on_instance] = replace(b.enis[on_instance], instance_id="i-0123456789abcdef0")
    misfits = [on_instance,
               b.workload(ids["db1"], groups=[ids["cluster_sg"], extra], **MEMORYDB_NODE),  # type: ignore[arg-type]
               b.workload(ids["db1"], groups=[other], **MEMORYDB_NODE),  # type: ignore[arg-type]
               b.workload(ids["db2"], groups=[extra], **MEMORYDB_NODE),  # type: ignore[arg-type]
               b.workload(ids["app_subnet"], groups=[ids["cluster_sg"]], **MEMORYDB_NODE),  # type: ignore[arg-type]
               b.workload(ids["db1"], groups=[ids["cluster_sg"]], interface_type="lambda")]
    view = b.view()
    for eni_id in misfits:
        eni = view.interfaces[eni_id]
        assert view.memorydb_clusters_of(eni) == () and view.managed_kind_of(eni) is None, eni_id
        assert view.may_call(eni, "memory-db")
    assert [c.name for c in view.memorydb_clusters_of(view.interfaces[ids["node"]])] == ["sessions"]


def test_clients_of_the_memorydb_api_leave_out_the_nodes() -> None:
    """The ``memory-db`` endpoint's client ENIs, AZs and groups: the application's, never the
    nodes' — the second database subnet's AZ holds only a node, so it holds no client."""
    b, vpc, ids = _memorydb()
    b.memorydb_cluster("sessions", [ids["db1"], ids["db2"]], groups=[ids["cluster_sg"]])
    app_sg = b.security_group(vpc, name="app")
    app = b.workload(ids["app_subnet"], groups=[app_sg])
    b.enis[app] = replace(b.enis[app], instance_id="i-0123456789abcdef0")
    endpoint = b.interface_endpoint(vpc, "memory-db", subnets=[ids["db2"]])
    view = b.view()
    assert [e.network_interface_id for e in view.client_enis(vpc, "memory-db")] == [app]
    assert view.client_azs(vpc, "memory-db").az_ids == frozenset({"use1-az1"})
    assert client_groups(view, view.endpoints[endpoint]) == {app_sg}


def _datasync(b: RegionBuilder) -> tuple[str, str, list[str], str, str]:
    """A DataSync endpoint's VPC: the agent (an instance's interface) in one subnet, the endpoint and
    four interfaces in another, all four and the endpoint in one group. Returns the VPC, the
    agent's interface, the four, the group and the endpoint; no task recorded yet."""
    vpc = b.vpc()
    agent = b.workload(b.subnet(vpc, "10.0.1.0/24"))
    endpoint_subnet = b.subnet(vpc, "10.0.2.0/24")
    group = b.security_group(vpc, name="datasync-private")
    enis = [b.workload(endpoint_subnet, groups=[group], requester_managed=True) for _ in range(4)]
    endpoint = b.interface_endpoint(vpc, "datasync", subnets=[endpoint_subnet], groups=[group])
    return vpc, agent, enis, group, endpoint


def test_an_interface_a_datasync_task_lists_calls_no_aws_service() -> None:
    """DescribeTask names the interfaces DataSync created for the task: the agent sends to them
    ("For data transfer from the DataSync VM to the AWS service") and the service reaches S3 itself,
    so they are no client of an AWS service's endpoint — still workloads (for a file system location
    they mount it), still clients of a PrivateLink service's. An interface alike in every field but
    listed by no task stays a client."""
    b = RegionBuilder()
    vpc, agent, enis, _, _ = _datasync(b)
    task = b.datasync_task("task-01", destination=enis[:3])
    view = b.view()
    eni = view.interfaces[enis[0]]
    assert [t.task_arn for t in view.datasync_tasks_of(eni)] == [task]
    assert view.managed_kind_of(eni).name == "DataSync task"  # type: ignore[union-attr]
    assert [view.may_call(eni, key) for key in ("datasync", "s3", "secretsmanager")] == [False] * 3
    assert view.may_call(eni, None) and view.is_workload(eni)
    assert {e.network_interface_id for e in view.client_enis(vpc, "datasync")} == {agent, enis[3]}
    assert view.may_call(view.interfaces[enis[3]], "datasync")


def test_an_interface_listed_by_sources_and_destinations_of_two_tasks_is_datasyncs() -> None:
    """A task's source interfaces count as its destination's do; an interface two tasks list is
    given both."""
    b = RegionBuilder()
    vpc, agent, enis, group, endpoint = _datasync(b)
    first = b.datasync_task("task-01", source=enis[:2])
    second = b.datasync_task("task-02", destination=enis[1:], status="RUNNING")
    view = b.view()
    assert [t.task_arn for t in view.datasync_tasks_of(view.interfaces[enis[1]])] == [first, second]
    assert [e.network_interface_id for e in view.client_enis(vpc, "datasync")] == [agent]
    assert group not in client_groups(view, view.endpoints[endpoint])


@pytest.mark.parametrize("missing", [State.DENIED, State.ERROR, State.SKIPPED])
def test_datasyncs_interfaces_stay_clients_while_the_tasks_were_not_collected(missing: State) -> None:
    """Denied, failed (a Region without DataSync) or never asked for (an older snapshot): whatever
    the snapshot holds of the tasks, the interfaces are clients of every service, as before."""
    b = RegionBuilder()
    vpc, agent, enis, _, _ = _datasync(b)
    b.datasync_task("task-01", destination=enis)
    view = b.view(missing={Part.DATASYNC_TASKS: missing})
    eni = view.interfaces[enis[0]]
    assert view.datasync_tasks_of(eni) == () and view.managed_kind_of(eni) is None
    assert {e.network_interface_id for e in view.client_enis(vpc, "datasync")} == {agent, *enis}


def _message_broker() -> tuple[RegionBuilder, str, dict[str, str], dict[str, str]]:
    """One VPC, two private subnets (use1-az1, use1-az2), the broker's group, and an ActiveMQ
    active/standby broker's two interfaces (typed ``interface``, not requester-managed, on no
    instance of the account), not yet recorded as a broker; an application instance in the first
    subnet. Returns the builder, VPC, subnets by AZ (``a``, ``b``) and interfaces (``active``,
    ``standby``, ``app``)."""
    b = RegionBuilder()
    vpc = b.vpc()
    subnets = {"a": b.subnet(vpc, "10.0.1.0/24", az=1), "b": b.subnet(vpc, "10.0.2.0/24", az=2)}
    broker_sg = b.security_group(vpc, name="broker", egress=[])
    enis = {"active": b.workload(subnets["a"], groups=[broker_sg]),
            "standby": b.workload(subnets["b"], groups=[broker_sg])}
    enis["app"] = b.workload(subnets["a"], groups=[b.security_group(vpc, name="app")])
    b.enis[enis["app"]] = replace(b.enis[enis["app"]], instance_id="i-0123456789abcdef0")
    return b, vpc, subnets, enis


def test_an_activemq_brokers_interfaces_are_no_workloads() -> None:
    """Each instance's ``IpAddress`` is its interface's address in one of the broker's subnets: "The
    network interface is considered to be within the service scope of Amazon MQ". Not a workload,
    so a client of no AWS service and no client AZ — the standby's AZ among them."""
    b, vpc, subnets, enis = _message_broker()
    broker_sg = b.enis[enis["active"]].group_ids
    b.mq_broker("b-orders", subnets=subnets.values(), groups=broker_sg, instances=[enis["active"], enis["standby"]])
    b.interface_endpoint(vpc, "ssm", subnets=[subnets["a"]])
    view = b.view()
    assert [e.network_interface_id for e in view.workload_enis(vpc)] == [enis["app"]]
    assert view.mq_broker_of(view.interfaces[enis["standby"]]).broker_id == "b-orders"
    assert view.client_azs(vpc, "ssm").az_ids == frozenset({"use1-az1"})
    assert view.client_azs(vpc, None).az_ids == frozenset({"use1-az1"})


@pytest.mark.parametrize("missing", [State.DENIED, State.ERROR, State.SKIPPED])
def test_an_activemq_brokers_interfaces_stay_workloads_while_the_brokers_were_not_collected(missing: State) -> None:
    """Denied, failed (a Region without Amazon MQ) or never asked for (an older snapshot): the
    interfaces read as before, workloads that may call every service."""
    b, vpc, subnets, enis = _message_broker()
    b.mq_broker("b-orders", subnets=subnets.values(), groups=b.enis[enis["active"]].group_ids,
                instances=[enis["active"], enis["standby"]])
    view = b.view(missing={Part.MQ_BROKERS: missing})
    assert {e.network_interface_id for e in view.workload_enis(vpc)} == set(enis.values())
    assert view.mq_broker_of(view.interfaces[enis["active"]]) is None


def test_a_brokers_address_ties_only_an_interface_of_its_own_subnets() -> None:
    """An interface of another VPC at the same address (overlapping CIDRs) is not the broker's; a
    publicly accessible broker's address may be the interface's public one (assumed either)."""
    b, vpc, subnets, enis = _message_broker()
    other = b.vpc("10.0.0.0/16")
    twin = b.workload(b.subnet(other, "10.0.1.0/24"))
    b.enis[twin] = replace(b.enis[twin], private_ip_addresses=b.enis[enis["active"]].private_ip_addresses)
    b.enis[enis["standby"]] = replace(b.enis[enis["standby"]], public_ip_addresses=("203.0.113.7",))
    answer = b.mq_broker("b-orders", subnets=subnets.values(), groups=b.enis[enis["active"]].group_ids,
                         instances=[enis["active"], enis["standby"]])
    b.mq_brokers[-1] = r.MqBroker.from_api({**answer, "BrokerInstances": [
        answer["BrokerInstances"][0], {**answer["BrokerInstances"][1], "IpAddress": "203.0.113.7"}]})
    view = b.view()
    assert {e.network_interface_id for e in view.workload_enis(vpc)} == {enis["app"]}
    assert [e.network_interface_id for e in view.workload_enis(other)] == [twin]


def test_a_broker_listing_no_address_is_told_by_its_subnets_and_exact_groups() -> None:
    """No ``IpAddress`` listed: an interface in one of its subnets with exactly its groups, on no
    instance, typed ``interface`` and not requester-managed. An event source mapping's pollers, which
    Lambda creates "for the subnets and security groups of your broker's VPC" (typed ``lambda``), an
    instance in the broker's group, a Fargate task (requester-managed) and an interface with one more
    group stay workloads."""
    b, vpc, subnets, enis = _message_broker()
    broker_sg = b.enis[enis["active"]].group_ids
    answer = b.mq_broker("b-orders", subnets=subnets.values(), groups=broker_sg,
                         instances=[enis["active"], enis["standby"]])
    b.mq_brokers[-1] = r.MqBroker.from_api({**answer, "BrokerInstances": []})
    poller = b.workload(subnets["a"], groups=broker_sg, interface_type="lambda",
                        description="AWS Lambda VPC ENI-MQ-123456789012-3a1b2c3d")
    instance = b.workload(subnets["b"], groups=broker_sg)
    b.enis[instance] = replace(b.enis[instance], instance_id="i-0fedcba9876543210")
    task = b.workload(subnets["b"], groups=broker_sg, requester_managed=True)
    wider = b.workload(subnets["a"], groups=[*broker_sg, b.security_group(vpc, name="extra")])
    view = b.view()
    assert {e.network_interface_id for e in view.workload_enis(vpc)} == {enis["app"], poller, instance, task, wider}


def test_a_rabbitmq_broker_ties_no_interface() -> None:
    """A RabbitMQ broker lists no ``IpAddress`` ("Does not apply to RabbitMQ brokers"); a private one is
    reached through VPC endpoints Amazon MQ creates, whose interfaces are an endpoint's. An interface
    in its subnet with exactly its groups is then not taken for it: it stays a workload."""
    b, vpc, subnets, enis = _message_broker()
    b.mq_broker("b-events", subnets=[subnets["a"]], groups=b.enis[enis["active"]].group_ids,
                engine="RABBITMQ", deployment="SINGLE_INSTANCE")
    view = b.view()
    assert {e.network_interface_id for e in view.workload_enis(vpc)} == set(enis.values())


def _delivery(stream_subnets: int = 2) -> tuple[RegionBuilder, str, dict[str, str], str]:
    """One VPC with two subnets, the stream's group and an application's, an interface of the stream
    in each subnet (undescribed, on no instance, the stream's group alone), the stream recorded in
    the first ``stream_subnets`` of them. Returns the builder, VPC, subnets and stream group."""
    b = RegionBuilder()
    vpc = b.vpc()
    subnets = {f"s{k}": b.subnet(vpc, f"10.0.{k}.0/24", az=k) for k in (1, 2)}
    group = b.security_group(vpc, name="stream")
    for k in (1, 2):
        b.workload(subnets[f"s{k}"], groups=[group])
    b.firehose_stream("search", [subnets[f"s{k}"] for k in range(1, stream_subnets + 1)], [group])
    return b, vpc, subnets, group


def _stream_enis(b: RegionBuilder, group: str) -> list[str]:
    return sorted(e.network_interface_id for e in b.enis.values() if e.group_ids == (group,))


def test_a_firehose_streams_interface_is_a_workload_calling_no_aws_service() -> None:
    """In a subnet of the stream's VPC configuration, with exactly its groups, undescribed and on no
    instance: the stream's. Firehose reaches the S3 bucket, KMS key and log group with its role
    ("Kinesis Data Firehose uses an IAM role to access the specified … S3 bucket, AWS KMS key, and
    CloudWatch log group and streams"); the interface only carries deliveries to the destination.
    A workload still, and a client of PrivateLink services as every managed kind is."""
    b, vpc, subnets, group = _delivery()
    view = b.view()
    for eni_id in _stream_enis(b, group):
        eni = view.interfaces[eni_id]
        assert [s.delivery_stream_name for s in view.firehose_streams_of(eni)] == ["search"]
        assert view.managed_kind_of(eni).name == "Firehose stream"
        assert not any(view.may_call(eni, key) for key in ("s3", "logs", "kms", "lambda", "es"))
        assert view.may_call(eni, None) and view.is_workload(eni)
    app = b.workload(subnets["s1"])
    view = b.view()
    assert [e.network_interface_id for e in view.client_enis(vpc, "logs")] == [app]


@pytest.mark.parametrize("missing", [State.DENIED, State.ERROR, State.SKIPPED])
def test_a_firehose_streams_interface_stays_a_client_while_the_streams_were_not_collected(missing: State) -> None:
    """Denied, failed or never asked for (an older snapshot): whatever the snapshot holds of the
    streams, the interface is an ordinary workload, a client of every service, as before."""
    b, _, _, group = _delivery()
    view = b.view(missing={Part.FIREHOSE_STREAMS: missing})
    eni = view.interfaces[_stream_enis(b, group)[0]]
    assert view.firehose_streams_of(eni) == () and view.managed_kind_of(eni) is None
    assert view.may_call(eni, "s3")


def test_only_an_interface_fitting_a_stream_exactly_is_the_streams() -> None:
    """Outside the stream's subnets, with one group more, described, or on an instance: not the
    stream's, so a client of every service (an application sharing the group stays one)."""
    b, _, subnets, group = _delivery(stream_subnets=1)
    outside = next(e for e in _stream_enis(b, group) if b.enis[e].subnet_id == subnets["s2"])
    inside = next(e for e in _stream_enis(b, group) if b.enis[e].subnet_id == subnets["s1"])
    extra = b.workload(subnets["s1"], groups=[group, b.security_group(b.subnets[subnets["s1"]].vpc_id, name="app")])
    described = b.workload(subnets["s1"], groups=[group], description="AWS Lambda VPC ENI-app")
    on_instance = b.workload(subnets["s1"], groups=[group])
    b.enis[on_instance] = replace(b.enis[on_instance], instance_id="i-0123456789abcdef0")
    view = b.view()
    assert view.firehose_streams_of(view.interfaces[inside])
    for eni_id in (outside, extra, described, on_instance):
        eni = view.interfaces[eni_id]
        assert view.firehose_streams_of(eni) == () and view.may_call(eni, "s3")


def test_client_groups_leave_out_a_firehose_streams_group() -> None:
    """An interface endpoint of a service the stream reaches with its role (logs): its clients are
    the application's interfaces, not the stream's, so its client groups lack the stream's."""
    b, vpc, subnets, _ = _delivery()
    app_group = b.security_group(vpc, name="app")
    app = b.workload(subnets["s1"], groups=[app_group])
    logs = b.interface_endpoint(vpc, "logs", subnets=[subnets["s2"]])
    view = b.view()
    assert [e.network_interface_id for e in view.client_enis(vpc, "logs")] == [app]
    assert client_groups(view, view.endpoints[logs]) == {app_group}


def test_subnets_holding_only_an_eks_control_plane_send_nothing_of_their_own() -> None:
    """Cluster subnets with only "Amazon EKS <cluster>" interfaces are no private source subnet;
    a subnet that also holds a node, or holds nothing, is."""
    b = RegionBuilder()
    vpc = b.vpc()
    control, mixed, empty = (b.subnet(vpc, f"10.0.{n}.0/24") for n in (1, 2, 3))
    for subnet in (control, mixed):
        b.workload(subnet, requester_managed=True, description="Amazon EKS prod")
    b.workload(mixed)
    view = b.view()
    assert view.control_plane_subnet_ids == frozenset({control})
    assert [s.subnet_id for s in view.private_source_subnets(vpc)] == sorted([mixed, empty])
    assert b.view(missing=[Part.NETWORK_INTERFACES]).control_plane_subnet_ids == frozenset()


@pytest.mark.parametrize(("description", "instance", "workload"), [
    ("ES search-prod", None, False),  # an OpenSearch Service domain's interface: inbound only
    ("ES search-prod", "i-0123456789abcdef0", True),  # attached to an instance: not the domain's
    ("ES Search Prod", None, True),  # not a domain name
    ("", None, True),
])
def test_an_opensearch_domains_interfaces_are_not_workloads(description: str, instance: str | None,
                                                            workload: bool) -> None:
    b = RegionBuilder()
    eni = b.workload(b.subnet(b.vpc(), "10.0.1.0/24"), requester_managed=True, description=description)
    b.enis[eni] = replace(b.enis[eni], instance_id=instance)
    view = b.view()
    assert view.is_workload(view.interfaces[eni]) is workload


def test_an_opensearch_managed_endpoint_takes_https() -> None:
    """OpenSearch's service-linked role creates endpoints only with the tag OpenSearchManaged=true,
    and they take HTTPS only: port 443, where another PrivateLink service's port is unknown."""
    b = RegionBuilder()
    vpc = b.vpc()
    subnet = b.subnet(vpc, "10.0.1.0/24")
    service = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
    managed = b.interface_endpoint(vpc, "x", subnets=[subnet], service_name=service)
    b.endpoints[managed] = replace(b.endpoints[managed], tags=(r.Tag("OpenSearchManaged", "true"),))
    other = b.interface_endpoint(vpc, "x", subnets=[subnet], service_name=service)
    view = b.view()
    assert (view.service(view.endpoints[managed]).ports, view.service(view.endpoints[other]).ports) == ((443,), ())


@pytest.mark.parametrize(("tags", "cluster"), [
    ({"AWSMSKManaged": "true", "ClusterArn": "arn:aws:kafka:us-east-1:111122223333:cluster/orders/0f1e-2"},
     "arn:aws:kafka:us-east-1:111122223333:cluster/orders/0f1e-2"),
    ({"AWSMSKManaged": "true"}, None),  # MSK's policies create and manage endpoints only with both tags
    ({"AWSMSKManaged": "false", "ClusterArn": "arn:aws:kafka:us-east-1:111122223333:cluster/orders/0f1e-2"}, None),
    ({"AWSMSKManaged": "true", "ClusterArn": ""}, None),
])
def test_an_msk_managed_connections_endpoint_names_its_cluster(tags: dict[str, str], cluster: str | None) -> None:
    """The endpoint of an MSK managed VPC connection: tagged ``AWSMSKManaged: true`` and
    ``ClusterArn``, as AmazonMSKFullAccess requires to create it and KafkaServiceRolePolicy to
    manage it."""
    b = RegionBuilder()
    vpc = b.vpc()
    endpoint = b.interface_endpoint(vpc, "x", subnets=[b.subnet(vpc, "10.0.1.0/24")],
                                    service_name="com.amazonaws.vpce.us-east-1.vpce-svc-0fedcba9876543210")
    b.endpoints[endpoint] = replace(b.endpoints[endpoint], tags=tuple(r.Tag(k, v) for k, v in tags.items()))
    assert msk_connection_cluster(b.view().endpoints[endpoint]) == cluster


@pytest.mark.parametrize(("description", "workload"), [
    ("DO NOT DELETE - Amazon MSK network interface for cluster "
     "arn:aws:kafka:us-east-1:111122223333:cluster/orders/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0-2.", False),
    ("AWS Lambda VPC ENI-orders-consumer-0f1e2d3c", True),  # an event source mapping's: calls AWS services
])
def test_an_msk_brokers_interfaces_are_not_workloads(description: str, workload: bool) -> None:
    b = RegionBuilder()
    eni = b.workload(b.subnet(b.vpc(), "10.0.1.0/24"), description=description)
    view = b.view()
    assert view.is_workload(view.interfaces[eni]) is workload


@pytest.mark.parametrize(("recorded", "expected"), [
    ([("3.208.10.22",), ("3.208.10.21",)], ("3.208.10.21", "3.208.10.22")),  # sorted, each once
    ([(), ()], ()),  # recorded without any
    ([("3.208.10.21",), None], ("3.208.10.21",)),  # one known is enough
    ([(), None], None),  # the other one's is not recorded (an older snapshot)
    ([None, None], None),
])
def test_endpoint_public_addresses(recorded: list[tuple[str, ...] | None], expected: tuple[str, ...] | None) -> None:
    """The public IPv4 addresses on an endpoint's interfaces (an internet-facing Transfer Family
    server's Elastic IPs): ``()`` only when every interface is recorded without one."""
    b = RegionBuilder()
    vpc = b.vpc()
    subnets = [b.subnet(vpc, "10.0.1.0/24"), b.subnet(vpc, "10.0.2.0/24")]
    endpoint = b.interface_endpoint(vpc, "ssm", subnets=subnets)
    for eni, addresses in zip(b.endpoints[endpoint].network_interface_ids, recorded, strict=True):
        b.enis[eni] = replace(b.enis[eni], public_ip_addresses=addresses)
    view = b.view()
    assert view.endpoint_public_addresses(view.endpoints[endpoint]) == expected


def test_endpoint_public_addresses_are_unknown_without_interfaces() -> None:
    """Interfaces not collected, or one of the endpoint's missing from those collected: unknown."""
    b = RegionBuilder()
    vpc = b.vpc()
    endpoint = b.interface_endpoint(vpc, "ssm", subnets=[b.subnet(vpc, "10.0.1.0/24")])
    assert b.view().endpoint_public_addresses(b.view().endpoints[endpoint]) == ()
    missing = b.view(missing=[Part.NETWORK_INTERFACES])
    assert missing.endpoint_public_addresses(missing.endpoints[endpoint]) is None
    b.enis.clear()
    assert b.view().endpoint_public_addresses(b.view().endpoints[endpoint]) is None


@pytest.mark.parametrize(("in_other_group", "on_instance", "workload"), [
    (False, False, False), (True, False, True), (False, True, True)],
    ids=["CloudFront's own interface", "also in another group", "an instance put in the group"])
def test_a_cloudfront_vpc_origin_interface_is_no_workload(in_other_group: bool, on_instance: bool,
                                                          workload: bool) -> None:
    """The interfaces CloudFront creates for a VPC origin, in its service-managed group alone and
    on no instance, only carry CloudFront's requests to the origin; an interface that is also in
    another group, or an instance someone put in that group, stays a workload."""
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16")
    subnet = b.subnet(vpc, "10.0.1.0/24")
    cloudfront = b.security_group(vpc, name="CloudFront-VPCOrigins-Service-SG")
    app = b.security_group(vpc, name="app")
    eni = b.workload(subnet, groups=[cloudfront, app] if in_other_group else [cloudfront])
    if on_instance:
        b.enis[eni] = replace(b.enis[eni], instance_id="i-0123456789abcdef0")
    view = b.view()
    assert view.is_workload(view.interfaces[eni]) is workload


@pytest.mark.parametrize(("tags", "on_instance", "workload"), [
    ((("AmazonFSx.FileSystemId", "fs-0123456789abcdef0"),), False, False),
    ((("aws.cloudfront.vpcorigin", "enabled"),), False, False),
    ((("AmazonFSx.FileSystemId", "fs-0123456789abcdef0"),), True, True),
    ((("aws.cloudfront.vpcorigin", "disabled"),), False, True),
    ((), False, True)],
    ids=["FSx file system", "CloudFront VPC origin", "an instance tagged like FSx", "tag not enabled", "untagged"])
def test_service_interfaces_are_known_by_the_tags_their_services_must_set(
        tags: tuple[tuple[str, str], ...], on_instance: bool, workload: bool) -> None:
    """FSx and CloudFront's service-linked roles may create interfaces only with their tag
    (AmazonFSxServiceRolePolicy, AWSCloudFrontVPCOriginServiceRolePolicy): such an interface, on no
    instance, is the service's own and no workload. Anyone can tag an instance's interface alike."""
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16")
    eni = b.workload(b.subnet(vpc, "10.0.1.0/24"), groups=[b.security_group(vpc, name="any")])
    b.enis[eni] = replace(b.enis[eni], tags=tuple(r.Tag(k, v) for k, v in tags),
                          instance_id="i-0123456789abcdef0" if on_instance else None)
    view = b.view()
    assert view.is_workload(view.interfaces[eni]) is workload


@pytest.mark.parametrize(("tagged", "on_instance", "calls_ssm"), [(True, False, False), (True, True, True),
                                                                  (False, False, True)],
                         ids=["AMP collector", "an instance tagged alike", "untagged"])
def test_an_amp_collector_interface_calls_only_amp(tagged: bool, on_instance: bool, calls_ssm: bool) -> None:
    """An interface on no instance tagged ``AMPAgentlessScraper`` (the only tag key AMP's scraper
    role may create it with) is a managed collector's: a workload that remote-writes to AMP alone."""
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16")
    eni = b.workload(b.subnet(vpc, "10.0.1.0/24"), groups=[b.security_group(vpc, name="any")])
    b.enis[eni] = replace(b.enis[eni], tags=(r.Tag("AMPAgentlessScraper", ""),) if tagged else (),
                          instance_id="i-0123456789abcdef0" if on_instance else None)
    view = b.view()
    interface = view.interfaces[eni]
    assert view.is_workload(interface)
    assert (view.may_call(interface, "ssm"), view.may_call(interface, "aps-workspaces")) == (calls_ssm, True)


def _local_zone(*, recorded: bool = True) -> tuple[RegionBuilder, str, str]:
    """us-east-1a and b, and the Boston Local Zone us-east-1-bos-1a (zone 3, parent us-east-1a), a
    subnet in each; with ``recorded`` the three as DescribeAvailabilityZones lists them. Returns the
    builder and the Local Zone's and us-east-1a's AZ IDs."""
    b = RegionBuilder(az_count=2)
    b.azs.append(("us-east-1-bos-1a", "use1-bos1-az1"))
    vpc = b.vpc()
    for az in (1, 2, 3):
        b.subnet(vpc, f"10.0.{az}.0/24", az=az)
    if recorded:
        b.zone(1)
        b.zone(2)
        b.zone(3, "local-zone", border_group="us-east-1-bos-1", parent=1)
    return b, "use1-bos1-az1", "use1-az1"


def test_a_recorded_local_zone_has_its_own_border_group() -> None:
    """DescribeAvailabilityZones' record tells the Local Zone (``local-zone``, its parent zone, its
    network border group ``us-east-1-bos-1``) from the Region's AZs, whose addresses are the
    Region's (AllocateAddress's default, no group named). A zone's name reaches its record too."""
    b, local, az = _local_zone()
    view = b.view()
    zone = view.zone_of(local)
    assert (zone.zone_type, zone.parent_zone_id, zone.network_border_group) == ("local-zone", az, "us-east-1-bos-1")
    assert view.zone_of("us-east-1-bos-1a") == zone
    assert view.is_edge_zone(local) and not view.is_edge_zone(az)
    assert view.border_group_of(local) == BorderGroup("us-east-1-bos-1a", "us-east-1-bos-1")
    assert view.border_group_of(az) == BorderGroup("us-east-1a", None)


def test_a_recorded_availability_zone_without_its_border_group_has_the_regions() -> None:
    """moto's shape: an ``availability-zone`` answered without ``NetworkBorderGroup``. An AZ's group
    is the Region's, so nothing changes; a Local Zone recorded without one is not known."""
    b, local, az = _local_zone(recorded=False)
    b.availability_zones = [r.AvailabilityZone("us-east-1a", az, "availability-zone", None),
                            r.AvailabilityZone("us-east-1-bos-1a", local, "local-zone", None)]
    view = b.view()
    assert view.border_group_of(az) == BorderGroup("us-east-1a", None)
    unknown = view.border_group_of(local)
    assert unknown.group is None and "gives us-east-1-bos-1a (local-zone) no network border group" in unknown.unknown


@pytest.mark.parametrize("missing", [State.DENIED, State.ERROR, State.SKIPPED])
def test_without_the_zones_a_zone_is_read_by_its_name(missing: State) -> None:
    """Denied, failed or an older snapshot: no zone has a record, whatever the snapshot holds. A
    name of the Region and one letter is an AZ's (the Region's group, as before); any other is not
    known to be one, and its group is unknown — said so, never guessed."""
    b, local, az = _local_zone()
    view = b.view(missing={Part.AVAILABILITY_ZONES: missing})
    assert view.zone_of(local) is None and not view.is_edge_zone(local)
    assert view.border_group_of(az) == BorderGroup("us-east-1a", None)
    unknown = view.border_group_of(local)
    assert unknown.group is None and unknown.zone == "us-east-1-bos-1a"
    assert unknown.unknown == ("us-east-1-bos-1a is not named like an Availability Zone of us-east-1 and the "
                               "Region's zones were not collected: a Local Zone or Wavelength Zone has a network "
                               "border group of its own")


def test_a_zone_the_collected_list_does_not_hold_is_read_by_its_name() -> None:
    """The zones collected but the subnet's zone not among them (not expected of AWS, which lists
    every zone with AllAvailabilityZones): read by its name, as without the zones."""
    b, local, _ = _local_zone(recorded=False)
    b.zone(1)
    view = b.view()
    assert view.zone_of(local) is None
    assert "DescribeAvailabilityZones does not list it" in view.border_group_of(local).unknown
    assert view.border_group_of("use1-az2") == BorderGroup("us-east-1b", None)
