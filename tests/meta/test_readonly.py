"""vpcaudit never writes to AWS: the guard refuses any operation the collectors do not declare before
a byte is sent — writes, and reads that were never declared (secrets) — every client a collection uses
carries it, and a collector that tries to write stops the run."""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest
from aws_env import fake_aws_env
from botocore import xform_name
from counting_ec2 import CountingEc2
from loopback_server import QuietHandler, serving, url_of
from moto import mock_aws

from vpcaudit.aws.clients import ClientFactory
from vpcaudit.aws.guard import is_allowed
from vpcaudit.collectors import catalog
from vpcaudit.collectors.catalog import collector_operations
from vpcaudit.collectors.run import collect_snapshot
from vpcaudit.errors import ReadOnlyViolation
from vpcaudit.snapshot.model import Part

REGION = "us-east-1"
COLLECTORS_DIR = Path(__file__).resolve().parents[2] / "vpcaudit" / "collectors"


@pytest.fixture
def counting_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[CountingEc2]:
    fake_aws_env(monkeypatch)
    with serving(CountingEc2()) as server:
        yield server


MUTATIONS = [
    ("ec2", "create_vpc", {"CidrBlock": "10.0.0.0/16"}),
    ("ec2", "modify_vpc_attribute", {"VpcId": "vpc-1", "EnableDnsSupport": {"Value": False}}),
    ("route53", "change_resource_record_sets", {"HostedZoneId": "Z1", "ChangeBatch": {"Changes": []}}),
    ("route53resolver", "associate_resolver_rule", {"ResolverRuleId": "r", "VPCId": "vpc-1"}),
    ("s3", "put_bucket_policy", {"Bucket": "b", "Policy": "{}"}),
    ("cloudwatch", "put_metric_data", {"Namespace": "x", "MetricData": []}),
    ("mq", "reboot_broker", {"BrokerId": "b-1"}),
    ("sts", "assume_role", {"RoleArn": "arn:aws:iam::1:role/x", "RoleSessionName": "x"}),
    # Reads by name, but never declared: they hand out secrets or credentials.
    ("secretsmanager", "get_secret_value", {"SecretId": "prod/db"}),
    ("ec2", "get_password_data", {"InstanceId": "i-1"}),
    ("redshift", "get_cluster_credentials", {"DbUser": "admin", "ClusterIdentifier": "c"}),
    ("firehose", "put_record", {"DeliveryStreamName": "s", "Record": {"Data": b"x"}}),
    ("ec2", "describe_instances", {}),  # harmless, but no collector declares it: refused all the same
]


@pytest.mark.parametrize(("service", "method", "params"), MUTATIONS)
def test_a_mutating_call_is_refused_and_nothing_is_sent(counting_server: CountingEc2, service: str,
                                                        method: str, params: dict[str, Any]) -> None:
    url = counting_server.url
    factory = ClientFactory(boto3.session.Session(region_name=REGION), operations=collector_operations(),
                            endpoint_url=url)
    # The endpoint is live: a read goes through and is counted...
    factory.client("ec2", REGION).describe_vpcs()
    assert counting_server.requests == 1
    # ...a write is refused before a request exists.
    with pytest.raises(ReadOnlyViolation, match="read-only"):
        getattr(factory.client(service, REGION), method)(**params)
    assert counting_server.requests == 1
    assert factory.counter.http_attempts() == {"ec2:DescribeVpcs": 1}


@pytest.mark.parametrize(("service", "operation", "allowed"), [
    ("ec2", "DescribeVpcs", True), ("route53", "ListHostedZonesByVPC", True), ("sts", "GetCallerIdentity", True),
    ("s3", "GetBucketPolicy", True), ("cloudwatch", "GetMetricData", True),
    ("s3", "HeadBucket", True),  # botocore's S3 region redirector issues it on our client (see below)
    ("s3", "CreateSession", False),  # S3 Express, directory buckets only: never needed here
    ("ec2", "CreateVpc", False), ("ec2", "DeleteVpc", False), ("s3", "PutBucketPolicy", False),
    ("ec2", "ModifyVpcAttribute", False), ("s3", "HeadObject", False), ("ec2", "RunInstances", False),
    ("ec2", "GetPasswordData", False), ("secretsmanager", "GetSecretValue", False), ("sts", "AssumeRole", False),
    ("ec2", "DescribeInstances", False), ("ssm", "GetParameter", False),
])
def test_guard_truth_table(service: str, operation: str, allowed: bool) -> None:
    assert is_allowed(service, operation, collector_operations()) is allowed


