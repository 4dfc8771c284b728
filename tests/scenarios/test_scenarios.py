"""The demo estate scanned in-process (moto ``mock_aws``) through ``vpcaudit.api.scan``.

The expected findings come from rules.md (tests/support/demo_estate.py says which clause
makes each one fire), never from what the code printed: when they disagree, the code is
reported, not the expectation loosened.
"""

from __future__ import annotations

from collections import Counter

import pytest
from demo_estate import REGION, MotoEstate, expected_failures, good_vpc_ids, mismatch

from vpcaudit import api
from vpcaudit.engine.result import AuditResult
from vpcaudit.engine.rule import Status


@pytest.fixture(scope="module")
def result(moto_estate: MotoEstate) -> AuditResult:
    return api.scan(moto_estate.session, [REGION]).result


def test_each_mistake_is_reported_under_its_rule(result: AuditResult, moto_estate: MotoEstate) -> None:
    actual = Counter((f.rule_id, f.resource.resource_id, f.status.value) for f in result.findings
                     if f.status is Status.FAIL)
    expected = Counter(e.key for e in expected_failures(moto_estate.estate))
    assert actual == expected, mismatch(actual, expected)


def test_severities_follow_the_context(result: AuditResult, moto_estate: MotoEstate) -> None:
    """rules.md makes several severities depend on context (IFE003 medium with NAT egress,
    SG001 medium without peering/TGW routes, …): check each against the expectation."""
    actual = Counter((f.rule_id, f.resource.resource_id, f.severity.value) for f in result.failures)
    expected = Counter((e.rule_id, e.resource_id, e.severity) for e in expected_failures(moto_estate.estate))
    assert actual == expected, mismatch(actual, expected)


def test_nothing_fires_on_the_good_vpc(result: AuditResult, moto_estate: MotoEstate) -> None:
    good = moto_estate.estate.good
    ids = good_vpc_ids(moto_estate.estate)
    on_good = [(f.rule_id, f.resource.resource_id, f.status.value, f.message) for f in result.findings
               if f.resource.vpc_id == good.vpc_id or f.resource.resource_id in ids]
    assert on_good == []


def test_the_whole_estate_was_evaluated(result: AuditResult) -> None:
    """Every part the default rules need is collectable from moto, so no rule may end up not
    evaluated or errored (opt-in rules, e.g. metrics, are set aside rather than run)."""
    incomplete = [(s.rule_id, s.outcome, s.detail) for s in result.scopes if s.outcome in ("not_evaluated", "error")]
    incomplete += [(f.rule_id, f.status.value, f.message) for f in result.findings
                   if f.status in (Status.NOT_EVALUATED, Status.ERROR)]
    assert incomplete == []


def test_traffic_paths_show_where_s3_traffic_goes(result: AuditResult, moto_estate: MotoEstate) -> None:
    """The path matrix agrees with GWE001 and NAT002: prod's third private subnet sends S3
    traffic through the NAT gateway in another AZ; every good private subnet uses its gateway
    endpoint."""
    estate = moto_estate.estate
    s3 = {p.subnet_id: p for p in result.paths if p.destination == "s3"}
    stray = s3[estate.prod.private_subnet_ids[2]]
    assert (stray.kind, stray.target_id, stray.cross_az) == ("nat", estate.prod.nat_gateway_ids[0], True)
    for subnet in estate.good.private_subnet_ids:
        assert (s3[subnet].kind, s3[subnet].target_id) == ("gateway-endpoint", estate.good.gateway_endpoint_ids["s3"])
