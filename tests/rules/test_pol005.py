"""POL005 endpoint-policy-allows-nothing: a policy of Deny statements alone denies every request."""

from __future__ import annotations

import json
from typing import Any

import pytest
from builders import FULL_ACCESS_POLICY, REGION, RegionBuilder
from policy_eval import allows, policy_findings_after
from rulecheck import findings, fix_of, triples

from vpcaudit.rules.pol.pol005_endpoint_policy_allows_nothing import endpoint_policy_allows_nothing as rule
from vpcaudit.snapshot.model import Part

ID = "POL005"
DENY_OUTSIDE_VPC = {"Sid": "DenyOutside", "Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*",
                    "Condition": {"StringNotEquals": {"aws:SourceVpc": "vpc-0a1b2c3d4e5f60718"}}}
ALLOW_ALL = {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}


def _doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _build(policy: str | None, *, kind: str = "interface", key: str = "ecr.api") -> tuple[RegionBuilder, str]:
    b = RegionBuilder()
    vpc = b.vpc()
    subnet = b.subnet(vpc, "10.0.1.0/24")
    if kind == "gateway":
        return b, b.gateway_endpoint(vpc, "dynamodb", route_tables=[b.main_route_table(vpc)], policy=policy)
    return b, b.interface_endpoint(vpc, key, subnets=[subnet], policy=policy)


CASES: list[tuple[str, str | None, dict[str, Any], bool]] = [
    ("interface endpoint, Deny only", _doc(DENY_OUTSIDE_VPC), {}, True),
    ("gateway endpoint, Deny only", _doc(DENY_OUTSIDE_VPC), {"kind": "gateway"}, True),
    ("two Deny statements", _doc(DENY_OUTSIDE_VPC, {**DENY_OUTSIDE_VPC, "Sid": "Other"}), {}, True),
    ("Allow beside the Deny", _doc(ALLOW_ALL, DENY_OUTSIDE_VPC), {}, False),
    ("narrow Allow alone", _doc({**ALLOW_ALL, "Action": "ecr:BatchGetImage"}), {}, False),
    ("default full access", FULL_ACCESS_POLICY, {}, False),
    ("no policy at all (full access)", None, {}, False),
    ("service without endpoint policies", _doc(DENY_OUTSIDE_VPC), {"key": "ssmmessages"}, False),
    ("not an IAM policy is POL003's", _doc({"Effect": "Deny", "Action": "*"}), {}, False),
    ("not JSON is POL003's", "{not json", {}, False),
]


@pytest.mark.parametrize(("policy", "options", "fires"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_cases(policy: str | None, options: dict[str, Any], fires: bool) -> None:
    b, endpoint = _build(policy, **options)
    assert triples(rule, b.snapshot()) == ({(ID, endpoint, "fail")} if fires else set())


def test_not_evaluated_without_endpoint_services() -> None:
    b, _ = _build(_doc(DENY_OUTSIDE_VPC))
    assert triples(rule, b.snapshot(missing=[Part.ENDPOINT_SERVICES])) == {(ID, REGION, "not_evaluated")}


def test_message_says_every_request_is_denied() -> None:
    b, endpoint = _build(_doc(DENY_OUTSIDE_VPC))
    (finding,) = findings(rule, b.snapshot())
    assert finding.severity.value == "high"
    assert finding.message == (
        f"interface endpoint {endpoint} for ecr.api in {b.endpoints[endpoint].vpc_id} has a policy with no Allow "
        "statement (statement 'DenyOutside': Deny only), so it denies every request sent through it.")


def test_fix_puts_an_allow_for_the_account_before_the_same_denies_after_a_decision() -> None:
    b, endpoint = _build(_doc(DENY_OUTSIDE_VPC))
    [(action, parameters, phase, ready)] = fix_of(rule, b.snapshot(), endpoint)
    assert (action, parameters["VpcEndpointId"], phase, ready) == ("ec2:ModifyVpcEndpoint", endpoint, "modify", False)
    assert json.loads(parameters["PolicyDocument"])["Statement"] == [
        {"Sid": "ThisAccountOnly", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:PrincipalAccount": b.account_id}}}, DENY_OUTSIDE_VPC]



def test_fix_for_an_s3_endpoint_keeps_aws_owned_buckets_readable_and_passes_once_applied() -> None:
    """The Allow put before the denies is the account-scoped one, with the reads of the AWS-owned
    buckets an S3 endpoint carries (ECR layers, Amazon Linux repositories) beside it."""
    b = RegionBuilder()
    vpc = b.vpc()
    endpoint = b.gateway_endpoint(vpc, "s3", route_tables=[b.main_route_table(vpc)], policy=_doc(DENY_OUTSIDE_VPC))
    [(_, parameters, _, _)] = fix_of(rule, b.snapshot(), endpoint)
    document = parameters["PolicyDocument"]
    assert json.loads(document)["Statement"][-1] == DENY_OUTSIDE_VPC
    inside = {"aws:SourceVpc": "vpc-0a1b2c3d4e5f60718"}
    layer = f"arn:aws:s3:::prod-{REGION}-starport-layer-bucket/sha256/0a1b2c"
    assert allows(document, "s3:GetObject", layer, {**inside, "aws:PrincipalAccount": "222222222222"})
    assert allows(document, "s3:GetObject", f"arn:aws:s3:::al2023-repos-{REGION}-de612dc2/core/repomd.xml", inside)
    assert not allows(document, "s3:PutObject", layer, {**inside, "aws:PrincipalAccount": "222222222222"})
    assert not allows(document, "s3:GetObject", layer, {"aws:SourceVpc": "vpc-elsewhere"})  # the denies still hold
    assert policy_findings_after(b, endpoint, document) == set()
