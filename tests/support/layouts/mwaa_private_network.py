"""Amazon MWAA (Managed Workflows for Apache Airflow) in a VPC without internet access (us-east-1).

The MWAA User Guide's "Create the VPC network", "Option three: Creating an Amazon VPC network
without Internet access" (https://docs.aws.amazon.com/mwaa/latest/userguide/vpc-create.html,
anchor ``vpc-create-template-private-only``); its text and the template ``cfn-vpc-private.yaml``
as last published in the guide's source repository,
https://github.com/awsdocs/amazon-mwaa-user-guide/blob/89d026a4265801ab3c444dbb0fc3026221630a72/doc_source/vpc-create.md
(2022-07-26, the page's last change; unchanged at 08202bcb28e8123a376d41d572182f8d28c2112b, the
repository's last commit before its content was removed and it was archived).

Built as the template declares it, with its default parameters and the page's stack name
(``aws cloudformation create-stack --stack-name mwaa-private-environment``): VPC 10.192.0.0/16 with
DNS support and DNS hostnames on, private subnets 10.192.10.0/24 and 10.192.11.0/24 in the
Region's first two AZs (``!GetAZs ''``, ``MapPublicIpOnLaunch: false``), both on the template's one
route table, which holds only the local route (no internet gateway, no NAT gateway); the S3
gateway endpoint (``S3VpcEndoint``) on that table with no ``PolicyDocument`` (AWS's default full
access); the security group ``<stack>-mwaa-vpc-endpoints`` ("Security Group for Amazon MWAA
Environments to access VPC endpoints") with one inbound rule, all traffic from itself
(``SecurityGroupIngress``: ``IpProtocol "-1"``, ``SourceSecurityGroupId`` the group), and the
egress rule AWS adds to every new group (all traffic to 0.0.0.0/0: the template declares none);
nine interface endpoints — sqs, logs, monitoring, kms, ecr.api, ecr.dkr, airflow.api, airflow.env,
airflow.ops — each with ``PrivateDnsEnabled: true`` in both subnets with that group and no policy
(AWS's default). No flow log, no NACL: the VPC keeps AWS's main route table (local route only),
default NACL and default security group. The template's endpoints are the guide's "(Required)
VPC endpoints" list (vpc-vpe-create-access.md) exactly. Left out: CloudFormation's own
``aws:cloudformation:*`` tags.

``environment=True`` adds what CreateEnvironment puts into that VPC, the stack's outputs as its
``NetworkConfiguration`` (``PrivateSubnets``, and ``MwaaSecurityGroupId``, "Associates the Security
Group to the environment to allow access to the VPC endpoints"), with the **Private network**
web server access mode (the only one the page allows with this template) and the default
``EndpointManagement`` (``SERVICE``). Per the guide (networking-about.md, vpc-vpe-access.md,
mwaa-slr.md, what-is-mwaa.md at the same commit):

- "Amazon MWAA creates a VPC interface endpoint for your Apache Airflow Web server, and an
  interface endpoint for your Amazon Aurora PostgreSQL metadata database", in "the Availability
  Zones mapped to your private subnets", binding "a single IP from each Availability Zone". Its
  service-linked role creates them in this account (``ec2:CreateVpcEndpoint`` on condition of the
  tag ``AmazonMWAAManaged``), so DescribeVpcEndpoints lists them as this account's, not
  requester-managed. Their services are endpoint services MWAA owns (GetEnvironment's
  ``DatabaseVpcEndpointService`` and ``WebserverVpcEndpointService``, named
  ``com.amazonaws.vpce.<region>.vpce-svc-…``), which this account's DescribeVpcEndpointServices is
  assumed not to list, as for Network Firewall's. Assumed where the guide is silent: they carry the
  environment's security groups (the guide's optional rules for those groups, TCP 5432 "for the
  Amazon Aurora PostgreSQL metadata database" and TCP 443 "for the Apache Airflow Web server", only
  make sense on the endpoints' own groups), private DNS off (the web server's name,
  ``<id>-vpce.c<n>.<region>.airflow.amazonaws.com``, is MWAA's, and the guide resolves it with
  ``dig``), no policy document (not an AWS service's endpoint), the tag value ``true``.
- "The Apache Airflow Scheduler and Workers are AWS Fargate (Fargate) containers that connect to
  the private subnets", through "Elastic Network Interfaces (ENIs) in your Amazon VPC" that the
  service-linked role creates (``ec2:CreateNetworkInterface``, ``ec2:CreateNetworkInterfacePermission``).
  One ENI per container, for the defaults of an Airflow v2 environment (``Schedulers`` 2,
  ``MinWorkers`` 1), alternating between the subnets. What DescribeNetworkInterfaces reports for
  them is not documented; assumed: InterfaceType ``interface`` (the only type CreateNetworkInterface
  gives without an ``InterfaceType``), RequesterManaged true (as for the other managed services'
  containers in a customer VPC: Fargate tasks, Lambda), RequesterId unknown (not recorded), an empty
  Description, the environment's security groups. With those fields the network model counts them
  as workloads: they call SQS, CloudWatch, ECR, KMS, S3 and MWAA's own APIs.

Near misses: ``environment_group="own"`` (the environment in a group of its own, which the guide's
networking page describes — all traffic from itself, all traffic out — instead of the template's
output, so nothing admits it to the template's endpoints), ``self_reference=False`` (the template's
group without its ``SecurityGroupIngress``), ``left_out`` (one of the nine interface endpoints
missing), ``s3_route_table="main"`` (the S3 gateway endpoint associated with the VPC's main route
table, which serves no subnet here, as the page's "Important" CLI command does when given the main
table's id), ``s3_policy="page"`` (the S3 endpoint with the page's "Important" policy instead:
``s3:GetObject`` on ``prod-region-starport-layer-bucket/*`` only, the ECR layer bucket of the
Region).
"""

