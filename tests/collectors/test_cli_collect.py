"""`vpcaudit collect` and `vpcaudit iam-policy` in-process: options, one-line errors, outputs.

(The installed console script against a moto server is tests/e2e/test_collect_e2e.py.)
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import boto3
import pytest
from typer.testing import CliRunner

from vpcaudit.cli import app
from vpcaudit.cli.console import StderrProgress
from vpcaudit.collectors.catalog import iam_policy
from vpcaudit.errors import UsageError
from vpcaudit.options import collect_options
from vpcaudit.snapshot.jsonfile import load
from vpcaudit.snapshot.model import Part

runner = CliRunner()


def test_collect_writes_a_loadable_snapshot_and_a_summary(session: boto3.session.Session, tmp_path: Path) -> None:
    out = tmp_path / "snap.json"
    result = runner.invoke(app, ["collect", "--region", "us-east-1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    snapshot = load(out)
    assert snapshot.accounts[0].regions[0].vpcs
    assert f"wrote {out}: account 123456789012, 1 region(s), 1 VPC(s)" in result.stderr
    assert "not collected: 123456789012 us-east-1 block_public_access: error" in result.stderr
    assert result.stdout == ""


def test_stats_and_stdout_output(session: boto3.session.Session) -> None:
    result = runner.invoke(app, ["collect", "--region", "us-east-1", "--stats", "--quiet", "-o", "-"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["accounts"][0]["account_id"] == "123456789012"
    lines = result.stderr.splitlines()
    assert lines[0].split() == ["operation", "calls", "HTTP", "attempts"]
    assert any(line.split()[:2] == ["ec2:DescribeVpcAttribute", "2"] for line in lines)
    assert lines[-1].split()[0] == "total"
    assert "wrote" not in result.stderr  # --quiet: no summary


@pytest.mark.parametrize(("args", "message"), [
    (["--region", "us-east-1", "--all-regions"], "--region: give region names or all regions, not both"),
    (["--region", "us-east-1,all"], "--region: 'all' cannot be combined with region names"),
    (["--region", "eu_west_1"], "--region: not a region name: 'eu_west_1'"),
    (["--role-arn", "arn:aws:iam::1:role/x"], "--role-arn: not an IAM role ARN"),
    (["--external-id", "abc"], "--external-id: it is passed to sts:AssumeRole, so it needs role ARNs"),
    (["--region", "us-east-1", "--with", "s3-policies,flowlogs"], "--with: unknown extra flowlogs"),
    (["--profile", "no-such-profile"],
     "--profile: no profile 'no-such-profile' in the AWS config file or the credentials file"),
])
def test_bad_options_are_one_line_and_exit_2(aws_env: None, tmp_path: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["collect", "-o", str(tmp_path / "x.json"), *args])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr and result.stderr.startswith("error: ")
    assert not (tmp_path / "x.json").exists()


def test_a_profile_named_by_aws_profile_that_does_not_exist_is_one_line(aws_env: None, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "nope")
    result = runner.invoke(app, ["collect", "-o", str(tmp_path / "x.json")])
    assert result.exit_code == 2
    assert result.stderr == ("error: the AWS_PROFILE environment variable names profile 'nope', which is in neither "
                             "the AWS config file nor the credentials file\n")


def test_no_region_anywhere_is_a_usage_error(aws_env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    result = runner.invoke(app, ["collect", "-o", str(tmp_path / "x.json")])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --region: none given and the profile / AWS_DEFAULT_REGION names no "
                                    "default region")


def test_collect_options_resolution() -> None:
    options = collect_options({"regions": ["eu-west-1,us-east-1", "eu-west-1"], "with": ["metrics"],
                               "endpoint_url": "http://127.0.0.1:1"})
    assert options.regions == ("eu-west-1", "us-east-1")
    assert options.opt_in == {Part.METRICS} and options.endpoint_url == "http://127.0.0.1:1"
    assert collect_options({"all_regions": True}).regions is None
    assert collect_options({"regions": "all"}).regions is None
    assert collect_options({}).regions == ()  # the session's own region, filled in when collecting
    assert collect_options({"with": "s3-policies,metrics"}).opt_in == {Part.BUCKET_POLICIES, Part.METRICS}
    with pytest.raises(UsageError) as caught:
        collect_options({"with": ["flowlogs"]})
    assert caught.value.setting == "with" and str(caught.value).startswith("with: unknown extra flowlogs")


def test_unwritable_output_fails_before_collecting(aws_env: None, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    result = runner.invoke(app, ["collect", "--region", "us-east-1", "-o", str(tmp_path / "a-file" / "x.json")])
    assert result.exit_code == 2 and "cannot create output folder" in result.stderr


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_on_a_terminal_only() -> None:
    tty, pipe = _Tty(), io.StringIO()
    for stream in (tty, pipe):
        bar = StderrProgress(stream)
        bar(3, 12, "us-east-1 subnets")
        bar.close()
    assert "3/12 us-east-1 subnets" in tty.getvalue() and "[#######" in tty.getvalue()
    assert pipe.getvalue() == ""


def test_iam_policy_command_prints_the_catalogue_policy() -> None:
    result = runner.invoke(app, ["iam-policy"])
    assert result.exit_code == 0
    policy = json.loads(result.stdout)
    actions = policy["Statement"][0]["Action"]
    assert policy == iam_policy()
    assert "ec2:DescribeVpcs" in actions and "s3:GetBucketPolicy" not in actions
    assert all(not a.startswith("sts:") for a in actions)  # GetCallerIdentity needs no permission
    extended = json.loads(runner.invoke(app, ["iam-policy", "--with", "s3-policies,metrics"]).stdout)
    assert {"s3:ListAllMyBuckets", "s3:GetBucketPolicy", "cloudwatch:GetMetricData"} <= set(
        extended["Statement"][0]["Action"])
