"""The scheduled-audit Lambda handler: settings from the event or ``VPCAUDIT_*``, a bounded
summary back, the full result as one JSON line on stdout, reports only where asked.

The estate (in-process moto, fake credentials): one VPC with an internet gateway, a public
subnet holding the only NAT gateway, private subnets in that AZ and another one routed to it,
and an S3 gateway endpoint with AWS's default full-access policy; no flow logs. The rule catalogue says
that is exactly five failing findings: NAT002 (the other AZ's private subnet crosses AZs to
the NAT), NAT003 (that AZ has no NAT of its own), POL001 (full-access endpoint policy),
MON001 (no flow log) — all medium — and GWE003 (no DynamoDB gateway endpoint, low).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from aws_env import fake_aws_env
from moto import mock_aws
from moto.core import set_initial_no_auth_action_count
from schema_check import check_result

from vpcaudit import lambda_handler
from vpcaudit.engine.result import AuditResult, Outcome, ScopeResult
from vpcaudit.errors import CredentialsError, UsageError, VpcauditError
from vpcaudit.lambda_handler import handler

REGION = "us-east-1"
BASE = "123456789012"  # moto's default account
OPT_IN_RULES = ["IFE006", "NAT004", "POL004"]  # need --with data the default run does not collect


def role_arn(account_id: str) -> str:
    return f"arn:aws:iam::{account_id}:role/audit"


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake keys, no profile or config file, no instance metadata, no VPCAUDIT_* from the shell."""
    fake_aws_env(monkeypatch)
    for name in [name for name in os.environ if name.startswith(lambda_handler.ENV_PREFIX)]:
        monkeypatch.delenv(name)


@dataclass(frozen=True)
class Estate:
    vpc: str
    private_a: str
    private_b: str
    endpoint: str

    def expected_top(self) -> list[tuple[str, str, str]]:
        """(rule, severity, resource ARN) in the summary's order: worst first, then rule id."""
        arn = f"arn:aws:ec2:{REGION}:{BASE}"
        return [("MON001", "medium", f"{arn}:vpc/{self.vpc}"),
                ("NAT002", "medium", f"{arn}:subnet/{self.private_b}"),
                ("NAT003", "medium", f"{arn}:vpc/{self.vpc}"),
                ("POL001", "medium", f"{arn}:vpc-endpoint/{self.endpoint}"),
                ("GWE003", "low", f"{arn}:vpc/{self.vpc}")]


def build_estate(session: boto3.session.Session) -> Estate:
    ec2 = session.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)

    def subnet(cidr: str, az: str) -> str:
        return str(ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=az)["Subnet"]["SubnetId"])

    public, private_a, private_b = subnet("10.0.0.0/24", "us-east-1a"), subnet("10.0.1.0/24", "us-east-1a"), \
        subnet("10.0.2.0/24", "us-east-1b")
    public_rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=public_rt, SubnetId=public)
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=public, AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    private_rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=private_rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    for private in (private_a, private_b):
        ec2.associate_route_table(RouteTableId=private_rt, SubnetId=private)
    endpoint = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{REGION}.s3",
                                       VpcEndpointType="Gateway", RouteTableIds=[private_rt])
    return Estate(vpc, private_a, private_b, endpoint["VpcEndpoint"]["VpcEndpointId"])


@pytest.fixture
def estate(aws_env: None) -> Iterator[Estate]:
    with mock_aws():
        yield build_estate(boto3.session.Session(region_name=REGION))


def top(summary: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(f["rule_id"], f["severity"], f["resource"]) for f in summary["top_findings"]]


def logged(out: str) -> dict[str, Any]:
    """The one JSON line the handler wrote to stdout."""
    lines = out.splitlines()
    assert len(lines) == 1
    record: dict[str, Any] = json.loads(lines[0])
    check_result(record["result"])
    return record


# -- the summary -------------------------------------------------------------------------------

