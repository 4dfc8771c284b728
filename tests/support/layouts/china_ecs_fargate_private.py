"""An Amazon ECS service on Fargate in private subnets without internet access in the China (Ningxia)
Region, cn-northwest-1: images from Amazon ECR, logs through ``awslogs``, secrets from Secrets
Manager, behind the interface and gateway endpoints the ECS and ECR guides ask for, under the China
Region's endpoint service names.

Sources:

- Amazon ECS Developer Guide, "Amazon ECS interface VPC endpoints (AWS PrivateLink)",
  awsdocs/amazon-ecs-developer-guide ``doc_source/vpc-endpoints.md`` at
  3ba9bc24b3f667557f43a49b9001fea3538311ad, and its China copy
  https://docs.amazonaws.cn/en_us/AmazonECS/latest/developerguide/vpc-endpoints.html (current page,
  read 2026-12-07): Fargate tasks need no ECS endpoint (``ecs``, ``ecs-agent``, ``ecs-telemetry``
  are for container instances, the EC2 launch type); to pull private images the ECR endpoints; "to
  pull sensitive data from Secrets Manager, you must create the interface VPC endpoints for Secrets
  Manager"; without an internet gateway, tasks using ``awslogs`` need the CloudWatch Logs endpoint;
  the endpoints' security group must admit port 443 from the private subnets.
- Amazon ECR User Guide, "Amazon ECR interface VPC endpoints", awsdocs/amazon-ecr-user-guide
  ``doc_source/vpc-endpoints.md`` at 1e8d7c3ff7874609fcc8561366be5851583eb4c7, and its China copy
  https://docs.amazonaws.cn/AmazonECR/latest/userguide/vpc-endpoints.html (current page, read
  2026-12-07): Fargate platform 1.4.0 or later needs ``ecr.dkr``, ``ecr.api`` and the S3 gateway
  endpoint; the "minimum Amazon S3 bucket permissions" statement lets ``Principal *``
  ``s3:GetObject`` ``arn:aws:s3:::prod-region-starport-layer-bucket/*``. The China copy read keeps
  the ``com.amazonaws.region.*`` names of its template; its minimum-permissions section was not in
  the copy read. The China bucket's name, ``prod-cn-northwest-1-starport-layer-bucket``, is assumed
  from the template (no public page or repository naming it was found), and its ARN is written in
  the China partition, ``aws-cn`` (docs.amazonaws.cn, "ARNs for Amazon Web Services in China",
  current page, read 2026-12-07: ``arn:aws-cn:s3:::<bucket>``), as POL006 and public IaC that builds
  the ARN from the stack's partition and Region (``arn:${Partition}:s3:::prod-${Region}-starport-
  layer-bucket/*``) both write it.
- The China endpoint service names. AWS documents them only through DescribeVpcEndpointServices;
  aws/aws-cdk ``packages/aws-cdk-lib/aws-ec2/lib/vpc-endpoint.ts`` at
  5785d5948a7eb3b8280fbb21d59bd44d9a6a13aa records that call's output in ``getDefaultEndpointPrefix``
  ("the prefix for some of the services in cn-north-1 and cn-northwest-1 are different"): in
  cn-northwest-1 ``ecr.api`` and ``ecr.dkr`` are ``cn.com.amazonaws.cn-northwest-1.<svc>``, while
  ``logs``, ``secretsmanager``, ``ecs``, ``ecs-agent`` and ``ecs-telemetry`` are not listed and keep
  ``com.amazonaws.cn-northwest-1.<svc>``; the S3 gateway service (``GatewayVpcEndpointAwsService``, no
  China exception) is ``com.amazonaws.cn-northwest-1.s3``. The catalogue and prefixes are those of
  ``layouts.china_eks_private_cluster``, which cites the same table and eksctl's.
- No public CDK, Terraform or CloudFormation example of this layout in a China Region was found;
  the CDK table above is what an ``InterfaceVpcEndpointAwsService.ECR_DOCKER`` in a cn-northwest-1
  stack resolves to.

What was built (no template: assembled as the guides ask, with these assumptions). Account
``111122223333``; AZs cn-northwest-1a and b with AZ IDs ``cnnw1-az1``/``az2`` (assumed in order).
The Region's catalogue as in ``china_eks_private_cluster`` (China names, ``amazonaws.com.cn`` private
DNS names, ``vpce.amazonaws.com.cn`` base names, placeholder prefix-list CIDRs).

- VPC 10.0.0.0/16 ``fargate-private-cn``, DNS support and hostnames on; private subnets
  10.0.1.0/24 and 10.0.2.0/24, one per AZ, on one route table with the local route and the S3
  gateway endpoint's prefix-list route; no internet gateway, no NAT gateway; the default NACL.
- ``fargate-tasks``: no ingress, AWS's default egress. ``vpc-endpoints``: TCP 443 from
  ``fargate-tasks``, default egress.
- Interface endpoints ``ecr.dkr`` and ``ecr.api`` (``cn.com.amazonaws.``), ``logs`` and
  ``secretsmanager`` (``com.amazonaws.``) in both subnets, private DNS on, AWS's default full-access
  policy, behind ``vpc-endpoints``; DnsEntries in ``vpce.amazonaws.com.cn`` under a placeholder
  hosted zone id (assumed; not published). Their interfaces: InterfaceType ``vpc_endpoint``,
  RequesterManaged true, Description ``VPC Endpoint Interface <vpce id>``, the endpoint's group, on
  no instance.
- The S3 gateway endpoint on the table, its policy two statements (assumed, written as a reader in
  China writes the guide's): ``Access-to-specific-bucket-only``, the ECR guide's minimum, ``Principal
  *`` ``s3:GetObject`` on ``arn:aws-cn:s3:::prod-cn-northwest-1-starport-layer-bucket/*``; and
  ``ThisAccountOnly``, ``s3:*`` on every resource for principals and resources of this account
  (``aws:PrincipalAccount`` and ``aws:ResourceAccount``).
- ``tasks`` Fargate tasks, one interface each, alternating subnets (``tasks=0``: the network stack
  deployed before the service). As the other ECS on Fargate layouts model them (assumed):
  InterfaceType ``interface`` (botocore's ``NetworkInterfaceType`` has no ECS value),
  RequesterManaged true, Description ``arn:aws-cn:ecs:cn-northwest-1:<account>:attachment/<uuid>``
  (the China partition), the ``fargate-tasks`` group, ``in-use``, on no instance of the account, no
  public address (``assignPublicIp`` ``DISABLED``), no tags. The task definition (``awslogs``, the
  ``secrets`` it names) is an ECS record, not a network one: the snapshot does not hold it.

Near misses: ``s3_partition="aws"`` (the layer statement written with
``arn:aws:s3:::prod-cn-northwest-1-starport-layer-bucket/*``, the commercial partition, as copied
from a commercial template); ``secrets_endpoint=False`` (no Secrets Manager endpoint);
``logs_prefix="cn.com.amazonaws"`` (logs requested as ``cn.com.amazonaws.cn-northwest-1.logs``:
CreateVpcEndpoint answers InvalidServiceName, so the account holds every endpoint but that one).
"""

