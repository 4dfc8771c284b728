"""ECS on Fargate in private subnets without internet access, pulling public images through Amazon
ECR pull through cache rules and the ECR VPC endpoints (us-east-1).

Sources:

* Amazon ECR User Guide, "Sync an upstream registry with an Amazon ECR private registry"
  (https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html) and "IAM
  permissions required to sync an upstream registry with an Amazon ECR private registry"
  (https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html), current
  pages, read 2026-12-06; the same text in the guide's former GitHub source, awsdocs/amazon-ecr-user-guide
  at commit 1e8d7c3ff7874609fcc8561366be5851583eb4c7, doc_source/pull-through-cache.md. The client
  pulls ``<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<upstream repository>:<tag>``; on the
  first pull ECR creates the repository and fetches the image from the upstream registry itself ("the
  image pulls are initiated by AWS IP addresses"), later pulls are served from the cache (ECR
  re-checks upstream at most once per 24 hours). The puller needs, beside the ordinary pull
  permissions, ``ecr:BatchImportUpstreamImage`` and — when the repository does not exist yet —
  ``ecr:CreateRepository``, granted by an identity policy or the registry permissions policy.
* Amazon ECR User Guide, "Amazon ECR interface VPC endpoints (AWS PrivateLink)"
  (https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html), current page, read
  2026-12-06; awsdocs/amazon-ecr-user-guide at 1e8d7c3ff7874609fcc8561366be5851583eb4c7,
  doc_source/vpc-endpoints.md. Fargate platform 1.4.0 needs ``ecr.dkr``, ``ecr.api`` and the S3
  gateway endpoint (layers are objects of ``arn:aws:s3:::prod-<region>-starport-layer-bucket/*``;
  the "minimum Amazon S3 bucket permissions" policy allows ``s3:GetObject`` on them to
  ``Principal *``); the endpoints' group must admit 443 from the private subnets; ECR Public is not
  served by the endpoints ("Consider using a pull through cache rule"); and the first image pulled
  through a pull through cache rule, when ECR is reached through interface endpoints, needs a NAT
  gateway in a public subnet of the same VPC with the private subnets' internet traffic routed to
  it — "Subsequent image pulls don't require this". The page's example endpoint policy allows a
  role ``ecr:BatchGetImage``, ``ecr:GetDownloadUrlForLayer`` and ``ecr:GetAuthorizationToken`` and
  recommends one policy for both ECR endpoints.
* terraform-aws-modules/terraform-aws-ecr, examples/complete/main.tf at commit
  850ddb0a35188785b3dee3e64ad8833175f7376e: ``registry_pull_through_cache_rules`` with
  ``ecr_repository_prefix = "ecr-public"`` and ``upstream_registry_url = "public.ecr.aws"``
  (registry settings only: no network).

What was built (the network of tests/support/layouts/ecs_fargate_private.py, which the ECS and ECR
guides prescribe for Fargate tasks without an internet path): VPC 10.0.0.0/16, private subnets
10.0.1.0/24 (use1-az1) and 10.0.2.0/24 (use1-az2) on one route table with the local route only (no
internet gateway, no NAT gateway); interface endpoints ``ecr.dkr``, ``ecr.api`` and ``logs`` (the
awslogs driver) in both subnets, private DNS on, behind ``vpc-endpoints`` admitting TCP 443 from
``ptc-tasks``; the S3 gateway endpoint on the route table. Two tasks (one per subnet) in
``ptc-tasks`` (no ingress, AWS's default egress) run images named by the pull through cache prefix
(``ecr-public/…``).

Assumptions:

* The pull through cache rules, the registry permissions policy, the task execution role and the
  cached repositories are not in the snapshot (vpcaudit collects no ECR registry settings); the
  execution role is assumed to hold ``ecr:BatchImportUpstreamImage`` and ``ecr:CreateRepository``.
  Whether the first pull has been made (the cache seeded from a network with an internet route, as
  third-party guides advise) is not recorded either.
* A Fargate task's interface (awsvpc), as DescribeNetworkInterfaces reports it: InterfaceType
  ``interface`` (botocore's NetworkInterfaceType enum has no ECS value), RequesterManaged true,
  Description the ECS attachment ARN
  (``arn:aws:ecs:us-east-1:<account>:attachment/<uuid>``), no tags, its security groups the
  task's, no public IP. An interface endpoint's interfaces: InterfaceType ``vpc_endpoint``,
  RequesterManaged true, Description ``VPC Endpoint Interface <vpce-id>``, the endpoint's groups.
* Endpoint policies are AWS's default full access unless a variant says otherwise.

Near misses (keyword options):

* ``ecr_policy="pull_only"``: both ECR endpoints carry one policy — ``Principal *`` scoped by
  ``aws:PrincipalAccount`` to this account, allowing ``ecr:GetAuthorizationToken``,
  ``ecr:BatchCheckLayerAvailability``, ``ecr:GetDownloadUrlForLayer`` and ``ecr:BatchGetImage``
  (the guide's example pull actions, written for the whole account) — and nothing for
  ``ecr:BatchImportUpstreamImage`` or ``ecr:CreateRepository``. Whether ECR checks those two
  implicit permissions against the endpoint policy of the endpoint the pull came through is not
  documented (assumed: it might).
* ``s3_policy="own_buckets"``: the S3 gateway endpoint allows this account's principals
  (``aws:PrincipalAccount``) everything on the application's own buckets only
  (``arn:aws:s3:::ptc-app-*``), without the layer bucket; ``s3_policy="layers"``: the guide's
  minimum policy (``s3:GetObject`` on the layer bucket, ``Principal *``).
* ``ecr_dkr=False``: the ``ecr.dkr`` endpoint was left out (only ``ecr.api`` and ``logs``).
"""

