"""Workloads in private subnets without internet access reading an Amazon S3 Multi-Region Access
Point through its PrivateLink endpoint, us-east-1.

Sources:

- the Amazon S3 User Guide (current pages, read 2026-12-07), "Configuring a Multi-Region Access
  Point for use with AWS PrivateLink"
  (https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiRegionAccessPointsPrivateLink.html;
  the same text in the guide's archived source, awsdocs/amazon-s3-userguide,
  doc_source/MultiRegionAccessPointsPrivateLink.md at commit
  1c3dd3b5f3937dd9962f91d90aab9073a8314cb5): interface endpoints of the service
  ``com.amazonaws.s3-global.accesspoint`` — "Other endpoint types cannot access Multi-Region
  Access Points"; with private DNS on (the default) every Multi-Region Access Point request of the
  VPC goes through that endpoint; the endpoint policy "must allow access both to the Multi-Region
  Access Point and to each underlying bucket", its example an ``Allow`` of ``s3:GetObject``,
  ``Principal *``, on ``arn:aws:s3:::doc-examplebucket1/*``, ``arn:aws:s3:::doc-examplebucket2/*``
  and ``arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap/object/*`` (the access point of
  alias ``mfzwi23gnjvgw.mrap`` over those two buckets);
- the guide's "Multi-Region Access Point restrictions and limitations"
  (MultiRegionAccessPointRestrictions.html; source at commit
  2717dabf23816db7aef4de97e27f2f41fb991b4d): data cannot be reached through a Multi-Region
  Access Point "using gateway endpoints or interface endpoints" of S3 — the Multi-Region Access
  Point endpoints are needed; requests are signed with SigV4A, over TLS 1.2, IPv4 only;
- the guide's "Making requests through a Multi-Region Access Point"
  (MultiRegionAccessPointRequests.html): the ARN ``arn:aws:s3::<account>:accesspoint/<alias>``
  has no Region segment, and ``arn:aws:s3::<account>:accesspoint/*`` matches every Multi-Region
  Access Point of the account and no Regional access point;
- the endpoint service as DescribeVpcEndpointServices lists it, after moto's emulation
  (getmoto/moto, moto/s3/models.py, ``S3Backend.default_vpc_endpoint_service``, commit
  eed32a5f72fbdc0d33c4876d1b5439dfd1efd5d8): ServiceName ``com.amazonaws.s3-global.accesspoint``,
  ServiceType ``Interface``, Owner ``amazon``, PrivateDnsName
  ``*.accesspoint.s3-global.amazonaws.com``, BaseEndpointDnsNames
  ``accesspoint.s3-global.<region>.vpce.amazonaws.com``, VpcEndpointPolicySupported true.

No AWS template builds this network; a public Terraform configuration creating the same endpoint
(``aws_vpc_endpoint`` with ``service_name = "com.amazonaws.s3-global.accesspoint"``,
``vpc_endpoint_type = "Interface"``, ``private_dns_enabled = true``, beside an S3 gateway
endpoint on the private tables) was seen but not pinned to a commit, so it is not a source.

Built (``build()``), with these assumptions: VPC 10.0.0.0/16 ``mrap``, DNS support and hostnames
on; no internet gateway, no NAT gateway; private subnets 10.0.1.0/24 (use1-az1) and 10.0.2.0/24
(use1-az2) on one table ``mrap-private`` (local route, plus the S3 gateway endpoint's prefix-list
route); one client instance per subnet in ``mrap-clients`` (no ingress, AWS's default egress).
The Multi-Region Access Point endpoint in both subnets, private DNS on, behind
``mrap-endpoint`` (TCP 443 from 10.0.0.0/16), with the guide's example policy, the account
``123456789012``; its buckets ``doc-examplebucket1`` (us-east-1) and ``doc-examplebucket2``
(us-west-2; the Regions are assumed). The S3 gateway endpoint on ``mrap-private``, AWS's
default full-access policy: the companion a private instance needs for its Regional S3 traffic
(Amazon Linux repositories are S3 buckets). Bucket policies and the Multi-Region Access Point
policy are not in the snapshot (account-level S3 resources the network audit does not read here).
The service's ServiceRegion is not recorded (assumed absent, as moto lists it): the endpoint is
judged as a us-east-1 endpoint.

The network interfaces, as DescribeNetworkInterfaces reports them: an instance's primary
interface typed ``interface``, not requester-managed, an empty description, attached to its
instance; the endpoint's one per subnet typed ``vpc_endpoint`` (botocore's
``NetworkInterfaceType``), requester-managed, described ``VPC Endpoint Interface <vpce-id>``, in
the endpoint's group, on no instance. The endpoint's DNS entry
``<vpce-id>.accesspoint.s3-global.us-east-1.vpce.amazonaws.com`` follows the base name (assumed).

Near misses: ``endpoint_policy="buckets-only"`` — the policy naming the underlying buckets' objects
only, not the Multi-Region Access Point (every request through the access point is denied by the
endpoint policy); ``endpoint_policy="mrap-only"`` — the access point only, not its buckets (the
routed request is then denied at the bucket); ``mrap_endpoint=False`` — the S3 gateway endpoint
alone, no ``s3-global.accesspoint`` endpoint: the access point's name resolves to its public
addresses, which the private subnets have no route to.
"""

