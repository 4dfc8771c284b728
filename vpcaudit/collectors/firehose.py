"""Amazon Data Firehose streams: one ``ListDeliveryStreams`` per Region, then ``DescribeDeliveryStream``
per stream.

Why: a stream delivering to an OpenSearch Service domain or an OpenSearch Serverless collection in
a VPC sends through network interfaces it creates there ("Firehose creates at least one ENI in
each of the subnets that are specified here", API reference, ``VpcConfiguration``), which
DescribeNetworkInterfaces reports like any workload's. They carry the deliveries and nothing
else: "Kinesis Data Firehose uses an IAM role to access the specified … S3 bucket, AWS KMS key,
and CloudWatch log group and streams" (Developer Guide, controlling access). Only the stream's
destinations say where its interfaces are.

Why a call per stream: Firehose has no batch read; ListDeliveryStreams gives names only, and
DescribeDeliveryStream takes one name. The calls run on the scope's bounded pool, as every
per-resource call does. The listing pages by the last name it returned (``aws.paging``), asking
for its largest page (``Limit`` 10,000). A stream deleted between the two calls is left out; any
other failure fails the part, so the view never reads half the streams of a Region. A stream has
one destination ("Firehose supports one destination per Firehose stream"); should it say more
follow (``HasMoreDestinations``), they are read too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

from vpcaudit.aws.errors import error_code
from vpcaudit.aws.paging import items
from vpcaudit.collectors.base import Collector, Scope
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part

GONE_CODES = frozenset({"ResourceNotFoundException"})


def fetch_firehose_streams(scope: Scope, _: Mapping[Part, Any]) -> tuple[r.FirehoseStream, ...]:
    firehose = scope.client("firehose")
    names = items(firehose, "ListDeliveryStreams", "DeliveryStreamNames")

    def describe(name: str) -> r.FirehoseStream | None:
        try:
            described = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
            destinations = list(described.get("Destinations", []))
            while described.get("HasMoreDestinations") and destinations:
                described = firehose.describe_delivery_stream(
                    DeliveryStreamName=name, ExclusiveStartDestinationId=destinations[-1]["DestinationId"],
                )["DeliveryStreamDescription"]
                if not described.get("Destinations"):
                    break
                destinations += described["Destinations"]
        except ClientError as exc:
            if error_code(exc) in GONE_CODES:
                return None
            raise
        return r.FirehoseStream.from_api({**described, "DeliveryStreamName": name, "Destinations": destinations})

    return tuple(s for s in scope.map(describe, names) if s is not None)


COLLECTORS = (
    Collector(Part.FIREHOSE_STREAMS, ("firehose:ListDeliveryStreams", "firehose:DescribeDeliveryStream"),
              fetch_firehose_streams),
)
