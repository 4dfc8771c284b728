"""Collection concurrency: a lone account spreads the run's call budget over its Regions, each
account-Region keeping to its own bound, and per-resource calls go out a budget's worth at a time.

The Regions are reached through a loopback proxy in front of moto that holds each call 60 ms
(AWS calls take tens of milliseconds; moto answers in about one) and records, from each
request's credential scope, how many calls were in flight at once per Region and in total.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import loopback
import pytest

from vpcaudit.aws.accounts import plan_accounts
from vpcaudit.aws.budget import CallBudget
from vpcaudit.collectors.base import Scope
from vpcaudit.collectors.run import collect_accounts, collect_snapshot
from vpcaudit.snapshot.model import Part

REGIONS = ["us-east-1", "eu-west-1", "ap-south-1", "us-west-2"]
PARTS = {Part.VPCS, Part.VPC_ATTRIBUTES, Part.SUBNETS, Part.ROUTE_TABLES, Part.INTERNET_GATEWAYS, Part.NAT_GATEWAYS,
         Part.VPC_ENDPOINTS, Part.SECURITY_GROUPS, Part.NETWORK_ACLS, Part.NETWORK_INTERFACES, Part.FLOW_LOGS}


def seed(moto_url: str) -> None:
    for region in REGIONS:
        ec2 = boto3.client("ec2", region_name=region, endpoint_url=moto_url)
        for n in range(6):
            ec2.create_vpc(CidrBlock=f"10.{n}.0.0/16")


@pytest.mark.parametrize("concurrency", [32, 4])
def test_a_lone_account_fills_the_run_budget_and_no_more_with_each_region_bounded(
        moto_url: str, concurrency: int) -> None:
    seed(moto_url)
    with loopback.counting_proxy(moto_url, delay_ms=60) as proxy:
        outcome = collect_snapshot(boto3.session.Session(region_name="us-east-1"), REGIONS, PARTS,
                                   endpoint_url=proxy.url, concurrency=concurrency)
    regions = outcome.snapshot.accounts[0].regions
    assert {r.region for r in regions} == set(REGIONS)
    assert all(len(r.vpcs) == 7 for r in regions)  # six seeded and the default VPC
    assert max(proxy.peak_per_region.values()) <= min(8, concurrency)
    if concurrency == 32:
        assert proxy.peak_total > 16  # more than the 8 part + 8 per-resource threads an account once had
    else:
        assert proxy.peak_total <= concurrency


def test_one_account_through_a_role_also_spreads_the_run_budget_over_its_regions(moto_url: str) -> None:
    """One assumed role per run is how an organization's fan-out collects each member. The calls
    are held 250 ms: more than 16 in flight needs three of the four Regions' calls to overlap,
    and each Region starts after its clients are built, which a machine busy with other work
    delays; at 120 ms a clean CI run once saw exactly 16 (two Regions at their bound of 8)."""
    with loopback.counting_proxy(moto_url, delay_ms=250) as proxy:
        outcome = collect_accounts(boto3.session.Session(region_name="us-east-1"), REGIONS, PARTS,
                                   accounts=plan_accounts(["arn:aws:iam::222222222222:role/audit"]),
                                   endpoint_url=proxy.url, concurrency=32)
    (member,) = outcome.snapshot.accounts
    assert member.account_id == "222222222222" and len(member.regions) == len(REGIONS)
    assert max(proxy.peak_per_region.values()) <= 8 < 16 < proxy.peak_total


class _Factory:
    def __init__(self, budget: CallBudget | None) -> None:
        self.budget = budget


def _scope(pool: ThreadPoolExecutor, budget: CallBudget | None) -> Scope:
    return Scope("123456789012", "us-east-1", _Factory(budget), pool, 14, None)  # type: ignore[arg-type]


def test_scope_map_keeps_a_regions_budget_of_items_on_the_pool_in_order() -> None:
    lock, running, peak = threading.Lock(), [0], [0]

    def slow_square(n: int) -> int:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.01)
        with lock:
            running[0] -= 1
        return n * n

    with ThreadPoolExecutor(16) as pool:
        assert _scope(pool, CallBudget(32, per_region=3)).map(slow_square, range(20)) == [n * n for n in range(20)]
        assert peak[0] == 3
        peak[0] = 0
        assert _scope(pool, None).map(slow_square, range(20)) == [n * n for n in range(20)]
        assert peak[0] > 3  # without a budget, the pool's bound alone


def test_scope_map_stops_at_the_first_failure_and_starts_nothing_more() -> None:
    started: list[int] = []

    def fail_on_two(n: int) -> Any:
        started.append(n)
        if n == 2:
            raise ValueError("no")
        time.sleep(0.05)
        return n

    with ThreadPoolExecutor(1) as pool, pytest.raises(ValueError, match="no"):
        _scope(pool, CallBudget(32, per_region=4)).map(fail_on_two, range(50))
    assert max(started) < 8
