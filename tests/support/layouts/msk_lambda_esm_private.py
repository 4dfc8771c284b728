"""An Amazon MSK provisioned cluster in private subnets consumed by a Lambda function through an
event source mapping, with no NAT gateway: the mapping's pollers reach Lambda and STS through
interface endpoints in the cluster's VPC (us-east-1).

Sources:

- aws-samples/serverless-patterns, ``msk-lambda-iam-python-sam`` at
  795504a01d32ccb2a35465f5f10072bd4143932e (2025-11-25, the pattern's last commit at the
  repository's stored head, fb7b5d0 of 2026-08-06; the java and node patterns' templates carry
  the same groups):
  ``MSKAndKafkaClientEC2.yaml``
  (https://github.com/aws-samples/serverless-patterns/blob/795504a01d32ccb2a35465f5f10072bd4143932e/msk-lambda-iam-python-sam/MSKAndKafkaClientEC2.yaml)
  with its default ``EnvType=Provisioned``, and ``template_original.yaml`` (the SAM application).
  The network template: ``MSKVPC`` 10.0.0.0/16 (DNS support and hostnames on), ``PublicSubnet``
  10.0.0.0/24 in the Region's first AZ (``MapPublicIpOnLaunch``) on a table to the internet
  gateway, holding ``ConfluentKafkaNATGateway``; ``PrivateSubnetMSKOne``-``Three`` 10.0.1-3.0/24
  in the first three AZs on one table whose 0.0.0.0/0 goes to that NAT gateway;
  ``KafkaClientInstanceSecurityGroup`` (TCP 22, 3500, 3600, 3800, 3900 from 10.0.0.0/24, TCP 22
  from itself); ``MSKSecurityGroup`` (TCP 2181, 9094, 9096, 9092, 9098, 8083, 8081 from the
  client group, and ``MSKSelfIngressAllowRule``, "Enable Self referencing Bootstrap servers", TCP
  9092-9098 from itself), both with AWS's default egress (CloudFormation is given no
  ``SecurityGroupEgress``); ``MSKCluster`` (``AWS::MSK::Cluster``: three ``kafka.m5.large``
  brokers, ``ClientSubnets`` the three private subnets, ``SecurityGroups`` ``MSKSecurityGroup``;
  IAM, SCRAM and TLS client authentication, unauthenticated off, TLS between clients and
  brokers); ``KafkaClientEC2InstanceProvisioned`` in ``PublicSubnetOne`` with the client group.
  The SAM application: ``LambdaMSKConsumerPythonFunction`` with no ``VpcConfig`` and an ``MSK``
  event on the cluster's ARN (no ``SourceAccessConfigurations``: IAM access control, port 9098;
  no ``ProvisionedPollerConfig``: on-demand pollers), its policy granting the ``kafka-cluster``
  data actions, ``kafka:DescribeClusterV2``, ``kafka:GetBootstrapBrokers`` and
  ``ec2:CreateNetworkInterface`` / ``DescribeNetworkInterfaces`` / ``DeleteNetworkInterface``,
  ``DescribeSecurityGroups``, ``DescribeSubnets``, ``DescribeVpcs`` (the mapping creates its
  interfaces from the cluster's subnets and group). The function only prints what it receives.
- the Lambda Developer Guide, "Configuring your Amazon MSK cluster and Amazon VPC network for
  Lambda" (https://docs.aws.amazon.com/lambda/latest/dg/with-msk-cluster-network.html, current
  page, read 2026-12-07): the mapping polls through a Hyperplane interface Lambda creates (or
  reuses) in the cluster's private subnet, which "uses the subnet and security group
  configuration of your MSK cluster, not your Lambda function"; in on-demand mode it invokes the
  function "via a path through your customer-managed VPC", so a cluster in private subnets needs
  a NAT gateway in a public subnet (one per AZ in its console steps) or PrivateLink endpoints in
  the private subnets for Lambda, STS and, when the cluster's secret is in Secrets Manager, Secrets
  Manager; in provisioned mode, none. The cluster's groups admit the broker port (9098 IAM, 9096
  SASL/SCRAM, 9094 TLS) or reference themselves, send 443 out when other AWS services are needed,
  and an endpoint's group "must allow inbound traffic on port 443 from the cluster's security
  group". Its console steps for the endpoints choose the cluster's private subnets and, under
  Security groups, "the security groups associated with your MSK cluster"; AWS's default
  endpoint policy is open, and the page recommends narrowing it (for STS and Lambda, to the
  ``lambda.amazonaws.com`` principal on ``Resource "*"``).
- the same guide, "Creating a Lambda event source mapping for an Amazon MSK event source"
  (https://docs.aws.amazon.com/lambda/latest/dg/msk-esm-create.html, current page, read
  2026-12-07): Lambda "creates a hyperplane ENI in the private subnet" of the cluster, with the
  cluster's subnet and group configuration. "Configuring Lambda permissions for Amazon MSK event
  source mappings" (with-msk-permissions.html, same date): ``AWSLambdaMSKExecutionRole`` carries
  the mapping's minimum permissions, the ``ec2:CreateNetworkInterface`` family among them.
- the existing layouts' readings: MSK's broker interfaces as ``msk_multi_vpc`` and
  ``msk_connect_private`` model them (typed ``interface``, described ``DO NOT DELETE - Amazon MSK
  network interface for cluster <cluster ARN>.``, the cluster's group, on no instance of the
  account, not requester-managed: assumed there, one per broker, broker ``k`` in private subnet
  ``k``); a self-managed Kafka mapping's interfaces described ``AWS Lambda VPC
  ENI-SMK-<account>-<uuid>`` (go-to-k/cdk-real-drift#441, 2026-06-30, as ``documentdb_lambda``
  reads it).

What DescribeNetworkInterfaces shows for the mapping's pollers (botocore's ec2 model,
``NetworkInterface``): documented, one Hyperplane interface in each subnet of the cluster's
``ClientSubnets``, in ``MSKSecurityGroup``, created with the execution role's EC2 permissions.
Assumed: InterfaceType ``lambda`` (botocore's enum value for Lambda's Hyperplane interfaces),
RequesterManaged false, RequesterId ``<role id>:awslambda_<n>`` (as ``documentdb_lambda``), no
tags, no attachment to an instance of the account, Description ``AWS Lambda VPC
ENI-MSK-<account>-<uuid>`` — the ``MSK`` token assumed by analogy with ``SMK``: neither AWS nor a
public output shows an MSK mapping's. The network model takes them for workloads that may call
every service, rightly: they are the clients of ``lambda`` and ``sts``.

Built, the canonical form (``build()``), us-east-1 (AZ IDs use1-az1, az2, az4 assumed for the
first three AZs: MSK refuses use1-az3): the template's VPC, subnets, groups, cluster and client
instance, stack name ``msk-provisioned`` (assumed), with the guide's PrivateLink path in place of
the NAT gateway (no NAT gateway, no Elastic IP, the private table with its local route only):
``lambda`` and ``sts`` interface endpoints (IAM access control: no secret, so no
``secretsmanager``) in the three private subnets, private DNS on, AWS's default policy, on a group
``msk-esm-endpoints`` (assumed name) admitting TCP 443 from ``MSKSecurityGroup`` — the guide's
"Amazon VPC endpoint inbound rules" — with AWS's default egress; the three broker interfaces; the
client instance (public IP, as ``MapPublicIpOnLaunch`` gives it) in ``PublicSubnet``; the
mapping's three poller interfaces. Left out: the EC2 Instance Connect Endpoint (reaches the
instance, not the cluster), IAM, KMS, ACM PCA, the SCRAM secret, the cluster configuration.

Forms: ``route="nat"`` is the template as published (the NAT gateway, no endpoints).
``esm=False`` is the stack before ``sam deploy`` (no poller yet). Near misses, on the canonical
form: ``endpoints=()``, ``("lambda",)`` or ``("sts",)`` (an endpoint left out, no NAT: the
pollers cannot assume the execution role or cannot invoke); ``cluster_self=False``
(``MSKSelfIngressAllowRule`` dropped: the group admits the broker ports from the client group
only, refusing the pollers it holds); ``endpoint_source="function-group"`` with
``function_in_vpc`` (the endpoints' group admits TCP 443 from a group ``msk-consumer-function``
given to the function, instead of the cluster's group; with ``function_in_vpc`` the function
has a ``VpcConfig`` in the private subnets with that group, without it the group has no member);
``endpoint_group="cluster"`` (the guide's console steps taken literally: the endpoints in
``MSKSecurityGroup`` itself, which admits nothing on 443). ``policies="guide"`` gives the two
endpoints the guide's example policies in place of AWS's default.
"""

