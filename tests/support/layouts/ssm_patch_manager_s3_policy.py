"""Linux and Windows Server instances in private subnets without internet access, managed through
the Systems Manager interface endpoints and patched by Patch Manager, behind an S3 gateway endpoint
whose policy admits the organization's own buckets only (us-east-1).

Sources:

- AWS Systems Manager User Guide, "SSM Agent communications with AWS managed S3 buckets"
  (https://docs.aws.amazon.com/systems-manager/latest/userguide/ssm-agent-technical-details.html#ssm-agent-minimum-s3-permissions,
  also published as ssm-agent-minimum-s3-permissions.html; current page, read 2026-12-07; as last archived in
  awsdocs/aws-systems-manager-user-guide at dd495cca5833730e93837f1b3b66e8290a9bde2f,
  ``doc_source/ssm-agent-minimum-s3-permissions.md``). SSM Agent reads AWS-managed buckets that are
  publicly accessible; when Systems Manager is used through a VPC endpoint, access to them must be
  granted explicitly. The page lists, per Region: ``aws-windows-downloads-<region>`` (documents for
  Windows only), ``amazon-ssm-<region>`` (agent updates, ``AWS-UpdateSSMAgent``),
  ``amazon-ssm-packages-<region>`` (``AWS-ConfigureAWSPackage`` with agents before 2.2.45.0),
  ``<region>-birdwatcher-prod`` (Distributor for agents 2.2.45.0 and later, every Region but
  af-south-1 and eu-south-1, which use ``aws-ssm-distributor-file-<region>``),
  ``aws-ssm-document-attachments-<region>`` (AWS-owned Distributor packages),
  ``patch-baseline-snapshot-<region>`` (patch baseline snapshots, read by the patching documents),
  ``aws-ssm-<region>`` (modules of SSM documents, Linux and Windows Server) and
  ``aws-patchmanager-macos-<region>`` (the same for macOS); its example allows ``s3:GetObject`` on
  the objects of all but the distributor-file bucket.
- The same guide, "Improve the security of EC2 instances by using VPC endpoints for Systems Manager"
  (https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html; current page,
  read 2026-12-07; archived at the same commit, ``doc_source/setup-create-vpc.md``): interface
  endpoints ``ssm``, ``ec2messages`` and ``ssmmessages`` (``ec2``, ``kms``, ``logs`` optional), the
  S3 *gateway* endpoint "to update SSM Agent and to perform patching operations", the endpoints'
  group admitting 443 "from the private subnet of the managed instance", and under "S3 buckets":
  the VPC endpoint policy "must allow access to at least" the buckets of the page above and Patch
  Manager's ``patch-baseline-snapshot-<region>`` and ``aws-ssm-<region>`` — "If the code can't be
  downloaded, the patch baseline command will fail".
- aws-samples/data-perimeter-policy-examples at 8e0d3c5179a45dca414d4ea1f3a7b544aba02009
  (2026-03-18): ``vpc_endpoint_policies/s3_endpoint_policy.json`` (the organization statement
  ``AllowRequestsByOrgsIdentitiesToOrgsResources``: ``aws:PrincipalOrgID`` and
  ``aws:ResourceOrgID`` of the organization; and ``AllowRequestsToAWSOwnedResources``, which names
  the Systems Manager buckets above among the AWS-owned ones) and ``service_owned_resources.md``
  (its Systems Manager row: SSM Agent "could make unauthenticated requests from your VPC" to those
  buckets; its EC2 rows: Amazon Linux repository downloads are "an unauthenticated call to Amazon
  S3").

Built: VPC ``patching`` 10.0.0.0/16, DNS support and hostnames on, the Region's default DHCP options,
no internet gateway, no NAT gateway, no flow log (none of the sources creates one). Private subnets
10.0.1.0/24 (use1-az1) and 10.0.2.0/24 (use1-az2) on one route table ``patching-private`` (local
route and the S3 gateway endpoint's prefix-list route). Interface endpoints ``ssm``,
``ssmmessages`` and ``ec2messages`` in both subnets, private DNS on, AWS's default policy where the
service takes one (``ssmmessages`` and ``ec2messages`` take none: DescribeVpcEndpointServices lists
them with ``VpcEndpointPolicySupported`` false, and their endpoints are assumed listed without a
``PolicyDocument``, as on the data perimeter layout), behind ``patching-endpoints``
admitting TCP 443 from the two private subnets (the guide's wording). The S3 gateway endpoint on
the private table with the organization's policy (below). Two instances per subnet, one Amazon
Linux 2023 and one Windows Server, in ``patching-instances`` (no ingress, AWS's default egress),
registered with Systems Manager and patched by ``AWS-RunPatchBaseline`` in a maintenance window;
Run Command documents run on both.

The S3 endpoint policies (JSON strings, as DescribeVpcEndpoints returns ``PolicyDocument``):

- ``"own_buckets"`` (canonical): one statement ``AllowOrgIdentitiesToOrgBuckets``, ``Principal *``,
  ``Action s3:*`` on ``arn:aws:s3:::examplecorp-*`` and its objects, with ``StringEquals
  aws:PrincipalOrgID`` the organization — the organization's buckets (Run Command output, patch
  logs, installers) by its own identities. Assumed: the bucket naming prefix ``examplecorp-`` and
  the organization ``o-a1b2c3d4e5``.
- ``"resource_org"`` (near miss): the data perimeter sample's
  ``AllowRequestsByOrgsIdentitiesToOrgsResources`` alone, placeholders filled.
- ``aws_owned_reads=True`` (near miss, with ``"own_buckets"``): a second statement
  ``AllowRequestsToAWSOwnedResources`` (the sample's Sid), ``Principal *``, ``s3:GetObject`` on the
  objects of the eight buckets of the SSM page's example, in us-east-1, and of
  ``al2023-repos-us-east-1-de612dc2`` (the AL2023 repository bucket the sample names); no condition.
- ``s3_endpoint=False`` (near miss): no S3 gateway endpoint at all.

Assumptions:

- Whether SSM Agent signs its requests to these buckets with the instance profile's credentials
  (the SSM page speaks of permissions in the instance profile) or sends them unsigned (the data
  perimeter README) is not settled by AWS; either way the request is not a request by the
  organization's identity to the organization's bucket: an anonymous request carries no
  ``aws:PrincipalOrgID``, and the bucket is AWS's, not ``examplecorp-*`` nor of the organization.
- Where Windows Server instances download the updates themselves (Microsoft Update or a WSUS
  server) is outside this layout; what it judges is the agent's reads of AWS-owned buckets, which
  both platforms make (``aws-ssm-<region>``, ``patch-baseline-snapshot-<region>``; Windows-only
  documents from ``aws-windows-downloads-<region>``). AL2023's dnf repositories are objects of
  ``al2023-repos-<region>-de612dc2`` (the sample's EC2 row), read through the same endpoint.
- The snapshot records no instance platform, instance profile, maintenance window or patch
  baseline: the instances are seen as their primary interfaces only.
- The network interfaces, as DescribeNetworkInterfaces reports them: an instance's primary
  interface, InterfaceType ``interface`` (botocore 1.44.18's ``NetworkInterfaceType``), not
  requester-managed, no RequesterId, an empty description, no tags, attached to its instance; an
  interface endpoint's, InterfaceType ``vpc_endpoint``, requester-managed, described
  ``VPC Endpoint Interface <vpce-id>``, no tags, in the endpoint's group, attached to no instance.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
NAME = "patching"
VPC_CIDR = "10.0.0.0/16"
PRIVATE_CIDRS = ("10.0.1.0/24", "10.0.2.0/24")
ORG_ID = "o-a1b2c3d4e5"  # assumed: the organization this account belongs to
ORG_BUCKETS = ("arn:aws:s3:::examplecorp-*", "arn:aws:s3:::examplecorp-*/*")  # assumed naming prefix
SOURCE_COMMIT = "8e0d3c5179a45dca414d4ea1f3a7b544aba02009"
INTERFACE_SERVICES = ("ssm", "ssmmessages", "ec2messages")
NO_POLICY = ("ssmmessages", "ec2messages")  # VpcEndpointPolicySupported false: no PolicyDocument (assumed)
PLATFORMS = ("linux", "windows")
OWN_BUCKETS_SID = "AllowOrgIdentitiesToOrgBuckets"
ORGS_TO_ORGS_SID = "AllowRequestsByOrgsIdentitiesToOrgsResources"
AWS_OWNED_SID = "AllowRequestsToAWSOwnedResources"
# The SSM page's example statement (us-east-2 there), in its order: the buckets SSM Agent reads.
SSM_AGENT_BUCKETS = tuple(b.format(region=REGION) for b in (
    "aws-windows-downloads-{region}", "amazon-ssm-{region}", "amazon-ssm-packages-{region}",
    "{region}-birdwatcher-prod", "aws-ssm-document-attachments-{region}", "patch-baseline-snapshot-{region}",
    "aws-ssm-{region}", "aws-patchmanager-macos-{region}"))
# AL2023's repository bucket, as the data perimeter sample names it.
AL2023_REPOSITORY = f"al2023-repos-{REGION}-de612dc2"


def _own_buckets() -> dict[str, Any]:
    return {"Sid": OWN_BUCKETS_SID, "Effect": "Allow", "Principal": "*", "Action": "s3:*",
            "Resource": list(ORG_BUCKETS), "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}}}


def _orgs_to_orgs() -> dict[str, Any]:
    """The sample's first statement, ``<my-org-id>`` filled in."""
    return {"Sid": ORGS_TO_ORGS_SID, "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG_ID, "aws:ResourceOrgID": ORG_ID}}}


def _aws_owned_reads() -> dict[str, Any]:
    return {"Sid": AWS_OWNED_SID, "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Resource": [f"arn:aws:s3:::{bucket}/*" for bucket in (*SSM_AGENT_BUCKETS, AL2023_REPOSITORY)]}


def s3_policy(scope: str = "own_buckets", *, aws_owned_reads: bool = False) -> str:
    """The S3 gateway endpoint's policy document as DescribeVpcEndpoints returns it."""
    statements = [_own_buckets() if scope == "own_buckets" else _orgs_to_orgs()]
    if aws_owned_reads:
        statements.append(_aws_owned_reads())
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, separators=(",", ":"))


