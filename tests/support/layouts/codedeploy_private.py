"""EC2 instances running the AWS CodeDeploy agent in private subnets without internet access (us-east-1).

The AWS CodeDeploy User Guide, as last published in its source repository
(https://github.com/awsdocs/aws-codedeploy-user-guide/tree/f1ce743fac29f9b20bc1b0ed95c442a4636272f6/doc_source,
"Periodic update - 05/15/23", 2023-05-15, the last commit with content before the repository was
emptied and archived on 2023-06-15; the current pages at docs.aws.amazon.com/codedeploy/latest/userguide/
say the same):

- ``vpc-endpoints.md`` ("Use CodeDeploy with Amazon Virtual Private Cloud",
  https://docs.aws.amazon.com/codedeploy/latest/userguide/vpc-endpoints.html; its text unchanged since
  2280763, 2022-07-22, but for the Region table): "CodeDeploy has two VPC endpoints: one for CodeDeploy
  agent operations, and one for CodeDeploy API operations"; ``com.amazonaws.<region>.codedeploy`` for
  the API ("your users use the AWS CLI, the CodeDeploy API, or the AWS SDKs"),
  ``com.amazonaws.<region>.codedeploy-commands-secure`` for the agent; "Customers using Amazon EC2
  deployments will need VPC endpoints for both"; the agent's ``:enable_auth_policy:`` set to ``true``
  and the instance profile granted ``codedeploy-commands-secure:PollHostCommand`` and its three siblings.
  Both endpoints are available in us-east-1.
- ``codedeploy-agent.md``: "The CodeDeploy agent communicates outbound using HTTPS over port 443".
- ``resource-kit.md``: the agent's installation files are "stored in publicly available, AWS
  region-specific Amazon S3 buckets", ``aws-codedeploy-us-east-1`` here; ``LATEST_VERSION`` is "used by
  update mechanisms like Amazon EC2 Systems Manager to determine the latest version of the CodeDeploy
  agent". ``codedeploy-agent-operations-install-linux.md`` downloads the installer unauthenticated
  (``wget https://bucket-name.s3.region-identifier.amazonaws.com/latest/install``), and that installer
  (https://github.com/aws/aws-codedeploy-agent/blob/800eb2882ae1b0b0bf67ff56df5ae31eb013c782/bin/install,
  2026-02-19) reads ``latest/LATEST_VERSION`` and the package with unsigned HTTPS GETs (``open-uri``).
- ``getting-started-create-iam-instance-profile.md``: "Make sure to give access to the Amazon S3
  buckets that contain the CodeDeploy agent. Otherwise, an error might occur when the CodeDeploy agent
  is installed or updated on the instances"; ``AmazonSSMManagedInstanceCore`` "so that SSM can install
  the CodeDeploy agent". ``codedeploy-agent-operations-install-ssm.md``: "Using AWS Systems Manager is
  the recommended method for installing and updating the CodeDeploy agent" (the ``AWSCodeDeployAgent``
  Distributor package).

The agent (``lib/instance_agent/plugins/codedeploy/command_executor.rb``) downloads S3 revisions with
the AWS SDK, signed with the instance profile's credentials.

The guide gives no template; built as its pages ask, with these assumptions: a VPC 10.0.0.0/16 named
``codedeploy``, DNS support and hostnames on (private DNS needs both); no internet gateway and no NAT
gateway; private subnets 10.0.1.0/24 (use1-az1) and 10.0.2.0/24 (use1-az2) on one route table
``codedeploy-private`` (local route only); interface endpoints ``codedeploy`` and
``codedeploy-commands-secure`` and, for the recommended installation through Systems Manager, ``ssm``,
``ssmmessages`` and ``ec2messages`` (as Systems Manager's own VPC page lists them), all in both
subnets, private DNS on, behind ``codedeploy-endpoints`` admitting TCP 443 from 10.0.0.0/16; the S3
gateway endpoint (the revisions, the resource kit bucket) on the private table; every endpoint with
AWS's default full access (DescribeVpcEndpointServices' ``VpcEndpointPolicySupported`` for the two
CodeDeploy services is not documented: assumed true, as for most services). The deployment group's
instances: one per subnet, in ``codedeploy-instances`` (no ingress: the agent polls out; AWS's
default egress), each primary interface as DescribeNetworkInterfaces reports an EC2 instance's
(typed ``interface``, not requester-managed, no RequesterId, an empty description).

Near misses: ``commands_secure=False`` (the agent endpoint left out: only the API endpoint, which a
Lambda or ECS deployment needs alone); ``s3_tables="main"`` (the S3 gateway endpoint on the main route
table, which no subnet uses); ``s3_policy="own-buckets"`` (the S3 endpoint's policy limited to this
account's revision bucket); ``endpoint_source="admin-group"`` (the endpoints' group admitting 443 from
an ``admin`` group rather than the VPC or the instances' group).
"""

