"""`vpcaudit rules list | show | docs` over a --rules-dir test pack."""

from __future__ import annotations

import json
import re
from pathlib import Path

from engine_snapshots import RULEPACK
from typer.testing import CliRunner

from vpcaudit.cli import app

runner = CliRunner()


def test_list_as_table_and_json() -> None:
    table = runner.invoke(app, ["rules", "list", "--rules-dir", str(RULEPACK)])
    assert table.exit_code == 0, table.output
    assert re.search(r"^TST003\s+medium\s+vpc-without-flow-log\s+vpcs, flow_logs$", table.output, re.MULTILINE)
    rows = json.loads(runner.invoke(app, ["rules", "list", "--rules-dir", str(RULEPACK), "-f", "json"]).output)
    tst = [r for r in rows if r["pack"] == "rulepack"]
    assert [r["id"] for r in tst] == ["TST001", "TST002", "TST003", "TST004", "TST005"]
    assert tst[0] == {"id": "TST001", "severity": "high", "name": "vpc-tagged-bad", "needs": ["vpcs"],
                      "pack": "rulepack", "summary": "A VPC tagged ``audit=bad`` fails.", "controls": []}


def test_show_prints_why_fix_references_and_needs() -> None:
    done = runner.invoke(app, ["rules", "show", "tst003", "--rules-dir", str(RULEPACK)])
    assert done.exit_code == 0, done.output
    for text in ("TST003 vpc-without-flow-log  [medium]  (pack rulepack)", "Why it matters:\n  Exercises",
                 "How to fix:\n  Add a flow log.", "  - https://example.com/tst003", "Needs: vpcs, flow_logs"):
        assert text in done.output


def test_show_unknown_id_is_a_usage_error() -> None:
    done = runner.invoke(app, ["rules", "show", "NOPE001"])
    assert done.exit_code == 2
    assert "unknown rule id 'NOPE001'" in done.output


def test_broken_rules_dir_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text("1/0\n")
    done = runner.invoke(app, ["rules", "list", "--rules-dir", str(tmp_path)])
    assert done.exit_code == 2
    assert "failed to load: ZeroDivisionError: division by zero" in done.output


def test_docs_writes_the_builtin_pack_documentation(tmp_path: Path) -> None:
    target = tmp_path / "rules.md"
    done = runner.invoke(app, ["rules", "docs", "-o", str(target)])
    assert done.exit_code == 0, done.output
    text = target.read_text()
    assert text.startswith("# vpcaudit rules\n") and "vpcaudit rules docs -o docs/rules.md" in text
    assert runner.invoke(app, ["rules", "docs", "--pack", "nope"]).exit_code == 2
