"""End to end: ``vpcaudit scan --endpoint-url URL`` against a moto server holding the
demo estate reports each mistake under the right id and nothing on the good VPC.

Everything goes over loopback HTTP: the estate is built through ``endpoint_url``, and the
installed console script scans it in a separate process, as a user would run it.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from demo_estate import REGION, expected_failures, fake_aws_env, good_vpc_ids, mismatch
from moto.server import ThreadedMotoServer
from schema_check import check_result

from vpcaudit.demo.estate import Estate, build_estate

pytestmark = pytest.mark.e2e

VPCAUDIT = Path(sys.executable).with_name("vpcaudit")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def scan_env() -> dict[str, str]:
    """The child's environment: fake credentials, no profile, config file, endpoint override or
    proxy, so the only AWS it can reach is the loopback moto server."""
    keep = {k: v for k, v in os.environ.items()
            if not k.startswith("AWS_") and k.lower() not in ("http_proxy", "https_proxy", "all_proxy")}
    return {**keep, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": REGION, "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "NO_PROXY": "127.0.0.1"}


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    # The server shares moto's in-process backends: start from an empty account.
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"), timeout=30).close()
    try:
        yield url
    finally:
        server.stop()


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
                          env=scan_env(), capture_output=True, text=True, timeout=600, check=False)
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
