"""COST001 endpoint-centralization-opportunity: three or more VPCs repeating the same interface endpoints."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest
from builders import REGION, RegionBuilder, multi_account_snapshot
from rulecheck import findings, fix_of, triples

from vpcaudit.engine.rule import Severity
from vpcaudit.engine.runner import RunSettings, run
from vpcaudit.rules.cost.cost001_endpoint_centralization_opportunity import endpoint_centralization_opportunity as rule
from vpcaudit.snapshot.model import Part, Snapshot

Expected = set[tuple[str, str, str]]
Case = Callable[[], tuple[Snapshot, Expected]]


def _spoke(b: RegionBuilder, index: int, keys: Iterable[str], *, azs: int = 2, tgw: bool = False,
           default: bool = False) -> str:
    vpc = b.vpc(f"10.{index}.0.0/16", is_default=default)
    subnets = [b.subnet(vpc, f"10.{index}.{az}.0/24", az=az) for az in range(1, azs + 1)]
    if not default:
        b.workload(subnets[0])
    for key in keys:
        b.interface_endpoint(vpc, key, subnets=subnets)
    if tgw:
        b.route_table(vpc, subnets=subnets, routes={"0.0.0.0/0": "tgw-0abc"})
    return vpc


def three_vpcs_same_services() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    vpcs = [_spoke(b, i, ["ssm", "logs"]) for i in range(1, 4)]
    return b.snapshot(), {("COST001", v, "fail") for v in vpcs}


def two_vpcs_only() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    for i in range(1, 3):
        _spoke(b, i, ["ssm", "logs"])
    return b.snapshot(), set()


def three_vpcs_different_services() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    for i, key in enumerate(["ssm", "logs", "kms"], 1):
        _spoke(b, i, [key])
    return b.snapshot(), set()


def only_the_vpcs_running_the_shared_service() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    vpcs = [_spoke(b, i, ["ssm"]) for i in range(1, 4)]
    _spoke(b, 4, ["kms"])
    return b.snapshot(), {("COST001", v, "fail") for v in vpcs}


def idle_default_vpc_is_skipped() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    for i in range(1, 3):
        _spoke(b, i, ["ssm"])
    _spoke(b, 3, ["ssm"], default=True)
    return b.snapshot(), set()


def gateway_endpoints_never_count() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    for i in range(1, 4):
        vpc = b.vpc(f"10.{i}.0.0/16")
        b.workload(b.subnet(vpc, f"10.{i}.1.0/24"))
        b.gateway_endpoint(vpc, "s3", route_tables=[b.main_route_table(vpc)])
    return b.snapshot(), set()


def failed_endpoints_do_not_count() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    for i in range(1, 3):
        _spoke(b, i, ["ssm"])
    vpc = _spoke(b, 3, [])
    b.interface_endpoint(vpc, "ssm", subnets=[b.subnet(vpc, "10.3.9.0/24")], state="failed")
    return b.snapshot(), set()


def organization_scan_pools_accounts() -> tuple[Snapshot, Expected]:
    first = RegionBuilder()
    mine = [_spoke(first, i, ["ssm"]) for i in range(1, 3)]
    second = RegionBuilder(account_id="222222222222")
    theirs = _spoke(second, 5, ["ssm"])
    return multi_account_snapshot(first, second), {("COST001", v, "fail") for v in (*mine, theirs)}


def endpoint_services_denied() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    for i in range(1, 4):
        _spoke(b, i, ["ssm"])
    return b.snapshot(missing=[Part.ENDPOINT_SERVICES]), {("COST001", REGION, "not_evaluated")}


CASES: list[Case] = [three_vpcs_same_services, two_vpcs_only, three_vpcs_different_services,
                     only_the_vpcs_running_the_shared_service, idle_default_vpc_is_skipped,
                     gateway_endpoints_never_count, failed_endpoints_do_not_count, organization_scan_pools_accounts,
                     endpoint_services_denied]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_cost001(case: Case) -> None:
    snapshot, expected = case()
    assert triples(rule, snapshot) == expected


def test_cost001_small_group_shows_that_a_hub_costs_more() -> None:
    b = RegionBuilder()
    vpcs = [_spoke(b, i, ["ssm"]) for i in range(1, 4)]
    found = {f.resource.resource_id: f for f in findings(rule, b.snapshot())}
    finding = found[vpcs[0]]
    assert finding.severity.value == "info" and finding.monthly_cost_usd == 14.6  # one endpoint in 2 AZs
    # today 3 × $14.60; hub: one 2-AZ endpoint $14.60 + 4 attachments (hub + 3 spokes) × $36.50 + 1 zone $0.50
    assert finding.evidence["group_monthly_usd"] == 43.8
    assert finding.evidence["shared_set_monthly_usd"] == 161.1
    assert "no fixed-cost saving at this size ($117.30/month more)" in finding.message
    assert "Route 53 Resolver endpoints" in finding.message


def test_cost001_large_group_already_on_a_transit_gateway_saves() -> None:
    b = RegionBuilder()
    keys = ["ssm", "ssmmessages", "ec2messages", "kms", "logs"]
    vpcs = [_spoke(b, i, keys, azs=3, tgw=True) for i in range(1, 5)]
    finding = next(f for f in findings(rule, b.snapshot()) if f.resource.resource_id == vpcs[0])
    # today 4 VPCs × 5 endpoints × 3 AZs × $7.30 = $438; hub 5 × $21.90 + 1 attachment $36.50 + 5 zones $2.50
    assert finding.evidence["group_monthly_usd"] == 438.0
    assert finding.evidence["shared_set_monthly_usd"] == 148.5
    assert finding.evidence["new_tgw_attachments"] == 1
    assert "a saving of $289.50/month in fixed cost" in finding.message
    assert f"{vpcs[0]} is one of 4 VPCs in {REGION}" in finding.message


def test_fix_is_advice_deleting_the_vpcs_own_copies_after_a_decision() -> None:
    b = RegionBuilder()
    vpcs = [_spoke(b, i, ["ssm", "kms"]) for i in (1, 2, 3)]
    copies = sorted(e.vpc_endpoint_id for e in b.endpoints.values() if e.vpc_id == vpcs[0])
    assert fix_of(rule, b.snapshot(), vpcs[0]) == [
        ("ec2:DeleteVpcEndpoints", {"VpcEndpointIds": copies}, "delete", False)]


def test_cost001_names_the_regions_pool_once_and_every_finding_refers_to_it() -> None:
    """The pool is one group of the result, not a list repeated in every finding: an organization
    scan of A accounts would otherwise hold A x pool VPC ids."""
    first = RegionBuilder()
    mine = [_spoke(first, i, ["ssm"]) for i in range(1, 3)]
    second = RegionBuilder(account_id="222222222222")
    theirs = _spoke(second, 5, ["ssm"])
    result = run(multi_account_snapshot(first, second), [rule])
    assert [g.group_id for g in result.groups] == [f"COST001/{REGION}"]
    group = result.groups[0]
    assert {(m.account_id, m.resource_id) for m in group.members} == {
        *(("111111111111", v) for v in mine), ("222222222222", theirs)}
    assert "ssm" in group.description
    cost = [f for f in result.findings if f.rule_id == "COST001"]
    assert len(cost) == 3 and {f.group for f in cost} == {group.group_id}
    assert all("vpcs" not in f.evidence and f.evidence["group_vpcs"] == 3 and f.evidence["group_accounts"] == 2
               for f in cost)


def test_cost001_group_is_left_out_when_its_findings_are() -> None:
    b = RegionBuilder()
    for i in range(1, 4):
        _spoke(b, i, ["ssm"])
    result = run(b.snapshot(), [rule], RunSettings(min_severity=Severity.LOW))
    assert not result.findings and not result.groups
