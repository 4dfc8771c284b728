"""Amazon Linux 2023 instances in private subnets without internet access running the unified
CloudWatch agent, installed by Systems Manager Run Command (``AWS-ConfigureAWSPackage``, package
``AmazonCloudWatchAgent``) with its configuration in Parameter Store, reaching CloudWatch, CloudWatch
Logs, Amazon EC2 and Systems Manager through interface endpoints and S3 through a gateway endpoint
whose data perimeter policy admits the AWS-owned buckets the agents read (us-east-1).

Sources:

- Amazon CloudWatch User Guide, "Download and configure the CloudWatch agent" (installing with
  Systems Manager) and "Installing the CloudWatch agent on EC2 instances using your agent
  configuration"
  (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/download-CloudWatch-Agent-on-EC2-Instance-SSM-first.html,
  .../install-CloudWatch-Agent-on-EC2-Instance-fleet.html; current pages, read 2026-12-07; as last
  archived in awsdocs/amazon-cloudwatch-user-guide at cc40332fd9cd65366e991a6fd68654b2875588cc,
  ``doc_source/download-CloudWatch-Agent-on-EC2-Instance-SSM-first.md`` and
  ``install-CloudWatch-Agent-on-EC2-Instance-fleet.md``): Run Command runs
  ``AWS-ConfigureAWSPackage``, action Install, name ``AmazonCloudWatchAgent``; "Verify internet
  access": the instances need a way to the CloudWatch endpoints (metrics), the CloudWatch Logs
  endpoints (logs) and the Systems Manager endpoints (Systems Manager install, Parameter Store).
- The same guide, "Using CloudWatch ... with interface VPC endpoints"
  (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-interface-VPC.html;
  current page, read 2026-12-07; archived at the same commit, ``cloudwatch-and-interface-VPC.md``):
  the service name ``com.amazonaws.<region>.monitoring``; metrics of resources in the VPC flow
  through it once it exists; the default endpoint policy allows full access.
- Amazon CloudWatch Logs User Guide, "Using CloudWatch Logs with interface VPC endpoints"
  (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch-logs-and-interface-VPC.html;
  current page, read 2026-12-07): ``com.amazonaws.<region>.logs``.
- The CloudWatch User Guide, "Troubleshooting the CloudWatch agent" (archived at the same commit,
  ``troubleshooting-CloudWatch-Agent.md``): an ``append_dimensions`` value that "depends on Amazon
  EC2 metadata" needs the server to reach "the endpoint for Amazon EC2"; the configuration file
  page lists ``ImageId``, ``InstanceId``, ``InstanceType`` and ``AutoScalingGroupName`` as those
  dimensions. Hence the ``ec2`` endpoint.
- AWS Systems Manager User Guide, "SSM Agent communications with AWS managed S3 buckets"
  (https://docs.aws.amazon.com/systems-manager/latest/userguide/ssm-agent-technical-details.html#ssm-agent-minimum-s3-permissions;
  current page, read 2026-12-07; as archived in awsdocs/aws-systems-manager-user-guide at
  03c7112cc1222123d2da339fac9030da0af58718, ``doc_source/ssm-agent-minimum-s3-permissions.md``):
  ``AWS-ConfigureAWSPackage`` reads ``<region>-birdwatcher-prod`` (the distribution service, SSM
  Agent 2.2.45.0 and later) and ``amazon-ssm-packages-<region>`` (earlier agents);
  ``aws-ssm-document-attachments-<region>`` holds "the packages for Distributor ... that are owned
  by AWS", which ``AmazonCloudWatchAgent`` is. With "Improve the security of EC2 instances by
  using VPC endpoints for Systems Manager" (setup-create-vpc.html): interface endpoints ``ssm``,
  ``ssmmessages``, ``ec2messages``; their group admitting 443 from the managed instances' subnets.
- aws-samples/data-perimeter-policy-examples at 8e0d3c5179a45dca414d4ea1f3a7b544aba02009
  (2026-03-18): ``vpc_endpoint_policies/s3_endpoint_policy.json`` — ``AllowRequestsByOrgsIdentitiesToOrgsResources``
  and ``AllowRequestsToAWSOwnedResources`` (``s3:GetObject`` and ``s3:ListBucket`` on AWS-owned
  objects, ``amazoncloudwatch-agent-<region>/*`` and ``amazoncloudwatch-agent/*`` among them) — and
  ``service_owned_resources.md``, whose CloudWatch row names those two buckets: installing the
  agent makes "an unauthenticated call from your network to Amazon S3 to download the package"
  (it cites the command-line download page, whose links are
  ``https://s3.<region>.amazonaws.com/amazoncloudwatch-agent-<region>/...``).

Built: VPC ``cwagent`` 10.0.0.0/16 (DNS support and hostnames on, the Region's default DHCP options),
no internet gateway, no NAT gateway, no flow log (no source creates one). Private subnets
10.0.1.0/24 (use1-az1) and 10.0.2.0/24 (use1-az2) on one table ``cwagent-private`` (local route and
the S3 gateway endpoint's prefix-list route). Interface endpoints ``ssm``, ``ssmmessages``,
``ec2messages``, ``monitoring``, ``logs`` and ``ec2`` in both subnets, private DNS on, AWS's default
policy where the service takes one (``ssmmessages`` and ``ec2messages`` take none and are assumed
listed without a ``PolicyDocument``), behind ``cwagent-endpoints`` admitting TCP 443 from the two
subnets. The S3 gateway endpoint on the private table with the sample's two statements (below). One
instance per subnet in ``cwagent-instances`` (no ingress, AWS's default egress).

The S3 endpoint policy (a JSON string, as DescribeVpcEndpoints returns ``PolicyDocument``): the
sample's ``AllowRequestsByOrgsIdentitiesToOrgsResources`` (``<my-org-id>`` = ``o-a1b2c3d4e5``,
assumed) and ``AllowRequestsToAWSOwnedResources`` keeping its actions and, of its resources, the
ones this layout's instances read (``aws_owned="sample"``): the Systems Manager buckets (the
sample's nine, us-east-1), the AL2023 repositories (``al2023-repos-us-east-1-de612dc2``) and the two
CloudWatch agent buckets. Near misses:

- ``aws_owned="ssm_required"``: the AWS-owned statement names only ``aws-ssm-us-east-1/*`` and
  ``patch-baseline-snapshot-us-east-1/*`` (the two buckets POL007 judges) — Distributor's and the
  CloudWatch agent's buckets refused.
- ``aws_owned=None``: the organization statement alone.
- ``monitoring=False``: no ``monitoring`` endpoint, the rest in place.
- ``endpoint_sources=("10.0.200.0/24",)``: the endpoints' group admitting 443 from a range holding
  no instance (assumed: a subnet of an earlier design), not from the instances' subnets.

Assumptions:

- Whether the Distributor download is signed by the instance profile, presigned by Systems
  Manager or unsigned is not documented; every reading is refused by a policy that names none of
  the buckets and admitted by one that names them for ``Principal *``.
- Which Distributor bucket serves ``AmazonCloudWatchAgent`` (``<region>-birdwatcher-prod`` or
  ``aws-ssm-document-attachments-<region>``) the pages do not settle; whether that download touches
  ``amazoncloudwatch-agent-<region>`` is not documented for the Systems Manager path (the sample
  names it for the agent's install in general). The agent configuration (in Parameter Store)
  publishes metrics and logs and uses ``append_dimensions`` (``InstanceId``,
  ``AutoScalingGroupName``): neither is in the snapshot.
- The network interfaces, as DescribeNetworkInterfaces reports them: an instance's primary
  interface, InterfaceType ``interface`` (botocore's ``NetworkInterfaceType``), not
  requester-managed, no RequesterId, an empty description, no tags, attached to its instance; an
  interface endpoint's, InterfaceType ``vpc_endpoint``, requester-managed, described ``VPC Endpoint
  Interface <vpce-id>``, no tags, in the endpoint's group, attached to no instance.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
NAME = "cwagent"
VPC_CIDR = "10.0.0.0/16"
PRIVATE_CIDRS = ("10.0.1.0/24", "10.0.2.0/24")
ORG_ID = "o-a1b2c3d4e5"  # assumed: the organization this account belongs to
SOURCE_COMMIT = "8e0d3c5179a45dca414d4ea1f3a7b544aba02009"
INTERFACE_SERVICES = ("ssm", "ssmmessages", "ec2messages", "monitoring", "logs", "ec2")
NO_POLICY = ("ssmmessages", "ec2messages")  # VpcEndpointPolicySupported false: no PolicyDocument (assumed)
ORGS_TO_ORGS_SID = "AllowRequestsByOrgsIdentitiesToOrgsResources"
AWS_OWNED_SID = "AllowRequestsToAWSOwnedResources"
# The sample's Systems Manager buckets, in its order.
SSM_BUCKETS = tuple(b.format(region=REGION) for b in (
    "aws-ssm-{region}", "aws-windows-downloads-{region}", "amazon-ssm-{region}", "amazon-ssm-packages-{region}",
    "{region}-birdwatcher-prod", "aws-ssm-distributor-file-{region}", "aws-ssm-document-attachments-{region}",
    "patch-baseline-snapshot-{region}", "aws-patchmanager-macos-{region}"))
# Where AWS-ConfigureAWSPackage reads an AWS-owned Distributor package (SSM guide).
DISTRIBUTOR_BUCKETS = (f"{REGION}-birdwatcher-prod", f"aws-ssm-document-attachments-{REGION}")
CLOUDWATCH_AGENT_BUCKETS = (f"amazoncloudwatch-agent-{REGION}", "amazoncloudwatch-agent")
AL2023_REPOSITORY = f"al2023-repos-{REGION}-de612dc2"
POL007_BUCKETS = (f"aws-ssm-{REGION}", f"patch-baseline-snapshot-{REGION}")
AWS_OWNED = {
    "sample": (*SSM_BUCKETS, AL2023_REPOSITORY, *CLOUDWATCH_AGENT_BUCKETS),
    "ssm_required": POL007_BUCKETS,
}
ELSEWHERE = "10.0.200.0/24"  # the near miss's source: no subnet of the VPC


def _orgs_to_orgs() -> dict[str, Any]:
    return {"Sid": ORGS_TO_ORGS_SID, "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG_ID, "aws:ResourceOrgID": ORG_ID}}}


def s3_policy(aws_owned: str | None = "sample") -> str:
    """The S3 gateway endpoint's policy document as DescribeVpcEndpoints returns it."""
    statements = [_orgs_to_orgs()]
    if aws_owned is not None:
        statements.append({"Sid": AWS_OWNED_SID, "Effect": "Allow", "Principal": "*",
                           "Action": ["s3:GetObject", "s3:ListBucket"],
                           "Resource": [f"arn:aws:s3:::{bucket}/*" for bucket in AWS_OWNED[aws_owned]]})
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, separators=(",", ":"))


