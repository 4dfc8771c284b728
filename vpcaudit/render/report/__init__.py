"""The audit report formats: one module per format, each exporting a ``FORMATTER``."""

from __future__ import annotations

from vpcaudit.engine.result import AuditResult
from vpcaudit.render.base import FormatterSet
from vpcaudit.render.report import asff, csvfmt, html, jsonfmt, junit, markdown, ocsf, sarif, table

REPORT_FORMATS: FormatterSet[AuditResult] = FormatterSet("report", (
    table.FORMATTER, html.FORMATTER, markdown.FORMATTER, jsonfmt.FORMATTER, sarif.FORMATTER, csvfmt.FORMATTER,
    junit.FORMATTER, asff.FORMATTER, ocsf.FORMATTER))
