"""DNS005 dhcp-custom-dns-with-private-dns: custom DNS servers beside private DNS or private zones."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from builders import REGION, RegionBuilder
from rulecheck import findings, fix_of, triples

from vpcaudit.rules.dns.dns005_dhcp_custom_dns_with_private_dns import dhcp_custom_dns_with_private_dns as rule
from vpcaudit.snapshot.model import Part, Snapshot

Expected = set[tuple[str, str, str]]
Case = Callable[[], tuple[Snapshot, Expected]]
CUSTOM = ("10.50.0.10", "10.50.0.11")


def _vpc(b: RegionBuilder, servers: tuple[str, ...] | None, *, private_dns: bool = True) -> str:
    vpc = b.vpc("10.0.0.0/16", dhcp_servers=servers)
    b.interface_endpoint(vpc, "ssm", subnets=[b.subnet(vpc, "10.0.1.0/24")], private_dns=private_dns)
    return vpc


def custom_servers_only() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    vpc = _vpc(b, CUSTOM)
    return b.snapshot(), {("DNS005", vpc, "fail")}


def custom_servers_with_a_private_zone() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    vpc = _vpc(b, CUSTOM, private_dns=False)
    b.hosted_zone("corp.internal", [vpc])
    return b.snapshot(), {("DNS005", vpc, "fail")}


def no_servers_at_all() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    vpc = _vpc(b, ())
    return b.snapshot(), {("DNS005", vpc, "fail")}


def amazon_provided_dns_listed() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    _vpc(b, ("10.50.0.10", "AmazonProvidedDNS"))
    return b.snapshot(), set()


def vpc_base_plus_two() -> tuple[Snapshot, Expected]:
    """AWS documents the primary CIDR's base + 2 as the Route 53 Resolver itself."""
    b = RegionBuilder()
    _vpc(b, ("10.0.0.2",))
    return b.snapshot(), set()


def link_local_resolver() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    _vpc(b, ("169.254.169.253",))
    return b.snapshot(), set()


def base_plus_two_of_another_network() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    vpc = _vpc(b, ("10.1.0.2",))
    return b.snapshot(), {("DNS005", vpc, "fail")}


def default_options_set() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    _vpc(b, None)
    return b.snapshot(), set()


def nothing_needs_the_resolver() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    _vpc(b, CUSTOM, private_dns=False)
    return b.snapshot(), set()


def options_set_missing_from_snapshot() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    vpc = _vpc(b, CUSTOM)
    b.dhcp.clear()
    return b.snapshot(), {("DNS005", vpc, "not_evaluated")}


def dhcp_options_denied() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    _vpc(b, CUSTOM)
    return b.snapshot(missing=[Part.DHCP_OPTIONS]), {("DNS005", REGION, "not_evaluated")}


CASES: list[Case] = [custom_servers_only, custom_servers_with_a_private_zone, no_servers_at_all,
                     amazon_provided_dns_listed, vpc_base_plus_two, link_local_resolver,
                     base_plus_two_of_another_network, default_options_set, nothing_needs_the_resolver,
                     options_set_missing_from_snapshot, dhcp_options_denied]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_dns005(case: Case) -> None:
    snapshot, expected = case()
    assert triples(rule, snapshot) == expected


def test_dns005_message_names_the_servers_and_what_depends_on_them() -> None:
    snapshot, _ = custom_servers_only()
    (finding,) = findings(rule, snapshot)
    assert finding.severity.value == "medium"
    assert "10.50.0.10, 10.50.0.11" in finding.message and "(ssm)" in finding.message
    assert finding.evidence["domain_name_servers"] == list(CUSTOM)


def test_fix_hands_out_amazon_dns_first_once_the_forwarding_is_checked() -> None:
    b = RegionBuilder()
    vpc = _vpc(b, CUSTOM)
    assert fix_of(rule, b.snapshot(), vpc) == [
        ("ec2:CreateDhcpOptions", {"DhcpConfigurations": [
            {"Key": "domain-name-servers", "Values": ["AmazonProvidedDNS", *CUSTOM]}]}, "create", False),
        ("ec2:AssociateDhcpOptions", {"DhcpOptionsId": {"new_id": f"dhcp-options-{vpc}"}, "VpcId": vpc},
         "associate", False)]


# -- AWS Directory Service domain controllers as the DHCP servers -------------------------------------

DIRECTORY = "d-9067a1b2c3"


def _directory_vpc(*, controllers_in: str = "this VPC", domain: str | None = "corp.example.com",
                   zone: str | None = None, endpoint: bool = True) -> tuple[RegionBuilder, str]:
    """A VPC whose options set hands out two domain controllers' addresses: interfaces AWS describes
    "AWS created network interface for directory d-…", in this VPC or in another one."""
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16", dhcp_servers=())
    subnet = b.subnet(vpc, "10.0.1.0/24")
    if endpoint:
        b.interface_endpoint(vpc, "ssm", subnets=[subnet])
    home = subnet
    if controllers_in == "another VPC":
        other = b.vpc("10.1.0.0/16")
        home = b.subnet(other, "10.1.1.0/24")
    enis = [b.workload(home, requester_managed=True,
                       description=f"AWS created network interface for directory {DIRECTORY}") for _ in range(2)]
    servers = tuple(b.enis[e].private_ip_addresses[0] for e in enis)
    options = b.vpcs[vpc].dhcp_options_id
    assert options is not None
    b.dhcp[options] = replace(b.dhcp[options], domain_name_servers=servers, domain_name=domain)
    if zone:
        b.hosted_zone(zone, [vpc])
    return b, vpc


