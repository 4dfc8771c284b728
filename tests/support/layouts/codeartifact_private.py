"""AWS CodeArtifact used by build hosts in the private subnets of a VPC without internet access,
through the ``codeartifact.api`` and ``codeartifact.repositories`` interface endpoints and an S3
gateway endpoint (us-east-1).

Sources, the AWS CodeArtifact User Guide (current pages, read 2026-12-06):

- "Working with Amazon VPC endpoints" (https://docs.aws.amazon.com/codeartifact/latest/ug/vpc-endpoints.html):
  with interface endpoints "you don't need an internet gateway, NAT device, or virtual private
  gateway"; endpoints serve same-Region requests only; they support Amazon-provided DNS only
  (conditional forwarding otherwise); "The security group attached to the VPC endpoint must allow
  incoming connections on port 443 from the private subnet of the VPC".
- "Create VPC endpoints for CodeArtifact" (create-vpc-endpoints.html): two endpoints are required,
  ``com.amazonaws.<region>.codeartifact.api`` (CodeArtifact APIs such as GetAuthorizationToken)
  and ``com.amazonaws.<region>.codeartifact.repositories`` (package managers and build tools);
  the current page creates both with ``--private-dns-enabled`` and says the repositories endpoint
  must have it, or an extra configuration step is needed. The page's earlier text, as last
  published in the guide's source repository (awsdocs/aws-codeartifact-user-guide, commit
  0439e81e32a71b4465fd165a8ddf56c6ec837368, doc_source/create-vpc-endpoints.md), created the api
  endpoint with ``--no-private-dns-enabled`` because "multiple private DNS hostnames are not
  currently supported" for the two endpoints; the canonical form follows the current page.
- "Use CodeArtifact from a VPC" (use-codeartifact-from-vpc.html): without private DNS on the
  repositories endpoint, the package manager must be pointed at the endpoint's own DNS name
  (``vpce-<id>-<suffix>.d.codeartifact.<region>.vpce.amazonaws.com/<format>/d/<domain>-<owner>/<repo>``)
  and configured without the ``login`` command.
- "Create the Amazon S3 gateway endpoint" (create-s3-gateway-endpoint.html): package assets are
  stored in S3, so pulling packages needs an S3 gateway endpoint on the VPC's route tables ("not
  needed when using Python or Swift package formats"); "Minimum Amazon S3 bucket permissions"
  lists, per Region, the bucket to allow in the endpoint policy — for us-east-1
  ``arn:aws:s3:::assets-193858265520-us-east-1``, an account of CodeArtifact's, not the
  customer's (``describe-domain`` returns it as ``s3BucketArn``) — and the example policy:
  ``Principal *``, ``s3:GetObject``, ``arn:aws:s3:::assets-193858265520-us-east-1/*``.
- "Create a VPC endpoint policy for CodeArtifact" (create-vpc-endoint-policy.html): an example for
  the interface endpoints (not used here: the create commands give no policy).

Built (all assumed where the guide is silent): VPC 10.0.0.0/16 named ``codeartifact``, DNS support
and hostnames on, the Region's default DHCP options; no internet gateway, NAT gateway or flow log;
private subnets 10.0.1.0/24 (us-east-1a, use1-az1) and 10.0.2.0/24 (us-east-1b, use1-az2) on one
table ``codeartifact-private`` (local route, and the S3 prefix-list route the gateway endpoint
adds); the default NACL. ``codeartifact-endpoints``: TCP 443 from the two private subnets' CIDRs
(the guide's wording), AWS's default egress. Both interface endpoints in both subnets, private DNS
on, AWS's default full-access policy; the S3 gateway endpoint on the private table with the
guide's example policy. ``build-hosts``: no ingress, AWS's default egress; one build host (an EC2
instance) per subnet, building Maven or npm packages (formats whose assets come from S3). The
hosts' credentials come from their instance profile through the instance metadata service, so no
STS endpoint is needed; how the hosts are administered is out of scope (no Systems Manager
endpoints).

The services as DescribeVpcEndpointServices lists them (assumed, not documented): PrivateDnsName
``codeartifact.us-east-1.amazonaws.com`` for ``codeartifact.api`` (the API's Regional endpoint)
and ``*.d.codeartifact.us-east-1.amazonaws.com`` for ``codeartifact.repositories`` (the form of
GetRepositoryEndpoint's ``<domain>-<owner>.d.codeartifact.<region>.amazonaws.com``); base DNS
names ``api.codeartifact.us-east-1.vpce.amazonaws.com`` (assumed) and
``d.codeartifact.us-east-1.vpce.amazonaws.com`` (the guide's example DNS entry); the endpoints'
regional DnsEntries of those forms. Both support endpoint policies (the guide's policy page).

The network interfaces, as DescribeNetworkInterfaces reports them: an interface endpoint's,
InterfaceType ``vpc_endpoint`` (botocore's ``NetworkInterfaceType``), requester-managed, described
``VPC Endpoint Interface <vpce-id>``, no tags, attached to no instance; a build host's primary
interface, typed ``interface``, not requester-managed, an empty description, attached to its
instance.

Near misses: ``s3_endpoint=False`` (no S3 gateway endpoint); ``s3_bucket_account="own"`` (the
endpoint policy naming ``assets-123456789012-us-east-1``, this account's id in place of
CodeArtifact's); ``repositories_private_dns=False``; ``endpoint_group="default"`` (both endpoints created
without ``--security-group-ids``, so they carry the VPC's default group, which admits its own
members only: CreateVpcEndpoint's SecurityGroupIds, "If this parameter is not specified, we use
the default security group for the VPC").
"""

