"""The operations collectors declare are exactly the operations a full collection calls.

Calls are counted by a handler the test registers on the session's botocore events (not by
vpcaudit's own accounting). Two moto accounts between them make every conditional call happen:
one VPC (Route 53 asked per VPC) with a NAT gateway (metrics), a customer prefix list, a bucket,
a zone shadowing AWS service names and an Amazon MQ broker (described once listed); and four VPCs
sharing one zone (Route 53 read per zone).
moto lacks VPC Block Public Access, so the test answers those two calls with AWS's shape.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from aws_env import fake_aws_env
from botocore.awsrequest import AWSResponse
from moto import mock_aws

from vpcaudit.collectors.catalog import IAM_ACTIONS, declared_operations, iam_policy
from vpcaudit.collectors.run import collect_snapshot
from vpcaudit.snapshot.model import Part, State

REGION = "us-east-1"
BPA_ANSWERS = {
    "DescribeVpcBlockPublicAccessOptions": {"VpcBlockPublicAccessOptions": {"InternetGatewayBlockMode": "off"}},
    "DescribeVpcBlockPublicAccessExclusions": {"VpcBlockPublicAccessExclusions": []},
}


def _watch(session: boto3.session.Session) -> Counter[str]:
    """Count every API call the session's clients make; answer the BPA calls moto lacks."""
    seen: Counter[str] = Counter()
    lock = threading.Lock()

    def count(model: Any, **_: Any) -> None:
        with lock:
            seen[f"{model.service_model.service_name}:{model.name}"] += 1

    def answer_bpa(model: Any, **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        if model.name in BPA_ANSWERS:
            return AWSResponse("", 200, {}, None), dict(BPA_ANSWERS[model.name])
        return None

    session.events.register_first("before-call.*.*", count)
    session.events.register("before-call.ec2", answer_bpa)
    return seen


def _one_vpc_account(session: boto3.session.Session) -> None:
    ec2 = session.client("ec2", region_name=REGION)
    (vpc,) = [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]]
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    ec2.create_nat_gateway(SubnetId=subnet, AllocationId=ec2.allocate_address(Domain="vpc")["AllocationId"])
    ec2.create_managed_prefix_list(PrefixListName="corp", MaxEntries=2, AddressFamily="IPv4",
                                   Entries=[{"Cidr": "10.0.0.0/8"}])
    session.client("firehose", region_name=REGION).create_delivery_stream(  # described one by one
        DeliveryStreamName="archive", ExtendedS3DestinationConfiguration={
            "RoleARN": "arn:aws:iam::123456789012:role/delivery", "BucketARN": "arn:aws:s3:::a-bucket"})
    session.client("s3", region_name=REGION).create_bucket(Bucket="a-bucket")
    session.client("mq", region_name=REGION).create_broker(
        BrokerName="orders", DeploymentMode="SINGLE_INSTANCE", EngineType="ACTIVEMQ", EngineVersion="5.18",
        HostInstanceType="mq.t3.micro", AutoMinorVersionUpgrade=True, PubliclyAccessible=False, SubnetIds=[subnet],
        Users=[{"Username": "admin", "Password": "Secret-passw0rd"}])
    datasync = session.client("datasync", region_name=REGION)  # a task, so that DescribeTask is called
    config = {"BucketAccessRoleArn": "arn:aws:iam::123456789012:role/datasync"}
    source, destination = (datasync.create_location_s3(S3BucketArn=f"arn:aws:s3:::{bucket}", S3Config=config)
                           ["LocationArn"] for bucket in ("a-bucket", "b-bucket"))
    datasync.create_task(SourceLocationArn=source, DestinationLocationArn=destination)
    session.client("route53", region_name=REGION).create_hosted_zone(
        Name="us-east-1.amazonaws.com", CallerReference="z", HostedZoneConfig={"PrivateZone": True},
        VPC={"VPCRegion": REGION, "VPCId": vpc})


def _four_vpcs_one_zone(session: boto3.session.Session) -> None:
    ec2 = session.client("ec2", region_name=REGION)
    for i in range(3):
        ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16")
    (vpc, *_) = [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]]
    session.client("route53", region_name=REGION).create_hosted_zone(
        Name="corp.internal", CallerReference="z", HostedZoneConfig={"PrivateZone": True},
        VPC={"VPCRegion": REGION, "VPCId": vpc})


def _collect_all_parts(monkeypatch: pytest.MonkeyPatch,
                       build: Callable[[boto3.session.Session], None]) -> Counter[str]:
    fake_aws_env(monkeypatch)
    with mock_aws():
        session = boto3.session.Session(region_name=REGION)
        build(session)
        seen = _watch(session)
        outcome = collect_snapshot(session, [REGION], set(Part))
    (account,) = outcome.snapshot.accounts
    statuses = [*account.status, *account.regions[0].status]
    assert {s.part: s.state for s in statuses if s.state is not State.OK} == {}
    assert outcome.calls == dict(seen)  # vpcaudit's own accounting agrees with the events
    return seen


def test_declared_operations_are_exactly_the_called_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    per_vpc = _collect_all_parts(monkeypatch, _one_vpc_account)
    per_zone = _collect_all_parts(monkeypatch, _four_vpcs_one_zone)
    declared = set(declared_operations(set(Part)))
    assert set(per_vpc) <= declared
    assert set(per_zone) <= declared
    assert set(per_vpc) | set(per_zone) == declared
    # The two accounts really took the two Route 53 strategies.
    assert "route53:ListHostedZonesByVPC" in per_vpc and "route53:ListHostedZones" not in per_vpc
    assert per_vpc["route53:GetHostedZone"] == 1  # its service zone's whole VPC list, other accounts' VPCs too
    assert "route53:GetHostedZone" in per_zone and "route53:ListHostedZonesByVPC" not in per_zone


def test_policy_grants_the_declared_operations_and_nothing_else() -> None:
    for parts in (None, set(Part)):
        (statement,) = iam_policy(parts)["Statement"]
        assert statement["Effect"] == "Allow" and statement["Resource"] == "*"
        expected = {IAM_ACTIONS.get(op, op) for op in declared_operations(parts)} - {None}
        assert set(statement["Action"]) == expected
        assert all(action.split(":")[1].startswith(("Describe", "List", "Get")) for action in statement["Action"])
    default_actions = set(iam_policy(None)["Statement"][0]["Action"])
    assert {"s3:ListAllMyBuckets", "s3:GetBucketPolicy", "cloudwatch:GetMetricData"}.isdisjoint(default_actions)
