"""Formatters: turn one AuditResult into each output format, behind one interface.

``render(result, fmt)`` is all the CLI needs; ``default_filename`` says where a format goes
inside an output folder; ``summary_table`` is what the terminal shows after every audit.
Each format is one module exporting a :class:`~vpcaudit.render.base.Formatter`.
"""

from __future__ import annotations

from vpcaudit.engine.result import AuditResult
from vpcaudit.render import csvfmt, html, jsonfmt, junit, markdown, sarif, table
from vpcaudit.render.base import Formatter
from vpcaudit.render.context import build_report_context
from vpcaudit.render.table import summary_table

_FORMATTERS: dict[str, Formatter] = {f.name: f for f in (
    table.FORMATTER, html.FORMATTER, markdown.FORMATTER, jsonfmt.FORMATTER, sarif.FORMATTER,
    csvfmt.FORMATTER, junit.FORMATTER)}

FORMATS: tuple[str, ...] = tuple(_FORMATTERS)


def _formatter(fmt: str) -> Formatter:
    try:
        return _FORMATTERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})") from None


def render(result: AuditResult, fmt: str) -> str:
    """The whole output of one format as text."""
    return _formatter(fmt).render(result)


def default_filename(fmt: str) -> str:
    """The file name a format gets inside an output folder (report.html, results.sarif, …)."""
    return _formatter(fmt).filename


__all__ = ["FORMATS", "Formatter", "build_report_context", "default_filename", "render", "summary_table"]