from __future__ import annotations

import json
from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
NAME = "codeartifact"
VPC_CIDR = "10.0.0.0/16"
PRIVATE_CIDRS = ("10.0.1.0/24", "10.0.2.0/24")
HTTPS = 443
# The guide's "Minimum Amazon S3 bucket permissions" table, us-east-1: an account of CodeArtifact's.
ASSETS_ACCOUNT = "193858265520"
API = "codeartifact.api"
REPOSITORIES = "codeartifact.repositories"
PRIVATE_DNS_NAMES = {API: f"codeartifact.{REGION}.amazonaws.com",
                     REPOSITORIES: f"*.d.codeartifact.{REGION}.amazonaws.com"}
BASE_DNS_NAMES = {API: f"api.codeartifact.{REGION}.vpce.amazonaws.com",
                  REPOSITORIES: f"d.codeartifact.{REGION}.vpce.amazonaws.com"}
VPCE_ZONE = "Z7HUB22UULQXV"  # the us-east-1 hosted zone of endpoint DNS names


def assets_bucket(account: str = ASSETS_ACCOUNT) -> str:
    return f"assets-{account}-{REGION}"


def guide_s3_policy(account: str = ASSETS_ACCOUNT) -> str:
    """The guide's example S3 gateway endpoint policy; ``account``: the one in the bucket's name."""
    return json.dumps({"Statement": [{
        "Sid": "Access-to-specific-bucket-only", "Principal": "*", "Action": ["s3:GetObject"],
        "Effect": "Allow", "Resource": [f"arn:aws:s3:::{assets_bucket(account)}/*"]}]})


def build(*, s3_endpoint: bool = True, s3_bucket_account: str = "codeartifact",
          repositories_private_dns: bool = True, endpoint_group: str = "own"
          ) -> tuple[Snapshot, dict[str, str]]:
    """``s3_endpoint``: the S3 gateway endpoint exists. ``s3_bucket_account``: "codeartifact" (the
    guide's bucket) or "own" (this account's id in the bucket name). ``repositories_private_dns``:
    private DNS on the repositories endpoint. ``endpoint_group``: "own" (``codeartifact-endpoints``)
    or "default" (the VPC's default group)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    for key in (API, REPOSITORIES):
        name = b.service(key, dns_names=[PRIVATE_DNS_NAMES[key]])
        b.services[name] = replace(b.services[name], base_endpoint_dns_names=(BASE_DNS_NAMES[key],))
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc), "default_sg": b.default_group(vpc)}
    private = [b.subnet(vpc, cidr, az=az, name=f"{NAME}-private-{az}")
               for az, cidr in enumerate(PRIVATE_CIDRS, start=1)]
    ids["private1"], ids["private2"] = private
    ids["private_rt"] = b.route_table(vpc, subnets=private, name=f"{NAME}-private")

    ids["endpoint_sg"] = b.security_group(vpc, name=f"{NAME}-endpoints", ingress=[
        ("tcp", HTTPS, HTTPS, cidr) for cidr in PRIVATE_CIDRS])
    group = ids["endpoint_sg"] if endpoint_group == "own" else ids["default_sg"]
    for key, dns in ((API, True), (REPOSITORIES, repositories_private_dns)):
        endpoint = ids[key] = b.interface_endpoint(vpc, key, subnets=private, groups=[group], private_dns=dns)
        suffix = endpoint.removeprefix("vpce-")[:8]  # the entry's random part (assumed)
        b.endpoints[endpoint] = replace(b.endpoints[endpoint], dns_entries=(
            r.DnsEntry(f"{endpoint}-{suffix}.{BASE_DNS_NAMES[key]}", VPCE_ZONE),))
    if s3_endpoint:
        account = ASSETS_ACCOUNT if s3_bucket_account == "codeartifact" else ACCOUNT
        ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids["private_rt"]], policy=guide_s3_policy(account))

    ids["build_sg"] = b.security_group(vpc, name="build-hosts")
    for az, subnet in enumerate(private, start=1):
        eni = ids[f"build{az}_eni"] = b.workload(subnet, groups=[ids["build_sg"]])
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    return b.snapshot(), ids
