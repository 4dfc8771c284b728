"""IFE002 interface-endpoint-client-az-gap."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from builders import REGION, RegionBuilder, standard_vpc
from rulecheck import findings, fix_of, triples

from vpcaudit.rules.ife.ife002_interface_endpoint_client_az_gap import interface_endpoint_client_az_gap as rule
from vpcaudit.snapshot.model import Part, Snapshot

ID = "IFE002"
PRIVATELINK = f"com.amazonaws.vpce.{REGION}.vpce-svc-0123456789abcdef0"


def _endpoint_in_first_az() -> RegionBuilder:
    b = RegionBuilder()
    ids = standard_vpc(b)  # one workload per private subnet, in az1..az3
    b.interface_endpoint(ids["vpc"], "ssm", subnets=ids["private"][:1])
    return b


def _endpoint_in_every_client_az() -> RegionBuilder:
    b = RegionBuilder()
    ids = standard_vpc(b)
    b.interface_endpoint(ids["vpc"], "ssm", subnets=ids["private"])
    return b


def _clients_only_in_endpoint_az() -> RegionBuilder:
    # Subnets in three AZs, but workloads only in az1: az2/az3 are not client AZs.
    b = RegionBuilder()
    vpc = b.vpc()
    first = b.subnet(vpc, "10.0.1.0/24", az=1)
    b.subnet(vpc, "10.0.2.0/24", az=2)
    b.subnet(vpc, "10.0.3.0/24", az=3)
    b.workload(first)
    b.interface_endpoint(vpc, "ssm", subnets=[first])
    return b


def _client_az_without_the_service() -> RegionBuilder:
    b = RegionBuilder()
    ids = standard_vpc(b, azs=2)
    b.service("ssm", azs=[1])
    b.interface_endpoint(ids["vpc"], "ssm", subnets=ids["private"][:1])
    return b


def _only_endpoint_enis_in_other_az() -> RegionBuilder:
    # ENIs of another endpoint in az2 are plumbing, not clients.
    b = RegionBuilder()
    vpc = b.vpc()
    first = b.subnet(vpc, "10.0.1.0/24", az=1)
    second = b.subnet(vpc, "10.0.2.0/24", az=2)
    b.workload(first)
    b.interface_endpoint(vpc, "ssm", subnets=[first])
    b.interface_endpoint(vpc, "logs", subnets=[first, second])
    return b


def _lambda_client_in_other_az() -> RegionBuilder:
    b = RegionBuilder()
    vpc = b.vpc()
    first = b.subnet(vpc, "10.0.1.0/24", az=1)
    second = b.subnet(vpc, "10.0.2.0/24", az=2)
    b.workload(first)
    b.workload(second, interface_type="lambda", requester_managed=True, description="AWS Lambda VPC ENI-fn")
    b.interface_endpoint(vpc, "ssm", subnets=[first])
    return b


def _hybrid_s3_endpoint(*, inbound_only: bool) -> RegionBuilder:
    """An S3 interface endpoint in az1 beside the gateway endpoint, workloads in az1..az3."""
    b = RegionBuilder()
    ids = standard_vpc(b)
    b.gateway_endpoint(ids["vpc"], "s3", route_tables=ids["private_rt"])
    b.interface_endpoint(ids["vpc"], "s3", subnets=ids["private"][:1], inbound_only=inbound_only)
    return b


def _privatelink_without_details() -> RegionBuilder:
    b = RegionBuilder()
    ids = standard_vpc(b)
    b.interface_endpoint(ids["vpc"], "partner", subnets=ids["private"][:1], service_name=PRIVATELINK)
    return b


CASES: list[tuple[str, Callable[[], RegionBuilder], str | None]] = [
    ("clients in two AZs without an interface", _endpoint_in_first_az, "fail"),
    ("interfaces in every client AZ", _endpoint_in_every_client_az, None),
    ("subnets without workloads are not client AZs", _clients_only_in_endpoint_az, None),
    ("service not offered in the client AZ", _client_az_without_the_service, None),
    ("endpoint ENIs are not clients", _only_endpoint_enis_in_other_az, None),
    ("Lambda ENIs are clients", _lambda_client_in_other_az, "fail"),
    ("offered AZs unknown", _privatelink_without_details, "not_evaluated"),
    # Private DNS for inbound Resolver endpoints only: the VPC's S3 calls take the gateway endpoint,
    # so its workloads are no client of the interface endpoint, in any AZ.
    ("S3 private DNS for inbound Resolver endpoints only", lambda: _hybrid_s3_endpoint(inbound_only=True), None),
    ("S3 private DNS for all resolvers", lambda: _hybrid_s3_endpoint(inbound_only=False), "fail"),
]


def _first_endpoint(b: RegionBuilder) -> str:
    """The first endpoint with network interfaces (a gateway endpoint has none to report on)."""
    return min(e for e, endpoint in b.endpoints.items() if endpoint.endpoint_type != "Gateway")


@pytest.mark.parametrize(("build", "status"), [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES])
def test_cases(build: Callable[[], RegionBuilder], status: str | None) -> None:
    b = build()
    expected = {(ID, _first_endpoint(b), status)} if status else set()
    assert triples(rule, b.snapshot()) == expected


@pytest.mark.parametrize("part", [Part.NETWORK_INTERFACES, Part.ENDPOINT_SERVICES])
def test_not_evaluated_when_a_needed_part_is_missing(part: Part) -> None:
    snapshot: Snapshot = _endpoint_in_first_az().snapshot(missing=[part])
    assert triples(rule, snapshot) == {(ID, REGION, "not_evaluated")}


def test_message_lists_missing_azs_and_client_subnets() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b)
    b.interface_endpoint(ids["vpc"], "ssm", subnets=ids["private"][:1])
    (finding,) = findings(rule, b.snapshot())
    assert "(ssm) has no network interface in use1-az2, use1-az3" in finding.message
    assert f"({ids['private'][1]}, {ids['private'][2]})" in finding.message
    assert finding.evidence["missing_az_ids"] == ["use1-az2", "use1-az3"]
    assert finding.evidence["monthly_cost_to_fix_usd"] == 14.6


def test_fix_adds_the_client_subnet_of_each_missing_az() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b)
    endpoint = b.interface_endpoint(ids["vpc"], "ssm", subnets=ids["private"][:1])
    assert fix_of(rule, b.snapshot(), endpoint) == [
        ("ec2:ModifyVpcEndpoint", {"VpcEndpointId": endpoint, "AddSubnetIds": [subnet]}, "associate", True)
        for subnet in ids["private"][1:]]


# A DB instance's ENI as DescribeNetworkInterfaces reports it (RDS, Aurora).
DB_INSTANCE = {"requester_managed": True, "requester_id": "amazon-rds", "description": "RDSNetworkInterface"}


@pytest.mark.parametrize(("key", "gap"), [("secretsmanager", False), ("monitoring", False), ("lambda", True),
                                          ("s3", True)])
def test_an_az_holding_only_a_db_instance_is_a_client_az_only_of_services_its_engine_calls(
        key: str, gap: bool) -> None:
    """Instances in az1, the DB instance alone in az2, the endpoint in az1: az2 runs no client of
    Secrets Manager or CloudWatch, but the DB instance may call Lambda or S3 from there."""
    b = RegionBuilder()
    vpc = b.vpc()
    first = b.subnet(vpc, "10.0.1.0/24", az=1)
    second = b.subnet(vpc, "10.0.2.0/24", az=2)
    b.workload(first)
    b.workload(second, **DB_INSTANCE)  # type: ignore[arg-type]
    endpoint = b.interface_endpoint(vpc, key, subnets=[first])
    assert triples(rule, b.snapshot()) == ({(ID, endpoint, "fail")} if gap else set())
    if gap:
        (finding,) = findings(rule, b.snapshot())
        assert finding.evidence["client_subnet_ids"] == [second]


def _cross_region_endpoint_and_a_local_zone_client(*, recorded: bool) -> tuple[RegionBuilder, str]:
    """A cross-Region ssm endpoint (us-west-2's) in us-east-1a and b, a workload in each and one in
    the Boston Local Zone us-east-1-bos-1a; ``recorded``: the three zones as
    DescribeAvailabilityZones lists them."""
    b = RegionBuilder(az_count=2)
    b.azs.append(("us-east-1-bos-1a", "use1-bos1-az1"))
    vpc = b.vpc()
    subnets = [b.subnet(vpc, f"10.0.{az}.0/24", az=az) for az in (1, 2, 3)]
    for subnet in subnets:
        b.workload(subnet)
    if recorded:
        b.zone(1)
        b.zone(2)
        b.zone(3, "local-zone", border_group="us-east-1-bos-1", parent=1)
    b.service("ssm", name="com.amazonaws.us-west-2.ssm")
    endpoint = b.interface_endpoint(vpc, "ssm", subnets=subnets[:2], service_name="com.amazonaws.us-west-2.ssm")
    return b, endpoint


def test_a_cross_region_endpoint_is_not_asked_for_a_recorded_local_zone() -> None:
    """A service of another Region is taken as offered in every AZ of this one: with the zones
    recorded, the Local Zone is not one of them (assumed, as DescribeVpcEndpointServices is for a
    service of this Region), so its client asks nothing of the endpoint."""
    b, _ = _cross_region_endpoint_and_a_local_zone_client(recorded=True)
    assert triples(rule, b.snapshot()) == set()


@pytest.mark.parametrize("missing", [(), [Part.AVAILABILITY_ZONES]])
def test_a_cross_region_endpoint_without_the_zones_is_asked_for_every_client_zone(missing: list[Part]) -> None:
    """Without zone records (none, or the part denied) the Local Zone is one more zone of the VPC's
    subnets, the service taken as offered there: IFE002 asks for it, as before the zones were
    collected."""
    b, endpoint = _cross_region_endpoint_and_a_local_zone_client(recorded=False)
    (finding,) = findings(rule, b.snapshot(missing=missing))
    assert finding.resource.resource_id == endpoint and finding.evidence["missing_az_ids"] == ["use1-bos1-az1"]
