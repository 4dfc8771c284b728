"""The installed ``vpcaudit scan --org`` against a moto server: every ACTIVE account of the
organization is assumed and audited in one run, the suspended one is named on stderr, the
management account is excluded, and the result lands in S3 below the given prefix."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from aws_env import child_env, fake_aws_env
from org_estate import MANAGEMENT, add_member, create_organization, seed_member, suspend

pytestmark = pytest.mark.e2e

VPCAUDIT = Path(sys.executable).with_name("vpcaudit")
REGION = "us-east-1"
BUCKET = "org-reports"


def test_scan_org_audits_every_active_account_into_s3(moto_url: str) -> None:
    with pytest.MonkeyPatch.context() as mp:
        fake_aws_env(mp)
        base = boto3.session.Session(region_name=REGION)
        org = create_organization(base, moto_url)
        live = [add_member(base, org, name, parent, moto_url)
                for name, parent in (("a", org.prod), ("b", org.workloads), ("c", org.root))]
        gone = add_member(base, org, "gone", org.root, moto_url)
        suspend(base, org, gone, moto_url)
        for account_id in live:
            seed_member(base, account_id, [REGION], endpoint_url=moto_url)
        base.client("s3", endpoint_url=moto_url).create_bucket(Bucket=BUCKET)
        done = subprocess.run(
            [str(VPCAUDIT), "scan", "--org", "--role-name", "vpcaudit-member", "--exclude-account", MANAGEMENT,
             "--external-id", "org-audit-1", "--region", REGION, "--endpoint-url", moto_url, "--concurrency", "16",
             "--fail-on", "critical", "-f", "json", "-f", "md", "-o", f"s3://{BUCKET}/weekly/", "--quiet"],
            capture_output=True, text=True, env=child_env(), timeout=300)
        assert done.returncode == 0, done.stderr
        assert f"account {gone} skipped: SUSPENDED (gone)" in done.stderr.splitlines()
        s3 = base.client("s3", endpoint_url=moto_url)
        keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"])
        assert keys == ["weekly/report.md", "weekly/result.json"]
        result = json.loads(s3.get_object(Bucket=BUCKET, Key="weekly/result.json")["Body"].read())
    assert sorted(result["accounts"]) == sorted(live)
    cost = {f["resource"]["account_id"] for f in result["findings"] if f["rule_id"] == "COST001"}
    assert cost == set(live)  # one organization: the three accounts' endpoints are pooled
