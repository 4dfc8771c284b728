"""An Amazon EMR Serverless Spark application with VPC access: private subnets in three AZs, a
security group of its own, one NAT gateway (eu-west-1).

Sources:

- the Amazon EMR Serverless User Guide, "Configuring VPC access for EMR Serverless applications to
  connect to data" (https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/vpc-access.html,
  current page, read 2026-12-06), with its section "Best practices for subnet planning". What it
  asks of the network: private subnets, whose "associated route tables must not have internet
  gateways" (public ones are supported too, without inbound traffic or Lake Formation; not built);
  internet access "if needed" through a NAT gateway; "For Amazon S3 connectivity,
  configure either a NAT Gateway or a VPC endpoint", and for other AWS services such as DynamoDB
  "either VPC endpoints or a NAT gateway"; in a private subnet "we suggest that you also set up VPC
  endpoints for Amazon S3", S3 traffic otherwise incurring "additional NAT gateway charges".
  "EMR Serverless blocks inbound access to workers"; the chosen groups are associated "with
  elastic network interfaces that are attached to your VPC subnets"; a separate group for the
  application is suggested, and the application cannot be created, updated or started while a
  group has "ports open to the public internet on 0.0.0.0/0 or the ::/0 range" (its own Redshift
  example keeps an all-traffic egress rule to 0.0.0.0/0). "Select multiple subnets across multiple
  Availability Zones", since the subnets "determine the Availability Zones available" to the
  application; "Each worker consumes an IP address on the subnet where it is launched", and with
  AWS Config "EMR Serverless creates an elastic network interface item record for every worker";
  "a job runs only in one subnet selected from the specified subnets". Subnet planning: one
  network interface per worker (an application of 4-vCPU workers scaling to 4,000 vCPU needs up
  to 1,000), "each subnet in at least two Availability Zones should have more than 1,000 available
  IP addresses" in that example, so that EMR Serverless can retry a job or provision pre-initialized
  capacity in another AZ;
- the API's ``NetworkConfiguration``
  (https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_NetworkConfiguration.html:
  ``subnetIds`` up to 16, ``securityGroupIds`` up to 5, neither required);
- the service-linked role's managed policy AmazonEMRServerlessServiceRolePolicy (v3, 2024-01-25,
  https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonEMRServerlessServiceRolePolicy.html):
  ``ec2:CreateNetworkInterface``, ``ec2:DeleteNetworkInterface`` and describe calls on ``*``, no
  ``ec2:CreateNetworkInterfacePermission``;
- the layout: terraform-aws-modules/terraform-aws-emr ``examples/serverless-cluster`` at v3.2.0
  (https://github.com/terraform-aws-modules/terraform-aws-emr/blob/c3796873b3810971de713a7ef7facae7f51a5bc7/examples/serverless-cluster/main.tf,
  2026-01-08; the example last changed in 70d83d3) and its ``modules/serverless`` at that commit,
  with terraform-aws-vpc ``~> 6.0`` (v6.6.0, 82d1929e669efef4e2ad00611b8a68e7a56e049c).
  ``local.name`` is ``"serverless"`` (``replace(basename(path.cwd), "-cluster", "")``), Region
  eu-west-1.

Built as the example declares it: VPC 10.0.0.0/16 ``serverless``, DNS support and hostnames on
(the module's defaults); public subnets 10.0.0-2.0/24 and private 10.0.10-12.0/24 in the Region's
first three AZs (AZ IDs euw1-az1, az2, az3 assumed); an internet gateway and ``serverless-public``;
``single_nat_gateway``: one NAT gateway in the first public subnet and one table
``serverless-private`` for the three private subnets, 0.0.0.0/0 to it; no gateway endpoint; the
module's main table, rule-less default group and allow-all default NACL; no flow log. The Spark
application ``serverless-spark`` has ``network_configuration { subnet_ids =
module.vpc.private_subnets }``; the submodule creates its group ``serverless-spark-<suffix>``
(``security_group_use_name_prefix`` true; description Terraform's ``Managed by Terraform``, the
module's being null) with no ingress and its default egress rule ``all-traffic`` (all protocols to
0.0.0.0/0) — Terraform revokes AWS's own. The Hive application has no network configuration: no
interface in the VPC. Pre-initialized capacity for Spark: 2 drivers (4 vCPU) and 2 executors
(8 vCPU), at most 48 vCPU, so at most 48 workers even at the smallest worker size (1 vCPU): a
/24 (251 usable addresses) is ample, as the guide's planning asks.

The workers' interfaces (``workers``: 4, the application started with its initial capacity; 0, the
application as ``terraform apply`` leaves it, CREATED). AWS documents one interface per worker, in
the application's groups, in one subnet per job; nothing about how DescribeNetworkInterfaces lists
them, and no public account dump shows one. Assumed (``eni_reading="account"``): InterfaceType
``interface`` (botocore 1.44.18's ``NetworkInterfaceType`` has no EMR Serverless value; it is
what CreateNetworkInterface gives without one), RequesterManaged false and no RequesterId recorded
(the account's service-linked role creates them, as the Glue jobs' role does theirs), an empty
Description, no tags, ``in-use``, its ``Attachment`` (if any) naming no instance of this account —
the worker runs on EMR Serverless's capacity; the snapshot keeps only an ``InstanceId``, here none —
one private IPv4 address from the subnet, no public address, source/destination check on (EC2's
default); all four in ``private2`` (the subnet EMR Serverless chose for the job: assumed).
``eni_reading="service"`` builds the other reading: requester-managed, RequesterId
``EMR_SERVERLESS_REQUESTER`` (assumed), as MWAA's and Fargate's containers are modelled. Either
way they are workloads: the workers run the job's code and call S3, the Glue Data Catalog and
other services themselves.

``s3_endpoint=True`` is the guide's suggestion: an S3 gateway endpoint on ``serverless-private``,
AWS's default full-access policy.

Near misses: ``nat=False`` (``enable_nat_gateway = false``, no S3 endpoint: the private table
keeps the local route only, so jobs cannot read their script or data in S3);
``worker_egress="none"`` (``security_group_egress_rules = {}``: the group keeps no egress rule);
``application_azs=(1,)`` (the application given only the private subnet of eu-west-1a, its
workers there).

Left out: the NAT gateway's Elastic IP resource, the applications' IAM roles, tags other than the
example's.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder
from builders import Rule

from layouts.eks_blueprints_private import DEFAULT_ENTRIES
from layouts.tf_vpc_module import module_defaults
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "eu-west-1"
AZ_IDS = ("euw1-az1", "euw1-az2", "euw1-az3")  # this account's eu-west-1a, b, c (assumed)
NAME = "serverless"  # replace(basename(path.cwd), "-cluster", "")
APPLICATION = f"{NAME}-spark"
TAGS = {"Example": NAME, "GithubRepo": "terraform-aws-emr", "GithubOrg": "terraform-aws-modules"}
VPC_CIDR = "10.0.0.0/16"
TF_SUFFIX = "20260108000000000000000001"  # the unique suffix Terraform appends to a name_prefix
ANY = "0.0.0.0/0"
ALL_OUT: list[Rule] = [("-1", None, None, ANY)]  # the submodule's default "all-traffic" egress rule
WORKER_SUBNET = 2  # the private subnet EMR Serverless places the pre-initialized workers in (assumed)
# Assumed: the requester of the "service" reading (the service-linked role, AWSServiceRoleForAmazonEMRServerless).
EMR_SERVERLESS_REQUESTER = "AROAEXAMPLEEMRSERVLS1:EMRServerless"


def build(*, workers: int = 4, s3_endpoint: bool = False, nat: bool = True, worker_egress: str = "all",
          application_azs: tuple[int, ...] = (1, 2, 3), eni_reading: str = "account"
          ) -> tuple[Snapshot, dict[str, str]]:
    """``workers``: the Spark workers running (4: initial capacity; 0: not started).
    ``s3_endpoint``: the guide's S3 gateway endpoint on the private table. ``nat``: the example's
    NAT gateway (False: none). ``worker_egress``: "all" or "none". ``application_azs``: the
    private subnets given to the application, by AZ. ``eni_reading``: "account" or "service"
    (requester-managed). See the module docstring."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    main_rt, default_sg, default_acl = module_defaults(b, vpc, DEFAULT_ENTRIES)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": main_rt, "default_sg": default_sg, "default_acl": default_acl}
    for k in (1, 2, 3):
        az = f"{REGION}{'abc'[k - 1]}"
        ids[f"public{k}"] = b.subnet(vpc, f"10.0.{k - 1}.0/24", az=k, name=f"{NAME}-public-{az}")
        ids[f"private{k}"] = b.subnet(vpc, f"10.0.{k + 9}.0/24", az=k, name=f"{NAME}-private-{az}")
    public = [ids[f"public{k}"] for k in (1, 2, 3)]
    private = [ids[f"private{k}"] for k in (1, 2, 3)]
    ids["igw"] = b.igw(vpc)
    ids["public_rt"] = b.route_table(vpc, subnets=public, routes={ANY: ids["igw"]}, name=f"{NAME}-public")
    routes = {}
    if nat:
        ids["nat"] = b.nat(ids["public1"])
        routes[ANY] = ids["nat"]
    ids["private_rt"] = b.route_table(vpc, subnets=private, routes=routes, name=f"{NAME}-private")
    for resource in ids.values():
        b.tag(resource, TAGS)
    if s3_endpoint:
        ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids["private_rt"]])

    # aws_security_group.this: no ingress; the module's egress rules (Terraform revokes AWS's default).
    group = ids["worker_sg"] = b.security_group(vpc, name=f"{APPLICATION}-{TF_SUFFIX}",
                                                egress=ALL_OUT if worker_egress == "all" else [])
    b.groups[group] = replace(b.groups[group], description="Managed by Terraform")
    b.tag(group, {**TAGS, "Name": APPLICATION})

    # The workers' interfaces (fields: see the module docstring), all in the subnet of one job.
    subnet = ids[f"private{WORKER_SUBNET if WORKER_SUBNET in application_azs else application_azs[0]}"]
    service = eni_reading == "service"
    for n in range(1, workers + 1):
        ids[f"worker{n}"] = b.workload(subnet, groups=[group], requester_managed=service,
                                       requester_id=EMR_SERVERLESS_REQUESTER if service else None)
    return b.snapshot(), ids
