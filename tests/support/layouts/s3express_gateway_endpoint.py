"""Instances in private subnets using S3 Express One Zone directory buckets through the ``s3express``
gateway endpoint (us-east-1).

The Amazon S3 User Guide, "Networking for directory buckets"
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-express-networking.html), "Networking for
directory buckets in an Availability Zone"
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/directory-bucket-az-networking.html) and the
tutorial's "Step 1: Configure a gateway VPC endpoint to reach S3 Express One Zone directory buckets"
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-express-tutorial-endpoints.html), current
pages, read 2026-12-06. What they say: directory buckets are called at Regional endpoints
(bucket-level operations such as CreateBucket and DeleteBucket, ``s3express-control.<region>.amazonaws.com``)
and Zonal endpoints (object-level operations, and CreateSession and HeadBucket,
``s3express-<az-id>.<region>.amazonaws.com``); both are reachable through a gateway VPC endpoint, at no
additional charge, and the tutorial says both must be accessed through one. The endpoint is created
as for S3: service ``com.amazonaws.<region>.s3express`` filtered on Type = Gateway, route tables
chosen (Amazon VPC adds the routes pointing the service's traffic at the endpoint), and a policy —
"Full access" for all principals, actions and resources, or "Custom" to attach a VPC endpoint policy
(the procedure on the Availability Zone networking page): an s3express gateway endpoint takes an
endpoint policy. In us-east-1 directory buckets exist in use1-az4, use1-az5 and use1-az6.

The guide gives no template; built as its pages ask, with these assumptions: a VPC 10.0.0.0/16 named
``s3x``, DNS support and hostnames on, no internet gateway and no NAT gateway (an isolated workload:
every AWS call goes through an endpoint); private subnets 10.0.1.0/24 in use1-az4 and 10.0.2.0/24 in
use1-az5, one route table per subnet (``s3x-private-use1-az4``, ``s3x-private-use1-az5``); the directory
bucket in use1-az4 (``<name>--use1-az4--x-s3``; not in the snapshot), so the instances of use1-az5
call it across AZs (assumed to work: the pages state no rule that the client's AZ match the
bucket's; the Zonal name carries the bucket's AZ ID and is reached through the Region's one
gateway endpoint, and co-locating compute with the bucket is the pages' latency advice);
one instance per subnet in ``s3x-instances`` (no ingress; egress hardened to TCP 443 to the
AWS-managed prefix lists ``com.amazonaws.us-east-1.s3`` and ``com.amazonaws.us-east-1.s3express``, and
to the VPC CIDR for the interface endpoints); the ``s3express`` gateway endpoint and an S3 gateway
endpoint (package repositories of Amazon Linux are S3 buckets) on both tables, both with AWS's
default full access; Systems Manager interface endpoints ``ssm``, ``ssmmessages``, ``ec2messages`` in
both subnets, private DNS on, behind ``s3x-vpc-endpoints`` admitting TCP 443 from 10.0.0.0/16.

The ``s3express`` prefix list: AWS-managed, IPv4, as DescribeManagedPrefixLists / DescribePrefixLists
show AWS lists; its CIDRs here (``S3EXPRESS_CIDRS``) are placeholders, assumed, not AWS's published
ranges. DescribeVpcEndpointServices for ``com.amazonaws.us-east-1.s3express``: ServiceType
``Gateway``, owner ``amazon``, no PrivateDnsName, the Region's three directory-bucket AZs,
VpcEndpointPolicySupported true (assumed from the guide's Full access / Custom policy step).

The network interfaces, as DescribeNetworkInterfaces reports them. An instance's primary interface:
typed ``interface``, not requester-managed, no RequesterId, an empty description, attached to its
instance. The interface endpoints' interfaces: typed ``vpc_endpoint``, requester-managed, described
``VPC Endpoint Interface <vpce id>`` (the shared builder's form). A gateway endpoint has no
interface.

Near misses: ``express_route_tables="az4"`` (the ``s3express`` endpoint associated with the use1-az4
table only, so use1-az5's table lacks the prefix-list route); ``instance_egress="s3-only"`` (the
instances' group sends TCP 443 to the S3 prefix list and the VPC CIDR only, not to the s3express
list); ``express_endpoint=False`` (no ``s3express`` gateway endpoint at all, the S3 one kept).
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
NAME = "s3x"
VPC_CIDR = "10.0.0.0/16"
AZ_IDS = ("use1-az4", "use1-az5")
PRIVATE_CIDRS = ("10.0.1.0/24", "10.0.2.0/24")
EXPRESS_AZ_IDS = ("use1-az4", "use1-az5", "use1-az6")
HTTPS = 443
INTERFACE_SERVICES = ("ssm", "ssmmessages", "ec2messages")
EXPRESS = "s3express"
EXPRESS_LIST = f"com.amazonaws.{REGION}.{EXPRESS}"
# Placeholders (assumed, see the module docstring): not AWS's published s3express ranges.
S3EXPRESS_CIDRS = ("198.18.32.0/22", "198.18.40.0/22")


def build(*, express_route_tables: str = "both", instance_egress: str = "both-lists",
          express_endpoint: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """``express_route_tables``: "both" (the s3express endpoint on both private tables) or "az4".
    ``instance_egress``: "both-lists" (TCP 443 to the s3 and s3express prefix lists) or "s3-only".
    ``express_endpoint``: False leaves the s3express gateway endpoint out."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    express_pl = b.new_id("pl")
    b.prefix_lists[express_pl] = r.PrefixList(express_pl, EXPRESS_LIST, "AWS", "IPv4", S3EXPRESS_CIDRS)
    s3_pl = next(p.prefix_list_id for p in b.prefix_lists.values()
                 if p.prefix_list_name == f"com.amazonaws.{REGION}.s3")
    b.service(EXPRESS, types=("Gateway",), dns_names=(), policy_supported=True)
    # The directory-bucket AZs of us-east-1 (DescribeVpcEndpointServices lists the service's AZs).
    service = b.services[EXPRESS_LIST]
    b.services[EXPRESS_LIST] = replace(service, availability_zones=(), availability_zone_ids=EXPRESS_AZ_IDS)

    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc), "default_sg": b.default_group(vpc),
                           "s3_pl": s3_pl, "express_pl": express_pl}
    private = [b.subnet(vpc, cidr, az=az, name=f"{NAME}-private-{AZ_IDS[az - 1]}")
               for az, cidr in enumerate(PRIVATE_CIDRS, start=1)]
    ids["private1"], ids["private2"] = private
    tables = [b.route_table(vpc, subnets=[subnet], name=f"{NAME}-private-{az_id}")
              for subnet, az_id in zip(private, AZ_IDS, strict=True)]
    ids["private_rt1"], ids["private_rt2"] = tables

    ids["endpoints_sg"] = b.security_group(vpc, name=f"{NAME}-vpc-endpoints",
                                           ingress=[("tcp", HTTPS, HTTPS, VPC_CIDR)])
    for key in INTERFACE_SERVICES:
        ids[key] = b.interface_endpoint(vpc, key, subnets=private, groups=[ids["endpoints_sg"]])
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=tables)
    if express_endpoint:
        express_tables = tables if express_route_tables == "both" else tables[:1]
        ids[EXPRESS] = b.gateway_endpoint(vpc, EXPRESS, route_tables=express_tables)

    lists = [s3_pl, express_pl] if instance_egress == "both-lists" else [s3_pl]
    instance_sg = ids["instance_sg"] = b.security_group(
        vpc, name=f"{NAME}-instances",
        egress=[("tcp", HTTPS, HTTPS, VPC_CIDR), *(("tcp", HTTPS, HTTPS, pl) for pl in lists)])
    for az, subnet in enumerate(private, start=1):
        eni = ids[f"instance{az}_eni"] = b.workload(subnet, groups=[instance_sg])
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    return b.snapshot(), ids
