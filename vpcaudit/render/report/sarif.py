"""SARIF 2.1.0 for code-scanning dashboards: rules, results, stable fingerprints, suppressions.

Mapping choices (each one is what a dashboard needs to track a finding across runs):

* ``partialFingerprints`` carries the Finding fingerprint (rule + account + region + resource
  + discriminator), so a finding keeps its identity when its message or evidence changes;
* the resource is a ``logicalLocation`` (its ARN as fully qualified name); as there is no source
  file, the ``physicalLocation`` is a stable repository-relative pseudo-path
  (``aws/<account>/<region>/<vpc>/<type>/<id>``): GitHub code scanning refuses results without
  a physical location ("expected at least one location") and URIs with a scheme;
* SUPPRESSED findings stay in the log with an external, accepted ``suppression``;
* NOT_EVALUATED and ERROR findings are results of kind ``open`` (level ``none``, as the spec
  requires for kinds other than ``fail``), and scopes that did not run are tool execution
  notifications, so an incomplete audit is visible in the log too;
* a finding's remediation is one ``fix`` (§3.55): its ``description`` lists the steps (and
  which need a decision). The schema requires ``artifactChanges``; the only artifact a finding
  has is its resource's pseudo-path, so the change inserts the AWS CLI commands at its start —
  what a person would run against that resource, never a source edit.
"""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

from vpcaudit.engine.result import AuditResult, Outcome, RuleInfo
from vpcaudit.engine.rule import Finding, Severity, Status
from vpcaudit.render.base import Formatter
from vpcaudit.render.fix import cli
from vpcaudit.render.jsontext import report_writer

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LINK_CHARACTER = re.compile(r"[\\\[\]]")  # SARIF's "escaped link character": \ [ ]
FINGERPRINT_KEY = "vpcauditFingerprint/v1"

_LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning",
          Severity.LOW: "note", Severity.INFO: "note"}
# GitHub's security-severity bands: critical > 9.0, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9.
_SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5",
                      Severity.LOW: "3.0", Severity.INFO: "0.0"}


def sarif_log(result: AuditResult) -> dict[str, Any]:
    """The SARIF log as JSON data."""
    rules = _rules(result)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    notifications = [
        {"level": "error" if s.outcome is Outcome.ERROR else "warning",
         "message": {"text": plain_text(f"{s.rule_id} {s.outcome.value.replace('_', ' ')} in "
                                        f"{s.account_id}/{s.region}: {s.detail or 'no detail'}")},
         "associatedRule": {"id": s.rule_id, "index": index[s.rule_id]}}
        for s in result.scopes if not s.outcome.judged]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "vpcaudit", "version": result.tool_version,
                                "semanticVersion": result.tool_version, "rules": rules}},
            "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
            "results": [result_object(f, index) for f in result.findings],
            "properties": _run_properties(result),
        }],
    }


def _run_properties(result: AuditResult) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "schemaVersion": result.schema_version, "snapshotTakenAt": result.snapshot_taken_at,
        "generatedAt": result.generated_at, "accounts": list(result.accounts), "regions": list(result.regions),
        "rulePacks": dict(result.rule_packs), "prices": [note.describe() for note in result.prices]}
    if result.groups:  # listed once here; each result names its group in properties.group
        properties["groups"] = [
            {"id": g.group_id, "ruleId": g.rule_id, "region": g.region, "description": g.description,
             "members": [{"accountId": m.account_id, "resourceType": m.resource_type, "resourceId": m.resource_id,
                          "name": m.name} for m in g.members]}
            for g in result.groups]
    return properties


_WRITER = report_writer()


def plain_text(text: str) -> str:
    """A plain-text SARIF message that shows exactly ``text``: no embedded links (§3.11.6).

    Viewers following the spec render ``[text](destination)`` in a message as a link; finding
    messages quote AWS text (tags, policy statement ids) that may be written that way. With
    ``\\``, ``[`` and ``]`` escaped by a backslash, as the spec's link grammar says, no
    unescaped ``](`` is left, so no embedded link can form.
    """
    return _LINK_CHARACTER.sub(r"\\\g<0>", text)


def render_sarif(result: AuditResult) -> str:
    return _WRITER.dumps(sarif_log(result), end="\n")


def _rules(result: AuditResult) -> list[dict[str, Any]]:
    """Every rule that ran, plus any rule a finding names that the result has no metadata for."""
    infos: dict[str, RuleInfo] = {info.id: info for info in result.rules}
    for f in result.findings:
        infos.setdefault(f.rule_id, RuleInfo(f.rule_id, f.rule_name, f.severity, f.rule_name, "", "", (), ""))
    for s in result.scopes:
        infos.setdefault(s.rule_id, RuleInfo(s.rule_id, s.rule_id, Severity.INFO, s.rule_id, "", "", (), ""))
    return [rule_descriptor(infos[rule_id]) for rule_id in sorted(infos)]


