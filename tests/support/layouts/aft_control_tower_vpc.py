"""The VPC that AWS Control Tower Account Factory for Terraform (AFT) deploys in the AFT management
account, with the CodeBuild projects and Lambda functions AFT runs in its private subnets
(us-east-1).

Source: the Terraform module aws-ia/terraform-aws-control_tower_account_factory
(https://github.com/aws-ia/terraform-aws-control_tower_account_factory), release 1.20.1, commit
2ba0f21627e90f86115031bc9f6ea1eb50cd411f (2026-05-20; ``vpc.tf`` and ``data.tf`` of
``modules/aft-account-request-framework`` last changed in 7e78b33, release 1.18.0). Read:

- ``variables.tf`` (root) and the README's inputs table: ``aft_enable_vpc`` ("Flag turning use of
  VPC on/off for AFT", default true), ``aft_vpc_endpoints`` ("Flag turning VPC endpoints on/off
  for AFT VPC", default true), ``aft_vpc_cidr`` 192.168.0.0/22, ``aft_vpc_private_subnet_01_cidr``
  192.168.0.0/24, ``_02`` 192.168.1.0/24, ``aft_vpc_public_subnet_01_cidr`` 192.168.2.0/25, ``_02``
  192.168.2.128/25, ``aft_customer_vpc_id`` null (AFT builds its own VPC);
- ``modules/aft-account-request-framework/vpc.tf``: ``aws_vpc.aft_vpc`` (``aft-management-vpc``,
  ``enable_dns_support`` and ``enable_dns_hostnames`` true); ``aws_default_security_group``
  with no rule blocks (Terraform then removes every rule of the VPC's default group: no ingress,
  no egress; Name ``aft-vpc-default-sg``); private subnets 01 and 02 and public subnets 01 and 02
  in ``data.aws_availability_zones.available.names`` [0] and [1] (no ``map_public_ip_on_launch``:
  false); a route table per private subnet, 0.0.0.0/0 to the NAT gateway of its AZ
  (``aft-vpc-natgw-01``/``02``, each with an Elastic IP in public subnet 01/02); ONE public
  table, 0.0.0.0/0 to ``aft-vpc-igw``, associated with BOTH public subnets (``aws_route_table.
  aft_vpc_public_subnet_01`` is used by both associations); ``aft-default-sg`` ("Allow outbound
  traffic": no ingress, all traffic out to 0.0.0.0/0 and ::/0); ``aft-endpoint-sg`` ("Allow
  inbound HTTPS traffic and all Outbound": TCP 443 and TCP 22 from the VPC's CIDR, all traffic
  out to 0.0.0.0/0 and ::/0); gateway endpoints ``s3`` and ``dynamodb`` on
  ``local.vpc_route_table_ids`` — the tables associated with the private subnets and the public
  subnets (``data.aws_route_tables`` filtered on ``association.subnet-id``), i.e. all three,
  with no policy (AWS's default full access); interface endpoints ``codebuild``, ``codecommit``,
  ``git-codecommit``, ``codepipeline``, ``servicecatalog``, ``lambda``, ``kms``, ``logs``,
  ``events``, ``organizations`` (only where ``local.orgs_endpoint_supported``: the Region is
  us-east-1), ``states``, ``ssm``, ``sns``, ``sqs``, ``sts``, each ``private_dns_enabled = true``,
  in the private subnets whose AZ the service offers (``data.aws_subnets`` filtered on the
  service's ``availability_zones``: both, assumed), on ``aft-endpoint-sg``, no policy; no flow
  log; the VPC's default NACL;
- the workloads: every ``aws_lambda_function`` and ``aws_codebuild_project`` whose
  ``vpc_config`` uses ``aft_vpc_private_subnets`` (both private subnets) and
  ``aft_vpc_default_sg`` (``aft-default-sg`` alone) — 17 functions
  (``aft-account-provisioning-framework``: create-aft-execution-role, tag-account,
  persist-metadata, account-metadata-ssm; ``aft-account-request-framework``:
  aft-account-request-audit-trigger, -action-trigger, aft-controltower-event-logger,
  aft-account-request-processor, aft-invoke-aft-account-provisioning-framework,
  aft-cleanup-resources; ``aft-customizations``: identify-targets, execute-pipeline,
  get-pipeline-executions; ``aft-feature-options``: aft-delete-default-vpc, aft-enroll-support,
  aft-enable-cloudtrail; ``aft-lambda-layer``: aft-lambda-layer-codebuild-trigger) and 6 CodeBuild
  projects (ct-aft-account-request, ct-aft-account-provisioning-customizations,
  aft-global-customizations-terraform, aft-account-customizations-terraform, aft-create-pipeline,
  python-layer-builder-<layer>-<suffix>).

The Region: AFT deploys in the Control Tower home Region; us-east-1 is assumed (it is the one
Region where the module adds the ``organizations`` endpoint). AZ IDs use1-az1 and use1-az2
(assumed: the account's first two available AZs).

What DescribeNetworkInterfaces shows of the workloads (assumed where AWS does not document it):

- Lambda: the Lambda Developer Guide's "Giving Lambda functions access to resources in an Amazon
  VPC" (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html, current page, read
  2026-12-06: Hyperplane ENIs, one per combination of subnet and security group, which functions
  of the account with the same combination share) and CloudFormation's
  ``AWS::Lambda::Function VpcConfig`` ("Lambda creates an elastic network interface for each
  combination of security group and subnet in the function's VPC configuration"); all 17
  functions share the two private subnets and ``aft-default-sg``, so there are two interfaces,
  one per private subnet, typed
  ``lambda`` (botocore's ``NetworkInterfaceType``), requester-managed, described ``AWS Lambda VPC
  ENI-<function>-<uuid>`` (as the ``lambda_vpc_private`` layout models them; the function named is
  the one whose creation made the interface, assumed ``aft-account-request-audit-trigger``), on
  ``aft-default-sg``, no tags.
- CodeBuild, as the ``codebuild_vpc`` layout models a build's interface: the project's service
  role creates it (``ec2:CreateNetworkInterface`` with ``ec2:AuthorizedService``
  ``codebuild.amazonaws.com``), so typed ``interface``, not requester-managed, no RequesterId, an
  empty description, no tags, on ``aft-default-sg``; one per running build, deleted with the
  build. ``builds=True`` (the default) has two builds running, one in each private subnet
  (assumed: account customizations of two vended accounts at once); ``builds=False`` is the VPC
  between builds.

Variants (near misses):

- ``vpc_endpoints=False`` — the module's ``aft_vpc_endpoints = false``: no gateway or interface
  endpoint, every AWS API call of the workloads (and S3/DynamoDB traffic) through the NAT
  gateways; ``aft-endpoint-sg`` is still created (its ``count`` depends on ``aft_enable_vpc``
  only) and carries nothing.
- ``stranded="sts"`` — one endpoint (the named key) moved off ``aft-endpoint-sg`` onto a group
  ``aft-<key>-endpoint-sg`` admitting TCP 443 from the public subnets' range 192.168.2.0/24 only
  (assumed: a hand edit narrowing the source to the wrong range), so neither private subnet is
  admitted.
- ``dns_hostnames=False`` — the VPC's DNS hostnames attribute turned off after deployment (the
  module sets it true; ``ModifyVpcAttribute`` can turn it off later, and the endpoints keep
  ``PrivateDnsEnabled``).
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"  # the AFT management account (assumed)
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2")  # this account's us-east-1a and b (assumed)
VPC_CIDR = "192.168.0.0/22"
PRIVATE_CIDRS = ("192.168.0.0/24", "192.168.1.0/24")
PUBLIC_CIDRS = ("192.168.2.0/25", "192.168.2.128/25")
PUBLIC_RANGE = "192.168.2.0/24"  # both public subnets (the stranded near miss's source)
INTERFACE_SERVICES = ("codebuild", "codecommit", "git-codecommit", "codepipeline", "servicecatalog", "lambda",
                      "kms", "logs", "events", "organizations", "states", "ssm", "sns", "sqs", "sts")
LAMBDA_FUNCTIONS = (
    "aft-account-provisioning-framework-create-aft-execution-role",
    "aft-account-provisioning-framework-tag-account",
    "aft-account-provisioning-framework-persist-metadata",
    "aft-account-provisioning-framework-account-metadata-ssm",
    "aft-account-request-audit-trigger", "aft-account-request-action-trigger", "aft-controltower-event-logger",
    "aft-account-request-processor", "aft-invoke-aft-account-provisioning-framework", "aft-cleanup-resources",
    "aft-customizations-identify-targets", "aft-customizations-execute-pipeline",
    "aft-customizations-get-pipeline-executions",
    "aft-delete-default-vpc", "aft-enroll-support", "aft-enable-cloudtrail",
    "aft-lambda-layer-codebuild-trigger")
CODEBUILD_PROJECTS = ("ct-aft-account-request", "ct-aft-account-provisioning-customizations",
                      "aft-global-customizations-terraform", "aft-account-customizations-terraform",
                      "aft-create-pipeline", "python-layer-builder-aft-common-<suffix>")
ENI_FUNCTION = "aft-account-request-audit-trigger"  # the function named in the shared ENIs' description (assumed)
ALL_OUT = (("-1", None, None, "0.0.0.0/0"), ("-1", None, None, "::/0"))


def build(*, vpc_endpoints: bool = True, builds: bool = True, stranded: str | None = None,
          dns_hostnames: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """The module with default variables; ``vpc_endpoints``: ``aft_vpc_endpoints``; ``builds``:
    two CodeBuild builds running; ``stranded``: the endpoint key moved to a group not admitting
    the private subnets; ``dns_hostnames``: the VPC attribute (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name="aft-management-vpc", dns_support=True, dns_hostnames=dns_hostnames)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc)}
    # aws_default_security_group with no rule blocks: Terraform strips the default group's rules.
    default_sg = ids["default_sg"] = b.default_group(vpc)
    b.groups[default_sg] = replace(b.groups[default_sg], rules=())
    b.tag(default_sg, {"Name": "aft-vpc-default-sg"})

    for az, (priv_cidr, pub_cidr) in enumerate(zip(PRIVATE_CIDRS, PUBLIC_CIDRS, strict=True), start=1):
        ids[f"private{az}"] = b.subnet(vpc, priv_cidr, az=az, name=f"aft-vpc-private-subnet-0{az}")
        ids[f"public{az}"] = b.subnet(vpc, pub_cidr, az=az, name=f"aft-vpc-public-subnet-0{az}")
    igw = ids["igw"] = b.igw(vpc)
    b.tag(igw, {"Name": "aft-vpc-igw"})
    for az in (1, 2):
        nat = ids[f"nat{az}"] = b.nat(ids[f"public{az}"])
        b.tag(nat, {"Name": f"aft-vpc-natgw-0{az}"})
        ids[f"private_rt{az}"] = b.route_table(vpc, subnets=[ids[f"private{az}"]], routes={"0.0.0.0/0": nat},
                                               name=f"aft-vpc-private-subnet-0{az}")
    # One public table (aft_vpc_public_subnet_01) for both public subnets.
    ids["public_rt"] = b.route_table(vpc, subnets=[ids["public1"], ids["public2"]], routes={"0.0.0.0/0": igw},
                                     name="aft-vpc-public-subnet-01")

    aft_sg = ids["aft_sg"] = b.security_group(vpc, name="aft-default-sg", egress=ALL_OUT)
    endpoint_sg = ids["endpoint_sg"] = b.security_group(
        vpc, name="aft-endpoint-sg", ingress=[("tcp", 443, 443, VPC_CIDR), ("tcp", 22, 22, VPC_CIDR)], egress=ALL_OUT)

    if vpc_endpoints:
        tables = [ids["private_rt1"], ids["private_rt2"], ids["public_rt"]]
        ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=tables)
        ids["dynamodb"] = b.gateway_endpoint(vpc, "dynamodb", route_tables=tables)
        private = [ids["private1"], ids["private2"]]
        for key in INTERFACE_SERVICES:
            group = endpoint_sg
            if key == stranded:
                group = ids["stranded_sg"] = b.security_group(
                    vpc, name=f"aft-{key}-endpoint-sg", ingress=[("tcp", 443, 443, PUBLIC_RANGE)], egress=ALL_OUT)
            ids[key] = b.interface_endpoint(vpc, key, subnets=private, groups=[group])

    # Lambda's shared Hyperplane ENIs: one per (subnet, group) the 17 functions use.
    for az in (1, 2):
        ids[f"lambda_eni{az}"] = b.workload(
            ids[f"private{az}"], groups=[aft_sg], interface_type="lambda", requester_managed=True,
            description=f"AWS Lambda VPC ENI-{ENI_FUNCTION}-7c1e9a42-3b5d-4f08-a6e2-9d40c8b1f5a{az}")
    if builds:
        for az in (1, 2):
            ids[f"build_eni{az}"] = b.workload(ids[f"private{az}"], groups=[aft_sg])
    return b.snapshot(), ids
