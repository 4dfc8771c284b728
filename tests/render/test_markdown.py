"""The Markdown report: golden file, the same sections as the HTML, Mermaid per VPC."""

from __future__ import annotations

import re
from collections.abc import Callable

from vpcaudit import render
from vpcaudit.engine.result import AuditResult
from vpcaudit.render.fix import cloudformation


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
    # One <details> per finding, and inside it one for the Terraform of a fix, one for its CloudFormation.
    expected = len(sample.failures) + sum(1 for f in sample.failures if f.fix) + sum(
        1 for f in sample.failures if cloudformation.template(f.fix))
    assert text.count("<details>") == text.count("</details>") == expected
    assert text.count("```mermaid") == len(sample.vpcs)
    assert "aws ec2 replace-route --route-table-id <rtb-id>" in text  # fix text code stays verbatim


def test_matrix_cells_mark_cross_az_and_nat_in_words(sample: AuditResult) -> None:
    text = render.render(sample, "md")
    row = next(line for line in text.splitlines() if line.startswith("| private-b<br>"))
    assert row.count("**cross-AZ**") == 3 and row.count("**via NAT**") == 2


def test_each_fix_is_written_out_with_its_real_identifiers(sample: AuditResult) -> None:
    """A finding's steps as a numbered list, the AWS CLI in a bash fence (decisions commented), Terraform in hcl."""
    text = render.render(sample, "md")
    assert "**Fix this one**" in text
    assert ("```bash\naws ec2 authorize-security-group-ingress --region us-east-1 --group-id sg-0open00000000001 "
            "--ip-permissions") in text
    assert ("# aws ec2 revoke-security-group-ingress --region us-east-1 --group-id sg-0open00000000001 "
            "--security-group-rule-ids sgr-0world000000001\n```") in text
    assert "**needs a decision:** the VPC routes to a transit gateway" in text
    assert ("```hcl\n# Turn on DNS hostnames in vpc-0prod000000000001\nimport {\n"
            "  to = aws_vpc.vpc_0prod000000000001") in text
