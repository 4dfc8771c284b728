"""Three-valued IAM evaluation of one request through an endpoint (vpcaudit.network.policy_request)."""

from __future__ import annotations

from typing import Any

import pytest

from vpcaudit.network.policy import Policy
from vpcaudit.network.policy_request import (
    Answer,
    ElsewhereGrant,
    Request,
    all_of,
    any_of,
    decide,
    grants_elsewhere,
    place_elsewhere,
    region_elsewhere,
    share_an_action,
)

OURS = "111122223333"
BUCKET = "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/"
REQUEST = Request("s3:GetObject", BUCKET, known={"aws:sourcevpce": "vpce-1", "aws:securetransport": "true"},
                  foreign=frozenset({"aws:principalaccount", "aws:principalarn", "aws:principalorgid"}),
                  maybe_absent=frozenset({"aws:principalorgid"}), ours=frozenset({OURS, "o-abcdefghij"}))


def _allowed(*statements: dict[str, Any]) -> Answer:
    return decide(Policy({"Version": "2012-10-17", "Statement": list(statements)}), REQUEST).allowed


def _allow(**fields: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*", **fields}


def _when(operator: str, key: str, values: Any) -> dict[str, Any]:
    return _allow(Condition={operator: {key: values}})


YES, NO, UNKNOWN = Answer.YES, Answer.NO, Answer.UNKNOWN

CASES: list[tuple[str, dict[str, Any], Answer]] = [
    ("everything", _allow(), YES),
    ("action wildcard, any case", _allow(Action="S3:Get*"), YES),
    ("another action", _allow(Action="s3:PutObject"), NO),
    ("NotAction of another action", {**_allow(), "NotAction": "s3:Put*"}, YES),
    ("the bucket's objects", _allow(Resource=f"{BUCKET}*"), YES),
    ("every bucket", _allow(Resource="arn:aws:s3:::*"), YES),
    ("another bucket", _allow(Resource="arn:aws:s3:::mine/*"), NO),
    ("the bucket itself, not its objects", _allow(Resource=BUCKET.rstrip("/")), NO),
    ("resources are case-sensitive", _allow(Resource=f"{BUCKET.upper()}*"), NO),
    ("some objects only", _allow(Resource=f"{BUCKET}sha256/*"), UNKNOWN),
    ("one object", _allow(Resource=f"{BUCKET}a"), UNKNOWN),
    ("a bracket is no character class", _allow(Resource="arn:aws:s3:::[p]rod-*"), NO),
    ("NotResource of another bucket", {**_allow(), "NotResource": "arn:aws:s3:::mine/*"}, YES),
    ("NotResource of the bucket", {**_allow(), "NotResource": f"{BUCKET}*"}, NO),
    ("NotResource of some objects", {**_allow(), "NotResource": f"{BUCKET}sha256/*"}, UNKNOWN),
    ("our account", _when("StringEquals", "aws:PrincipalAccount", OURS), NO),
    ("not our account", _when("StringNotEquals", "aws:PrincipalAccount", OURS), YES),
    ("another account", _when("StringEquals", "aws:PrincipalAccount", "999999999999"), UNKNOWN),
    ("any account (StringLike *)", _when("StringLike", "aws:PrincipalAccount", "*"), YES),
    ("StringEquals * is a literal", _when("StringEquals", "aws:PrincipalAccount", "*"), UNKNOWN),
    ("our roles", _when("ArnLike", "aws:PrincipalArn", f"arn:aws:iam::{OURS}:role/*"), NO),
    ("anyone's roles", _when("ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:role/app-*"), UNKNOWN),
    ("our organization (or none)", _when("StringEquals", "aws:PrincipalOrgID", "o-abcdefghij"), NO),
    ("our organization if it exists", _when("StringEqualsIfExists", "aws:PrincipalOrgID", "o-abcdefghij"), UNKNOWN),
    ("the endpoint", _when("StringEquals", "aws:SourceVpce", "vpce-1"), YES),
    ("another endpoint", _when("StringEquals", "aws:SourceVpce", "vpce-2"), NO),
    ("an endpoint, any case", _when("StringEqualsIgnoreCase", "aws:SourceVpce", "VPCE-1"), YES),
    ("not the endpoint", _when("StringNotEquals", "aws:SourceVpce", "vpce-1"), NO),
    ("HTTPS", _when("Bool", "aws:SecureTransport", "true"), YES),
    ("plain HTTP", _when("Bool", "aws:SecureTransport", "false"), NO),
    ("the principal account exists", _when("Null", "aws:PrincipalAccount", "false"), YES),
    ("no principal account", _when("Null", "aws:PrincipalAccount", "true"), NO),
    ("maybe no organization", _when("Null", "aws:PrincipalOrgID", "true"), UNKNOWN),
    ("a key nobody knows", _when("StringEquals", "aws:PrincipalTag/team", "a"), UNKNOWN),
    ("an operator not modelled", _when("NumericLessThan", "s3:max-keys", "10"), UNKNOWN),
    ("Principal of our account", _allow(Principal={"AWS": f"arn:aws:iam::{OURS}:root"}), NO),
    ("Principal AWS *", _allow(Principal={"AWS": ["*"]}), YES),
    ("another Principal", _allow(Principal={"AWS": "arn:aws:iam::999999999999:root"}), UNKNOWN),
    ("NotPrincipal", {k: v for k, v in {**_allow(), "NotPrincipal": {"AWS": "x"}}.items() if k != "Principal"},
     UNKNOWN),
]


@pytest.mark.parametrize(("statement", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_one_allow(statement: dict[str, Any], expected: Answer) -> None:
    assert _allowed(statement) is expected


def test_an_explicit_deny_wins_and_is_named() -> None:
    deny = {**_when("StringNotEquals", "aws:PrincipalAccount", OURS), "Effect": "Deny", "Sid": "Perimeter"}
    verdict = decide(Policy({"Statement": [_allow(), deny]}), REQUEST)
    assert (verdict.allowed, verdict.denied_by) == (NO, ("statement 'Perimeter'",))
    assert verdict.explain() == "statement 'Perimeter' denies it"


def test_a_deny_that_may_match_leaves_an_allow_unknown() -> None:
    deny = {**_when("StringEquals", "aws:PrincipalTag/x", "y"), "Effect": "Deny"}
    verdict = decide(Policy({"Statement": [_allow(), deny]}), REQUEST)
    assert verdict.allowed is UNKNOWN
    assert verdict.explain() == "whether statement #2 matches it cannot be told"


def test_one_certain_allow_is_enough_beside_an_unknown_one() -> None:
    assert _allowed(_when("StringEquals", "aws:PrincipalTag/x", "y"), _allow(Action="s3:GetObject")) is YES


def test_no_allow_is_an_implicit_deny() -> None:
    verdict = decide(Policy({"Statement": [_when("StringEquals", "aws:PrincipalAccount", OURS)]}), REQUEST)
    assert (verdict.allowed, verdict.explain()) == (NO, "no Allow statement admits it")


ANONYMOUS = Request("s3:GetObject", "arn:aws:s3:::aws-ssm-us-east-1/", known={"aws:sourcevpce": "vpce-1"},
                    absent=frozenset({"aws:principalaccount", "aws:principalisawsservice"}))


@pytest.mark.parametrize(("condition", "expected"), [
    ({"StringEquals": {"aws:PrincipalAccount": OURS}}, Answer.NO),
    ({"StringNotEquals": {"aws:PrincipalAccount": OURS}}, Answer.YES),
    ({"StringEqualsIfExists": {"aws:PrincipalAccount": OURS}}, Answer.YES),
    ({"Null": {"aws:PrincipalAccount": "true"}}, Answer.YES),
    ({"Null": {"aws:PrincipalAccount": "false"}}, Answer.NO),
    ({"Bool": {"aws:PrincipalIsAWSService": "true"}}, Answer.NO),
    ({"Bool": {"aws:PrincipalIsAWSService": "false"}}, Answer.NO),
    ({"BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}, Answer.YES),
    ({"StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}}, Answer.UNKNOWN),  # not said to be absent
])
def test_a_key_the_request_certainly_lacks(condition: dict[str, Any], expected: Answer) -> None:
    """An anonymous request carries no principal key: IAM's condition operators on an absent key."""
    policy = Policy({"Version": "2012-10-17", "Statement": [_allow(Condition=condition)]})
    assert decide(policy, ANONYMOUS).allowed is expected


def test_kleene_connectives() -> None:
    assert all_of([YES, UNKNOWN]) is UNKNOWN and all_of([UNKNOWN, NO]) is NO and all_of([]) is YES
    assert any_of([NO, UNKNOWN]) is UNKNOWN and any_of([UNKNOWN, YES]) is YES and any_of([]) is NO


@pytest.mark.parametrize(("pattern", "expected"), [
    ("arn:aws:bedrock:us-west-2::foundation-model/*", "us-west-2"),
    ("arn:aws:bedrock:us-west-2:111122223333:provisioned-model/*", "us-west-2"),
    ("arn:aws:bedrock:eu-*::foundation-model/*", "eu-*"),
    ("arn:aws:bedrock:us-west-2*", "us-west-2*"),  # a trailing * runs past the colons, still in us-west-2
    ("arn:aws:bedrock:us-east-1::foundation-model/*", None),
    ("arn:aws:bedrock:*::foundation-model/*", None),
    ("arn:aws:bedrock:us-*::foundation-model/*", None),
    ("arn:aws:bedrock:us-east-?::foundation-model/*", None),
    ("arn:aws:bedrock:${aws:RequestedRegion}::foundation-model/*", None),
    ("arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0", None),  # no Region
    ("arn:aws:s3:::bucket/*", None),
    ("arn:aws:bedrock*:us-west-2::foundation-model/*", None),  # the * may run past the service's colon
    ("arn:aws:*", None),
    ("*", None),
])
def test_the_region_an_arn_pattern_confines_to(pattern: str, expected: str | None) -> None:
    assert region_elsewhere(pattern, "us-east-1") == expected


@pytest.mark.parametrize(("pattern", "region", "expected"), [
    ("arn:aws:s3:::bucket/*", "cn-north-1", ("partition", "aws")),  # a China Region's are arn:aws-cn:
    ("arn:aws-cn:s3:::bucket/*", "cn-north-1", None),
    ("arn:aws-cn:s3:::bucket/*", "us-east-1", ("partition", "aws-cn")),
    ("arn:aws:bedrock:us-west-2::foundation-model/*", "cn-north-1", ("partition", "aws")),  # the partition first
    ("arn:aws-cn:bedrock:cn-northwest-1::foundation-model/*", "cn-north-1", ("region", "cn-northwest-1")),
    ("arn:aws:s3:::bucket", "us-east-1", None),
    ("arn:*:s3:::bucket", "cn-north-1", None),
    ("arn:aws*:s3:::bucket", "cn-north-1", None),
    ("arn:${aws:partition}:s3:::bucket", "cn-north-1", None),
    ("arn:aws-us-gov:s3:::bucket", "us-gov-west-1", None),
    ("*", "cn-north-1", None),
])
def test_where_an_arn_pattern_confines_to(pattern: str, region: str, expected: tuple[str, str] | None) -> None:
    assert place_elsewhere(pattern, region) == expected


def test_an_allow_of_another_partition_alone_grants_nothing() -> None:
    policy = Policy({"Version": "2012-10-17", "Statement": [_allow(Resource=["arn:aws:s3:::b", "arn:aws:s3:::b/*"])]})
    assert grants_elsewhere(policy, "cn-north-1") == ElsewhereGrant(("statement #1",), (), (), ("aws",))
    assert grants_elsewhere(policy, "us-east-1") is None


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("bedrock:InvokeModel", "bedrock:invokemodel", True),
    ("bedrock:Invoke*", "bedrock:*Model", True),
    ("bedrock:Invoke*", "bedrock:ApplyGuardrail", False),
    ("bedrock:InvokeModel", "bedrock:*Model", True),
    ("bedrock:InvokeModelWithResponseStream", "bedrock:*Model", False),
    ("bedrock:Invoke?odel", "bedrock:InvokeModel", True),
    ("*", "sqs:SendMessage", True),
    ("s3:*", "sqs:*", False),
])
def test_two_action_patterns_share_an_action(a: str, b: str, expected: bool) -> None:
    assert share_an_action(a, b) is expected
    assert share_an_action(b, a) is expected


def _grants(*statements: dict[str, Any]) -> ElsewhereGrant | None:
    return grants_elsewhere(Policy({"Version": "2012-10-17", "Statement": list(statements)}), "us-east-1")


OREGON = _allow(Action=["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
                Resource=[f"arn:aws:bedrock:{region}::foundation-model/*" for region in ("us-west-2", "eu-west-1")])


def test_an_allow_of_other_regions_alone_grants_nothing() -> None:
    assert _grants(OREGON, {**OREGON, "Effect": "Deny", "Resource": "*"}) == ElsewhereGrant(
        ("statement #1",), ("eu-west-1", "us-west-2"), ())


def test_the_actions_no_other_allow_grants_are_stranded() -> None:
    here = _allow(Action="bedrock:InvokeModelWithResponseStream",
                  Resource="arn:aws:bedrock:us-east-1::foundation-model/*")
    assert _grants(OREGON, here) == ElsewhereGrant(("statement #1",), ("eu-west-1", "us-west-2"),
                                                   ("bedrock:InvokeModel",))
    assert _grants(OREGON, {**here, "Action": "bedrock:*"}) is None
    assert _grants(OREGON, {"Effect": "Allow", "Principal": "*", "NotAction": "s3:*", "Resource": "*"}) is None


def test_a_policy_naming_this_region_grants_here() -> None:
    assert _grants(_allow(Resource="arn:aws:bedrock:us-east-1::foundation-model/*")) is None
    assert _grants(_allow()) is None
