"""IFE001 interface-endpoint-single-az."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from builders import REGION, RegionBuilder, standard_vpc
from rulecheck import findings, fix_of, triples

from vpcaudit.rules.ife.ife001_interface_endpoint_single_az import interface_endpoint_single_az as rule
from vpcaudit.snapshot.model import Part, Snapshot

ID = "IFE001"
PRIVATELINK = f"com.amazonaws.vpce.{REGION}.vpce-svc-0123456789abcdef0"


def _one_az_endpoint() -> Snapshot:
    b = RegionBuilder()
    ids = standard_vpc(b)
    b.interface_endpoint(ids["vpc"], "ssm", subnets=ids["private"][:1])  # vpce-…
    return b.snapshot()


def _two_azs() -> Snapshot:
    b = RegionBuilder()
    ids = standard_vpc(b)
    b.interface_endpoint(ids["vpc"], "ssm", subnets=ids["private"][:2])
    return b.snapshot()


def _two_subnets_same_az_endpoint() -> Snapshot:
    # moto accepts two subnets of one AZ; they are still one AZ.
    b = RegionBuilder()
    ids = standard_vpc(b)
    b.interface_endpoint(ids["vpc"], "ssm", subnets=[ids["private"][0], ids["public"][0]])
    return b.snapshot()


def _vpc_in_one_az_with_two_subnets() -> Snapshot:
    b = RegionBuilder()
    vpc = b.vpc()
    first = b.subnet(vpc, "10.0.1.0/24", az=1)
    b.subnet(vpc, "10.0.2.0/24", az=1)
    b.interface_endpoint(vpc, "ssm", subnets=[first])
    return b.snapshot()


def _service_offered_in_one_vpc_az() -> Snapshot:
    b = RegionBuilder()
    ids = standard_vpc(b, azs=2)
    b.service("ssm", azs=[1, 3])  # the VPC has az1 and az2; the service only az1 (and az3)
    b.interface_endpoint(ids["vpc"], "ssm", subnets=ids["private"][:1])
    return b.snapshot()


def _gwlb_endpoint() -> Snapshot:
    b = RegionBuilder()
    ids = standard_vpc(b)
    b.interface_endpoint(ids["vpc"], "gwlb", subnets=ids["public"][:1], endpoint_type="GatewayLoadBalancer",
                         service_name=PRIVATELINK)
    return b.snapshot()


def _deleted_endpoint() -> Snapshot:
    b = RegionBuilder()
    ids = standard_vpc(b)
    b.interface_endpoint(ids["vpc"], "ssm", subnets=ids["private"][:1], state="deleted")
    return b.snapshot()


def _privatelink_without_details() -> Snapshot:
    b = RegionBuilder()
    ids = standard_vpc(b)
    b.interface_endpoint(ids["vpc"], "partner", subnets=ids["private"][:1], service_name=PRIVATELINK)
    return b.snapshot()


def _privatelink_without_details_multi_az() -> Snapshot:
    b = RegionBuilder()
    ids = standard_vpc(b)
    b.interface_endpoint(ids["vpc"], "partner", subnets=ids["private"], service_name=PRIVATELINK)
    return b.snapshot()


def _lattice_service_network_endpoint() -> Snapshot:
    # Service-network endpoints have no DescribeVpcEndpointServices entry: offered AZs unknown.
    b = RegionBuilder()
    ids = standard_vpc(b)
    b.interface_endpoint(ids["vpc"], "lattice", subnets=ids["private"][:1], endpoint_type="ServiceNetwork",
                         service_name=f"arn:aws:vpc-lattice:{REGION}:111111111111:servicenetwork/sn-0abc")
    return b.snapshot()


def _services_denied() -> Snapshot:
    b = RegionBuilder()
    ids = standard_vpc(b)
    b.interface_endpoint(ids["vpc"], "ssm", subnets=ids["private"][:1])
    return b.snapshot(missing=[Part.ENDPOINT_SERVICES])


def _endpoint_id(snapshot: Snapshot) -> str:
    return next(e.vpc_endpoint_id for e in snapshot.accounts[0].regions[0].vpc_endpoints)


CASES: list[tuple[str, Callable[[], Snapshot], str | None]] = [
    ("one AZ of three fires", _one_az_endpoint, "fail"),
    ("two AZs pass", _two_azs, None),
    ("two subnets in one AZ are one AZ", _two_subnets_same_az_endpoint, "fail"),
    ("VPC with two subnets in one AZ is single-AZ: no finding", _vpc_in_one_az_with_two_subnets, None),
    ("service offered in only one of the VPC's AZs", _service_offered_in_one_vpc_az, None),
    ("GWLB endpoints are not checked", _gwlb_endpoint, None),
    ("deleted endpoints are not checked", _deleted_endpoint, None),
    ("offered AZs unknown", _privatelink_without_details, "not_evaluated"),
    ("multi-AZ needs no service details", _privatelink_without_details_multi_az, None),
    ("Lattice service-network endpoint in one AZ", _lattice_service_network_endpoint, "not_evaluated"),
]


@pytest.mark.parametrize(("build", "status"), [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES])
def test_cases(build: Callable[[], Snapshot], status: str | None) -> None:
    snapshot = build()
    expected = {(ID, _endpoint_id(snapshot), status)} if status else set()
    assert triples(rule, snapshot) == expected


def test_not_evaluated_without_service_details() -> None:
    assert triples(rule, _services_denied()) == {(ID, REGION, "not_evaluated")}


def test_message_names_endpoint_az_and_missing_azs() -> None:
    (finding,) = findings(rule, _one_az_endpoint())
    assert finding.resource.resource_type == "vpc-endpoint"
    assert "(ssm) has network interfaces only in use1-az1" in finding.message
    assert "use1-az2, use1-az3" in finding.message
    assert finding.evidence["endpoint_az_ids"] == ["use1-az1"]
    assert finding.evidence["offered_vpc_az_ids"] == ["use1-az1", "use1-az2", "use1-az3"]
    assert finding.evidence["monthly_cost_per_added_az_usd"] == 7.3


def test_fix_adds_one_client_subnet_per_missing_az() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b)
    endpoint = b.interface_endpoint(ids["vpc"], "ssm", subnets=ids["private"][:1])
    assert fix_of(rule, b.snapshot(), endpoint) == [
        ("ec2:ModifyVpcEndpoint", {"VpcEndpointId": endpoint, "AddSubnetIds": [subnet]}, "associate", True)
        for subnet in ids["private"][1:]]


@pytest.mark.parametrize(("key", "fires"), [("datasync", False), ("ssm", True)])
def test_a_datasync_endpoint_in_its_agents_az_is_no_finding(key: str, fires: bool) -> None:
    """A DataSync agent is activated with one endpoint address, in its own AZ (the DataSync guide):
    a one-AZ datasync endpoint is its design; any other service's stays a finding."""
    b = RegionBuilder()
    ids = standard_vpc(b)
    endpoint = b.interface_endpoint(ids["vpc"], key, subnets=ids["private"][:1])
    assert triples(rule, b.snapshot()) == ({(ID, endpoint, "fail")} if fires else set())
