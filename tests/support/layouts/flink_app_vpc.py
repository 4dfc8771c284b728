"""An Amazon Managed Service for Apache Flink application with a VPC configuration, reading an
Amazon MSK topic in private subnets and writing to Amazon S3 and a Kinesis data stream, us-east-1.

Sources:

- the Managed Service for Apache Flink Developer Guide, "Configure Managed Service for Apache Flink
  to access resources in an Amazon VPC" (https://docs.aws.amazon.com/managed-flink/latest/java/vpc.html),
  "VPC application permissions" (vpc-permissions.html), "Internet and service access for a
  VPC-connected Managed Service for Apache Flink application" (vpc-internet.html), "Use the
  Managed Service for Apache Flink VPC API" (vpc-api.html) and "Example: Use a VPC to access data
  in an Amazon MSK cluster" (vpc-example.html, pointing to the MSK replication tutorial,
  example-msk.html), current pages read 2026-12-06, and as last published in the guide's source
  repository (https://github.com/awsdocs/amazon-kinesis-data-analytics-developer-guide/tree/d32ce9803b3391f4c548c0c9e374834f97247326/doc_source,
  2023-06-15, the last commit before the repository was emptied and archived; ``vpc.md``,
  ``vpc-internet.md``, ``vpc-permissions.md``, ``troubleshooting-symptoms.md``). What they say:
  the service "creates elastic network interfaces in one of the subnets provided in your VPC
  configuration", their number varying "depending on the parallelism and parallelism per KPU";
  the service "manages the checkpoint and snapshot state for applications that have a VPC
  configuration" (note in ``vpc.md``); a VPC-connected application "does not have access to the
  internet unless the VPC provides access" — then it "should only be configured with private
  subnets", the VPC needs a NAT gateway or instance in a public subnet and a route from the
  private subnets to it; "Several services offer VPC endpoints" to reach AWS services "without
  internet access" (the guide names none); the execution role gets ``ec2:CreateNetworkInterface``,
  ``ec2:CreateNetworkInterfacePermission``, ``ec2:DescribeNetworkInterfaces``,
  ``ec2:DeleteNetworkInterface`` and read-only Describe calls; "Cannot Access Resources in a VPC":
  the symptom is ``org.apache.kafka.common.errors.TimeoutException: Failed to update metadata
  after 60000 ms.`` read in the application's CloudWatch logs — logging that keeps working while
  the VPC's resources are unreachable;
- the API's AddApplicationVpcConfiguration
  (https://docs.aws.amazon.com/managed-flink/latest/apiv2/API_AddApplicationVpcConfiguration.html):
  ``VpcConfiguration`` = ``SubnetIds`` and ``SecurityGroupIds``;
- the public example the network follows: awslabs/managed-service-for-apache-flink-blueprints,
  ``apps/java-datastream/msk-serverless-to-s3-datastream-java/cdk-infra/lib/cdk-infra-kda-kafka-to-s3-stack.ts``
  and ``cdk-infra/shared/lib/kda-construct.ts`` at commit f1847ef7e0dda4b821194a2628fc93c192b810eb
  (2023-08-09; the app folder was removed by the next commit to that file, 0930d2c): a CDK
  ``ec2.Vpc`` with ``maxAzs: 3``, ``natGateways: 1``, ``/24`` subnets ``public-subnet-1``
  (PUBLIC) and ``private`` (PRIVATE_WITH_EGRESS), DNS support and hostnames on; ``mskSG`` ("MSK
  Security Group", ``allowAllOutbound: true``, ``allowInternally(ec2.Port.allTraffic())``) given
  to both the cluster and the application; the application's ``vpcConfigurations`` = every
  PRIVATE_WITH_EGRESS subnet and ``mskSG``; parallelism 2, parallelism per KPU 1; the role's
  ``s3:PutObject`` on the sink bucket (FileSink), ``logs:PutLogEvents`` on the application's
  log group and ``cloudwatch:PutMetricData``; no VPC endpoint.

Built (``build()``, the NAT form): VPC 10.0.0.0/16 (CDK's default CIDR), DNS support and
hostnames on; CDK's allocation: ``public-subnet-1Subnet1``-``3`` 10.0.0-2.0/24 in us-east-1a, b, c
(AZ IDs use1-az1, az2, az4 assumed) each on its own table to the internet gateway, the one NAT
gateway in the first; ``privateSubnet1``-``3`` 10.0.3-5.0/24, each on its own table sending
0.0.0.0/0 to that NAT gateway; the default NACL; ``mskSG``: all traffic from itself, AWS's
default egress. Departure: the blueprint's source is MSK Serverless; here it is the guide's own
example, a provisioned cluster (the MSK getting-started tutorial): three brokers, one per private
subnet, in ``mskSG``, their interfaces typed ``interface``, described ``DO NOT DELETE - Amazon MSK
network interface for cluster <ARN>.`` as ``msk_multi_vpc`` models them. The application writes
to the blueprint's S3 sink and, assumed, to a Kinesis data stream (Flink's
``KinesisStreamsSink``), so that it is a client of S3 and Kinesis Data Streams from its
interfaces.

The endpoints form (``nat=False``): no NAT gateway (the private tables hold the local route only),
the internet gateway kept for the public subnets; interface endpoints ``kinesis-streams``
(private DNS name ``kinesis.us-east-1.amazonaws.com``, as ``kinesis_kcl_private`` lists it),
``monitoring`` and ``logs`` in the three private subnets, private DNS on, behind
``flink-endpoints`` admitting TCP 443 from 10.0.0.0/16; the S3 gateway endpoint on the three
private tables; every endpoint with AWS's default full-access policy. Which endpoints an
application needs is its code's affair: the guide names none, says checkpoints and snapshots are
the service's, and its troubleshooting reads CloudWatch Logs while the VPC is unreachable.
``kinesis-streams`` and S3 serve the sinks; ``monitoring`` (the blueprint role's
``cloudwatch:PutMetricData``, for metrics the code would publish itself) and ``logs`` are the
usual companions, whether the service routes any of its own traffic through the application's
interfaces being undocumented.

The application's interfaces, as DescribeNetworkInterfaces would report them. AWS documents only
how they come to be: the execution role creates them (``ec2:CreateNetworkInterface``) and grants
the service the right to attach them (``ec2:CreateNetworkInterfacePermission``), as for
CodeBuild and Glue. Assumed: ``InterfaceType`` ``interface`` (botocore's NetworkInterfaceType
has no value of the service's), not requester-managed (the account's role created them), no
RequesterId recorded, an empty description, no tags, ``in-use``, attached to no instance of this
account, no public address, carrying the configuration's groups; two of them (the blueprint's
parallelism 2 at one per KPU: one interface per KPU assumed), both in the first private subnet —
"one of the subnets provided". The network model counts them as workloads, and rightly: they
carry the application's own code's traffic — to the brokers, to Kinesis, to S3.

Near misses: ``nat=False, endpoints=False`` — no NAT gateway and no endpoint: the Kafka source
still works, the S3 and Kinesis sinks time out. ``allow_all_outbound=False`` (endpoints form) —
``mskSG`` created as CDK makes a group without outbound access: CDK's placeholder egress rule
(ICMP type 252 code 86 to 255.255.255.255/32) and the all-traffic egress to itself that
``allowInternally`` adds; brokers reachable, no endpoint. ``app_subnets=(1,)`` — the
application's VPC configuration given the first private subnet only.
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2", "use1-az4")  # this account's us-east-1a, b, c (assumed)
STACK = "CdkInfraKdaKafkaToS3Stack"  # the blueprint's stack class as stack name (assumed)
VPC_CIDR = "10.0.0.0/16"
CLUSTER = "flink-source"  # assumed
CLUSTER_ARN = f"arn:aws:kafka:{REGION}:{ACCOUNT}:cluster/{CLUSTER}/7c1d5e2a-4b3f-4a8e-9d21-6f0b8e4c2a17-2"  # assumed
BROKER_DESCRIPTION = f"DO NOT DELETE - Amazon MSK network interface for cluster {CLUSTER_ARN}."
KINESIS = "kinesis-streams"
KINESIS_DNS = f"kinesis.{REGION}.amazonaws.com"
INTERFACE_SERVICES = (KINESIS, "monitoring", "logs")
APP_INTERFACES = 2  # parallelism 2 / parallelism per KPU 1: one interface per KPU (assumed)
HTTPS = 443
ALL_OUT = ("-1", None, None, "0.0.0.0/0")
# What CDK puts on a group created with allowAllOutbound: false, so that EC2 adds no default egress.
CDK_NO_EGRESS = ("icmp", 252, 86, "255.255.255.255/32")


def build(*, nat: bool = True, endpoints: bool = True, allow_all_outbound: bool = True,
          app_subnets: tuple[int, ...] = (1, 2, 3)) -> tuple[Snapshot, dict[str, str]]:
    """``nat``: the blueprint's NAT form (True) or the endpoints form (False); ``endpoints``: in
    the endpoints form, whether the endpoints exist; ``allow_all_outbound``: ``mskSG``'s CDK
    property; ``app_subnets``: the private subnets, by AZ, of the application's VPC configuration
    (its interfaces go in the first)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name=f"{STACK}/VPC", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc}
    igw = ids["igw"] = b.igw(vpc)
    for az in (1, 2, 3):
        pub = ids[f"public{az}"] = b.subnet(vpc, f"10.0.{az - 1}.0/24", az=az,
                                            name=f"{STACK}/VPC/public-subnet-1Subnet{az}")
        ids[f"public_rt{az}"] = b.route_table(vpc, subnets=[pub], routes={"0.0.0.0/0": igw},
                                              name=f"{STACK}/VPC/public-subnet-1Subnet{az}")
    if nat:
        ids["nat"] = b.nat(ids["public1"])
    for az in (1, 2, 3):
        priv = ids[f"private{az}"] = b.subnet(vpc, f"10.0.{az + 2}.0/24", az=az,
                                              name=f"{STACK}/VPC/privateSubnet{az}")
        ids[f"private_rt{az}"] = b.route_table(vpc, subnets=[priv], routes={"0.0.0.0/0": ids["nat"]} if nat else {},
                                               name=f"{STACK}/VPC/privateSubnet{az}")
    private = [ids[f"private{az}"] for az in (1, 2, 3)]

    # mskSG: allowInternally adds all traffic from itself (and, without allowAllOutbound, to itself).
    egress = [ALL_OUT] if allow_all_outbound else [CDK_NO_EGRESS, ("-1", None, None, "self")]
    msk_sg = ids["msk_sg"] = b.security_group(vpc, name="mskSG", ingress=[("-1", None, None, "self")],
                                              egress=egress)

    if not nat and endpoints:
        endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name="flink-endpoints",
                                                            ingress=[("tcp", HTTPS, HTTPS, VPC_CIDR)])
        b.service(KINESIS, dns_names=[KINESIS_DNS])
        for key in INTERFACE_SERVICES:
            ids[key] = b.interface_endpoint(vpc, key, subnets=private, groups=[endpoint_sg])
        ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids[f"private_rt{az}"] for az in (1, 2, 3)])

    for az, subnet in enumerate(private, start=1):
        ids[f"broker{az}"] = b.workload(subnet, groups=[msk_sg], description=BROKER_DESCRIPTION)
    # The application's interfaces (assumed fields: module docstring), in "one of the subnets provided".
    app_subnet = ids[f"private{app_subnets[0]}"]
    for k in range(1, APP_INTERFACES + 1):
        ids[f"app{k}"] = b.workload(app_subnet, groups=[msk_sg])
    return b.snapshot(), ids