def test_summary_counts_top_findings_and_exit_code(estate: Estate, capsys: pytest.CaptureFixture[str]) -> None:
    summary = handler({"regions": [REGION]}, None)
    assert json.loads(json.dumps(summary)) == summary  # what Lambda returns must serialise
    assert (summary["accounts"], summary["regions"]) == ([BASE], [REGION])
    assert summary["counts"]["fail"] == {"critical": 0, "high": 0, "medium": 4, "low": 1, "info": 0}
    assert all(set(by_severity.values()) == {0} for status, by_severity in summary["counts"].items()
               if status != "fail")
    assert summary["failing"] == 5
    assert top(summary) == estate.expected_top()
    assert all(f["message"] for f in summary["top_findings"])
    assert (summary["exit_code"], summary["fail_on"], summary["strict"]) == (0, "high", False)  # nothing high
    assert summary["not_evaluated"] == [] and summary["accounts_not_collected"] == []
    assert summary["not_run_without_opt_in"] == OPT_IN_RULES
    assert summary["api_calls"] > 0 and summary["duration_seconds"] > 0
    assert "reports" not in summary and "written" not in summary
    # The full result is one JSON line on stdout: the summary, then every finding with its fingerprint.
    record = logged(capsys.readouterr().out)
    assert record["summary"] == summary
    findings = record["result"]["findings"]
    assert sorted(f["rule_id"] for f in findings) == sorted(rule for rule, _, _ in estate.expected_top())
    assert all(len(f["fingerprint"]) == 32 for f in findings)


def test_fail_on_and_selection_decide_the_exit_code(estate: Estate) -> None:
    medium = handler({"regions": [REGION], "fail_on": "medium"}, None)
    assert medium["exit_code"] == 1
    only_low = handler({"regions": [REGION], "select": "GWE", "ignore": ["GWE001"], "min_severity": "LOW"}, None)
    assert top(only_low) == estate.expected_top()[-1:]
    assert only_low["exit_code"] == 0 and only_low["failing"] == 1


def test_top_findings_are_capped(estate: Estate, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lambda_handler, "TOP_FINDINGS", 2)
    summary = handler({"regions": [REGION]}, None)
    assert top(summary) == estate.expected_top()[:2] and summary["failing"] == 5


