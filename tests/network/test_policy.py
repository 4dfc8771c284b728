"""Policy parsing for the POL rules: full access, wildcards and scoping, IAM validity, aws:SourceIp."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import pytest
from builders import REGION, RegionBuilder

from vpcaudit.network.policy import (
    Policy,
    PolicyError,
    Statement,
    grants_vpc_traffic,
    is_full_access,
    parse,
    policy_scope,
    problems,
    source_ip_hazard,
)


def _doc(*statements: dict[str, Any], version: str | None = "2012-10-17") -> str:
    body: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        body["Version"] = version
    return json.dumps(body)


FULL = {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}


@pytest.mark.parametrize(("text", "expected"), [
    (None, True),  # no policy: AWS allows everything
    (_doc(FULL), True),
    (_doc(FULL, version=None), True),
    (_doc({**FULL, "Sid": "default"}, version="2008-10-17"), True),
    (_doc({**FULL, "Principal": {"AWS": "*"}, "Action": ["*"], "Resource": ["*"]}), True),
    (json.dumps({"Statement": FULL}), True),  # a single statement object, not a list
    (urllib.parse.quote(_doc(FULL)), True),  # AWS may return the document URL-encoded
    (_doc(FULL, FULL), True),  # the same default twice is still the default
    (_doc({**FULL, "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}}), False),
    (_doc({**FULL, "Action": "s3:GetObject"}), False),
    (_doc({**FULL, "Effect": "Deny"}), False),
    (_doc(FULL, {"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject", "Resource": "*"}), False),
    (_doc({**FULL, "Principal": {"AWS": "arn:aws:iam::111111111111:root"}}), False),
    ("{not json", False),
    (_doc({"Effect": "Allow", "Action": "*", "Resource": "*"}), False),  # no Principal: invalid, not full
])
def test_full_access(text: str | None, expected: bool) -> None:
    assert is_full_access(text) is expected


@pytest.mark.parametrize(("text", "fragment"), [
    ("{not json", "not valid JSON"),
    ("%7Bbroken", "not valid JSON"),
    ("[]", "JSON list, not an object"),
    (json.dumps({"Version": "2012-10-17"}), "no Statement"),
    (json.dumps({"Statement": []}), "Statement is empty"),
    (json.dumps({"Statement": ["Allow"]}), "statement #1 is a JSON str"),
    (_doc({**FULL, "Effect": "allow"}), "Effect 'allow'"),
    (_doc({"Effect": "Allow", "Action": "*", "Resource": "*"}), "no Principal"),
    (_doc({**FULL, "Principal": "arn:aws:iam::111111111111:root"}), "must be \"*\" or an object"),
    (_doc({"Effect": "Allow", "Principal": "*", "Resource": "*"}), "no Action or NotAction"),
    (_doc({**FULL, "NotAction": "s3:*"}), "both Action and NotAction"),
    (_doc({**FULL, "Condition": ["aws:SourceVpc"]}), "Condition that is not an object"),
    (_doc(FULL, version="2020-01-01"), "Version '2020-01-01'"),
])
def test_problems_name_what_is_wrong(text: str, fragment: str) -> None:
    found = problems(text)
    assert any(fragment in p for p in found), found


def test_valid_policies_have_no_problems() -> None:
    assert problems(_doc(FULL)) == []
    assert problems(_doc({"Sid": "Deny", "Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::1:root"},
                          "NotAction": "s3:Get*", "Resource": "*"})) == []


def test_parse_raises_policy_error_with_position() -> None:
    with pytest.raises(PolicyError, match="not valid JSON"):
        parse('{"Statement": [')


def _statement(**raw: Any) -> Statement:
    return Statement(1, raw)


@pytest.mark.parametrize(("raw", "wildcards"), [
    ({"Action": "*"}, ("*",)),
    ({"Action": ["s3:*", "s3:GetObject"]}, ("s3:*",)),
    ({"Action": "ecr:Get*"}, ()),  # a partial wildcard is not "svc:*"
    ({"NotAction": "s3:DeleteObject"}, ("NotAction",)),
])
def test_wildcard_actions(raw: dict[str, Any], wildcards: tuple[str, ...]) -> None:
    assert _statement(**raw).wildcard_actions == wildcards


@pytest.mark.parametrize(("condition", "scoped"), [
    ({"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}, True),
    ({"StringEquals": {"AWS:PRINCIPALORGID": "o-abc"}}, True),  # keys are case-insensitive
    ({"ArnLike": {"aws:PrincipalArn": ["arn:aws:iam::111111111111:role/app-*"]}}, True),
    ({"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-abc/r-1/*"}}, True),
    ({"StringNotEquals": {"aws:PrincipalAccount": "111111111111"}}, False),  # everyone but one account
    ({"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-abc"}}, False),  # passes when the key is absent
    ({"ForAllValues:StringLike": {"aws:PrincipalOrgPaths": "o-abc/*"}}, False),  # also true when absent
    ({"StringLike": {"aws:PrincipalArn": "*"}}, False),  # matches every principal
    ({"StringEquals": {"aws:SourceVpc": "vpc-1"}}, False),  # not a principal/resource scope
])
def test_scoping_conditions(condition: dict[str, Any], scoped: bool) -> None:
    assert bool(_statement(Effect="Allow", Principal="*", Action="*", Resource="*",
                           Condition=condition).scoping_conditions) is scoped


@pytest.mark.parametrize(("principal", "star", "everyone"), [
    ("*", True, True),
    ({"AWS": "*"}, True, True),
    ({"AWS": ["*"]}, True, True),
    ({"AWS": "arn:aws:iam::111111111111:root"}, False, False),
])
def test_principal_forms(principal: Any, star: bool, everyone: bool) -> None:
    statement = _statement(Principal=principal)
    assert (statement.principal_is_star, statement.principal_is_everyone) == (star, everyone)


def test_not_principal_is_everyone_but_not_star() -> None:
    statement = _statement(NotPrincipal={"AWS": "arn:aws:iam::1:root"})
    assert (statement.principal_is_star, statement.principal_is_everyone) == (False, True)


def test_resource_wildcard_forms() -> None:
    assert _statement(Resource="*").resource_is_wildcard
    assert _statement(NotResource="arn:aws:s3:::private/*").resource_is_wildcard
    assert _statement().resource_is_wildcard  # no Resource element matches every resource
    assert not _statement(Resource=["arn:aws:s3:::bucket/*"]).resource_is_wildcard


def test_statement_labels() -> None:
    policy = Policy.from_text(_doc({**FULL, "Sid": "AllowAll"}, FULL))
    assert [s.label for s in policy.statements] == ["statement 'AllowAll'", "statement #2"]


IP = {"aws:SourceIp": "203.0.113.0/24"}


@pytest.mark.parametrize(("raw", "hazard"), [
    ({"Effect": "Allow", "Condition": {"IpAddress": IP}}, "allow-never-matches"),
    ({"Effect": "Allow", "Condition": {"IpAddressIfExists": IP}}, None),  # absent key → true
    ({"Effect": "Deny", "Condition": {"NotIpAddress": IP}}, "deny-always-matches"),
    ({"Effect": "Deny", "Condition": {"NotIpAddressIfExists": IP}}, "deny-always-matches"),
    ({"Effect": "Deny", "Condition": {"IpAddress": IP}}, None),  # denies listed IPs only
    ({"Effect": "Deny", "Condition": {"NotIpAddress": IP,
                                      "StringNotEquals": {"aws:SourceVpce": "vpce-1"}}}, None),
    ({"Effect": "Deny", "Condition": {"NotIpAddress": IP, "Null": {"aws:SourceIp": "false"}}}, None),
    ({"Effect": "Allow", "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}}, None),
])
def test_source_ip_hazard(raw: dict[str, Any], hazard: str | None) -> None:
    assert source_ip_hazard(_statement(Principal="*", Action="s3:*", Resource="*", **raw)) == hazard


def test_grants_vpc_traffic() -> None:
    assert grants_vpc_traffic(_statement(Effect="Allow", Condition={"StringEquals": {"aws:SourceVpc": "vpc-1"}}))
    assert not grants_vpc_traffic(_statement(Effect="Deny", Condition={"StringEquals": {"aws:SourceVpc": "v"}}))
    assert not grants_vpc_traffic(_statement(Effect="Allow",
                                             Condition={"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}))


def test_policy_scope_covers_aws_service_gateway_and_interface_endpoints_only() -> None:
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16")
    subnet = b.subnet(vpc, "10.0.1.0/24")
    gateway = b.gateway_endpoint(vpc, "s3")
    interface = b.interface_endpoint(vpc, "kms", subnets=[subnet])
    no_policies = b.interface_endpoint(vpc, "ssmmessages", subnets=[subnet])
    failed = b.interface_endpoint(vpc, "sts", subnets=[subnet], state="failed")
    partner = b.service("vpce-svc-0abc", owner="222222222222", name=f"com.amazonaws.vpce.{REGION}.vpce-svc-0abc")
    privatelink = b.interface_endpoint(vpc, "partner", subnets=[subnet], service_name=partner)
    undescribed = b.interface_endpoint(vpc, "logs", subnets=[subnet], service_name=f"com.amazonaws.{REGION}.logs")
    lattice = b.interface_endpoint(vpc, "sn", subnets=[subnet], endpoint_type="ServiceNetwork",
                                   service_name=f"com.amazonaws.{REGION}.vpc-lattice")
    view = b.view()
    scope = {e: policy_scope(view, view.endpoints[e]) for e in view.endpoints}
    assert scope[gateway] == (True, "") and scope[interface] == (True, "")
    assert scope[no_policies] == scope[failed] == scope[privatelink] == scope[lattice] == (False, "")
    judged, reason = scope[undescribed]
    assert not judged and "were not collected" in reason