from __future__ import annotations

import json
from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
STACK = "mwaa-private-environment"  # the page's create-stack --stack-name
ENVIRONMENT = "MyAirflowEnvironment"
# The template's interface endpoints, in its order.
INTERFACE_ENDPOINTS = ("sqs", "logs", "monitoring", "kms", "ecr.api", "ecr.dkr", "airflow.api", "airflow.env",
                       "airflow.ops")
# MWAA's endpoint services as DescribeVpcEndpointServices lists them (botocore's ec2 model,
# ServiceDetail): Owner "amazon", PrivateDnsNames the guide's and the General Reference's API names
# (api.airflow.<region>.amazonaws.com, env.airflow…, ops.airflow…). VpcEndpointPolicySupported is
# left true: the guide's console steps choose "Full Access" in Policy for each of them.
AIRFLOW_DNS_NAMES = {"airflow.api": "api.airflow.{region}.amazonaws.com",
                     "airflow.env": "env.airflow.{region}.amazonaws.com",
                     "airflow.ops": "ops.airflow.{region}.amazonaws.com"}
# The page's "Important" S3 gateway endpoint policy, with the Region substituted.
PAGE_S3_POLICY = json.dumps({"Statement": [{
    "Sid": "Access-to-specific-bucket-only", "Principal": "*", "Action": ["s3:GetObject"], "Effect": "Allow",
    "Resource": [f"arn:aws:s3:::prod-{REGION}-starport-layer-bucket/*"]}]})


