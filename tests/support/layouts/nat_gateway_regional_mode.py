"""A regional NAT gateway: the AWS CDK's ``ec2.Vpc`` with ``natGatewayProvider:
ec2.NatProvider.regionalGateway()`` (us-east-1), and the zonal form beside it.

Sources:

- Amazon VPC User Guide, "Regional NAT gateways for automatic multi-AZ expansion",
  https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateways-regional.html (current page, read
  2026-12-07): a regional NAT gateway expands across AZs with the workloads; it needs no public
  subnet; private subnets of every AZ route to the one NAT gateway instead of a NAT gateway per AZ.
- EC2 API Reference, ``CreateNatGateway``, ``NatGateway`` and ``AvailabilityZoneAddress``
  (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NatGateway.html, current pages, read
  2026-12-07), and botocore 1.44.18's ec2 model (``ec2/2016-11-15/service-2.json``), whose shapes
  every field below follows: ``CreateNatGateway`` with ``AvailabilityMode=regional`` and a
  ``VpcId`` instead of a ``SubnetId``; without ``AvailabilityZoneAddresses`` the gateway "will
  automatically expand to new AZs and associate EIPs upon detection of an elastic network
  interface", with them "auto-expansion is disabled and you must manually manage AZ coverage".
  ``NatGateway.AutoProvisionZones`` (``enabled``/``disabled``) reports which; ``AutoScalingIps``,
  ``AttachedAppliances`` and ``RouteTableId`` ("For regional NAT gateways only") are reported too.
  Each ``NatGatewayAddress`` carries the ``AvailabilityZone``/``AvailabilityZoneId`` "where this
  Elastic IP address (EIP) is being used to handle outbound NAT traffic".
- aws/aws-cdk at commit 282447f8a29e8d01b5108f18de07580e35a35e81,
  ``packages/aws-cdk-lib/aws-ec2/lib/nat.ts``: ``RegionalNatGatewayProvider.configureNat`` creates
  one ``CfnNatGateway`` (``vpcId``, ``availabilityMode: 'regional'``, ``connectivityType:
  'public'``, no ``allocationId`` unless given, ``availabilityZoneAddresses`` only when given)
  and ``configureSubnet`` adds ``0.0.0.0/0`` to that one NAT gateway id in every private subnet
  ("All private subnets use the same regional NAT gateway ID"). The rest of the VPC is CDK's
  default ``Vpc`` (see ``layouts/cdk_default_vpc.py``: 10.0.0.0/16, a public and a private /19
  per AZ in us-east-1a-c, a route table per subnet, an internet gateway the public tables route
  to, the default group stripped by ``restrictDefaultSecurityGroup``, no flow log, no gateway
  endpoint).

What was built: that VPC with the regional NAT gateway, and one instance per private subnet (an
application fleet in group ``app`` with AWS's allow-all egress, so the gateway has workloads in
all three AZs). The NAT gateway record is made by ``NatGateway.from_api`` from a
``DescribeNatGateways`` item, exactly as vpcaudit's collector (``collectors/ec2_routing.py``)
records one today: it keeps ``AvailabilityMode``, ``VpcId``, ``RouteTableId``, ``SubnetId`` as
None when absent and each address's AZ; it drops ``AutoProvisionZones``, ``AutoScalingIps``,
``AttachedAppliances`` and the addresses' ``AllocationId``, ``AssociationId``, ``IsPrimary`` and
``Status``.

Assumptions (AWS does not document them, or the reference pages do not say):

- ``DescribeNatGateways`` reports the regional gateway without ``SubnetId``, with
  ``AutoProvisionZones`` ``enabled`` and ``AutoScalingIps`` ``enabled`` (automatic mode, CDK's
  default), no ``AttachedAppliances``, and one address per AZ holding workloads, each with
  ``AllocationId``, ``PublicIp``, ``AssociationId``, ``IsPrimary`` true, ``Status`` ``succeeded``
  and the AZ; without ``NetworkInterfaceId`` or ``PrivateIp``.
- DescribeNetworkInterfaces lists no ``natGateway`` interface in the customer's subnets for the
  regional gateway (it has no subnet of the customer's); whatever carries its traffic in each AZ
  is AWS's. The zonal gateways' interfaces are AWS's documented ones: InterfaceType
  ``natGateway``, RequesterManaged true, description ``Interface for NAT Gateway <id>``, no
  group, no attachment to an instance, the Elastic IP as their public address.
- The gateway's own route table (``RouteTableId``; 0.0.0.0/0 to the internet gateway, per
  third-party walkthroughs) is not listed by DescribeRouteTables, and the snapshot holds none
  (botocore's ``RouteTableAssociation`` has no field that could tie a table to a NAT gateway).
- In manual mode (``manual_azs``) with workloads in an AZ the gateway has no address in, which
  path that AZ's traffic takes is not settled here (see the precision section).

Near misses: ``zonal=True`` (CDK's default ``NatProvider.gateway()``: one zonal NAT gateway per
public subnet, each private table routed to its AZ's; ``zonal_nats=1``: ``natGateways: 1``);
``public_subnets=False`` (the "no public subnet" form: subnet configuration private only, the
internet gateway still attached, as AWS requires for a public NAT gateway); ``manual_azs=2`` (the
provider's ``availabilityZoneAddresses`` for us-east-1a and b only: ``AutoProvisionZones``
``disabled``, addresses in two AZs, workloads in three); ``bpa_bidirectional=True`` (VPC Block
Public Access in ``block-bidirectional`` mode for the Region, no exclusion: "Block all traffic to
and from internet gateways and egress-only internet gateways in this Region (except for excluded
VPCs and subnets)", EC2 API Reference, ``VpcBlockPublicAccessOptions``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from aws_layout import AwsRegionBuilder

from layouts.cdk_default_vpc import cdk_subnet_cidrs
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
STACK = "AppStack"
VPC = f"{STACK}/Vpc"
AZ_IDS = ("use1-az2", "use1-az4", "use1-az6")  # this account's mapping of us-east-1a, b, c
ELASTIC_IPS = ("3.208.41.17", "44.195.72.203", "54.87.130.9")


def regional_nat_item(b: AwsRegionBuilder, nat_id: str, vpc_id: str, route_table_id: str, azs: int, *,
                      auto: bool) -> dict[str, Any]:
    """One ``DescribeNatGateways`` item for a regional NAT gateway (botocore's ``NatGateway``)."""
    return {
        "NatGatewayId": nat_id, "VpcId": vpc_id, "State": "available", "ConnectivityType": "public",
        "AvailabilityMode": "regional", "AutoProvisionZones": "enabled" if auto else "disabled",
        "AutoScalingIps": "enabled" if auto else "disabled", "RouteTableId": route_table_id,
        "NatGatewayAddresses": [
            {"AllocationId": b.new_id("eipalloc"), "PublicIp": ELASTIC_IPS[k],
             "AssociationId": b.new_id("eipassoc"), "IsPrimary": True, "Status": "succeeded",
             "AvailabilityZone": b.azs[k][0], "AvailabilityZoneId": b.azs[k][1]}
            for k in range(azs)],
        "Tags": [{"Key": "Name", "Value": VPC}],
    }


def build(*, zonal: bool = False, zonal_nats: int | None = None, public_subnets: bool = True,
          manual_azs: int | None = None, bpa_bidirectional: bool = False) -> tuple[Snapshot, dict[str, str]]:
    """``zonal``: CDK's default zonal provider (``zonal_nats``: its ``natGateways``, None one per
    AZ); ``manual_azs``: ``availabilityZoneAddresses`` for the first N AZs (None: automatic mode)."""
    azs = 3
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    if bpa_bidirectional:
        # DescribeVpcBlockPublicAccessOptions: InternetGatewayBlockMode block-bidirectional; no exclusion.
        b.block_public_access = r.BlockPublicAccess("block-bidirectional", (), ())
    vpc = b.vpc("10.0.0.0/16", name=VPC, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "default_sg": b.default_group(vpc)}
    b.groups[ids["default_sg"]] = replace(b.groups[ids["default_sg"]], rules=())
    igw = ids["igw"] = b.igw(vpc)
    b.tag(igw, {"Name": VPC})
    groups = (("Public", 0), ("Private", azs)) if public_subnets else (("Private", 0),)
    cidrs = cdk_subnet_cidrs("10.0.0.0/16", len(groups) * azs)
    for group, offset in groups:
        for az in range(1, azs + 1):
            name = f"{VPC}/{group}Subnet{az}"
            subnet = b.subnet(vpc, cidrs[offset + az - 1], az=az, name=name)
            b.subnets[subnet] = replace(b.subnets[subnet], map_public_ip_on_launch=group == "Public")
            b.tag(subnet, {"aws-cdk:subnet-name": group, "aws-cdk:subnet-type": group})
            key = f"{group.lower()}{az}"
            ids[key] = subnet
            ids[f"{key}_rt"] = b.route_table(vpc, subnets=[subnet], name=name)
            if group == "Public":
                b.route(ids[f"{key}_rt"], "0.0.0.0/0", igw)
    if zonal:
        for az in range(1, (zonal_nats or azs) + 1):
            ids[f"nat{az}"] = b.nat(ids[f"public{az}"])
            b.tag(ids[f"nat{az}"], {"Name": f"{VPC}/PublicSubnet{az}"})
        for az in range(1, azs + 1):
            b.route(ids[f"private{az}_rt"], "0.0.0.0/0", ids.get(f"nat{az}", ids["nat1"]))
    else:
        nat = ids["nat"] = b.new_id("nat")
        ids["nat_rt"] = b.new_id("rtb")
        item = regional_nat_item(b, nat, vpc, ids["nat_rt"], manual_azs or azs, auto=manual_azs is None)
        b.nats[nat] = r.NatGateway.from_api(item)  # what the collector keeps
        for az in range(1, azs + 1):
            b.route(ids[f"private{az}_rt"], "0.0.0.0/0", nat)
    app = ids["app_sg"] = b.security_group(vpc, name=f"{STACK}-AppSecurityGroup", egress=[("-1", None, None,
                                                                                             "0.0.0.0/0")])
    for az in range(1, azs + 1):
        eni = ids[f"app{az}"] = b.workload(ids[f"private{az}"], groups=[app])
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    return b.snapshot(), ids
