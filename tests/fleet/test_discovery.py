"""Organization discovery: which accounts --org / --ou / --exclude-account cover, the role ARN built per
account and partition, suspended and closing accounts skipped and listed, bad settings refused
before any AWS call; and the settings reach every face (CLI, vpcaudit.toml, the Lambda event)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from aws_env import fake_aws_env
from botocore.awsrequest import AWSResponse
from moto import mock_aws
from org_estate import MANAGEMENT, Organization, add_member, create_organization, suspend

from vpcaudit import api
from vpcaudit.aws.accounts import ROLE_CLIENT_OPERATIONS
from vpcaudit.aws.clients import ClientFactory
from vpcaudit.aws.organization import Discovery, account_state, discover
from vpcaudit.config import read_config
from vpcaudit.errors import CollectionError, ThrottledError, UsageError
from vpcaudit.lambda_handler import read_settings
from vpcaudit.options import collect_options


@pytest.fixture
def org(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[boto3.session.Session, Organization, dict[str, str]]]:
    fake_aws_env(monkeypatch)
    with mock_aws():
        session = boto3.session.Session(region_name="us-east-1")
        org = create_organization(session)
        accounts = {"prod": add_member(session, org, "prod", org.prod), "work": add_member(session, org, "work",
                                                                                            org.workloads),
                    "root": add_member(session, org, "root", org.root), "gone": add_member(session, org, "gone",
                                                                                            org.prod)}
        suspend(session, org, accounts["gone"])
        yield session, org, accounts


def found(session: boto3.session.Session, **settings: Any) -> api.Discovered:
    return api.discover(collect_options({"role_name": "audit", **settings}), session=session)


def test_org_lists_every_active_account_and_skips_the_suspended_one(org: Any) -> None:
    session, _, accounts = org
    result = found(session, org=True)
    assert {m.account_id for m in result.members} == {MANAGEMENT, accounts["prod"], accounts["work"], accounts["root"]}
    assert [(s.account_id, s.name, s.state) for s in result.skipped] == [(accounts["gone"], "gone", "SUSPENDED")]
    assert all(m.role_arn == f"arn:aws:iam::{m.account_id}:role/audit" for m in result.members)


def test_an_ou_covers_its_child_ous_and_exclusions_are_listed(org: Any) -> None:
    session, tree, accounts = org
    workloads = found(session, ous=[tree.workloads])
    assert {m.account_id for m in workloads.members} == {accounts["prod"], accounts["work"]}  # prod is below it
    assert [s.account_id for s in workloads.skipped] == [accounts["gone"]]
    without_work = found(session, ous=[tree.workloads], exclude_accounts=[accounts["work"]])
    assert ([m.account_id for m in without_work.members], without_work.excluded) == ([accounts["prod"]],
                                                                                     (accounts["work"],))
    with pytest.raises(CollectionError, match=r"no ACTIVE account .* \(1 skipped for their state, 1 excluded\)"):
        found(session, ous=[tree.prod], exclude_accounts=[accounts["prod"]])


def test_the_role_arn_is_built_in_the_credentials_partition(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_aws_env(monkeypatch)
    session = boto3.session.Session(region_name="us-gov-west-1")
    answer = {"Accounts": [{"Id": "111111111111", "Name": "gov", "Status": "ACTIVE"},
                           {"Id": "222222222222", "Name": "closing", "Status": "PENDING_CLOSURE"}]}
    factory = ClientFactory(session, operations=ROLE_CLIENT_OPERATIONS)
    client = factory.client("organizations", "us-gov-west-1")
    client.meta.events.register("before-call.organizations.ListAccounts",
                                lambda **_: (AWSResponse("", 200, {}, None), answer))
    result = discover(factory, "us-gov-west-1", Discovery("audit/vpcaudit"))
    assert [m.role_arn for m in result.members] == ["arn:aws-us-gov:iam::111111111111:role/audit/vpcaudit"]
    assert [(s.account_id, s.state) for s in result.skipped] == [("222222222222", "PENDING_CLOSURE")]


@pytest.mark.parametrize(("account", "state"), [
    ({"State": "PENDING_ACTIVATION", "Status": "ACTIVE"}, "PENDING_ACTIVATION"),  # State wins where present
    ({"Status": "SUSPENDED"}, "SUSPENDED"),  # Status until AWS retires it
    ({}, "UNKNOWN"),
])
def test_account_state_prefers_state_over_the_retiring_status(account: dict[str, str], state: str) -> None:
    assert account_state(account) == state


@pytest.mark.parametrize(("code", "error", "says"), [
    ("AccessDeniedException", CollectionError, "management account or a delegated administrator"),
    ("TooManyRequestsException", ThrottledError, "still throttled"),
])
def test_an_organization_that_cannot_be_listed_stops_the_run(monkeypatch: pytest.MonkeyPatch, code: str,
                                                             error: type[Exception], says: str) -> None:
    fake_aws_env(monkeypatch)
    factory = ClientFactory(boto3.session.Session(region_name="us-east-1"), operations=ROLE_CLIENT_OPERATIONS,
                            max_attempts=1)
    body = {"Error": {"Code": code, "Message": "no"}, "ResponseMetadata": {"HTTPStatusCode": 400}}
    factory.client("organizations", "us-east-1").meta.events.register(
        "before-call.organizations.ListAccounts", lambda **_: (AWSResponse("", 400, {}, None), body))
    with pytest.raises(error, match=says) as caught:
        discover(factory, "us-east-1", Discovery("audit"))
    assert caught.value.setting == "org"  # type: ignore[attr-defined]


@pytest.mark.parametrize(("settings", "setting", "says"), [
    ({"org": True}, "role_name", "role to assume"),
    ({"org": True, "role_name": "a b"}, "role_name", "not an IAM role name"),
    ({"role_name": "audit"}, "role_name", "needs org or ous"),
    ({"exclude_accounts": ["111111111111"]}, "exclude_accounts", "needs org or ous"),
    ({"org": True, "ous": ["ou-ab12-abcdefgh"], "role_name": "a"}, "ous", "org already covers"),
    ({"ous": ["ou-nope"], "role_name": "a"}, "ous", "not an organizational unit"),
    ({"org": True, "role_name": "a", "exclude_accounts": ["12"]}, "exclude_accounts", "12-digit"),
    ({"org": True, "role_name": "a", "role_arns": ["arn:aws:iam::111111111111:role/x"]}, "role_arns",
     "give role ARNs, or the organization"),
])
def test_bad_discovery_settings_are_refused_before_any_call(settings: dict[str, Any], setting: str,
                                                            says: str) -> None:
    with pytest.raises(UsageError, match=says) as caught:
        collect_options(settings)
    assert caught.value.setting == setting


def test_discovery_settings_reach_the_config_file_and_the_lambda_event(tmp_path: Path) -> None:
    config = tmp_path / "vpcaudit.toml"
    config.write_text('org = true\nrole-name = "vpcaudit-member"\nexclude-accounts = ["111111111111"]\n'
                      'external-id = "x-1"\nconcurrency = 64\n', encoding="utf-8")
    from_file = collect_options(read_config(config).values)
    from_event = read_settings({"org": True, "role_name": "vpcaudit-member", "exclude_accounts": "111111111111",
                                "external_id": "x-1", "concurrency": 64}, {}).collect
    for options in (from_file, from_event):
        assert options.accounts.discovery == Discovery("vpcaudit-member", (), frozenset({"111111111111"}))
        assert (options.accounts.external_id, options.concurrency) == ("x-1", 64)


def test_scan_with_org_collects_the_members_through_their_roles_and_lists_the_skipped(org: Any) -> None:
    session, tree, accounts = org
    outcome = api.collect(collect_options({"ous": [tree.workloads], "role_name": "audit", "regions": ["us-east-1"]}),
                          session=session)
    snapshot = outcome.snapshot
    assert {a.account_id for a in snapshot.accounts} == {accounts["prod"], accounts["work"]}
    assert all(a.role is not None and a.role.role_arn.endswith(":role/audit") for a in snapshot.accounts)
    assert [s.account_id for s in snapshot.skipped_accounts] == [accounts["gone"]]
    # One listing of accounts and one of child OUs per OU visited: workloads and prod.
    assert outcome.calls["organizations:ListAccountsForParent"] == 2
    assert outcome.calls["organizations:ListOrganizationalUnitsForParent"] == 2
