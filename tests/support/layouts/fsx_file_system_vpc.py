"""Amazon FSx for Lustre file systems linked to Amazon S3 in private subnets, mounted by EC2
instances of the same VPC (eu-west-1).

The template: terraform-aws-modules/terraform-aws-fsx ``examples/lustre``
(https://github.com/terraform-aws-modules/terraform-aws-fsx/tree/aefd26f7268ac70655b24f021938fd3abfbdd9c8/examples/lustre,
2025-06-18; ``main.tf`` last changed in a3823ce6, 2025-06-17), with ``modules/lustre/main.tf`` at
the same commit and its ``vpc`` from terraform-aws-modules/terraform-aws-vpc ``~> 5.0``. Read
with the FSx for Lustre User Guide, "File system access control with Amazon VPC"
(https://docs.aws.amazon.com/fsx/latest/LustreGuide/limit-access-security-groups.html; its last
published source, https://github.com/awsdocs/amazon-fsx-lustre-user-guide/blob/da580d8e4e2627cfe15e4f1a921037d263f53919/doc_source/limit-access-security-groups.md,
2022-10-04): "An Amazon FSx file system is accessible through an elastic network interface that
resides in the virtual private cloud (VPC) … Only resources within the associated VPC, or a peered
VPC, can access your file system's network interface"; "You must not modify or delete the Amazon
FSx elastic network interface"; the clients' groups take TCP 988 and 1018-1023 (1021-1023 in the
2022 source) from the clients' groups and the file systems'; the file system's group, "to allow
Lustre traffic between your FSx for Lustre file servers", TCP 988 and 1018-1023 from itself
("Cannot create a file system because of misconfigured security group", cannot-create-fs.html),
and, when it does not allow all outbound traffic, outbound rules on the same ports alone —
"These rules allow traffic between FSx for Lustre file servers and Lustre clients, and between
Lustre file servers". No rule for HTTPS or S3: the data repository is read and written by FSx
with the service-linked role ``AWSServiceRoleForFSxS3Access_<fs-id>`` ("accessing your data
repository in an Amazon S3 bucket", using-service-linked-roles.md), "Automatic export supports
cross-Region configurations" (create-dra-linked-data-repo.md), and the example links its file
systems to a bucket from private subnets with neither a NAT gateway nor an S3 endpoint.

What the example builds (the Region's first three AZs, AZ IDs assumed):

- the VPC module: 10.0.0.0/16 ``ex-fsx-lustre`` (``"ex-fsx-${basename(path.cwd)}"``), DNS support
  and hostnames on (v5 defaults); public subnets 10.0.0-2.0/24 on one table with 0.0.0.0/0 to an
  internet gateway; private subnets 10.0.10-12.0/24, one table each (``nat_gateway_count`` is the
  subnet count when neither ``single_nat_gateway`` nor ``one_nat_gateway_per_az`` is set), no
  route beyond the VPC (``enable_nat_gateway = false``). Main table, default group and default
  NACL as the module manages them (``tf_vpc_module``);
- three file systems (``persistent1``, ``persistent2``, ``intelligent-tiering``), each in the
  first private subnet (``slice(module.vpc.private_subnets, 0, 1)``), the first two linked to the
  example's bucket by a data repository association (automatic import and export), each with a
  group of its own (``name_prefix``; ``persistent1`` named after the file system, the other two
  ``ex-fsx-lustre``): the module's default rules, TCP 988 and 1018-1023 from and to itself, plus the
  example's ``in`` — ``from_port = 0, to_port = 0, protocol = "tcp"`` from the VPC's block, which
  the module reads as ``ip_protocol`` (default ``tcp``) and ports 0-0: TCP port 0 alone — and
  ``out``, all traffic to 0.0.0.0/0.

A file system's interfaces as DescribeNetworkInterfaces reports them: two per file system
(DescribeFileSystems' ``NetworkInterfaceIds`` in the guide's examples lists two for a Lustre file
system, older-deployment-types.md; "For an Amazon FSx for Lustre file system, you can have more
than one", FileSystem.NetworkInterfaceIds), in the file system's subnet with its groups,
InterfaceType ``interface``, attached to no instance, tagged ``AmazonFSx.FileSystemId: <fs-id>``.
The tag is documented: FSx's service-linked role (``AmazonFSxServiceRolePolicy``, v7 2024-01-10,
as AWS publishes it) creates the interfaces (``ec2:CreateNetworkInterface``), may tag them on
creation with that key alone (``"ec2:CreateAction": "CreateNetworkInterface"``, ``aws:TagKeys``),
and manages only "customer network interfaces that have an ``AmazonFSx.FileSystemId`` tag" (FSx
User Guide, AWS managed policies, 2025-07-22). AWS documents neither their RequesterId nor their
Description; assumed: requester-managed (``requester_managed``, True by default; False builds the
other reading, an interface the role created in the account), RequesterId ``amazon-fsx`` and
Description ``ENI for Amazon FSx file system <fs-id>`` — no rule reads either.

Put to use (``clients``), as the guide describes it: a Lustre client instance in each private
subnet named by ``client_azs``, in a group ``lustre-client`` admitting TCP 988 and 1018-1023 from
itself and the file systems' groups, all traffic out; the file systems' groups admit the same
ports from it (``client_ports``; False keeps the example's port-0 rule alone); an S3 gateway
endpoint (AWS's default policy) on the private tables named by ``s3_azs``, for the instances'
own S3 calls; ``ssm``, ``ssmmessages`` and ``ec2messages`` interface endpoints (private DNS) in the
private subnets named by ``endpoint_azs``, behind a group admitting TCP 443 from the VPC, to manage
the instances with Session Manager. ``fs_egress="lustre"`` gives the file systems' groups the
guide's outbound rules alone (988 and 1018-1023 to themselves and the clients) instead of the
example's all-traffic ``out``.
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder

from layouts.eks_blueprints_private import ANY4, DEFAULT_ENTRIES
from layouts.tf_vpc_module import module_defaults
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "eu-west-1"
NAME = "ex-fsx-lustre"  # "ex-fsx-${basename(path.cwd)}"
TAGS = {"Example": NAME, "Repository": "https://github.com/terraform-aws-modules/terraform-aws-fsx"}
AZ_IDS = ("euw1-az3", "euw1-az1", "euw1-az2")  # this account's eu-west-1a, b, c (assumed)
VPC_CIDR = "10.0.0.0/16"
LUSTRE_PORTS = ((988, 988), (1018, 1023))
TF_SUFFIX = "20250618000000000000000001"  # the unique suffix Terraform appends to a name_prefix
FSX_TAG = "AmazonFSx.FileSystemId"  # the only tag FSx's service-linked role puts on its interfaces
FSX_REQUESTER_ID = "amazon-fsx"  # assumed: AWS does not document it
# The example's file systems (module name suffix → file system id, assumed), all in private subnet 1.
FILE_SYSTEMS = {"persistent1": "fs-0a1b2c3d4e5f60718", "persistent2": "fs-0b2c3d4e5f6071829",
                "intelligent-tiering": "fs-0c3d4e5f607182930"}
ENIS_PER_FILE_SYSTEM = 2
SESSION_MANAGER = ("ssm", "ssmmessages", "ec2messages")


def fsx_description(file_system: str) -> str:
    """A file system interface's Description (assumed; no rule reads it)."""
    return f"ENI for Amazon FSx file system {file_system}"