from __future__ import annotations

import json
from dataclasses import replace

from aws_layout import AwsRegionBuilder
from builders import FULL_ACCESS_POLICY

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2", "use1-az4")  # this account's us-east-1a, b, c (assumed; MSK refuses use1-az3)
STACK = "msk-provisioned"  # assumed stack name
VPC_CIDR, PUBLIC_CIDR = "10.0.0.0/16", "10.0.0.0/24"
CLUSTER_ARN = (f"arn:aws:kafka:{REGION}:{ACCOUNT}:cluster/{STACK}-cluster/"
               "3c9e5a1b-7d24-4f86-b0e3-5a1c9d7f2e48-2")  # assumed uuid
BROKER_DESCRIPTION = f"DO NOT DELETE - Amazon MSK network interface for cluster {CLUSTER_ARN}."
# MSKSecurityGroup's ingress from the client group, in the template's order.
TEMPLATE_PORTS = (2181, 9094, 9096, 9092, 9098, 8083, 8081)
CLIENT_PORTS = (22, 3500, 3600, 3800, 3900)
BROKER_PORTS = (9092, 9098)  # MSKSelfIngressAllowRule's range: plaintext, TLS, SCRAM, IAM
KAFKA_IAM = 9098
HTTPS = 443
ESM_SERVICES = ("lambda", "sts")  # IAM access control: no Secrets Manager secret to read
ROLE_ID = "AROAW3EXAMPLEMSKESM01"  # the execution role's unique id (assumed)
FUNCTION = "msk-Lambda-iam-python-sam-LambdaMSKConsumerPytho-Q1w2E3r4T5y6"  # CloudFormation's name (assumed)
CLIENT_PUBLIC_IP = "3.91.24.117"  # MapPublicIpOnLaunch (assumed address)