def rule_descriptor(info: RuleInfo) -> dict[str, Any]:
    """A SARIF reportingDescriptor: the rule's text, default level and security severity."""
    sections = [("Why it matters", info.why), ("How to fix", info.fix),
                ("References", "\n".join(f"- {ref}" for ref in info.references))]
    help_md = "\n\n".join(f"**{title}**\n\n{body}" for title, body in sections if body)
    help_text = "\n\n".join(f"{title}:\n{body}" for title, body in sections if body)
    rule: dict[str, Any] = {
        "id": info.id,
        "name": info.name,
        "shortDescription": {"text": info.summary or info.name},
        "fullDescription": {"text": " ".join(part for part in (info.summary, info.why) if part) or info.name},
        "help": {"text": help_text or info.summary or info.name, "markdown": help_md or info.summary or info.name},
        "defaultConfiguration": {"level": _LEVEL[info.severity]},
        "properties": {"security-severity": _SECURITY_SEVERITY[info.severity], "severity": info.severity.value,
                       "tags": ["security", "aws", "network", *([info.pack] if info.pack else []),
                                *(c.id for c in info.controls if c.is_security_hub)]},
    }
    if info.controls:
        rule["properties"]["controls"] = [c.requirement for c in info.controls]
    if info.severity_overridden_from is not None:
        rule["properties"]["severityOverriddenFrom"] = info.severity_overridden_from.value
    first_url = next((ref for ref in info.references if ref.startswith(("https://", "http://"))), None)
    if first_url:
        rule["helpUri"] = first_url
    return rule


def result_object(f: Finding, index: dict[str, int]) -> dict[str, Any]:
    """A SARIF result for one finding (``index``: rule id → position in the driver's rules)."""
    res = f.resource
    evaluated = f.status in (Status.FAIL, Status.SUPPRESSED)
    item: dict[str, Any] = {
        "ruleId": f.rule_id,
        "ruleIndex": index[f.rule_id],
        "kind": "fail" if evaluated else "open",
        "level": _LEVEL[f.severity] if evaluated else "none",
        "message": {"text": plain_text(f.message)},
        "locations": [{
            "physicalLocation": {"artifactLocation": {"uri": resource_path(f)}, "region": {"startLine": 1}},
            "logicalLocations": [{"name": res.resource_id, "fullyQualifiedName": res.arn,
                                  "kind": res.resource_type}]}],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
        "properties": {"status": f.status.value, "severity": f.severity.value, "accountId": res.account_id,
                       "region": res.region, "vpcId": res.vpc_id, "resourceType": res.resource_type,
                       "resourceName": res.name, "evidence": f.evidence, "monthlyCostUsd": f.monthly_cost_usd},
    }
    if f.fix and f.status is Status.FAIL:
        item["fixes"] = [_fix(f)]
    if f.currency is not None:
        item["properties"]["currency"] = f.currency
    if f.severity_overridden_from is not None:
        item["properties"]["severityOverriddenFrom"] = f.severity_overridden_from.value
    if f.group:
        item["properties"]["group"] = f.group
    if f.status is Status.SUPPRESSED:
        justification = f.suppression_reason or "suppressed"
        if f.suppression_expires:
            justification += f" (expires {f.suppression_expires})"
        item["suppressions"] = [{"kind": "external", "status": "accepted", "justification": justification}]
    return item


def _fix(f: Finding) -> dict[str, Any]:
    steps = [f"{n}. {s.description}" + (f" (needs a decision: {s.decision})" if s.decision else "")
             for n, s in enumerate(f.fix, 1)]
    return {
        "description": {"text": plain_text("\n".join(steps))},
        "artifactChanges": [{
            "artifactLocation": {"uri": resource_path(f)},
            "replacements": [{"deletedRegion": {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1},
                              "insertedContent": {"text": cli.script(f.fix, f.resource.region) + "\n"}}],
        }],
    }


def resource_path(f: Finding) -> str:
    """A relative, scheme-less, stable path naming the resource (percent-encoded segments)."""
    res = f.resource
    segments = ("aws", res.account_id, res.region, res.vpc_id or "region", res.resource_type, res.resource_id)
    return "/".join(urllib.parse.quote(segment or "-", safe="") for segment in segments)


FORMATTER: Formatter[AuditResult] = Formatter("sarif", "results.sarif", render_sarif)
