"""Firehose streams collected from an in-process moto account: one ``ListDeliveryStreams`` per Region,
one ``DescribeDeliveryStream`` per stream.

Paging (moto never pages unless asked for a small ``Limit``) is in test_paging, AccessDenied in
test_gaps.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import botocore.session
import pytest

from vpcaudit.collectors.run import collect_snapshot
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.jsonfile import from_json, to_json
from vpcaudit.snapshot.model import Part, State

REGION = "us-east-1"
ROLE = "arn:aws:iam::123456789012:role/delivery"


@pytest.fixture
def vpc_descriptions(session: boto3.session.Session) -> Iterator[dict[str, dict[str, Any]]]:
    """What AWS adds to moto's DescribeDeliveryStream: stream name → its destination's
    ``VpcConfigurationDescription``, as botocore's firehose model shapes it (SubnetIds, RoleARN,
    SecurityGroupIds, VpcId, all required).

    moto 5.2.6 accepts a destination's ``VpcConfiguration`` but answers without
    ``VpcConfigurationDescription`` (and so without the VPC's id, which AWS adds), and creates no
    network interface for the stream; it knows no OpenSearch Service or OpenSearch Serverless
    destination either, only the Elasticsearch one. The test fills the description into the parsed
    answer, on the collection's own clients; what ties an interface to its stream is tested on
    hand-built snapshots (tests/network) and on AWS's shape (test_paging)."""
    filled: dict[str, dict[str, Any]] = {}

    def fill(parsed: dict[str, Any], **_: Any) -> None:
        description = parsed.get("DeliveryStreamDescription", {})
        vpc = filled.get(description.get("DeliveryStreamName", ""))
        for destination in description.get("Destinations", []) if vpc else ():
            if "ElasticsearchDestinationDescription" in destination:
                destination["ElasticsearchDestinationDescription"]["VpcConfigurationDescription"] = vpc

    session.events.register("after-call.firehose.DescribeDeliveryStream", fill)
    yield filled
    session.events.unregister("after-call.firehose.DescribeDeliveryStream", fill)


def _streams(session: boto3.session.Session, filled: dict[str, dict[str, Any]]) -> tuple[str, str, tuple[str, str]]:
    """``search`` delivering to an OpenSearch domain in a VPC (two subnets, the stream's own group)
    and ``archive`` delivering to S3 alone. Returns the VPC, the group and the subnets."""
    ec2 = session.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = tuple(ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{k}.0/24", AvailabilityZone=f"{REGION}{az}")
                    ["Subnet"]["SubnetId"] for k, az in ((1, "a"), (2, "b")))
    group = ec2.create_security_group(GroupName="stream", Description="firehose stream", VpcId=vpc)["GroupId"]
    client = session.client("firehose", region_name=REGION)
    bucket = {"RoleARN": ROLE, "BucketARN": "arn:aws:s3:::backup"}
    vpc_configuration = {"SubnetIds": list(subnets), "SecurityGroupIds": [group], "RoleARN": ROLE}
    client.create_delivery_stream(DeliveryStreamName="search", ElasticsearchDestinationConfiguration={
        "RoleARN": ROLE, "DomainARN": f"arn:aws:es:{REGION}:123456789012:domain/search", "IndexName": "logs",
        "S3Configuration": bucket, "VpcConfiguration": vpc_configuration})
    client.create_delivery_stream(DeliveryStreamName="archive", ExtendedS3DestinationConfiguration=bucket)
    filled["search"] = {**vpc_configuration, "VpcId": vpc}
    return vpc, group, subnets


def test_every_stream_is_recorded_with_its_destinations_vpc_configuration(
        session: boto3.session.Session, vpc_descriptions: dict[str, dict[str, Any]]) -> None:
    vpc, group, subnets = _streams(session, vpc_descriptions)
    outcome = collect_snapshot(session, [REGION], {Part.FIREHOSE_STREAMS})
    (region,) = outcome.snapshot.accounts[0].regions
    assert region.state_of(Part.FIREHOSE_STREAMS).state is State.OK
    assert region.firehose_streams == (
        r.FirehoseStream("archive", ()),
        r.FirehoseStream("search", (r.FirehoseVpcConfiguration(vpc, tuple(sorted(subnets)), (group,), ROLE),)))
    listed = session.client("firehose", region_name=REGION).list_delivery_streams()["DeliveryStreamNames"]
    assert [s.delivery_stream_name for s in region.firehose_streams] == sorted(listed)
    assert outcome.calls == {"sts:GetCallerIdentity": 1, "ec2:DescribeRegions": 1, "firehose:ListDeliveryStreams": 1,
                             "firehose:DescribeDeliveryStream": 2}
    assert from_json(to_json(outcome.snapshot)) == outcome.snapshot


def test_a_region_without_streams_is_collected_and_empty(session: boto3.session.Session) -> None:
    outcome = collect_snapshot(session, [REGION], {Part.FIREHOSE_STREAMS})
    (region,) = outcome.snapshot.accounts[0].regions
    assert region.has(Part.FIREHOSE_STREAMS) and region.firehose_streams == ()
    assert outcome.calls["firehose:ListDeliveryStreams"] == 1 and "firehose:DescribeDeliveryStream" not in outcome.calls


def test_every_destination_with_a_vpc_configuration_is_read() -> None:
    """The destinations whose description botocore's firehose model gives a
    ``VpcConfigurationDescription`` are exactly those the record reads: a destination type added to
    the model is noticed here, not missed in an account."""
    model = botocore.session.get_session().get_service_model("firehose")
    with_vpc = {name for name, shape in model.shape_for("DestinationDescription").members.items()
                if "VpcConfigurationDescription" in getattr(shape, "members", {})}
    assert with_vpc == set(r.FIREHOSE_VPC_DESTINATIONS)
