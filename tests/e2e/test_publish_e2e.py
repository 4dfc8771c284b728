"""End to end: `vpcaudit publish securityhub` (the installed console script) against a moto server.

The result's account is reached through a role, as a many-account publish would: moto's STS
gives an assumed role its own account. Publishing twice changes nothing; an account without
credentials stops the command before anything is written.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from aws_env import child_env
from render_sample import ACCOUNT, REGION, sample_result

from vpcaudit import render

pytestmark = pytest.mark.e2e

VPCAUDIT = Path(sys.executable).with_name("vpcaudit")
ROLE = f"arn:aws:iam::{ACCOUNT}:role/vpcaudit-publish"


@pytest.fixture(scope="module")
def result_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("publish") / "result.json"
    path.write_text(render.render(sample_result(), "json"), encoding="utf-8")
    return path


def _publish(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(VPCAUDIT), "publish", "securityhub", *args, "--endpoint-url", url],
                          env=child_env(), capture_output=True, text=True, timeout=300, check=False)


def _held(url: str) -> dict[str, dict[str, object]]:
    sts = boto3.client("sts", endpoint_url=url, region_name=REGION, aws_access_key_id="testing",
                       aws_secret_access_key="testing")
    creds = sts.assume_role(RoleArn=ROLE, RoleSessionName="check")["Credentials"]
    hub = boto3.client("securityhub", endpoint_url=url, region_name=REGION, aws_access_key_id=creds["AccessKeyId"],
                       aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])
    return {f["Id"]: f for page in hub.get_paginator("get_findings").paginate() for f in page["Findings"]}


def test_an_account_without_credentials_is_refused_before_writing(moto_url: str, result_file: Path) -> None:
    proc = _publish(moto_url, str(result_file))
    assert proc.returncode == 2
    assert proc.stderr.strip() == (f"error: --role-arn: no credentials for account(s) {ACCOUNT} of the result: pass a "
                                   "role in each (--role-arn) or use that account's credentials")
    assert _held(moto_url) == {}


def test_publish_through_a_role_then_again_changes_nothing(moto_url: str, result_file: Path) -> None:
    first = _publish(moto_url, str(result_file), "--role-arn", ROLE)
    assert first.returncode == 0, first.stderr
    assert f"{ACCOUNT}  us-east-1           7            0           0       0         0" in first.stdout
    held = _held(moto_url)
    assert len(held) == 7 and all(f["ProductArn"] == f"arn:aws:securityhub:{REGION}:{ACCOUNT}:product/{ACCOUNT}/default"
                                  for f in held.values())
    second = _publish(moto_url, str(result_file), "--role-arn", ROLE, "--region", REGION)
    assert second.returncode == 0, second.stderr
    assert f"{ACCOUNT}  us-east-1           0            7           0       0         0" in second.stdout
    assert _held(moto_url) == held


def test_a_file_that_is_not_a_result_is_one_line(moto_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "snap.json"
    bad.write_text(json.dumps({"schema_version": "1.0", "accounts": []}), encoding="utf-8")
    proc = _publish(moto_url, str(bad))
    assert (proc.returncode, proc.stderr.strip()) == (
        2, f"error: RESULT: {bad}: not a vpcaudit audit result (write one with `-f json`)")
