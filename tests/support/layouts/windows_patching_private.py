"""Windows Server instances in private subnets without internet access, managed by Systems Manager
through the ``ssm``/``ssmmessages``/``ec2messages`` interface endpoints and an S3 gateway endpoint
admitting the Systems Manager buckets, and patched by Patch Manager's ``AWS-RunPatchBaseline``
(us-east-1).

Sources:

- AWS Systems Manager User Guide, "Patch Manager prerequisites"
  (https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-prerequisites.html;
  current page, read 2026-12-07; as last archived in awsdocs/aws-systems-manager-user-guide at
  dd495cca5833730e93837f1b3b66e8290a9bde2f, ``doc_source/patch-manager-prerequisites.md``),
  "Connectivity to the patch source": nodes without a direct internet connection that use VPC
  endpoints must still reach their patch source; Windows Server managed nodes must reach the
  Windows Update Catalog or a WSUS server, the Microsoft Update Catalog "through an internet
  gateway, NAT gateway, or NAT instance"; "S3 endpoint access": without the AWS-managed buckets
  patching fails.
- The same guide, "How patches are installed" (``patch-manager-installing-patches.md``, same
  commit): on Windows Server the Windows Update API downloads and installs the approved updates,
  by default from Microsoft's Windows Update site, so the node "must be able to reach the
  Microsoft Windows Update site or patching will fail", or a WSUS server set by Group Policy; and
  "Troubleshooting Patch Manager" (``patch-manager-troubleshooting.md``), "managed node doesn't
  have access to Windows Update Catalog or WSUS": the module downloads from S3, then the query of
  Windows Update fails with ``HRESULT: 0x80072EE2``.
- The same guide, "Improve the security of EC2 instances by using VPC endpoints for Systems
  Manager" (https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html;
  current page, read 2026-12-07; same commit, ``setup-create-vpc.md``): the three interface
  endpoints, the S3 gateway endpoint, the endpoints' group admitting 443 from the managed
  instances' subnets.
- Amazon EC2 User Guide for Windows Instances, "Troubleshoot common messages", "Unable to
  activate Windows" (https://docs.aws.amazon.com/AWSEC2/latest/WindowsGuide/common-messages.html;
  current page, read 2026-12-07; as last archived in awsdocs/amazon-ec2-user-guide-windows at
  90bf9e195cd71a41961a9a0c6cefa2ea66603248, ``doc_source/common-messages.md``): Windows instances
  activate against AWS's KMS servers, every 180 days, ``slmgr.vbs /skms 169.254.169.250:1688``;
  error ``0xC004F074`` when the server cannot be reached; and ``ec2config-service.md`` (same
  commit): the launch agent adds routes to 169.254.169.250 and 169.254.169.251, "used by Windows
  Activation".
- Amazon VPC User Guide, "Internetwork traffic privacy in Amazon VPC"
  (https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Security.html; current page, read
  2026-12-07; as last archived in awsdocs/amazon-vpc-user-guide at
  a16ab76ed2f6b230672e98a0b2bfdab6d165ac4a, ``doc_source/VPC_Security.md``): security groups and
  network ACLs "do not filter traffic destined to and from" — among others — Amazon DNS, instance
  metadata, "License activation for Windows instances" and the Amazon Time Sync Service.
- The S3 endpoint policy: ``layouts.ssm_patch_manager_s3_policy``'s ``s3_policy(aws_owned_reads=True)``,
  from aws-samples/data-perimeter-policy-examples at 8e0d3c5179a45dca414d4ea1f3a7b544aba02009
  (``vpc_endpoint_policies/s3_endpoint_policy.json``, ``AllowRequestsToAWSOwnedResources``) and the
  Systems Manager guide's bucket list (that module's docstring). No published template builds this
  exact network with Windows instances; it is the Systems Manager guide's, as in
  ``layouts.ssm_patch_manager_s3_policy``, with the Linux instances left out.

Built (``build()``): VPC ``winpatch`` 10.0.0.0/16, DNS support and hostnames on, the Region's
default DHCP options, no internet gateway, no NAT gateway, no flow log, the default NACL. Private
subnets 10.0.1.0/24 (use1-az1) and 10.0.2.0/24 (use1-az2), each on its own route table (local
route and the S3 gateway endpoint's prefix-list route). Interface endpoints ``ssm``,
``ssmmessages`` and ``ec2messages`` in both subnets, private DNS on, AWS's default policy on
``ssm`` (``ssmmessages`` and ``ec2messages`` take none and are assumed listed without a
``PolicyDocument``), behind ``winpatch-endpoints`` admitting TCP 443 from the two subnets. The S3
gateway endpoint on both tables with the organization's statement and the AWS-owned buckets' reads
(above). One Windows Server instance per subnet in ``winpatch-instances`` (no ingress, AWS's
default egress), targeted by a maintenance window running ``AWS-RunPatchBaseline`` (Install). No
WSUS server. So every Systems Manager call succeeds and the patch baseline module downloads, but
the Windows Update query has no route to Microsoft: patching fails.

Near misses:

- ``instance_egress="vpc_443"``: the instances' group hardened to one egress rule, TCP 443 to
  10.0.0.0/16 "for the endpoints". Activation (TCP 1688 to 169.254.169.250/251), time sync and DNS
  are not filtered by security groups (VPC guide), so they are unaffected; the S3 calls through
  the gateway endpoint go to S3's public addresses and are refused.
- ``instance_egress="vpc_443_and_s3"``: the same plus TCP 443 to the S3 prefix list (the SSM and
  S3 guides' advice): nothing that runs through the VPC's security groups is refused.
- ``nat=True``: a NAT gateway per AZ in public subnets 10.0.101.0/24 and 10.0.102.0/24 (one table
  ``winpatch-public``: 0.0.0.0/0 to an internet gateway), each private table's 0.0.0.0/0 to its
  AZ's NAT gateway: Windows Update is reached, the endpoints still carry Systems Manager.

Assumptions:

- The snapshot records no instance platform (DescribeInstances' ``Platform``, ``Windows`` for
  Windows instances), no maintenance window, patch baseline or Group Policy: the instances are
  seen as their primary interfaces only. That they run Windows Server and are patched from
  Windows Update is this layout's premise, not anything the snapshot holds.
- The network interfaces, as DescribeNetworkInterfaces reports them: an instance's primary
  interface, InterfaceType ``interface`` (botocore 1.44.18's ``NetworkInterfaceType``), not
  requester-managed, no RequesterId, an empty description, no tags, attached to its instance; an
  interface endpoint's, InterfaceType ``vpc_endpoint``, requester-managed, described
  ``VPC Endpoint Interface <vpce-id>``, no tags, in the endpoint's group, attached to no instance; a
  NAT gateway's, InterfaceType ``natGateway``, requester-managed, described
  ``Interface for NAT Gateway <nat-id>``.
- The addresses EC2 routes for activation (169.254.169.250/251) and time sync are link-local and in
  no route table; nothing in the snapshot stands for them.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from layouts.ssm_patch_manager_s3_policy import s3_policy
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
NAME = "winpatch"
VPC_CIDR = "10.0.0.0/16"
PRIVATE_CIDRS = ("10.0.1.0/24", "10.0.2.0/24")
PUBLIC_CIDRS = ("10.0.101.0/24", "10.0.102.0/24")
INTERFACE_SERVICES = ("ssm", "ssmmessages", "ec2messages")
NO_POLICY = ("ssmmessages", "ec2messages")  # VpcEndpointPolicySupported false: no PolicyDocument (assumed)
# Windows activation: AWS's KMS servers for Windows, TCP 1688 (EC2 Windows guide).
KMS_ACTIVATION = ("169.254.169.250", "169.254.169.251")
KMS_PORT = 1688
HTTPS_TO_VPC = ("tcp", 443, 443, VPC_CIDR)


def build(*, instance_egress: str = "default", nat: bool = False) -> tuple[Snapshot, dict[str, str]]:
    """``instance_egress``: "default" (AWS's all-traffic rule), "vpc_443" (TCP 443 to the VPC's
    block only) or "vpc_443_and_s3" (that and TCP 443 to the S3 prefix list). ``nat``: a NAT
    gateway per AZ, the private tables' default route to it."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc), "default_sg": b.default_group(vpc)}
    for az, cidr in enumerate(PRIVATE_CIDRS, start=1):
        ids[f"private{az}"] = b.subnet(vpc, cidr, az=az, name=f"{NAME}-private-{az}")
        ids[f"private_rt{az}"] = b.route_table(vpc, subnets=[ids[f"private{az}"]], name=f"{NAME}-private-{az}")
    private = [ids["private1"], ids["private2"]]
    if nat:
        ids["igw"] = b.igw(vpc)
        public = [b.subnet(vpc, cidr, az=az, name=f"{NAME}-public-{az}")
                  for az, cidr in enumerate(PUBLIC_CIDRS, start=1)]
        ids["public1"], ids["public2"] = public
        ids["public_rt"] = b.route_table(vpc, subnets=public, routes={"0.0.0.0/0": ids["igw"]},
                                         name=f"{NAME}-public")
        for az in (1, 2):
            ids[f"nat{az}"] = b.nat(ids[f"public{az}"])
            b.route(ids[f"private_rt{az}"], "0.0.0.0/0", ids[f"nat{az}"])

    ids["endpoints_sg"] = b.security_group(vpc, name=f"{NAME}-endpoints",
                                           ingress=[("tcp", 443, 443, cidr) for cidr in PRIVATE_CIDRS])
    for key in INTERFACE_SERVICES:
        kwargs = {"policy": None} if key in NO_POLICY else {}
        ids[key] = b.interface_endpoint(vpc, key, subnets=private, groups=[ids["endpoints_sg"]], **kwargs)
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids["private_rt1"], ids["private_rt2"]],
                                   policy=s3_policy(aws_owned_reads=True))
    ids["s3_prefix_list"] = next(p.prefix_list_id for p in b.prefix_lists.values()
                                 if p.prefix_list_name == f"com.amazonaws.{REGION}.s3")

    if instance_egress == "default":
        egress = [("-1", None, None, "0.0.0.0/0")]
    elif instance_egress == "vpc_443":
        egress = [HTTPS_TO_VPC]
    else:
        egress = [HTTPS_TO_VPC, ("tcp", 443, 443, ids["s3_prefix_list"])]
    instance_sg = ids["instance_sg"] = b.security_group(vpc, name=f"{NAME}-instances", egress=egress)
    for az, subnet in enumerate(private, start=1):
        eni = ids[f"windows{az}_eni"] = b.workload(subnet, groups=[instance_sg])
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    return b.snapshot(), ids