from __future__ import annotations

import json
from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
NAME = "mrap"
VPC_CIDR = "10.0.0.0/16"
PRIVATE_CIDRS = ("10.0.1.0/24", "10.0.2.0/24")
HTTPS = 443
MRAP_SERVICE = "com.amazonaws.s3-global.accesspoint"
MRAP_KEY = "accesspoint.s3-global"  # the base DNS name's leading labels (moto's emulation)
MRAP_PRIVATE_DNS = "*.accesspoint.s3-global.amazonaws.com"
MRAP_ALIAS = "mfzwi23gnjvgw.mrap"
MRAP_ARN = f"arn:aws:s3::{ACCOUNT}:accesspoint/{MRAP_ALIAS}"
BUCKETS = {"doc-examplebucket1": "us-east-1", "doc-examplebucket2": "us-west-2"}  # Regions assumed
BUCKET_OBJECTS = tuple(f"arn:aws:s3:::{bucket}/*" for bucket in BUCKETS)
MRAP_OBJECTS = f"{MRAP_ARN}/object/*"


def endpoint_policy(resources: tuple[str, ...]) -> str:
    """The guide's example endpoint policy, naming ``resources``."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "Read-buckets-and-MRAP-VPCE-policy", "Principal": "*", "Action": ["s3:GetObject"],
        "Effect": "Allow", "Resource": list(resources)}]}, indent=4)


POLICIES = {
    "guide": (*BUCKET_OBJECTS, MRAP_OBJECTS),
    "buckets-only": BUCKET_OBJECTS,
    "mrap-only": (MRAP_OBJECTS,),
}


def build(*, endpoint_policy_form: str = "guide", mrap_endpoint: bool = True
          ) -> tuple[Snapshot, dict[str, str]]:
    """``endpoint_policy_form``: "guide", "buckets-only" or "mrap-only" (the Resource list of the
    access point endpoint's policy); ``mrap_endpoint``: whether the ``s3-global.accesspoint``
    endpoint exists at all (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc), "default_sg": b.default_group(vpc)}
    private = [b.subnet(vpc, cidr, az=az, name=f"{NAME}-private-{az}")
               for az, cidr in enumerate(PRIVATE_CIDRS, start=1)]
    ids["private1"], ids["private2"] = private
    ids["private_rt"] = b.route_table(vpc, subnets=private, name=f"{NAME}-private")

    client_sg = ids["client_sg"] = b.security_group(vpc, name=f"{NAME}-clients")
    ids["endpoint_sg"] = b.security_group(vpc, name=f"{NAME}-endpoint", ingress=[("tcp", HTTPS, HTTPS, VPC_CIDR)])

    # The account's catalogue lists the service whether or not an endpoint of it exists.
    b.service(MRAP_KEY, name=MRAP_SERVICE, dns_names=[MRAP_PRIVATE_DNS], policy_supported=True)
    if mrap_endpoint:
        ids["mrap"] = b.interface_endpoint(vpc, MRAP_KEY, subnets=private, groups=[ids["endpoint_sg"]],
                                           service_name=MRAP_SERVICE,
                                           policy=endpoint_policy(POLICIES[endpoint_policy_form]))
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids["private_rt"]])

    for az, subnet in enumerate(private, start=1):
        eni = ids[f"client{az}"] = b.workload(subnet, groups=[client_sg])
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    return b.snapshot(), ids
