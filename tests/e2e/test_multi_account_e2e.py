"""The installed ``vpcaudit scan`` with two ``--role-arn`` against a moto server: both accounts are
assumed, collected and audited in one run, and each finding names the account it is in.

moto keeps a separate state per account id, so a VPC created through 222222222222's role exists
only there. A VPC without flow logs fails MON001, which gives each account a finding of its own.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from aws_env import child_env, fake_aws_env
from schema_check import check_result

pytestmark = pytest.mark.e2e

VPCAUDIT = Path(sys.executable).with_name("vpcaudit")
REGION = "us-east-1"
ACCOUNTS = {"222222222222": "10.2.0.0/16", "333333333333": "10.3.0.0/16"}


def role_arn(account_id: str) -> str:
    return f"arn:aws:iam::{account_id}:role/audit"


@pytest.fixture(scope="module")
def seeded(moto_url: str) -> dict[str, str]:
    """One VPC with a subnet (MON001 judges subnets) in each role's account, created through that
    account's own credentials; returns account id → VPC id."""
    with pytest.MonkeyPatch.context() as mp:
        fake_aws_env(mp)
        base = boto3.session.Session(region_name=REGION)
        vpcs = {}
        for account_id, cidr in ACCOUNTS.items():
            creds = base.client("sts", endpoint_url=moto_url).assume_role(
                RoleArn=role_arn(account_id), RoleSessionName="seed")["Credentials"]
            owner = boto3.session.Session(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"],
                                          region_name=REGION)
            ec2 = owner.client("ec2", endpoint_url=moto_url)
            vpcs[account_id] = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
            ec2.create_subnet(VpcId=vpcs[account_id], CidrBlock=cidr.replace("0.0/16", "1.0/24"))
        return vpcs


def test_scan_through_two_roles_reports_findings_in_both_accounts(moto_url: str, seeded: dict[str, str],
                                                                  tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    proc = subprocess.run([str(VPCAUDIT), "scan", "--endpoint-url", moto_url, "--region", REGION,
                           "--role-arn", role_arn("222222222222"), "--role-arn", role_arn("333333333333"),
                           "--stats", "-f", "json", "-o", str(out)],
                          env=child_env(), capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode in (0, 1), proc.stderr
    doc = check_result(json.loads(out.read_text(encoding="utf-8")))
    assert doc["accounts"] == sorted(ACCOUNTS)  # the base account was not asked for
    flow_logs = {(f["resource"]["account_id"], f["resource"]["resource_id"]) for f in doc["findings"]
                 if f["rule_id"] == "MON001" and f["status"] == "fail"}
    assert {(account_id, vpc) for account_id, vpc in seeded.items()} <= flow_logs
    assert {account_id for account_id, _ in flow_logs} == set(ACCOUNTS)
    # Each account's own VPCs, and only those, are summarised under it.
    by_account = {a: {v["vpc_id"] for v in doc["vpcs"] if v["account_id"] == a} for a in ACCOUNTS}
    assert all(seeded[a] in by_account[a] for a in ACCOUNTS)
    assert not by_account["222222222222"] & by_account["333333333333"]
    # --stats covers both accounts: one AssumeRole each, both accounts' listings.
    stats = {line.split()[0]: line.split()[1:] for line in proc.stderr.splitlines()
             if line.startswith(("sts:", "ec2:"))}
    assert stats["sts:AssumeRole"] == ["2", "2"]
    assert stats["ec2:DescribeVpcs"] == ["2", "2"]
