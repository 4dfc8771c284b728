"""DNS002 vpc-dns-hostnames-disabled: private DNS or a private zone while DNS hostnames are off."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from builders import REGION, RegionBuilder
from rulecheck import findings, fix_of, triples

from vpcaudit.rules.dns.dns002_vpc_dns_hostnames_disabled import vpc_dns_hostnames_disabled as rule
from vpcaudit.snapshot.model import Part, Snapshot

Expected = set[tuple[str, str, str]]
Case = Callable[[], tuple[Snapshot, Expected]]


def _vpc(b: RegionBuilder, *, hostnames: bool | None) -> tuple[str, str]:
    vpc = b.vpc("10.0.0.0/16", dns_hostnames=hostnames)
    return vpc, b.subnet(vpc, "10.0.1.0/24", az=1)


def private_dns_endpoint() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    vpc, subnet = _vpc(b, hostnames=False)
    b.interface_endpoint(vpc, "secretsmanager", subnets=[subnet])
    return b.snapshot(), {("DNS002", vpc, "fail")}


def service_network_endpoint_with_private_dns() -> tuple[Snapshot, Expected]:
    """VPC Lattice endpoints' private DNS is also a private hosted zone: it needs both attributes too."""
    b = RegionBuilder()
    vpc, subnet = _vpc(b, hostnames=False)
    b.interface_endpoint(vpc, "sn", subnets=[subnet], endpoint_type="ServiceNetwork",
                         service_name="arn:aws:vpc-lattice:us-east-1:111111111111:servicenetwork/sn-0abc")
    return b.snapshot(), {("DNS002", vpc, "fail")}


def hosted_zone() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    vpc, _ = _vpc(b, hostnames=False)
    b.hosted_zone("corp.internal", [vpc])
    return b.snapshot(), {("DNS002", vpc, "fail")}


def endpoint_with_private_dns_off() -> tuple[Snapshot, Expected]:
    """Endpoint-specific names are public DNS: DNS hostnames do not matter to them."""
    b = RegionBuilder()
    vpc, subnet = _vpc(b, hostnames=False)
    b.interface_endpoint(vpc, "secretsmanager", subnets=[subnet], private_dns=False)
    return b.snapshot(), set()


def deleted_endpoint() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    vpc, subnet = _vpc(b, hostnames=False)
    b.interface_endpoint(vpc, "secretsmanager", subnets=[subnet], state="deleted")
    return b.snapshot(), set()


def hostnames_enabled() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    vpc, subnet = _vpc(b, hostnames=True)
    b.interface_endpoint(vpc, "secretsmanager", subnets=[subnet])
    return b.snapshot(), set()


def zone_of_another_vpc() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    _vpc(b, hostnames=False)
    other = b.vpc("10.1.0.0/16")
    b.hosted_zone("corp.internal", [other])
    return b.snapshot(), set()


def attribute_unreadable() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    vpc, subnet = _vpc(b, hostnames=None)
    b.interface_endpoint(vpc, "secretsmanager", subnets=[subnet])
    return b.snapshot(), {("DNS002", vpc, "not_evaluated")}


def hosted_zones_denied() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    vpc, subnet = _vpc(b, hostnames=False)
    b.interface_endpoint(vpc, "secretsmanager", subnets=[subnet])
    return b.snapshot(missing=[Part.HOSTED_ZONES]), {("DNS002", REGION, "not_evaluated")}


CASES: list[Case] = [private_dns_endpoint, service_network_endpoint_with_private_dns, hosted_zone,
                     endpoint_with_private_dns_off, deleted_endpoint, hostnames_enabled, zone_of_another_vpc,
                     attribute_unreadable, hosted_zones_denied]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_dns002(case: Case) -> None:
    snapshot, expected = case()
    assert triples(rule, snapshot) == expected


def test_dns002_message_names_the_endpoint_and_its_service() -> None:
    snapshot, _ = private_dns_endpoint()
    (finding,) = findings(rule, snapshot)
    endpoint = snapshot.accounts[0].regions[0].vpc_endpoints[0].vpc_endpoint_id
    assert finding.severity.value == "high"
    assert f"{endpoint} (secretsmanager)" in finding.message and "enableDnsHostnames = false" in finding.message
    assert finding.evidence["private_dns_endpoints"] == [f"{endpoint} (secretsmanager)"]


def test_fix_turns_dns_hostnames_on_after_dns_support_when_both_are_off() -> None:
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16", dns_support=False, dns_hostnames=False)
    b.interface_endpoint(vpc, "secretsmanager", subnets=[b.subnet(vpc, "10.0.1.0/24")])
    assert fix_of(rule, b.snapshot(), vpc) == [
        ("ec2:ModifyVpcAttribute", {"VpcId": vpc, "EnableDnsSupport": {"Value": True}}, "modify", True),
        ("ec2:ModifyVpcAttribute", {"VpcId": vpc, "EnableDnsHostnames": {"Value": True}}, "modify", True)]
    only_hostnames = RegionBuilder()
    vpc, subnet = _vpc(only_hostnames, hostnames=False)
    only_hostnames.interface_endpoint(vpc, "secretsmanager", subnets=[subnet])
    assert [s[1] for s in fix_of(rule, only_hostnames.snapshot(), vpc)] == [
        {"VpcId": vpc, "EnableDnsHostnames": {"Value": True}}]
