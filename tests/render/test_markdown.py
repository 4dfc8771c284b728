"""The Markdown report: golden file, the same sections as the HTML, Mermaid per VPC."""

from __future__ import annotations

import re
from collections.abc import Callable

from vpcaudit import render
from vpcaudit.engine.result import AuditResult


def test_markdown_matches_golden(sample: AuditResult, golden: Callable[[str, str], None]) -> None:
    golden("report.md", render.render(sample, "md"))


def test_markdown_has_every_section_and_finding(sample: AuditResult) -> None:
    text = render.render(sample, "md")
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    assert headings == ["Summary", "Findings", "Topology and traffic paths", "Costs", "Not evaluated",
                        "Suppressed findings", "Rules run"]
    assert "### Expired suppressions" in text
    for f in sample.failures:
        assert f"fingerprint {f.fingerprint}" in text
    assert text.count("<details>") == text.count("</details>") == len(sample.failures)
    assert text.count("```mermaid") == len(sample.vpcs)
    assert "aws ec2 replace-route --route-table-id <rtb-id>" in text  # fix text code stays verbatim


def test_matrix_cells_mark_cross_az_and_nat_in_words(sample: AuditResult) -> None:
    text = render.render(sample, "md")
    row = next(line for line in text.splitlines() if line.startswith("| private-b<br>"))
    assert row.count("**cross-AZ**") == 3 and row.count("**via NAT**") == 2
