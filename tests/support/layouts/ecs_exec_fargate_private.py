"""An Amazon ECS service on Fargate with ECS Exec turned on, in private subnets of three AZs without
internet access, us-west-2.

Sources:

- the Amazon ECS Developer Guide, "Monitor Amazon ECS containers with ECS Exec" (current page
  https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html, read 2026-12-06;
  ``doc_source/ecs-exec.md`` of awsdocs/amazon-ecs-developer-guide at commit
  021abe8ca185a054dea7bab21e631f9461e05bd6): ECS Exec runs Session Manager's agent, bind-mounted
  into the container and started by the Fargate agent, inside the task; the task role needs the
  four ``ssmmessages`` channel actions and nothing else of SSM; with interface VPC endpoints, the
  Session Manager endpoint must exist (the troubleshooting list names "an interface Amazon VPC
  endpoint for Amazon ECS, but … not one for Systems Manager Session Manager" as a cause of "The
  execute command failed"), and the KMS endpoint too when sessions are encrypted with a KMS key;
  session logging (``executeCommandConfiguration.logging``) writes to the ``awslogs`` driver's
  destination (``DEFAULT``) or to a named log group and/or S3 bucket (``OVERRIDE``), the task
  role then holding ``logs:`` or ``s3:PutObject`` permissions — calls made from the task;
  Fargate needs platform version 1.4.0 or later;
- the same guide's "Amazon ECS interface VPC endpoints" (current page
  https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html, read 2026-12-06;
  ``doc_source/vpc-endpoints.md`` at the same commit): Fargate tasks need no ECS endpoint; ECR's
  interface endpoints, and the S3 gateway endpoint without an internet gateway; a CloudWatch Logs
  endpoint for ``awslogs`` without an internet gateway; "If you use the ECS Exec feature, you need
  to create the interface VPC endpoints for Systems Manager Session Manager"; the endpoints' group
  must admit TCP 443;
- the Amazon ECR User Guide, "Amazon ECR interface VPC endpoints" (current page
  https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html, read 2026-12-06;
  awsdocs/amazon-ecr-user-guide at 1e8d7c3ff7874609fcc8561366be5851583eb4c7,
  ``doc_source/vpc-endpoints.md``): Fargate platform 1.4.0 needs ``ecr.dkr``, ``ecr.api`` and the
  S3 gateway endpoint; its "minimum Amazon S3 bucket permissions" policy for that endpoint allows
  ``s3:GetObject`` on ``arn:aws:s3:::prod-<region>-starport-layer-bucket/*`` to ``Principal *``;
- aws-containers/amazon-ecs-exec-checker at commit b31bb8c65f76d580f94d314ac202ae92052e57ee
  (``README.md`` item 17, ``check-ecs-exec.sh`` check 10): in a task VPC holding any VPC endpoint
  the one endpoint it looks for is ``com.amazonaws.<region>.ssmmessages`` ("you need to configure
  an additional SSM PrivateLink" without outbound internet connectivity);
- aws-ia/ecs-blueprints at commit 9c87b66843044d8c9f77ed68690c0e1d6aa09a87:
  ``terraform/fargate-examples/backend-service/main.tf`` (``ecsdemo-backend``,
  ``enable_execute_command = true``, three tasks in the private subnets, its group admitting TCP
  3000 from ``0.0.0.0/0`` and sending everything), ``core-infra/main.tf`` (VPC 10.0.0.0/16,
  private subnets ``cidrsubnet(…, 8, k + 10)`` in three AZs) and ``vpc-endpoints/main.tf`` (the
  private subnets' interface endpoints with private DNS behind ``core-infra-vpc-endpoints-``,
  which admits HTTPS from the VPC's CIDR; the S3 gateway endpoint on the private table). Its
  endpoint list is ``ecr.api, ecr.dkr, ecs, ecs-telemetry, ecs-agent, sqs, logs, ssm,
  secretsmanager`` — no ``ssmmessages``: the blueprint's network keeps a single NAT gateway, which
  carries the exec channel. Here, after the ECS guide, no NAT, and of the endpoints only what these
  tasks call: ``ecr.api``, ``ecr.dkr``, ``logs`` and ``ssmmessages``;
- terraform-aws-modules/terraform-aws-ecs v5.12.1 (commit
  3bc8d1d434f2cd841e600b3a1a9fbddea670d768), the modules the blueprint pins (``~> 5.6``):
  ``modules/service`` adds the ``ECSExec`` statement (the four ``ssmmessages`` actions) to the
  tasks role when ``enable_execute_command``; ``modules/cluster`` creates ``/aws/ecs/<cluster>``
  and sets ``execute_command_configuration`` to ``logging = "OVERRIDE"`` into that log group, with
  no KMS key and no S3 bucket — so the sessions' logs go to CloudWatch Logs, through ``logs``.

What DescribeNetworkInterfaces shows of the tasks, as the other ECS on Fargate layouts model it:
one interface per task (Session Manager's agent runs in the task and shares its ``awsvpc``
interface), ``InterfaceType`` ``interface`` (botocore's ``NetworkInterfaceType`` has no ECS
value), ``RequesterManaged`` true, described ``arn:aws:ecs:us-west-2:<account>:attachment/<uuid>``,
in the service's group, ``in-use``, on no instance of the account, no public address
(``assignPublicIp`` ``DISABLED``), no tags (assumed, as there). Nothing else of ECS is in the
snapshot: the service's ``enableExecuteCommand``, the cluster's ``executeCommandConfiguration``
and the task role are ECS and IAM records, not network ones. The blueprint's image
(``public.ecr.aws/…``) is assumed copied to the account's private ECR (ECR Public is not served
by the ``ecr.*`` endpoints).

Built (``build()``): VPC 10.0.0.0/16 ``core-infra``, DNS support and hostnames on; private subnets
10.0.10-12.0/24 in us-west-2a, b, c (AZ IDs usw2-az1, az2, az3 assumed) on one table
``core-infra-private`` with no route beyond the VPC; the default NACL. Interface endpoints
``ecr.api``, ``ecr.dkr``, ``logs`` and ``ssmmessages`` in the three subnets, private DNS on, AWS's
default policy, behind ``core-infra-vpc-endpoints`` (TCP 443 from 10.0.0.0/16); the S3 gateway
endpoint on the table, default policy. ``ecsdemo-backend``: TCP 3000 from anywhere, all traffic
out; three tasks, one per subnet.

Near misses:

- ``exec_endpoint=False``: no ``ssmmessages`` endpoint (the blueprint's own list, without its
  NAT gateway): the tasks' agents cannot open their control channel, and ``execute-command``
  fails;
- ``exec_endpoint_group="default"``: the ``ssmmessages`` endpoint added later by hand without a
  group, so it gets the VPC's default group, which admits its own members only;
- ``s3_policy="ecr-layers"``: the cluster logging sessions to an S3 bucket
  (``s3BucketName``, added to the module's ``execute_command_configuration``) while the S3
  gateway endpoint carries the ECR guide's minimum policy, which allows ``s3:GetObject`` on
  ``prod-us-west-2-starport-layer-bucket`` only: image layers still arrive, the session logs'
  ``PutObject`` is refused by the endpoint (what the session does when its log upload fails is
  not documented: assumed it still opens, the log lost).

Left out: the cluster, task definition, IAM roles, the log group, the Cloud Map DNS namespace of
the blueprint (its Route 53 zone changes no finding here), tags other than names.
"""

