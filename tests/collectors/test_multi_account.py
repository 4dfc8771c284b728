"""Many accounts in one collection: each role's account is assumed and collected, all merge into
one snapshot, and an account whose role cannot be assumed is recorded as denied, not fatal.

moto gives every account id a separate state: assuming ``arn:aws:iam::222222222222:role/…``
returns credentials that see only account 222222222222's VPCs. The refused role needs IAM
enforcement, which the moto server turns on with ``POST /moto-api/reset-auth``.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import NoCredentialsError
from moto_server import moto_control
from typer.testing import CliRunner

from vpcaudit import api
from vpcaudit.aws.accounts import AccountPlan, plan_accounts
from vpcaudit.aws.clients import ClientFactory
from vpcaudit.aws.guard import ROLE_ASSUMPTION
from vpcaudit.cli import app
from vpcaudit.collectors.catalog import collector_operations
from vpcaudit.collectors.run import collect_accounts
from vpcaudit.engine.result import Outcome
from vpcaudit.errors import CredentialsError, ReadOnlyViolation, UsageError
from vpcaudit.snapshot.jsonfile import from_json, to_json
from vpcaudit.snapshot.model import AccountSnapshot, Part, RegionSnapshot, RoleAccess, ScopeStatus, Snapshot, State

REGION = "us-east-1"
BASE = "123456789012"  # moto's default account: the base credentials' own
CIDRS = {BASE: "10.1.0.0/16", "222222222222": "10.2.0.0/16", "333333333333": "10.3.0.0/16"}
PARTS = {Part.VPCS, Part.SUBNETS}


def role_arn(account_id: str) -> str:
    return f"arn:aws:iam::{account_id}:role/audit"


def assumed(base: boto3.session.Session, account_id: str, endpoint_url: str | None = None) -> boto3.session.Session:
    """What an administrator of ``account_id`` would use to seed it (plain boto3, no vpcaudit)."""
    creds = base.client("sts", endpoint_url=endpoint_url).assume_role(
        RoleArn=role_arn(account_id), RoleSessionName="seed")["Credentials"]
    return boto3.session.Session(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"],
                                 region_name=REGION)


def seed(base: boto3.session.Session, endpoint_url: str | None = None) -> None:
    """One VPC of its own in each of the three accounts."""
    for account_id, cidr in CIDRS.items():
        owner = base if account_id == BASE else assumed(base, account_id, endpoint_url)
        owner.client("ec2", endpoint_url=endpoint_url).create_vpc(CidrBlock=cidr)


def own_cidrs(account: AccountSnapshot) -> list[str]:
    """CIDRs of the account's non-default VPCs."""
    return [c for reg in account.regions for v in reg.vpcs if not v.is_default for c in v.cidr_blocks]


# -- which accounts ----------------------------------------------------------------------------

def test_roles_and_the_accounts_file_merge_in_order_without_duplicates(tmp_path: Path) -> None:
    listing = tmp_path / "roles.txt"
    listing.write_text(f"# production\n{role_arn('333333333333')}  # payments\n\n  {role_arn('222222222222')}\n",
                       encoding="utf-8")
    plan = plan_accounts([role_arn("222222222222")], listing, external_id="ext-1", session_name="nightly")
    assert [r.account_id for r in plan.roles] == ["222222222222", "333333333333"]
    assert {r.external_id for r in plan.roles} == {"ext-1"}
    assert (plan.session_name, plan.include_base) == ("nightly", False)
    assert plan_accounts() == AccountPlan() and plan_accounts(include_base=True).roles == ()


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"role_arns": ["arn:aws:iam::2222:role/audit"]}, "role_arns: not an IAM role ARN: 'arn:aws:iam::2222"),
    ({"role_arns": ["arn:aws:iam::222222222222:user/bob"]}, "not an IAM role ARN"),
    ({"role_arns": [role_arn("222222222222"), "arn:aws:iam::222222222222:role/other"]},
     "role_arns: two roles in account 222222222222"),
    ({"external_id": "ext-1"}, "external_id: it is passed to sts:AssumeRole, so it needs role ARNs"),
    ({"role_arns": [role_arn("222222222222")], "external_id": "x"}, "external_id: 2 to 1224"),
    ({"role_arns": [role_arn("222222222222")], "session_name": "has space"}, "role_session_name: 'has space'"),
])
def test_malformed_input_is_refused_before_any_call(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("(", r"\(")):
        plan_accounts(**kwargs)


