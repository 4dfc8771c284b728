"""POL002 endpoint-policy-wildcard: unscoped wildcard statements, and named principals on gateway endpoints."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from builders import FULL_ACCESS_POLICY, REGION, SCOPED_POLICY, RegionBuilder
from rulecheck import findings, triples

from vpcaudit.rules.pol.pol002_endpoint_policy_wildcard import endpoint_policy_wildcard as rule
from vpcaudit.snapshot.model import Part, Snapshot

Expected = set[tuple[str, str, str]]
Case = Callable[[], tuple[Snapshot, Expected]]


def _policy(**statement: Any) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", **statement}]})


def _interface(policy: str | None, key: str = "kms") -> tuple[RegionBuilder, str]:
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16")
    return b, b.interface_endpoint(vpc, key, subnets=[b.subnet(vpc, "10.0.1.0/24")], policy=policy)


def _gateway(policy: str) -> tuple[RegionBuilder, str]:
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16")
    return b, b.gateway_endpoint(vpc, "s3", route_tables=[b.main_route_table(vpc)], policy=policy)


def service_wildcard_action() -> tuple[Snapshot, Expected]:
    b, endpoint = _interface(_policy(Action="kms:*", Resource="arn:aws:kms:us-east-1:111111111111:key/*"))
    return b.snapshot(), {("POL002", endpoint, "fail")}


def resource_wildcard() -> tuple[Snapshot, Expected]:
    b, endpoint = _interface(_policy(Action=["kms:Decrypt"], Resource="*"))
    return b.snapshot(), {("POL002", endpoint, "fail")}


def not_action() -> tuple[Snapshot, Expected]:
    b, endpoint = _interface(_policy(NotAction="kms:ScheduleKeyDeletion",
                                     Resource="arn:aws:kms:us-east-1:111111111111:key/*"))
    return b.snapshot(), {("POL002", endpoint, "fail")}


def negated_scope_does_not_scope() -> tuple[Snapshot, Expected]:
    b, endpoint = _interface(_policy(Action="*", Resource="*",
                                     Condition={"StringNotEquals": {"aws:PrincipalAccount": "999999999999"}}))
    return b.snapshot(), {("POL002", endpoint, "fail")}


def scoped_by_organization() -> tuple[Snapshot, Expected]:
    b, _ = _interface(SCOPED_POLICY)
    return b.snapshot(), set()


def narrow_actions_and_resources() -> tuple[Snapshot, Expected]:
    b, _ = _interface(_policy(Action=["kms:Decrypt"], Resource="arn:aws:kms:us-east-1:111111111111:key/abc"))
    return b.snapshot(), set()


def named_principal_on_interface_endpoint() -> tuple[Snapshot, Expected]:
    """On interface endpoints an account principal means every role of the account: fine."""
    b, _ = _interface(json.dumps({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "111111111111"},
                                                 "Action": "*", "Resource": "*"}]}))
    return b.snapshot(), set()


def named_principal_on_gateway_endpoint() -> tuple[Snapshot, Expected]:
    b, endpoint = _gateway(json.dumps({"Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::app-bucket/*"}]}))
    return b.snapshot(), {("POL002", endpoint, "fail")}


def gateway_with_principal_arn_condition() -> tuple[Snapshot, Expected]:
    b, _ = _gateway(_policy(Action="s3:*", Resource="*",
                            Condition={"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/app"}}))
    return b.snapshot(), set()


def full_access_is_pol001s() -> tuple[Snapshot, Expected]:
    b, _ = _interface(FULL_ACCESS_POLICY)
    return b.snapshot(), set()


def deny_statement_is_not_an_opening() -> tuple[Snapshot, Expected]:
    b, _ = _interface(json.dumps({"Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt",
         "Resource": "arn:aws:kms:us-east-1:111111111111:key/abc"},
        {"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-abc"}}}]}))
    return b.snapshot(), set()


def service_without_policy_support() -> tuple[Snapshot, Expected]:
    b, _ = _interface(_policy(Action="*", Resource="*", Sid="x"), key="ssmmessages")
    return b.snapshot(), set()


def endpoints_denied() -> tuple[Snapshot, Expected]:
    b, _ = _interface(_policy(Action="kms:*", Resource="*"))
    return b.snapshot(missing=[Part.VPC_ENDPOINTS]), {("POL002", REGION, "not_evaluated")}


CASES: list[Case] = [service_wildcard_action, resource_wildcard, not_action, negated_scope_does_not_scope,
                     scoped_by_organization, narrow_actions_and_resources, named_principal_on_interface_endpoint,
                     named_principal_on_gateway_endpoint, gateway_with_principal_arn_condition, full_access_is_pol001s,
                     deny_statement_is_not_an_opening, service_without_policy_support, endpoints_denied]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_pol002(case: Case) -> None:
    snapshot, expected = case()
    assert triples(rule, snapshot) == expected


def test_pol002_message_names_the_statement_and_what_is_wide() -> None:
    b, endpoint = _interface(json.dumps({"Statement": [{"Sid": "Wide", "Effect": "Allow", "Principal": "*",
                                                        "Action": "kms:*", "Resource": "*"}]}))
    (finding,) = findings(rule, b.snapshot())
    assert finding.severity.value == "low"
    assert endpoint in finding.message and "for kms" in finding.message
    assert "statement 'Wide' allows Principal * with Action kms:* and Resource *" in finding.message


def test_pol002_gateway_message_explains_the_root_user_trap() -> None:
    snapshot, _ = named_principal_on_gateway_endpoint()
    (finding,) = findings(rule, snapshot)
    assert "account root user only" in finding.message and "aws:PrincipalArn" in finding.message
