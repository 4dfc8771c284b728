"""The writers' guard: a writer calls only its allow-list, and collectors can never get a writer.

The read-only guard's own tests (test_readonly.py) still prove collectors cannot write; these
prove the other side — the Security Hub writer is a separate client whose guard refuses every
operation it was not given, before a request is built, and that nothing the collectors import
or the collectors' factory accepts can produce it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import boto3
import pytest
from aws_env import fake_aws_env
from moto import mock_aws

from vpcaudit.aws.clients import ClientFactory
from vpcaudit.collectors.catalog import collector_operations
from vpcaudit.errors import ReadOnlyViolation
from vpcaudit.writers import securityhub
from vpcaudit.writers.base import WriterClients, WriteRefused

ROOT = Path(__file__).resolve().parents[2] / "vpcaudit"


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> boto3.Session:
    fake_aws_env(monkeypatch)
    return boto3.Session(region_name="us-east-1")


@pytest.mark.parametrize(("operation", "kwargs"), [
    ("batch_update_findings", {"FindingIdentifiers": [{"Id": "x", "ProductArn": "y"}], "Note": {"Text": "t",
                                                                                               "UpdatedBy": "u"}}),
    ("disable_security_hub", {}),
    ("delete_insight", {"InsightArn": "arn:aws:securityhub:us-east-1:123456789012:insight/x"}),
])
def test_the_securityhub_writer_refuses_everything_but_its_two_calls(session: boto3.Session, operation: str,
                                                                     kwargs: dict[str, object]) -> None:
    sent: list[str] = []
    client = WriterClients(session, securityhub.OPERATIONS).client("securityhub", "us-east-1")
    client.meta.events.register("before-send", lambda request, **_: sent.append(request.url))
    with pytest.raises(WriteRefused, match="not one of securityhub:BatchImportFindings, securityhub:GetFindings"):
        getattr(client, operation)(**kwargs)
    assert sent == []


def test_the_writer_cannot_call_reads_of_other_services_either(session: boto3.Session) -> None:
    with pytest.raises(WriteRefused, match="ec2:DescribeVpcs"):
        WriterClients(session, securityhub.OPERATIONS).client("ec2", "us-east-1").describe_vpcs()


def test_the_writer_calls_its_operations(session: boto3.Session) -> None:
    with mock_aws():
        client = WriterClients(session, securityhub.OPERATIONS).client("securityhub", "us-east-1")
        assert client.get_findings()["Findings"] == []


def test_the_collectors_factory_cannot_be_given_a_write_and_refuses_it(session: boto3.Session) -> None:
    with pytest.raises(ValueError, match="not on the read-only guard's allow-list: securityhub:BatchImportFindings"):
        ClientFactory(session, operations=frozenset({"securityhub:BatchImportFindings"}))
    client = ClientFactory(session, operations=collector_operations()).client("securityhub", "us-east-1")
    with pytest.raises(ReadOnlyViolation, match="refused securityhub:BatchImportFindings"):
        client.batch_import_findings(Findings=[])


def test_only_the_publishing_paths_import_the_writers() -> None:
    """Collectors, the engine, the network model and the formatters never import vpcaudit.writers."""
    for folder in ("collectors", "engine", "network", "snapshot", "render", "facts", "aws"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module} | {
                a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
            assert not {m for m in imported if m.startswith("vpcaudit.writers")}, path
