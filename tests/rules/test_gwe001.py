"""GWE001 gateway-endpoint-route-missing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from builders import REGION, RegionBuilder, multi_account_snapshot, standard_vpc
from rulecheck import findings, fix_of, triples

from vpcaudit.rules.gwe.gwe001_gateway_endpoint_route_missing import gateway_endpoint_route_missing as rule
from vpcaudit.snapshot.model import Part, Snapshot

ID = "GWE001"
OWNER = "222222222222"
Case = Callable[[], tuple[Snapshot, set[tuple[str, str, str]]]]


def _two_of_three() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    """The seed mistake: the S3 endpoint on two of three private route tables."""
    b = RegionBuilder()
    ids = standard_vpc(b)
    b.gateway_endpoint(ids["vpc"], "s3", route_tables=ids["private_rt"][:2])
    return b.snapshot(), {(ID, ids["private"][2], "fail")}


def _all_routed() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    ids = standard_vpc(b)
    b.gateway_endpoint(ids["vpc"], "s3", route_tables=ids["private_rt"])
    b.gateway_endpoint(ids["vpc"], "dynamodb", route_tables=ids["private_rt"])
    return b.snapshot(), set()


def _main_table() -> tuple[RegionBuilder, str, str, str]:
    """Private subnets without explicit association: they use the main table (0.0.0.0/0 → NAT)."""
    b = RegionBuilder()
    vpc = b.vpc()
    igw = b.igw(vpc)
    public = b.subnet(vpc, "10.0.0.0/24", az=1)
    b.route_table(vpc, subnets=[public], routes={"0.0.0.0/0": igw})
    b.route(b.main_route_table(vpc), "0.0.0.0/0", b.nat(public))
    private = b.subnet(vpc, "10.0.1.0/24", az=1)
    return b, vpc, private, b.main_route_table(vpc)


def _main_table_association_counts() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b, vpc, _, main = _main_table()
    b.gateway_endpoint(vpc, "s3", route_tables=[main])
    return b.snapshot(), set()


def _main_table_not_associated() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b, vpc, private, _ = _main_table()
    other = b.route_table(vpc)
    b.gateway_endpoint(vpc, "s3", route_tables=[other])
    return b.snapshot(), {(ID, private, "fail")}


def _split_by_more_specific_route() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    ids = standard_vpc(b)
    b.gateway_endpoint(ids["vpc"], "s3", route_tables=ids["private_rt"])
    b.route(ids["private_rt"][1], "52.216.0.0/16", ids["nat"][1])  # half of 52.216.0.0/15
    return b.snapshot(), {(ID, ids["private"][1], "fail")}


def _public_subnets_are_not_checked() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    ids = standard_vpc(b)
    b.gateway_endpoint(ids["vpc"], "s3", route_tables=ids["private_rt"])  # not the public table
    return b.snapshot(), set()


def _isolated_subnet_goes_nowhere() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    ids = standard_vpc(b, azs=1)
    isolated = b.subnet(ids["vpc"], "10.0.200.0/24", az=1)
    b.route_table(ids["vpc"], subnets=[isolated])
    b.gateway_endpoint(ids["vpc"], "s3", route_tables=ids["private_rt"])
    return b.snapshot(), {(ID, isolated, "fail")}


def _no_gateway_endpoint() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    standard_vpc(b)
    return b.snapshot(), set()  # GWE002's case, not this rule's


def _deleted_endpoint() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    ids = standard_vpc(b)
    b.gateway_endpoint(ids["vpc"], "s3", route_tables=ids["private_rt"][:1], state="deleted")
    return b.snapshot(), set()


def _dynamodb_only_on_one_table() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    ids = standard_vpc(b, azs=2)
    b.gateway_endpoint(ids["vpc"], "s3", route_tables=ids["private_rt"])
    b.gateway_endpoint(ids["vpc"], "dynamodb", route_tables=ids["private_rt"][:1])
    return b.snapshot(), {(ID, ids["private"][1], "fail")}


def _ambiguous_prefix_lists() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    """A customer list holding an S3 CIDR to a TGW ties with the S3 list: AWS picks arbitrarily."""
    b = RegionBuilder()
    ids = standard_vpc(b, azs=1)
    b.gateway_endpoint(ids["vpc"], "s3", route_tables=ids["private_rt"])
    b.route(ids["private_rt"][0], b.prefix_list("corp", ["52.216.0.0/15"]), "tgw-1")
    return b.snapshot(), {(ID, ids["private"][0], "not_evaluated")}


def _ambiguous_but_also_missing() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    """One CIDR ambiguous, another definitely to the NAT: the definite miss fires."""
    b = RegionBuilder()
    ids = standard_vpc(b, azs=1)
    b.gateway_endpoint(ids["vpc"], "s3", route_tables=ids["private_rt"])
    b.route(ids["private_rt"][0], b.prefix_list("corp", ["52.216.0.0/15"]), "tgw-1")
    b.route(ids["private_rt"][0], "3.5.0.0/19", ids["nat"][0])
    return b.snapshot(), {(ID, ids["private"][0], "fail")}


def _unresolved_prefix_list() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    ids = standard_vpc(b, azs=1)
    b.gateway_endpoint(ids["vpc"], "s3", route_tables=ids["private_rt"])
    b.route(ids["private_rt"][0], "pl-notcollected", "tgw-1")
    return b.snapshot(), {(ID, ids["private"][0], "not_evaluated")}


def _service_prefix_list_missing() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    ids = standard_vpc(b, azs=1)
    b.gateway_endpoint(ids["vpc"], "s3", route_tables=ids["private_rt"])
    s3_list = next(p for p, pl in b.prefix_lists.items() if pl.prefix_list_name.endswith(".s3"))
    del b.prefix_lists[s3_list]
    return b.snapshot(), {(ID, ids["private"][0], "not_evaluated")}


def _shared_vpc_owner_not_scanned() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    vpc, _ = b.shared_vpc(OWNER, subnets=[("10.0.1.0/24", 1)])
    return b.snapshot(), {(ID, vpc, "not_evaluated")}


def _shared_vpc_owner_scanned() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    """The owner's scope judges the subnets; the participant's adds nothing."""
    owner = RegionBuilder(account_id=OWNER)
    ids = standard_vpc(owner, azs=2)
    owner.gateway_endpoint(ids["vpc"], "s3", route_tables=ids["private_rt"][:1])
    participant = RegionBuilder()
    participant.shared_vpc(OWNER, subnets=[("10.0.102.0/24", 2)])
    return multi_account_snapshot(participant, owner), {(ID, ids["private"][1], "fail")}


CASES: list[tuple[str, Case]] = [
    ("endpoint on two of three private tables", _two_of_three),
    ("every private table routed", _all_routed),
    ("a main-route-table association counts", _main_table_association_counts),
    ("implicit main-table subnet not routed", _main_table_not_associated),
    ("more specific route splits the path", _split_by_more_specific_route),
    ("public subnets are not checked", _public_subnets_are_not_checked),
    ("isolated private subnet: traffic goes nowhere", _isolated_subnet_goes_nowhere),
    ("no gateway endpoint: GWE002's case", _no_gateway_endpoint),
    ("deleted endpoint is ignored", _deleted_endpoint),
    ("DynamoDB judged on its own", _dynamodb_only_on_one_table),
    ("ambiguous prefix lists are not guessed", _ambiguous_prefix_lists),
    ("a definite miss fires despite ambiguity", _ambiguous_but_also_missing),
    ("uncollected prefix list in the table", _unresolved_prefix_list),
    ("service prefix list not collected", _service_prefix_list_missing),
    ("shared VPC, owner not in the scan", _shared_vpc_owner_not_scanned),
    ("shared VPC, owner in the scan", _shared_vpc_owner_scanned),
]


@pytest.mark.parametrize("build", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_cases(build: Case) -> None:
    snapshot, expected = build()
    assert triples(rule, snapshot) == expected


def test_not_evaluated_without_prefix_lists() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b)
    b.gateway_endpoint(ids["vpc"], "s3", route_tables=ids["private_rt"][:2])
    assert triples(rule, b.snapshot(missing=[Part.PREFIX_LISTS])) == {(ID, REGION, "not_evaluated")}


def test_message_names_subnet_table_endpoint_and_nat() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b)
    endpoint = b.gateway_endpoint(ids["vpc"], "s3", route_tables=ids["private_rt"][:2])
    (finding,) = findings(rule, b.snapshot())
    assert finding.message.startswith(
        f"Private subnet {ids['private'][2]} (use1-az3, route table {ids['private_rt'][2]}): none of S3's "
        f"prefix-list CIDRs reach gateway endpoint {endpoint} (they go to NAT gateway {ids['nat'][2]}, "
        "e.g. 52.216.0.0/15)")
    assert "pays NAT gateway data processing ($0.045/GB)" in finding.message
    assert finding.discriminator == "s3"
    assert finding.evidence["route_table_id"] == ids["private_rt"][2]
    assert finding.evidence["split"] is False


def test_split_message_and_one_finding_per_service() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b, azs=1)
    s3 = b.gateway_endpoint(ids["vpc"], "s3", route_tables=ids["private_rt"])
    b.gateway_endpoint(ids["vpc"], "dynamodb")
    b.route(ids["private_rt"][0], "52.216.0.0/16", ids["nat"][0])
    found = sorted(findings(rule, b.snapshot()), key=lambda f: f.discriminator)
    assert [f.discriminator for f in found] == ["dynamodb", "s3"]
    assert (f"part of S3's prefix list is carved away from gateway endpoint {s3} by more specific routes "
            f"(to NAT gateway {ids['nat'][0]}, e.g. 52.216.0.0/16)") in found[1].message
    assert found[1].evidence["split"] is True
    assert f"Remove or narrow the routes in {ids['private_rt'][0]}" in found[1].message
    assert "Associate" in found[0].message  # DynamoDB's endpoint has no route table at all


def test_main_table_and_nowhere_are_named() -> None:
    b = RegionBuilder()
    vpc = b.vpc()
    private = b.subnet(vpc, "10.0.1.0/24", az=2)  # main table, local route only
    b.gateway_endpoint(vpc, "s3", route_tables=[b.route_table(vpc)])
    (finding,) = findings(rule, b.snapshot())
    assert finding.resource.resource_id == private
    assert f"(use1-az2, the VPC's main route table {b.main_route_table(vpc)})" in finding.message
    assert "nowhere (no route)" in finding.message and "is dropped" in finding.message


def test_transit_gateway_attachment_subnets_are_not_traffic_sources() -> None:
    """AWS's dedicated /28 attachment subnets hold only the attachment's ENIs: traffic arriving from
    the transit gateway can never use this VPC's gateway endpoint, so their table needs no S3 route."""
    b = RegionBuilder()
    ids = standard_vpc(b, azs=2)
    vpc = str(ids["vpc"])
    b.gateway_endpoint(vpc, "s3", route_tables=ids["private_rt"])
    attach = [b.subnet(vpc, f"10.0.{240 + az}.0/28", az=az) for az in (1, 2)]
    attach_rt = b.route_table(vpc, subnets=attach, routes={"0.0.0.0/0": "tgw-0abc"})
    b.tgw_attachment(vpc, "tgw-0abc", attach)
    assert triples(rule, b.snapshot()) == set()
    # Without ENIs nothing tells an attachment subnet from a workload subnet: both are judged.
    assert triples(rule, b.snapshot(missing=[Part.NETWORK_INTERFACES])) == {(ID, s, "fail") for s in attach}
    # Near misses: a workload beside the attachment's ENI, and a subnet with no ENI yet.
    b.workload(attach[0])
    empty = b.subnet(vpc, "10.0.250.0/28", az=2)
    b.associate(attach_rt, empty)
    assert triples(rule, b.snapshot()) == {(ID, attach[0], "fail"), (ID, empty, "fail")}


def test_fix_associates_the_missing_route_table() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b)
    endpoint = b.gateway_endpoint(ids["vpc"], "s3", route_tables=ids["private_rt"][:2])
    assert fix_of(rule, b.snapshot(), ids["private"][2]) == [
        ("ec2:ModifyVpcEndpoint", {"VpcEndpointId": endpoint, "AddRouteTableIds": [ids["private_rt"][2]]},
         "associate", True)]


def test_fix_for_a_split_path_deletes_the_overriding_route_after_a_decision() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b)
    b.gateway_endpoint(ids["vpc"], "s3", route_tables=ids["private_rt"])
    b.route(ids["private_rt"][1], "52.216.0.0/16", ids["nat"][1])
    assert fix_of(rule, b.snapshot(), ids["private"][1]) == [
        ("ec2:DeleteRoute", {"RouteTableId": ids["private_rt"][1], "DestinationCidrBlock": "52.216.0.0/16"},
         "delete", False)]
