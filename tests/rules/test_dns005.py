"""DNS005 dhcp-custom-dns-with-private-dns: custom DNS servers beside private DNS or private zones."""

from __future__ import annotations

from collections.abc import Callable

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
