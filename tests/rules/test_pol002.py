"""POL002 endpoint-policy-wildcard: unscoped wildcard statements, and named principals on gateway endpoints."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from builders import ACCOUNT, FULL_ACCESS_POLICY, REGION, SCOPED_POLICY, RegionBuilder
from policy_eval import allows, policy_findings_after
from rulecheck import findings, fix_of, triples
from typer.testing import CliRunner

from vpcaudit.cli import app
from vpcaudit.engine.runner import RunSettings, run
from vpcaudit.lambda_handler import read_settings
from vpcaudit.network.trust import TrustBoundary
from vpcaudit.rules.pol.pol002_endpoint_policy_wildcard import endpoint_policy_wildcard as rule
from vpcaudit.snapshot.jsonfile import to_json
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


# -- the trusted boundary -------------------------------------------------------------------------

MINE, OTHER = "o-a1b2c3d4e5", "o-f6g7h8i9j0"
PARTNER, STRANGER = "222222222222", "999999999999"
TRUST = TrustBoundary.of(org_ids=[MINE], account_ids=[PARTNER])


def _scoped(operator: str, key: str, values: str | list[str], *, more: dict[str, Any] | None = None) -> str:
    return _policy(Action="kms:*", Resource="*", Condition={operator: {key: values}, **(more or {})})


# (case, policy, expected foreign values; None: not a finding)
TRUST_CASES: list[tuple[str, str, list[str] | None]] = [
    ("trusted organization", _scoped("StringEquals", "aws:PrincipalOrgID", MINE), None),
    ("foreign organization", _scoped("StringEquals", "aws:PrincipalOrgID", OTHER),
     [f"aws:PrincipalOrgID={OTHER}"]),
    ("one foreign value among trusted ones (values are ORed)",
     _scoped("StringEquals", "aws:PrincipalOrgID", [MINE, OTHER]), [f"aws:PrincipalOrgID={OTHER}"]),
    ("wildcard organization", _scoped("StringLike", "aws:PrincipalOrgID", "o-*"), ["aws:PrincipalOrgID=o-*"]),
    ("key spelled in lower case", _scoped("StringEquals", "aws:principalorgid", OTHER),
     [f"aws:PrincipalOrgID={OTHER}"]),
    ("org path under a trusted organization",
     _scoped("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", f"{MINE}/r-ab12/ou-ab12-11111111/*"), None),
    ("org path of a foreign organization", _scoped("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", f"{OTHER}/*"),
     [f"aws:PrincipalOrgPaths={OTHER}/*"]),
    ("org path with a wildcard organization", _scoped("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", "o-*/*"),
     ["aws:PrincipalOrgPaths=o-*/*"]),
    ("trusted account", _scoped("StringEquals", "aws:PrincipalAccount", PARTNER), None),
    ("the endpoint owner's own account, not listed", _scoped("StringEquals", "aws:PrincipalAccount", ACCOUNT), None),
    ("foreign account", _scoped("StringEquals", "aws:PrincipalAccount", STRANGER),
     [f"aws:PrincipalAccount={STRANGER}"]),
    ("principal ARN in a trusted account, any role",
     _scoped("ArnLike", "aws:PrincipalArn", f"arn:aws:iam::{PARTNER}:role/*"), None),
    ("principal ARN in a foreign account", _scoped("ArnLike", "aws:PrincipalArn", f"arn:aws:iam::{STRANGER}:role/app"),
     [f"aws:PrincipalArn=arn:aws:iam::{STRANGER}:role/app"]),
    ("principal ARN with a wildcard account", _scoped("ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:role/app"),
     ["aws:PrincipalArn=arn:aws:iam::*:role/app"]),
    ("resources of the trusted organization", _scoped("StringEquals", "aws:ResourceOrgID", MINE), None),
    ("resources of a foreign account", _scoped("StringEquals", "aws:ResourceAccount", STRANGER),
     [f"aws:ResourceAccount={STRANGER}"]),
    ("resources of the caller's account (a policy variable is no boundary)",
     _scoped("StringEquals", "aws:ResourceAccount", "${aws:PrincipalAccount}"),
     ["aws:ResourceAccount=${aws:PrincipalAccount}"]),
    ("a trusted condition ANDed with a foreign one still confines the statement",
     _scoped("StringEquals", "aws:PrincipalOrgID", MINE, more={"StringLike": {"aws:PrincipalAccount": STRANGER}}),
     None),
]


@pytest.mark.parametrize(("policy", "foreign"), [c[1:] for c in TRUST_CASES], ids=[c[0] for c in TRUST_CASES])
def test_pol002_with_a_trusted_boundary(policy: str, foreign: list[str] | None) -> None:
    b, endpoint = _interface(policy)
    found = findings(rule, b.snapshot(), trust=TRUST)
    assert [f.resource.resource_id for f in found] == ([endpoint] if foreign else [])
    if foreign:
        assert found[0].evidence["foreign_values"] == sorted(foreign)
        assert "reach beyond the trusted boundary (organizations o-a1b2c3d4e5; accounts 222222222222, and the " \
               f"endpoint owner {ACCOUNT}): {', '.join(foreign)}" in found[0].message


@pytest.mark.parametrize("policy", [c[1] for c in TRUST_CASES if c[2]], ids=[c[0] for c in TRUST_CASES if c[2]])
def test_pol002_without_a_boundary_any_concrete_value_scopes(policy: str) -> None:
    b, _ = _interface(policy)
    assert triples(rule, b.snapshot()) == set()


def test_pol002_with_only_organizations_trusted_an_unlisted_account_is_foreign() -> None:
    b, endpoint = _interface(_scoped("StringEquals", "aws:PrincipalAccount", PARTNER))
    only_orgs = TrustBoundary.of(org_ids=[MINE])
    assert triples(rule, b.snapshot(), trust=only_orgs) == {("POL002", endpoint, "fail")}
    b, _ = _interface(_scoped("StringEquals", "aws:PrincipalAccount", ACCOUNT))
    assert triples(rule, b.snapshot(), trust=only_orgs) == set()


def test_pol002_for_all_values_does_not_scope() -> None:
    """ForAllValues is true when the key is absent: a principal outside any organization passes."""
    b, endpoint = _interface(_scoped("ForAllValues:StringLike", "aws:PrincipalOrgPaths", f"{MINE}/*"))
    assert triples(rule, b.snapshot()) == {("POL002", endpoint, "fail")}
    assert "no scoping condition" in findings(rule, b.snapshot())[0].message


def test_pol002_narrow_statement_needs_no_boundary() -> None:
    b, _ = _interface(_policy(Action=["kms:Decrypt"], Resource="arn:aws:kms:us-east-1:111111111111:key/abc",
                              Condition={"StringEquals": {"aws:PrincipalOrgID": OTHER}}))
    assert triples(rule, b.snapshot(), trust=TRUST) == set()


def test_run_settings_carry_the_boundary_to_the_rules() -> None:
    b, endpoint = _interface(_scoped("StringEquals", "aws:PrincipalOrgID", OTHER))
    without = run(b.snapshot(), [rule], RunSettings())
    with_trust = run(b.snapshot(), [rule], RunSettings(trust=TRUST))
    assert [f.resource.resource_id for f in without.findings] == []
    assert [f.resource.resource_id for f in with_trust.findings] == [endpoint]


def test_the_trusted_boundary_comes_from_the_config_file_and_the_lambda_event(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """vpcaudit.toml's trusted-org-ids / trusted-accounts reach POL002 through the CLI; the same
    settings are Lambda event keys; a malformed id is refused naming the setting."""
    b, endpoint = _interface(_policy(Action="*", Resource="*",
                                     Condition={"StringEquals": {"aws:PrincipalOrgID": "o-someoneelse1"}}))
    snap = tmp_path / "snap.json"
    snap.write_text(to_json(b.snapshot()), encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    def pol002() -> list[dict[str, Any]]:
        done = CliRunner().invoke(app, ["audit", str(snap), "--select", "POL002", "-f", "json"])
        assert done.exit_code == 0, done.output
        return [f for f in json.loads(done.stdout)["findings"] if f["rule_id"] == "POL002"]

    assert pol002() == []  # no boundary: any concrete organization scopes
    (tmp_path / "vpcaudit.toml").write_text('trusted-org-ids = ["o-ourorg12345"]\n', encoding="utf-8")
    [finding] = pol002()
    assert finding["resource"]["resource_id"] == endpoint and "o-someoneelse1" in finding["message"]
    (tmp_path / "vpcaudit.toml").write_text('trusted-accounts = ["12345"]\n', encoding="utf-8")
    done = CliRunner().invoke(app, ["audit", str(snap), "--select", "POL002"])
    assert done.exit_code == 2 and done.stderr.startswith("error: trusted-accounts: not a 12-digit account id: '12345'")
    options = read_settings({"trusted_org_ids": "o-ourorg12345", "regions": [REGION]}, {}).audit
    assert options.trusted_org_ids == ("o-ourorg12345",)


def test_fix_proposes_the_scoped_policy_after_a_decision() -> None:
    b, endpoint = _interface(_policy(Action="kms:*", Resource="*"))
    assert [(a, p["VpcEndpointId"], ready) for a, p, _, ready in fix_of(rule, b.snapshot(), endpoint)] == [
        ("ec2:ModifyVpcEndpoint", endpoint, False)]


# -- S3 endpoints: the fix keeps the AWS-owned buckets workloads read, and passes POL002 -----------

AWS_OWNED_READS = {"Sid": "AWSOwnedBucketsRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                   "Resource": [f"arn:aws:s3:::prod-{REGION}-starport-layer-bucket/*",
                                f"arn:aws:s3:::al2023-repos-{REGION}-de612dc2/*"]}


@pytest.mark.parametrize("trust", [TrustBoundary(), TRUST], ids=["no boundary", "trusted boundary"])
def test_reads_of_named_aws_owned_buckets_by_anyone_are_no_wildcard(trust: TrustBoundary) -> None:
    """The ECR guide's own S3 endpoint statement (``s3:GetObject`` on the layer bucket to
    ``Principal: *``, no condition): named objects and one read action are the guardrail, and no
    principal condition could admit the layer URLs ECR's account signs."""
    b, _ = _gateway(json.dumps({"Version": "2012-10-17", "Statement": [AWS_OWNED_READS]}))
    assert findings(rule, b.snapshot(), trust=trust) == []