def build(*, scope: str = "own_buckets", aws_owned_reads: bool = False,
          s3_endpoint: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """``scope``: "own_buckets" (canonical) or "resource_org" (the sample's organization statement).
    ``aws_owned_reads``: the AWS-owned buckets' reads added. ``s3_endpoint``: the S3 gateway endpoint
    exists."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc), "default_sg": b.default_group(vpc)}
    private = [b.subnet(vpc, cidr, az=az, name=f"{NAME}-private-{az}")
               for az, cidr in enumerate(PRIVATE_CIDRS, start=1)]
    ids["private1"], ids["private2"] = private
    ids["private_rt"] = b.route_table(vpc, subnets=private, name=f"{NAME}-private")

    ids["endpoints_sg"] = b.security_group(vpc, name=f"{NAME}-endpoints",
                                           ingress=[("tcp", 443, 443, cidr) for cidr in PRIVATE_CIDRS])
    for key in INTERFACE_SERVICES:
        kwargs = {"policy": None} if key in NO_POLICY else {}
        ids[key] = b.interface_endpoint(vpc, key, subnets=private, groups=[ids["endpoints_sg"]], **kwargs)
    if s3_endpoint:
        ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids["private_rt"]],
                                       policy=s3_policy(scope, aws_owned_reads=aws_owned_reads))

    instance_sg = ids["instance_sg"] = b.security_group(vpc, name=f"{NAME}-instances")
    for az, subnet in enumerate(private, start=1):
        for platform in PLATFORMS:
            eni = ids[f"{platform}{az}_eni"] = b.workload(subnet, groups=[instance_sg])
            b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    return b.snapshot(), ids
