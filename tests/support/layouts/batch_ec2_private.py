"""AWS Batch on managed EC2 compute environments in private subnets, behind ECS, ECR, Logs and S3
endpoints (us-east-1).

The template: terraform-aws-modules/terraform-aws-batch ``examples/ec2``, v3.1.0
(https://github.com/terraform-aws-modules/terraform-aws-batch/tree/93a3e2ec1ab003dde08e95b3da055ba040c04ca9/examples/ec2,
2026-01-08; ``main.tf`` last changed in 9368b72, 2026-01-08), with its ``vpc`` and ``vpc-endpoints``
from terraform-aws-modules/terraform-aws-vpc ``~> 6.0`` (v6.6.0,
82d1929e669efef4e2ad00611b8a68e7a56e049c), the network as ``batch_fargate_private`` builds the
same module calls. Read with, all current pages read 2026-12-06:

- the AWS Batch User Guide's "Considerations for AWS Batch"
  (https://docs.aws.amazon.com/batch/latest/userguide/vpc-endpoint-considerations.html): to run
  jobs "you must create the interface VPC endpoints for Amazon ECS" (the ECS guide's page), the
  ECR endpoints for private images, a Logs endpoint when the VPC "doesn't have an internet gateway
  and your jobs use the awslogs log driver"; jobs on EC2 resources need ECS agent 1.25.1 or later;
  the endpoint's group "must allow incoming connections on port 443 from the private subnet of the
  VPC";
- the ECS Developer Guide's "Amazon ECS interface VPC endpoints (AWS PrivateLink)"
  (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html):
  ``ecs-agent``, ``ecs-telemetry`` and ``ecs`` for container instances; the ECR User Guide's
  "Amazon ECR interface VPC endpoints" (https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html):
  on the EC2 launch type "both endpoints are required" and the S3 gateway endpoint serves the
  layers;
- the Batch guide's "Networking modes for AWS Batch jobs"
  (https://docs.aws.amazon.com/batch/latest/userguide/networking-modes-jobs.html): an ECS-EC2
  simple job runs in ``host`` mode, an ECS-EC2 multi-node parallel job in ``awsvpc``; and
  "Compute environment considerations for MNP"
  (https://docs.aws.amazon.com/batch/latest/userguide/mnp-ce.html): each node's container "gets
  its own elastic network interface", created "in the same VPC subnet as its host compute
  resource", using "the security groups specified in your compute environment"; MNP jobs are not
  supported on Spot compute environments.

The example, built as declared (``nat=True``): VPC 10.0.0.0/16 ``batch-ex-ec2``, DNS support and
hostnames on; private subnets 10.0.0.0/20, 10.0.16.0/20, 10.0.32.0/20 and public
10.0.48.0/24-10.0.50.0/24 in three AZs (us-east-1a-c assumed use1-az1, az2, az4); an internet
gateway; one NAT gateway (``single_nat_gateway``) in the first public subnet; one private table
with 0.0.0.0/0 to it; the module's main table, rule-less default group and allow-all default
NACL. ``module.vpc_endpoints``: an S3 gateway endpoint on the private table; ``ecr.api``,
``ecr.dkr``, ``ecs`` and ``ssm`` interface endpoints in the three private subnets with private
DNS, behind ``batch-ex-ec2-vpc-endpoints-…`` ("VPC endpoint security group"): TCP 443 from
10.0.0.0/16 and no egress (Terraform revokes AWS's default egress rule). AWS's default
full-access policies. The two managed compute environments, ``a_ec2`` (EC2, m5.large/r5.large)
and ``b_ec2_spot`` (SPOT, m4/m3/r4/r3.large), both given ``module.vpc_endpoints.security_group_id``
and the private subnets; each keeps ``min_vcpus = 4`` (``desired_vcpus = 4``), so instances run
before any job: assumed two 2-vCPU instances each (m5.large, m4.large), spread over the private
subnets in turn. The unmanaged environment launches nothing. The job definition (``host`` mode,
``public.ecr.aws/runecast/busybox:1.33.1``, ``awslogs``) gives its jobs no interface. No flow log.

The private form (``nat=False``): the example with ``enable_nat_gateway = false`` (the private
table keeps the local route and the S3 prefix-list route); the endpoint list given the two ECS
endpoints the ECS guide adds (``ecs-agent``, ``ecs-telemetry``) and ``logs`` (the Batch guide's
awslogs point); the image in the account's private ECR repository (ECR Public has no endpoint);
each managed environment given a group of its own, ``batch-ec2`` and ``batch-ec2-spot`` (no
ingress, all traffic out to 0.0.0.0/0), the endpoints' group unchanged.

The interfaces, as DescribeNetworkInterfaces would report them:

- each instance's primary interface: ``InterfaceType`` ``interface``, not requester-managed
  (Batch launches the instances into the account; assumed), no description (assumed), no tags
  (the environment's ``tags`` go to the instances; whether to their interfaces is not documented,
  assumed not), attached to its instance, in the environment's groups, no public address
  (``map_public_ip_on_launch`` false);
- ``mnp_nodes`` > 0: a multi-node parallel job (``type = "multinode"``, a job definition added to
  the example's, submitted to ``HighPriorityEc2``, which runs on ``a_ec2`` only) with one node
  per on-demand instance in turn; each node's task interface as ECS reports an awsvpc task's on
  EC2 without ENI trunking ("Task networking with the awsvpc network mode": visible in the
  account, "they cannot be detached manually or modified by your account"): ``interface``,
  requester-managed, described ``arn:aws:ecs:us-east-1:<account>:attachment/<uuid>``, attached to
  its host instance, in its host's subnet and in the compute environment's groups (the MNP page).
  ENI trunking is an ECS account setting Batch documents nothing about: assumed off.

Near misses, each a change to the private form: ``leave_out`` (endpoints dropped from the list:
``("ecs-agent",)``; ``("ecs-agent", "ecs-telemetry")``, the example's own ECS endpoint list);
``endpoint_source`` ("vpc"; "ec2": the endpoints' group admitting TCP 443 from ``batch-ec2``
alone, the group of the environment the MNP job runs in; "spot": from ``batch-ec2-spot`` alone);
``s3_gateway=False`` (no S3 gateway endpoint).

Left out: the job queues, scheduling policy, job definitions, launch templates and IAM roles (no
network resources), the unmanaged environment, the NAT gateway's Elastic IP, tags other than
names. The MNP page's advice of a cluster placement group in one AZ is not followed (the example
has none).
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder
from builders import Rule

from layouts.batch_fargate_private import example_network
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2", "use1-az4")  # this account's us-east-1a, b, c (assumed)
NAME = "batch-ex-ec2"
VPC_CIDR = "10.0.0.0/16"
PRIVATE_CIDRS = ("10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20")  # cidrsubnet(vpc_cidr, 4, k)
PUBLIC_CIDRS = ("10.0.48.0/24", "10.0.49.0/24", "10.0.50.0/24")  # cidrsubnet(vpc_cidr, 8, k + 48)
TF_SUFFIX = "20260108000000000000000001"  # the unique suffix Terraform appends to a name_prefix
ENVIRONMENTS = ("ec2", "ec2-spot")  # a_ec2, b_ec2_spot
INSTANCES_PER_ENVIRONMENT = 2  # min_vcpus = 4 over 2-vCPU instance types (assumed)
EXAMPLE_SERVICES = ("ecr.api", "ecr.dkr", "ecs", "ssm")  # the example's toset([...])
PRIVATE_SERVICES = (*EXAMPLE_SERVICES, "ecs-agent", "ecs-telemetry", "logs")
ALL_OUT: list[Rule] = [("-1", None, None, "0.0.0.0/0")]


def _attachment(n: int) -> str:
    """The description ECS gives an awsvpc task's interface: its attachment's ARN (a made-up uuid)."""
    return f"arn:aws:ecs:{REGION}:{ACCOUNT}:attachment/7d2f4a91-1c3e-4b5a-9e8f-6a0b2c4d6e{n:02d}"


def build(*, nat: bool = True, mnp_nodes: int = 2, leave_out: tuple[str, ...] = (), endpoint_source: str = "vpc",
          s3_gateway: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """``nat``: the example (True) or the private form (False). ``mnp_nodes``: nodes of the running
    multi-node parallel job (0: host-mode jobs only). ``leave_out``: interface endpoints dropped;
    ``endpoint_source``: "vpc" (the VPC's block), "ec2" or "spot" (one environment's group);
    ``s3_gateway``: the S3 gateway endpoint there. The near-miss options apply to the private form."""
    if mnp_nodes > INSTANCES_PER_ENVIRONMENT:
        raise ValueError("one MNP node per on-demand instance")
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    ids = example_network(b, NAME, nat=nat)
    vpc = ids["vpc"]
    private = [ids[f"private{k}"] for k in (1, 2, 3)]

    # The compute environments' groups: the endpoints' group in the example, one each in the private form.
    if not nat:
        for env in ENVIRONMENTS:
            ids[f"{env}_sg"] = b.security_group(vpc, name=f"batch-{env}", egress=ALL_OUT)
    source = {"vpc": VPC_CIDR, "ec2": ids.get("ec2_sg"), "spot": ids.get("ec2-spot_sg")}[endpoint_source]
    if source is None:
        raise ValueError("endpoint_source names a group of the private form")
    endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name=f"{NAME}-vpc-endpoints-{TF_SUFFIX}",
                                                        ingress=[("tcp", 443, 443, source)], egress=[])
    b.groups[endpoint_sg] = replace(b.groups[endpoint_sg], description="VPC endpoint security group")
    if nat:
        for env in ENVIRONMENTS:
            ids[f"{env}_sg"] = endpoint_sg

    if s3_gateway:
        ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids["private_rt"]])
        b.tag(ids["s3"], {"Name": f"{NAME}-s3"})
    for service in EXAMPLE_SERVICES if nat else PRIVATE_SERVICES:
        if service in leave_out:
            continue
        ids[service] = b.interface_endpoint(vpc, service, subnets=private, groups=[endpoint_sg])
        b.tag(ids[service], {"Name": f"{NAME}-{service}"})

    # The instances each managed environment keeps running (min_vcpus), over the private subnets in turn.
    n = 0
    for env in ENVIRONMENTS:
        for k in range(INSTANCES_PER_ENVIRONMENT):
            instance = ids[f"{env}_instance{k}"] = b.new_id("i")
            eni = ids[f"{env}_host{k}"] = b.workload(private[n % 3], groups=[ids[f"{env}_sg"]])
            b.enis[eni] = replace(b.enis[eni], instance_id=instance)
            n += 1
    # The multi-node parallel job's nodes on the on-demand instances: awsvpc task interfaces.
    for k in range(mnp_nodes):
        host = b.enis[ids[f"ec2_host{k}"]]
        node = ids[f"node{k}"] = b.workload(host.subnet_id or "", groups=list(host.group_ids), requester_managed=True,
                                            description=_attachment(k))
        b.enis[node] = replace(b.enis[node], instance_id=host.instance_id)
    return b.snapshot(), ids
