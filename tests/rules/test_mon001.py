"""MON001 vpc-flow-logs-disabled: no active VPC flow log and not every subnet covered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from builders import REGION, RegionBuilder, standard_vpc
from rulecheck import findings, fix_of, triples

from vpcaudit.rules.mon.mon001_vpc_flow_logs_disabled import vpc_flow_logs_disabled as rule
from vpcaudit.snapshot.model import Part, Snapshot

Expected = set[tuple[str, str, str]]
Case = Callable[[], tuple[Snapshot, Expected]]


def _prod(b: RegionBuilder) -> dict[str, list[str] | str]:
    return standard_vpc(b, azs=2)


def no_flow_log() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    ids = _prod(b)
    return b.snapshot(), {("MON001", str(ids["vpc"]), "fail")}


def vpc_flow_log() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    ids = _prod(b)
    b.flow_log(str(ids["vpc"]))
    return b.snapshot(), set()


def every_subnet_has_one() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    ids = _prod(b)
    for subnet in [*ids["public"], *ids["private"]]:
        b.flow_log(subnet)
    return b.snapshot(), set()


def one_subnet_missing() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    ids = _prod(b)
    for subnet in [*ids["public"], *ids["private"][:1]]:
        b.flow_log(subnet)
    return b.snapshot(), {("MON001", str(ids["vpc"]), "fail")}


def delivery_failing() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    ids = _prod(b)
    b.flow_log(str(ids["vpc"]), deliver="FAILED")
    return b.snapshot(), {("MON001", str(ids["vpc"]), "fail")}


def eni_flow_log_does_not_cover() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    ids = _prod(b)
    eni = b.workload(ids["private"][0])
    b.flow_log(eni)
    return b.snapshot(), {("MON001", str(ids["vpc"]), "fail")}


def idle_default_vpc() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    vpc = b.vpc("172.31.0.0/16", is_default=True)
    b.subnet(vpc, "172.31.0.0/20")
    return b.snapshot(), set()


def default_vpc_with_workloads() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    vpc = b.vpc("172.31.0.0/16", is_default=True)
    b.workload(b.subnet(vpc, "172.31.0.0/20"))
    return b.snapshot(), {("MON001", vpc, "fail")}


def vpc_shared_from_an_unscanned_owner() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16")
    b.subnet(vpc, "10.0.1.0/24", owner_id="999999999999")
    b.vpcs[vpc] = replace(b.vpcs[vpc], owner_id="999999999999")
    return b.snapshot(), {("MON001", vpc, "not_evaluated")}


def flow_logs_denied() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    _prod(b)
    return b.snapshot(missing=[Part.FLOW_LOGS]), {("MON001", REGION, "not_evaluated")}


CASES: list[Case] = [no_flow_log, vpc_flow_log, every_subnet_has_one, one_subnet_missing, delivery_failing,
                     eni_flow_log_does_not_cover, idle_default_vpc, default_vpc_with_workloads,
                     vpc_shared_from_an_unscanned_owner, flow_logs_denied]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_mon001(case: Case) -> None:
    snapshot, expected = case()
    assert triples(rule, snapshot) == expected


def test_mon001_message_names_uncovered_subnets_and_failing_logs() -> None:
    b = RegionBuilder()
    ids = _prod(b)
    covered = [*ids["public"], *ids["private"][:1]]
    for subnet in covered:
        b.flow_log(subnet)
    failing = b.flow_log(ids["private"][1], deliver="FAILED")
    (finding,) = findings(rule, b.snapshot())
    assert finding.severity.value == "medium"
    assert f"1 of its 4 subnets lack an active flow log ({ids['private'][1]})" in finding.message
    assert failing in finding.message and "FAILED" in finding.message
    assert finding.evidence["subnets_without_flow_log"] == [ids["private"][1]]


def test_fix_creates_a_vpc_flow_log_once_its_destination_is_chosen() -> None:
    b = RegionBuilder()
    vpc = str(_prod(b)["vpc"])
    assert fix_of(rule, b.snapshot(), vpc) == [
        ("ec2:CreateFlowLogs", {"ResourceType": "VPC", "ResourceIds": [vpc], "TrafficType": "ALL",
                                "LogDestinationType": "s3",
                                "LogDestination": {"placeholder": "arn of the S3 bucket that receives flow logs"}},
         "create", False)]
