"""The formatter interface the CLI codes against: names, default files, unknown formats."""

from __future__ import annotations

import pytest

from vpcaudit import render
from vpcaudit.engine.result import AuditResult


def test_every_format_is_listed_with_its_default_file() -> None:
    assert render.REPORT_FORMATS.names == ("table", "html", "md", "json", "sarif", "csv", "junit", "asff", "ocsf")
    assert render.REPORT_FORMATS.filenames == {
        "table": "summary.txt", "html": "report.html", "md": "report.md", "json": "result.json",
        "sarif": "results.sarif", "csv": "findings.csv", "junit": "junit.xml",
        "asff": "report.asff.json", "ocsf": "report.ocsf.json"}


@pytest.mark.parametrize("fmt", render.REPORT_FORMATS.names)
def test_every_format_shows_every_failing_rule_and_copes_with_an_empty_result(fmt: str, sample: AuditResult) -> None:
    empty = AuditResult("1.0", "0.1.0", {}, "2025-01-01T00:00:00+00:00", "2025-01-01T00:00:01+00:00",
                        (), (), (), (), ())
    text = render.render(sample, fmt)
    assert [f.rule_id for f in sample.failures if f.rule_id not in text] == []
    assert render.render(empty, fmt).strip()


def test_unknown_format_names_the_known_ones() -> None:
    known = r"\(known: table, html, md, json, sarif, csv, junit, asff, ocsf\)"
    with pytest.raises(ValueError, match=r"unknown report format 'pdf' " + known):
        render.render(AuditResult("1.0", "0", {}, "", "", (), (), (), (), ()), "pdf")
    with pytest.raises(ValueError, match="unknown report format 'xml'"):
        render.REPORT_FORMATS.get("xml")


def test_diff_formats_share_the_interface() -> None:
    assert render.DIFF_FORMATS.filenames == {"table": "diff.txt", "md": "diff.md", "json": "diff.json",
                                             "sarif": "diff.sarif"}
    with pytest.raises(ValueError, match=r"unknown diff format 'html' \(known: table, md, json, sarif\)"):
        render.DIFF_FORMATS.get("html")
