"""`vpcaudit audit` in-process: where outputs go, what stdout holds, config defaults."""

from __future__ import annotations

import json
from pathlib import Path

from engine_snapshots import RULEPACK, region, snapshot, vpc, write
from typer.testing import CliRunner

from vpcaudit.cli import app

runner = CliRunner()


def audit(snap: Path, *args: str) -> tuple[int, str, str]:
    done = runner.invoke(app, ["audit", str(snap), "--rules-dir", str(RULEPACK), "--select", "TST001,TST002", *args],
                         catch_exceptions=False)
    return done.exit_code, done.stdout, done.stderr


def bad_snapshot(tmp_path: Path) -> Path:
    return write(snapshot(region(vpcs=[vpc("vpc-1", audit="bad"), vpc("vpc-2", audit="meh")])), tmp_path / "s.json")


def test_one_machine_format_alone_on_stdout(tmp_path: Path) -> None:
    code, out, err = audit(bad_snapshot(tmp_path), "-f", "json")
    assert code == 1
    data = json.loads(out)
    assert [(f["rule_id"], f["resource"]["resource_id"]) for f in data["findings"]] == [
        ("TST001", "vpc-1"), ("TST002", "vpc-2")]
    assert "→ exit 1" in err


def test_several_formats_go_to_a_folder_and_the_summary_to_the_terminal(tmp_path: Path) -> None:
    out_dir = tmp_path / "out" / "nested"
    code, out, err = audit(bad_snapshot(tmp_path), "-f", "json", "-f", "md", "-f", "sarif", "-o", str(out_dir))
    assert code == 1
    assert sorted(p.name for p in out_dir.iterdir()) == ["report.md", "result.json", "results.sarif"]
    assert "TST001" in out  # the terminal summary
    assert f"wrote {out_dir / 'result.json'}" in err


def test_one_format_into_an_existing_folder_uses_its_default_name(tmp_path: Path) -> None:
    code, _, _ = audit(bad_snapshot(tmp_path), "-f", "csv", "-o", str(tmp_path))
    assert code == 1 and (tmp_path / "findings.csv").is_file()


def test_several_formats_without_a_folder_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = audit(bad_snapshot(tmp_path), "-f", "json", "-f", "md")
    assert code == 2 and err.strip() == "error: --output: 2 formats need a folder to write to (one file per format)"


def test_expired_suppressions_are_reported(tmp_path: Path) -> None:
    accepted = tmp_path / "accepted.toml"
    accepted.write_text('[[suppress]]\nrule = "TST001"\nresource = "vpc-1"\nreason = "until the migration"\n'
                        'expires = 2020-01-01\n')
    code, _, err = audit(bad_snapshot(tmp_path), "--suppressions", str(accepted))
    assert code == 1
    assert ("expired suppression, no longer applied: entry 1: TST001 on resource vpc-1 "
            "(until the migration, expired 2020-01-01)") in err


def test_pyproject_tool_table_supplies_defaults(tmp_path: Path, monkeypatch: object) -> None:
    snap = bad_snapshot(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.vpcaudit]\nignore = ["TST001"]\nfail-on = "low"\n')
    monkeypatch.chdir(tmp_path)  # type: ignore[attr-defined]
    code, out, _ = audit(snap, "-f", "json")
    assert code == 1
    assert [f["rule_id"] for f in json.loads(out)["findings"]] == ["TST002"]
    assert audit(snap, "-f", "json", "--fail-on", "high")[0] == 0
