"""-f ocsf: OCSF 1.5 Compliance Findings, validated by py-ocsf-models."""

from __future__ import annotations

import json
from dataclasses import replace

from ocsf_check import ocsf_errors

from vpcaudit import render
from vpcaudit.engine.result import AuditResult
from vpcaudit.engine.rule import Severity
from vpcaudit.render.report.ocsf import ocsf_findings


def test_every_event_validates_against_py_ocsf_models(sample: AuditResult, hostile: AuditResult) -> None:
    for result in (sample, hostile):
        events = json.loads(render.render(result, "ocsf"))
        assert len(events) == len(result.findings)
        assert ocsf_errors(events) == []


def test_the_validator_catches_a_misspelt_attribute(sample: AuditResult) -> None:
    event = ocsf_findings(sample)[0]
    event["finding_info"]["titel"] = "typo"
    assert ocsf_errors([event]) == [f"{event['finding_info']['uid']}: not all attributes are OCSF's: "
                                    "['.finding_info.titel']"]


def test_statuses_map_to_compliance_status_and_workflow(sample: AuditResult) -> None:
    got = {(e["finding_info"]["analytic"]["uid"], e["unmapped"]["vpcaudit"]["status"]): (
        e["compliance"]["status_id"], e["status"], e["severity"]) for e in ocsf_findings(sample)}
    assert got[("DNS002", "fail")] == (3, "New", "High")
    assert got[("MON001", "suppressed")] == (3, "Suppressed", "Medium")
    assert got[("IFE006", "not_evaluated")] == (2, "New", "Low")


def test_class_identity_cloud_and_controls(sample: AuditResult) -> None:
    events = {e["finding_info"]["analytic"]["uid"]: e for e in ocsf_findings(sample)}
    mon = events["MON001"]
    assert (mon["class_uid"], mon["category_uid"], mon["type_uid"]) == (2003, 2, 200301)
    assert mon["time"] == 1735787100000  # 2025-01-02T03:05:00Z
    assert mon["cloud"] == {"provider": "AWS", "region": "us-east-1", "account": {
        "uid": "111122223333", "name": "111122223333", "type_id": 10, "type": "AWS Account"}}
    assert mon["compliance"]["requirements"] == ["AWS Foundational Security Best Practices v1.0.0/EC2.6",
                                                 "CIS AWS Foundations Benchmark v3.0.0/3.7"]
    finding = next(f for f in sample.findings if f.rule_id == "MON001")
    assert mon["finding_info"]["uid"] == f"vpcaudit/MON001/{finding.fingerprint}"


def test_an_override_and_a_cost_are_kept_in_unmapped(sample: AuditResult) -> None:
    findings = tuple(replace(f, severity=Severity.HIGH, severity_overridden_from=Severity.MEDIUM, currency="USD")
                     if f.rule_id == "GWE002" else f for f in sample.findings)
    event = next(e for e in ocsf_findings(replace(sample, findings=findings))
                 if e["finding_info"]["analytic"]["uid"] == "GWE002")
    assert event["severity"] == "High"
    assert {k: event["unmapped"]["vpcaudit"][k] for k in ("severity_overridden_from", "monthly_cost", "currency")} \
        == {"severity_overridden_from": "medium", "monthly_cost": 45.0, "currency": "USD"}
