"""The demo estate scanned in-process (moto ``mock_aws``) through ``vpcaudit.api.scan``, twice:
with the default parts, and with the opt-in ones too (metrics, bucket policies) as the demo does.

The expected findings come from the rule catalogue, docs/rules.md (tests/support/demo_estate.py says which clause
makes each one fire), never from what the code printed: when they disagree, the code is
reported, not the expectation loosened.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

import pytest
from demo_estate import REGION, MotoEstate, expected_failures, good_vpc_ids, mismatch

from vpcaudit import api
from vpcaudit.demo.run import DEMO_EXTRAS
from vpcaudit.engine.result import AuditResult
from vpcaudit.engine.rule import Status
from vpcaudit.render.fix import cloudformation


@dataclass(frozen=True)
class Scan:
    opt_in: bool
    result: AuditResult


@pytest.fixture(scope="module")
def default_scan(moto_estate: MotoEstate) -> Scan:
    return Scan(False, api.scan(api.CollectOptions(regions=(REGION,)), session=moto_estate.session).result)


@pytest.fixture(scope="module")
def full_scan(moto_estate: MotoEstate) -> Scan:
    """The demo's scan: opt-in parts (metrics, bucket policies) collected too."""
    options = api.CollectOptions(regions=(REGION,), opt_in=DEMO_EXTRAS)
    return Scan(True, api.scan(options, session=moto_estate.session).result)


@pytest.fixture(params=["default_scan", "full_scan"])
def scan(request: pytest.FixtureRequest) -> Scan:
    return request.getfixturevalue(request.param)


@pytest.fixture
def result(scan: Scan) -> AuditResult:
    return scan.result


def test_each_mistake_is_reported_under_its_rule(scan: Scan, moto_estate: MotoEstate) -> None:
    actual = Counter((f.rule_id, f.resource.resource_id, f.status.value) for f in scan.result.findings
                     if f.status is Status.FAIL)
    expected = Counter(e.key for e in expected_failures(moto_estate.estate, opt_in=scan.opt_in))
    assert actual == expected, mismatch(actual, expected)


def test_severities_follow_the_context(scan: Scan, moto_estate: MotoEstate) -> None:
    """The catalogue makes several severities depend on context (IFE003 medium with NAT egress,
    SG001 medium without peering/TGW routes, POL004 high for a Deny, …): check each."""
    actual = Counter((f.rule_id, f.resource.resource_id, f.severity.value) for f in scan.result.failures)
    expected = Counter((e.rule_id, e.resource_id, e.severity)
                       for e in expected_failures(moto_estate.estate, opt_in=scan.opt_in))
    assert actual == expected, mismatch(actual, expected)


def test_nothing_fires_on_the_good_vpc(result: AuditResult, moto_estate: MotoEstate) -> None:
    good = moto_estate.estate.good
    ids = good_vpc_ids(moto_estate.estate)
    on_good = [(f.rule_id, f.resource.resource_id, f.status.value, f.message) for f in result.findings
               if f.resource.vpc_id == good.vpc_id or f.resource.resource_id in ids]
    assert on_good == []


def test_the_whole_estate_was_evaluated(scan: Scan) -> None:
    """Every part is collectable from moto, so no rule may end up not evaluated or errored;
    with the opt-in parts every rule of the pack runs (without them, the opt-in rules are set
    aside rather than run)."""
    result = scan.result
    incomplete = [(s.rule_id, s.outcome, s.detail) for s in result.scopes if s.outcome in ("not_evaluated", "error")]
    incomplete += [(f.rule_id, f.status.value, f.message) for f in result.findings
                   if f.status in (Status.NOT_EVALUATED, Status.ERROR)]
    assert incomplete == []
    if scan.opt_in:
        assert {s.rule_id for s in result.scopes} == {r.id for r in api.rules().rules}


def test_seeded_traffic_reaches_the_cost_table(full_scan: Scan, moto_estate: MotoEstate) -> None:
    """With metrics, NAT gateways and busy endpoints show a data charge; the idle endpoint none."""
    data = {c.resource_id: c.monthly_data_usd for c in full_scan.result.costs}
    prod = moto_estate.estate.prod
    assert data[prod.nat_gateway_ids[0]] > data[moto_estate.estate.good.nat_gateway_ids[0]] > 0
    assert data[prod.interface_endpoint_ids["logs"]] > 0
    assert data[prod.interface_endpoint_ids["sts"]] == 0


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


def test_each_fixs_cloudformation_is_a_valid_template(full_scan: Scan) -> None:
    """cfn-lint (CloudFormation's own resource schemas) accepts every template the demo's fixes give:
    resource types, property names and types, id formats, references between the new resources."""
    from cfnlint.api import ManualArgs, lint

    templates = {f.fingerprint: cloudformation.template(f.fix) for f in full_scan.result.failures}
    written = {fp: text for fp, text in templates.items() if text}
    assert len(written) >= 10
    combined = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}
    for text in written.values():
        combined["Resources"].update(json.loads(text)["Resources"])
    problems = lint(json.dumps(combined), config=ManualArgs(regions=[REGION]))
    assert [str(p) for p in problems] == []