def build(*, clients: bool = True, client_azs: tuple[int, ...] = (1, 2, 3), client_ports: bool = True,
          s3_azs: tuple[int, ...] = (1, 2, 3), endpoint_azs: tuple[int, ...] = (1, 2, 3),
          fs_egress: str = "all", requester_managed: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """``clients=False``: the example as published (no instance, no endpoint). The other options
    apply to the layout put to use (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    b.tag(vpc, TAGS)
    main_rt, default_sg, default_acl = module_defaults(b, vpc, DEFAULT_ENTRIES)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": main_rt, "default_sg": default_sg, "default_acl": default_acl}
    ids["igw"] = b.igw(vpc)
    for k in (1, 2, 3):
        az = f"{REGION}{'abc'[k - 1]}"
        ids[f"public{k}"] = b.subnet(vpc, f"10.0.{k - 1}.0/24", az=k, name=f"{NAME}-public-{az}")
        ids[f"private{k}"] = b.subnet(vpc, f"10.0.{k + 9}.0/24", az=k, name=f"{NAME}-private-{az}")
        ids[f"private_rt{k}"] = b.route_table(vpc, subnets=[ids[f"private{k}"]], name=f"{NAME}-private-{az}")
    ids["public_rt"] = b.route_table(vpc, subnets=[ids[f"public{k}"] for k in (1, 2, 3)],
                                     routes={ANY4: ids["igw"]}, name=f"{NAME}-public")
    if clients:
        ids["client_sg"] = b.security_group(vpc, name="lustre-client")
    for n, (name, file_system) in enumerate(FILE_SYSTEMS.items(), start=2):
        ids |= _file_system(b, ids, name, file_system, n, client_ports and clients, fs_egress, requester_managed)
    if clients:
        _client_rules(b, ids)
        for k in client_azs:
            ids[f"client{k}"] = b.workload(ids[f"private{k}"], groups=[ids["client_sg"]])
        ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids[f"private_rt{k}"] for k in s3_azs])
        ids["endpoint_sg"] = b.security_group(vpc, name=f"{NAME}-vpc-endpoints", ingress=[("tcp", 443, 443, VPC_CIDR)])
        for key in SESSION_MANAGER:
            ids[key] = b.interface_endpoint(vpc, key, subnets=[ids[f"private{k}"] for k in endpoint_azs],
                                            groups=[ids["endpoint_sg"]])
    return b.snapshot(), ids


def _file_system(b: AwsRegionBuilder, ids: dict[str, str], name: str, file_system: str, n: int,
                 client_ports: bool, fs_egress: str, requester_managed: bool) -> dict[str, str]:
    """One file system's group and interfaces (module docstring)."""
    group_name = f"{NAME}-{name}" if name == "persistent1" else NAME
    own = [("tcp", low, high, "self") for low, high in LUSTRE_PORTS]
    ingress = [("tcp", 0, 0, VPC_CIDR), *own]
    egress = [("-1", None, None, ANY4), *own]
    if client_ports:
        ingress += [("tcp", low, high, ids["client_sg"]) for low, high in LUSTRE_PORTS]
    if fs_egress == "lustre":
        egress = own + ([("tcp", low, high, ids["client_sg"]) for low, high in LUSTRE_PORTS] if client_ports else [])
    group = b.security_group(ids["vpc"], name=f"{group_name}-{TF_SUFFIX[:-1]}{n}", ingress=ingress, egress=egress)
    b.tag(group, {"Name": group_name, **TAGS})
    out = {f"{name}_sg": group}
    for m in range(1, ENIS_PER_FILE_SYSTEM + 1):
        eni = out[f"{name}_eni{m}"] = b.workload(
            ids["private1"], groups=[group], requester_managed=requester_managed,
            requester_id=FSX_REQUESTER_ID if requester_managed else None, description=fsx_description(file_system))
        b.tag(eni, {FSX_TAG: file_system})
    return out


def _client_rules(b: AwsRegionBuilder, ids: dict[str, str]) -> None:
    """The guide's inbound rules for the clients' group: 988 and 1018-1023 from the clients' group
    and from each file system's group."""
    sources = [ids["client_sg"], *(ids[f"{name}_sg"] for name in FILE_SYSTEMS)]
    b.authorize(ids["client_sg"], ingress=[("tcp", low, high, source) for source in sources
                                           for low, high in LUSTRE_PORTS])
