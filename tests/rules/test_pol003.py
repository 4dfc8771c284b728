"""POL003 endpoint-policy-invalid: a document AWS would reject."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable

import pytest
from builders import FULL_ACCESS_POLICY, REGION, RegionBuilder
from rulecheck import findings, fix_of, triples

from vpcaudit.rules.pol.pol003_endpoint_policy_invalid import endpoint_policy_invalid as rule
from vpcaudit.snapshot.model import Part, Snapshot

Expected = set[tuple[str, str, str]]
Case = Callable[[], tuple[Snapshot, Expected]]
NO_PRINCIPAL = json.dumps({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def _endpoint(policy: str | None, *, state: str = "available", key: str = "kms") -> tuple[RegionBuilder, str]:
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16")
    return b, b.interface_endpoint(vpc, key, subnets=[b.subnet(vpc, "10.0.1.0/24")], policy=policy, state=state)


def broken_json() -> tuple[Snapshot, Expected]:
    b, endpoint = _endpoint('{"Statement": [')
    return b.snapshot(), {("POL003", endpoint, "fail")}


def no_principal() -> tuple[Snapshot, Expected]:
    b, endpoint = _endpoint(NO_PRINCIPAL)
    return b.snapshot(), {("POL003", endpoint, "fail")}


def no_statement() -> tuple[Snapshot, Expected]:
    b, endpoint = _endpoint(json.dumps({"Version": "2012-10-17"}))
    return b.snapshot(), {("POL003", endpoint, "fail")}


def bad_effect_on_a_privatelink_endpoint() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16")
    name = b.service("vpce-svc-0abc", owner="222222222222", name=f"com.amazonaws.vpce.{REGION}.vpce-svc-0abc")
    endpoint = b.interface_endpoint(vpc, "partner", subnets=[b.subnet(vpc, "10.0.1.0/24")], service_name=name,
                                    policy=FULL_ACCESS_POLICY.replace('"Allow"', '"Permit"'))
    return b.snapshot(), {("POL003", endpoint, "fail")}


def url_encoded_valid_policy() -> tuple[Snapshot, Expected]:
    b, _ = _endpoint(urllib.parse.quote(FULL_ACCESS_POLICY))
    return b.snapshot(), set()


def no_policy_at_all() -> tuple[Snapshot, Expected]:
    b, _ = _endpoint(None)
    return b.snapshot(), set()


def deleted_endpoint() -> tuple[Snapshot, Expected]:
    b, _ = _endpoint("{", state="deleted")
    return b.snapshot(), set()


def endpoints_denied() -> tuple[Snapshot, Expected]:
    b, _ = _endpoint("{")
    return b.snapshot(missing=[Part.VPC_ENDPOINTS]), {("POL003", REGION, "not_evaluated")}


CASES: list[Case] = [broken_json, no_principal, no_statement, bad_effect_on_a_privatelink_endpoint,
                     url_encoded_valid_policy, no_policy_at_all, deleted_endpoint, endpoints_denied]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_pol003(case: Case) -> None:
    snapshot, expected = case()
    assert triples(rule, snapshot) == expected


def test_pol003_messages_say_what_is_wrong() -> None:
    (json_finding,) = findings(rule, broken_json()[0])
    assert json_finding.severity.value == "high"
    assert "is not valid JSON" in json_finding.message and json_finding.resource.resource_id in json_finding.message
    (iam_finding,) = findings(rule, no_principal()[0])
    assert "is not an IAM policy: statement #1 has no Principal" in iam_finding.message


def test_fix_resets_the_policy_after_a_decision() -> None:
    b, endpoint = _endpoint(NO_PRINCIPAL)
    assert fix_of(rule, b.snapshot(), endpoint) == [
        ("ec2:ModifyVpcEndpoint", {"VpcEndpointId": endpoint, "ResetPolicy": True}, "modify", False)]
