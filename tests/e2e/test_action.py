"""The GitHub Action (action.yml), tested offline: its YAML, its inputs, and its review step run as
GitHub would run it — bash, the inputs in the environment, GITHUB_STEP_SUMMARY and GITHUB_OUTPUT
files — with the installed vpcaudit, against the demo's snapshot and example plans."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from schema_check import check_diff

from vpcaudit.demo.plans import EXAMPLES
from vpcaudit.demo.run import run_demo
from vpcaudit.snapshot.jsonfile import save

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
ACTION: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*([^}]+?)\s*\}\}")


def step(step_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(s for s in ACTION["runs"]["steps"] if s.get("id") == step_id)
    return found


def test_it_is_a_composite_action_whose_inputs_are_all_used_and_declared() -> None:
    assert ACTION["runs"]["using"] == "composite"
    text = (ROOT / "action.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"inputs\.([a-z-]+)", text))
    assert used == set(ACTION["inputs"]), (used ^ set(ACTION["inputs"]))
    assert [name for name, spec in ACTION["inputs"].items() if spec.get("required")] == ["snapshot"]
    for name, spec in ACTION["outputs"].items():
        assert spec["value"] == f"${{{{ steps.review.outputs.{name} }}}}"
    assert all(s.get("shell") == "bash" for s in ACTION["runs"]["steps"] if "run" in s)


def test_no_input_is_spliced_into_a_script() -> None:
    """Inputs go through env: a value like `"; rm -rf ~` must stay data."""
    for s in ACTION["runs"]["steps"]:
        assert not EXPRESSION.search(s.get("run", "")), s.get("name")


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's snapshot and example plans, as `vpcaudit demo` writes them."""
    folder = tmp_path_factory.mktemp("demo")
    run = run_demo()
    save(run.outcome.snapshot, folder / "snapshot.json")
    (folder / "plans").mkdir()
    for name, build in EXAMPLES.items():
        (folder / "plans" / name).write_text(json.dumps(build(run.estate, run.outcome.snapshot)), encoding="utf-8")
    return folder


def review(folder: Path, tmp_path: Path, **inputs: str) -> tuple[int, str, dict[str, str], Path]:
    """Run the review step with ``inputs`` (action input names) the way the runner does."""
    values = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
    values.update({k.replace("_", "-"): v for k, v in inputs.items()})
    env = {key: EXPRESSION.sub(lambda m: values[m.group(1).removeprefix("inputs.")], str(value))
           for key, value in step("review")["env"].items()}
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs.txt"
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    done = subprocess.run(["bash", "-c", step("review")["run"]], cwd=folder, capture_output=True, text=True,
                          timeout=300, env={**os.environ, **env, "PATH": path, "GITHUB_STEP_SUMMARY": str(summary),
                                            "GITHUB_OUTPUT": str(outputs)})
    written = dict(line.split("=", 1) for line in outputs.read_text().splitlines()) if outputs.exists() else {}
    return done.returncode, summary.read_text() if summary.exists() else "", written, folder / values["output-dir"]


def test_a_plan_that_makes_paths_worse_fails_the_step_with_summary_and_sarif(demo_files: Path, tmp_path: Path) -> None:
    code, summary, outputs, out = review(demo_files, tmp_path, snapshot="snapshot.json",
                                         terraform_plan="plans/s3-via-nat.json", output_dir=str(tmp_path / "review"))
    assert code == 1 and outputs["exit-code"] == "1"
    assert summary.startswith("# VPC network audit: what this change would do")
    assert "**worse**" in summary and "## Planned change" in summary
    sarif = json.loads((out / "diff.sarif").read_text())
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} >= {"GWE001", "PATH"}
    assert outputs["sarif"] == str(out / "diff.sarif")
    assert check_diff(json.loads((out / "diff.json").read_text()))["plan"]["source"].startswith("Terraform plan")


def test_a_fixing_plan_passes_and_fail_false_reports_without_failing(demo_files: Path, tmp_path: Path) -> None:
    code, summary, outputs, _ = review(demo_files, tmp_path, snapshot="snapshot.json",
                                       terraform_plan="plans/s3-fix.json", output_dir=str(tmp_path / "fix"))
    assert (code, outputs["exit-code"]) == (0, "0") and "Resolved findings" in summary
    code, _, outputs, _ = review(demo_files, tmp_path, snapshot="snapshot.json", terraform_plan="plans/s3-via-nat.json",
                                 output_dir=str(tmp_path / "soft"), fail="false")
    assert (code, outputs["exit-code"]) == (0, "1")


def test_two_snapshots_are_compared_with_diff(demo_files: Path, tmp_path: Path) -> None:
    code, summary, outputs, _ = review(demo_files, tmp_path, snapshot="snapshot.json",
                                       after_snapshot="snapshot.json", output_dir=str(tmp_path / "same"), strict="true")
    assert code == 0 and outputs["exit-code"] == "0"
    assert summary.startswith("# VPC network audit: what changed")


def test_without_a_change_to_review_the_step_says_so(demo_files: Path, tmp_path: Path) -> None:
    code, _, outputs, _ = review(demo_files, tmp_path, snapshot="snapshot.json")
    assert code == 2 and not outputs
