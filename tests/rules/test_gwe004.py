"""GWE004 s3-interface-endpoint-for-vpc-traffic."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from builders import REGION, RegionBuilder, standard_vpc
from rulecheck import findings, fix_of, triples

from vpcaudit.rules.gwe.gwe004_s3_interface_endpoint_for_vpc_traffic import (
    s3_interface_endpoint_for_vpc_traffic as rule,
)
from vpcaudit.snapshot.model import Part, Snapshot

ID = "GWE004"
Case = Callable[[], tuple[Snapshot, set[tuple[str, str, str]]]]


def _case(key: str = "s3", *, gateway: bool = True, private_dns: bool = True, inbound_only: bool | None = False,
          state: str = "available", service_name: str | None = None, gateway_elsewhere: bool = False,
          status: str | None = "fail") -> Case:
    def build() -> tuple[Snapshot, set[tuple[str, str, str]]]:
        b = RegionBuilder()
        ids = standard_vpc(b, azs=2)
        if gateway:
            b.gateway_endpoint(ids["vpc"], key, route_tables=ids["private_rt"])
        if gateway_elsewhere:
            other = b.vpc("10.1.0.0/16")
            b.gateway_endpoint(other, key, route_tables=[b.main_route_table(other)])
        endpoint = b.interface_endpoint(ids["vpc"], key, subnets=ids["private"], private_dns=private_dns,
                                        inbound_only=inbound_only, state=state, service_name=service_name)
        return b.snapshot(), {(ID, endpoint, status)} if status else set()
    return build


CASES: list[tuple[str, Case]] = [
    ("S3 interface endpoint, no gateway endpoint", _case(gateway=False, private_dns=False, inbound_only=None)),
    ("DynamoDB interface endpoint, no gateway endpoint", _case("dynamodb", gateway=False)),
    ("gateway endpoint in another VPC does not count", _case(gateway=False, gateway_elsewhere=True)),
    ("private DNS for all resolvers beside a gateway endpoint", _case()),
    ("inbound-only private DNS beside a gateway endpoint", _case(inbound_only=True, status=None)),
    ("private DNS off beside a gateway endpoint", _case(private_dns=False, inbound_only=None, status=None)),
    ("inbound-only option not reported", _case(inbound_only=None, status="not_evaluated")),
    ("other Region's S3: a gateway endpoint cannot serve it",
     _case(gateway=False, service_name="com.amazonaws.eu-west-1.s3", status=None)),
    ("deleted interface endpoint", _case(gateway=False, state="deleted", status=None)),
    ("other services are not this rule's", _case("ssm", gateway=False, status=None)),
]


@pytest.mark.parametrize("build", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_cases(build: Case) -> None:
    snapshot, expected = build()
    assert triples(rule, snapshot) == expected


def test_not_evaluated_without_endpoints() -> None:
    b = RegionBuilder()
    standard_vpc(b)
    assert triples(rule, b.snapshot(missing=[Part.VPC_ENDPOINTS])) == {(ID, REGION, "not_evaluated")}


def test_messages_name_endpoint_gateway_and_cost() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b, azs=2)
    gateway = b.gateway_endpoint(ids["vpc"], "s3", route_tables=ids["private_rt"])
    endpoint = b.interface_endpoint(ids["vpc"], "s3", subnets=ids["private"], inbound_only=False)
    (finding,) = findings(rule, b.snapshot())
    assert finding.message.startswith(f"S3 interface endpoint {endpoint} (2 AZ(s), ~$14.60/month): its private DNS "
                                      "answers all resolvers (PrivateDnsOnlyForInboundResolverEndpoint = false)")
    assert f"pay $0.01/GB instead of using gateway endpoint {gateway} for free" in finding.message
    assert finding.evidence["endpoint_monthly_usd"] == 14.6
    assert finding.evidence["gateway_endpoint_ids"] == [gateway]


def test_message_without_gateway_endpoint() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b, azs=1)
    b.interface_endpoint(ids["vpc"], "dynamodb", subnets=ids["private"])
    (finding,) = findings(rule, b.snapshot())
    assert f"VPC {ids['vpc']} has no DynamoDB gateway endpoint" in finding.message
    assert "gateway_endpoint_ids" not in finding.evidence


def test_fix_limits_private_dns_to_inbound_resolver_queries_and_adds_a_missing_gateway() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b, azs=2)
    b.gateway_endpoint(ids["vpc"], "s3", route_tables=ids["private_rt"])
    endpoint = b.interface_endpoint(ids["vpc"], "s3", subnets=ids["private"], inbound_only=False)
    assert fix_of(rule, b.snapshot(), endpoint) == [
        ("ec2:ModifyVpcEndpoint", {"VpcEndpointId": endpoint,
                                   "DnsOptions": {"PrivateDnsOnlyForInboundResolverEndpoint": True}}, "modify", True)]
    b = RegionBuilder()
    ids = standard_vpc(b, azs=2)
    endpoint = b.interface_endpoint(ids["vpc"], "dynamodb", subnets=ids["private"], inbound_only=False)
    steps = fix_of(rule, b.snapshot(), endpoint)
    assert [(s[0], s[2]) for s in steps] == [("ec2:CreateVpcEndpoint", "create"), ("ec2:ModifyVpcEndpoint", "modify")]
    assert steps[0][1]["ServiceName"] == f"com.amazonaws.{REGION}.dynamodb"
