"""Three-valued IAM evaluation of one request through an endpoint (vpcaudit.network.policy_request)."""

from __future__ import annotations

from typing import Any

import pytest

from vpcaudit.network.policy import Policy
from vpcaudit.network.policy_request import Answer, Request, all_of, any_of, decide

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


def test_kleene_connectives() -> None:
    assert all_of([YES, UNKNOWN]) is UNKNOWN and all_of([UNKNOWN, NO]) is NO and all_of([]) is YES
    assert any_of([NO, UNKNOWN]) is UNKNOWN and any_of([UNKNOWN, YES]) is YES and any_of([]) is NO
