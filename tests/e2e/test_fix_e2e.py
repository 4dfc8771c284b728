"""End to end: the generated shell plan, run by bash with the real AWS CLI against a moto server,
fixes what it says it fixes, and a re-scan finds nothing new.

Why the real AWS CLI (the ``awscli`` package, a test dependency) rather than parsing the plan
back into boto3 calls: the plan is meant for the CLI, so the CLI is what must accept every option
name, boolean flag, list and JSON structure it holds, and bash is what must honour its quoting,
``set -euo pipefail`` and the ids passed from one call to the next. A parser of our own would
share our own misreadings.

moto differs from AWS in two calls the plan makes (moto-notes.md): ``modify_vpc_endpoint`` with
``AddRouteTableIds`` does not add the gateway endpoint's prefix-list route, and ``PrivateDnsEnabled``
is ignored. The test completes both the way AWS would, for exactly the steps of the plan that ask
for them, before re-scanning.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
from aws_env import child_env, fake_aws_env
from demo_estate import REGION
from moto.backends import get_backend

from vpcaudit import api
from vpcaudit.demo.estate import MOTO_ACCOUNT_ID, Estate, build_estate
from vpcaudit.engine.remedy import FixStep

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent
VPCAUDIT = BIN / "vpcaudit"
# The demo estate's mistakes the plan fixes without a decision (flow-log destinations and endpoint
# policies are decisions, so MON001 and POL001 stay).
FIXED_AS_WRITTEN = {"DNS002", "DNS003", "GWE001", "GWE002", "GWE003", "IFE003", "NAT001", "NAT002", "NAT003",
                    "SG001", "SG002", "SG003"}


@pytest.fixture(scope="module")
def estate(moto_url: str) -> Any:
    with pytest.MonkeyPatch.context() as mp:
        fake_aws_env(mp)
        yield build_estate(boto3.Session(region_name=REGION), REGION, endpoint_url=moto_url)


def _vpcaudit(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(VPCAUDIT), *args], env=child_env(), capture_output=True, text=True, timeout=600,
                          check=False)


def _scan(url: str, out: Path) -> dict[str, Any]:
    proc = _vpcaudit(["scan", "--endpoint-url", url, "--region", REGION, "-f", "json", "-o", str(out), "-q"])
    assert out.exists(), proc.stderr
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def _failing(doc: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {f["fingerprint"]: (f["rule_id"], f["resource"]["resource_id"]) for f in doc["findings"]
            if f["status"] == "fail"}


def _complete_what_moto_skips(url: str, steps: list[FixStep]) -> None:
    """Do what AWS does on ModifyVpcEndpoint and moto does not: add the prefix-list route of each
    route table added to a gateway endpoint, and turn private DNS on."""
    ec2 = boto3.client("ec2", region_name=REGION, endpoint_url=url)
    backend = get_backend("ec2")[MOTO_ACCOUNT_ID][REGION]
    lists = {p["PrefixListName"]: p["PrefixListId"] for p in ec2.describe_prefix_lists()["PrefixLists"]}
    for fix in steps:
        if fix.action != "ec2:ModifyVpcEndpoint" or not fix.ready:
            continue
        endpoint_id = fix.parameters["VpcEndpointId"]
        for table in fix.parameters.get("AddRouteTableIds", ()):
            ec2.create_route(RouteTableId=table, DestinationPrefixListId=lists[fix.context["ServiceName"]],
                             GatewayId=endpoint_id)  # the shape AWS and moto give gateway endpoint routes
        if fix.parameters.get("PrivateDnsEnabled"):
            backend.vpc_end_points[endpoint_id].private_dns_enabled = True


def test_the_plan_fixes_what_it_says_and_nothing_new_appears(moto_url: str, estate: Estate,
                                                             tmp_path: Path) -> None:
    before = _scan(moto_url, tmp_path / "before.json")
    plan_file = tmp_path / "fix-plan.sh"
    proc = _vpcaudit(["fix", str(tmp_path / "before.json"), "-o", str(plan_file)])
    assert proc.returncode == 0, proc.stderr
    plan = api.fix_plan(api.load_result(tmp_path / "before.json"))
    fixed = {f.fingerprint for f in plan.fixed_without_decision()}
    assert {f.rule_id for f in plan.fixed_without_decision()} == FIXED_AS_WRITTEN

    env = {**child_env(), "AWS_ENDPOINT_URL": moto_url, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    run = subprocess.run(["bash", str(plan_file)], env=env, capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    with pytest.MonkeyPatch.context() as mp:
        fake_aws_env(mp)
        _complete_what_moto_skips(moto_url, [p.step for g in plan.groups for p in g.steps])

    after = _failing(_scan(moto_url, tmp_path / "after.json"))
    still = {fp: before_key for fp, before_key in _failing(before).items() if fp in fixed and fp in after}
    new = {fp: key for fp, key in after.items() if fp not in _failing(before)}
    assert still == {} and new == {}
    assert set(after) == set(_failing(before)) - fixed
