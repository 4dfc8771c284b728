"""A VPC of us-east-1 extended into the AWS Wavelength Zone us-east-1-wl1-bos-wlz-1: a Wavelength
subnet whose route table sends 0.0.0.0/0 to a carrier gateway, an instance with a carrier IP
address there, and the parent Region's private subnets holding Systems Manager and CloudWatch Logs
interface endpoints and an S3 gateway endpoint (us-east-1).

Sources:

- aws-samples/terraform-wavelength-infrastructure, commit
  e6bf741967d435409c317eb3adba89068b3d362b (2024-03-27), the code of the AWS Prescriptive
  Guidance pattern "Deploy resources and services within an AWS Wavelength Zone and associated AWS
  Region using Terraform": ``modules/vpc/main.tf`` — ``aws_vpc`` (``enable_dns_support`` and
  ``enable_dns_hostnames`` true, Name ``VPC_Wavelength`` by default), ``aws_ec2_carrier_gateway``
  (Name ``Carrier_Gateway``), ``aws_subnet`` in ``var.availabilityzone_wavelength`` (Name
  ``Wavelength_Subnet``), ``aws_route_table`` ``Wavelength_Routetable`` with one route
  ``cidr_block = "0.0.0.0/0"``, ``carrier_gateway_id``, associated with that subnet, and an
  ``aws_flow_log`` of the VPC (``traffic_type = "ALL"``, to a CloudWatch Logs group);
  ``modules/compute/main.tf`` — one ``aws_instance`` in the Wavelength subnet with no
  ``vpc_security_group_ids`` (so the VPC's default group) and an ``aws_eip`` with
  ``network_border_group`` the Wavelength Zone, associated with the instance (its carrier IP);
- the AWS Wavelength Developer Guide, "How AWS Wavelength works"
  (https://docs.aws.amazon.com/wavelength/latest/developerguide/how-wavelengths-work.html, current
  page, read 2026-12-07): a carrier gateway "allows inbound traffic from a carrier network in a
  specific location, and it allows outbound traffic to the carrier network and internet", with no
  inbound connection from the internet, IPv4 only; subnets in a Wavelength Zone inherit the main
  table and its local route, "which enables connectivity between the subnets in the VPC"; AWS
  recommends custom tables for them, whose destinations are those of an Availability Zone's subnet
  "with the addition of a carrier gateway";
- the Amazon VPC User Guide, "Subnets in AWS Wavelength"
  (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-wavelength.html, current page, read
  2026-12-07): what can be created in a Wavelength Zone is EC2 instances, EBS volumes, VPC subnets
  and carrier gateways (no NAT gateway, no VPC endpoint is among them); services such as Systems
  Manager and CloudWatch work with them; the VPC is "connected over a reliable, high bandwidth
  connection to an AWS Region for easy access to services"; an instance there is given a carrier
  IP address, which "the carrier gateway uses … for traffic from the interface to the internet, or
  mobile devices", translating it by NAT;
- the Wavelength guide's "Quotas and considerations for Wavelength Zones" (wavelength-quotas.html,
  current page, read 2026-12-07): instances in two Wavelength Zones of one VPC cannot talk to each
  other; the carrier gateway's controls on internet flows;
- botocore's ec2 model (2016-11-15): ``Route.CarrierGatewayId`` ("You can only use this option
  when the VPC contains a subnet which is associated with a Wavelength Zone", CreateRoute),
  ``NetworkInterfaceAssociation.CarrierIp`` ("only available when the network interface is in a
  subnet which is associated with a Wavelength Zone"), ``AvailabilityZone.ZoneType``
  (``availability-zone`` | ``local-zone`` | ``wavelength-zone``), ``GroupName`` (example
  ``us-east-1-wl1-bos-wlz-1``), ``CarrierGateway`` (``CarrierGatewayId``, ``VpcId``, ``State``,
  ``OwnerId``, ``Tags``).

What the snapshot records and what it does not. The carrier gateway appears only as the route's
target (``CarrierGatewayId``, target kind ``carrier``): vpcaudit collects no DescribeCarrierGateways
records. The subnet has its ``AvailabilityZone`` (``us-east-1-wl1-bos-wlz-1``) and
``AvailabilityZoneId``, assumed ``use1-wl1-bos-wlz1`` (AWS's Wavelength zone IDs follow
``<region code>-wl1-<metro>-wlz<n>``; not checked against an account). DescribeAvailabilityZones
records the three zones the VPC uses: us-east-1a and b ``availability-zone`` in the Region's group,
the Wavelength Zone ``wavelength-zone``, ``opted-in``, parent us-east-1a and network border group
``us-east-1-wl1-bos-wlz-1`` (assumed: the zone's name, which the sample's ``aws_eip`` gives as its
``network_border_group`` and botocore's ``GroupName`` example shows; parent assumed).
``zones=False``: not recorded. The instance's interface, as DescribeNetworkInterfaces reports it:
typed ``interface``, not requester-managed, no description, attached to the instance, in the
VPC's default group, its ``Association`` holding ``CarrierIp`` (assumed without ``PublicIp``: the
API documents ``PublicIp`` as an Elastic IP's address and ``CarrierIp`` apart) — the snapshot
keeps both, so the interface is recorded with no public address and one carrier address
(``155.146.10.25``, a placeholder). ``carrier_ip=False``: the same interface without a carrier IP.

The companion (assumed, as the Wavelength guide's hub-and-spoke advice has the Region hold what
the edge calls): two private subnets of the parent Region, 10.0.1.0/24 (us-east-1a, use1-az1)
and 10.0.2.0/24 (us-east-1b, use1-az2, both AZ IDs assumed) on ``Region_Private`` (local route
only, no NAT gateway — a NAT gateway cannot live in the Wavelength Zone, and the edge instance has
the carrier gateway), holding nothing but the interface endpoints ``ssm``, ``ssmmessages``,
``ec2messages`` and ``logs`` (private DNS on, AWS's default full-access policy where the service
takes one) behind ``vpc-endpoints`` (TCP 443 from 10.0.0.0/16), and the S3 gateway endpoint on
``Region_Private`` (full access). The endpoint services are offered in the Region's two AZs, not
in the Wavelength Zone (DescribeVpcEndpointServices ``AvailabilityZones``, assumed). The
Wavelength subnet is 10.0.0.0/24 (the sample's CIDRs are variables). Private DNS answers the
VPC's queries, the Wavelength subnet's included (the Route 53 Resolver serves every subnet):
the instance calls Systems Manager and CloudWatch Logs through the endpoints over the local
route, S3 through the carrier gateway (its table has no gateway-endpoint route).

Near misses: ``carrier_route=False`` — ``Wavelength_Routetable`` without its 0.0.0.0/0 route to
the carrier gateway (the guide's second step forgotten: devices on the carrier network reach the
carrier IP but no reply leaves). ``endpoint_sources="region"`` — ``vpc-endpoints`` admitting TCP
443 from the two Region subnets' CIDRs only, not the Wavelength subnet's, while its instance
resolves the services to the endpoints. ``without=("ssmmessages",)`` — the bundle without the
``ssmmessages`` endpoint (Session Manager's channel).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Part, Snapshot, State

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2")  # this account's us-east-1a, b (assumed)
WAVELENGTH_ZONE = "us-east-1-wl1-bos-wlz-1"
WAVELENGTH_ZONE_ID = "use1-wl1-bos-wlz1"  # assumed (module docstring)
VPC_CIDR = "10.0.0.0/16"
WAVELENGTH_CIDR = "10.0.0.0/24"
REGION_CIDRS = ("10.0.1.0/24", "10.0.2.0/24")
INTERFACE_SERVICES = ("ssm", "ssmmessages", "ec2messages", "logs")
HTTPS = 443


CARRIER_IP = "155.146.10.25"  # a placeholder carrier address of the Boston Wavelength Zone


def build(*, carrier_route: bool = True, endpoint_sources: str = "vpc", without: Iterable[str] = (),
          carrier_ip: bool = True, zones: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """The layout; ``carrier_route``: whether the Wavelength table sends 0.0.0.0/0 to the carrier
    gateway; ``endpoint_sources``: "vpc" (TCP 443 from the VPC's CIDR) or "region" (from the Region
    subnets' CIDRs only); ``without``: interface endpoints left out; ``zones``: whether the zones
    are recorded (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    # The S3 service is offered in the Region's AZs: listed before the Wavelength Zone is added.
    b.service("s3", types=("Gateway",))
    b.azs.append((WAVELENGTH_ZONE, WAVELENGTH_ZONE_ID))
    if zones:
        b.zone(1)
        b.zone(2)
        b.zone(3, "wavelength-zone", border_group=WAVELENGTH_ZONE, parent=1)
    vpc = b.vpc(VPC_CIDR, name="VPC_Wavelength", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc), "default_sg": b.default_group(vpc)}
    ids["flow_log"] = b.flow_log(vpc)

    # The sample's Wavelength side.
    ids["cagw"] = b.new_id("cagw")
    wavelength = ids["wavelength"] = b.subnet(vpc, WAVELENGTH_CIDR, az=3, name="Wavelength_Subnet")
    ids["wavelength_rt"] = b.route_table(vpc, subnets=[wavelength], name="Wavelength_Routetable",
                                         routes={"0.0.0.0/0": ids["cagw"]} if carrier_route else {})
    eni = ids["instance_eni"] = b.workload(wavelength)  # no group given: the VPC's default group
    b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"), public_ip_addresses=(),
                          carrier_ip_addresses=(CARRIER_IP,) if carrier_ip else ())
    b.tag(eni, {"Name": "EC2_Wavelength"})

    # The parent Region's endpoint subnets (the companion).
    region = [b.subnet(vpc, cidr, az=az, name=f"Region_Private_{az}") for az, cidr in enumerate(REGION_CIDRS, 1)]
    ids["region1"], ids["region2"] = region
    ids["region_rt"] = b.route_table(vpc, subnets=region, name="Region_Private")
    sources = [VPC_CIDR] if endpoint_sources == "vpc" else list(REGION_CIDRS)
    ids["endpoint_sg"] = b.security_group(vpc, name="vpc-endpoints",
                                          ingress=[("tcp", HTTPS, HTTPS, cidr) for cidr in sources])
    for key in INTERFACE_SERVICES:
        if key not in without:
            ids[key] = b.interface_endpoint(vpc, key, subnets=region, groups=[ids["endpoint_sg"]])
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids["region_rt"]])
    return b.snapshot(missing=() if zones else {Part.AVAILABILITY_ZONES: State.SKIPPED}), ids