def build(*, aws_owned: str | None = "sample", monitoring: bool = True,
          endpoint_sources: tuple[str, ...] = PRIVATE_CIDRS) -> tuple[Snapshot, dict[str, str]]:
    """The keywords are the near misses of the module docstring."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc), "default_sg": b.default_group(vpc)}
    private = [b.subnet(vpc, cidr, az=az, name=f"{NAME}-private-{az}")
               for az, cidr in enumerate(PRIVATE_CIDRS, start=1)]
    ids["private1"], ids["private2"] = private
    ids["private_rt"] = b.route_table(vpc, subnets=private, name=f"{NAME}-private")

    ids["endpoints_sg"] = b.security_group(vpc, name=f"{NAME}-endpoints",
                                           ingress=[("tcp", 443, 443, cidr) for cidr in endpoint_sources])
    for key in INTERFACE_SERVICES:
        if key == "monitoring" and not monitoring:
            continue
        kwargs = {"policy": None} if key in NO_POLICY else {}
        ids[key] = b.interface_endpoint(vpc, key, subnets=private, groups=[ids["endpoints_sg"]], **kwargs)
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids["private_rt"]], policy=s3_policy(aws_owned))

    instance_sg = ids["instance_sg"] = b.security_group(vpc, name=f"{NAME}-instances")
    for az, subnet in enumerate(private, start=1):
        eni = ids[f"instance{az}_eni"] = b.workload(subnet, groups=[instance_sg])
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    return b.snapshot(), ids
