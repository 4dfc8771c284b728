"""An Amazon MSK Serverless cluster with IAM access control and a Kafka client instance in its
VPC's private subnets, us-east-1.

Sources:

- aws-samples/serverless-patterns, ``msk-lambda-iam-python-sam/MSKAndKafkaClientEC2.yaml``
  (https://github.com/aws-samples/serverless-patterns/blob/795504a01d32ccb2a35465f5f10072bd4143932e/msk-lambda-iam-python-sam/MSKAndKafkaClientEC2.yaml,
  the file's last commit, 2025-11-25; the same template ships with the java, node and avro
  patterns) with ``EnvType=Serverless``: the network the serverless patterns' MSK event sources
  are tested against. Its ``ServerlessMSKCluster`` (``AWS::MSK::ServerlessCluster``) has
  ``ClientAuthentication.Sasl.Iam.Enabled`` and one ``VpcConfigs`` entry: the three
  ``PrivateSubnetMSK*`` subnets and ``MSKSecurityGroup``. Terraform's form is the same
  (``aws_msk_serverless_cluster``'s ``vpc_config { subnet_ids, security_group_ids }``);
- the Amazon MSK Developer Guide (current pages; its source repository was archived in June 2023):
  "Create an MSK Serverless cluster"
  (https://docs.aws.amazon.com/msk/latest/developerguide/create-serverless-cluster.html: "You can
  connect clients from up to five different VPCs with MSK Serverless clusters. To help client
  applications switch over to another Availability Zone in the event of an outage, you must
  specify a[t least two subnets …]"), "Port information"
  (https://docs.aws.amazon.com/msk/latest/developerguide/port-info.html: 9098 for IAM access
  control from within AWS, as read for ``msk_multi_vpc``); the provider documentation of
  ``aws_msk_serverless_cluster`` / ``aws.msk.ServerlessCluster`` (Pulumi AWS v7.30.0,
  2026-05-14): ``subnet_ids`` "A list of subnets in at least two different Availability Zones
  that host your client applications", ``security_group_ids`` "up to five security groups that
  control inbound and outbound traffic for the serverless cluster";
- AWS re:Post Knowledge Center, "Why can't I delete a requester-managed Amazon VPC endpoint?"
  (https://repost.aws/knowledge-center/vpc-delete-requester-managed-endpoint, read in its Japanese
  edition, last updated 2022-04-15): DeleteVpcEndpoints
  fails with "Operation is not allowed for requester-managed VPC endpoints for the service
  com.amazonaws.vpce.<region>.vpce-svc-…"; such endpoints "are created by AWS managed services",
  and to remove one you identify that service and delete its resource;
- the AWS Big Data Blog, "Secure connectivity patterns for Amazon MSK Serverless cross-account
  access" (https://aws.amazon.com/blogs/big-data/secure-connectivity-patterns-for-amazon-msk-serverless-cross-account-access/):
  "When an MSK Serverless cluster is created, AWS manages the cluster infrastructure on your
  behalf and extends private connectivity back to your VPCs through VPC endpoints powered by AWS
  PrivateLink", the bootstrap name ``boot-<ClusterUniqueID>.xx.kafka-serverless.<Region>.amazonaws.com``;
- ``KafkaServiceRolePolicy`` (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/KafkaServiceRolePolicy.html):
  v4 (2023-04-28) has no ``ec2:CreateVpcEndpoint`` (v5, 2025-11-10, not read),
  ``ec2:ModifyVpcEndpoint`` / ``ec2:DeleteVpcEndpoints`` only on
  endpoints tagged ``AWSMSKManaged: true`` with a ``ClusterArn`` — added for multi-VPC private
  connectivity on 2023-03-08 ("Amazon MSK updates to AWS managed policies"), after MSK Serverless.

What DescribeVpcEndpoints shows of the cluster's endpoints AWS does not document. Assumed, as
PrivateLink reports an endpoint an AWS service creates in a customer's subnets: one Interface
endpoint per ``VpcConfigs`` entry, listed in this account (OwnerId the account),
``RequesterManaged`` true, to an endpoint service MSK owns (``com.amazonaws.vpce.us-east-1.vpce-svc-…``,
absent from this account's DescribeVpcEndpointServices), in the configured subnets and groups, no
policy document, private DNS off (the bootstrap name is MSK's, not the service's), no tags — the
``AWSMSKManaged`` / ``ClusterArn`` pair is the multi-VPC connection's (the service-linked role's
endpoint permissions came with that feature), so vpcaudit's ``msk_connection_cluster`` does not
claim these. Its interfaces: ``vpc_endpoint``, requester-managed, described ``VPC Endpoint
Interface <id>``.

Built (``build()``): ``MSKVPC`` 10.0.0.0/16, DNS support and hostnames on; ``PublicSubnet``
10.0.0.0/24 in us-east-1a (``Fn::GetAZs`` index 0; AZ IDs use1-az1, az2, az4 assumed) on a table
to the internet gateway, with ``ConfluentKafkaNATGateway``; ``PrivateSubnetMSKOne``-``Three``
10.0.1-3.0/24 in a, b, c on one table to the NAT gateway; the default NACL. Groups as
CloudFormation leaves them (AWS's default egress on both): ``<stack> Security group attached to
the kakfa client producer`` — TCP 22, 3500, 3600, 3800, 3900 from 10.0.0.0/24 and TCP 22 from
itself; ``<stack> Security group for the MSK cluster`` — TCP 2181, 9094, 9096, 9092, 9098, 8083,
8081 from the client group and TCP 9092-9098 from itself. Stack name ``msk-serverless`` (assumed).

Departure, for the layout this stands for (clients in private subnets): the template's
``KafkaClientEC2InstanceServerless`` sits in ``PublicSubnetOne``; here it runs in
``PrivateSubnetMSKOne`` (``client_az``, default 1). Left out: the template's EC2 Instance Connect
Endpoint (reaches the instance, not the cluster), the Lambda function (not in the VPC; its MSK
event source polls from the cluster's VPC configuration — Lambda's pollers are not in
DescribeNetworkInterfaces of this account as far as AWS documents), the NAT gateway's Elastic IP,
the provisioned branch (``EnvType=Provisioned``), IAM, KMS, ACM PCA and Secrets Manager.

Near misses: ``cluster_ports=(9092,)`` — the cluster's group admits only the plaintext port from
the clients (copied from a provisioned cluster's plaintext listener); MSK Serverless takes IAM on
9098 only, so every bootstrap times out. ``cluster_azs=(1, 2)`` with ``client_az=3`` — the
cluster in two AZs, "at least two", the client in the third, whose Kafka traffic crosses AZs.
``idle=True`` adds a 14-day ``AWS/PrivateLinkEndpoints`` ``BytesProcessed`` of 0 for the
cluster's endpoint (a cluster nobody has used for two weeks; that PrivateLink publishes the
metric for a requester-managed endpoint is assumed), and traffic through the NAT gateway.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2", "use1-az4")  # this account's us-east-1a, b, c (assumed)
STACK = "msk-serverless"  # assumed stack name
VPC_CIDR, PUBLIC_CIDR = "10.0.0.0/16", "10.0.0.0/24"
KAFKA_IAM = 9098
# The template's MSKSecurityGroup ingress from the client group, in its order.
TEMPLATE_PORTS = (2181, 9094, 9096, 9092, 9098, 8083, 8081)
CLIENT_PORTS = (22, 3500, 3600, 3800, 3900)
NAT_BYTES = 48.0 * 1024**3  # what the NAT gateway moved over the metrics window (assumed: in use)


def build(*, cluster_ports: tuple[int, ...] = TEMPLATE_PORTS, cluster_azs: tuple[int, ...] = (1, 2, 3),
          client_az: int = 1, idle: bool = False) -> tuple[Snapshot, dict[str, str]]:
    """The template with ``EnvType=Serverless``, the client in ``PrivateSubnetMSK<client_az>``;
    ``cluster_ports``: what the cluster's group admits from the clients' group; ``cluster_azs``:
    the private subnets of the cluster's ``VpcConfigs`` by AZ; ``idle``: module docstring."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name="MSKVPC", dns_support=True, dns_hostnames=True)
    ids = {"vpc": vpc, "public": b.subnet(vpc, PUBLIC_CIDR, az=1, name="PublicSubnet")}
    private = [b.subnet(vpc, f"10.0.{k}.0/24", az=k, name=f"PrivateSubnetMSK{('One', 'Two', 'Three')[k - 1]}")
               for k in (1, 2, 3)]
    ids |= {f"private{k}": subnet for k, subnet in enumerate(private, start=1)}
    ids["igw"] = b.igw(vpc)
    ids["nat"] = b.nat(ids["public"])
    b.tag(ids["nat"], {"Name": "ConfluentKafkaNATGateway"})
    ids["public_rt"] = b.route_table(vpc, subnets=[ids["public"]], routes={"0.0.0.0/0": ids["igw"]})
    ids["private_rt"] = b.route_table(vpc, subnets=private, routes={"0.0.0.0/0": ids["nat"]})

    client_sg = ids["client_sg"] = b.security_group(
        vpc, name=f"{STACK} Security group attached to the kakfa client producer",
        ingress=[("tcp", port, port, PUBLIC_CIDR) for port in CLIENT_PORTS])
    b.authorize(client_sg, ingress=[("tcp", 22, 22, "self")])
    b.groups[client_sg] = replace(b.groups[client_sg],
                                  description="Enable SSH access via port 22 from BastionHostSecurityGroup")
    cluster_sg = ids["cluster_sg"] = b.security_group(
        vpc, name=f"{STACK} Security group for the MSK cluster",
        ingress=[("tcp", port, port, client_sg) for port in cluster_ports])
    b.authorize(cluster_sg, ingress=[("tcp", 9092, KAFKA_IAM, "self")])
    b.groups[cluster_sg] = replace(b.groups[cluster_sg], description="MSK Security Group")

    client = ids["client"] = b.workload(ids[f"private{client_az}"], groups=[client_sg])
    b.enis[client] = replace(b.enis[client], instance_id=b.new_id("i"))
    ids["cluster"] = _cluster_endpoint(b, vpc, [ids[f"private{k}"] for k in cluster_azs], cluster_sg)
    if idle:
        b.metric(ids["cluster"], "AWS/PrivateLinkEndpoints", "BytesProcessed", 0.0)
        for metric in ("BytesOutToDestination", "BytesInFromSource"):
            b.metric(ids["nat"], "AWS/NATGateway", metric, NAT_BYTES)
    return b.snapshot(), ids


def _cluster_endpoint(b: AwsRegionBuilder, vpc: str, subnets: list[str], group: str) -> str:
    """The cluster's endpoint for its one ``VpcConfigs`` entry as DescribeVpcEndpoints would
    report it (module docstring: assumed)."""
    service_id = b.new_id("vpce-svc")
    endpoint = b.interface_endpoint(vpc, "kafka-serverless", subnets=subnets, groups=[group], private_dns=False,
                                    policy=None, service_name=f"com.amazonaws.vpce.{REGION}.{service_id}")
    suffix = b.new_id("x").split("-")[1][1:9]
    b.endpoints[endpoint] = replace(b.endpoints[endpoint], requester_managed=True, dns_entries=(
        r.DnsEntry(f"{endpoint}-{suffix}.{service_id}.{REGION}.vpce.amazonaws.com", "Z7HUB22UULQXV"),))
    return endpoint
