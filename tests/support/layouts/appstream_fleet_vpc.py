"""An Amazon AppStream 2.0 Always-On fleet in two private subnets, its users on premises streaming
through an ``appstream.streaming`` interface endpoint reached over a Site-to-Site VPN or Direct
Connect, home folders in S3 through a gateway endpoint (us-east-1).

Sources: the Amazon AppStream 2.0 Administration Guide, as last published in its source repository
(https://github.com/awsdocs/amazon-appstream2-developer-guide/tree/5a76f3fa5f89884206f263ecbb1f4fc84ca99477/doc_source,
the last commit before the content was deleted and the repository archived, 2023-06-15), the current
pages (read 2026-12-06) saying the same:

- "Creating and Streaming from Interface VPC Endpoints"
  (``creating-streaming-from-interface-vpc-endpoints.md``, last changed in 1795e91, 2022-04-26;
  https://docs.aws.amazon.com/appstream2/latest/developerguide/creating-streaming-from-interface-vpc-endpoints.html):
  service ``com.amazonaws.<region>.appstream.streaming``; the endpoint's groups "must allow inbound
  access to port 443 (TCP) and ports 1400-1499 (TCP) from the IP address range from which your
  users connect"; the subnets' NACLs must let ephemeral TCP 1024-65535 out to that range; the users'
  network "must be able to route traffic to the interface endpoint"; "We recommend that you choose
  subnets in at least two Availability Zones"; "Ensure that the Enable Private DNS Name check box is
  selected"; the endpoint may sit in "a different VPC than the VPC with AppStream 2.0 resources"; a
  stack given the endpoint (``AccessEndpoints``, ``EndpointType`` ``STREAMING``) streams only
  through it. The page names no UDP port: streaming through the endpoint is TCP.
- "Access AppStream 2.0 API Operations and CLI Commands Through an Interface VPC Endpoint"
  (``access-api-cli-through-interface-vpc-endpoint.md``): ``com.amazonaws.<region>.appstream.api``,
  TCP 443, for API calls made from the VPC. Nothing here calls the AppStream API from the VPC (the
  fleet's instances do not; the users' portal is on premises): not built.
- "Amazon AppStream 2.0 Connections to Your VPC" (``appstream2-port-requirements-appstream2.md``):
  each streaming instance has a *customer* network interface in the VPC ("connectivity to the
  resources within your VPC, as well as the internet", directory join) and a *management*
  interface in AppStream's own network, 198.19.0.0/16, which carries the streaming; for internet
  connectivity the customer interface needs TCP 80 and 443 "open to all destinations".
- "Security Groups in Amazon AppStream 2.0" (``managing-network-security-groups.md``): home
  folder data and the applications' traffic "are affected by the security groups associated with
  the streaming instance"; "Streaming pixel data is not affected by security groups".
- "VPC Setup Recommendations" (``vpc-setup-recommendations.md``): two private subnets in different
  AZs, a NAT gateway in a public subnet, "preferably two", in the private subnets' AZs; AppStream
  "creates as many elastic network interfaces … as the maximum desired capacity of your fleet".
- "Using Amazon S3 VPC Endpoints for AppStream 2.0 Features" (``managing-network-vpce-iam-policy.md``):
  home folders and application settings persistence reach S3 through the fleet's VPC; the policy to
  attach to the S3 endpoint: the principal
  ``arn:aws:sts::<account>:assumed-role/AmazonAppStreamServiceAccess/AppStream2.0``, six object and
  bucket actions, the ``appstream2-36fb080bb8-*`` and ``appstream-app-settings-*`` buckets (its
  third resource, an Elastic fleet's app block bucket, is left out: this fleet is Always-On).
- the managed policy ``AmazonAppStreamServiceAccess`` (v11, as zoph-io/IAMTrail records it):
  ``ec2:CreateNetworkInterface``, ``ec2:DeleteNetworkInterface``, ``ec2:AssociateAddress`` …, no
  tagging permission.

What DescribeNetworkInterfaces shows of a fleet instance's customer interface AWS does not document.
Assumed: created by the account's ``AmazonAppStreamServiceAccess`` role (the managed policy's
``ec2:CreateNetworkInterface``), so typed ``interface`` (botocore 1.44.18's ``NetworkInterfaceType``
has no AppStream value), not requester-managed, no RequesterId recorded, an empty description, no
tags (the role may not tag), in the fleet's groups, ``in-use``, attached to a streaming instance
AppStream owns, so on no instance of the account; no public address (the subnets are private, no
Default Internet Access). One per running instance: two here, one per private subnet.

Built (``build()``): VPC 10.0.0.0/16 (clear of 198.19.0.0/16), DNS support and hostnames on; an
internet gateway; ``public-a``/``-b`` 10.0.0.0/24 and 10.0.1.0/24 on a table to it, a NAT gateway
in each; ``private-a``/``-b`` 10.0.10.0/24 and 10.0.11.0/24 (use1-az2 and use1-az4, assumed), each
on its own table: 0.0.0.0/0 to its AZ's NAT gateway, and the users' network 172.16.0.0/16
propagated from a virtual private gateway (the VPN or Direct Connect, assumed); the default NACL.
Groups: ``appstream-fleet`` — no ingress, TCP 80 and 443 out to 0.0.0.0/0 (the guide's customer
interface ports; no directory join); ``appstream-streaming-endpoint`` — TCP 443 and TCP 1400-1499
from 172.16.0.0/16, AWS's default egress. The streaming endpoint in both private subnets, private
DNS on, full access (its PrivateDnsNames are not documented: assumed
``appstream.streaming.us-east-1.amazonaws.com``, the catalogue's default form). The S3 gateway
endpoint on both private tables, with the guide's policy.

Near misses: ``endpoint_ports="443"`` — the endpoint's group admitting TCP 443 alone, as for any
other AWS service: sessions are brokered, then the stream on 1400-1499 never connects.
``endpoint_azs=(1,)`` — the streaming endpoint in us-east-1a only. ``fleet_egress="internal"`` —
the fleet's group sending only to the VPC and the users' network (all traffic), nothing to S3: home
folders neither load nor save.
"""

