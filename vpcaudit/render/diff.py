"""The diff's output formats behind one lookup, as :mod:`vpcaudit.render` does for audit results.

A diff is not an AuditResult, so it has its own small registry: ``table`` (the terminal view),
``md`` (for a pull request or runbook log) and ``json`` (versioned, for pipelines).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from vpcaudit.engine.diff import AuditDiff
from vpcaudit.render.diff_json import render_diff_json
from vpcaudit.render.diff_markdown import render_diff_markdown
from vpcaudit.render.diff_table import diff_table


@dataclass(frozen=True, slots=True)
class DiffFormatter:
    name: str
    filename: str  # default file name inside an output folder
    render: Callable[[AuditDiff], str]


_FORMATTERS: dict[str, DiffFormatter] = {f.name: f for f in (
    DiffFormatter("table", "diff.txt", diff_table),
    DiffFormatter("md", "diff.md", render_diff_markdown),
    DiffFormatter("json", "diff.json", render_diff_json),
)}

DIFF_FILENAMES: dict[str, str] = {name: f.filename for name, f in _FORMATTERS.items()}


def render_diff(d: AuditDiff, fmt: str) -> str:
    """The whole output of one diff format as text."""
    try:
        formatter = _FORMATTERS[fmt]
    except KeyError:
        raise ValueError(f"unknown diff format {fmt!r} (known: {', '.join(_FORMATTERS)})") from None
    return formatter.render(d)


__all__ = ["DIFF_FILENAMES", "DiffFormatter", "diff_table", "render_diff"]