def test_settings_fall_back_to_the_environment_and_the_event_wins(estate: Estate,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VPCAUDIT_REGIONS", REGION)
    monkeypatch.setenv("VPCAUDIT_SELECT", "NAT002,NAT003")
    monkeypatch.setenv("VPCAUDIT_FAIL_ON", "medium")
    monkeypatch.setenv("VPCAUDIT_STRICT", "true")
    from_env = handler(None, None)
    assert top(from_env) == estate.expected_top()[1:3]
    assert (from_env["exit_code"], from_env["fail_on"], from_env["strict"]) == (1, "medium", True)
    overridden = handler({"fail_on": "high", "strict": False}, None)
    assert top(overridden) == estate.expected_top()[1:3] and overridden["exit_code"] == 0


def test_regions_default_to_the_functions_own(estate: Estate) -> None:
    summary = handler({}, None)  # Lambda sets AWS_DEFAULT_REGION (and AWS_REGION) to its own Region
    assert summary["regions"] == [REGION] and summary["failing"] == 5


def test_a_rule_set_aside_for_want_of_opt_in_data_is_listed_and_strict_still_passes(estate: Estate) -> None:
    """Nobody asked for metrics, so NAT004 is not run: listed, but not an incomplete audit."""
    summary = handler({"regions": [REGION], "strict": True, "select": ["NAT003", "NAT004"]}, None)
    assert summary["not_run_without_opt_in"] == ["NAT004"] and summary["exit_code"] == 0


def test_a_selection_that_would_run_no_rule_is_refused(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only rules that need data nobody collects: running nothing would report a clean audit."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # any AWS call would fail differently
    with pytest.raises(UsageError, match=r"^with: no rule selected: NAT004 needs opt-in data that is not collected"):
        handler({"regions": [REGION], "select": ["NAT004"]}, None)


# -- invalid settings: refused before any AWS call ----------------------------------------------

@pytest.mark.parametrize(("event", "message"), [
    ({"regions": ["us-east"]}, "regions: not a region name: 'us-east' (expected e.g. eu-west-1, or \"all\")"),
    ({"regions": "all,eu-west-1"}, "regions: 'all' cannot be combined with region names"),
    ({"regions": [1]}, "regions: expected a list of strings or a comma-separated string, got [1]"),
    ({"formats": ["json", "pdf"]},
     "formats: unknown format 'pdf' (known: table, html, md, json, sarif, csv, junit, asff, ocsf)"),
    ({"select": ["NAT", "XYZ9"]}, "select: unknown rule id or prefix: XYZ9 (see `vpcaudit rules list`)"),
    ({"ignore": "QQQ"}, "ignore: unknown rule id or prefix: QQQ (see `vpcaudit rules list`)"),
    ({"with": ["flowlogs"]}, "with: unknown extra flowlogs (choose from s3-policies, metrics)"),
    ({"fail_on": "severe"}, "fail_on: expected one of critical, high, medium, low, info, got 'severe'"),
    ({"strict": "maybe"}, "strict: expected true or false, got 'maybe'"),
    ({"role_arns": ["arn:aws:iam::2222:role/audit"]}, "role_arns: not an IAM role ARN: 'arn:aws:iam::2222:role/audit'"),
    ({"external_id": "ext-1"}, "external_id: it is passed to sts:AssumeRole, so it needs role ARNs"),
    ({"role_arns": [role_arn("222222222222")], "external_id": "x"}, "external_id: 2 to 1224 characters"),
    ({"region": REGION}, "event: unknown setting 'region' (did you mean 'regions'? known: regions, with,"),
    (["us-east-1"], "event: expected a JSON object of settings, got list"),
])
def test_invalid_settings_raise_one_line_before_any_call(aws_env: None, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str], event: Any,
                                                         message: str) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # any AWS call would fail differently
    with pytest.raises(UsageError) as raised:
        handler(event, None)
    assert str(raised.value).startswith(message) and "\n" not in str(raised.value)
    assert capsys.readouterr().out == ""


def test_an_unusable_output_dir_is_refused_before_the_scan(aws_env: None, monkeypatch: pytest.MonkeyPatch,
                                                           tmp_path: Path) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    occupied = tmp_path / "taken"
    occupied.write_text("a file, not a folder", encoding="utf-8")
    expected = f"^output_dir: cannot create output folder {occupied}/sub: {occupied} is not a folder"
    with pytest.raises(UsageError, match=expected):
        handler({"regions": [REGION], "output_dir": str(occupied / "sub")}, None)


def test_a_failed_run_leaves_no_output_dir_behind(aws_env: None, monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # the scan cannot start
    with pytest.raises(VpcauditError):
        handler({"regions": [REGION], "output_dir": str(tmp_path / "reports" / "today")}, None)
    assert list(tmp_path.iterdir()) == []


def test_an_environment_setting_is_validated_like_the_event(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VPCAUDIT_FORMATS", "json,docx")
    with pytest.raises(UsageError, match=r"^formats: unknown format 'docx'"):
        handler({"regions": [REGION]}, None)


# -- reports --------------------------------------------------------------------------------------

def test_output_dir_receives_the_requested_reports(estate: Estate, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "vpcaudit" / "nightly"
    summary = handler({"regions": [REGION], "formats": ["json", "html", "sarif"], "output_dir": str(folder)}, None)
    names = ["result.json", "report.html", "results.sarif"]
    assert summary["written"] == [str(folder / n) for n in names]
    assert sorted(p.name for p in folder.iterdir()) == sorted(names)  # no temp files left behind
    assert "reports" not in summary
    written = check_result(json.loads((folder / "result.json").read_text(encoding="utf-8")))
    assert written == logged(capsys.readouterr().out)["result"]
    sarif = json.loads((folder / "results.sarif").read_text(encoding="utf-8"))
    assert sorted(r["ruleId"] for r in sarif["runs"][0]["results"]) == sorted(r for r, _, _ in estate.expected_top())
    assert estate.private_b in (folder / "report.html").read_text(encoding="utf-8")


def test_return_reports_returns_them_within_the_budget(estate: Estate, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = handler({"regions": [REGION], "formats": ["md", "csv"], "return_reports": True}, None)
    assert list(summary["reports"]) == ["md", "csv"] and summary["reports_omitted"] == {}
    assert estate.endpoint in summary["reports"]["md"]
    assert summary["reports"]["csv"].count("NAT002") == 1
    assert json.loads(json.dumps(summary)) == summary
    # A report that would push the response past the budget is named instead of returned.
    md_size = len(json.dumps(summary["reports"]["md"]))
    monkeypatch.setattr(lambda_handler, "REPORTS_BUDGET", md_size)
    bounded = handler({"regions": [REGION], "formats": ["md", "csv"], "return_reports": "true"}, None)
    assert list(bounded["reports"]) == ["md"]
    assert list(bounded["reports_omitted"]) == ["csv"]
    assert bounded["reports_omitted"]["csv"].endswith(f"exceed the {md_size}-byte response budget; use output_dir")


# -- many accounts --------------------------------------------------------------------------------

ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def seed_roles(base: boto3.session.Session) -> dict[str, str]:
    """Roles ``audit`` in 222… and 333… (each with a VPC and subnet, no flow log), and the keys of
    a user that may assume only 222…'s."""
    for account_id in ("222222222222", "333333333333"):
        creds = base.client("sts").assume_role(RoleArn=role_arn(account_id), RoleSessionName="seed")["Credentials"]
        owner = boto3.session.Session(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"],
                                      region_name=REGION)
        ec2 = owner.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.2.0.0/24")
        iam = owner.client("iam")
        iam.create_role(RoleName="audit", AssumeRolePolicyDocument=json.dumps(ALLOW_ALL))
        iam.put_role_policy(RoleName="audit", PolicyName="read", PolicyDocument=json.dumps(ALLOW_ALL))
    iam = base.client("iam")
    iam.create_user(UserName="scheduler")
    iam.put_user_policy(UserName="scheduler", PolicyName="audit", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn("222222222222")},
            {"Effect": "Allow", "Action": ["sts:GetCallerIdentity", "ec2:Describe*"], "Resource": "*"}]}))
    key = iam.create_access_key(UserName="scheduler")["AccessKey"]
    return {"AWS_ACCESS_KEY_ID": key["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}


def test_a_role_that_cannot_be_assumed_is_not_evaluated(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    with mock_aws():
        for name, value in seed_roles(boto3.session.Session(region_name=REGION)).items():
            monkeypatch.setenv(name, value)  # the function's execution role: may assume 222… only

        @set_initial_no_auth_action_count(0)  # IAM enforced from here on
        def scheduled(event: dict[str, Any]) -> dict[str, Any]:
            return handler(event, None)

        event = {"regions": [REGION], "role_arns": [role_arn("222222222222"), role_arn("333333333333")],
                 "select": ["NAT", "MON"]}
        summary = scheduled(event)
        strict = scheduled({**event, "strict": True})
    assert summary["accounts"] == ["222222222222", "333333333333"]
    [refused] = summary["accounts_not_collected"]
    assert (refused["account_id"], refused["state"], refused["error_code"]) == ("333333333333", "denied",
                                                                                "AccessDenied")
    assert refused["message"].startswith(f"role {role_arn('333333333333')}: sts:AssumeRole denied")
    assert refused["scopes_not_evaluated"] == 6  # NAT001-003, NAT005, NAT006 and MON001 in one region, none judged
    assert summary["not_evaluated"] == []  # the refused account is reported whole, above; 222… is complete
    # 222… was audited (its VPC lacks a flow log); nothing is high, but --strict turns the gap into 3.
    assert [(f["rule_id"], f["resource"].split(":")[4]) for f in summary["top_findings"]] == [
        ("MON001", "222222222222")]
    assert (summary["exit_code"], strict["exit_code"]) == (0, 3)


def test_include_base_account_audits_the_functions_own_account_beside_the_roles(estate: Estate) -> None:
    summary = handler({"regions": [REGION], "role_arns": role_arn("222222222222"), "include_base_account": "yes"},
                      None)
    assert summary["accounts"] == [BASE, "222222222222"]
    assert top(summary) == estate.expected_top()  # 222… holds only its idle default VPC
    assert summary["accounts_not_collected"] == [] and summary["not_evaluated"] == []


def test_not_evaluated_scopes_are_grouped_across_regions() -> None:
    """One reason in many regions is one entry; accounts reported whole are left out."""
    def scope(rule_id: str, account: str, region: str, detail: str, outcome: str = "not_evaluated") -> ScopeResult:
        return ScopeResult(rule_id, account, region, Outcome(outcome), detail)

    zones = "not collected: hosted_zones denied (AccessDenied)"
    result = AuditResult("1.0", "0", {}, "", "", (BASE,), (REGION, "eu-west-1"), (), (), (
        scope("DNS001", BASE, REGION, zones), scope("DNS002", BASE, REGION, zones),
        scope("DNS001", BASE, "eu-west-1", zones), scope("DNS002", BASE, "eu-west-1", zones),
        scope("RT001", BASE, REGION, "boom", "error"), scope("NAT001", BASE, REGION, "", "passed"),
        scope("DNS001", "333333333333", REGION, "role gone")))
    assert lambda_handler._not_evaluated(result, frozenset({"333333333333"})) == [
        {"account_id": BASE, "outcome": "error", "detail": "boom", "rule_ids": ["RT001"], "regions": [REGION]},
        {"account_id": BASE, "outcome": "not_evaluated", "detail": zones, "rule_ids": ["DNS001", "DNS002"],
         "regions": ["eu-west-1", REGION]}]


def test_all_regions_scans_every_enabled_region(estate: Estate) -> None:
    summary = handler({"regions": "all", "select": ["MON001"]}, None)
    regions = boto3.session.Session().client("ec2", region_name=REGION).describe_regions()["Regions"]
    assert summary["regions"] == sorted(r["RegionName"] for r in regions if r["OptInStatus"] != "not-opted-in")
    assert top(summary) == estate.expected_top()[:1]  # the estate's VPC, found among them all


# -- the environment -------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "message"), [
    ("VPCAUDIT_REGION", "environment: unknown variable VPCAUDIT_REGION (did you mean VPCAUDIT_REGIONS?"),
    ("VPCAUDIT_ROLE_ARN", "environment: unknown variable VPCAUDIT_ROLE_ARN (did you mean VPCAUDIT_ROLE_ARNS?"),
    ("VPCAUDIT_PROFILE", "environment: unknown variable VPCAUDIT_PROFILE (the handler owns every VPCAUDIT_ name; "
                         "known: VPCAUDIT_REGIONS,"),
])
def test_a_misspelt_environment_variable_is_refused_like_a_misspelt_event_key(
        aws_env: None, monkeypatch: pytest.MonkeyPatch, name: str, message: str) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # any AWS call would fail differently
    monkeypatch.setenv(name, REGION)
    with pytest.raises(UsageError) as raised:
        handler({}, None)
    assert str(raised.value).startswith(message), str(raised.value)


def test_a_misspelt_event_key_gets_a_suggestion_too(aws_env: None) -> None:
    with pytest.raises(UsageError, match=r"^event: unknown setting 'fail-on' \(did you mean 'fail_on'\?"):
        handler({"fail-on": "low"}, None)


def test_a_missing_aws_profile_is_one_clear_line(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "nope")
    with pytest.raises(UsageError) as raised:
        handler({"regions": [REGION]}, None)
    assert str(raised.value) == ("the AWS_PROFILE environment variable names profile 'nope', which is in neither "
                                 "the AWS config file nor the credentials file")


def test_missing_credentials_read_right_for_a_function(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    with pytest.raises(CredentialsError) as raised:
        handler({"regions": [REGION]}, None)
    assert "--profile" not in str(raised.value) and "name a profile" not in str(raised.value)
    assert str(raised.value).startswith("no AWS credentials found")


def test_as_a_program_it_exits_with_the_audits_exit_code(estate: Estate, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m vpcaudit.lambda_handler` is what cron runs: its exit code must gate like the CLI's."""
    monkeypatch.setenv("VPCAUDIT_REGIONS", REGION)
    assert lambda_handler.main() == 0  # five medium findings; fail_on high
    monkeypatch.setenv("VPCAUDIT_FAIL_ON", "medium")
    assert lambda_handler.main() == 1
    assert len(capsys.readouterr().out.splitlines()) == 2  # one log line per run


def test_as_a_program_a_bug_is_exit_4_never_1(monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    def broken(event: Any, context: Any) -> dict[str, Any]:
        raise RuntimeError("a bug")

    monkeypatch.setattr(lambda_handler, "handler", broken)
    assert lambda_handler.main() == 4
    err = capsys.readouterr().err
    assert "RuntimeError: a bug" in err and err.splitlines()[-1].startswith("vpcaudit: internal error")


def test_as_a_program_a_bad_setting_is_one_line_and_exit_2(aws_env: None) -> None:
    env = {**os.environ, "VPCAUDIT_REGION": REGION, "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}
    done = subprocess.run([sys.executable, "-m", "vpcaudit.lambda_handler"], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("error: environment: unknown variable VPCAUDIT_REGION") and done.stderr.count(
        "\n") == 1
