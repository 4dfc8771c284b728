"""`vpcaudit demo` as a newcomer runs it: the installed console script, no AWS credentials,
no AWS configuration, no proxy to reach anything through; plus its two failure modes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from asff_check import asff_errors
from schema_check import check_diff, check_result

from vpcaudit.demo.run import INSTALL_HINT, offline_aws_environment

VPCAUDIT = Path(sys.executable).with_name("vpcaudit")

# One rule id per mistake the demo estate was built with (vpcaudit/demo/estate.py).
MISTAKE_RULES = {"NAT001", "NAT002", "NAT003", "GWE001", "GWE002", "GWE003", "IFE003", "IFE006", "DNS002", "DNS003",
                 "SG001", "SG002", "SG003", "POL001", "POL004", "MON001"}


def offline_env(home: Path) -> dict[str, str]:
    """No AWS_* variable at all and an empty HOME (no ~/.aws); proxies point at a closed
    loopback port, so any call moto did not answer would fail instead of leaving the machine."""
    keep = {k: v for k, v in os.environ.items()
            if not k.startswith("AWS_") and k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")}
    dead = "http://127.0.0.1:9"
    return {**keep, "HOME": str(home), "HTTP_PROXY": dead, "HTTPS_PROXY": dead, "http_proxy": dead,
            "https_proxy": dead, "AWS_EC2_METADATA_DISABLED": "true"}


def run_vpcaudit(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(VPCAUDIT), *args], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=600, check=False)


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path, float]:
    """`vpcaudit demo` run once, offline: (the process, its output folder, its duration)."""
    home = tmp_path_factory.mktemp("demo")
    out = home / "demo-out"
    started = time.monotonic()
    proc = run_vpcaudit(["demo", "--output-dir", str(out)], offline_env(home), home)
    return proc, out, time.monotonic() - started


@pytest.mark.e2e
def test_demo_writes_its_reports_offline(demo_run: tuple[subprocess.CompletedProcess[str], Path, float],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    proc, out, duration = demo_run
    with capsys.disabled():
        print(f"\n`vpcaudit demo` took {duration:.1f} s; report.html is "
              f"{(out / 'report.html').stat().st_size if (out / 'report.html').exists() else 0} bytes")
    assert proc.returncode == 0, proc.stderr
    html, markdown = (out / "report.html").read_text(encoding="utf-8"), (out / "report.md").read_text(encoding="utf-8")
    result = check_result(json.loads((out / "result.json").read_text(encoding="utf-8")))
    failing = [f for f in result["findings"] if f["status"] == "fail"]
    assert {f["rule_id"] for f in failing} == MISTAKE_RULES
    for finding in failing:
        assert finding["rule_id"] in html and finding["resource"]["resource_id"] in html
        assert finding["rule_id"] in markdown and finding["resource"]["resource_id"] in markdown
    asff = json.loads((out / "report.asff.json").read_text(encoding="utf-8"))
    assert asff_errors(asff) == [] and len(asff) == len(result["findings"])
    for path in ("report.html", "report.md", "result.json", "report.asff.json", "fix-plan.sh"):
        assert str(out / path) in proc.stdout
    plan = (out / "fix-plan.sh").read_text(encoding="utf-8")
    assert subprocess.run(["bash", "-n"], input=plan, text=True, check=False).returncode == 0
    for finding in failing:  # every failing finding of the demo has steps in the plan
        assert f"{finding['rule_id']} ({finding['severity']}) {finding['resource']['resource_type']} " \
               f"{finding['resource']['resource_id']}: " in plan


@pytest.mark.e2e
def test_demo_writes_its_snapshot_and_two_plans_that_plan_reads(
        demo_run: tuple[subprocess.CompletedProcess[str], Path, float], tmp_path: Path) -> None:
    """The README's worked example: one plan sends the good VPC's S3 traffic through NAT (exit 1,
    worse paths), the other fixes prod (its S3 route and NAT gateways resolved, no path worse)."""
    proc, out, _ = demo_run
    assert proc.returncode == 0, proc.stderr
    for path in ("snapshot.json", "plans/s3-via-nat.json", "plans/s3-fix.json"):
        assert str(out / path) in proc.stdout
    env = offline_env(tmp_path)
    worse = run_vpcaudit(["plan", "snapshot.json", "--terraform", "plans/s3-via-nat.json", "-f", "json"], env, out)
    assert worse.returncode == 1, worse.stderr
    data = check_diff(json.loads(worse.stdout))
    assert {(p["after"]["destination"], p["before"]["kind"], p["after"]["kind"]) for p in data["paths"]} == {
        ("s3", "gateway-endpoint", "nat")}
    assert data["summary"]["worse_paths"] == 2
    assert {(f["rule_id"], f["resource"]["name"]) for f in data["new"]} >= {
        ("GWE001", "good-private-b"), ("GWE001", "good-private-c")}
    fixed = run_vpcaudit(["plan", "snapshot.json", "--terraform", "plans/s3-fix.json", "-f", "json"], env, out)
    assert fixed.returncode == 0, fixed.stderr
    data = check_diff(json.loads(fixed.stdout))
    assert {f["rule_id"] for f in data["resolved"]} == {"GWE001", "NAT002", "NAT003"}
    assert data["summary"]["worse_paths"] == 0 and data["summary"]["better_paths"] >= 3
    assert 'nat-aws_nat_gateway.prod["b"] (new)' in {p["after"]["target_id"] for p in data["paths"]}


@pytest.mark.e2e
def test_demo_without_moto_says_how_to_install_it(tmp_path: Path) -> None:
    """A moto that cannot be imported (shadowed on PYTHONPATH) stands in for a missing one."""
    shadow = tmp_path / "shadow" / "moto"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('No module named moto')\n", encoding="utf-8")
    env = {**offline_env(tmp_path), "PYTHONPATH": str(shadow.parent)}
    proc = run_vpcaudit(["demo", "--output-dir", str(tmp_path / "out")], env, tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [f"error: {INSTALL_HINT}"]
    assert not (tmp_path / "out").exists()


@pytest.mark.e2e
def test_demo_into_an_unwritable_place_exits_2_in_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    proc = run_vpcaudit(["demo", "--output-dir", str(blocker / "out")], offline_env(tmp_path), tmp_path)
    assert proc.returncode == 2
    [line] = proc.stderr.strip().splitlines()
    assert line.startswith("error: ") and str(blocker / "out") in line


def test_offline_environment_fakes_credentials_and_restores_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "real-admin")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALKEY")
    monkeypatch.setenv("AWS_ENDPOINT_URL_EC2", "https://ec2.example.invalid")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    before = dict(os.environ)
    with offline_aws_environment("eu-west-1"):
        assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
        assert os.environ["AWS_DEFAULT_REGION"] == "eu-west-1"
        assert os.environ["AWS_CONFIG_FILE"] == os.devnull
        assert "AWS_PROFILE" not in os.environ and "AWS_ENDPOINT_URL_EC2" not in os.environ
    assert dict(os.environ) == before
