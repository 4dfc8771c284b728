"""DNS001 vpc-dns-support-disabled: high with private DNS or zones, medium with endpoints only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from builders import REGION, RegionBuilder
from rulecheck import findings, fix_of, triples

from vpcaudit.rules.dns.dns001_vpc_dns_support_disabled import vpc_dns_support_disabled as rule
from vpcaudit.snapshot.model import Part, Snapshot

Case = Callable[[], tuple[Snapshot, set[tuple[str, str, str]]]]


def _vpc(b: RegionBuilder, *, support: bool | None) -> tuple[str, str]:
    vpc = b.vpc("10.0.0.0/16", dns_support=support)
    return vpc, b.subnet(vpc, "10.0.1.0/24", az=1)


def private_dns_endpoint() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    vpc, subnet = _vpc(b, support=False)
    b.interface_endpoint(vpc, "ssm", subnets=[subnet])
    return b.snapshot(), {("DNS001", vpc, "fail")}


def hosted_zone_only() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    vpc, _ = _vpc(b, support=False)
    b.hosted_zone("corp.internal", [vpc])
    return b.snapshot(), {("DNS001", vpc, "fail")}


def endpoints_without_private_dns() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    vpc, subnet = _vpc(b, support=False)
    b.interface_endpoint(vpc, "ssm", subnets=[subnet], private_dns=False)
    return b.snapshot(), {("DNS001", vpc, "fail")}


def nothing_depends_on_dns() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    _vpc(b, support=False)
    return b.snapshot(), set()


def only_a_gateway_endpoint() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    """Gateway endpoints are route targets: no name, no DNS dependency."""
    b = RegionBuilder()
    vpc, _ = _vpc(b, support=False)
    b.gateway_endpoint(vpc, "s3", route_tables=[b.main_route_table(vpc)])
    return b.snapshot(), set()


def only_a_failed_endpoint() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    vpc, subnet = _vpc(b, support=False)
    b.interface_endpoint(vpc, "ssm", subnets=[subnet], state="failed")
    return b.snapshot(), set()


def support_enabled() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    vpc, subnet = _vpc(b, support=True)
    b.interface_endpoint(vpc, "ssm", subnets=[subnet])
    b.hosted_zone("corp.internal", [vpc])
    return b.snapshot(), set()


def attribute_unreadable() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    vpc, subnet = _vpc(b, support=None)
    b.interface_endpoint(vpc, "ssm", subnets=[subnet])
    return b.snapshot(), {("DNS001", vpc, "not_evaluated")}


def attributes_denied() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    vpc, subnet = _vpc(b, support=False)
    b.interface_endpoint(vpc, "ssm", subnets=[subnet])
    return b.snapshot(missing=[Part.VPC_ATTRIBUTES]), {("DNS001", REGION, "not_evaluated")}


CASES: list[Case] = [private_dns_endpoint, hosted_zone_only, endpoints_without_private_dns, nothing_depends_on_dns,
                     only_a_gateway_endpoint, only_a_failed_endpoint, support_enabled, attribute_unreadable,
                     attributes_denied]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_dns001(case: Case) -> None:
    snapshot, expected = case()
    assert triples(rule, snapshot) == expected


@pytest.mark.parametrize(("case", "severity"), [
    (private_dns_endpoint, "high"), (hosted_zone_only, "high"), (endpoints_without_private_dns, "medium")])
def test_dns001_severity_depends_on_what_needs_the_resolver(case: Case, severity: str) -> None:
    snapshot, _ = case()
    assert [f.severity.value for f in findings(rule, snapshot)] == [severity]


def test_dns001_message_names_the_endpoint_and_zone() -> None:
    b = RegionBuilder()
    vpc, subnet = _vpc(b, support=False)
    endpoint = b.interface_endpoint(vpc, "ssm", subnets=[subnet])
    zone = b.hosted_zone("corp.internal", [vpc])
    (finding,) = findings(rule, b.snapshot())
    assert vpc in finding.message and f"{endpoint} (ssm)" in finding.message and "corp.internal" in finding.message
    assert finding.evidence["private_hosted_zones"] == [f"{zone} (corp.internal)"]


def test_fix_turns_the_resolver_back_on() -> None:
    b = RegionBuilder()
    vpc, subnet = _vpc(b, support=False)
    b.interface_endpoint(vpc, "ssm", subnets=[subnet])
    assert fix_of(rule, b.snapshot(), vpc) == [
        ("ec2:ModifyVpcAttribute", {"VpcId": vpc, "EnableDnsSupport": {"Value": True}}, "modify", True)]
