"""JUnit XML: one test case per rule × (account, region), for CI dashboards that read test reports.

Outcomes map onto what every JUnit consumer understands: failed → ``<failure>`` listing the
findings, not evaluated → ``<skipped>``, error → ``<error>``; suppressed findings are listed in
``<system-out>`` so they stay visible. One ``<testsuite>`` per (account, region). ElementTree
escapes markup; characters XML 1.0 cannot carry at all are replaced first, so the file parses
whatever the audited account's tags contain.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from vpcaudit.engine.result import AuditResult, Outcome, ScopeResult
from vpcaudit.engine.rule import Finding, Status
from vpcaudit.render.base import Formatter
from vpcaudit.render.text import xml_safe

Scope = tuple[str, str, str]  # rule id, account, region


def render_junit(result: AuditResult) -> str:
    names = {info.id: info.name for info in result.rules}
    by_scope: dict[Scope, list[Finding]] = defaultdict(list)
    for f in result.findings:
        by_scope[(f.rule_id, f.resource.account_id, f.resource.region)].append(f)
    suites: dict[tuple[str, str], list[ScopeResult]] = defaultdict(list)
    for s in sorted(result.scopes, key=lambda s: (s.account_id, s.region, s.rule_id)):
        suites[(s.account_id, s.region)].append(s)

    root = ET.Element("testsuites", {"name": "vpcaudit"})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for (account, region), scopes in suites.items():
        suite = ET.SubElement(root, "testsuite", {"name": xml_safe(f"vpcaudit {account}/{region}")})
        counts = {"tests": len(scopes), "failures": 0, "errors": 0, "skipped": 0}
        for s in scopes:
            found = by_scope.get((s.rule_id, account, region), [])
            case = ET.SubElement(suite, "testcase", {
                "classname": xml_safe(f"vpcaudit.{account}.{region}"),
                "name": xml_safe(f"{s.rule_id} {names.get(s.rule_id, '')}".strip())})
            outcome = _outcome(case, s, found)
            if outcome != "passed":
                counts[outcome] += 1
            suppressed = [f for f in found if f.status is Status.SUPPRESSED]
            if suppressed:
                ET.SubElement(case, "system-out").text = xml_safe("\n".join(
                    f"suppressed: {_line(f)} (reason: {f.suppression_reason or '-'}, "
                    f"expires: {f.suppression_expires or 'never'})" for f in suppressed))
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _outcome(case: ET.Element, scope: ScopeResult, found: list[Finding]) -> str:
    """Add the outcome element; returns the counter it belongs to, or "passed"."""
    if scope.outcome is Outcome.ERROR:
        ET.SubElement(case, "error", {"message": xml_safe(scope.detail or "rule error"), "type": "error"}).text = \
            xml_safe("\n".join(_line(f) for f in found if f.status is Status.ERROR) or scope.detail)
        return "errors"
    if scope.outcome is Outcome.NOT_EVALUATED:
        ET.SubElement(case, "skipped", {"message": xml_safe(scope.detail or "not evaluated")})
        return "skipped"
    fails = [f for f in found if f.status is Status.FAIL]
    if scope.outcome is Outcome.FAILED or fails:
        worst = max((f.severity for f in fails), key=lambda s: s.rank, default=None)
        message = f"{len(fails)} failing finding(s)" + (f", worst {worst.value}" if worst else "")
        ET.SubElement(case, "failure", {"message": message, "type": worst.value if worst else "failed"}).text = \
            xml_safe("\n".join(_line(f) for f in fails) or scope.detail)
        return "failures"
    return "passed"


def _line(f: Finding) -> str:
    res = f.resource
    name = f" ({res.name})" if res.name else ""
    severity = f.severity.value
    if f.severity_overridden_from is not None:
        severity += f", overridden from {f.severity_overridden_from.value}"
    return f"[{severity}] {res.resource_type} {res.resource_id}{name}: {f.message} [{f.fingerprint}]"


FORMATTER: Formatter[AuditResult] = Formatter("junit", "junit.xml", render_junit)
