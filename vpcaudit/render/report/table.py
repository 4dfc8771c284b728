"""The terminal summary: counts by severity, then the failing findings, as plain tabulate tables.

Printed after every audit (and as the ``table`` format), so it is short: one line per
finding, messages cut to fit. Every value goes through ``terminal_safe``: a tag holding an
ANSI escape sequence must not recolour, move or retitle the reviewer's terminal.
"""

from __future__ import annotations

from tabulate import tabulate

from vpcaudit.engine.result import AuditResult
from vpcaudit.engine.rule import Finding, Status
from vpcaudit.render.base import Formatter
from vpcaudit.render.report.context import SEVERITIES
from vpcaudit.render.text import terminal_safe, truncate

MESSAGE_WIDTH = 90
RESOURCE_WIDTH = 40
_COUNTED = (Status.FAIL, Status.SUPPRESSED, Status.NOT_EVALUATED, Status.ERROR)


def summary_table(result: AuditResult) -> str:
    """Severity counts (fail / suppressed / not evaluated) and the failing findings, worst first."""
    rows = []
    for severity in SEVERITIES:
        picked = [f for f in result.findings if f.severity is severity]
        rows.append([severity.value, *(sum(1 for f in picked if f.status is s) for s in _COUNTED)])
    rows.append(["total", *(sum(1 for f in result.findings if f.status is s) for s in _COUNTED)])
    parts = [tabulate(rows, headers=["severity", "fail", "suppressed", "not evaluated", "error"],
                      tablefmt="simple", colalign=("left", "right", "right", "right", "right"))]
    incomplete = [s for s in result.scopes if not s.outcome.judged]
    if incomplete:
        parts.append(f"{len(incomplete)} rule scope(s) not evaluated or errored: "
                     + terminal_safe(", ".join(f"{s.rule_id} {s.account_id}/{s.region}" for s in incomplete[:8]))
                     + (" …" if len(incomplete) > 8 else ""))
    fails = sorted(result.failures, key=lambda f: (-f.severity.rank, f.rule_id, f.resource.resource_id))
    if fails:
        parts.append(tabulate([_finding_row(f) for f in fails], headers=["severity", "rule", "resource", "message"],
                              tablefmt="simple", disable_numparse=True))
    else:
        parts.append("No failing findings.")
    if result.costs and result.prices:
        parts.append("Prices: " + terminal_safe("; ".join(note.describe() for note in result.prices)))
    return "\n\n".join(parts) + "\n"


def _finding_row(f: Finding) -> list[str]:
    res = f.resource
    resource = f"{res.resource_id} ({res.name})" if res.name else res.resource_id
    severity = f.severity.value
    if f.severity_overridden_from is not None:
        severity += f" (was {f.severity_overridden_from.value})"
    return [severity, f.rule_id, truncate(terminal_safe(resource), RESOURCE_WIDTH),
            truncate(terminal_safe(f.message), MESSAGE_WIDTH)]


FORMATTER: Formatter[AuditResult] = Formatter("table", "summary.txt", summary_table)
