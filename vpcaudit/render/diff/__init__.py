"""The diff formats: ``table`` (the terminal view), ``md`` (a pull request or runbook log) and
``json`` (versioned, for pipelines), behind the same interface as the report formats."""

from __future__ import annotations

from vpcaudit.engine.diff import AuditDiff
from vpcaudit.render.base import FormatterSet
from vpcaudit.render.diff import jsonfmt, markdown, table

DIFF_FORMATS: FormatterSet[AuditDiff] = FormatterSet("diff", (table.FORMATTER, markdown.FORMATTER, jsonfmt.FORMATTER))
