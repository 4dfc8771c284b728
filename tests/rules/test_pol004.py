"""POL004 bucket-policy-sourceip-behind-endpoint: aws:SourceIp conditions meet S3 endpoint traffic."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from builders import REGION, RegionBuilder, multi_account_snapshot
from rulecheck import findings, fix_of, triples

from vpcaudit.rules.pol.pol004_bucket_policy_sourceip_behind_endpoint import (
    bucket_policy_sourceip_behind_endpoint as rule,
)
from vpcaudit.snapshot.model import Snapshot

Expected = set[tuple[str, str, str]]
Case = Callable[[], tuple[Snapshot, Expected]]
BUCKET = "app-data"
OFFICE = {"aws:SourceIp": "203.0.113.0/24"}


def _statement(effect: str, condition: dict[str, Any], sid: str = "Office") -> dict[str, Any]:
    return {"Sid": sid, "Effect": effect, "Principal": "*", "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"], "Condition": condition}


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


DENY_OUTSIDE = _policy(_statement("Deny", {"NotIpAddress": OFFICE}))
ALLOW_OFFICE = _policy(_statement("Allow", {"IpAddress": OFFICE}))


def _builder(policy: str | None, *, endpoint: str | None = "s3", region: str = REGION,
             bucket_region: str | None = None, state: str = "available") -> RegionBuilder:
    b = RegionBuilder(region=region)
    vpc = b.vpc("10.0.0.0/16")
    if endpoint == "s3":
        b.gateway_endpoint(vpc, "s3", route_tables=[b.main_route_table(vpc)], state=state)
    elif endpoint is not None:
        b.interface_endpoint(vpc, endpoint, subnets=[b.subnet(vpc, "10.0.1.0/24")])
    b.bucket_policy(BUCKET, policy, region=bucket_region)
    return b


def deny_not_ip_address() -> tuple[Snapshot, Expected]:
    return _builder(DENY_OUTSIDE).snapshot(), {("POL004", BUCKET, "fail")}


def allow_ip_address() -> tuple[Snapshot, Expected]:
    return _builder(ALLOW_OFFICE).snapshot(), {("POL004", BUCKET, "fail")}


def allow_ip_address_beside_a_vpce_grant() -> tuple[Snapshot, Expected]:
    policy = _policy(_statement("Allow", {"IpAddress": OFFICE}),
                     _statement("Allow", {"StringEquals": {"aws:SourceVpce": "vpce-0001"}}, sid="Endpoint"))
    return _builder(policy).snapshot(), set()


def deny_that_exempts_the_endpoint() -> tuple[Snapshot, Expected]:
    policy = _policy(_statement("Deny", {"NotIpAddress": OFFICE, "StringNotEquals": {"aws:SourceVpce": "vpce-1"}}))
    return _builder(policy).snapshot(), set()


def interface_endpoint_counts_too() -> tuple[Snapshot, Expected]:
    b = _builder(DENY_OUTSIDE, endpoint=None)
    vpc = next(iter(b.vpcs))
    b.interface_endpoint(vpc, "s3", subnets=[b.subnet(vpc, "10.0.1.0/24")])
    return b.snapshot(), {("POL004", BUCKET, "fail")}


def no_s3_endpoint() -> tuple[Snapshot, Expected]:
    return _builder(DENY_OUTSIDE, endpoint="kms").snapshot(), set()


def deleted_s3_endpoint() -> tuple[Snapshot, Expected]:
    return _builder(DENY_OUTSIDE, state="deleted").snapshot(), set()


def endpoint_of_another_region() -> tuple[Snapshot, Expected]:
    """Endpoints serve same-Region buckets: traffic to an eu-west-1 bucket leaves through NAT with its IP."""
    return _builder(DENY_OUTSIDE, bucket_region="eu-west-1").snapshot(), set()


def endpoint_in_another_account_of_the_scan() -> tuple[Snapshot, Expected]:
    owner = _builder(DENY_OUTSIDE, endpoint=None)
    other = RegionBuilder(account_id="222222222222")
    vpc = other.vpc("10.9.0.0/16")
    other.gateway_endpoint(vpc, "s3", route_tables=[other.main_route_table(vpc)])
    # The other account's bucket policies were not collected: its own scope is not evaluated.
    return multi_account_snapshot(owner, other), {("POL004", BUCKET, "fail"), ("POL004", REGION, "not_evaluated")}


def bucket_without_policy() -> tuple[Snapshot, Expected]:
    return _builder(None).snapshot(), set()


def policy_not_json() -> tuple[Snapshot, Expected]:
    return _builder("{oops").snapshot(), {("POL004", BUCKET, "not_evaluated")}


def bucket_policies_not_collected() -> tuple[Snapshot, Expected]:
    b = _builder(DENY_OUTSIDE)
    b.bucket_policies.clear()
    return b.snapshot(), {("POL004", REGION, "not_evaluated")}


CASES: list[Case] = [deny_not_ip_address, allow_ip_address, allow_ip_address_beside_a_vpce_grant,
                     deny_that_exempts_the_endpoint, interface_endpoint_counts_too, no_s3_endpoint,
                     deleted_s3_endpoint, endpoint_of_another_region, endpoint_in_another_account_of_the_scan,
                     bucket_without_policy, policy_not_json, bucket_policies_not_collected]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_pol004(case: Case) -> None:
    snapshot, expected = case()
    assert triples(rule, snapshot) == expected


@pytest.mark.parametrize(("case", "severity"), [(deny_not_ip_address, "high"), (allow_ip_address, "medium")])
def test_pol004_severity(case: Case, severity: str) -> None:
    snapshot, _ = case()
    assert [f.severity.value for f in findings(rule, snapshot)] == [severity]


def test_pol004_reports_a_bucket_once_in_its_own_region() -> None:
    east = _builder(None, endpoint=None)
    east.bucket_policies.clear()
    west = _builder(DENY_OUTSIDE, region="eu-west-1")
    east_account, west_account = east.snapshot().accounts[0], west.snapshot().accounts[0]
    account = replace(west_account, regions=(*east_account.regions, *west_account.regions))
    snapshot = replace(west.snapshot(), accounts=(account,))
    found = findings(rule, snapshot)
    assert [(f.resource.resource_id, f.resource.region) for f in found] == [(BUCKET, "eu-west-1")]


def test_pol004_message_names_statement_and_endpoints() -> None:
    snapshot, _ = deny_not_ip_address()
    (finding,) = findings(rule, snapshot)
    endpoint = snapshot.accounts[0].regions[0].vpc_endpoints[0].vpc_endpoint_id
    assert f"bucket {BUCKET}: statement 'Office' denies" in finding.message and endpoint in finding.message
    assert finding.evidence["s3_endpoints"] == [endpoint]


def test_fix_is_a_bucket_policy_rewrite_a_person_writes() -> None:
    assert fix_of(rule, _builder(DENY_OUTSIDE).snapshot(), BUCKET) == [
        ("s3:PutBucketPolicy", {"Bucket": BUCKET, "Policy": {"placeholder": "the bucket policy with aws:SourceVpce / "
                                                                            "aws:SourceVpc conditions beside "
                                                                            "aws:SourceIp"}}, "modify", False)]