def build(*, environment: bool = False, environment_group: str = "template", self_reference: bool = True,
          left_out: str | None = None, s3_route_table: str = "template",
          s3_policy: str = "default") -> tuple[Snapshot, dict[str, str]]:
    """``environment_group``: "template" (the stack's output) or "own"; ``s3_route_table``:
    "template" or "main"; ``s3_policy``: "default" (the template) or "page"."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    for key, dns_name in AIRFLOW_DNS_NAMES.items():
        b.service(key, dns_names=[dns_name.format(region=REGION)])
    # DescribeVpcAttribute: EnableDnsSupport and EnableDnsHostnames true, as the template sets them.
    vpc = b.vpc("10.192.0.0/16", name=STACK, dns_support=True, dns_hostnames=True)
    subnets = [b.subnet(vpc, "10.192.10.0/24", az=1, name=f"{STACK} Private Subnet (AZ1)"),
               b.subnet(vpc, "10.192.11.0/24", az=2, name=f"{STACK} Private Subnet (AZ2)")]
    route_table = b.route_table(vpc, subnets=subnets, name=f"{STACK}-route-table")
    ids: dict[str, str] = {"vpc": vpc, "private1": subnets[0], "private2": subnets[1], "route_table": route_table,
                           "main_route_table": b.main_route_table(vpc)}
    s3_tables = [route_table] if s3_route_table == "template" else [ids["main_route_table"]]
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=s3_tables,
                                   **({"policy": PAGE_S3_POLICY} if s3_policy == "page" else {}))
    # SecurityGroup + SecurityGroupIngress: all traffic from the group itself; no egress declared,
    # so the group keeps the rule CreateSecurityGroup adds (all traffic to 0.0.0.0/0).
    endpoint_sg = ids["endpoint_sg"] = b.security_group(
        vpc, name=f"{STACK}-mwaa-vpc-endpoints", ingress=[("-1", None, None, "self")] if self_reference else [])
    b.groups[endpoint_sg] = replace(b.groups[endpoint_sg],
                                    description="Security Group for Amazon MWAA Environments to access VPC endpoints")
    for key in INTERFACE_ENDPOINTS:
        if key == left_out:
            continue
        # DescribeVpcEndpoints: VpcEndpointType Interface, PrivateDnsEnabled true, one ENI per
        # subnet (InterfaceType vpc_endpoint, requester-managed), Groups the template's group,
        # IpAddressType and DnsOptions.DnsRecordIpType ipv4, PolicyDocument AWS's default.
        ids[key] = b.interface_endpoint(vpc, key, subnets=subnets, groups=[endpoint_sg])
    if environment:
        ids |= _environment(b, vpc, subnets, endpoint_sg, environment_group)
    return b.snapshot(), ids


def _environment(b: AwsRegionBuilder, vpc: str, subnets: list[str], template_sg: str,
                 environment_group: str) -> dict[str, str]:
    """What CreateEnvironment adds: MWAA's two endpoints and its containers' ENIs (see the module
    docstring for what is documented and what is assumed)."""
    ids: dict[str, str] = {}
    if environment_group == "own":
        # The guide's networking page: a self-referencing inbound rule allowing all traffic, and
        # an outbound rule for all traffic (0.0.0.0/0).
        group = ids["environment_sg"] = b.security_group(vpc, name=f"{ENVIRONMENT}-sg",
                                                         ingress=[("-1", None, None, "self")])
    else:
        group = template_sg
    for role in ("database", "webserver"):
        service_id = b.new_id("vpce-svc")
        service = f"com.amazonaws.vpce.{b.region}.{service_id}"
        endpoint = ids[f"mwaa_{role}"] = b.interface_endpoint(vpc, role, subnets=subnets, groups=[group],
                                                              private_dns=False, policy=None, service_name=service)
        # DescribeVpcEndpoints: DnsEntries name the endpoint and the service id
        # (<vpce-id>-<suffix>.<vpce-svc-id>.<region>.vpce.amazonaws.com), no private DNS name.
        suffix = b.new_id("x").split("-")[1][1:9]
        b.endpoints[endpoint] = replace(b.endpoints[endpoint], dns_entries=(
            r.DnsEntry(f"{endpoint}-{suffix}.{service_id}.{b.region}.vpce.amazonaws.com", "Z7HUB22UULQXV"),))
        b.tag(endpoint, {"AmazonMWAAManaged": "true"})
    # The containers' ENIs (DescribeNetworkInterfaces, botocore's ec2 model NetworkInterface): not
    # documented; assumed InterfaceType "interface", RequesterManaged true, no RequesterId recorded,
    # an empty Description, the environment's groups (see the module docstring).
    for n, container in enumerate(("scheduler1", "scheduler2", "worker1")):
        ids[container] = b.workload(subnets[n % 2], groups=[group], requester_managed=True, description="")
    return ids