from __future__ import annotations

import json
from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az2", "use1-az4")  # this account's us-east-1a and b (assumed)
VPC_CIDR = "10.0.0.0/16"
USERS = "172.16.0.0/16"  # the users' network, on premises (assumed)
HTTP, HTTPS = 80, 443
STREAMING_PORTS = (1400, 1499)  # TCP, the guide's range for the streaming endpoint
STREAMING = "appstream.streaming"
# The streaming service's PrivateDnsNames are not documented (assumed: the catalogue's default form).
STREAMING_DNS = f"{STREAMING}.{REGION}.amazonaws.com"


def guide_s3_policy() -> str:
    """The guide's S3 endpoint policy for home folders and application settings persistence."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "Allow-AppStream-to-access-S3-buckets", "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:sts::{ACCOUNT}:assumed-role/AmazonAppStreamServiceAccess/AppStream2.0"},
        "Action": ["s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:GetObjectVersion",
                   "s3:DeleteObjectVersion"],
        "Resource": ["arn:aws:s3:::appstream2-36fb080bb8-*", "arn:aws:s3:::appstream-app-settings-*"]}]})


def build(*, endpoint_ports: str = "guide", endpoint_azs: tuple[int, ...] = (1, 2),
          fleet_egress: str = "guide") -> tuple[Snapshot, dict[str, str]]:
    """``endpoint_ports``: "guide" (TCP 443 and 1400-1499 from the users) or "443".
    ``endpoint_azs``: the streaming endpoint's private subnets by AZ. ``fleet_egress``: "guide"
    (TCP 80 and 443 anywhere) or "internal" (all traffic to the VPC and the users' network only)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    b.service(STREAMING, dns_names=[STREAMING_DNS])
    vpc = b.vpc(VPC_CIDR, name="appstream", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc), "igw": b.igw(vpc),
                           "vgw": b.new_id("vgw")}
    ids["public_rt"] = b.route_table(vpc, routes={"0.0.0.0/0": ids["igw"]}, name="appstream-public")
    private = []
    for az, suffix in enumerate("ab", start=1):
        public = ids[f"public{az}"] = b.subnet(vpc, f"10.0.{az - 1}.0/24", az=az, name=f"public-{suffix}")
        b.associate(ids["public_rt"], public)
        nat = ids[f"nat{az}"] = b.nat(public)
        subnet = ids[f"private{az}"] = b.subnet(vpc, f"10.0.{9 + az}.0/24", az=az, name=f"private-{suffix}")
        table = ids[f"private_rt{az}"] = b.route_table(vpc, subnets=[subnet], routes={"0.0.0.0/0": nat},
                                                       name=f"appstream-private-{suffix}")
        b.route_tables[table] = replace(b.route_tables[table], propagating_vgws=(ids["vgw"],))
        b.route(table, USERS, ids["vgw"], origin="EnableVgwRoutePropagation")
        private.append(subnet)

    egress = ([("tcp", HTTP, HTTP, "0.0.0.0/0"), ("tcp", HTTPS, HTTPS, "0.0.0.0/0")] if fleet_egress == "guide"
              else [("-1", None, None, VPC_CIDR), ("-1", None, None, USERS)])
    fleet_sg = ids["fleet_sg"] = b.security_group(vpc, name="appstream-fleet", egress=egress)
    ingress = [("tcp", HTTPS, HTTPS, USERS)]
    if endpoint_ports == "guide":
        ingress.append(("tcp", *STREAMING_PORTS, USERS))
    ids["endpoint_sg"] = b.security_group(vpc, name="appstream-streaming-endpoint", ingress=ingress)
    ids["streaming"] = b.interface_endpoint(vpc, STREAMING, subnets=[private[k - 1] for k in endpoint_azs],
                                            groups=[ids["endpoint_sg"]])
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids["private_rt1"], ids["private_rt2"]],
                                   policy=guide_s3_policy())

    # The fleet instances' customer interfaces (fields: see the module docstring).
    for az, subnet in enumerate(private, start=1):
        ids[f"fleet{az}"] = b.workload(subnet, groups=[fleet_sg])
    return b.snapshot(), ids
