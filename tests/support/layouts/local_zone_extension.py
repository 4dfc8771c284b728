"""A VPC of us-west-2 extended into the Los Angeles Local Zone (us-west-2-lax-1a): application
subnets in the Local Zone and in two of the Region's Availability Zones, interface endpoints in the
Region's AZs, the S3 gateway endpoint, and NAT gateways in the Region's AZs.

Sources:

- the AWS Local Zones User Guide (current pages, read 2026-12-07): "How AWS Local Zones work"
  (https://docs.aws.amazon.com/local-zones/latest/ug/how-local-zones-work.html) — a Local Zone is
  used by enabling it, creating a subnet in it and launching resources there; its example is a
  VPC of us-west-2 extended to us-west-2-lax-1; "Local Zone subnets follow the same routing rules
  as Availability Zone subnets, including the use of route tables, security groups, and network
  ACLs"; "Outbound internet traffic leaves a Local Zone from the Local Zone"; a Local Zone subnet
  cannot be chosen for a transit gateway or Cloud WAN attachment; the services with resources in
  Local Zones are those the "AWS Local Zones features" page lists
  (https://aws.amazon.com/about-aws/global-infrastructure/localzones/features/, not read here);
  the same page's steps — enable (opt in to) the zone, create a subnet in it, launch resources
  there — which "Getting started with AWS Local Zones" details; "NAT gateway connection in Local
  Zones"
  (local-zones-connectivity-nat.html): "For a list of Local Zones that support NAT gateways, see
  AWS Local Zones features", and its diagram — two Availability Zones and a Local Zone, each with a
  public and a private subnet — shows the Local Zone's private subnet leaving through a NAT gateway
  in the public subnet of the same Local Zone;
- the Amazon VPC User Guide, "Subnets in AWS Local Zones" (vpc/latest/userguide/Extend_VPCs.html,
  current page): the same rules, and Elastic IP addresses bound to a network border group
  (``us-west-2-lax-1``), which cannot move between the Local Zone and the Region;
- the Cluster API Provider AWS book, "Manage Local Zone subnets"
  (kubernetes-sigs/cluster-api-provider-aws, docs/book/src/topics/provision-edge-zones.md at
  commit 34548c56763463c32161ce2e33b4b726e5c1b27a): public and private subnets in the Local Zone
  beside each AZ's pair; "NAT Gateways are not globally available to edge zone's locations", so
  it creates no NAT gateway in the Local Zone and routes its private subnets to the NAT gateway of
  the zone's parent zone — the canonical form here; the OpenShift installer's guide
  (openshift/installer, docs/user/aws/install_local-zones.md at commit
  fb6ccdcceb0e981939d49cdba51d8f29cd55e7ba) does the same ("the egress traffic
  for private subnets in AWS Local Zones will use the Nat Gateway from the parent zone");
- the EC2 API Reference, AssociateNatGatewayAddress
  (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateNatGatewayAddress.html,
  current page): "the network border group of the EIPs must match the network border group of the
  Availability Zone (AZ) that the public NAT gateway is in"; botocore's AllocateAddress
  ``NetworkBorderGroup`` ("IP addresses cannot move between network border groups");
- the AWS CLI's ``describe-availability-zones`` example (aws/aws-cli,
  awscli/examples/ec2/describe-availability-zones.rst at commit
  d8c0f81f1147b655de7b11b35c5ddb29f7aeb233): in us-west-2, ``us-west-2a`` is ``usw2-az1`` and
  ``us-west-2b`` ``usw2-az2`` for that account, and the Local Zone ``us-west-2-lax-1a`` has
  ZoneId ``usw2-lax1-az1``, GroupName and NetworkBorderGroup ``us-west-2-lax-1``, OptInStatus
  ``opted-in`` — the names and IDs used here.

What DescribeSubnets shows of a Local Zone subnet, per botocore's ec2 model (``Subnet``): its
``AvailabilityZone`` (``us-west-2-lax-1a``) and ``AvailabilityZoneId`` (``usw2-lax1-az1``), like any
subnet; ``Subnet`` has no zone type. Botocore's ``AvailabilityZone`` (DescribeAvailabilityZones)
has ``ZoneType`` (``availability-zone`` | ``local-zone`` | ``wavelength-zone``),
``NetworkBorderGroup``, ``ParentZoneName`` and ``ParentZoneId``: the snapshot records the three
zones the VPC uses as the AWS CLI example lists them — us-west-2a and b ``availability-zone``, group
``us-west-2``, ``opt-in-not-required``; us-west-2-lax-1a ``local-zone``, group
``us-west-2-lax-1``, ``opted-in`` — the Region's other zones left out (no subnet is in them). The
example gives no zone type or parent; ``local-zone`` follows from botocore's values, and the parent
zone of us-west-2-lax-1a is assumed to be us-west-2a here (it only decides which NAT gateway the
Local Zone's private subnet uses). ``zones=False``: the zones not recorded (an older snapshot, or
DescribeAvailabilityZones denied), each zone then read by its name.

Whether an interface endpoint can have a network interface in a Local Zone subnet AWS's pages read
here do not say (the features page is the list). Assumed: DescribeVpcEndpointServices lists, in
each service's ``AvailabilityZones``/``AvailabilityZoneIds``, the Region's AZs only — here
us-west-2a and b, the two this account's VPC uses — not the Local Zone; the endpoints are created in
the Region's AZs, and the Local Zone's instance reaches them across the zone boundary. The S3
gateway endpoint is a route-table target: the Local Zone subnet's table carries its prefix-list
route like any other (the same routing rules).

Built (``build()``): VPC 10.0.0.0/16 ``lz-app``, DNS support and hostnames on; public subnets
10.0.0.0/24 (us-west-2a), 10.0.1.0/24 (us-west-2b), 10.0.2.0/24 (us-west-2-lax-1a) on one table to
the internet gateway; NAT gateways in the public subnets of us-west-2a and b (an Elastic IP of the
Region's border group each); private subnets 10.0.10.0/24 (a), 10.0.11.0/24 (b), 10.0.12.0/24
(lax-1a), one route table each: a's and the Local Zone's to the NAT gateway of us-west-2a (the
parent zone), b's to that of us-west-2b; the S3 gateway endpoint on the three private tables (AWS's
default full-access policy). Interface endpoints ``ssm``, ``ssmmessages``, ``ec2messages`` and
``logs`` (Session Manager and the CloudWatch agent, the usual companions of private instances) in
the private subnets of us-west-2a and b, private DNS on, group ``lz-vpc-endpoints`` admitting TCP 443
from 10.0.0.0/16, AWS's default egress, full-access policies. One instance per private subnet, group
``lz-app`` (no ingress, all traffic out); the default NACL.

The network interfaces, as DescribeNetworkInterfaces reports them: an instance's primary interface
typed ``interface``, not requester-managed, no description, attached to its instance; an interface
endpoint's typed ``vpc_endpoint`` (botocore's ``NetworkInterfaceType``), requester-managed,
described ``VPC Endpoint Interface <vpce-id>``, on no instance, carrying the endpoint's group; a NAT
gateway's typed ``natGateway``, requester-managed, described ``Interface for NAT Gateway <nat-id>``.
No tags on any (assumed).

Near misses: ``s3_route_on_local_zone=False`` — the gateway endpoint associated with the two
Region private tables only, the Local Zone's table forgotten: its S3 traffic leaves through the NAT
gateway. ``endpoint_sources="region-subnets"`` — the endpoints' group admitting TCP 443 from the
private subnets of us-west-2a and b only (10.0.10.0/24, 10.0.11.0/24), not the Local Zone's.
``local_zone_nat=True`` — a NAT gateway in the Local Zone's public subnet (an Elastic IP of the
``us-west-2-lax-1`` border group), the Local Zone's private table routed to it, as the Local
Zones guide's NAT page draws it.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Part, Snapshot, State

ACCOUNT = "123456789012"
REGION = "us-west-2"
AZ_IDS = ("usw2-az1", "usw2-az2")  # us-west-2a, b (the AWS CLI example's mapping)
LOCAL_ZONE = ("us-west-2-lax-1a", "usw2-lax1-az1")
BORDER_GROUP = "us-west-2-lax-1"  # the Local Zone's network border group
VPC_CIDR = "10.0.0.0/16"
PRIVATE_CIDRS = ("10.0.10.0/24", "10.0.11.0/24", "10.0.12.0/24")  # a, b, lax-1a
HTTPS = 443
INTERFACE_SERVICES = ("ssm", "ssmmessages", "ec2messages", "logs")
ZONES = ("a", "b", "lax")  # index 1, 2, 3 of the builder's zones
ALL_OUT = ("-1", None, None, "0.0.0.0/0")


def build(*, s3_route_on_local_zone: bool = True, endpoint_sources: str = "vpc-cidr",
          local_zone_nat: bool = False, zones: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """The layout; ``s3_route_on_local_zone``: whether the S3 gateway endpoint is on the Local
    Zone's private table; ``endpoint_sources``: ``vpc-cidr`` or ``region-subnets``, what the
    endpoints' group admits on 443; ``local_zone_nat``: a NAT gateway of the Local Zone's own for
    its private subnet; ``zones``: whether the snapshot records the zones (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)  # the catalogue: the Region's AZs only
    b.azs.append(LOCAL_ZONE)  # the opted-in Local Zone, zone 3
    if zones:
        b.zone(1)
        b.zone(2)
        b.zone(3, "local-zone", border_group=BORDER_GROUP, parent=1)
    vpc = b.vpc(VPC_CIDR, name="lz-app", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "igw": b.igw(vpc)}
    for k, zone in enumerate(ZONES, start=1):
        ids[f"public_{zone}"] = b.subnet(vpc, f"10.0.{k - 1}.0/24", az=k, name=f"lz-public-{zone}")
        ids[f"private_{zone}"] = b.subnet(vpc, PRIVATE_CIDRS[k - 1], az=k, name=f"lz-private-{zone}")
    ids["public_rt"] = b.route_table(vpc, subnets=[ids[f"public_{z}"] for z in ZONES],
                                     routes={"0.0.0.0/0": ids["igw"]}, name="lz-public")
    ids["nat_a"] = b.nat(ids["public_a"])
    ids["nat_b"] = b.nat(ids["public_b"])
    lax_nat = ids["nat_a"]  # the parent zone's (assumed us-west-2a)
    if local_zone_nat:
        lax_nat = ids["nat_lax"] = b.nat(ids["public_lax"])
    targets = {"a": ids["nat_a"], "b": ids["nat_b"], "lax": lax_nat}
    for zone in ZONES:
        ids[f"private_rt_{zone}"] = b.route_table(vpc, subnets=[ids[f"private_{zone}"]],
                                                  routes={"0.0.0.0/0": targets[zone]}, name=f"lz-private-{zone}")
    s3_tables = [ids[f"private_rt_{z}"] for z in ZONES if z != "lax" or s3_route_on_local_zone]
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=s3_tables)

    app_sg = ids["app_sg"] = b.security_group(vpc, name="lz-app", egress=[ALL_OUT])
    sources = [VPC_CIDR] if endpoint_sources == "vpc-cidr" else list(PRIVATE_CIDRS[:2])
    ids["endpoint_sg"] = b.security_group(vpc, name="lz-vpc-endpoints",
                                          ingress=[("tcp", HTTPS, HTTPS, s) for s in sources])
    for key in INTERFACE_SERVICES:
        ids[key] = b.interface_endpoint(vpc, key, subnets=[ids["private_a"], ids["private_b"]],
                                        groups=[ids["endpoint_sg"]], private_dns=True)
    for zone in ZONES:
        eni = ids[f"app_{zone}"] = b.workload(ids[f"private_{zone}"], groups=[app_sg])
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    return b.snapshot(missing=() if zones else {Part.AVAILABILITY_ZONES: State.SKIPPED}), ids
