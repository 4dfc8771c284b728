"""Formatters: turn an audit result or a diff into each output format, behind one interface.

``render(document, fmt)`` renders either kind of document (``stream`` the formats written as
chunks); :data:`REPORT_FORMATS` and
:data:`DIFF_FORMATS` say which formats each kind offers and where each goes inside an output
folder; ``summary_table`` is what the terminal shows after every audit.
"""

from __future__ import annotations

from collections.abc import Iterable

from vpcaudit.engine.diff import AuditDiff
from vpcaudit.engine.result import AuditResult
from vpcaudit.files import Chunk
from vpcaudit.render.base import FormatterSet
from vpcaudit.render.diff import DIFF_FORMATS
from vpcaudit.render.report import REPORT_FORMATS
from vpcaudit.render.report.context import build_report_context
from vpcaudit.render.report.table import summary_table


def formats_for(document: AuditResult | AuditDiff) -> FormatterSet[AuditResult] | FormatterSet[AuditDiff]:
    """The formats a document of this kind can be rendered in."""
    return DIFF_FORMATS if isinstance(document, AuditDiff) else REPORT_FORMATS


def render(document: AuditResult | AuditDiff, fmt: str) -> str:
    """The whole output of one format as text (ValueError for a format the kind lacks)."""
    if isinstance(document, AuditDiff):
        return DIFF_FORMATS.render(document, fmt)
    return REPORT_FORMATS.render(document, fmt)


def stream(document: AuditResult | AuditDiff, fmt: str) -> Iterable[Chunk] | None:
    """The output of one format as UTF-8 chunks where the format writes it so (the JSON result);
    else None, and :func:`render` gives it."""
    if isinstance(document, AuditDiff):
        return DIFF_FORMATS.stream(document, fmt)
    return REPORT_FORMATS.stream(document, fmt)


__all__ = ["DIFF_FORMATS", "REPORT_FORMATS", "build_report_context", "formats_for", "render", "stream",
           "summary_table"]
