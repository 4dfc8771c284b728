"""Amazon ElastiCache (Redis OSS, cluster mode) in private subnets, used by AWS Lambda functions in
the same VPC, with a Secrets Manager interface endpoint for the cache user's password (us-east-1).

The cache: terraform-aws-modules/terraform-aws-elasticache ``examples/redis-cluster-mode`` at v1.10.3
(https://github.com/terraform-aws-modules/terraform-aws-elasticache/blob/3e17c95a0b932ed162839a1aeaf0a2bfb436ac6a/examples/redis-cluster-mode/main.tf,
2025-10-21, the repository's head; the example's ``main.tf`` last changed in dad273b, 2023-12-03),
with the module's ``main.tf`` and ``variables.tf`` at the same commit and its ``vpc`` from
terraform-aws-modules/terraform-aws-vpc ``~> 5.0``, read at v5.21.0
(7c1f791efd61f326ed6102d564d1a65d1eceedf0), the newest release of that range. The functions: the
ElastiCache User Guide's "Tutorial: Configuring a Lambda function to access Amazon ElastiCache in an
Amazon VPC" ("When you create the Lambda function, you provide subnet IDs in your Amazon VPC and a
VPC security group to allow the Lambda function to access resources in your VPC"; as last published
in the guide's source repository, awsdocs/amazon-elasticache-docs
``doc_source/memcache/Lambda*.md`` at cd70d38, 2023-04-10) and its "Access patterns for accessing an
ElastiCache cluster in an Amazon VPC" (same repository, ``doc_source/redis/elasticache-vpc-accessing.md``:
a group for the cluster allowing TCP on the cluster's port, 6379 by default, from the clients).

What the audit sees of the example (``local.name`` is ``"ex-${basename(path.cwd)}"``,
``ex-redis-cluster-mode``; ``local.tags`` carries ``Name`` too, and since terraform-aws-vpc merges
``var.tags`` after its own ``Name``, every resource of the VPC module is named after the example):

- VPC 10.0.0.0/16, DNS support and hostnames on (the module's defaults); public subnets
  ``cidrsubnet(vpc_cidr, 8, k)`` (10.0.0-2.0/24) and private subnets ``cidrsubnet(vpc_cidr, 8,
  k + 10)`` (10.0.10-12.0/24) in the Region's first three AZs (here AZ IDs use1-az1, use1-az2,
  use1-az4, assumed); ``map_public_ip_on_launch`` false (v5's default); an internet gateway and
  one public route table (0.0.0.0/0 to it); ``enable_nat_gateway`` false, so three private route
  tables (``nat_gateway_count`` is the subnet count), local route only. The module's main route
  table (no routes), default group (no rules) and default NACL (allow all), as in the other
  terraform-aws-vpc layouts. No flow log.
- ``module.elasticache``: replication group ``ex-redis-cluster-mode``, cluster mode, two node groups
  of a primary and three replicas (``num_node_groups = 2``, ``replicas_per_node_group = 3``),
  ``multi_az_enabled``, port 6379 (the module's ``local.port``), in-transit encryption (the module's
  default), a subnet group of the private subnets, and the group the module creates
  (``create_security_group`` default true; ``name_prefix`` ``ex-redis-cluster-mode-``; description
  null, so the provider's "Managed by Terraform"): one rule, ``ingress_vpc``, TCP 6379 (the
  module's ``from_port``/``to_port`` default, the engine port) from ``module.vpc.vpc_cidr_block``
  (10.0.0.0/16), "VPC traffic"; no egress rule (``aws_security_group`` revokes the one AWS adds,
  and the example declares none). The user group (RBAC: ``moe`` with a password, ``larry`` with
  IAM authentication) has no network presence.

What DescribeNetworkInterfaces reports (botocore's ec2 model, ``NetworkInterface``):

- the cache nodes, one interface each, eight in all: InterfaceType ``interface``, Description
  ``ElastiCache <cache cluster id>`` (``ex-redis-cluster-mode-0001-001`` … ``-0002-004``: a
  replication group's member clusters are named ``<group>-<node group>-<node>``), the module's
  group. The description is what public dumps of accounts' interfaces show (``ElastiCache
  gen2-redis``, ``ElastiCache redis-001``, typed ``interface``, attached to no instance) and what
  public ENI inventories match ElastiCache on (``desc.startswith("ElastiCache")``, one of them
  also on RequesterId ``amazon-elasticache``). AWS documents neither the description nor the
  requester; assumed RequesterManaged true with RequesterId ``amazon-elasticache``, and
  ``cache_requester=None`` builds the other reading (not requester-managed, no RequesterId). AZs:
  ElastiCache places the nodes (``preferred_cache_cluster_azs`` unset); assumed node ``k`` of node
  group ``g`` in the private subnet of AZ number ``(g + k) mod 3 + 1``, so that each node group
  spans the three AZs, as Multi-AZ asks for replicas outside the primary's AZ.
- the functions' Hyperplane ENIs, one per subnet for the subnet and group pair the functions
  share, present from the functions' creation: InterfaceType ``lambda``, Description ``AWS Lambda
  VPC ENI-<function>-<uuid>``, the functions' group. Not requester-managed, with an opaque
  ``<role id>:<session>`` RequesterId, as public dumps show them (the reading of
  ``apigw_private_api``; an inventory's test notes "A Lambda-in-VPC ENI reports
  RequesterManaged=False + InterfaceType='lambda'. Observed live").

Put to use (``functions=True``, the canonical form): the example builds no client. Two functions
(``ex-redis-cluster-mode-reader`` and ``-writer``, assumed) in ``module.vpc.private_subnets`` with
a group of their own, as the tutorial and the Lambda console make it: no ingress rule, AWS's
default egress (all traffic to 0.0.0.0/0). They authenticate as ``moe``, whose password they read
from Secrets Manager (assumed; the example writes the password inline). With no NAT gateway, that
needs a ``secretsmanager`` interface endpoint (the Lambda Developer Guide's "Connecting to
interface VPC endpoints"), here from terraform-aws-vpc's ``vpc-endpoints`` submodule as the other
layouts build it: private DNS on, in the private subnets, behind a group admitting TCP 443 from
``module.vpc.vpc_cidr_block`` ("HTTPS from VPC"), no policy (AWS's default full access). No
``logs`` or ``sts`` endpoint: "Lambda automatically captures logs for all function invocations
and sends them to CloudWatch Logs" (the service does, not the function's interface), the
execution role's credentials come with the runtime environment, and ``larry``'s IAM token is a
SigV4 presigned request signed locally ("generate the short-lived IAM authentication token using
an AWS SigV4 pre-signed request", ``doc_source/redis/auth-iam.md``).

Near misses: ``endpoint_source="cache-sg"`` (the endpoint's group admits 443 only from the cache's
group, a tired reading of "allow the cache's clients": the functions are refused);
``function_tier="secondary"`` (``secondary_cidr_blocks = ["10.1.0.0/16"]`` and the functions in
``intra_subnets`` 10.1.0-2.0/24 of it, one ``<name>-intra`` route table, local routes only; the
cache's group and the endpoint's still admit ``vpc_cidr_block``, the primary block alone);
``function_azs``/``endpoint_azs`` (the functions and the endpoint in one AZ, the cache across
three).
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder

from layouts.eks_blueprints_private import DEFAULT_ENTRIES
from layouts.tf_vpc_module import module_defaults
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
NAME = "ex-redis-cluster-mode"  # "ex-${basename(path.cwd)}"
TAGS = {"Name": NAME, "Example": NAME, "Repository": "https://github.com/terraform-aws-modules/terraform-aws-elasticache"}
AZ_IDS = ("use1-az1", "use1-az2", "use1-az4")  # this account's us-east-1a, b, c (assumed)
VPC_CIDR = "10.0.0.0/16"
SECONDARY_CIDR = "10.1.0.0/16"
REDIS_PORT = 6379  # the module's local.port for every engine but memcached
NODE_GROUPS, NODES_PER_GROUP = 2, 4  # num_node_groups; replicas_per_node_group + the primary
TF_SUFFIX = "20260101000000000000000001"  # the unique suffix Terraform appends to a name_prefix
CACHE_REQUESTER_ID = "amazon-elasticache"
FUNCTIONS = (f"{NAME}-reader", f"{NAME}-writer")
ROLE_ID = "AROAYQ3JKW7ECACHE4LMB"  # the functions' execution role's unique id (assumed)


def cache_clusters() -> list[tuple[str, int]]:
    """The replication group's member clusters, ``(id, AZ number)``: node ``k`` of node group ``g``
    in AZ number ``(g + k) mod 3 + 1`` (assumed placement)."""
    return [(f"{NAME}-{g:04d}-{k:03d}", (g + k) % 3 + 1)
            for g in range(1, NODE_GROUPS + 1) for k in range(1, NODES_PER_GROUP + 1)]


def build(*, functions: bool = True, endpoint_source: str = "vpc", function_tier: str = "private",
          function_azs: tuple[int, ...] = (1, 2, 3), endpoint_azs: tuple[int, ...] = (1, 2, 3),
          cache_requester: str | None = CACHE_REQUESTER_ID) -> tuple[Snapshot, dict[str, str]]:
    """``functions``: False is the example as published (no function, no endpoint). ``endpoint_source``:
    "vpc" (443 from the VPC's primary block) or "cache-sg" (443 from the cache's group).
    ``function_tier``: "private" or "secondary" (intra subnets in a secondary CIDR block).
    ``function_azs``/``endpoint_azs``: AZ numbers of the functions' and the endpoint's subnets.
    ``cache_requester``: the cache nodes' RequesterId, None for not requester-managed."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    secondary = function_tier == "secondary"
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True,
                extra_cidrs=(SECONDARY_CIDR,) if secondary else ())
    main_rt, default_sg, default_acl = module_defaults(b, vpc, DEFAULT_ENTRIES)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": main_rt, "default_sg": default_sg, "default_acl": default_acl}
    ids["igw"] = b.igw(vpc)
    ids["public_rt"] = b.route_table(vpc, routes={"0.0.0.0/0": ids["igw"]})
    for k in range(1, 4):
        ids[f"public{k}"] = b.subnet(vpc, f"10.0.{k - 1}.0/24", az=k)
        b.associate(ids["public_rt"], ids[f"public{k}"])
        ids[f"private{k}"] = b.subnet(vpc, f"10.0.{k + 9}.0/24", az=k)
        ids[f"private_rt{k}"] = b.route_table(vpc, subnets=[ids[f"private{k}"]])
    if secondary:
        for k in range(1, 4):
            ids[f"intra{k}"] = b.subnet(vpc, f"10.1.{k - 1}.0/24", az=k)
        ids["intra_rt"] = b.route_table(vpc, subnets=[ids[f"intra{k}"] for k in range(1, 4)])
    for resource in ids.values():
        b.tag(resource, TAGS)

    cache_sg = ids["cache_sg"] = b.security_group(vpc, name=f"{NAME}-{TF_SUFFIX}",
                                                  ingress=[("tcp", REDIS_PORT, REDIS_PORT, VPC_CIDR)], egress=[])
    b.tag(cache_sg, TAGS)
    for n, (cluster, az) in enumerate(cache_clusters(), start=1):
        ids[f"cache_eni{n}"] = b.workload(ids[f"private{az}"], groups=[cache_sg],
                                          requester_managed=cache_requester is not None,
                                          requester_id=cache_requester, description=f"ElastiCache {cluster}")
    if functions:
        ids |= _functions(b, vpc, [ids[f"{'intra' if secondary else 'private'}{k}"] for k in function_azs])
        ids |= _endpoint(b, vpc, [ids[f"private{k}"] for k in endpoint_azs],
                         cache_sg if endpoint_source == "cache-sg" else VPC_CIDR)
    return b.snapshot(), ids