from __future__ import annotations

import json

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
NAME = "codedeploy"
VPC_CIDR = "10.0.0.0/16"
PRIVATE_CIDRS = ("10.0.1.0/24", "10.0.2.0/24")
INTERFACE_SERVICES = ("codedeploy", "codedeploy-commands-secure", "ssm", "ssmmessages", "ec2messages")
# The deployment group's revision bucket (assumed name) and the resource kit bucket of the Region.
REVISION_BUCKET = f"codedeploy-revisions-{ACCOUNT}"
RESOURCE_KIT_BUCKET = f"aws-codedeploy-{REGION}"


def own_buckets_policy() -> str:
    """The near miss's S3 endpoint policy: anyone may read the revision bucket (the actions of
    ``AmazonEC2RoleforAWSCodeDeploy``), nothing else."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "RevisionsOnly", "Effect": "Allow", "Principal": "*",
        "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"],
        "Resource": [f"arn:aws:s3:::{REVISION_BUCKET}", f"arn:aws:s3:::{REVISION_BUCKET}/*"]}]})


def build(*, commands_secure: bool = True, s3_tables: str = "private", s3_policy: str = "default",
          endpoint_source: str = "vpc") -> tuple[Snapshot, dict[str, str]]:
    """``commands_secure``: the agent's endpoint present. ``s3_tables``: "private" or "main".
    ``s3_policy``: "default" (full access) or "own-buckets". ``endpoint_source``: "vpc" (443 from
    the VPC's block) or "admin-group" (443 from another group)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc)}
    private = [b.subnet(vpc, cidr, az=az, name=f"{NAME}-private-{az}")
               for az, cidr in enumerate(PRIVATE_CIDRS, start=1)]
    ids["private1"], ids["private2"] = private
    ids["private_rt"] = b.route_table(vpc, subnets=private, name=f"{NAME}-private")

    ids["instance_sg"] = b.security_group(vpc, name=f"{NAME}-instances")
    source = VPC_CIDR if endpoint_source == "vpc" else b.security_group(vpc, name="admin")
    if endpoint_source != "vpc":
        ids["admin_sg"] = source
    ids["endpoint_sg"] = b.security_group(vpc, name=f"{NAME}-endpoints", ingress=[("tcp", 443, 443, source)])

    for key in INTERFACE_SERVICES:
        if key == "codedeploy-commands-secure" and not commands_secure:
            continue
        ids[key] = b.interface_endpoint(vpc, key, subnets=private, groups=[ids["endpoint_sg"]])
    tables = [ids["private_rt"]] if s3_tables == "private" else [ids["main_rt"]]
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=tables,
                                   **({"policy": own_buckets_policy()} if s3_policy == "own-buckets" else {}))

    for az, subnet in enumerate(private, start=1):
        # The deployment group's instances' primary interfaces (assumed fields: see the module docstring).
        ids[f"instance{az}"] = b.workload(subnet, groups=[ids["instance_sg"]])
    return b.snapshot(), ids
