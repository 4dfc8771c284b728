"""`vpcaudit scan` in-process against moto: selection decides what is collected, outputs, exit codes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from aws_env import fake_aws_env
from engine_snapshots import RULEPACK
from moto import mock_aws
from schema_check import check_result
from typer.testing import CliRunner

from vpcaudit.cli import app
from vpcaudit.snapshot.jsonfile import load
from vpcaudit.snapshot.model import Part, State

REGION = "us-east-1"
runner = CliRunner()


@pytest.fixture
def account(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    fake_aws_env(monkeypatch)
    with mock_aws():
        session = boto3.Session(region_name=REGION)
        ec2 = session.client("ec2")
        vpc_id = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
        ec2.create_tags(Resources=[vpc_id], Tags=[{"Key": "audit", "Value": "bad"}])
        yield session


def scan(tmp_path: Path, *args: str) -> tuple[int, str]:
    done = runner.invoke(app, ["scan", "--region", REGION, "--rules-dir", str(RULEPACK), "-q", *args],
                         catch_exceptions=False)
    return done.exit_code, done.output


def test_scan_collects_only_what_the_selected_rules_need(account: boto3.Session, tmp_path: Path) -> None:
    code, output = scan(tmp_path, "--select", "TST001", "-f", "json", "-o", str(tmp_path / "result.json"),
                        "--snapshot-out", str(tmp_path / "snap.json"))
    assert code == 1, output
    result = check_result(json.loads((tmp_path / "result.json").read_text()))
    assert [(f["rule_id"], f["status"]) for f in result["findings"]] == [("TST001", "fail")]
    region = load(tmp_path / "snap.json").accounts[0].regions[0]
    assert region.state_of(Part.VPCS).state is State.OK
    for part in (Part.FLOW_LOGS, Part.SECURITY_GROUPS, Part.NETWORK_INTERFACES, Part.HOSTED_ZONES, Part.METRICS):
        assert region.state_of(part).state is State.SKIPPED, part


def test_scan_with_more_rules_collects_their_parts_too(account: boto3.Session, tmp_path: Path) -> None:
    code, output = scan(tmp_path, "--select", "TST001,TST003", "--snapshot-out", str(tmp_path / "snap.json"),
                        "--fail-on", "critical", "--strict")
    assert code == 0, output
    region = load(tmp_path / "snap.json").accounts[0].regions[0]
    assert region.state_of(Part.FLOW_LOGS).state is State.OK


def test_scan_rejects_an_unknown_selector_before_calling_aws(account: boto3.Session, tmp_path: Path) -> None:
    code, output = scan(tmp_path, "--select", "NOPE")
    assert code == 2 and "unknown rule id or prefix: NOPE" in output


def test_missing_credentials_exit_2(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    code, output = scan(tmp_path, "--select", "TST001", "--endpoint-url", "http://127.0.0.1:9")
    assert code == 2, output
    assert output.startswith("error: ") and "Traceback" not in output
