"""vpcaudit never writes to AWS: the guard refuses any non-read operation before a byte is sent,
every client a collection uses carries it, and a collector that tries to write stops the run."""

from __future__ import annotations

import ast
import dataclasses
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore import xform_name
from demo_estate import fake_aws_env
from moto import mock_aws

from vpcaudit.aws.clients import ClientFactory
from vpcaudit.aws.guard import is_read_only
from vpcaudit.collectors import catalog
from vpcaudit.collectors.run import collect_snapshot
from vpcaudit.errors import ReadOnlyViolation
from vpcaudit.snapshot.model import Part

REGION = "us-east-1"
COLLECTORS_DIR = Path(__file__).resolve().parents[2] / "vpcaudit" / "collectors"
EMPTY_DESCRIBE_VPCS = b'<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><vpcSet/></DescribeVpcsResponse>'


class _CountingServer(ThreadingHTTPServer):
    """Answers every request with an empty DescribeVpcs result and counts them."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests = 0


class _Handler(BaseHTTPRequestHandler):
    server: _CountingServer

    def log_message(self, format: str, *args: object) -> None:
        return

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.requests += 1
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(EMPTY_DESCRIBE_VPCS)))
        self.end_headers()
        self.wfile.write(EMPTY_DESCRIBE_VPCS)


@pytest.fixture
def counting_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[_CountingServer]:
    fake_aws_env(monkeypatch)
    server = _CountingServer()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


MUTATIONS = [
    ("ec2", "create_vpc", {"CidrBlock": "10.0.0.0/16"}),
    ("ec2", "modify_vpc_attribute", {"VpcId": "vpc-1", "EnableDnsSupport": {"Value": False}}),
    ("route53", "change_resource_record_sets", {"HostedZoneId": "Z1", "ChangeBatch": {"Changes": []}}),
    ("route53resolver", "associate_resolver_rule", {"ResolverRuleId": "r", "VPCId": "vpc-1"}),
    ("s3", "put_bucket_policy", {"Bucket": "b", "Policy": "{}"}),
    ("cloudwatch", "put_metric_data", {"Namespace": "x", "MetricData": []}),
    ("sts", "assume_role", {"RoleArn": "arn:aws:iam::1:role/x", "RoleSessionName": "x"}),
]


@pytest.mark.parametrize(("service", "method", "params"), MUTATIONS)
def test_a_mutating_call_is_refused_and_nothing_is_sent(counting_server: _CountingServer, service: str,
                                                        method: str, params: dict[str, Any]) -> None:
    url = f"http://127.0.0.1:{counting_server.server_address[1]}"
    factory = ClientFactory(boto3.session.Session(region_name=REGION), endpoint_url=url)
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
    ("s3", "HeadBucket", True),  # botocore's S3 region redirector may issue it for us
    ("ec2", "CreateVpc", False), ("ec2", "DeleteVpc", False), ("s3", "PutBucketPolicy", False),
    ("ec2", "ModifyVpcAttribute", False), ("s3", "HeadObject", False), ("ec2", "RunInstances", False),
])
def test_guard_truth_table(service: str, operation: str, allowed: bool) -> None:
    assert is_read_only(service, operation) is allowed


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
        assert services == {"sts", "ec2", "route53", "route53resolver", "s3", "cloudwatch"}
        for client in created:
            model = client.meta.service_model
            writer = next(op for op in model.operation_names if not is_read_only(model.service_name, op))
            with pytest.raises(ReadOnlyViolation):
                getattr(client, xform_name(writer))()


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