def test_the_vpcs_own_domain_controllers_forward_to_the_vpc_resolver() -> None:
    """AWS Managed Microsoft AD's default DNS forwarder is the VPC resolver at CIDR+2 ("What gets
    created"): handed out by DHCP, its controllers answer the endpoints' private names."""
    b, _ = _directory_vpc()
    assert triples(rule, b.snapshot()) == set()
    b, _ = _directory_vpc(zone="apps.internal", endpoint=False)
    assert triples(rule, b.snapshot()) == set()


def test_a_private_zone_inside_the_directorys_domain_is_shadowed() -> None:
    b, vpc = _directory_vpc(zone="apps.corp.example.com")
    (finding,) = findings(rule, b.snapshot())
    assert finding.resource.resource_id == vpc
    assert (f"are the domain controllers of directory {DIRECTORY} in this VPC: they forward other names to the VPC "
            "resolver but answer corp.example.com themselves, so private hosted zone(s) apps.corp.example.com") \
        in finding.message
    assert finding.evidence["private_hosted_zones"] == ["apps.corp.example.com"]


def test_controllers_of_another_vpc_forward_to_their_own_resolver() -> None:
    """An endpoint's private DNS is a zone associated with its own VPC only."""
    b, vpc = _directory_vpc(controllers_in="another VPC")
    assert triples(rule, b.snapshot()) == {("DNS005", vpc, "fail")}


def test_without_interfaces_collected_the_controllers_cannot_be_told() -> None:
    b, vpc = _directory_vpc()
    assert triples(rule, b.snapshot(missing=[Part.NETWORK_INTERFACES])) == {("DNS005", vpc, "fail")}


def test_stale_servers_beside_the_vpcs_controllers_get_the_controllers() -> None:
    """AmazonProvidedDNS does not know the directory's domain: where the VPC holds controllers,
    the new options set hands those out."""
    b, vpc = _directory_vpc()
    options = b.vpcs[vpc].dhcp_options_id
    assert options is not None
    controllers = b.dhcp[options].domain_name_servers
    b.dhcp[options] = replace(b.dhcp[options], domain_name_servers=("10.0.0.10",))
    create, _ = fix_of(rule, b.snapshot(), vpc)
    assert create[1]["DhcpConfigurations"][0] == {"Key": "domain-name-servers", "Values": sorted(controllers)}


# -- this VPC's own inbound Route 53 Resolver endpoint as the DHCP servers ---------------------------

def _inbound_endpoint_vpc(*, sources: tuple[str, ...] = ("10.0.0.0/16",), direction: str = "in",
                          elsewhere: bool = False) -> tuple[RegionBuilder, str]:
    """A VPC whose options set hands out the two addresses of a Resolver endpoint's interfaces
    (``direction`` in or out; in this VPC or another), in a group admitting UDP 53 from ``sources``."""
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16", dhcp_servers=())
    subnet = b.subnet(vpc, "10.0.1.0/24")
    b.interface_endpoint(vpc, "ssm", subnets=[subnet])
    b.workload(subnet)
    home_vpc, home = vpc, subnet
    if elsewhere:
        home_vpc = b.vpc("10.1.0.0/16")
        home = b.subnet(home_vpc, "10.1.1.0/24")
    group = b.security_group(home_vpc, name="resolver", ingress=[("udp", 53, 53, c) for c in sources])
    enis = [b.workload(home, groups=[group], requester_managed=True,
                       description=f"Route 53 Resolver: rslvr-{direction}-0a1b2c3d4e5f60718:rni-0f1e2d3c4b5a6978{n}")
            for n in range(2)]
    options = b.vpcs[vpc].dhcp_options_id
    assert options is not None
    b.dhcp[options] = replace(b.dhcp[options],
                              domain_name_servers=tuple(b.enis[e].private_ip_addresses[0] for e in enis))
    return b, vpc


def test_the_vpcs_own_inbound_endpoint_is_the_vpc_resolver() -> None:
    """"The inbound endpoint sends the query to Route 53 Resolver at the VPC +2" (Route 53 guide)."""
    b, _ = _inbound_endpoint_vpc()
    assert triples(rule, b.snapshot()) == set()


@pytest.mark.parametrize("options", [{"sources": ("192.168.0.0/16",)}, {"direction": "out"}, {"elsewhere": True}],
                         ids=["group admits on-premises only", "outbound endpoint", "another VPC's endpoint"])
def test_an_inbound_endpoint_that_cannot_answer_this_vpc_is_no_resolver_of_it(options: dict[str, object]) -> None:
    b, vpc = _inbound_endpoint_vpc(**options)  # type: ignore[arg-type]
    assert triples(rule, b.snapshot()) == {("DNS005", vpc, "fail")}