def test_fix_for_an_s3_endpoint_keeps_ecr_layers_readable_and_passes_once_applied() -> None:
    b, endpoint = _gateway(_policy(Action="s3:*", Resource="*"))
    [(_, parameters, _, _)] = fix_of(rule, b.snapshot(), endpoint)
    document = parameters["PolicyDocument"]
    layer = f"arn:aws:s3:::prod-{REGION}-starport-layer-bucket/sha256/0a1b2c"
    assert allows(document, "s3:GetObject", layer, {"aws:PrincipalAccount": STRANGER})
    assert not allows(document, "s3:PutObject", layer, {"aws:PrincipalAccount": STRANGER})
    assert policy_findings_after(b, endpoint, document) == set()


@pytest.mark.parametrize("resource", ["arn:aws:s3:::*", "arn:aws:s3:::*/*", "arn:aws:sqs:us-east-1:*:*"])
def test_an_arn_naming_every_resource_of_every_account_is_resource_star(resource: str) -> None:
    """"If the * wildcard is the last character of a resource ARN segment, it can expand to match
    beyond the colon boundaries" (IAM): ``arn:aws:s3:::*`` is every bucket and object of every
    account, and a VPC-only condition (always true through the endpoint) scopes nothing."""
    document = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": ["s3:PutObject", "s3:GetObject"], "Resource": resource,
        "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-0a1b2c3d4e5f60718"}}}]})
    b = RegionBuilder()
    vpc = b.vpc()
    endpoint = b.gateway_endpoint(vpc, "s3", route_tables=[b.main_route_table(vpc)], policy=document)
    (finding,) = findings(rule, b.snapshot())
    assert finding.resource.resource_id == endpoint
    assert f"Resource {resource} (every resource, in every account)" in finding.message


@pytest.mark.parametrize("resource", ["arn:aws:s3:::my-bucket/*", "arn:aws:s3:::*sagemaker*",
                                      "arn:aws:sqs:us-east-1:111122223333:*"])
def test_an_arn_naming_some_buckets_or_one_account_is_not(resource: str) -> None:
    document = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": resource}]})
    b = RegionBuilder()
    vpc = b.vpc()
    b.gateway_endpoint(vpc, "s3", route_tables=[b.main_route_table(vpc)], policy=document)
    assert triples(rule, b.snapshot()) == set()
