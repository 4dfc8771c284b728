"""GWE003 dynamodb-gateway-endpoint-missing (shares GWE002's logic: the cases here pin what differs)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from builders import REGION, RegionBuilder, standard_vpc
from rulecheck import findings, fix_of, triples

from vpcaudit.rules.gwe.gwe003_dynamodb_gateway_endpoint_missing import dynamodb_gateway_endpoint_missing as rule
from vpcaudit.snapshot.model import Part, Snapshot

ID = "GWE003"
Case = Callable[[], tuple[Snapshot, set[tuple[str, str, str]]]]


def _no_dynamodb_endpoint() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    ids = standard_vpc(b)
    b.gateway_endpoint(ids["vpc"], "s3", route_tables=ids["private_rt"])  # S3 alone does not help
    return b.snapshot(), {(ID, ids["vpc"], "fail")}


def _dynamodb_endpoint() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    ids = standard_vpc(b)
    b.gateway_endpoint(ids["vpc"], "dynamodb", route_tables=ids["private_rt"][:1])
    return b.snapshot(), set()


def _isolated_vpc() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    vpc = b.vpc()
    subnet = b.subnet(vpc, "10.0.1.0/24")
    b.workload(subnet)
    return b.snapshot(), set()


def _dynamodb_interface_endpoint_only() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    ids = standard_vpc(b, azs=1)
    b.interface_endpoint(ids["vpc"], "dynamodb", subnets=ids["private"])
    return b.snapshot(), {(ID, ids["vpc"], "fail")}


CASES: list[tuple[str, Case]] = [
    ("NAT egress, only an S3 endpoint", _no_dynamodb_endpoint),
    ("a DynamoDB gateway endpoint exists", _dynamodb_endpoint),
    ("isolated VPC pays nothing", _isolated_vpc),
    ("a DynamoDB interface endpoint does not replace it", _dynamodb_interface_endpoint_only),
]


@pytest.mark.parametrize("build", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_cases(build: Case) -> None:
    snapshot, expected = build()
    assert triples(rule, snapshot) == expected


def test_not_evaluated_without_route_tables() -> None:
    b = RegionBuilder()
    standard_vpc(b)
    assert triples(rule, b.snapshot(missing=[Part.ROUTE_TABLES])) == {(ID, REGION, "not_evaluated")}


def test_low_severity_and_message() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b, azs=1)
    (finding,) = findings(rule, b.snapshot())
    assert finding.severity.value == "low"
    assert finding.message.startswith(f"VPC {ids['vpc']} has no DynamoDB gateway endpoint, so DynamoDB traffic")
    assert finding.evidence["service"] == "dynamodb"


def test_fix_creates_the_dynamodb_endpoint_on_every_private_route_table() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b, azs=2)
    [(action, parameters, phase, ready)] = fix_of(rule, b.snapshot(), ids["vpc"])
    assert (action, phase, ready) == ("ec2:CreateVpcEndpoint", "create", True)
    assert (parameters["ServiceName"], parameters["RouteTableIds"]) == (
        f"com.amazonaws.{REGION}.dynamodb", sorted(ids["private_rt"]))
