"""The diff formats: ``table`` (the terminal view), ``md`` (a pull request or runbook log), ``json``
(versioned, for pipelines) and ``sarif`` (what got worse, for code scanning), behind the same
interface as the report formats."""

from __future__ import annotations

from vpcaudit.engine.diff import AuditDiff
from vpcaudit.render.base import FormatterSet
from vpcaudit.render.diff import jsonfmt, markdown, sarif, table

DIFF_FORMATS: FormatterSet[AuditDiff] = FormatterSet(
    "diff", (table.FORMATTER, markdown.FORMATTER, jsonfmt.FORMATTER, sarif.FORMATTER))
