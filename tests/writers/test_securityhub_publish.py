"""Publishing to Security Hub on moto: batches, idempotence, archiving only judged scopes, retries."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import boto3
import pytest
from aws_env import fake_aws_env
from moto import mock_aws
from render_sample import ACCOUNT, REGION, sample_result
from typer.testing import CliRunner

from vpcaudit import api
from vpcaudit.cli import app
from vpcaudit.engine.result import AuditResult, ScopeResult
from vpcaudit.engine.rule import Finding, ResourceRef, Severity, Status
from vpcaudit.errors import UsageError
from vpcaudit.writers import securityhub
from vpcaudit.writers.base import WriterClients

LATER = "2025-01-03T03:05:00+00:00"


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    fake_aws_env(monkeypatch)
    monkeypatch.setenv("MOTO_ACCOUNT_ID", ACCOUNT)  # the sample result's account
    with mock_aws():
        yield boto3.Session(region_name=REGION)


def writer(session: boto3.Session) -> WriterClients:
    return WriterClients(session, securityhub.OPERATIONS)


def held(session: boto3.Session, region: str = REGION) -> dict[str, dict[str, Any]]:
    pages = session.client("securityhub", region_name=region).get_paginator("get_findings").paginate()
    return {f["Id"]: f for page in pages for f in page["Findings"]}


def test_first_publish_imports_every_finding_of_every_region(session: boto3.Session) -> None:
    result = sample_result()
    report = api.publish_securityhub(result, session=session)
    assert report.ok
    by_region = {o.region: o for o in report.regions}
    assert (by_region[REGION].imported, by_region["eu-west-1"].imported) == (7, 1)
    ids = {f"vpcaudit/{f.rule_id}/{f.fingerprint}" for f in result.findings if f.resource.region == REGION}
    assert set(held(session)) == ids
    assert set(held(session, "eu-west-1")) == {f"vpcaudit/SG001/{result.findings[-1].fingerprint}"}


def test_publishing_the_same_result_again_changes_nothing(session: boto3.Session) -> None:
    result = sample_result()
    api.publish_securityhub(result, session=session)
    before = held(session)
    again = api.publish_securityhub(result, session=session)
    assert (again.total("imported"), again.total("unchanged"), again.total("archived")) == (0, 8, 0)
    assert held(session) == before


def test_a_newer_result_updates_and_keeps_the_first_created_at(session: boto3.Session) -> None:
    first = sample_result()
    api.publish_securityhub(first, session=session)
    report = api.publish_securityhub(replace(first, generated_at=LATER), session=session)
    assert (report.total("imported"), report.total("unchanged")) == (8, 0)
    dns = next(f for f in held(session).values() if f["GeneratorId"] == "vpcaudit/DNS002")
    assert (dns["CreatedAt"], dns["UpdatedAt"]) == (first.generated_at, LATER)


def _without(result: AuditResult, rule_id: str) -> AuditResult:
    return replace(result, generated_at=LATER, findings=tuple(f for f in result.findings if f.rule_id != rule_id))


def test_a_finding_gone_from_an_evaluated_scope_is_archived(session: boto3.Session) -> None:
    first = sample_result()
    api.publish_securityhub(first, session=session)
    fixed = _without(first, "DNS002")  # DNS002 still ran in us-east-1 (scope "failed" → judged)
    fixed = replace(fixed, scopes=tuple(replace(s, outcome="passed") if s.rule_id == "DNS002" else s
                                        for s in fixed.scopes))
    report = api.publish_securityhub(fixed, session=session)
    assert report.total("archived") == 1
    dns = next(f for f in held(session).values() if f["GeneratorId"] == "vpcaudit/DNS002")
    assert (dns["RecordState"], dns["Compliance"]["Status"], dns["UpdatedAt"]) == ("ARCHIVED", "PASSED", LATER)


def test_a_not_evaluated_scope_archives_nothing(session: boto3.Session) -> None:
    first = sample_result()
    api.publish_securityhub(first, session=session)
    blind = _without(first, "DNS002")
    blind = replace(blind, scopes=tuple(replace(s, outcome="not_evaluated", detail="not collected: vpcs denied")
                                        if s.rule_id == "DNS002" else s for s in blind.scopes))
    report = api.publish_securityhub(blind, session=session)
    assert (report.total("archived"), report.total("kept")) == (0, 1)
    dns = next(f for f in held(session).values() if f["GeneratorId"] == "vpcaudit/DNS002")
    assert dns["RecordState"] == "ACTIVE"


def test_a_rule_left_out_of_the_run_archives_nothing(session: boto3.Session) -> None:
    first = sample_result()
    api.publish_securityhub(first, session=session)
    narrow = _without(first, "DNS002")
    narrow = replace(narrow, scopes=tuple(s for s in narrow.scopes if s.rule_id != "DNS002"))
    assert api.publish_securityhub(narrow, session=session).total("archived") == 0


def test_a_resource_the_rule_could_not_judge_this_time_is_not_archived(session: boto3.Session) -> None:
    first = sample_result()
    api.publish_securityhub(first, session=session)
    dns = next(f for f in first.findings if f.rule_id == "DNS002")
    unjudged = replace(dns, status=Status.NOT_EVALUATED, discriminator="shared", message="owner not in the scan")
    later = replace(_without(first, "DNS002"), findings=(*_without(first, "DNS002").findings, unjudged))
    report = api.publish_securityhub(later, session=session)
    assert (report.total("archived"), report.total("kept")) == (0, 1)


def test_findings_go_in_batches_of_100(session: boto3.Session) -> None:
    base = sample_result()
    many = tuple(Finding("DNS002", "vpc-dns-hostnames-disabled", Severity.HIGH, Status.FAIL,
                         ResourceRef(ACCOUNT, REGION, f"vpc-{i:04d}", "vpc", f"vpc-{i:04d}"), f"vpc {i}")
                 for i in range(250))
    result = replace(base, findings=many, scopes=(ScopeResult("DNS002", ACCOUNT, REGION, "failed"),))
    writers = {ACCOUNT: writer(session)}
    sizes: list[int] = []
    writers[ACCOUNT].client("securityhub", REGION).meta.events.register(
        "before-parameter-build.securityhub.BatchImportFindings",
        lambda params, **_: sizes.append(len(params["Findings"])))
    report = securityhub.publish(result, writers)
    assert report.ok and sizes == [100, 100, 50] and len(held(session)) == 250


def test_throttled_findings_are_sent_again_with_backoff(session: boto3.Session) -> None:
    writers = {ACCOUNT: writer(session)}
    calls: list[int] = []

    def throttle_the_first_answer(parsed: dict[str, Any], **_: Any) -> None:
        calls.append(len(calls))
        if len(calls) == 1:  # Security Hub's per-finding failure, as BatchImportFindings reports it
            first = parsed.get("FailedFindings") or []
            parsed["FailedFindings"] = [*first, {"Id": "vpcaudit/DNS002/" + sample_result().findings[0].fingerprint,
                                                 "ErrorCode": "ThrottlingException", "ErrorMessage": "Rate exceeded"}]
            parsed["FailedCount"] = 1

    writers[ACCOUNT].client("securityhub", REGION).meta.events.register(
        "after-call.securityhub.BatchImportFindings", throttle_the_first_answer)
    slept: list[float] = []
    report = securityhub.publish(sample_result(), writers, sleep=slept.append)
    assert report.ok and slept == [0.5] and len(calls) == 2  # the throttled finding went again, alone


def test_a_throttled_call_is_retried_by_botocore(session: boto3.Session) -> None:
    from botocore.awsrequest import AWSResponse

    writers = {ACCOUNT: writer(session)}
    refused: list[int] = []

    class Raw:
        def stream(self, **_: Any) -> Iterator[bytes]:
            yield b'{"__type":"ThrottlingException","message":"Rate exceeded"}'

    def throttle_twice(request: Any, **_: Any) -> AWSResponse | None:
        if "/findings/import" in request.url and len(refused) < 2:
            refused.append(1)
            return AWSResponse(request.url, 429, {"x-amzn-ErrorType": "ThrottlingException"}, Raw())
        return None

    client = writers[ACCOUNT].client("securityhub", REGION)
    client.meta.events.register("before-send.securityhub.BatchImportFindings", throttle_twice)
    result = replace(sample_result(), findings=sample_result().findings[:1],
                     scopes=sample_result().scopes[:1])
    report = securityhub.publish(result, writers)
    assert report.ok and len(refused) == 2 and len(held(session)) == 1


def test_an_account_without_credentials_stops_before_anything_is_written(session: boto3.Session) -> None:
    other = replace(sample_result(), findings=tuple(
        replace(f, resource=replace(f.resource, account_id="999999999999")) for f in sample_result().findings))
    with pytest.raises(UsageError, match=r"no credentials for account\(s\) 999999999999"):
        securityhub.publish(other, {ACCOUNT: writer(session)})
    assert held(session) == {}


def _not_subscribed_in_eu_west_1(session: boto3.Session) -> dict[str, Any]:
    """The account's writers, with Security Hub answering eu-west-1 as AWS does where it is off."""
    def refuse(**_: Any) -> None:
        from botocore.exceptions import ClientError

        raise ClientError({"Error": {"Code": "InvalidAccessException",
                                     "Message": "Account is not subscribed to AWS Security Hub"}}, "GetFindings")

    writers = {ACCOUNT: writer(session)}
    writers[ACCOUNT].client("securityhub", "eu-west-1").meta.events.register(
        "before-call.securityhub.GetFindings", refuse)
    return writers


