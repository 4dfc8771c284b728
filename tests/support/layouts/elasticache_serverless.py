"""Amazon ElastiCache Serverless (Redis OSS) in private subnets, used by AWS Lambda functions in the
same VPC (eu-west-1).

The cache: terraform-aws-modules/terraform-aws-elasticache ``examples/serverless-cache`` at v1.10.3
(https://github.com/terraform-aws-modules/terraform-aws-elasticache/blob/3e17c95a0b932ed162839a1aeaf0a2bfb436ac6a/examples/serverless-cache/main.tf,
2025-10-21, the repository's head; the example last changed in 6b1b5aa, 2024-11-29, and was added
in f91028d, 2024-04-23), with ``modules/serverless-cache`` at the same commit, terraform-aws-vpc
``~> 5.0`` and terraform-aws-security-group ``~> 5.0``. The ports: the ElastiCache Developer Guide's
getting-started script for a serverless cache (aws-samples/sample-developer-tutorials
``tuts/065-amazon-elasticache-gs/amazon-elasticache-gs.sh`` at 1427430, linked from
https://docs.aws.amazon.com/ec2/latest/devguide/example_ec2_GettingStarted_065_section.html), which
opens TCP 6379 and 6380 on the cache's group ("Security group rules for ports 6379 and 6380": the
endpoint's port and its reader port) and connects with ``--tls -p 6379``. The VPC endpoint: the
ElastiCache API's ``CreateServerlessCache`` ``SecurityGroupIds`` ("The security group will
authorize traffic access for the VPC end-point (private-link)",
https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateServerlessCache.html)
and the guide's "ElastiCache Serverless creates a VPC endpoint in the subnets you choose".

What the audit sees of the example (``local.name`` is ``"ex-serverless-cache"``; ``local.tags``
carries ``Name``, which terraform-aws-vpc merges after its own):

- VPC 10.0.0.0/16, DNS support and hostnames on; public subnets 10.0.0-2.0/24 and private subnets
  10.0.10-12.0/24 in the Region's first three AZs (AZ IDs euw1-az1, euw1-az2, euw1-az3, assumed);
  an internet gateway and one public route table; ``enable_nat_gateway`` false, so three private
  route tables with the local route only. The module's main route table, emptied default group and
  allow-all default NACL. No flow log.
- ``module.sg`` (terraform-aws-security-group): named ``ex-serverless-cache-<suffix>``
  (``use_name_prefix`` defaults to true), "Security group for VPC traffic", ingress
  ``redis-tcp`` (TCP 6379) from ``module.vpc.vpc_cidr_block``; no egress (``egress_rules`` defaults
  to none and Terraform revokes AWS's default rule). The published example admits 6379 alone, not
  the reader port 6380 the getting-started script opens: ``ports=(6379, 6380)`` builds that.
- ``module.serverless``: Redis OSS 7, ``subnet_ids = module.vpc.private_subnets``,
  ``security_group_ids = [module.sg.security_group_id]``. No cache node is in the account: the
  cache is reached through the VPC endpoint ElastiCache creates in those subnets.

What DescribeVpcEndpoints / DescribeNetworkInterfaces report of that endpoint (botocore's ec2
model, ``VpcEndpoint`` and ``NetworkInterface``): AWS documents only that the endpoint exists in
the chosen subnets behind the cache's groups, not how EC2 lists it. Assumed
(``endpoint_listed=True``): an Interface endpoint of this account, ``RequesterManaged`` true
("Indicates whether the endpoint is being managed by its service", EC2 API ``VpcEndpoint``), to an
endpoint service ElastiCache owns (``com.amazonaws.vpce.eu-west-1.vpce-svc-…``, not in this
account's DescribeVpcEndpointServices), in the three private subnets with ``module.sg``, private
DNS off (clients use the name the ElastiCache API returns as ``Endpoint``,
``<name>-<id>.serverless.euw1.cache.amazonaws.com``), no policy document; its interfaces typed
``vpc_endpoint``, requester-managed, described ``VPC Endpoint Interface <vpce id>``.
``endpoint_listed=False`` builds the other reading: the endpoint is the service's, absent from
this account's DescribeVpcEndpoints, and only its three interfaces show.

Put to use (``functions=True``, the canonical form; the example builds no client): two functions
(``ex-serverless-cache-reader`` and ``-writer``, assumed) in the private subnets with a group of
their own, as the ElastiCache guide's Lambda tutorial makes it: no ingress, AWS's default egress.
Their Hyperplane ENIs, one per subnet: ``lambda``, not requester-managed, ``AWS Lambda VPC
ENI-<function>-<uuid>`` (the reading of ``elasticache_lambda``). The cache user's ``no-password-
required`` authentication needs no secret, so no other endpoint.

Near misses: ``cache_ingress="https"`` (the cache's group admits TCP 443 from the VPC, the usual
rule of an interface endpoint's group, instead of the engine's port: the functions are refused);
``function_egress="https"`` (the functions' group allows only TCP 443 out, a hardening copied
from a template for AWS API callers: the functions cannot open 6379). ``idle=True`` records the
endpoint's ``AWS/PrivateLinkEndpoints`` ``BytesProcessed``, 0 over 14 days, as for a cache not yet
used.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from layouts.eks_blueprints_private import DEFAULT_ENTRIES
from layouts.tf_vpc_module import module_defaults
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "eu-west-1"
NAME = "ex-serverless-cache"  # "ex-${basename(path.cwd)}"
TAGS = {"Name": NAME, "Example": NAME, "Repository": "https://github.com/terraform-aws-modules/terraform-aws-elasticache"}
AZ_IDS = ("euw1-az1", "euw1-az2", "euw1-az3")  # this account's eu-west-1a, b, c (assumed)
VPC_CIDR = "10.0.0.0/16"
REDIS_PORT, READER_PORT = 6379, 6380
TF_SUFFIX = "20260101000000000000000001"  # the unique suffix Terraform appends to a name_prefix
FUNCTIONS = (f"{NAME}-reader", f"{NAME}-writer")
ROLE_ID = "AROAYQ3JKW7ESERVRLSS1"  # the functions' execution role's unique id (assumed)
ANY = "0.0.0.0/0"


def build(*, functions: bool = True, endpoint_listed: bool = True, ports: tuple[int, ...] = (REDIS_PORT,),
          cache_ingress: str = "engine", function_egress: str = "all",
          idle: bool = False) -> tuple[Snapshot, dict[str, str]]:
    """``functions``: False is the example as published. ``endpoint_listed``: the cache's VPC
    endpoint in DescribeVpcEndpoints (requester-managed) or only its interfaces. ``ports``: the
    engine ports the cache's group admits from the VPC. ``cache_ingress``: "engine" (``ports``) or
    "https" (TCP 443 instead). ``function_egress``: "all" (AWS's default) or "https" (TCP 443 to
    0.0.0.0/0 alone). ``idle``: CloudWatch's ``BytesProcessed`` for the endpoint collected, 0 over 14
    days (a cache nobody uses yet)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    main_rt, default_sg, default_acl = module_defaults(b, vpc, DEFAULT_ENTRIES)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": main_rt, "default_sg": default_sg, "default_acl": default_acl}
    ids["igw"] = b.igw(vpc)
    ids["public_rt"] = b.route_table(vpc, routes={ANY: ids["igw"]})
    for k in range(1, 4):
        ids[f"public{k}"] = b.subnet(vpc, f"10.0.{k - 1}.0/24", az=k)
        b.associate(ids["public_rt"], ids[f"public{k}"])
        ids[f"private{k}"] = b.subnet(vpc, f"10.0.{k + 9}.0/24", az=k)
        ids[f"private_rt{k}"] = b.route_table(vpc, subnets=[ids[f"private{k}"]])
    for resource in ids.values():
        b.tag(resource, TAGS)

    admitted = (443,) if cache_ingress == "https" else ports
    cache_sg = ids["cache_sg"] = b.security_group(vpc, name=f"{NAME}-{TF_SUFFIX}", egress=[],
                                                  ingress=[("tcp", p, p, VPC_CIDR) for p in admitted])
    b.groups[cache_sg] = replace(b.groups[cache_sg], description="Security group for VPC traffic")
    b.tag(cache_sg, TAGS)
    ids |= _cache_endpoint(b, vpc, [ids[f"private{k}"] for k in range(1, 4)], cache_sg, endpoint_listed)
    if idle:
        b.metric(ids["cache_endpoint"], "AWS/PrivateLinkEndpoints", "BytesProcessed", 0, 14)
    if functions:
        egress = [("tcp", 443, 443, ANY)] if function_egress == "https" else [("-1", None, None, ANY)]
        ids["function_sg"] = b.security_group(vpc, name=f"{NAME}-functions", egress=egress)
        for k in range(1, 4):
            ids[f"lambda_eni{k}"] = b.workload(
                ids[f"private{k}"], groups=[ids["function_sg"]], interface_type="lambda",
                requester_id=f"{ROLE_ID}:{FUNCTIONS[0]}",
                description=f"AWS Lambda VPC ENI-{FUNCTIONS[0]}-5c1e7a92-84d3-4f6b-a0e9-3b7d2c8f1e4{k}")
    return b.snapshot(), ids


def _cache_endpoint(b: AwsRegionBuilder, vpc: str, subnets: list[str], group: str, listed: bool) -> dict[str, str]:
    """The serverless cache's VPC endpoint as EC2 reports it (see the module docstring): an Interface
    endpoint to a service ElastiCache owns, requester-managed, no private DNS, no policy, one
    interface per subnet; with ``listed`` False, its interfaces alone."""
    service_id = b.new_id("vpce-svc")
    endpoint = b.interface_endpoint(vpc, "elasticache-serverless", subnets=subnets, groups=[group], private_dns=False,
                                    policy=None, service_name=f"com.amazonaws.vpce.{b.region}.{service_id}")
    suffix = b.new_id("x").split("-")[1][1:9]
    b.endpoints[endpoint] = replace(b.endpoints[endpoint], requester_managed=True, dns_entries=(
        r.DnsEntry(f"{endpoint}-{suffix}.{service_id}.{b.region}.vpce.amazonaws.com", "Z38GZ743OKFT7T"),))
    enis = b.endpoints[endpoint].network_interface_ids
    if not listed:
        del b.endpoints[endpoint]
    return {"cache_endpoint": endpoint} | {f"cache_eni{n}": eni for n, eni in enumerate(enis, start=1)}