def test_no_collected_service_makes_botocore_discover_endpoints_on_its_own() -> None:
    """Endpoint discovery would make botocore call DescribeEndpoints itself, which the guard refuses."""
    loader = boto3.session.Session().client("sts", region_name=REGION)  # any client gives the loader
    services = {op.split(":")[0] for op in collector_operations()}
    for service in services:
        model = loader._loader.load_service_model(service, "service-2")
        assert not any("endpointdiscovery" in op or op.get("endpointoperation")
                       for op in model["operations"].values()), service


def test_the_s3_region_redirect_botocore_makes_by_itself_still_works(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bucket in another region answers 301 without saying where: botocore asks HeadBucket itself."""
    fake_aws_env(monkeypatch)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _S3ElsewhereHandler)
    server.requests = []  # type: ignore[attr-defined]
    with serving(server):
        factory = ClientFactory(boto3.session.Session(region_name=REGION), operations=collector_operations(),
                                endpoint_url=url_of(server))
        answer = factory.client("s3", REGION).get_bucket_policy(Bucket="elsewhere")
    assert answer["Policy"] == '{"Statement": []}'
    assert [method for method, _ in server.requests] == ["GET", "HEAD", "GET"]  # type: ignore[attr-defined]
    assert factory.counter.calls() == {"s3:GetBucketPolicy": 1, "s3:HeadBucket": 1}


class _S3ElsewhereHandler(QuietHandler):
    """GetBucketPolicy: 301 the first time (no region given), the policy once the region is known."""

    server: Any

    def do_HEAD(self) -> None:
        self.server.requests.append(("HEAD", self.path))
        self.answer(200, headers={"x-amz-bucket-region": "eu-west-1"})

    def do_GET(self) -> None:
        self.server.requests.append(("GET", self.path))
        if len(self.server.requests) == 1:
            self.answer(301, b'<?xml version="1.0"?><Error><Code>PermanentRedirect</Code>'
                              b"<Message>elsewhere</Message></Error>", {"Content-Type": "application/xml"})
        else:
            self.answer(200, b'{"Statement": []}', {"Content-Type": "application/json"})


def test_every_client_a_collection_creates_is_guarded(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_aws_env(monkeypatch)
    with mock_aws():
        session = boto3.session.Session(region_name=REGION)
        created: list[Any] = []
        original = session.client

        def recording_client(*args: Any, **kwargs: Any) -> Any:
            client = original(*args, **kwargs)
            created.append(client)
            return client

        monkeypatch.setattr(session, "client", recording_client)
        collect_snapshot(session, [REGION], set(Part))
        services = {c.meta.service_model.service_name for c in created}
        assert services == {"sts", "ec2", "route53", "route53resolver", "redshift", "memorydb", "rds", "datasync",
                            "mq", "firehose", "s3",
                            "cloudwatch"}
        for client in created:
            model = client.meta.service_model
            undeclared = next(op for op in model.operation_names
                              if not is_allowed(model.service_name, op, collector_operations()))
            with pytest.raises(ReadOnlyViolation):
                getattr(client, xform_name(undeclared))()


def test_a_collector_that_tries_to_write_stops_the_collection(monkeypatch: pytest.MonkeyPatch) -> None:
    """A write attempt is a bug: it must not be recorded as a gap and swallowed."""
    fake_aws_env(monkeypatch)

    def rogue(scope: Any, _: Any) -> Any:
        return scope.client("ec2").create_vpc(CidrBlock="10.9.0.0/16")

    rogue_collector = dataclasses.replace(catalog.COLLECTORS[Part.SUBNETS], fetch=rogue)
    monkeypatch.setitem(catalog.COLLECTORS, Part.SUBNETS, rogue_collector)
    with mock_aws():
        session = boto3.session.Session(region_name=REGION)
        with pytest.raises(ReadOnlyViolation, match="ec2:CreateVpc"):
            collect_snapshot(session, [REGION], {Part.SUBNETS})
        assert len(session.client("ec2").describe_vpcs()["Vpcs"]) == 1  # only the default VPC


def _runtime_imports(tree: ast.Module) -> set[str]:
    """Modules imported outside ``if TYPE_CHECKING:`` blocks."""
    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            return
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return names


def test_collectors_get_clients_only_from_the_factory() -> None:
    """No collector module can build its own (unguarded) client: boto3 is not even imported."""
    modules = sorted(COLLECTORS_DIR.glob("*.py"))
    assert len(modules) > 10
    for path in modules:
        imports = _runtime_imports(ast.parse(path.read_text(encoding="utf-8")))
        assert not {m for m in imports if m == "boto3" or m.startswith(("boto3.", "botocore.session"))}, path.name
