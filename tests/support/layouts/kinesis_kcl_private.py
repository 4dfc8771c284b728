"""A Kinesis Client Library (KCL) consumer application on EC2 instances in private subnets of three
AZs without NAT, reaching Kinesis Data Streams, DynamoDB and CloudWatch through VPC endpoints
(us-east-1).

Sources:

- the Amazon Kinesis Data Streams Developer Guide, "Use Amazon Kinesis Data Streams with interface
  VPC endpoints" (https://docs.aws.amazon.com/streams/latest/dev/vpc.html, current page, read
  2026-12-06; its archived source awsdocs/amazon-kinesis-data-streams-developer-guide
  ``doc_source/vpc.md`` at fe9180ac58251cca087e142e283733162ee6aeb2, 2022-08-31, says the same):
  an interface endpoint needs no internet gateway or NAT, "you do not need to change the settings
  for your streams, producers, or consumers", and the KPL and KCL "call AWS services like Amazon
  CloudWatch and Amazon DynamoDB using either public endpoints or private interface VPC endpoints,
  whichever are in use". The page names no service of its own; the PrivateLink guide's "AWS
  services that integrate with AWS PrivateLink"
  (https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html,
  current page) lists ``com.amazonaws.<region>.kinesis-streams`` (and ``kinesis-streams-fips``)
  for Kinesis Data Streams; ``kinesis-firehose`` is Amazon Data Firehose's, which a KCL consumer
  does not call. The service's public names ("Amazon Kinesis Data Streams endpoints and quotas",
  https://docs.aws.amazon.com/general/latest/gr/ak.html): ``kinesis.us-east-1.amazonaws.com``,
  the dual-stack ``kinesis.us-east-1.api.aws`` and their FIPS forms; the consumers here are IPv4
  with the SDK's defaults, so only the first matters;
- the guide's KCL pages (current pages, read 2026-12-06): "IAM permissions required for KCL
  consumer applications" (https://docs.aws.amazon.com/streams/latest/dev/kcl-iam-permissions.html:
  Kinesis ``DescribeStreamSummary``, ``GetRecords``, ``GetShardIterator``, ``ListShards`` …;
  DynamoDB ``CreateTable``, ``GetItem``, ``PutItem``, ``UpdateItem``, ``Scan``, ``Query`` … on the
  lease, worker metrics and coordinator state tables; CloudWatch ``PutMetricData`` "to upload
  metrics … useful for monitoring the application") and "DynamoDB metadata tables and load
  balancing in KCL" (https://docs.aws.amazon.com/streams/latest/dev/kcl-dynamoDB.html: KCL 3.x
  keeps its leases, worker metrics and coordinator state in DynamoDB tables);
- the KCL itself, awslabs/amazon-kinesis-client v3.5.1
  (024eb86e2163a3d211cacf21f44f5411b6c41c53): ``Scheduler.initialize`` retries the lease
  coordinator's start (which reads and writes the lease table) ``maxInitializationAttempts``
  times (default 20), then logs "Unable to initialize after {} attempts. Shutting down." —
  without DynamoDB a worker never processes a record; ``CloudWatchMetricsPublisher`` calls
  ``PutMetricData`` with a 5 s timeout and on failure logs "Could not publish {} datums to
  CloudWatch" and carries on — without CloudWatch the metrics are lost, the records are still
  processed; ``MetricsConfig`` defaults to ``metricsLevel`` DETAILED and the CLOUDWATCH backend
  (``NONE`` or the OTEL backend make no CloudWatch call at all);
- the gateway endpoint for DynamoDB (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-ddb.html)
  and gateway endpoints' route tables
  (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html): only the associated
  route tables get the prefix-list route.

AWS publishes no template for this layout; built as the pages ask, with these assumptions: VPC
10.0.0.0/16 ``kcl-consumer``, DNS support and hostnames on (private DNS needs both), no internet
gateway, NAT gateway or flow log; private subnets 10.0.1-3.0/24 in us-east-1a, b, c (AZ IDs
use1-az1, az2, az4 assumed), each on its own route table ``kcl-private-<az>`` (local route only,
plus the DynamoDB prefix-list route); the default NACL. Groups: ``kcl-consumers`` — no ingress
(the KCL only calls out), AWS's default all-traffic egress; ``kcl-endpoints`` — TCP 443 from
``kcl-consumers``, AWS's default egress. Interface endpoints ``kinesis-streams`` and
``monitoring`` in the three subnets, private DNS on, behind ``kcl-endpoints``, AWS's default
full-access policy; the DynamoDB gateway endpoint on the three private route tables, full access.
DescribeVpcEndpointServices for ``kinesis-streams``: PrivateDnsName ``kinesis.us-east-1.amazonaws.com``
(the service's public name above; the API's PrivateDnsNames assumed to hold only it, the guide
not listing them — the account-ID hostnames ``<account>.data-kinesis.…`` and
``<account>.control-kinesis.…`` that the SDK's endpoint rules use when a request carries a
StreamARN are not modelled), policies supported (the page's example policies), IPv4. One KCL
worker per subnet on an EC2 instance whose application and JDK are baked into its AMI (no
package downloads, so no S3 endpoint; assumed); the KCL's application name, and so its lease
table, is ``orders-consumer`` (assumed). No producer runs in the VPC.

The network interfaces, as DescribeNetworkInterfaces reports them: an instance's primary interface
typed ``interface`` (botocore's ``NetworkInterfaceType``), not requester-managed, no RequesterId,
an empty description, no tags, attached to its instance (``instance_id``), ``in-use``, no public
address, in ``kcl-consumers``; an interface endpoint's typed ``vpc_endpoint``, requester-managed,
described ``VPC Endpoint Interface <endpoint id>``, in ``kcl-endpoints``.

Near misses: ``dynamodb_endpoint=False`` — no DynamoDB gateway endpoint: the workers cannot reach
their lease table and shut down after 20 attempts; ``monitoring_endpoint=False`` — no CloudWatch
endpoint: the workers log every failed ``PutMetricData`` and keep consuming;
``dynamodb_route_azs=(1, 2)`` — the DynamoDB gateway endpoint associated with the tables of
us-east-1a and b only, us-east-1c's forgotten.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2", "use1-az4")  # this account's us-east-1a, b, c (assumed)
NAME = "kcl-consumer"
VPC_CIDR = "10.0.0.0/16"
APPLICATION = "orders-consumer"  # the KCL application name, and its lease table's (assumed)
KINESIS = "kinesis-streams"
KINESIS_DNS = f"kinesis.{REGION}.amazonaws.com"
HTTPS = 443
ALL_OUT = ("-1", None, None, "0.0.0.0/0")


def build(*, dynamodb_endpoint: bool = True, monitoring_endpoint: bool = True,
          dynamodb_route_azs: tuple[int, ...] = (1, 2, 3)) -> tuple[Snapshot, dict[str, str]]:
    """The layout; ``dynamodb_endpoint`` / ``monitoring_endpoint``: whether the DynamoDB gateway
    endpoint / the CloudWatch (``monitoring``) interface endpoint exists; ``dynamodb_route_azs``:
    the AZs whose private route table the DynamoDB endpoint is associated with (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc}
    for az in (1, 2, 3):
        letter = "abc"[az - 1]
        subnet = ids[f"private{az}"] = b.subnet(vpc, f"10.0.{az}.0/24", az=az, name=f"{NAME}-private-{letter}")
        ids[f"private_rt{az}"] = b.route_table(vpc, subnets=[subnet], name=f"kcl-private-{letter}")
    private = [ids[f"private{az}"] for az in (1, 2, 3)]

    consumer_sg = ids["consumer_sg"] = b.security_group(vpc, name="kcl-consumers", egress=[ALL_OUT])
    endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name="kcl-endpoints",
                                                        ingress=[("tcp", HTTPS, HTTPS, consumer_sg)])

    # The Kinesis Data Streams service as DescribeVpcEndpointServices lists it: its private DNS
    # name is the service's public name, not <key>.<region>.amazonaws.com (module docstring).
    b.service(KINESIS, dns_names=[KINESIS_DNS])
    ids["kinesis"] = b.interface_endpoint(vpc, KINESIS, subnets=private, groups=[endpoint_sg])
    if monitoring_endpoint:
        ids["monitoring"] = b.interface_endpoint(vpc, "monitoring", subnets=private, groups=[endpoint_sg])
    if dynamodb_endpoint:
        ids["dynamodb"] = b.gateway_endpoint(vpc, "dynamodb",
                                             route_tables=[ids[f"private_rt{az}"] for az in dynamodb_route_azs])

    for az, subnet in enumerate(private, start=1):
        worker = ids[f"worker{az}"] = b.workload(subnet, groups=[consumer_sg])
        b.enis[worker] = replace(b.enis[worker], instance_id=b.new_id("i"))
    return b.snapshot(), ids