from __future__ import annotations

import json

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
LAYERS = f"arn:aws:s3:::prod-{REGION}-starport-layer-bucket/*"
PULL_ACTIONS = ("ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer",
                "ecr:BatchGetImage")
ECR_PULL_ONLY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Sid": "AllowPullByThisAccount", "Effect": "Allow", "Principal": "*", "Action": list(PULL_ACTIONS),
    "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}}]})
S3_POLICIES = {
    "own_buckets": json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "OwnBucketsOnly", "Effect": "Allow", "Principal": "*", "Action": "s3:*",
        "Resource": ["arn:aws:s3:::ptc-app-*", "arn:aws:s3:::ptc-app-*/*"],
        "Condition": {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}}]}),
    "layers": json.dumps({"Statement": [{
        "Sid": "Access-to-specific-bucket-only", "Principal": "*", "Action": ["s3:GetObject"], "Effect": "Allow",
        "Resource": [LAYERS]}]}),
}


def build(*, ecr_policy: str = "full", s3_policy: str = "full",
          ecr_dkr: bool = True) -> tuple[Snapshot, dict[str, str]]:
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    vpc = b.vpc("10.0.0.0/16", name="ptc-private")
    subnets = [b.subnet(vpc, f"10.0.{az}.0/24", az=az, name=f"ptc-private-{az}") for az in (1, 2)]
    route_table = b.route_table(vpc, subnets=subnets, name="ptc-private")
    task_sg = b.security_group(vpc, name="ptc-tasks")
    endpoint_sg = b.security_group(vpc, name="vpc-endpoints", ingress=[("tcp", 443, 443, task_sg)])
    ids = {"vpc": vpc, "route_table": route_table, "task_sg": task_sg, "endpoint_sg": endpoint_sg}
    ecr_document = ECR_PULL_ONLY if ecr_policy == "pull_only" else None
    for key in (("ecr.dkr",) if ecr_dkr else ()) + ("ecr.api", "logs"):
        kwargs = {"policy": ecr_document} if ecr_document and key.startswith("ecr.") else {}
        ids[key] = b.interface_endpoint(vpc, key, subnets=subnets, groups=[endpoint_sg], **kwargs)
    s3_kwargs = {"policy": S3_POLICIES[s3_policy]} if s3_policy != "full" else {}
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[route_table], **s3_kwargs)
    for n in range(2):
        ids[f"task{n}"] = b.workload(
            subnets[n], groups=[task_sg], requester_managed=True,
            description=f"arn:aws:ecs:{REGION}:{ACCOUNT}:attachment/5c1e7a2b-3d4f-4a6b-8c9d-0e1f2a3b4c{n:02d}")
    return b.snapshot(), ids
