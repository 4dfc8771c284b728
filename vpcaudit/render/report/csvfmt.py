"""CSV: one row per finding, every status, for spreadsheets and ticket imports.

Spreadsheets execute cells that start with ``= + - @`` (and tab / carriage return) as
formulas, so such cells get a leading apostrophe (OWASP's CSV-injection advice). The csv
module quotes separators, quotes and newlines, so a hostile tag cannot add a column or a row.
"""

from __future__ import annotations

import csv
import io
import json

from vpcaudit.engine.result import AuditResult
from vpcaudit.engine.rule import Finding
from vpcaudit.render.base import Formatter
from vpcaudit.render.text import inert_text

COLUMNS = ("fingerprint", "status", "severity", "rule_id", "rule_name", "account_id", "region", "vpc_id",
           "resource_type", "resource_id", "resource_name", "arn", "message", "evidence", "monthly_cost_usd",
           "suppression_reason", "suppression_expires", "severity_overridden_from", "currency", "group")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A cell a spreadsheet shows as text, never evaluates, and a terminal prints as text."""
    cell = inert_text(cell)
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _row(f: Finding) -> list[str]:
    res = f.resource
    values = (f.fingerprint, f.status.value, f.severity.value, f.rule_id, f.rule_name, res.account_id, res.region,
              res.vpc_id or "", res.resource_type, res.resource_id, res.name or "", res.arn, f.message,
              json.dumps(f.evidence, sort_keys=True, ensure_ascii=False, allow_nan=False) if f.evidence else "",
              "" if f.monthly_cost_usd is None else f"{f.monthly_cost_usd:.2f}", f.suppression_reason or "",
              f.suppression_expires or "",
              f.severity_overridden_from.value if f.severity_overridden_from else "", f.currency or "", f.group or "")
    return [neutralise(v) for v in values]


def render_csv(result: AuditResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(_row(f) for f in result.findings)
    return out.getvalue()


FORMATTER: Formatter[AuditResult] = Formatter("csv", "findings.csv", render_csv)
