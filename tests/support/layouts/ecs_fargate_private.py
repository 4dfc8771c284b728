"""ECS on Fargate in private subnets without NAT, pulling from ECR through VPC endpoints (us-east-1).

https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html
https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html
https://aws.amazon.com/blogs/compute/setting-up-aws-privatelink-for-amazon-ecs-and-amazon-ecr/

What the ECS and ECR guides prescribe for Fargate tasks (platform 1.4.0) with no internet path:
a VPC (10.0.0.0/16) with a private subnet in each of two AZs and one route table without a
default route; interface endpoints with private DNS for ecr.dkr, ecr.api and CloudWatch Logs
(the awslogs driver) in both subnets, their security group admitting HTTPS from the tasks'
security group; an S3 gateway endpoint on the route table for the image layers. ``tasks``
tasks run in the subnets (``tasks=0``: the network stack deployed before the service, the usual
IaC order); a Fargate task's ENI is a requester-managed interface carrying the task group
(``tasks_in_default_group``: the service was deployed with the VPC's default group instead).
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"


def build(tasks: int = 2, *, tasks_in_default_group: bool = False) -> tuple[Snapshot, dict[str, str]]:
    b = AwsRegionBuilder(ACCOUNT, "us-east-1", ("use1-az1", "use1-az2"))
    vpc = b.vpc("10.0.0.0/16", name="fargate-private")
    subnets = [b.subnet(vpc, f"10.0.{az}.0/24", az=az, name=f"fargate-private-{az}") for az in (1, 2)]
    route_table = b.route_table(vpc, subnets=subnets, name="fargate-private")
    task_sg = b.security_group(vpc, name="fargate-tasks")
    endpoint_sg = b.security_group(vpc, name="vpc-endpoints", ingress=[("tcp", 443, 443, task_sg)])
    ids = {"vpc": vpc, "task_sg": task_sg, "endpoint_sg": endpoint_sg}
    for key in ("ecr.dkr", "ecr.api", "logs"):
        ids[key] = b.interface_endpoint(vpc, key, subnets=subnets, groups=[endpoint_sg])
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[route_table])
    for n in range(tasks):
        groups = [b.default_group(vpc)] if tasks_in_default_group else [task_sg]
        b.workload(subnets[n % 2], groups=groups, requester_managed=True,
                   description=f"arn:aws:ecs:us-east-1:{ACCOUNT}:attachment/0f2e4c6a-8b1d-4e3f-9a5c-7d6b8e9f0a{n:02d}")
    return b.snapshot(), ids
