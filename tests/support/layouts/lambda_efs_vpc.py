"""AWS Lambda functions in a VPC mounting an Amazon EFS file system through an access point: the
Lambda Developer Guide's sample application ``efs-nodejs`` (us-east-1).

https://github.com/awsdocs/aws-lambda-developer-guide/tree/c5f6ee44c80779cf55ab8d3a5bfbffe0869c2124/sample-apps/efs-nodejs
(``template-vpcefs.yml`` and ``template.yml`` at c5f6ee4, 2023-10-30, the last commit that changed
them; the sample was removed from the repository in d2223f3, 2025-08-26). The guide's page
"Configuring file system access for Lambda functions"
(https://docs.aws.amazon.com/lambda/latest/dg/configuration-filesystem.html) points to it and
says: "Create a file system in Amazon EFS with a mount target in every Availability Zone that
your function connects to ... Make sure that NFS traffic (port 2049) is allowed by the security
groups used by the function and mount targets."

What the audit sees of the two stacks (``efs-nodejs-vpc``, then ``efs-nodejs``):

- VPC 172.31.0.0/16 with no DNS attribute set (AWS's defaults for a VPC that is not the default
  one: resolution on, hostnames off), private subnets 172.31.3.0/24 and 172.31.2.0/24 in the
  Region's first two AZs (AZ IDs use1-az4 and use1-az6, assumed), ``MapPublicIpOnLaunch`` false,
  both on one route table with the local route alone; no internet gateway, NAT gateway or VPC
  endpoint. The VPC's main route table, default group and default NACL as AWS creates them.
- The file system, a mount target in each subnet and an access point (``/efs-nodejs-storage``,
  POSIX user 1001:1001; no network presence). Both mount targets and the function carry the VPC's
  default security group (``!GetAtt privateVPC.DefaultSecurityGroup``), whose self-referencing
  all-traffic rule admits NFS between them. No flow log.
- The function (``VpcConfig`` in both subnets; ``Tracing: Active``): its Hyperplane ENIs, one per
  subnet, InterfaceType ``lambda``, described ``AWS Lambda VPC ENI-<function>-<uuid>``, RequesterId
  ``<role id>:<function>`` (as in the ElastiCache layout; RequesterManaged false, assumed). The
  function's name is the one CloudFormation generates (``efs-nodejs-function-<suffix>``, assumed).

A mount target's ENI as DescribeNetworkInterfaces reports it: requester-managed, InterfaceType
``interface`` (botocore's ``NetworkInterfaceType`` has no EFS value), the mount target's groups.
Its description: the EFS API reference (CreateMountTarget) says EFS creates it with "The
description ``Mount target fsmt-id for file system fs-id``" and "The ``requesterManaged`` property
of the network interface set to ``true``, and the ``requesterId`` value set to ``EFS``"; public
dumps of accounts' interfaces (Terraform and CloudControl exports) show ``EFS mount target for
fs-… (fsmt-…)`` instead. ``description="observed"`` (the default) builds the dumps' form,
``"documented"`` the API reference's; both carry RequesterId ``EFS`` (the reference's; no rule
reads it).

Beyond the sample, for the near misses (the guide's advice, with groups of their own):
``groups="dedicated"`` gives the function a group with no ingress and AWS's default egress, and the
mount targets a group admitting TCP 2049 from ``nfs_source`` ("function-sg" or the VPC's primary
block) with no egress rule (a mount target originates nothing). ``function_tier="secondary"``
moves the function to subnets of a secondary block 100.64.0.0/16 (one table, local routes only);
``function_egress="https"`` leaves the function's group one egress rule, TCP 443 to anywhere;
``mount_target_azs`` drops mount targets from AZs; ``endpoint`` adds a Secrets Manager interface
endpoint in both subnets (private DNS, so DNS hostnames on) behind a group admitting 443 from the
function's group, as the guide's "Giving Lambda functions access to AWS services through VPC
endpoints" describes.
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az4", "use1-az6")
VPC_CIDR = "172.31.0.0/16"
SECONDARY_CIDR = "100.64.0.0/16"
NFS_PORT = 2049
STACK = "efs-nodejs-vpc"
FUNCTION = "efs-nodejs-function-3XJ7QK2M9PLA"  # CloudFormation's generated name (assumed suffix)
ROLE_ID = "AROAYQ3JKW7EFSNODE4LM"  # the function's execution role's unique id (assumed)
FILE_SYSTEM = "fs-0c4a1e7b9d2f35608"
MOUNT_TARGETS = ("fsmt-0a7e3c91b5d2f4068", "fsmt-0e2b6d84f1a3c9057")
EFS_REQUESTER_ID = "EFS"


def mount_target_description(mount_target: str, form: str = "observed") -> str:
    """The mount target ENI's Description: as public dumps show it, or as CreateMountTarget
    documents it."""
    if form == "documented":
        return f"Mount target {mount_target} for file system {FILE_SYSTEM}"
    return f"EFS mount target for {FILE_SYSTEM} ({mount_target})"


def build(*, groups: str = "default", nfs_source: str = "function-sg", function_tier: str = "private",
          function_egress: str = "all", mount_target_azs: tuple[int, ...] = (1, 2),
          description: str = "observed", endpoint: bool = False) -> tuple[Snapshot, dict[str, str]]:
    """``groups``: "default" (the sample) or "dedicated"; the other options apply to the dedicated
    groups (see the module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    secondary = function_tier == "secondary"
    vpc = b.vpc(VPC_CIDR, name=STACK, dns_hostnames=endpoint, extra_cidrs=(SECONDARY_CIDR,) if secondary else ())
    ids = {"vpc": vpc, "main_rt": b.main_route_table(vpc), "default_sg": b.default_group(vpc)}
    ids["subnet_a"] = b.subnet(vpc, "172.31.3.0/24", az=1, name=f"{STACK}-subnet-a")
    ids["subnet_b"] = b.subnet(vpc, "172.31.2.0/24", az=2, name=f"{STACK}-subnet-b")
    private = [ids["subnet_a"], ids["subnet_b"]]
    ids["route_table"] = b.route_table(vpc, subnets=private)
    function_subnets = private
    if secondary:
        function_subnets = [b.subnet(vpc, f"100.64.{k}.0/24", az=k + 1, name=f"{STACK}-functions-{'ab'[k]}")
                            for k in (0, 1)]
        ids["function_subnet_a"], ids["function_subnet_b"] = function_subnets
        ids["function_rt"] = b.route_table(vpc, subnets=function_subnets)

    if groups == "dedicated":
        egress = [("tcp", 443, 443, "0.0.0.0/0")] if function_egress == "https" else [("-1", None, None, "0.0.0.0/0")]
        function_sg = ids["function_sg"] = b.security_group(vpc, name=f"{FUNCTION}-sg", egress=egress)
        source = function_sg if nfs_source == "function-sg" else VPC_CIDR
        mount_sg = ids["mount_target_sg"] = b.security_group(
            vpc, name=f"{STACK}-efs", ingress=[("tcp", NFS_PORT, NFS_PORT, source)], egress=[])
    else:
        function_sg = mount_sg = ids["default_sg"]

    for az in mount_target_azs:
        ids[f"mount_target_{'ab'[az - 1]}"] = b.workload(
            private[az - 1], groups=[mount_sg], requester_managed=True, requester_id=EFS_REQUESTER_ID,
            description=mount_target_description(MOUNT_TARGETS[az - 1], description))
    for n, subnet in enumerate(function_subnets):
        ids[f"lambda_eni_{'ab'[n]}"] = b.workload(
            subnet, groups=[function_sg], interface_type="lambda", requester_id=f"{ROLE_ID}:{FUNCTION}",
            description=f"AWS Lambda VPC ENI-{FUNCTION}-8b1d4e27-6c3a-4f90-a2e5-7d9c0b3f152{n}")
    if endpoint:
        ids["endpoint_sg"] = b.security_group(vpc, name="vpc-endpoints", ingress=[("tcp", 443, 443, function_sg)])
        ids["secretsmanager"] = b.interface_endpoint(vpc, "secretsmanager", subnets=private,
                                                     groups=[ids["endpoint_sg"]])
    return b.snapshot(), ids
