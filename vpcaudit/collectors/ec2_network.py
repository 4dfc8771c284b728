"""VPCs, their DNS attributes, DHCP options sets, subnets and the Region's zones (EC2).

All region-wide listings except ``DescribeVpcAttribute``, which AWS only answers for one VPC and
one attribute at a time: two calls per VPC, run concurrently. VPCs shared with this account
through RAM are kept with their owner's account id, exactly as AWS reports them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

from vpcaudit.aws.errors import error_code
from vpcaudit.aws.paging import items
from vpcaudit.collectors.base import Collector, Scope
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part

DnsAttributes = dict[str, tuple[bool | None, bool | None]]  # vpc id -> (dns support, dns hostnames)


def fetch_vpcs(scope: Scope, _: Mapping[Part, Any]) -> tuple[r.Vpc, ...]:
    return tuple(r.Vpc.from_api(i) for i in items(scope.client("ec2"), "DescribeVpcs", "Vpcs"))


# DescribeVpcAttribute's attribute name -> the response key holding its value.
_DNS_ATTRIBUTES = (("enableDnsSupport", "EnableDnsSupport"), ("enableDnsHostnames", "EnableDnsHostnames"))


def fetch_vpc_attributes(scope: Scope, inputs: Mapping[Part, Any]) -> DnsAttributes:
    ec2 = scope.client("ec2")

    def attribute(call: tuple[str, tuple[str, str]]) -> bool | None:
        vpc_id, (name, key) = call
        try:
            answer = ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute=name)
        except ClientError as exc:
            # Deleted between DescribeVpcs and now: nothing to report for it.
            if error_code(exc) == "InvalidVpcID.NotFound":
                return None
            raise
        value = answer.get(key, {}).get("Value")
        return None if value is None else bool(value)

    vpc_ids = [vpc.vpc_id for vpc in inputs[Part.VPCS]]
    calls = [(vpc_id, attr) for vpc_id in vpc_ids for attr in _DNS_ATTRIBUTES]
    values = dict(zip(calls, scope.map(attribute, calls), strict=True))
    support, hostnames = _DNS_ATTRIBUTES
    return {v: (values[(v, support)], values[(v, hostnames)]) for v in vpc_ids}


def fetch_dhcp_options(scope: Scope, _: Mapping[Part, Any]) -> tuple[r.DhcpOptions, ...]:
    return tuple(r.DhcpOptions.from_api(i)
                 for i in items(scope.client("ec2"), "DescribeDhcpOptions", "DhcpOptions"))


def fetch_subnets(scope: Scope, _: Mapping[Part, Any]) -> tuple[r.Subnet, ...]:
    return tuple(r.Subnet.from_api(i) for i in items(scope.client("ec2"), "DescribeSubnets", "Subnets"))


def fetch_availability_zones(scope: Scope, _: Mapping[Part, Any]) -> tuple[r.AvailabilityZone, ...]:
    """Every zone of the Region: one ``DescribeAvailabilityZones`` with ``AllAvailabilityZones``.

    Why: a subnet names its zone (``us-west-2-lax-1a``, ``usw2-lax1-az1``) but not its kind, and a
    Local Zone's or Wavelength Zone's addresses come from a network border group of its own — "the
    network border group of the EIPs must match the network border group of the Availability
    Zone (AZ) that the public NAT gateway is in" (AssociateNatGatewayAddress). Only
    DescribeAvailabilityZones says which zone is which (``ZoneType``, ``NetworkBorderGroup``,
    ``ParentZoneId``).

    ``AllAvailabilityZones``: "Include all Availability Zones, Local Zones, and Wavelength Zones
    regardless of your opt-in status" (without it, "the results include only the zones for the
    Regions where you have chosen the option to opt in"): the record is the Region's whole list, each
    zone with its ``OptInStatus``, at no extra call; a zone the snapshot does not list is read by
    its name alone. The operation is not paginated (botocore's ec2 model has no paginator and no
    ``NextToken`` for it): one call per Region, whatever its zones.
    """
    answer = scope.client("ec2").describe_availability_zones(AllAvailabilityZones=True)
    return tuple(r.AvailabilityZone.from_api(z) for z in answer.get("AvailabilityZones", []))


COLLECTORS = (
    Collector(Part.VPCS, ("ec2:DescribeVpcs",), fetch_vpcs),
    Collector(Part.VPC_ATTRIBUTES, ("ec2:DescribeVpcAttribute",), fetch_vpc_attributes, needs=(Part.VPCS,)),
    Collector(Part.DHCP_OPTIONS, ("ec2:DescribeDhcpOptions",), fetch_dhcp_options),
    Collector(Part.SUBNETS, ("ec2:DescribeSubnets",), fetch_subnets),
    Collector(Part.AVAILABILITY_ZONES, ("ec2:DescribeAvailabilityZones",), fetch_availability_zones),
)
