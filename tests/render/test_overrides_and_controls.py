"""Every format shows a configured severity override and the rule's controls."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import pytest

from vpcaudit import render
from vpcaudit.engine.result import AuditResult
from vpcaudit.engine.rule import Severity


def _overridden(sample: AuditResult) -> AuditResult:
    """NAT002 raised to high by configuration, as the runner leaves it."""
    rules = tuple(replace(r, severity=Severity.HIGH, severity_overridden_from=Severity.MEDIUM)
                  if r.id == "NAT002" else r for r in sample.rules)
    findings = tuple(replace(f, severity=Severity.HIGH, severity_overridden_from=Severity.MEDIUM)
                     if f.rule_id == "NAT002" else f for f in sample.findings)
    return replace(sample, rules=rules, findings=findings)


@pytest.fixture
def overridden(sample: AuditResult) -> AuditResult:
    return _overridden(sample)


def test_table_and_junit_say_which_severity_was_replaced(overridden: AuditResult) -> None:
    assert "high (was medium)  NAT002" in render.render(overridden, "table")
    assert "[high, overridden from medium] subnet subnet-0privb00000000002" in render.render(overridden, "junit")


def test_html_and_markdown_say_overridden_from(overridden: AuditResult) -> None:
    html = render.render(overridden, "html")
    assert '<span class="muted overridden">overridden from medium</span>' in html
    md = render.render(overridden, "md")
    assert "| high (overridden from medium) | NAT002 nat-gateway-cross-az-route |" in md
    assert "**HIGH** (overridden from medium) private-b" in md


def test_json_csv_and_sarif_carry_the_original_severity(overridden: AuditResult) -> None:
    data = json.loads(render.render(overridden, "json"))
    nat = next(f for f in data["findings"] if f["rule_id"] == "NAT002")
    assert (nat["severity"], nat["severity_overridden_from"]) == ("high", "medium")
    rows = list(csv.DictReader(io.StringIO(render.render(overridden, "csv"))))
    assert {(r["rule_id"], r["severity"], r["severity_overridden_from"]) for r in rows if r["rule_id"] == "NAT002"} \
        == {("NAT002", "high", "medium")}
    run = json.loads(render.render(overridden, "sarif"))["runs"][0]
    rule = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "NAT002")
    assert rule["defaultConfiguration"]["level"] == "error" and rule["properties"]["severityOverriddenFrom"] == "medium"
    result = next(r for r in run["results"] if r["ruleId"] == "NAT002")
    assert (result["level"], result["properties"]["severityOverriddenFrom"]) == ("error", "medium")


def test_controls_reach_html_markdown_and_sarif(sample: AuditResult) -> None:
    html = render.render(sample, "html")
    assert "Security Hub EC2.6: VPC flow logging should be enabled in all VPCs<br>CIS AWS Foundations " \
           "Benchmark v3.0.0 3.7" in html
    md = render.render(sample, "md")
    assert "| Security Hub EC2.6: VPC flow logging should be enabled in all VPCs; CIS AWS" in md
    rules = json.loads(render.render(sample, "sarif"))["runs"][0]["tool"]["driver"]["rules"]
    mon = next(r for r in rules if r["id"] == "MON001")
    assert "EC2.6" in mon["properties"]["tags"]
    assert mon["properties"]["controls"] == ["AWS Foundational Security Best Practices v1.0.0/EC2.6",
                                             "CIS AWS Foundations Benchmark v3.0.0/3.7"]


def test_a_rule_group_lists_its_controls(sample: AuditResult) -> None:
    failing = replace(sample, findings=tuple(replace(f, status=f.status.FAIL) if f.rule_id == "MON001" else f
                                             for f in sample.findings))
    assert "<h5>Controls</h5>\n<ul class=\"controls\">\n<li>Security Hub EC2.6: VPC flow logging should be enabled " \
           "in all VPCs</li>" in render.render(failing, "html")
    assert "**Controls:** Security Hub EC2.6: VPC flow logging" in render.render(failing, "md")