def test_accounts_file_problems_name_the_file_and_line(tmp_path: Path) -> None:
    listing = tmp_path / "roles.txt"
    listing.write_text(f"{role_arn('222222222222')}\narn:aws:iam::33:role/x\n", encoding="utf-8")
    with pytest.raises(UsageError, match=f"accounts_file: {listing} line 2: not an IAM role ARN"):
        plan_accounts(accounts_file=listing)
    listing.write_text("# nothing yet\n", encoding="utf-8")
    with pytest.raises(UsageError, match="no role ARN in the file"):
        plan_accounts(accounts_file=listing)
    with pytest.raises(UsageError, match="cannot read: No such file"):
        plan_accounts(accounts_file=tmp_path / "missing.txt")


def test_only_the_role_assuming_factory_may_call_assume_role(session: boto3.session.Session) -> None:
    params = {"RoleArn": role_arn("222222222222"), "RoleSessionName": "vpcaudit"}
    assuming = ClientFactory(session, operations=ROLE_ASSUMPTION)
    assert assuming.client("sts", REGION).assume_role(**params)["Credentials"]["AccessKeyId"]
    with pytest.raises(ReadOnlyViolation, match="refused ec2:CreateVpc"):  # still read-only otherwise
        assuming.client("ec2", REGION).create_vpc(CidrBlock="10.9.0.0/16")
    with pytest.raises(ReadOnlyViolation, match="refused sts:AssumeRole"):  # what collectors get
        ClientFactory(session, operations=collector_operations()).client("sts", REGION).assume_role(**params)
    with pytest.raises(ValueError, match="not on the read-only guard's allow-list: ec2:CreateVpc"):
        ClientFactory(session, operations=frozenset({"ec2:CreateVpc"}))


# -- collecting them (in-process moto) ---------------------------------------------------------

def test_two_roles_and_the_base_account_make_one_snapshot(session: boto3.session.Session) -> None:
    seed(session)
    seen: list[tuple[int, int, str]] = []
    plan = plan_accounts([role_arn("333333333333"), role_arn("222222222222")], include_base=True)
    outcome = collect_accounts(session, [REGION], PARTS, accounts=plan,
                               progress=lambda done, total, label: seen.append((done, total, label)))
    accounts = outcome.snapshot.accounts
    assert [a.account_id for a in accounts] == [BASE, "222222222222", "333333333333"]
    for account in accounts:
        assert own_cidrs(account) == [CIDRS[account.account_id]]
        assert {s.part: s.state for s in account.regions[0].status if s.part in PARTS} == dict.fromkeys(PARTS, State.OK)
        assert account.refused is None and account.role == (RoleAccess(role_arn(account.account_id))
                                                             if account.account_id != BASE else None)
    # One identity check up front, then each account's own; one AssumeRole per role.
    assert outcome.calls["sts:GetCallerIdentity"] == 4 and outcome.calls["sts:AssumeRole"] == 2
    assert outcome.calls["ec2:DescribeVpcs"] == 3
    assert outcome.snapshot.options["role_arns"] == [role_arn("222222222222"), role_arn("333333333333")]
    # The progress bar counts every account's tasks (2 parts each) and ends full.
    assert seen[-1][0] == seen[-1][1] == 6
    assert {label.split()[0] for _, _, label in seen if label} == set(CIDRS)


def test_without_include_base_only_the_roles_accounts_are_collected(session: boto3.session.Session) -> None:
    seed(session)
    outcome = collect_accounts(session, [REGION], PARTS,
                               accounts=plan_accounts([role_arn("222222222222"), role_arn("333333333333")]))
    assert [a.account_id for a in outcome.snapshot.accounts] == ["222222222222", "333333333333"]
    assert [own_cidrs(a) for a in outcome.snapshot.accounts] == [["10.2.0.0/16"], ["10.3.0.0/16"]]