def test_a_region_without_security_hub_is_reported_not_raised(session: boto3.Session) -> None:
    writers = _not_subscribed_in_eu_west_1(session)
    report = securityhub.publish(sample_result(), writers)
    assert not report.ok
    eu = next(o for o in report.regions if o.region == "eu-west-1")
    assert eu.error == "InvalidAccessException: Account is not subscribed to AWS Security Hub"
    assert next(o for o in report.regions if o.region == REGION).imported == 7


def test_dry_run_reads_but_writes_nothing(session: boto3.Session) -> None:
    report = api.publish_securityhub(sample_result(), session=session, dry_run=True)
    assert report.dry_run and report.total("imported") == 8 and held(session) == {}


def test_the_publish_policy_grants_exactly_the_calls_a_publish_makes(session: boto3.Session) -> None:
    from typer.testing import CliRunner

    from vpcaudit.cli import app

    writers = {ACCOUNT: writer(session)}
    made: set[str] = set()
    for region in (REGION, "eu-west-1"):
        writers[ACCOUNT].client("securityhub", region).meta.events.register(
            "before-call.securityhub", lambda model, **_: made.add(f"securityhub:{model.name}"))
    securityhub.publish(sample_result(), writers)
    securityhub.publish(_without(sample_result(), "DNS002"), writers)  # reads, imports and archives
    policy = json.loads(CliRunner().invoke(app, ["iam-policy", "--publish"]).output)
    assert made == set(policy["Statement"][0]["Action"]) == securityhub.OPERATIONS


def test_the_cli_exits_3_not_1_when_a_region_could_not_be_published(session: boto3.Session, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Exit 1 only ever means findings: a partly failed publish is incomplete (3), and says where."""
    writers = _not_subscribed_in_eu_west_1(session)
    monkeypatch.setattr(api, "publish_securityhub",
                        lambda result, _options, **_kw: securityhub.publish(result, writers))
    result_file = tmp_path / "result.json"
    result_file.write_text(api.render(sample_result(), "json"), encoding="utf-8")
    done = CliRunner().invoke(app, ["publish", "securityhub", str(result_file)])
    assert done.exit_code == 3, done.output
    assert "eu-west-1: not published: InvalidAccessException" in done.stderr
