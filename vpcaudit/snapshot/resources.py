"""Typed, frozen records for every part of a VPC network snapshot.

Each record keeps the fields the rules and reports read, plus tags, and nothing else: a
whole raw response tree is what makes rules hard to write and snapshots hard to diff.
``from_api`` is a pure transform of one item of a botocore response (field names are
botocore's EC2/Route 53/Redshift/MemoryDB/RDS/DataSync/Amazon MQ/
Firehose service-model names); it never calls AWS.

Where moto omits a field that AWS always returns, ``from_api`` applies AWS's documented
default (e.g. a NAT gateway without ``ConnectivityType`` is ``public``), so the same code
handles both shapes.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Api = dict[str, Any]
MAX_METRIC_TOTAL = 1e21
MAX_WINDOW_DAYS = 3653  # CloudWatch keeps hourly data for 455 days; ten years is already absurd


@dataclass(frozen=True, slots=True)
class Tag:
    key: str
    value: str


def tags_from_api(items: list[Api] | None) -> tuple[Tag, ...]:
    """Tags sorted by key so two snapshots of the same account diff cleanly."""
    return tuple(sorted((Tag(str(t.get("Key", "")), str(t.get("Value", ""))) for t in items or ()),
                        key=lambda t: (t.key, t.value)))


def tag_value(tags: tuple[Tag, ...], key: str) -> str | None:
    return next((t.value for t in tags if t.key == key), None)


def _sorted(values: Any) -> tuple[str, ...]:
    return tuple(sorted(str(v) for v in values or ()))


@dataclass(frozen=True, slots=True)
class Vpc:
    vpc_id: str
    owner_id: str
    cidr_blocks: tuple[str, ...]
    ipv6_cidr_blocks: tuple[str, ...]
    is_default: bool
    dhcp_options_id: str | None
    state: str
    tags: tuple[Tag, ...]
    # From DescribeVpcAttribute; None when that call was denied or failed.
    enable_dns_support: bool | None = None
    enable_dns_hostnames: bool | None = None

    @classmethod
    def from_api(cls, item: Api) -> Vpc:
        cidrs = [a["CidrBlock"] for a in item.get("CidrBlockAssociationSet", [])
                 if a.get("CidrBlockState", {}).get("State", "associated") == "associated"]
        if not cidrs and item.get("CidrBlock"):
            cidrs = [item["CidrBlock"]]
        v6 = [a["Ipv6CidrBlock"] for a in item.get("Ipv6CidrBlockAssociationSet", [])
              if a.get("Ipv6CidrBlockState", {}).get("State", "associated") == "associated"
              and a.get("Ipv6CidrBlock")]
        return cls(
            vpc_id=item["VpcId"], owner_id=str(item.get("OwnerId", "")),
            cidr_blocks=tuple(dict.fromkeys(cidrs)), ipv6_cidr_blocks=tuple(v6),
            is_default=bool(item.get("IsDefault", False)),
            dhcp_options_id=item.get("DhcpOptionsId"), state=item.get("State", "available"),
            tags=tags_from_api(item.get("Tags")),
        )


@dataclass(frozen=True, slots=True)
class DhcpOptions:
    dhcp_options_id: str
    domain_name_servers: tuple[str, ...]
    domain_name: str | None
    tags: tuple[Tag, ...]

    @classmethod
    def from_api(cls, item: Api) -> DhcpOptions:
        values: dict[str, list[str]] = {}
        for conf in item.get("DhcpConfigurations", []):
            values[conf.get("Key", "")] = [v.get("Value", "") for v in conf.get("Values", [])]
        names = values.get("domain-name", [])
        return cls(item["DhcpOptionsId"], tuple(values.get("domain-name-servers", [])),
                   names[0] if names else None, tags_from_api(item.get("Tags")))


@dataclass(frozen=True, slots=True)
class Subnet:
    subnet_id: str
    vpc_id: str
    owner_id: str
    availability_zone: str
    availability_zone_id: str
    cidr_block: str | None
    ipv6_cidr_blocks: tuple[str, ...]
    ipv6_native: bool
    map_public_ip_on_launch: bool
    tags: tuple[Tag, ...]
    # VPC Block Public Access state of this subnet, when AWS reports it (BlockPublicAccessStates).
    block_public_access_mode: str | None = None

    @classmethod
    def from_api(cls, item: Api) -> Subnet:
        v6 = [a["Ipv6CidrBlock"] for a in item.get("Ipv6CidrBlockAssociationSet", [])
              if a.get("Ipv6CidrBlockState", {}).get("State", "associated") == "associated"
              and a.get("Ipv6CidrBlock")]
        bpa = item.get("BlockPublicAccessStates") or {}
        return cls(
            subnet_id=item["SubnetId"], vpc_id=item["VpcId"], owner_id=str(item.get("OwnerId", "")),
            availability_zone=item.get("AvailabilityZone", ""),
            availability_zone_id=item.get("AvailabilityZoneId", ""),
            cidr_block=item.get("CidrBlock") or None, ipv6_cidr_blocks=tuple(v6),
            ipv6_native=bool(item.get("Ipv6Native", False)),
            map_public_ip_on_launch=bool(item.get("MapPublicIpOnLaunch", False)),
            tags=tags_from_api(item.get("Tags")),
            block_public_access_mode=bpa.get("InternetGatewayBlockMode"),
        )


# Route target field → target kind. GatewayId is refined by its id prefix below.
_TARGET_FIELDS: tuple[tuple[str, str], ...] = (
    ("NatGatewayId", "nat"),
    ("TransitGatewayId", "tgw"),
    ("VpcPeeringConnectionId", "pcx"),
    ("EgressOnlyInternetGatewayId", "eigw"),
    ("CoreNetworkArn", "cloudwan"),
    ("CarrierGatewayId", "carrier"),
    ("LocalGatewayId", "lgw"),
    ("OdbNetworkArn", "odb"),
    ("InstanceId", "instance"),
    ("NetworkInterfaceId", "eni"),
    ("GatewayId", "gateway"),
)
_GATEWAY_PREFIXES = {"igw-": "igw", "vgw-": "vgw", "vpce-": "vpce"}


def route_target(item: Api) -> tuple[str, str]:
    """(kind, id) of a route's target: igw, vgw, vpce, local, nat, tgw, pcx, eigw, cloudwan,
    carrier, lgw, instance, eni, odb or unknown. An instance route carries both InstanceId and
    NetworkInterfaceId; the instance is the target AWS shows."""
    for field, kind in _TARGET_FIELDS:
        value = item.get(field)
        if not value:
            continue
        if kind == "gateway":
            if value == "local":
                return "local", "local"
            return next((k for p, k in _GATEWAY_PREFIXES.items() if value.startswith(p)), "unknown"), value
        return kind, value
    return "unknown", ""


@dataclass(frozen=True, slots=True)
class Route:
    """A route as DescribeRouteTables lists it.

    ``network_interface_id`` is, for a route to an instance, the ``NetworkInterfaceId`` listed
    beside its ``InstanceId``: the interface of that instance the route delivers to (an instance
    with several interfaces is routed to through one of them). None for other targets (a route
    to an interface names it as ``target_id``), when not listed, and in a snapshot written before
    it was recorded (added within schema 1.2).
    """

    destination: str  # a CIDR (IPv4 or IPv6) or a prefix-list id
    destination_type: str  # ipv4 | ipv6 | prefix_list
    target_kind: str
    target_id: str
    state: str
    origin: str  # CreateRouteTable | CreateRoute | EnableVgwRoutePropagation
    network_interface_id: str | None = None

    @classmethod
    def from_api(cls, item: Api) -> Route:
        if item.get("DestinationPrefixListId"):
            dest, dtype = item["DestinationPrefixListId"], "prefix_list"
        elif item.get("DestinationIpv6CidrBlock"):
            dest, dtype = item["DestinationIpv6CidrBlock"], "ipv6"
        else:
            dest, dtype = item.get("DestinationCidrBlock", ""), "ipv4"
        kind, target = route_target(item)
        return cls(dest, dtype, kind, target, item.get("State", "active"),
                   item.get("Origin", "CreateRoute"),
                   (item.get("NetworkInterfaceId") or None) if kind == "instance" else None)


@dataclass(frozen=True, slots=True)
class RouteTableAssociation:
    association_id: str
    main: bool
    subnet_id: str | None
    gateway_id: str | None  # edge association (IGW / VGW)
    state: str

    @classmethod
    def from_api(cls, item: Api) -> RouteTableAssociation:
        return cls(item.get("RouteTableAssociationId", ""), bool(item.get("Main", False)),
                   item.get("SubnetId"), item.get("GatewayId"),
                   item.get("AssociationState", {}).get("State", "associated"))


@dataclass(frozen=True, slots=True)
class RouteTable:
    route_table_id: str
    vpc_id: str
    owner_id: str
    routes: tuple[Route, ...]
    associations: tuple[RouteTableAssociation, ...]
    propagating_vgws: tuple[str, ...]
    tags: tuple[Tag, ...]

    @property
    def is_main(self) -> bool:
        return any(a.main and a.state == "associated" for a in self.associations)

    @property
    def subnet_ids(self) -> tuple[str, ...]:
        return tuple(a.subnet_id for a in self.associations if a.subnet_id and a.state == "associated")

    @classmethod
    def from_api(cls, item: Api) -> RouteTable:
        return cls(
            route_table_id=item["RouteTableId"], vpc_id=item["VpcId"],
            owner_id=str(item.get("OwnerId", "")),
            routes=tuple(Route.from_api(r) for r in item.get("Routes", [])),
            associations=tuple(RouteTableAssociation.from_api(a) for a in item.get("Associations", [])),
            propagating_vgws=_sorted(p.get("GatewayId") for p in item.get("PropagatingVgws", [])),
            tags=tags_from_api(item.get("Tags")),
        )


@dataclass(frozen=True, slots=True)
class InternetGateway:
    gateway_id: str
    kind: str  # igw | eigw
    owner_id: str
    attached_vpc_ids: tuple[str, ...]
    tags: tuple[Tag, ...]

    @classmethod
    def from_api(cls, item: Api) -> InternetGateway:
        gid = item.get("InternetGatewayId") or item.get("EgressOnlyInternetGatewayId", "")
        attached = [a["VpcId"] for a in item.get("Attachments", [])
                    if a.get("State") in ("available", "attached") and a.get("VpcId")]
        return cls(gid, "eigw" if gid.startswith("eigw-") else "igw", str(item.get("OwnerId", "")),
                   tuple(sorted(attached)), tags_from_api(item.get("Tags")))


@dataclass(frozen=True, slots=True)
class NatGatewayAddress:
    public_ip: str | None
    private_ip: str | None
    network_interface_id: str | None
    availability_zone: str | None
    availability_zone_id: str | None


@dataclass(frozen=True, slots=True)
class NatGateway:
    nat_gateway_id: str
    vpc_id: str
    subnet_id: str | None  # None for regional NAT gateways
    state: str
    connectivity_type: str  # public | private (AWS default: public)
    availability_mode: str  # zonal | regional (absent in older APIs/moto: zonal)
    route_table_id: str | None  # regional NAT gateway's own route table
    addresses: tuple[NatGatewayAddress, ...]
    tags: tuple[Tag, ...]

    @classmethod
    def from_api(cls, item: Api) -> NatGateway:
        addresses = tuple(
            NatGatewayAddress(a.get("PublicIp"), a.get("PrivateIp"), a.get("NetworkInterfaceId"),
                              a.get("AvailabilityZone"), a.get("AvailabilityZoneId"))
            for a in item.get("NatGatewayAddresses", []))
        return cls(
            nat_gateway_id=item["NatGatewayId"], vpc_id=item.get("VpcId", ""),
            subnet_id=item.get("SubnetId") or None, state=item.get("State", "available"),
            connectivity_type=item.get("ConnectivityType") or "public",
            availability_mode=item.get("AvailabilityMode") or "zonal",
            route_table_id=item.get("RouteTableId"), addresses=addresses,
            tags=tags_from_api(item.get("Tags")),
        )


@dataclass(frozen=True, slots=True)
class DnsEntry:
    dns_name: str
    hosted_zone_id: str | None


@dataclass(frozen=True, slots=True)
class VpcEndpoint:
    vpc_endpoint_id: str
    vpc_id: str
    owner_id: str
    endpoint_type: str  # Interface | Gateway | GatewayLoadBalancer | Resource | ServiceNetwork
    service_name: str
    service_region: str | None
    state: str
    route_table_ids: tuple[str, ...]
    subnet_ids: tuple[str, ...]
    group_ids: tuple[str, ...]
    private_dns_enabled: bool
    dns_record_ip_type: str | None
    private_dns_only_for_inbound_resolver_endpoint: bool | None
    ip_address_type: str | None
    policy_document: str | None  # raw text as AWS returns it (may be URL-encoded)
    dns_entries: tuple[DnsEntry, ...]
    network_interface_ids: tuple[str, ...]
    requester_managed: bool
    tags: tuple[Tag, ...]

    @classmethod
    def from_api(cls, item: Api) -> VpcEndpoint:
        dns_options = item.get("DnsOptions") or {}
        return cls(
            vpc_endpoint_id=item["VpcEndpointId"], vpc_id=item.get("VpcId", ""),
            owner_id=str(item.get("OwnerId", "")),
            endpoint_type=item.get("VpcEndpointType", "Gateway"),
            service_name=item.get("ServiceName", ""), service_region=item.get("ServiceRegion"),
            state=item.get("State", ""), route_table_ids=_sorted(item.get("RouteTableIds")),
            subnet_ids=_sorted(item.get("SubnetIds")),
            group_ids=_sorted(g.get("GroupId") for g in item.get("Groups", [])),
            private_dns_enabled=bool(item.get("PrivateDnsEnabled", False)),
            dns_record_ip_type=dns_options.get("DnsRecordIpType"),
            private_dns_only_for_inbound_resolver_endpoint=dns_options.get(
                "PrivateDnsOnlyForInboundResolverEndpoint"),
            ip_address_type=item.get("IpAddressType"),
            policy_document=item.get("PolicyDocument"),
            dns_entries=tuple(DnsEntry(d.get("DnsName", ""), d.get("HostedZoneId"))
                              for d in item.get("DnsEntries", [])),
            network_interface_ids=_sorted(item.get("NetworkInterfaceIds")),
            requester_managed=bool(item.get("RequesterManaged", False)),
            tags=tags_from_api(item.get("Tags")),
        )


def decode_policy(text: str) -> Any:
    """Parse a policy document that AWS may return URL-encoded. Raises ValueError."""
    stripped = text.strip()
    if stripped.startswith("%7B") or stripped.startswith("%7b"):
        stripped = urllib.parse.unquote(stripped)
    try:
        return json.loads(stripped)
    except RecursionError:
        raise ValueError("the policy document is nested too deeply") from None


@dataclass(frozen=True, slots=True)
class EndpointService:
    service_name: str
    service_id: str | None
    owner: str
    service_types: tuple[str, ...]
    service_region: str | None
    availability_zones: tuple[str, ...]
    availability_zone_ids: tuple[str, ...]
    private_dns_names: tuple[str, ...]
    base_endpoint_dns_names: tuple[str, ...]
    vpc_endpoint_policy_supported: bool
    supported_ip_address_types: tuple[str, ...]

    @classmethod
    def from_api(cls, item: Api) -> EndpointService:
        names = [p.get("PrivateDnsName") for p in item.get("PrivateDnsNames", []) if p.get("PrivateDnsName")]
        if not names and item.get("PrivateDnsName"):
            names = [item["PrivateDnsName"]]
        return cls(
            service_name=item["ServiceName"], service_id=item.get("ServiceId"),
            owner=str(item.get("Owner", "")),
            service_types=_sorted(t.get("ServiceType") for t in item.get("ServiceType", [])),
            service_region=item.get("ServiceRegion"),
            availability_zones=_sorted(item.get("AvailabilityZones")),
            availability_zone_ids=_sorted(item.get("AvailabilityZoneIds")),
            private_dns_names=_sorted(dict.fromkeys(names)),
            base_endpoint_dns_names=_sorted(item.get("BaseEndpointDnsNames")),
            vpc_endpoint_policy_supported=bool(item.get("VpcEndpointPolicySupported", False)),
            supported_ip_address_types=_sorted(item.get("SupportedIpAddressTypes")),
        )


@dataclass(frozen=True, slots=True)
class PrefixList:
    prefix_list_id: str
    prefix_list_name: str
    owner_id: str  # "AWS" for AWS-managed lists
    address_family: str | None
    cidrs: tuple[str, ...]

    @property
    def aws_managed(self) -> bool:
        return self.owner_id == "AWS" or self.prefix_list_name.startswith(("com.amazonaws.", "cn.com.amazonaws."))


@dataclass(frozen=True, slots=True)
class SecurityGroupRule:
    rule_id: str
    group_id: str
    is_egress: bool
    ip_protocol: str  # "-1" for all, "tcp", "udp", "icmp", or a number
    from_port: int | None
    to_port: int | None
    cidr_ipv4: str | None
    cidr_ipv6: str | None
    prefix_list_id: str | None
    referenced_group_id: str | None
    description: str | None

    @classmethod
    def from_api(cls, item: Api) -> SecurityGroupRule:
        ref = item.get("ReferencedGroupInfo") or {}
        from_port, to_port = item.get("FromPort"), item.get("ToPort")
        return cls(
            rule_id=item.get("SecurityGroupRuleId", ""), group_id=item.get("GroupId", ""),
            is_egress=bool(item.get("IsEgress", False)),
            ip_protocol=str(item.get("IpProtocol", "-1")).lower(),
            from_port=None if from_port in (None, -1) else int(from_port),
            to_port=None if to_port in (None, -1) else int(to_port),
            cidr_ipv4=item.get("CidrIpv4"), cidr_ipv6=item.get("CidrIpv6"),
            prefix_list_id=item.get("PrefixListId"), referenced_group_id=ref.get("GroupId"),
            description=item.get("Description"),
        )


@dataclass(frozen=True, slots=True)
class SecurityGroup:
    group_id: str
    group_name: str
    vpc_id: str
    owner_id: str
    description: str
    rules: tuple[SecurityGroupRule, ...]
    tags: tuple[Tag, ...]

    @classmethod
    def from_api(cls, item: Api, rules: tuple[SecurityGroupRule, ...]) -> SecurityGroup:
        return cls(item["GroupId"], item.get("GroupName", ""), item.get("VpcId", ""),
                   str(item.get("OwnerId", "")), item.get("Description", ""),
                   tuple(sorted(rules, key=lambda r: (r.is_egress, r.rule_id))),
                   tags_from_api(item.get("Tags")))


@dataclass(frozen=True, slots=True)
class NaclEntry:
    rule_number: int
    egress: bool
    protocol: str  # "-1" all, "6" tcp, "17" udp, …
    rule_action: str  # allow | deny
    cidr_block: str | None
    ipv6_cidr_block: str | None
    port_from: int | None
    port_to: int | None

    @classmethod
    def from_api(cls, item: Api) -> NaclEntry:
        ports = item.get("PortRange") or {}
        return cls(int(item.get("RuleNumber", 32767)), bool(item.get("Egress", False)),
                   str(item.get("Protocol", "-1")), str(item.get("RuleAction", "deny")).lower(),
                   item.get("CidrBlock"), item.get("Ipv6CidrBlock"), ports.get("From"), ports.get("To"))


@dataclass(frozen=True, slots=True)
class NetworkAcl:
    network_acl_id: str
    vpc_id: str
    owner_id: str
    is_default: bool
    entries: tuple[NaclEntry, ...]
    subnet_ids: tuple[str, ...]
    tags: tuple[Tag, ...]

    @classmethod
    def from_api(cls, item: Api) -> NetworkAcl:
        entries = sorted((NaclEntry.from_api(e) for e in item.get("Entries", [])),
                         key=lambda e: (e.egress, e.rule_number, e.cidr_block or "", e.ipv6_cidr_block or ""))
        return cls(item["NetworkAclId"], item.get("VpcId", ""), str(item.get("OwnerId", "")),
                   bool(item.get("IsDefault", False)), tuple(entries),
                   _sorted(a.get("SubnetId") for a in item.get("Associations", []) if a.get("SubnetId")),
                   tags_from_api(item.get("Tags")))


@dataclass(frozen=True, slots=True)
class NetworkInterface:
    """A network interface as DescribeNetworkInterfaces lists it.

    ``public_ip_addresses`` are the public IPv4 addresses associated with it: the ``PublicIp`` of
    its ``Association`` (botocore's ``NetworkInterfaceAssociation``: "The address of the Elastic IP
    address bound to the network interface"), which is its primary private address's, and of each
    ``PrivateIpAddresses[].Association`` (an Elastic IP may sit on a secondary address). An Elastic
    IP or a public address EC2 assigned, in the order listed. Added within schema 1.2: a snapshot
    written before has no such field and loads with ``None`` — not recorded — never ``()``, which is
    an interface listed without any public address.

    ``source_dest_check`` is its ``SourceDestCheck`` (botocore: "Indicates whether
    source/destination checking is enabled"): while on, EC2 drops every packet the interface
    receives that is not addressed to it and every one it sends not from it, so it cannot forward
    (a NAT instance's must be off). Added within schema 1.2 too: a snapshot written before loads
    with ``None``, not recorded.

    ``carrier_ip_addresses`` are the carrier IP addresses of an interface in a Wavelength Zone: the
    ``CarrierIp`` of the same associations (botocore: "The carrier IP address associated with the
    network interface"), which a carrier gateway translates as an internet gateway does a public
    address ("allows outbound traffic to the carrier network and internet", Wavelength Developer
    Guide). Added within schema 1.2: ``None`` in a snapshot written before, not recorded.
    """

    network_interface_id: str
    interface_type: str
    requester_managed: bool
    requester_id: str | None
    description: str
    vpc_id: str
    subnet_id: str
    availability_zone: str
    availability_zone_id: str | None
    group_ids: tuple[str, ...]
    private_ip_addresses: tuple[str, ...]
    ipv6_addresses: tuple[str, ...]
    status: str
    instance_id: str | None
    tags: tuple[Tag, ...]
    public_ip_addresses: tuple[str, ...] | None = None
    source_dest_check: bool | None = None
    carrier_ip_addresses: tuple[str, ...] | None = None

    @classmethod
    def from_api(cls, item: Api) -> NetworkInterface:
        ips = [p.get("PrivateIpAddress") for p in item.get("PrivateIpAddresses", []) if p.get("PrivateIpAddress")]
        if not ips and item.get("PrivateIpAddress"):
            ips = [item["PrivateIpAddress"]]
        return cls(
            network_interface_id=item["NetworkInterfaceId"],
            interface_type=item.get("InterfaceType", "interface"),
            requester_managed=bool(item.get("RequesterManaged", False)),
            requester_id=item.get("RequesterId"), description=item.get("Description", "") or "",
            vpc_id=item.get("VpcId", ""), subnet_id=item.get("SubnetId", ""),
            availability_zone=item.get("AvailabilityZone", ""),
            availability_zone_id=item.get("AvailabilityZoneId"),
            group_ids=_sorted(g.get("GroupId") for g in item.get("Groups", [])),
            private_ip_addresses=tuple(dict.fromkeys(ips)),
            ipv6_addresses=tuple(a.get("Ipv6Address", "") for a in item.get("Ipv6Addresses", [])),
            status=item.get("Status", ""),
            instance_id=(item.get("Attachment") or {}).get("InstanceId"),
            tags=tags_from_api(item.get("TagSet")),
            public_ip_addresses=_association_ips(item, "PublicIp"),
            source_dest_check=None if item.get("SourceDestCheck") is None else bool(item["SourceDestCheck"]),
            carrier_ip_addresses=_association_ips(item, "CarrierIp"),
        )


def _association_ips(item: Api, field: str) -> tuple[str, ...]:
    """The interface's public (``PublicIp``) or carrier (``CarrierIp``) IPv4 addresses, its primary
    address's first, each once."""
    associations = [item.get("Association"), *(p.get("Association") for p in item.get("PrivateIpAddresses", []))]
    return tuple(dict.fromkeys(a[field] for a in associations if a and a.get(field)))


@dataclass(frozen=True, slots=True)
class FlowLog:
    flow_log_id: str
    resource_id: str
    flow_log_status: str
    deliver_logs_status: str | None
    traffic_type: str | None
    log_destination_type: str | None

    @classmethod
    def from_api(cls, item: Api) -> FlowLog:
        return cls(item["FlowLogId"], item.get("ResourceId", ""), item.get("FlowLogStatus", ""),
                   item.get("DeliverLogsStatus"), item.get("TrafficType"), item.get("LogDestinationType"))


@dataclass(frozen=True, slots=True)
class VpcAssociation:
    vpc_id: str
    vpc_region: str


@dataclass(frozen=True, slots=True)
class RecordSet:
    name: str
    record_type: str
    values: tuple[str, ...]
    alias_dns_name: str | None

    @classmethod
    def from_api(cls, item: Api) -> RecordSet:
        alias = item.get("AliasTarget") or {}
        return cls(_dns_name(item.get("Name", "")), item.get("Type", ""),
                   tuple(r.get("Value", "") for r in item.get("ResourceRecords", [])),
                   _dns_name(alias["DNSName"]) if alias.get("DNSName") else None)


def _dns_name(name: str) -> str:
    """Route 53 names end with a dot and escape '*' as \\052; normalise both."""
    return name.replace("\\052", "*").rstrip(".").lower()


@dataclass(frozen=True, slots=True)
class HostedZone:
    hosted_zone_id: str
    name: str
    vpcs: tuple[VpcAssociation, ...]
    # Record sets are collected only for zones that can answer for AWS service hostnames.
    record_sets: tuple[RecordSet, ...]
    record_sets_collected: bool

    @staticmethod
    def normalise_name(name: str) -> str:
        return _dns_name(name)


SERVICE_DNS_SUFFIXES = ("amazonaws.com", "amazonaws.com.cn", "api.aws")


def answers_for_aws_services(zone_name: str) -> bool:
    """True when a zone of this name can answer (or shadow) AWS service hostnames: the zones whose
    record sets a collection reads (and a planned snapshot therefore holds)."""
    name = HostedZone.normalise_name(zone_name)
    return any(name == s or name.endswith("." + s) or s.endswith("." + name) for s in SERVICE_DNS_SUFFIXES)


@dataclass(frozen=True, slots=True)
class ResolverTarget:
    """One of a FORWARD rule's ``TargetIps`` (botocore's route53resolver ``TargetAddress``): the
    IPv4 (``Ip``) or IPv6 (``Ipv6``) address the rule's outbound endpoint forwards queries to, and
    its ``Port``. The API documents no default port, so an absent one stays ``None``."""

    ip: str = ""
    ipv6: str = ""
    port: int | None = None

    @classmethod
    def from_api(cls, item: Api) -> ResolverTarget:
        port = item.get("Port")
        return cls(ip=str(item.get("Ip", "") or ""), ipv6=str(item.get("Ipv6", "") or ""),
                   port=port if isinstance(port, int) and not isinstance(port, bool) else None)

    @property
    def address(self) -> str:
        return self.ip or self.ipv6

    def describe(self) -> str:
        """``10.0.0.10:53``, ``[2001:db8::10]:53``, or the bare address when no port is known."""
        if self.port is None:
            return self.address
        return f"[{self.ipv6}]:{self.port}" if not self.ip and self.ipv6 else f"{self.address}:{self.port}"


@dataclass(frozen=True, slots=True)
class ResolverRuleAssociation:
    """A Resolver rule as associated with one VPC (ListResolverRuleAssociations), with what
    ListResolverRules says of the rule itself.

    ``target_ips`` (the rule's ``TargetIps``), ``resolver_endpoint_id`` (its outbound endpoint) and
    ``owner_id`` were added within schema 1.2: a snapshot written before has none of them, and
    ``target_ips`` is then ``None`` — not recorded — never ``()``, which is a rule listed without
    targets (every SYSTEM and RECURSIVE rule). ``None`` also for an association whose rule was not
    listed (``rule_type`` ``UNKNOWN``).
    """

    resolver_rule_id: str
    vpc_id: str
    domain_name: str
    rule_type: str  # FORWARD | SYSTEM | RECURSIVE | DELEGATE | UNKNOWN (the rule was not listed)
    status: str
    target_ips: tuple[ResolverTarget, ...] | None = None
    resolver_endpoint_id: str = ""  # the outbound endpoint a FORWARD rule sends its queries through
    owner_id: str = ""  # the rule's OwnerId as listed (another account's for a rule shared through AWS RAM)


@dataclass(frozen=True, slots=True)
class BlockPublicAccess:
    internet_gateway_block_mode: str  # off | block-bidirectional | block-ingress
    excluded_vpc_ids: tuple[str, ...]
    excluded_subnet_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RedshiftCluster:
    """An Amazon Redshift provisioned cluster (DescribeClusters' ``Cluster``), reduced to what tells
    whether its nodes' network interfaces call AWS services through the VPC: the Management Guide
    says "If enhanced VPC routing is not turned on, Amazon Redshift routes traffic through the
    internet, including traffic to other services within the AWS network". Its nodes' private
    addresses, VPC and security groups are what ties an interface to it (``NetworkView``); nothing
    else of the cluster is read, and it is never a finding's resource, so no tags either.

    ``EnhancedVpcRouting`` absent is AWS's default, false (CreateCluster: "Default: false"); a
    group's membership ``Status`` (active, adding, removing) is not kept. moto returns no
    ``ClusterNodes`` and no ``VpcId``: those fields are then empty.
    """

    cluster_identifier: str
    vpc_id: str
    enhanced_vpc_routing: bool
    group_ids: tuple[str, ...]  # VpcSecurityGroups[].VpcSecurityGroupId, sorted
    node_private_ips: tuple[str, ...]  # ClusterNodes[].PrivateIPAddress: the leader's and every compute node's

    @classmethod
    def from_api(cls, item: Api) -> RedshiftCluster:
        nodes = [n.get("PrivateIPAddress") for n in item.get("ClusterNodes", []) if n.get("PrivateIPAddress")]
        return cls(
            cluster_identifier=item["ClusterIdentifier"], vpc_id=item.get("VpcId", "") or "",
            enhanced_vpc_routing=bool(item.get("EnhancedVpcRouting", False)),
            group_ids=_sorted(g.get("VpcSecurityGroupId") for g in item.get("VpcSecurityGroups", [])
                              if g.get("VpcSecurityGroupId")),
            node_private_ips=tuple(dict.fromkeys(nodes)),
        )


@dataclass(frozen=True, slots=True)
class MemoryDBCluster:
    """An Amazon MemoryDB cluster (DescribeClusters' ``Cluster``) joined with its subnet group
    (DescribeSubnetGroups' ``SubnetGroup``), reduced to what ties a node's network interface to it:
    the subnets MemoryDB places its nodes in ("MemoryDB uses that subnet group to choose a subnet
    and IP addresses within that subnet to associate with your nodes", MemoryDB API,
    CreateSubnetGroup) and the security groups on them. The node interfaces call no AWS service
    from the VPC (``NetworkView.memorydb_clusters_of``); nothing else of the cluster is read, and
    it is never a finding's resource, so no tags either.

    ``SubnetGroupName`` is kept as DescribeClusters gives it; ``vpc_id`` and ``subnet_ids`` are its
    group's ``VpcId`` and ``Subnets[].Identifier``, empty when that group was not listed (created
    between the two calls, or a listing that left it out): such a cluster then fits no interface.
    A group's membership ``Status`` is not kept.
    """

    name: str
    subnet_group_name: str
    vpc_id: str
    subnet_ids: tuple[str, ...]  # the subnet group's Subnets[].Identifier, sorted
    group_ids: tuple[str, ...]  # SecurityGroups[].SecurityGroupId, sorted

    @classmethod
    def from_api(cls, item: Api, subnet_groups: Mapping[str, Api]) -> MemoryDBCluster:
        """``item``: one ``Cluster``; ``subnet_groups``: every listed ``SubnetGroup`` by ``Name``."""
        group_name = str(item.get("SubnetGroupName", "") or "")
        subnet_group = subnet_groups.get(group_name, {}) if group_name else {}
        return cls(
            name=item["Name"], subnet_group_name=group_name, vpc_id=str(subnet_group.get("VpcId", "") or ""),
            subnet_ids=_sorted(s.get("Identifier") for s in subnet_group.get("Subnets", []) if s.get("Identifier")),
            group_ids=_sorted(g.get("SecurityGroupId") for g in item.get("SecurityGroups", [])
                              if g.get("SecurityGroupId")),
        )


@dataclass(frozen=True, slots=True)
class DBInstance:
    """A DB instance as DescribeDBInstances reports it (RDS's ``DBInstance``): RDS and Aurora, and
    also "Amazon Neptune DB instances and Amazon DocumentDB instances" (the operation's own note:
    both run on RDS's control plane and are listed by the same call). Reduced to what tells which
    engine a DB instance's network interface serves: its ``Engine``, and what ties an interface to
    it (``NetworkView.db_instances_of``) — the VPC and subnets of its DB subnet group, and its VPC
    security groups. Nothing else is read, and it is never a finding's resource, so no tags.

    ``DBSubnetGroup`` absent (an instance outside any VPC, EC2-Classic's, or a field moto leaves
    out) leaves the VPC and subnets empty: the instance then fits no interface. A group's
    membership ``Status`` (active, adding, removing) is not kept.
    """

    db_instance_identifier: str
    engine: str  # e.g. aurora-mysql, postgres, oracle-ee, sqlserver-se, db2-se, neptune, docdb
    vpc_id: str  # DBSubnetGroup.VpcId
    subnet_ids: tuple[str, ...]  # DBSubnetGroup.Subnets[].SubnetIdentifier, sorted
    group_ids: tuple[str, ...]  # VpcSecurityGroups[].VpcSecurityGroupId, sorted

    @classmethod
    def from_api(cls, item: Api) -> DBInstance:
        group = item.get("DBSubnetGroup") or {}
        return cls(
            db_instance_identifier=item["DBInstanceIdentifier"], engine=item.get("Engine", "") or "",
            vpc_id=group.get("VpcId", "") or "",
            subnet_ids=_sorted(s.get("SubnetIdentifier") for s in group.get("Subnets", [])
                               if s.get("SubnetIdentifier")),
            group_ids=_sorted(g.get("VpcSecurityGroupId") for g in item.get("VpcSecurityGroups", [])
                              if g.get("VpcSecurityGroupId")),
        )


@dataclass(frozen=True, slots=True)
class DataSyncTask:
    """An AWS DataSync task (DescribeTask's answer), reduced to the network interfaces DataSync
    created for it: "For every task you create, AWS DataSync automatically generates and manages
    network interfaces for data transfer traffic" (DataSync User Guide, network interfaces for
    transfers). DescribeTask lists them by ARN (``SourceNetworkInterfaceArns``,
    ``DestinationNetworkInterfaceArns``: "The ARNs of the network interfaces that DataSync created
    for your source location", and for the destination); they are kept as interface ids, the key
    DescribeNetworkInterfaces gives, sources and destinations together (the network view reads
    them alike). The task's ARN and status (AVAILABLE, CREATING, QUEUED, RUNNING, UNAVAILABLE) say
    which task, nothing else of it is read; it is never a finding's resource, so no tags either.

    An ARN that is not an interface's (botocore's pattern: ``arn:aws…:ec2:<region>:<account>:
    network-interface/eni-…``) is not kept. moto returns neither list: the task then has none.
    """

    task_arn: str
    status: str
    network_interface_ids: tuple[str, ...]  # Source- and DestinationNetworkInterfaceArns as eni-… ids, sorted

    @classmethod
    def from_api(cls, item: Api) -> DataSyncTask:
        arns = [*item.get("SourceNetworkInterfaceArns", []), *item.get("DestinationNetworkInterfaceArns", [])]
        return cls(task_arn=item["TaskArn"], status=str(item.get("Status", "")),
                   network_interface_ids=_sorted({i for arn in arns if (i := network_interface_id(arn))}))


def network_interface_id(arn: str) -> str | None:
    """The interface id of an EC2 network interface ARN (``…:network-interface/eni-…``), else None."""
    head, _, eni = str(arn).rpartition(":network-interface/")
    return eni if head.startswith("arn:") and head.split(":")[2:3] == ["ec2"] and eni.startswith("eni-") else None


@dataclass(frozen=True, slots=True)
class MqBroker:
    """An Amazon MQ broker (DescribeBroker's answer), reduced to what ties a network interface of
    the VPC to it: the Developer Guide says "Amazon MQ provisions an elastic network interface in
    the Virtual Private Cloud (VPC) under your account ... The network interface is considered to
    be within the service scope of Amazon MQ, despite being part of your account's VPC". Nothing
    else of the broker is read, and it is never a finding's resource, so no tags either.

    ``instance_ips`` are ``BrokerInstances[].IpAddress``, "The IP address of the Elastic Network
    Interface (ENI) attached to the broker. Does not apply to RabbitMQ brokers" (botocore's mq
    model): one per broker instance of an ActiveMQ broker, the standby's too. A RabbitMQ broker
    without public accessibility is reached through VPC endpoints Amazon MQ creates in its subnets
    (CreateBroker's ``SubnetIds``: "Amazon MQ will not be able to create VPC endpoints for your
    broker with multiple subnets in the same Availability Zone"; its service-linked role may call
    ``ec2:CreateVpcEndpoint``), assumed listed by DescribeVpcEndpoints like any endpoint of the
    account: a RabbitMQ broker ties no interface to itself. ``EngineType`` is upper-cased as
    botocore's enum spells it (ACTIVEMQ, RABBITMQ; moto echoes the case it was created with);
    ``PendingSecurityGroups`` (applied at the next reboot) are not kept. moto reports fixed
    addresses (192.168.0.1 and .2), RabbitMQ's too, and creates no interface.
    """

    broker_id: str
    engine_type: str  # ACTIVEMQ | RABBITMQ
    deployment_mode: str  # SINGLE_INSTANCE | ACTIVE_STANDBY_MULTI_AZ | CLUSTER_MULTI_AZ
    subnet_ids: tuple[str, ...]  # SubnetIds, sorted
    group_ids: tuple[str, ...]  # SecurityGroups, sorted
    instance_ips: tuple[str, ...]  # BrokerInstances[].IpAddress, as listed, each once

    @classmethod
    def from_api(cls, item: Api) -> MqBroker:
        ips = [i.get("IpAddress") for i in item.get("BrokerInstances", []) if i.get("IpAddress")]
        return cls(
            broker_id=item["BrokerId"], engine_type=(item.get("EngineType") or "").upper(),
            deployment_mode=item.get("DeploymentMode", "") or "",
            subnet_ids=_sorted(item.get("SubnetIds")), group_ids=_sorted(item.get("SecurityGroups")),
            instance_ips=tuple(dict.fromkeys(ips)),
        )


# The destinations of a Firehose stream that DescribeDeliveryStream gives a VPC configuration
# (``VpcConfigurationDescription``), by their key in ``DestinationDescription``: the OpenSearch
# Service destination (both its current and its Elasticsearch form) and OpenSearch Serverless.
FIREHOSE_VPC_DESTINATIONS = ("AmazonopensearchserviceDestinationDescription", "ElasticsearchDestinationDescription",
                             "AmazonOpenSearchServerlessDestinationDescription")


@dataclass(frozen=True, slots=True)
class FirehoseVpcConfiguration:
    """Where a Firehose stream delivers into a VPC (``VpcConfigurationDescription``): "Firehose
    creates at least one ENI in each of the subnets that are specified here", with "the security
    groups that Firehose uses when it creates ENIs", through ``RoleARN``, the role "that the
    Firehose stream uses to create endpoints in the destination VPC"."""

    vpc_id: str
    subnet_ids: tuple[str, ...]  # sorted
    group_ids: tuple[str, ...]  # SecurityGroupIds, sorted
    role_arn: str

    @classmethod
    def from_api(cls, item: Api) -> FirehoseVpcConfiguration:
        return cls(vpc_id=item.get("VpcId", "") or "", subnet_ids=_sorted(item.get("SubnetIds")),
                   group_ids=_sorted(item.get("SecurityGroupIds")), role_arn=item.get("RoleARN", "") or "")


@dataclass(frozen=True, slots=True)
class FirehoseStream:
    """An Amazon Data Firehose stream (DescribeDeliveryStream's ``DeliveryStreamDescription``),
    reduced to its name and the VPC configurations of its destinations (:data:`FIREHOSE_VPC_DESTINATIONS`;
    empty for a stream delivering into no VPC). They say which network interfaces are the stream's
    (``NetworkView``): "Firehose creates at least one ENI in each of the subnets that are specified
    here", and uses them only to send to the destination — "Kinesis Data Firehose uses an IAM role
    to access the specified … S3 bucket, AWS KMS key, and CloudWatch log group and streams".
    Nothing else of the stream is read, and it is never a finding's resource, so no tags either.

    A Snowflake destination's ``SnowflakeVpcConfiguration`` names a PrivateLink endpoint of
    Snowflake's (``PrivateLinkVpceId``), not subnets of this account, and a Redshift or Splunk
    destination is reached from Firehose's own published CIDR blocks: neither puts an interface in
    a VPC, so neither is kept."""

    delivery_stream_name: str
    vpc_configurations: tuple[FirehoseVpcConfiguration, ...]

    @classmethod
    def from_api(cls, item: Api) -> FirehoseStream:
        configurations = {FirehoseVpcConfiguration.from_api(vpc)
                          for destination in item.get("Destinations", [])
                          for key in FIREHOSE_VPC_DESTINATIONS
                          if (vpc := (destination.get(key) or {}).get("VpcConfigurationDescription"))}
        return cls(delivery_stream_name=item["DeliveryStreamName"],
                   vpc_configurations=tuple(sorted(configurations, key=lambda c: (c.vpc_id, c.subnet_ids,
                                                                                c.group_ids, c.role_arn))))


# DescribeAvailabilityZones' ``ZoneType`` of a Region's own Availability Zones (botocore: "Valid
# values: availability-zone | local-zone | wavelength-zone").
STANDARD_ZONE_TYPE = "availability-zone"


@dataclass(frozen=True, slots=True)
class AvailabilityZone:
    """A zone of the Region (DescribeAvailabilityZones' ``AvailabilityZone``): an Availability Zone,
    a Local Zone or a Wavelength Zone, which DescribeSubnets does not tell apart — a subnet has its
    zone's name and ID only. Kept: what tells the zone's kind and where its addresses live.

    ``network_border_group`` is "a unique set of Availability Zones, Local Zones, or Wavelength
    Zones from which Amazon Web Services advertises IP addresses"; "IP addresses cannot move
    between network border groups" (AllocateAddress), and "the network border group of the EIPs
    must match the network border group of the Availability Zone (AZ) that the public NAT gateway
    is in" (AssociateNatGatewayAddress). A Region's AZs share the Region's group (``us-west-2``), a
    Local Zone has its own (``us-west-2-lax-1``; AWS CLI reference, describe-availability-zones).
    ``parent_zone_id`` / ``parent_zone_name``: "the zone that handles some of the Local Zone or
    Wavelength Zone control plane operations". ``opt_in_status``: ``opt-in-not-required`` for an
    AZ ("always"), ``opted-in`` or ``not-opted-in`` for the others.

    Where a field is absent (moto answers without ``NetworkBorderGroup``, ``OptInStatus`` and the
    parent zone) it is None, except an AZ's opt-in status, which AWS documents as always
    ``opt-in-not-required``. Never a finding's resource, so no tags."""

    zone_name: str
    zone_id: str
    zone_type: str | None
    network_border_group: str | None
    parent_zone_id: str | None = None
    parent_zone_name: str | None = None
    opt_in_status: str | None = None

    @classmethod
    def from_api(cls, item: Api) -> AvailabilityZone:
        zone_type = item.get("ZoneType") or None
        opt_in = item.get("OptInStatus") or ("opt-in-not-required" if zone_type == STANDARD_ZONE_TYPE else None)
        return cls(zone_name=item.get("ZoneName", "") or "", zone_id=item.get("ZoneId", "") or "", zone_type=zone_type,
                   network_border_group=item.get("NetworkBorderGroup") or None,
                   parent_zone_id=item.get("ParentZoneId") or None,
                   parent_zone_name=item.get("ParentZoneName") or None, opt_in_status=opt_in)


@dataclass(frozen=True, slots=True)
class BucketPolicy:
    bucket: str
    region: str | None
    policy: str | None  # None: the bucket has no policy


@dataclass(frozen=True, slots=True)
class Unresolved:
    """A value of a planned resource that is known only after apply (``vpcaudit plan``).

    A collection never records one; a planned snapshot does, so the audit can say "not
    evaluated" for the rules reading ``part`` in this resource's VPC (or the whole Region when
    ``vpc_id`` is None: the resource could not even be placed) instead of judging a guess.
    """

    resource_id: str  # a placeholder id for a new resource, the real id for an updated one
    resource_type: str  # as in findings: vpc, subnet, route-table, vpc-endpoint, …
    vpc_id: str | None
    part: str  # the snapshot part the value belongs to (a Part value)
    address: str  # where the change comes from, e.g. aws_route.to_hub or a template's logical id
    fields: tuple[str, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class ResourceMetric:
    """Sum of a CloudWatch metric over the look-back window for one resource."""

    resource_id: str
    namespace: str
    metric_name: str
    total: float
    datapoints: int
    window_days: int

    def __post_init__(self) -> None:
        # Byte counts over a look-back window: never negative, and far below this bound (100 Gbit/s
        # for a year and a half is ~5e17 bytes). Beyond it the cost arithmetic could overflow.
        if not 0 <= self.total <= MAX_METRIC_TOTAL:
            raise ValueError(f"a metric total must be from 0 to {MAX_METRIC_TOTAL:g}, got {self.total!r}")
        if not 0 <= self.window_days <= MAX_WINDOW_DAYS or self.datapoints < 0:
            raise ValueError(f"a metric window must be from 0 to {MAX_WINDOW_DAYS} days with a non-negative "
                             f"number of datapoints, got {self.window_days} days, {self.datapoints} datapoints")