def _functions(b: AwsRegionBuilder, vpc: str, subnets: list[str]) -> dict[str, str]:
    """The functions' group (no ingress, AWS's default egress) and their Hyperplane ENIs, one per
    subnet: both functions use the same subnet and group pair, so they share the interfaces the
    first one's creation made, described with its name."""
    out = {"function_sg": b.security_group(vpc, name=f"{NAME}-functions")}
    for n, subnet in enumerate(subnets, start=1):
        out[f"lambda_eni{n}"] = b.workload(
            subnet, groups=[out["function_sg"]], interface_type="lambda", requester_id=f"{ROLE_ID}:{FUNCTIONS[0]}",
            description=f"AWS Lambda VPC ENI-{FUNCTIONS[0]}-6d2f8a41-93c7-4e0b-b5a2-1f4e7c9d3b8{n}")
    return out


def _endpoint(b: AwsRegionBuilder, vpc: str, subnets: list[str], source: str) -> dict[str, str]:
    """The ``secretsmanager`` endpoint and the submodule's group admitting TCP 443 from ``source``."""
    group = b.security_group(vpc, name=f"{NAME}-vpc-endpoints-{TF_SUFFIX[:-1]}2",
                             ingress=[("tcp", 443, 443, source)], egress=[])
    b.tag(group, TAGS)
    endpoint = b.interface_endpoint(vpc, "secretsmanager", subnets=subnets, groups=[group])
    b.tag(endpoint, TAGS)
    return {"endpoint_sg": group, "secretsmanager": endpoint}
