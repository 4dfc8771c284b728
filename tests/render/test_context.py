"""build_report_context: the numbers and groupings both human reports show, checked once."""

from __future__ import annotations

from dataclasses import replace

from vpcaudit.engine.result import AuditResult
from vpcaudit.render.report.context import build_report_context, slug

PROD = "vpc-111122223333-us-east-1-vpc-0prod000000000001"


def test_sections_cover_every_vpc_then_region_wide_groups(sample: AuditResult) -> None:
    ctx = build_report_context(sample)
    assert [v.anchor for v in ctx.vpcs] == [PROD, "vpc-111122223333-us-east-1-vpc-0shared0000000002",
                                           "region-111122223333-us-east-1"]
    assert [v.anchor for v in ctx.network_vpcs] == [PROD, "vpc-111122223333-us-east-1-vpc-0shared0000000002"]
    assert [v.anchor for v in ctx.vpcs_with_findings] == [PROD, "region-111122223333-us-east-1"]


def test_counts_and_costs(sample: AuditResult) -> None:
    ctx = build_report_context(sample)
    prod = ctx.vpcs[0]
    assert (prod.fail_counts, prod.fail_total) == ((0, 2, 2, 0, 0), 4)
    assert (prod.monthly_fixed, prod.monthly_data) == (54.75, 12.5)
    assert [(r.severity, r.fail, r.suppressed, r.not_evaluated, r.error) for r in ctx.severity_rows] == [
        ("critical", 0, 0, 0, 0), ("high", 3, 0, 0, 1), ("medium", 2, 1, 0, 0), ("low", 0, 0, 1, 0),
        ("info", 0, 0, 0, 0)]
    assert (ctx.cost_total_fixed, ctx.cost_total_data) == (54.75, 12.5)
    assert [s.rule_id for s in ctx.incomplete_scopes] == ["IFE006", "SG001"]
    assert [f.status for f in ctx.incomplete_findings] == ["error", "not_evaluated"]
    assert ctx.severities_present == ("high", "medium")


def test_matrix_rows_by_az_then_name_and_columns_in_path_order(sample: AuditResult) -> None:
    matrix = build_report_context(sample).vpcs[0].matrix
    assert matrix.destinations == ("s3", "ssm", "internet")
    assert [r.subnet_name for r in matrix.rows] == ["private-a", "public-a", "private-b"]


def test_topology_falls_back_to_paths_when_the_result_has_none(sample: AuditResult) -> None:
    ctx = build_report_context(replace(sample, topology=()))
    prod = ctx.vpcs[0]
    assert prod.topology_derived
    assert [(s.subnet_id, s.availability_zone_id, s.public) for s in prod.topology.subnets] == [
        ("subnet-0priva00000000001", "use1-az1", False), ("subnet-0privb00000000002", "use1-az2", False),
        ("subnet-0puba000000000001", "use1-az1", True)]


def test_findings_outside_known_sections_still_get_labels(sample: AuditResult) -> None:
    lonely = replace(sample.findings[-1], resource=replace(sample.findings[-1].resource, region="ap-south-1"))
    ctx = build_report_context(replace(sample, findings=(*sample.findings, lonely)))
    assert ctx.incomplete_findings[0].vpc_label == "Outside any VPC (111122223333, ap-south-1)"


def test_slug_makes_safe_ids() -> None:
    assert slug("vpc", "1", "us-east-1", 'vpc-"><x') == "vpc-1-us-east-1-vpc-x"
