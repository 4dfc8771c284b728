"""OCSF 1.5 Compliance Findings (class 2003), for security data lakes that speak OCSF.

Why Compliance Finding and not Detection Finding (2004): vpcaudit does not detect activity or
threats; it evaluates the configuration of resources against rules, several of which map to
Security Hub controls and CIS requirements. OCSF's Compliance Finding is exactly "the result of
an evaluation performed against resources, to check compliance with industry frameworks or
security standards", with a ``compliance`` object for the control, standards, requirements and
a Pass / Warning / Fail status. Detection Finding has no such object.

Mapping (one event per finding, every status, as a JSON array):

* ``compliance.status_id`` Fail for ``fail`` and ``suppressed`` findings, Warning ("did not yield
  a result due to missing information") for ``not_evaluated`` and ``error``;
* ``status_id`` (the workflow) New, or Suppressed for suppressed findings;
* ``finding_info.uid`` is the ASFF id (``vpcaudit/<rule>/<fingerprint>``), so a finding keeps its
  identity across runs and across both formats; ``finding_info.analytic`` names the rule;
* the account and Region go in ``cloud`` (the ``cloud`` profile, declared in
  ``metadata.profiles``); what OCSF has no attribute for (fingerprint, evidence, cost, the
  severity an override replaced) goes in ``unmapped.vpcaudit``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from vpcaudit.engine.result import AuditResult, RuleInfo
from vpcaudit.engine.rule import Finding, Severity, Status
from vpcaudit.render.base import Formatter
from vpcaudit.render.jsontext import report_writer
from vpcaudit.render.report.asff import finding_id

OCSF_VERSION = "1.5.0"
CLASS_UID, CATEGORY_UID, ACTIVITY_CREATE = 2003, 2, 1
AWS_ACCOUNT_TYPE_ID = 10
RULE_ANALYTIC_TYPE_ID = 1

_SEVERITY_ID = {Severity.CRITICAL: (5, "Critical"), Severity.HIGH: (4, "High"), Severity.MEDIUM: (3, "Medium"),
                Severity.LOW: (2, "Low"), Severity.INFO: (1, "Informational")}
# compliance.status_id: 3 Fail, 2 Warning (no result for lack of information). The caption is left
# out: py-ocsf-models' compliance object has no ``status`` attribute, only the id.
_COMPLIANCE = {Status.FAIL: 3, Status.SUPPRESSED: 3, Status.NOT_EVALUATED: 2, Status.ERROR: 2}


def ocsf_findings(result: AuditResult) -> list[dict[str, Any]]:
    """Every finding of the result as an OCSF Compliance Finding event, in the result's order."""
    rules = {info.id: info for info in result.rules}
    when = _epoch_ms(result.generated_at)
    return [ocsf_finding(f, rules.get(f.rule_id), when, result.tool_version) for f in result.findings]


def ocsf_finding(f: Finding, info: RuleInfo | None, when: int, tool_version: str) -> dict[str, Any]:
    res = f.resource
    severity_id, severity = _SEVERITY_ID[f.severity]
    compliance_id = _COMPLIANCE[f.status]
    suppressed = f.status is Status.SUPPRESSED
    controls = info.controls if info else ()
    compliance: dict[str, Any] = {"control": f"{f.rule_id} {f.rule_name}", "status_id": compliance_id}
    if info and info.summary:
        compliance["desc"] = info.summary
    if controls:
        compliance["requirements"] = [c.requirement for c in controls]
        compliance["standards"] = sorted({c.standard for c in controls})
    finding_info: dict[str, Any] = {
        "uid": finding_id(f), "title": f"{f.rule_id} {f.rule_name}: {res.resource_id}", "desc": f.message,
        "created_time": when, "types": [f.rule_id.rstrip("0123456789")],
        "analytic": {"uid": f.rule_id, "name": f.rule_name, "type_id": RULE_ANALYTIC_TYPE_ID, "type": "Rule"}}
    url = next((ref for ref in (info.references if info else ()) if ref.startswith("https://")), None)
    if url:
        finding_info["src_url"] = url
    resource: dict[str, Any] = {"uid": res.arn, "type": res.resource_type, "region": res.region,
                                "cloud_partition": res.partition}
    if res.name:
        resource["name"] = res.name
    if res.vpc_id:
        resource["data"] = {"vpc_id": res.vpc_id}
    event: dict[str, Any] = {
        "activity_id": ACTIVITY_CREATE, "activity_name": "Create",
        "category_uid": CATEGORY_UID, "category_name": "Findings",
        "class_uid": CLASS_UID, "class_name": "Compliance Finding",
        "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE, "type_name": "Compliance Finding: Create",
        "time": when, "severity_id": severity_id, "severity": severity,
        "status_id": 3 if suppressed else 1, "status": "Suppressed" if suppressed else "New",
        "message": f.message,
        "metadata": {"version": OCSF_VERSION, "profiles": ["cloud"],
                     "product": {"name": "vpcaudit", "vendor_name": "vpcaudit", "version": tool_version}},
        "finding_info": finding_info,
        "compliance": compliance,
        "resources": [resource],
        "cloud": {"provider": "AWS", "region": res.region,
                  "account": {"uid": res.account_id, "name": res.account_id, "type_id": AWS_ACCOUNT_TYPE_ID,
                              "type": "AWS Account"}},
        "unmapped": {"vpcaudit": _unmapped(f)},
    }
    if suppressed and f.suppression_reason:
        event["status_detail"] = f.suppression_reason
    remediation = _remediation(info)
    if remediation:
        event["remediation"] = remediation
    return event


_WRITER = report_writer()


def render_ocsf(result: AuditResult) -> str:
    return _WRITER.dumps(ocsf_findings(result), end="\n")


def _epoch_ms(timestamp: str) -> int:
    """OCSF times are milliseconds since the epoch; the result's are ISO 8601 with an offset."""
    return int(dt.datetime.fromisoformat(timestamp).timestamp() * 1000)


def _unmapped(f: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {"fingerprint": f.fingerprint, "status": f.status.value, "evidence": f.evidence}
    if f.severity_overridden_from is not None:
        out["severity_overridden_from"] = f.severity_overridden_from.value
    if f.monthly_cost_usd is not None:
        out["monthly_cost"] = f.monthly_cost_usd
        out["currency"] = f.currency or "USD"
    return out


def _remediation(info: RuleInfo | None) -> dict[str, Any]:
    if info is None or not info.fix:
        return {}
    out: dict[str, Any] = {"desc": info.fix}
    urls = [ref for ref in info.references if ref.startswith("https://")]
    if urls:
        out["references"] = urls
    return out


FORMATTER: Formatter[AuditResult] = Formatter("ocsf", "report.ocsf.json", render_ocsf)
