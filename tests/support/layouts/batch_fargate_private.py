"""AWS Batch running Fargate jobs in private subnets, behind ECR, ECS, Logs and S3 endpoints (us-east-1).

The template: terraform-aws-modules/terraform-aws-batch ``examples/fargate``, v3.1.0
(https://github.com/terraform-aws-modules/terraform-aws-batch/tree/93a3e2ec1ab003dde08e95b3da055ba040c04ca9/examples/fargate,
2026-01-08; ``main.tf`` last changed in 7781147, 2025-06-25), with its ``vpc`` and ``vpc-endpoints``
from terraform-aws-modules/terraform-aws-vpc ``~> 6.0`` (v6.6.0,
82d1929e669efef4e2ad00611b8a68e7a56e049c). Read with the AWS Batch User Guide's "Considerations for
AWS Batch" (https://docs.aws.amazon.com/batch/latest/userguide/vpc-endpoint-considerations.html):
"Jobs using Fargate resources launch type don't require the interface VPC endpoints for Amazon
ECS, but you might need interface VPC endpoints for AWS Batch, Amazon ECR, Secrets Manager, or
Amazon CloudWatch Logs"; "To allow your jobs to pull private images from Amazon ECR, you must
create the interface VPC endpoints for Amazon ECR"; "If your VPC doesn't have an internet gateway
and your jobs use the awslogs log driver … you must create an interface VPC endpoint for CloudWatch
Logs"; "The security group attached to the VPC endpoint must allow incoming connections on port
443 from the private subnet of the VPC". The ECR guide adds the S3 gateway endpoint for the layers.

The example, built as declared (``nat=True``): VPC 10.0.0.0/16 ``batch-ex-fargate``
(``"batch-ex-${basename(path.cwd)}"``), DNS support and hostnames on; private subnets
10.0.0.0/20, 10.0.16.0/20, 10.0.32.0/20 and public 10.0.48.0/24-10.0.50.0/24 in three AZs
(us-east-1a-c assumed use1-az1, az2, az4; ``map_public_ip_on_launch`` false, the module's default);
an internet gateway; one NAT gateway
(``single_nat_gateway``) in the first public subnet; the public table, one private table for the
three private subnets with 0.0.0.0/0 to the NAT gateway; the module's main table, rule-less
default group and allow-all default NACL. ``module.vpc_endpoints``: an S3 gateway endpoint on the
private table; ``ecr.api``, ``ecr.dkr`` and ``ecs`` interface endpoints in the three private
subnets with private DNS, behind ``batch-ex-fargate-vpc-endpoints-…`` ("VPC endpoint security
group"): TCP 443 from 10.0.0.0/16 and no egress (Terraform revokes AWS's default egress rule of a
group it creates, the submodule adds none). AWS's default full-access policies. Both compute
environments (``FARGATE`` and ``FARGATE_SPOT``) are given ``module.vpc_endpoints.security_group_id``
and the private subnets: the jobs carry the endpoints' group. The job definition leaves
``networkConfiguration`` out (``assignPublicIp`` ``DISABLED``), pulls
``public.ecr.aws/runecast/busybox:1.33.1`` and logs with ``awslogs``. No flow log.

The private form (``nat=False``, the layout this fixture exists for): the example with
``enable_nat_gateway = false`` (the private table keeps the local route and the S3 prefix-list
route), a ``logs`` endpoint added to the submodule's list (the guide's awslogs point), the image
in the account's private ECR repository (ECR Public has no endpoint), and each compute
environment given a group of its own, ``batch-fargate`` and ``batch-fargate-spot`` (no ingress,
egress all traffic to 0.0.0.0/0, as AWS's knowledge-center article on jobs stuck in RUNNABLE
asks), the endpoints' group unchanged.

Running jobs (``jobs``): Batch runs a Fargate job as an ECS task in its managed cluster, so the
job's interface is a Fargate task's, as in the ECS on Fargate layout: requester-managed, typed
``interface``, described ``arn:aws:ecs:us-east-1:<account>:attachment/<uuid>``, carrying the
compute environment's groups, no public IP. Jobs alternate between the two compute environments
and the private subnets; ``jobs=0`` is the stack before any job is submitted.

Near misses, each a small change to the private form: ``s3_tables="public"`` (the S3 endpoint on
``module.vpc.public_route_table_ids``: the private subnets get no S3 route);
``endpoint_source="fargate"`` (the endpoints' group admitting TCP 443 from the ``batch-fargate``
group only, while the Spot environment's jobs carry ``batch-fargate-spot``);
``ecr_dkr=False`` (the ``ecr.dkr`` endpoint left out of the list); ``job_subnets="public"``
(both environments given the public subnets, ``assignPublicIp`` left ``DISABLED``).

Left out: the job queues, scheduling policy, job definition and IAM roles (no network
resources), the NAT gateway's Elastic IP, tags other than names.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder
from builders import Rule

from layouts.tf_vpc_ipv6_only import DEFAULT_ENTRIES
from layouts.tf_vpc_module import module_defaults
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2", "use1-az4")  # this account's us-east-1a, b, c (assumed)
NAME = "batch-ex-fargate"
VPC_CIDR = "10.0.0.0/16"
PRIVATE_CIDRS = ("10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20")  # cidrsubnet(vpc_cidr, 4, k)
PUBLIC_CIDRS = ("10.0.48.0/24", "10.0.49.0/24", "10.0.50.0/24")  # cidrsubnet(vpc_cidr, 8, k + 48)
TF_SUFFIX = "20260108000000000000000001"  # the unique suffix Terraform appends to a name_prefix
ENVIRONMENTS = ("fargate", "fargate-spot")  # a_fargate, b_fargate_spot
ALL_OUT: list[Rule] = [("-1", None, None, "0.0.0.0/0")]


def example_network(b: AwsRegionBuilder, name: str, *, nat: bool) -> dict[str, str]:
    """terraform-aws-batch's examples' VPC (terraform-aws-vpc with three private and three public
    subnets, one private table), named ``name``: with one NAT gateway in the first public subnet
    when ``nat``, else private subnets without a default route. Shared by the EC2 example."""
    vpc = b.vpc(VPC_CIDR, name=name, dns_support=True, dns_hostnames=True)
    main_rt, default_sg, _ = module_defaults(b, vpc, DEFAULT_ENTRIES)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": main_rt, "default_sg": default_sg}
    for k, (private_cidr, public_cidr) in enumerate(zip(PRIVATE_CIDRS, PUBLIC_CIDRS, strict=True), start=1):
        az = f"{REGION}{'abc'[k - 1]}"
        ids[f"private{k}"] = b.subnet(vpc, private_cidr, az=k, name=f"{name}-private-{az}")
        ids[f"public{k}"] = b.subnet(vpc, public_cidr, az=k, name=f"{name}-public-{az}")
    private = [ids[f"private{k}"] for k in (1, 2, 3)]
    public = [ids[f"public{k}"] for k in (1, 2, 3)]
    ids["igw"] = b.igw(vpc)
    ids["public_rt"] = b.route_table(vpc, subnets=public, routes={"0.0.0.0/0": ids["igw"]}, name=f"{name}-public")
    private_routes = {}
    if nat:
        ids["nat"] = b.nat(ids["public1"])
        private_routes["0.0.0.0/0"] = ids["nat"]
    ids["private_rt"] = b.route_table(vpc, subnets=private, routes=private_routes, name=f"{name}-private")
    return ids


def build(*, nat: bool = True, jobs: int = 2, s3_tables: str = "private", endpoint_source: str = "vpc",
          ecr_dkr: bool = True, job_subnets: str = "private") -> tuple[Snapshot, dict[str, str]]:
    """``nat``: the example (True) or the private form (False). ``jobs``: running jobs.
    ``s3_tables``: "private" or "public"; ``endpoint_source``: "vpc" (the VPC's block) or
    "fargate" (the ``batch-fargate`` group); ``ecr_dkr``: the ecr.dkr endpoint there;
    ``job_subnets``: "private" or "public". The near-miss options apply to the private form."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    ids = example_network(b, NAME, nat=nat)
    vpc = ids["vpc"]
    private = [ids[f"private{k}"] for k in (1, 2, 3)]
    public = [ids[f"public{k}"] for k in (1, 2, 3)]

    # The compute environments' groups: the endpoints' group in the example, one each in the private form.
    if not nat:
        for env in ENVIRONMENTS:
            ids[f"{env}_sg"] = b.security_group(vpc, name=f"batch-{env}", egress=ALL_OUT)
    source = ids["fargate_sg"] if endpoint_source == "fargate" else VPC_CIDR
    endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name=f"{NAME}-vpc-endpoints-{TF_SUFFIX}",
                                                        ingress=[("tcp", 443, 443, source)], egress=[])
    b.groups[endpoint_sg] = replace(b.groups[endpoint_sg], description="VPC endpoint security group")
    if nat:
        for env in ENVIRONMENTS:
            ids[f"{env}_sg"] = endpoint_sg

    tables = [ids["public_rt"]] if s3_tables == "public" else [ids["private_rt"]]
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=tables)
    services = ["ecr.api", "ecr.dkr", "ecs"] + ([] if nat else ["logs"])
    for service in services:
        if service == "ecr.dkr" and not ecr_dkr:
            continue
        ids[service] = b.interface_endpoint(vpc, service, subnets=private, groups=[endpoint_sg])
        b.tag(ids[service], {"Name": f"{NAME}-{service}"})

    # Running jobs: Fargate task interfaces (module docstring), alternating environments and subnets.
    job_subnet_ids = public if job_subnets == "public" else private
    for n in range(jobs):
        env = ENVIRONMENTS[n % 2]
        ids[f"job{n + 1}"] = b.workload(
            job_subnet_ids[n % 3], groups=[ids[f"{env}_sg"]], requester_managed=True,
            description=f"arn:aws:ecs:{REGION}:{ACCOUNT}:attachment/3c9e1f52-7a4b-4d0e-8f16-2b5a9c7d1e{n:02d}")
    return b.snapshot(), ids
