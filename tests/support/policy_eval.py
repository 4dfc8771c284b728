"""Ask an endpoint policy what it lets through, and re-audit an endpoint once a fix's policy is on it.

``allows`` is a small model of IAM evaluation for one request through the endpoint: an explicit
``Deny`` wins, otherwise an ``Allow`` must match the principal (``*``), the action and the resource
(``*`` and ``?`` wildcards) and every condition against ``context`` (a key absent from it fails a
positive operator and passes a negated one, as IAM's condition operators do). Enough to say
whether a layer download signed by ECR's account, or an anonymous package download, gets through.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from fnmatch import fnmatchcase
from typing import Any

from builders import RegionBuilder
from rulecheck import triples

from vpcaudit.network.policy import Policy
from vpcaudit.network.policy_request import Answer, Request, decide
from vpcaudit.rules.pol.pol001_endpoint_policy_full_access import endpoint_policy_full_access
from vpcaudit.rules.pol.pol002_endpoint_policy_wildcard import endpoint_policy_wildcard
from vpcaudit.rules.pol.pol003_endpoint_policy_invalid import endpoint_policy_invalid
from vpcaudit.rules.pol.pol005_endpoint_policy_allows_nothing import endpoint_policy_allows_nothing
from vpcaudit.snapshot.model import Snapshot

POLICY_RULES = (endpoint_policy_full_access, endpoint_policy_wildcard, endpoint_policy_invalid,
                endpoint_policy_allows_nothing)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _condition_holds(operator: str, key: str, values: list[str], context: dict[str, str]) -> bool:
    present = key in context
    matches = present and any(fnmatchcase(context[key], v) if "Like" in operator else context[key] == v
                              for v in values)
    if operator in ("StringEquals", "StringLike"):
        return matches
    if operator in ("StringNotEquals", "StringNotLike"):
        return not matches
    raise ValueError(f"operator {operator} is not modelled")


def _applies(statement: dict[str, Any], action: str, resource: str, context: dict[str, str]) -> bool:
    principal = statement.get("Principal")
    if not (principal == "*" or (isinstance(principal, dict) and "*" in _list(principal.get("AWS")))):
        return False
    if not any(fnmatchcase(action.lower(), a.lower()) for a in _list(statement["Action"])):
        return False
    if "NotResource" in statement:
        if any(fnmatchcase(resource, r) for r in _list(statement["NotResource"])):
            return False
    elif not any(fnmatchcase(resource, r) for r in _list(statement["Resource"])):
        return False
    return all(_condition_holds(operator, key, _list(values), context)
               for operator, tests in statement.get("Condition", {}).items() for key, values in tests.items())


def allows(document: str, action: str, resource: str, context: dict[str, str] | None = None) -> bool:
    """Whether the endpoint policy ``document`` lets ``action`` on ``resource`` through, for a request
    whose condition keys are ``context`` (``{}``: an anonymous request, no principal account)."""
    statements = _list(json.loads(document)["Statement"])
    context = context or {}
    if any(s["Effect"] == "Deny" and _applies(s, action, resource, context) for s in statements):
        return False
    return any(s["Effect"] == "Allow" and _applies(s, action, resource, context) for s in statements)


# A principal of another account than the scanned one, as ECR's account, which presigns layer URLs.
ECR_SIGNER = {"aws:PrincipalAccount": "222222222222"}


def admits_ecr_layer_downloads(policy: dict[str, Any] | str, region: str) -> bool:
    """Whether the endpoint policy lets an ECR image layer download of ``region`` through: a read of
    the AWS-owned layer bucket with a URL presigned by ECR's account, not the workload's."""
    document = policy if isinstance(policy, str) else json.dumps(policy)
    return allows(document, "s3:GetObject", f"arn:aws:s3:::prod-{region}-starport-layer-bucket/sha256/0a1b2c",
                  ECR_SIGNER)


def policy_findings_after(b: RegionBuilder, endpoint_id: str, document: str) -> set[tuple[str, str, str]]:
    """POL001, POL002, POL003 and POL005 on the endpoint once its policy is ``document`` (the fix applied)."""
    b.endpoints[endpoint_id] = replace(b.endpoints[endpoint_id], policy_document=document)
    snapshot = b.snapshot()
    return {t for rule in POLICY_RULES for t in triples(rule, snapshot) if t[1] == endpoint_id}


def policy_doc(*statements: dict[str, Any]) -> str:
    """An endpoint policy document holding ``statements``."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow_statement(condition: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    """``Allow`` of every action on every resource to ``Principal *`` (``fields`` replace any of
    these), under ``condition`` if given."""
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*", **fields}
    if condition:
        statement["Condition"] = condition
    return statement


def with_policy(b: RegionBuilder, endpoint: str, policy: str | None) -> None:
    """Give ``endpoint`` of the builder ``policy``, its ``{endpoint}`` and ``{vpc}`` placeholders
    filled with the endpoint's own ids."""
    vpc = b.endpoints[endpoint].vpc_id
    if policy is not None:
        policy = policy.replace("{endpoint}", endpoint).replace("{vpc}", vpc)
    b.endpoints[endpoint] = replace(b.endpoints[endpoint], policy_document=policy)


# Condition keys whose value is AWS's for a request to an AWS-owned bucket (or absent), and the
# principal keys an unsigned request does not carry.
AWS_BUCKET_KEYS = frozenset({"aws:resourceaccount", "aws:resourceorgid", "aws:resourceorgpaths"})
PRINCIPAL_KEYS = frozenset({"aws:principalaccount", "aws:principalarn", "aws:userid", "aws:principalorgid",
                            "aws:principalorgpaths"})


def agent_reads(snapshot: Snapshot, endpoint_id: str, buckets: Iterable[str], account: str,
                org_id: str) -> dict[str, tuple[Answer, Answer]]:
    """Per bucket: the S3 endpoint policy's answer to ``s3:GetObject`` on its objects, signed by an
    instance profile of ``account`` in ``org_id``, and unsigned — the two ways an agent on an
    instance may read an AWS-owned bucket, by the evaluation the policy rules use."""
    endpoint = next(e for e in snapshot.accounts[0].regions[0].vpc_endpoints if e.vpc_endpoint_id == endpoint_id)
    policy = Policy.from_text(endpoint.policy_document)
    ours = frozenset({account, org_id})
    known = {"aws:sourcevpce": endpoint_id, "aws:sourcevpc": endpoint.vpc_id, "aws:principalisawsservice": "false"}
    answers = {}
    for bucket in buckets:
        objects = f"arn:aws:s3:::{bucket}/"
        signed = Request("s3:GetObject", objects, known=known | {"aws:principalaccount": account,
                                                                 "aws:principalorgid": org_id},
                         foreign=AWS_BUCKET_KEYS, maybe_absent=AWS_BUCKET_KEYS, ours=ours)
        unsigned = Request("s3:GetObject", objects, known=known, foreign=AWS_BUCKET_KEYS | PRINCIPAL_KEYS,
                           maybe_absent=AWS_BUCKET_KEYS | PRINCIPAL_KEYS, ours=ours)
        answers[bucket] = (decide(policy, signed).allowed, decide(policy, unsigned).allowed)
    return answers