from __future__ import annotations

import json
from dataclasses import replace

from aws_layout import AwsRegionBuilder

from layouts.china_eks_private_cluster import REGION, SUFFIX, VPCE_ZONE_PLACEHOLDER, _china_catalogue, service_name
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "111122223333"
AZ_IDS = ("cnnw1-az1", "cnnw1-az2")
NAME = "fargate-private-cn"
LAYER_BUCKET = f"prod-{REGION}-starport-layer-bucket"
INTERFACE_SERVICES = ("ecr.dkr", "ecr.api", "logs", "secretsmanager")


def s3_policy(partition: str = "aws-cn") -> str:
    """The S3 gateway endpoint's policy: ECR's layer objects for anyone, everything of this account."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "Access-to-specific-bucket-only", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": [f"arn:{partition}:s3:::{LAYER_BUCKET}/*"]},
        {"Sid": "ThisAccountOnly", "Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:PrincipalAccount": ACCOUNT, "aws:ResourceAccount": ACCOUNT}}}]})


def build(tasks: int = 2, *, s3_partition: str = "aws-cn", secrets_endpoint: bool = True,
          logs_prefix: str = "com.amazonaws") -> tuple[Snapshot, dict[str, str]]:
    """The layout and its near misses (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    _china_catalogue(b)
    vpc = b.vpc("10.0.0.0/16", name=NAME, dns_support=True, dns_hostnames=True)
    subnets = [b.subnet(vpc, f"10.0.{k}.0/24", az=k, name=f"{NAME}-private-{k}") for k in (1, 2)]
    route_table = b.route_table(vpc, subnets=subnets, name=f"{NAME}-private")
    task_sg = b.security_group(vpc, name="fargate-tasks")
    endpoint_sg = b.security_group(vpc, name="vpc-endpoints", ingress=[("tcp", 443, 443, task_sg)])
    ids = {"vpc": vpc, "private1": subnets[0], "private2": subnets[1], "private_rt": route_table,
           "task_sg": task_sg, "endpoint_sg": endpoint_sg}
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[route_table], policy=s3_policy(s3_partition))
    for key in INTERFACE_SERVICES:
        if key == "secretsmanager" and not secrets_endpoint:
            continue
        if key == "logs" and logs_prefix != "com.amazonaws":
            continue  # InvalidServiceName: the name requested is not in the Region's catalogue
        endpoint = ids[key] = b.interface_endpoint(vpc, key, subnets=subnets, groups=[endpoint_sg],
                                                   service_name=service_name(key))
        regional = f"{endpoint}-4f1c2a9e.{key}.{REGION}.vpce.{SUFFIX}"
        zonal = [regional.replace(".", f"-{REGION}{letter}.", 1) for letter in "ab"]
        b.endpoints[endpoint] = replace(b.endpoints[endpoint], dns_entries=tuple(
            r.DnsEntry(dns, VPCE_ZONE_PLACEHOLDER) for dns in (regional, *zonal)))
        b.tag(endpoint, {"Name": f"{NAME}-{key}"})
    for n in range(tasks):
        ids[f"task{n + 1}"] = b.workload(
            subnets[n % 2], groups=[task_sg], requester_managed=True,
            description=f"arn:aws-cn:ecs:{REGION}:{ACCOUNT}:attachment/5d0b7c1e-2f4a-4e8b-9c3d-6a1f0e2b7c{n:02d}")
    return b.snapshot(), ids
