"""`vpcaudit fix` through the typer app: a plan file from a JSON result; one-line errors, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

from render_sample import sample_result
from typer.testing import CliRunner

from vpcaudit import render
from vpcaudit.cli import app


def _result(tmp_path: Path) -> Path:
    path = tmp_path / "result.json"
    path.write_text(render.render(sample_result(), "json"), encoding="utf-8")
    return path


def test_writes_the_sh_plan_and_summarises_on_stderr(tmp_path: Path) -> None:
    out = tmp_path / "plan" / "fix-plan.sh"
    proc = CliRunner().invoke(app, ["fix", str(_result(tmp_path)), "-o", str(out)])
    assert proc.exit_code == 0, proc.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash\n# vpcaudit remediation plan. GENERATED")
    assert "aws ec2 create-nat-gateway" in text
    assert proc.stderr.strip() == (f"vpcaudit: 8 step(s) for 5 finding(s); 2 need a decision and are commented "
                                   f"out; 3 finding(s) fixed as written; wrote {out}")


def test_terraform_to_stdout_for_selected_rules(tmp_path: Path) -> None:
    proc = CliRunner().invoke(app, ["fix", str(_result(tmp_path)), "-f", "terraform", "--select", "nat", "-q"])
    assert proc.exit_code == 0, proc.output
    assert proc.stdout.startswith("# vpcaudit remediation plan (Terraform)")
    assert 'resource "aws_nat_gateway"' in proc.stdout and "aws_vpc_endpoint" not in proc.stdout
    assert proc.stderr == ""


def test_min_severity_leaves_an_empty_plan_that_says_so(tmp_path: Path) -> None:
    proc = CliRunner().invoke(app, ["fix", str(_result(tmp_path)), "--min-severity", "critical", "-q"])
    assert proc.exit_code == 0
    assert "echo 'vpcaudit: nothing to fix for this selection' >&2" in proc.stdout


def test_bad_inputs_exit_2_in_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    not_a_result = tmp_path / "snap.json"
    not_a_result.write_text(json.dumps({"schema_version": "1.0", "accounts": []}), encoding="utf-8")
    cases = {
        ("fix", str(tmp_path / "missing.json")): "error: result file: ",
        ("fix", str(not_a_result)): "not a vpcaudit audit result",
        ("fix", str(_result(tmp_path)), "--select", "XYZ"): "error: --select: unknown rule id or prefix: XYZ",
        ("fix", str(_result(tmp_path)), "-f", "ansible"):
            "error: --format: unknown format ansible (choose from sh, terraform)",
        ("fix", str(_result(tmp_path)), "-o", str(not_a_result / "x" / "plan.sh")):
            "error: --output: cannot create output folder",
    }
    for args, expected in cases.items():
        proc = runner.invoke(app, list(args))
        assert proc.exit_code == 2, (args, proc.output)
        [line] = proc.stderr.strip().splitlines()
        assert expected in line, line
