"""The call budget: however many threads call, one account-Region never has more than its bound of
calls in flight, the run never more than ``concurrency``, and a call that fails or never reaches
AWS gives back exactly what it took.

The "AWS" here is a loopback server that takes 40 ms per answer and records, from each request's
signature (access key and Region of the credential scope), how many calls were in flight at once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
from aws_env import fake_aws_env
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from counting_ec2 import CountingEc2
from loopback_server import serving

from vpcaudit.aws.budget import CallBudget
from vpcaudit.aws.clients import ClientFactory
from vpcaudit.collectors.catalog import collector_operations


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[CountingEc2]:
    fake_aws_env(monkeypatch)
    with serving(CountingEc2(delay_s=0.04)) as server:
        yield server


def account(aws: CountingEc2, key: str, budget: CallBudget | None) -> ClientFactory:
    session = boto3.session.Session(aws_access_key_id=key, aws_secret_access_key="x", region_name="us-east-1")
    return ClientFactory(session, operations=collector_operations(), endpoint_url=aws.url, pool_size=64,
                         budget=budget)


def hammer(calls: list[tuple[ClientFactory, str]], threads: int = 48) -> None:
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda job: job[0].client("ec2", job[1]).describe_vpcs(), calls))


def test_one_account_region_never_sees_more_than_its_bound(aws: CountingEc2) -> None:
    hammer([(account(aws, "AKIAFREE", None), "us-east-1")] * 96)
    hammer([(account(aws, "AKIAONE", CallBudget(concurrency=256, per_region=8)), "us-east-1")] * 96)
    assert aws.peak[("AKIAONE", "us-east-1")] <= 8 < aws.peak[("AKIAFREE", "us-east-1")]


def test_regions_and_accounts_have_their_own_bounds_under_the_global_one(aws: CountingEc2) -> None:
    budget = CallBudget(concurrency=6, per_region=4)
    first, second = account(aws, "AKIAFIRST", budget), account(aws, "AKIASECOND", budget)
    hammer([(f, r) for f in (first, second) for r in ("us-east-1", "eu-west-1")] * 24)
    assert max(aws.peak.values()) <= 4
    assert aws.total_peak <= 6  # four account-Regions of four calls would be sixteen: held to the run's six
    assert budget.accounts_at_once == 1


def test_a_failed_call_gives_its_permits_back(aws: CountingEc2) -> None:
    factory = account(aws, "AKIAFAIL", CallBudget(concurrency=1, per_region=1))
    client = factory.client("ec2", "us-east-1")
    aws.fail_next = 1
    with pytest.raises(ClientError):
        client.describe_vpcs()
    done = threading.Event()
    threading.Thread(target=lambda: (client.describe_vpcs(), done.set()), daemon=True).start()
    assert done.wait(10), "the permit of the failed call was never given back"


def test_a_call_answered_before_aws_takes_and_returns_nothing(aws: CountingEc2) -> None:
    factory = account(aws, "AKIASTUB", CallBudget(concurrency=1, per_region=1))
    client = factory.client("ec2", "us-east-1")
    with Stubber(client) as stub:
        stub.add_response("describe_vpcs", {"Vpcs": []})
        client.describe_vpcs()
    client.describe_vpcs()  # the one permit is still there
    assert aws.peak[("AKIASTUB", "us-east-1")] == 1
