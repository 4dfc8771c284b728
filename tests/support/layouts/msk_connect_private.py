"""An Amazon MSK Connect S3 sink connector whose workers run in the private subnets of an MSK
provisioned cluster, writing to Amazon S3 through an S3 gateway endpoint, us-east-1.

Sources:

- the Amazon MSK Developer Guide's MSK Connect pages as last published in its source repository
  (https://github.com/awsdocs/amazon-msk-developer-guide/tree/4342322aacda8037f14a28fe0f999f771ad44ca0/doc_source,
  commit 4342322, the repository archived in June 2023), the current pages saying the same
  (read 2026-12-06):

  - "Getting started using MSK Connect", ``mkc-tutorial-setup.md`` (step 1): a cluster
    ``mkc-tutorial-cluster`` in two AZs with "Unauthenticated access" and "Plaintext" only
    (TCP 9092, "Port information"), created in the console, whose "Security groups applied" is
    the group the connector is later given; a role ``kafkaconnect.amazonaws.com`` assumes, allowed
    ``s3:PutObject`` and the multipart calls on the destination bucket; and "An Amazon VPC
    endpoint to make it possible to send data from the Amazon VPC that has the cluster and the
    connector to Amazon S3": ``com.amazonaws.us-east-1.s3``, type Gateway, on "the route table
    that is associated with the cluster's subnets". ``mkc-create-connector.md`` (step 4): the
    connector ``mkc-tutorial-connector`` is created on the cluster from the console list, so it
    gets the cluster's subnets and group (the CLI example ``mkc-S3sink-connector-example.md``
    spells them out: ``vpc.subnets`` the cluster's subnets, ``securityGroups`` "the cluster's
    security group"), the Lenses S3 sink plugin, no log delivery ("On the Logs page choose
    Next");
  - "Enabling internet access for Amazon MSK Connect" (``msk-connect-internet-access.md``): for a
    connector that "needs access to the internet", private subnets for the connector, a public NAT
    gateway in a public subnet, the VPC's main route table sending the private subnets to it
    ("Private MSKC") and a **Public MSKC** table to the internet gateway; an Elastic IP on "the
    elastic network interface (ENI) that Amazon MSK Connect creates in your VPC" is the
    discouraged workaround for public subnets ("the service may create or remove ENIs during
    maintenance or scaling operations") — so the workers' interfaces get no public address;
  - "AWS managed policy: KafkaConnectServiceRolePolicy" (``mkc-security-iam-awsmanpol.md``): the
    service-linked role ``AWSServiceRoleForKafkaConnect`` may ``ec2:CreateNetworkInterface`` only
    with the request tag ``AmazonMSKConnectManaged: true`` and no other tag key, and
    ``CreateNetworkInterfacePermission``, ``AttachNetworkInterface``, ``DetachNetworkInterface``,
    ``DeleteNetworkInterface`` only on interfaces so tagged; "These network interfaces give MSK
    Connect network access to resources in your Amazon VPC, such as an Apache Kafka cluster or a
    source or a sink";
  - "Workers" (``msk-connect-workers.md``): "A worker is a Java virtual machine (JVM) process that
    runs the connector logic"; "Connectors" (``msk-connect-connectors.md``): the service execution
    role "grants the connector all the permissions that it needs to access the necessary AWS
    resources";
- "Configure a VPC DHCP option set for your connector"
  (https://docs.aws.amazon.com/msk/latest/developerguide/msk-connect-dns-config-dhcp.html, current
  page, read 2026-12-06): connectors "automatically use the DNS servers defined in their VPC DHCP
  option set"; connectors created before the private DNS hostname feature keep the previous
  resolution (awslabs/kinesis-kafka-connector issues #64 and #66, 2021-2022: a connector timing
  out on the public address of ``firehose.<region>.amazonaws.com`` while an instance of the same
  VPC reached its interface endpoint);
- the cluster's broker interfaces as ``msk_multi_vpc`` models them (typed ``interface``, described
  ``DO NOT DELETE - Amazon MSK network interface for cluster <ARN>.``, the cluster's group, on no
  instance of the account, not requester-managed: assumed there).

The workers' interfaces, as DescribeNetworkInterfaces would report them. Documented: created in
this account by MSK Connect's service-linked role, tagged ``AmazonMSKConnectManaged: true`` (and
nothing else: the role's ``aws:TagKeys`` condition), in the connector's subnets and groups,
attached by that role to hosts MSK Connect runs (``CreateNetworkInterfacePermission`` then
``AttachNetworkInterface``). Assumed, as for the other interfaces a service's role creates in the
account (CodeBuild's, Glue's): ``InterfaceType`` ``interface`` (botocore's enumeration has no MSK
Connect type), not requester-managed, no RequesterId, an empty description, no instance of this
account (the attachment's ``InstanceOwnerId`` is MSK Connect's), no public address; one interface
per worker, the tutorial's console default capacity being two workers at most (assumed: one per
subnet). They are workloads, rightly: the worker runs the plugin's code, and the S3 sink's
``PutObject`` calls leave through them — the tutorial's only network addition is the S3 endpoint,
and the sink cannot write without it (no public address, no NAT). What MSK Connect itself does
(worker control, the service role's credentials, log delivery when chosen) is assumed not to pass
through the VPC: the tutorial runs with no NAT and no other endpoint.

Built (``build()``), us-east-1 (the tutorial's Region), AZs us-east-1a and b assumed to be use1-az1
and use1-az2: ``mkc-tutorial-vpc`` 10.0.0.0/16 (the tutorial says only "choose an Amazon VPC":
assumed), DNS support and hostnames on; private subnets ``mkc-private-a`` 10.0.1.0/24 and
``mkc-private-b`` 10.0.2.0/24 on the VPC's main route table (local route only); the S3 gateway
endpoint on the main table with AWS's default full-access policy; the default NACL and the default
group (all traffic from itself, all out), which the console gives the cluster and the connector;
the cluster's two broker interfaces (one broker per AZ) and the connector's two worker interfaces.
No internet gateway, no NAT gateway, no flow log.

Internet form (``nat=True``), after "Enabling internet access": a public subnet ``mkc-public``
10.0.0.0/24 in us-east-1a on the ``Public MSKC`` table to an internet gateway, a NAT gateway in it,
and the main table (the private subnets') sending 0.0.0.0/0 to the NAT gateway.

Near misses: ``s3_endpoint=False`` (the tutorial's endpoint step skipped, no NAT: every
``PutObject`` times out and the connector's tasks fail); ``connector_group="own"`` (the connector
given a group of its own, ``mkc-connector-sg``, no ingress, all traffic out) with
``brokers_admit_connector=False`` (the cluster's default group admitting only itself: the workers
cannot bootstrap) or ``connector_egress=False`` (the group without an egress rule, the brokers'
group admitting it on TCP 9092: the workers can send nothing, neither to the brokers nor to S3).
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2")  # this account's us-east-1a and b (assumed)
VPC_CIDR, PUBLIC_CIDR = "10.0.0.0/16", "10.0.0.0/24"
PRIVATE_CIDRS = ("10.0.1.0/24", "10.0.2.0/24")
CLUSTER = "mkc-tutorial-cluster"
# The cluster's ARN (its uuid assumed).
CLUSTER_ARN = f"arn:aws:kafka:{REGION}:{ACCOUNT}:cluster/{CLUSTER}/0b7e3c55-4f1a-4d8e-9c62-3a5f8e21d9b4-2"
BROKER_DESCRIPTION = f"DO NOT DELETE - Amazon MSK network interface for cluster {CLUSTER_ARN}."
CONNECT_TAG = "AmazonMSKConnectManaged"  # the only tag KafkaConnectServiceRolePolicy lets the role set
KAFKA_PLAINTEXT = 9092  # the tutorial's unauthenticated, plaintext listener


def build(*, nat: bool = False, s3_endpoint: bool = True, connector_group: str = "cluster",
          brokers_admit_connector: bool = True, connector_egress: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """The tutorial in private subnets. ``nat``: the internet form; ``s3_endpoint``: the
    tutorial's S3 gateway endpoint; ``connector_group``: "cluster" (the tutorial: the cluster's
    default group) or "own" (``mkc-connector-sg``), which the brokers' group admits on TCP 9092
    unless ``brokers_admit_connector`` is false and which sends all traffic unless
    ``connector_egress`` is false."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name="mkc-tutorial-vpc", dns_support=True, dns_hostnames=True)
    main_rt = b.main_route_table(vpc)
    ids = {"vpc": vpc, "main_rt": main_rt, "default_sg": b.default_group(vpc)}
    private = [b.subnet(vpc, cidr, az=k, name=f"mkc-private-{'ab'[k - 1]}")
               for k, cidr in enumerate(PRIVATE_CIDRS, start=1)]
    ids |= {f"private{k}": subnet for k, subnet in enumerate(private, start=1)}
    if nat:
        ids["public"] = b.subnet(vpc, PUBLIC_CIDR, az=1, name="mkc-public")
        ids["igw"] = b.igw(vpc)
        ids["nat"] = b.nat(ids["public"])
        ids["public_rt"] = b.route_table(vpc, subnets=[ids["public"]], routes={"0.0.0.0/0": ids["igw"]},
                                         name="Public MSKC")
        b.route(main_rt, "0.0.0.0/0", ids["nat"])
    if s3_endpoint:
        ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[main_rt])

    cluster_sg = ids["default_sg"]
    connector_sg = cluster_sg
    if connector_group == "own":
        egress = [("-1", None, None, "0.0.0.0/0")] if connector_egress else []
        connector_sg = ids["connector_sg"] = b.security_group(vpc, name="mkc-connector-sg", egress=egress)
        b.groups[connector_sg] = replace(b.groups[connector_sg], description="MSK Connect connector workers")
        if brokers_admit_connector:
            b.authorize(cluster_sg, ingress=[("tcp", KAFKA_PLAINTEXT, KAFKA_PLAINTEXT, connector_sg)])

    for k, subnet in enumerate(private, start=1):
        ids[f"broker{k}"] = b.workload(subnet, groups=[cluster_sg], description=BROKER_DESCRIPTION)
    for k, subnet in enumerate(private, start=1):
        worker = ids[f"worker{k}"] = b.workload(subnet, groups=[connector_sg])
        b.enis[worker] = replace(b.enis[worker], tags=(r.Tag(CONNECT_TAG, "true"),))
    return b.snapshot(), ids
