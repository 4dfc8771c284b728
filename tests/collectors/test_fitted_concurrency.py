"""The run's bound on calls in flight, left unset: fitted to a lone account's Regions (8 calls in
flight per Region, at least 32), kept at 32 for several accounts; a bound the user sets is kept.

Why it matters: a fixed 32 let an all-Region scan keep only four Regions' worth of calls in
flight, so under AWS's latency most Regions waited on the run's bound instead of their own. The
proxy test holds each call 60 ms and counts, from each request's signature, what is in flight.
"""

from __future__ import annotations

from typing import Any

import boto3
import loopback
import pytest

from vpcaudit.aws.accounts import plan_accounts
from vpcaudit.aws.budget import DEFAULT_CONCURRENCY, MAX_FITTED_CONCURRENCY, CallBudget
from vpcaudit.collectors import run
from vpcaudit.collectors.run import collect_accounts, collect_snapshot
from vpcaudit.options import CollectOptions, collect_options
from vpcaudit.snapshot.model import Part

REGIONS = ["us-east-1", "eu-west-1", "ap-south-1", "us-west-2", "eu-central-1", "ap-northeast-1", "sa-east-1",
           "ca-central-1"]
PARTS = {Part.VPCS, Part.VPC_ATTRIBUTES, Part.SUBNETS, Part.SECURITY_GROUPS}


def test_an_unset_bound_is_fitted_to_a_lone_accounts_regions_once() -> None:
    budget = CallBudget(None)
    assert budget.concurrency == DEFAULT_CONCURRENCY  # before the Regions are known
    budget.fit_regions(17)
    assert budget.concurrency == 136
    budget.fit_regions(40)
    assert budget.concurrency == 136  # fitted once: a later account does not grow it

    few = CallBudget(None)
    few.fit_regions(2)
    assert few.concurrency == DEFAULT_CONCURRENCY  # never below the default

    many = CallBudget(None)
    many.fit_regions(200)
    assert many.concurrency == MAX_FITTED_CONCURRENCY


def test_a_set_or_kept_bound_is_not_fitted() -> None:
    chosen = CallBudget(16)
    chosen.fit_regions(17)
    assert chosen.concurrency == 16
    shared = CallBudget(None)
    shared.keep()
    shared.fit_regions(17)
    assert shared.concurrency == DEFAULT_CONCURRENCY


def test_the_setting_zero_means_fitted_and_a_number_is_kept() -> None:
    assert CollectOptions().concurrency == 0
    assert collect_options({}).concurrency == 0
    assert collect_options({"concurrency": 48}).concurrency == 48


def seeded(moto_url: str) -> None:
    for region in REGIONS:
        ec2 = boto3.client("ec2", region_name=region, endpoint_url=moto_url)
        for n in range(6):
            ec2.create_vpc(CidrBlock=f"10.{n}.0.0/16")


def test_a_lone_account_keeps_every_region_at_its_bound_when_none_is_set(moto_url: str) -> None:
    """Eight Regions, one process: with nothing set, more than the old 32 calls are in flight
    together, never more than 8 in a Region nor 8 × 8 in all; with 32 set, never more than 32."""
    seeded(moto_url)
    session = boto3.session.Session(region_name="us-east-1")
    with loopback.counting_proxy(moto_url, delay_ms=60) as fitted:
        collect_snapshot(session, REGIONS, PARTS, endpoint_url=fitted.url, processes=1)
    with loopback.counting_proxy(moto_url, delay_ms=60) as fixed:
        collect_snapshot(session, REGIONS, PARTS, endpoint_url=fixed.url, processes=1, concurrency=32)
    assert max(fitted.peak_per_region.values()) <= 8 and max(fixed.peak_per_region.values()) <= 8
    assert 32 < fitted.peak_total <= 8 * len(REGIONS)
    assert fixed.peak_total <= 32


class _Budgets:
    """Records every budget a collection makes, to read its bound afterwards."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.made: list[CallBudget] = []

        def made(*args: Any, **kwargs: Any) -> CallBudget:
            budget = CallBudget(*args, **kwargs)
            self.made.append(budget)
            return budget

        monkeypatch.setattr(run, "CallBudget", made)


def test_several_accounts_share_the_default_and_a_lone_role_is_fitted(
        session: boto3.session.Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """Several accounts through roles share 32 whatever their Regions (the accounts collected at
    once are what the bound decides); one role's account — one Lambda invocation of the
    organization's fan-out — is fitted to its Regions as without a role."""
    budgets = _Budgets(monkeypatch)
    members = ["222222222222", "333333333333"]
    arns = [f"arn:aws:iam::{account_id}:role/audit" for account_id in members]
    outcome = collect_accounts(session, REGIONS, {Part.VPCS}, accounts=plan_accounts(arns, include_base=False),
                               processes=1)
    assert len(outcome.snapshot.accounts) == 2
    assert [b.concurrency for b in budgets.made] == [DEFAULT_CONCURRENCY]

    budgets.made.clear()
    collect_accounts(session, REGIONS, {Part.VPCS}, accounts=plan_accounts(arns[:1], include_base=False),
                     processes=1)
    assert [b.concurrency for b in budgets.made] == [8 * len(REGIONS)]
