"""VPC Block Public Access: the region's internet-gateway block mode and its exclusions (EC2).

Why it matters: with BPA on, an internet gateway route no longer makes a subnet public unless
the VPC or subnet is excluded. Where the API does not exist (older partitions; moto answers
HTTP 500), the part ends up *error* with the reason and the rest of the collection goes on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vpcaudit.aws.paging import items
from vpcaudit.collectors.base import Collector, Scope
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part

# Exclusion states in which the exclusion is in force (an update keeps the previous one).
ACTIVE_EXCLUSION_STATES = frozenset({"create-complete", "update-in-progress", "update-complete", "update-failed"})


def block_public_access_from_api(options: r.Api, exclusions: list[r.Api]) -> r.BlockPublicAccess:
    """Options + exclusions (pure): excluded VPC and subnet ids taken from the exclusion ARNs."""
    vpcs: set[str] = set()
    subnets: set[str] = set()
    for exclusion in exclusions:
        if exclusion.get("State") not in ACTIVE_EXCLUSION_STATES:
            continue
        resource = str(exclusion.get("ResourceArn", "")).rsplit(":", 1)[-1]  # "vpc/vpc-…" or "subnet/subnet-…"
        kind, _, resource_id = resource.partition("/")
        if kind == "vpc":
            vpcs.add(resource_id)
        elif kind == "subnet":
            subnets.add(resource_id)
    return r.BlockPublicAccess(options.get("InternetGatewayBlockMode") or "off",
                               tuple(sorted(vpcs)), tuple(sorted(subnets)))


def fetch_block_public_access(scope: Scope, _: Mapping[Part, Any]) -> r.BlockPublicAccess:
    ec2 = scope.client("ec2")
    options = ec2.describe_vpc_block_public_access_options().get("VpcBlockPublicAccessOptions", {})
    exclusions = items(ec2, "DescribeVpcBlockPublicAccessExclusions", "VpcBlockPublicAccessExclusions")
    return block_public_access_from_api(options, exclusions)


COLLECTORS = (
    Collector(Part.BLOCK_PUBLIC_ACCESS,
              ("ec2:DescribeVpcBlockPublicAccessOptions", "ec2:DescribeVpcBlockPublicAccessExclusions"),
              fetch_block_public_access),
)
