"""SARIF 2.1.0 of what a change makes worse, for code scanning on a pull request.

A code-scanning dashboard keeps open what a SARIF upload lists, so this log lists only what the
change brings: new findings (and findings that become failing), and each traffic path that gets
worse, as results of a rule of its own (``PATH``). Findings are mapped exactly as in the audit's
SARIF (same rule descriptors, locations and fingerprints, so an alert keeps its identity from the
pull request to the scheduled audit after merge); a worse path's fingerprint is its subnet and
destination.
"""

from __future__ import annotations

import hashlib
import json
import urllib.parse
from typing import Any

from vpcaudit.engine.diff import AuditDiff, PathChange
from vpcaudit.engine.result import RuleInfo
from vpcaudit.engine.rule import Finding, Severity, Status
from vpcaudit.render.base import Formatter
from vpcaudit.render.report.sarif import FINGERPRINT_KEY, SARIF_SCHEMA, plain_text, result_object, rule_descriptor

PATH_RULE = RuleInfo(
    "PATH", "traffic-path-worse", Severity.HIGH,
    "A subnet's traffic to a destination gets worse: it loses an endpoint, goes through NAT, crosses AZs, "
    "or goes nowhere.", "The change moves traffic onto a paid, cross-AZ or broken path.",
    "Read the path's steps in the diff report (-f md) and keep the route, endpoint association or private "
    "DNS that carried it.", (), "vpcaudit")


def introduced(d: AuditDiff) -> tuple[Finding, ...]:
    """Findings the change brings: new ones, and existing ones that become failing."""
    became = tuple(c.after for c in d.changed if c.after.status is Status.FAIL and c.before.status is not Status.FAIL)
    return d.new + became


def diff_sarif_log(d: AuditDiff) -> dict[str, Any]:
    findings = introduced(d)
    infos = {info.id: info for info in d.rules}
    used = sorted({f.rule_id for f in findings})
    descriptors = [rule_descriptor(infos.get(rule_id) or RuleInfo(rule_id, rule_id, Severity.INFO, rule_id, "", "",
                                                                  (), "")) for rule_id in used]
    if d.worse_paths:
        descriptors.append(rule_descriptor(PATH_RULE))
    index = {descriptor["id"]: i for i, descriptor in enumerate(descriptors)}
    results = [result_object(f, index) for f in findings]
    results += [_path_result(p, index[PATH_RULE.id]) for p in d.worse_paths]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "vpcaudit", "version": d.tool_version, "semanticVersion": d.tool_version,
                                "rules": descriptors}},
            "invocations": [{"executionSuccessful": True}],
            "results": results,
            "properties": {"diffSchemaVersion": d.schema_version, "generatedAt": d.generated_at,
                           "plan": d.plan.source if d.plan is not None else None,
                           "coverageWorse": d.coverage_worse},
        }],
    }


def _path_result(change: PathChange, rule_index: int) -> dict[str, Any]:
    p = change.after
    where = "/".join(urllib.parse.quote(x or "-", safe="") for x in ("aws", p.account_id, p.region, p.vpc_id,
                                                                     "subnet", p.subnet_id))
    before = f"{change.before.kind} {change.before.target_id or ''}".strip()
    after = f"{p.kind} {p.target_id or ''}".strip()
    key = "|".join(("PATH", p.account_id, p.region, p.subnet_id, p.destination))
    return {
        "ruleId": PATH_RULE.id,
        "ruleIndex": rule_index,
        "kind": "fail",
        "level": "error",
        "message": {"text": plain_text(f"{p.destination} traffic from {p.subnet_id} ({p.availability_zone_id}) goes "
                                       f"{after} instead of {before}: {'; '.join(change.reasons)}")},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": f"{where}/{p.destination}"},
                                            "region": {"startLine": 1}},
                       "logicalLocations": [{"name": p.subnet_id, "kind": "subnet"}]}],
        "partialFingerprints": {FINGERPRINT_KEY: hashlib.sha256(key.encode()).hexdigest()[:32]},
        "properties": {"accountId": p.account_id, "region": p.region, "vpcId": p.vpc_id, "subnetId": p.subnet_id,
                       "destination": p.destination, "before": before, "after": after},
    }


def render_diff_sarif(d: AuditDiff) -> str:
    return json.dumps(diff_sarif_log(d), indent=2, sort_keys=True, ensure_ascii=True, allow_nan=False) + "\n"


FORMATTER: Formatter[AuditDiff] = Formatter("sarif", "diff.sarif", render_diff_sarif)
