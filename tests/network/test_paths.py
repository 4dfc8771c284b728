"""Traffic paths: the decisions a reviewer reads in the path matrix and `vpcaudit path`."""

from __future__ import annotations

from dataclasses import replace

from builders import RegionBuilder, standard_vpc

from vpcaudit.network.paths import destinations, gateway_endpoint_prefix_list, path_for


def _path(b: RegionBuilder, subnet: str, destination: str):
    view = b.view()
    return path_for(view, view.subnets[subnet], destination)


def test_s3_goes_through_gateway_endpoint_only_where_routed() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b)
    endpoint = b.gateway_endpoint(ids["vpc"], "s3", route_tables=ids["private_rt"][:2])
    routed, unrouted = ids["private"][0], ids["private"][2]
    assert (_path(b, routed, "s3").kind, _path(b, routed, "s3").target_id) == ("gateway-endpoint", endpoint)
    missed = _path(b, unrouted, "s3")
    assert (missed.kind, missed.target_id, missed.via_nat) == ("nat", ids["nat"][2], True)


def test_the_prefix_list_by_which_a_subnet_reaches_a_gateway_endpoint() -> None:
    """Its S3 prefix list where the subnet's table takes the endpoint, also when a more specific
    route carves part of it away; None where it does not, or where an interface endpoint's private
    DNS takes S3's names. The list not collected, the table's route to the endpoint names it."""
    b = RegionBuilder()
    ids = standard_vpc(b)
    endpoint = b.gateway_endpoint(ids["vpc"], "s3", route_tables=ids["private_rt"][:2])
    s3 = next(p for p, x in b.prefix_lists.items() if x.prefix_list_name.endswith(".s3"))
    b.route(ids["private_rt"][1], "52.216.0.0/16", ids["nat"][1])

    def reached(builder: RegionBuilder) -> list[str | None]:
        view = builder.view()
        return [gateway_endpoint_prefix_list(view, view.subnets[s], view.endpoints[endpoint]) for s in ids["private"]]

    assert reached(b) == [s3, s3, None]
    listed = b.prefix_lists.pop(s3)
    assert reached(b) == [s3, s3, None]
    b.prefix_lists[s3] = listed
    b.interface_endpoint(ids["vpc"], "s3", subnets=ids["private"][:1])
    assert reached(b) == [None, None, None]


def test_more_specific_static_route_splits_the_s3_path() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b)
    b.gateway_endpoint(ids["vpc"], "s3", route_tables=ids["private_rt"][:1])
    # A /16 inside the S3 prefix list's 52.216.0.0/15 sends part of S3 to the NAT gateway.
    b.route(ids["private_rt"][0], "52.216.0.0/16", ids["nat"][0])
    path = _path(b, ids["private"][0], "s3")
    assert path.kind == "split"
    assert "nat" in path.detail and "gateway endpoint" in path.detail


def test_single_nat_gateway_makes_other_azs_cross_az() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b, nat_per_az=False)
    same_az = _path(b, ids["private"][0], "internet")
    other_az = _path(b, ids["private"][1], "internet")
    assert (same_az.kind, same_az.cross_az) == ("nat", False)
    assert (other_az.kind, other_az.cross_az) == ("nat", True)
    assert any("crosses AZs" in s.description for s in other_az.steps)


def test_blackhole_default_route_delivers_nothing() -> None:
    b = RegionBuilder()
    vpc = b.vpc()
    subnet = b.subnet(vpc, "10.0.1.0/24")
    b.route_table(vpc, subnets=[subnet])
    b.route(b.route_tables[next(iter(t for t in b.route_tables if b.route_tables[t].subnet_ids))].route_table_id,
            "0.0.0.0/0", "nat-dead", state="blackhole")
    path = _path(b, subnet, "internet")
    assert path.kind == "none"
    assert any("blackhole" in s.description for s in path.steps)