def test_external_id_and_session_name_reach_assume_role(session: boto3.session.Session) -> None:
    sent: list[dict[str, Any]] = []
    session.events.register("provide-client-params.sts.AssumeRole", lambda params, **_: sent.append(dict(params)))
    plan = plan_accounts([role_arn("222222222222")], external_id="org-audit", session_name="nightly")
    collect_accounts(session, [REGION], {Part.VPCS}, accounts=plan)
    assert sent == [{"RoleArn": role_arn("222222222222"), "RoleSessionName": "nightly", "ExternalId": "org-audit"}]


def test_a_role_in_the_base_account_cannot_also_be_collected_as_the_base(session: boto3.session.Session) -> None:
    with pytest.raises(UsageError, match=f"{role_arn(BASE)} is in the base credentials' own account"):
        collect_accounts(session, [REGION], PARTS, accounts=plan_accounts([role_arn(BASE)], include_base=True))
    # Without --include-base-account, collecting one's own account through a role is fine.
    outcome = collect_accounts(session, [REGION], PARTS, accounts=plan_accounts([role_arn(BASE)]))
    assert [a.account_id for a in outcome.snapshot.accounts] == [BASE]


def test_missing_base_credentials_stop_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    session = boto3.session.Session(region_name=REGION)
    with pytest.raises(NoCredentialsError):
        session.client("sts").get_caller_identity()
    with pytest.raises(CredentialsError, match="no AWS credentials found"):
        collect_accounts(session, [REGION], PARTS, accounts=plan_accounts([role_arn("222222222222")]))


def test_no_roles_is_the_single_account_collection(session: boto3.session.Session) -> None:
    outcome = collect_accounts(session, [REGION], PARTS, accounts=AccountPlan())
    assert [a.account_id for a in outcome.snapshot.accounts] == [BASE]
    assert "sts:AssumeRole" not in outcome.calls and "role_arns" not in outcome.snapshot.options


# -- a role that may not be assumed (moto server with IAM enforcement) -------------------------

ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def enforcing_server(url: str) -> boto3.session.Session:
    """Three accounts with a VPC each and a role ``audit`` in 222… and 333…; the base identity is
    an IAM user that may assume only 222…'s role. Returns that user's session, IAM enforced."""
    base = boto3.session.Session(region_name=REGION)
    seed(base, url)
    iam = base.client("iam", endpoint_url=url)
    iam.create_user(UserName="auditor")
    key = iam.create_access_key(UserName="auditor")["AccessKey"]
    iam.put_user_policy(UserName="auditor", PolicyName="audit", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn("222222222222")},
            {"Effect": "Allow", "Action": ["sts:GetCallerIdentity", "ec2:Describe*"], "Resource": "*"}]}))
    for account_id in ("222222222222", "333333333333"):
        owner = assumed(base, account_id, url).client("iam", endpoint_url=url)
        owner.create_role(RoleName="audit", AssumeRolePolicyDocument=json.dumps(ALLOW_ALL))
        owner.put_role_policy(RoleName="audit", PolicyName="read", PolicyDocument=json.dumps(ALLOW_ALL))
    moto_control(url, "reset-auth", b"0")
    return boto3.session.Session(key["AccessKeyId"], key["SecretAccessKey"], region_name=REGION)