def guide_policy(key: str) -> str:
    """The guide's example endpoint policy for ``lambda`` or ``sts``: the one action the mapping
    needs, for the ``lambda.amazonaws.com`` principal, on ``Resource "*"`` (as the guide asks)."""
    action = {"lambda": "lambda:InvokeFunction", "sts": "sts:AssumeRole"}[key]
    return json.dumps({"Statement": [{"Action": action, "Effect": "Allow",
                                      "Principal": {"Service": ["lambda.amazonaws.com"]}, "Resource": "*"}]})


def build(*, route: str = "endpoints", esm: bool = True, endpoints: tuple[str, ...] = ESM_SERVICES,
          endpoint_group: str = "own", endpoint_source: str = "cluster-group", cluster_self: bool = True,
          function_in_vpc: bool = False, policies: str = "default") -> tuple[Snapshot, dict[str, str]]:
    """``route``: "endpoints" (the guide's PrivateLink path, canonical) or "nat" (the template);
    ``esm``: whether the mapping's pollers exist; ``endpoints``: the interface endpoints of the
    endpoints form; ``endpoint_group``: "own" (``msk-esm-endpoints``) or "cluster"
    (``MSKSecurityGroup``); ``endpoint_source``: what ``msk-esm-endpoints`` admits TCP 443 from
    ("cluster-group" or "function-group"); ``cluster_self``: ``MSKSelfIngressAllowRule``;
    ``function_in_vpc``: the function in the private subnets with ``msk-consumer-function``;
    ``policies``: "default" (AWS's full-access policy) or "guide" (the guide's examples)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name="MSKVPC", dns_support=True, dns_hostnames=True)
    ids = {"vpc": vpc, "public": b.subnet(vpc, PUBLIC_CIDR, az=1, name="PublicSubnet")}
    b.subnets[ids["public"]] = replace(b.subnets[ids["public"]], map_public_ip_on_launch=True)
    private = [b.subnet(vpc, f"10.0.{k}.0/24", az=k, name=f"PrivateSubnetMSK{('One', 'Two', 'Three')[k - 1]}")
               for k in (1, 2, 3)]
    ids |= {f"private{k}": subnet for k, subnet in enumerate(private, start=1)}
    ids["igw"] = b.igw(vpc)
    ids["public_rt"] = b.route_table(vpc, subnets=[ids["public"]], routes={"0.0.0.0/0": ids["igw"]})
    if route == "nat":
        ids["nat"] = b.nat(ids["public"])
        b.tag(ids["nat"], {"Name": "ConfluentKafkaNATGateway"})
    ids["private_rt"] = b.route_table(vpc, subnets=private, routes={"0.0.0.0/0": ids["nat"]} if route == "nat" else {})

    client_sg = ids["client_sg"] = b.security_group(
        vpc, name=f"{STACK} Security group attached to the kakfa client producer",
        ingress=[("tcp", port, port, PUBLIC_CIDR) for port in CLIENT_PORTS])
    b.authorize(client_sg, ingress=[("tcp", 22, 22, "self")])
    b.groups[client_sg] = replace(b.groups[client_sg],
                                  description="Enable SSH access via port 22 from BastionHostSecurityGroup")
    cluster_sg = ids["cluster_sg"] = b.security_group(
        vpc, name=f"{STACK} Security group for the MSK cluster",
        ingress=[("tcp", port, port, client_sg) for port in TEMPLATE_PORTS])
    if cluster_self:
        b.authorize(cluster_sg, ingress=[("tcp", *BROKER_PORTS, "self")])
    b.groups[cluster_sg] = replace(b.groups[cluster_sg], description="MSK Security Group")

    if function_in_vpc or endpoint_source == "function-group":
        ids["function_sg"] = b.security_group(vpc, name="msk-consumer-function")
    if route == "endpoints" and endpoints:
        if endpoint_group == "cluster":
            groups = [cluster_sg]
        else:
            admitted = cluster_sg if endpoint_source == "cluster-group" else ids["function_sg"]
            ids["endpoint_sg"] = b.security_group(vpc, name="msk-esm-endpoints",
                                                  ingress=[("tcp", HTTPS, HTTPS, admitted)])
            groups = [ids["endpoint_sg"]]
        for key in endpoints:
            policy = FULL_ACCESS_POLICY if policies == "default" else guide_policy(key)
            ids[key] = b.interface_endpoint(vpc, key, subnets=private, groups=groups, policy=policy)

    for k, subnet in enumerate(private, start=1):
        ids[f"broker{k}"] = b.workload(subnet, groups=[cluster_sg], description=BROKER_DESCRIPTION)
    client = ids["client"] = b.workload(ids["public"], groups=[client_sg])
    b.enis[client] = replace(b.enis[client], instance_id=b.new_id("i"), public_ip_addresses=(CLIENT_PUBLIC_IP,))
    if not esm:
        return b.snapshot(), ids
    for k, subnet in enumerate(private, start=1):
        # The mapping's pollers: the cluster's subnets and group (module docstring).
        ids[f"esm_eni{k}"] = b.workload(
            subnet, groups=[cluster_sg], interface_type="lambda", requester_id=f"{ROLE_ID}:awslambda_{k}",
            description=f"AWS Lambda VPC ENI-MSK-{ACCOUNT}-8e2f4a6c-1d3b-4c5e-9f7a-2b4d6e8f0a1{k}")
        if function_in_vpc:
            ids[f"function_eni{k}"] = b.workload(
                subnet, groups=[ids["function_sg"]], interface_type="lambda", requester_id=f"{ROLE_ID}:{FUNCTION}",
                description=f"AWS Lambda VPC ENI-{FUNCTION}-4b7d9f1a-3c5e-4a8b-b2d4-6f8a0c2e4b6{k}")
    return b.snapshot(), ids