def test_interface_endpoint_private_dns_decides_the_service_path() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b)
    on = b.interface_endpoint(ids["vpc"], "ssm", subnets=ids["private"])
    off = b.interface_endpoint(ids["vpc"], "logs", subnets=ids["private"], private_dns=False)
    assert destinations(b.view(), ids["vpc"]) == ("s3", "dynamodb", "logs", "ssm", "internet")
    ssm = _path(b, ids["private"][0], "ssm")
    assert (ssm.kind, ssm.target_id, ssm.cross_az) == ("interface-endpoint", on, False)
    logs = _path(b, ids["private"][0], "logs")
    assert logs.kind == "nat" and off in logs.detail


def test_dns_hostnames_off_defeats_private_dns() -> None:
    b = RegionBuilder()
    vpc = b.vpc(dns_hostnames=False)
    subnet = b.subnet(vpc, "10.0.1.0/24")
    b.interface_endpoint(vpc, "ssm", subnets=[subnet])
    assert _path(b, subnet, "ssm").kind == "none"  # no default route: the hostname resolves publicly, nowhere to go


def test_main_table_fallback_and_firewall_hop() -> None:
    b = RegionBuilder()
    vpc = b.vpc()
    igw = b.igw(vpc)
    fw_subnet = b.subnet(vpc, "10.0.0.0/28", az=1)
    b.route_table(vpc, subnets=[fw_subnet], routes={"0.0.0.0/0": igw})
    fw = b.interface_endpoint(vpc, "fw", subnets=[fw_subnet], endpoint_type="GatewayLoadBalancer",
                              service_name="com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0")
    app = b.subnet(vpc, "10.0.1.0/24", az=1)  # no explicit association: uses the main table
    b.route(b.main_route_table(vpc), "0.0.0.0/0", fw)
    path = _path(b, app, "internet")
    assert path.kind == "firewall" and path.target_id == fw
    assert "main route table" in path.steps[0].description
    assert b.view().egress(app).klass == "igw" and b.view().is_public(app)


def test_pending_interface_endpoint_does_not_serve_yet() -> None:
    """Until an endpoint is available its private DNS names do not exist: traffic takes the default route."""
    b = RegionBuilder()
    ids = standard_vpc(b, azs=1)
    b.interface_endpoint(ids["vpc"], "ssm", subnets=ids["private"], state="pendingAcceptance")
    path = _path(b, ids["private"][0], "ssm")
    assert (path.kind, path.target_id) == ("nat", ids["nat"][0])
    assert "is pendingAcceptance, so its private DNS names are not active" in path.detail


def test_runner_draws_paths_only_where_routing_was_collected() -> None:
    from vpcaudit.engine.runner import run
    from vpcaudit.snapshot.model import Part

    b = RegionBuilder()
    standard_vpc(b)
    assert len(run(b.snapshot(), ()).paths) == 6 * 3  # 6 subnets × (s3, dynamodb, internet)
    assert run(b.snapshot(missing=[Part.ROUTE_TABLES]), ()).paths == ()


def test_the_internet_path_of_an_ipv6_only_subnet_follows_its_ipv6_default_route() -> None:
    """An IPv6-only subnet sends no IPv4 packet: its internet traffic takes ::/0 (here the
    egress-only gateway), and the 0.0.0.0/0 route (here none) says nothing about it."""
    b = RegionBuilder()
    vpc = b.vpc()
    subnet = b.subnet(vpc, "10.0.1.0/24", ipv6_cidrs=["2600:1f18:1:1::/64"])
    b.subnets[subnet] = replace(b.subnets[subnet], cidr_block=None)
    eigw = b.eigw(vpc)
    b.route_table(vpc, subnets=[subnet], routes={"::/0": eigw})
    path = _path(b, subnet, "internet")
    assert (path.kind, path.target_id) == ("eigw", eigw)
    assert any(step.description.startswith("::/0: ") for step in path.steps)


def test_a_dual_stack_subnets_internet_path_is_its_ipv4_one() -> None:
    """SDKs and most clients use IPv4 where they have it: the matrix shows the IPv4 default route."""
    b = RegionBuilder()
    vpc = b.vpc()
    subnet = b.subnet(vpc, "10.0.1.0/24", ipv6_cidrs=["2600:1f18:1:1::/64"])
    eigw = b.eigw(vpc)
    b.route_table(vpc, subnets=[subnet], routes={"0.0.0.0/0": "nat-0abc", "::/0": eigw})
    assert _path(b, subnet, "internet").kind == "nat"