def test_a_refused_role_leaves_its_account_denied_and_the_others_collected(
        moto_url: str) -> None:
    auditor = enforcing_server(moto_url)
    plan = plan_accounts([role_arn("222222222222"), role_arn("333333333333")], include_base=True)
    outcome = collect_accounts(auditor, [REGION, "eu-west-1"], PARTS, accounts=plan, endpoint_url=moto_url)
    base, good, refused = outcome.snapshot.accounts
    assert [a.account_id for a in (base, good, refused)] == [BASE, "222222222222", "333333333333"]
    assert own_cidrs(base) == [CIDRS[BASE]] and own_cidrs(good) == [CIDRS["222222222222"]]
    assert base.refused is None and good.refused is None
    # Every requested part of every requested region of 333… is denied, with the role in the message.
    assert [r.region for r in refused.regions] == ["eu-west-1", REGION]
    statuses = [s for reg in refused.regions for s in reg.status if s.part in PARTS]
    assert len(statuses) == 4
    assert {(s.state, s.error_code) for s in statuses} == {(State.DENIED, "AccessDenied")}
    assert all(s.message and s.message.startswith(f"role {role_arn('333333333333')}: sts:AssumeRole denied")
               for s in statuses)
    assert refused.regions[0].vpcs == ()
    assert refused.refused is not None and refused.refused.role_arn == role_arn("333333333333")
    assert (refused.refused.state, refused.refused.error_code) == (State.DENIED, "AccessDenied")
    # The audit says so: every rule is not evaluated there (never passed), so --strict exits 3.
    result = api.audit(outcome.snapshot)
    refused_scopes = [s for s in result.scopes if s.account_id == "333333333333"]
    assert refused_scopes and {s.outcome for s in refused_scopes} == {Outcome.NOT_EVALUATED}
    # (a rule needing opt-in data nobody asked for, NAT004's metrics, is not run at all)
    needing = {r.id for r in api.rules().rules if set(r.needs) & PARTS and not any(p.opt_in for p in r.needs)}
    assert {s.rule_id for s in refused_scopes if "denied (AccessDenied)" in s.detail} == needing
    assert result.incomplete


def test_a_refused_role_with_all_regions_covers_the_regions_the_others_have(
        moto_url: str) -> None:
    auditor = enforcing_server(moto_url)
    plan = plan_accounts([role_arn("222222222222"), role_arn("333333333333")])
    outcome = collect_accounts(auditor, None, {Part.VPCS}, accounts=plan, endpoint_url=moto_url)
    good, refused = outcome.snapshot.accounts
    assert len(good.regions) > 10
    assert [r.region for r in refused.regions] == [r.region for r in good.regions]
    assert {r.state_of(Part.VPCS).state for r in refused.regions} == {State.DENIED}


def test_the_cli_prints_one_line_per_refused_account(moto_url: str, monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path) -> None:
    auditor = enforcing_server(moto_url)
    creds = auditor.get_credentials()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", creds.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", creds.secret_key)
    listing = tmp_path / "roles.txt"
    listing.write_text(f"{role_arn('222222222222')}\n{role_arn('333333333333')}\n", encoding="utf-8")
    snap = tmp_path / "snap.json"
    result = CliRunner().invoke(app, ["collect", "--endpoint-url", moto_url, "--region", REGION, "--accounts-file",
                                      str(listing), "-o", str(snap), "--quiet"])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"account 333333333333 not collected: denied [AccessDenied] role "
                               f"{role_arn('333333333333')}: sts:AssumeRole denied")
    accounts = json.loads(snap.read_text(encoding="utf-8"))["accounts"]
    assert [a["account_id"] for a in accounts] == ["222222222222", "333333333333"]


def test_a_refused_account_is_data_that_survives_the_snapshot_file(tmp_path: Path) -> None:
    refused = AccountSnapshot("333333333333", (RegionSnapshot(REGION, (
        ScopeStatus(Part.VPCS, State.DENIED, "AccessDenied", "ec2:DescribeVpcs denied"),)),),
        role=RoleAccess(role_arn("333333333333"), State.DENIED, "AccessDenied", "sts:AssumeRole denied"))
    # Denied everywhere, each part for its own reason, but reached: ordinary gaps, not a refusal.
    reached = replace(refused, account_id=BASE, role=RoleAccess(role_arn(BASE)))
    snapshot = Snapshot("1.1", "0", "2026-01-01T00:00:00Z", (refused, reached))
    loaded = from_json(to_json(snapshot))
    by_id = {a.account_id: a for a in loaded.accounts}
    assert by_id["333333333333"].refused == refused.role and by_id[BASE].refused is None
