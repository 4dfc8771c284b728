"""The call budget: however many threads call, one account-Region never has more than its bound of
calls in flight, the run never more than ``concurrency``, and a call that fails or never reaches
AWS gives back exactly what it took.

The "AWS" here is a loopback server that takes 40 ms per answer and records, from each request's
signature (access key and Region of the credential scope), how many calls were in flight at once.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import pytest
from aws_env import fake_aws_env
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from vpcaudit.aws.budget import CallBudget
from vpcaudit.aws.clients import ClientFactory
from vpcaudit.collectors.catalog import collector_operations

EMPTY = b'<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><vpcSet/></DescribeVpcsResponse>'
FAILURE = (b'<Response><Errors><Error><Code>InvalidParameterValue</Code><Message>no</Message></Error></Errors>'
           b'<RequestID>x</RequestID></Response>')
_SCOPE = re.compile(r"Credential=([A-Z0-9]+)/\d{8}/([a-z0-9-]+)/")


class SlowAws(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.now: Counter[tuple[str, str]] = Counter()
        self.peak: Counter[tuple[str, str]] = Counter()
        self.total_now = 0
        self.total_peak = 0
        self.fail_next = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: SlowAws
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        return

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        scope = _SCOPE.search(self.headers.get("Authorization", ""))
        key = (scope.group(1), scope.group(2)) if scope else ("?", "?")
        with self.server.lock:
            self.server.now[key] += 1
            self.server.peak[key] = max(self.server.peak[key], self.server.now[key])
            self.server.total_now += 1
            self.server.total_peak = max(self.server.total_peak, self.server.total_now)
            fail = self.server.fail_next > 0
            self.server.fail_next -= fail
        time.sleep(0.04)
        with self.server.lock:
            self.server.now[key] -= 1
            self.server.total_now -= 1
        body, status = (FAILURE, 400) if fail else (EMPTY, 200)
        self.send_response(status)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlowAws]:
    fake_aws_env(monkeypatch)
    server = SlowAws()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def account(aws: SlowAws, key: str, budget: CallBudget | None) -> ClientFactory:
    session = boto3.session.Session(aws_access_key_id=key, aws_secret_access_key="x", region_name="us-east-1")
    return ClientFactory(session, operations=collector_operations(), endpoint_url=aws.url, pool_size=64,
                         budget=budget)


def hammer(calls: list[tuple[ClientFactory, str]], threads: int = 48) -> None:
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda job: job[0].client("ec2", job[1]).describe_vpcs(), calls))


def test_one_account_region_never_sees_more_than_its_bound(aws: SlowAws) -> None:
    hammer([(account(aws, "AKIAFREE", None), "us-east-1")] * 96)
    hammer([(account(aws, "AKIAONE", CallBudget(concurrency=256, per_region=8)), "us-east-1")] * 96)
    assert aws.peak[("AKIAONE", "us-east-1")] <= 8 < aws.peak[("AKIAFREE", "us-east-1")]


def test_regions_and_accounts_have_their_own_bounds_under_the_global_one(aws: SlowAws) -> None:
    budget = CallBudget(concurrency=6, per_region=4)
    first, second = account(aws, "AKIAFIRST", budget), account(aws, "AKIASECOND", budget)
    hammer([(f, r) for f in (first, second) for r in ("us-east-1", "eu-west-1")] * 24)
    assert max(aws.peak.values()) <= 4
    assert aws.total_peak <= 6  # four account-Regions of four calls would be sixteen: held to the run's six
    assert budget.accounts_at_once == 1


def test_a_failed_call_gives_its_permits_back(aws: SlowAws) -> None:
    factory = account(aws, "AKIAFAIL", CallBudget(concurrency=1, per_region=1))
    client = factory.client("ec2", "us-east-1")
    aws.fail_next = 1
    with pytest.raises(ClientError):
        client.describe_vpcs()
    done = threading.Event()
    threading.Thread(target=lambda: (client.describe_vpcs(), done.set()), daemon=True).start()
    assert done.wait(10), "the permit of the failed call was never given back"


def test_a_call_answered_before_aws_takes_and_returns_nothing(aws: SlowAws) -> None:
    factory = account(aws, "AKIASTUB", CallBudget(concurrency=1, per_region=1))
    client = factory.client("ec2", "us-east-1")
    with Stubber(client) as stub:
        stub.add_response("describe_vpcs", {"Vpcs": []})
        client.describe_vpcs()
    client.describe_vpcs()  # the one permit is still there
    assert aws.peak[("AKIASTUB", "us-east-1")] == 1
