"""End to end: ``vpcaudit scan --endpoint-url URL`` against a moto server holding the
demo estate reports each mistake under the right id and nothing on the good VPC.

Everything goes over loopback HTTP: the estate is built through ``endpoint_url``, and the
installed console script scans it in a separate process, as a user would run it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from aws_env import child_env, fake_aws_env
from demo_estate import REGION, expected_failures, good_vpc_ids, mismatch
from schema_check import check_result

from vpcaudit.demo.estate import Estate, build_estate

pytestmark = pytest.mark.e2e

VPCAUDIT = Path(sys.executable).with_name("vpcaudit")


@pytest.fixture(scope="module")
def estate(moto_url: str) -> Iterator[Estate]:
    with pytest.MonkeyPatch.context() as mp:
        fake_aws_env(mp)
        yield build_estate(boto3.Session(region_name=REGION), REGION, endpoint_url=moto_url)


@pytest.fixture(scope="module")
def scan(moto_url: str, estate: Estate, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, Any]]:
    out = tmp_path_factory.mktemp("scan") / "result.json"
    proc = subprocess.run([str(VPCAUDIT), "scan", "--endpoint-url", moto_url, "--region", REGION,
                           "-f", "json", "-o", str(out)],
                          env=child_env(), capture_output=True, text=True, timeout=600, check=False)
    assert out.exists(), f"exit {proc.returncode}; stderr:\n{proc.stderr}"
    return proc.returncode, check_result(json.loads(out.read_text(encoding="utf-8")))


def _findings(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return list(doc["findings"])


def test_scan_reports_each_mistake_under_its_rule(scan: tuple[int, dict[str, Any]], estate: Estate) -> None:
    _, doc = scan
    actual = Counter((f["rule_id"], f["resource"]["resource_id"], f["status"]) for f in _findings(doc)
                     if f["status"] == "fail")
    expected = Counter(e.key for e in expected_failures(estate))
    assert actual == expected, mismatch(actual, expected)


def test_scan_reports_nothing_on_the_good_vpc(scan: tuple[int, dict[str, Any]], estate: Estate) -> None:
    _, doc = scan
    ids = good_vpc_ids(estate)
    assert [f for f in _findings(doc) if f["resource"].get("vpc_id") == estate.good.vpc_id
            or f["resource"]["resource_id"] in ids] == []


def test_scan_exits_1_on_high_findings(scan: tuple[int, dict[str, Any]]) -> None:
    """The estate has high-severity mistakes (SG003, DNS002, NAT001) and --fail-on defaults to high."""
    code, _ = scan
    assert code == 1
