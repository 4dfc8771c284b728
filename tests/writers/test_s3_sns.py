"""Delivery writers: PutObject only, only below the named prefix, encrypted; Publish only, only to the
named topic; each refusal happens before a request is built. The collectors' clients still refuse
both writes."""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from aws_env import fake_aws_env
from moto import mock_aws

from vpcaudit import api
from vpcaudit.aws.clients import ClientFactory
from vpcaudit.collectors.catalog import collector_operations
from vpcaudit.errors import ReadOnlyViolation, UsageError
from vpcaudit.writers.base import WriteRefused
from vpcaudit.writers.s3 import S3Location, S3Reader, S3Writer, parse_s3_url
from vpcaudit.writers.sns import SnsWriter

ROOT = Path(__file__).resolve().parents[2] / "vpcaudit"
BUCKET = "audit-reports"


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.session.Session]:
    fake_aws_env(monkeypatch)
    with mock_aws():
        session = boto3.session.Session(region_name="us-east-1")
        session.client("s3").create_bucket(Bucket=BUCKET)
        yield session


def sent(client: object) -> list[str]:
    urls: list[str] = []
    client.meta.events.register("before-send", lambda request, **_: urls.append(request.url))  # type: ignore[attr-defined]
    return urls


@pytest.mark.parametrize(("url", "location"), [
    ("s3://audit-reports/vpcaudit/", S3Location(BUCKET, "vpcaudit/")),
    ("s3://audit-reports/a/b", S3Location(BUCKET, "a/b/")),  # always a folder
    ("s3://audit-reports", S3Location(BUCKET, "")),
])
def test_s3_urls_are_folders(url: str, location: S3Location) -> None:
    assert parse_s3_url(url) == location


@pytest.mark.parametrize("url", ["https://audit-reports/x", "s3://Audit_Reports/x", "s3://ab/x", "s3://a..b/x"])
def test_malformed_s3_urls_are_refused(url: str) -> None:
    with pytest.raises(UsageError):
        parse_s3_url(url)


def test_reports_land_below_the_prefix_encrypted_with_sse_s3(session: boto3.session.Session) -> None:
    result = api.audit(api.Snapshot("1.2", "test", "2026-12-01T00:00:00Z"))
    urls = api.deliver(result, ["json", "html"], parse_s3_url("s3://audit-reports/vpcaudit/"), session=session)
    assert urls == ["s3://audit-reports/vpcaudit/result.json", "s3://audit-reports/vpcaudit/report.html"]
    s3 = session.client("s3")
    head = s3.head_object(Bucket=BUCKET, Key="vpcaudit/report.html")
    assert (head["ServerSideEncryption"], head["ContentType"]) == ("AES256", "text/html; charset=utf-8")
    assert json.loads(s3.get_object(Bucket=BUCKET, Key="vpcaudit/result.json")["Body"].read())["accounts"] == []


def test_a_kms_key_switches_to_sse_kms(session: boto3.session.Session) -> None:
    key = session.client("kms").create_key()["KeyMetadata"]["Arn"]
    S3Writer(session, S3Location(BUCKET, "x/"), kms_key=key).put("a.json", "{}")
    head = session.client("s3").head_object(Bucket=BUCKET, Key="x/a.json")
    assert (head["ServerSideEncryption"], head["SSEKMSKeyId"]) == ("aws:kms", key)


def test_the_s3_writer_refuses_other_keys_other_buckets_and_other_calls(session: boto3.session.Session) -> None:
    writer = S3Writer(session, S3Location(BUCKET, "vpcaudit/"))
    client = writer._client
    urls = sent(client)
    for bucket, key in ((BUCKET, "elsewhere/a.json"), ("other-bucket", "vpcaudit/a.json")):
        with pytest.raises(WriteRefused, match="only below s3://audit-reports/vpcaudit/"):
            client.put_object(Bucket=bucket, Key=key, Body=b"x")
    with pytest.raises(WriteRefused, match="not one of s3:PutObject"):
        client.delete_object(Bucket=BUCKET, Key="vpcaudit/a.json")
    with pytest.raises(WriteRefused):
        client.get_object(Bucket=BUCKET, Key="vpcaudit/a.json")
    assert urls == []


def test_the_reader_reads_below_its_folder_only(session: boto3.session.Session) -> None:
    S3Writer(session, S3Location(BUCKET, "run/")).put("a.json", "{}")
    reader = S3Reader(session, S3Location(BUCKET, "run/"))
    assert (reader.get("a.json"), reader.get("missing.json")) == ("{}", None)
    with pytest.raises(WriteRefused, match="outside s3://audit-reports/run/"):
        reader._client.get_object(Bucket=BUCKET, Key="other/a.json")


def test_the_sns_writer_publishes_to_its_topic_only(session: boto3.session.Session) -> None:
    sns = session.client("sns")
    topic, other = sns.create_topic(Name="audit")["TopicArn"], sns.create_topic(Name="other")["TopicArn"]
    writer = SnsWriter(session, topic)
    assert writer.publish("s" * 300, "summary")  # the subject is cut to SNS's 100 characters
    with pytest.raises(WriteRefused, match=f"only to {topic}"):
        writer._client.publish(TopicArn=other, Message="x")
    with pytest.raises(WriteRefused, match="not one of sns:Publish"):
        writer._client.delete_topic(TopicArn=topic)
    with pytest.raises(UsageError, match="not an SNS topic ARN"):
        SnsWriter(session, "audit")


def test_the_collectors_clients_still_refuse_both_writes(session: boto3.session.Session) -> None:
    factory = ClientFactory(session, operations=collector_operations())
    with pytest.raises(ReadOnlyViolation):
        factory.client("s3", "us-east-1").put_object(Bucket=BUCKET, Key="a", Body=b"x")
    with pytest.raises(ReadOnlyViolation):
        factory.client("sns", "us-east-1").publish(TopicArn="arn:aws:sns:us-east-1:123456789012:t", Message="x")


def test_nothing_below_the_api_but_the_run_steps_imports_the_writers() -> None:
    """Collectors, the engine, the network model, the formatters and the aws package never reach a writer."""
    for folder in ("collectors", "engine", "network", "snapshot", "render", "facts", "aws"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
            assert not {m for m in imported if m.startswith("vpcaudit.writers")}, path


def test_the_delivery_policy_names_the_prefix_the_key_and_the_topic() -> None:
    policy = api.delivery_policy(parse_s3_url("s3://audit-reports/vpcaudit/"), api.DeliveryOptions(
        kms_key="arn:aws:kms:eu-west-1:111111111111:key/abc", sns_topic="arn:aws:sns:eu-west-1:111111111111:t"))
    assert [(s["Action"], s["Resource"]) for s in policy["Statement"]] == [
        (["s3:PutObject"], ["arn:aws:s3:::audit-reports/vpcaudit/*"]),
        (["kms:GenerateDataKey"], ["arn:aws:kms:eu-west-1:111111111111:key/abc"]),
        (["sns:Publish"], ["arn:aws:sns:eu-west-1:111111111111:t"])]
