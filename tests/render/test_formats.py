"""The formatter interface the CLI codes against: names, default files, unknown formats."""

from __future__ import annotations

import pytest

from vpcaudit import render
from vpcaudit.engine.result import AuditResult


def test_every_format_is_listed_with_its_default_file() -> None:
    assert render.FORMATS == ("table", "html", "md", "json", "sarif", "csv", "junit")
    assert {f: render.default_filename(f) for f in render.FORMATS} == {
        "table": "summary.txt", "html": "report.html", "md": "report.md", "json": "result.json",
        "sarif": "results.sarif", "csv": "findings.csv", "junit": "junit.xml"}


@pytest.mark.parametrize("fmt", render.FORMATS)
def test_every_format_shows_every_failing_rule_and_copes_with_an_empty_result(fmt: str, sample: AuditResult) -> None:
    empty = AuditResult("1.0", "0.1.0", {}, "2025-01-01T00:00:00+00:00", "2025-01-01T00:00:01+00:00",
                        (), (), (), (), ())
    text = render.render(sample, fmt)
    assert [f.rule_id for f in sample.failures if f.rule_id not in text] == []
    assert render.render(empty, fmt).strip()


def test_unknown_format_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown format 'pdf' \(known: table, html, md, json, sarif, csv, junit\)"):
        render.render(AuditResult("1.0", "0", {}, "", "", (), (), (), (), ()), "pdf")
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        render.default_filename("xml")