from __future__ import annotations

import json

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-west-2"
AZ_IDS = ("usw2-az1", "usw2-az2", "usw2-az3")  # this account's us-west-2a, b, c (assumed)
NAME = "core-infra"
VPC_CIDR = "10.0.0.0/16"
SERVICE_PORT = 3000  # ecsdemo-backend's containerPort
ALL_OUT = ("-1", None, None, "0.0.0.0/0")
INTERFACES = ("ecr.api", "ecr.dkr", "logs", "ssmmessages")
# The ECR guide's "minimum Amazon S3 bucket permissions" endpoint policy: image layers only.
ECR_LAYERS_ONLY = json.dumps({"Statement": [{
    "Sid": "Access-to-specific-bucket-only", "Principal": "*", "Action": ["s3:GetObject"], "Effect": "Allow",
    "Resource": [f"arn:aws:s3:::prod-{REGION}-starport-layer-bucket/*"]}]})
# Task attachments (uuids assumed).
ATTACHMENT = f"arn:aws:ecs:{REGION}:{ACCOUNT}:attachment/9b3d5f71-2c4e-4a86-b0d1-6e8f2a4c7b{{n:02d}}"


def build(*, exec_endpoint: bool = True, exec_endpoint_group: str = "endpoints",
          s3_policy: str = "default") -> tuple[Snapshot, dict[str, str]]:
    """The layout; the keyword arguments are the near misses of the module docstring."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    ids = {"vpc": vpc}
    subnets = [b.subnet(vpc, f"10.0.{10 + k}.0/24", az=k + 1, name=f"{NAME}-private-{REGION}{'abc'[k]}")
               for k in range(3)]
    ids |= {f"private{k}": subnet for k, subnet in enumerate(subnets, start=1)}
    route_table = ids["private_rt"] = b.route_table(vpc, subnets=subnets, name=f"{NAME}-private")

    task_sg = ids["task_sg"] = b.security_group(
        vpc, name="ecsdemo-backend", ingress=[("tcp", SERVICE_PORT, SERVICE_PORT, "0.0.0.0/0")], egress=[ALL_OUT])
    endpoint_sg = ids["endpoint_sg"] = b.security_group(
        vpc, name=f"{NAME}-vpc-endpoints", ingress=[("tcp", 443, 443, VPC_CIDR)])
    ids["default_sg"] = b.default_group(vpc)

    for key in INTERFACES:
        if key == "ssmmessages" and not exec_endpoint:
            continue
        group = ids["default_sg"] if key == "ssmmessages" and exec_endpoint_group == "default" else endpoint_sg
        ids[key] = b.interface_endpoint(vpc, key, subnets=subnets, groups=[group])
    policy = {"default": None, "ecr-layers": ECR_LAYERS_ONLY}[s3_policy]
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[route_table], **({"policy": policy} if policy else {}))

    for k, subnet in enumerate(subnets, start=1):
        ids[f"task{k}"] = b.workload(subnet, groups=[task_sg], requester_managed=True,
                                     description=ATTACHMENT.format(n=k))
    return b.snapshot(), ids
