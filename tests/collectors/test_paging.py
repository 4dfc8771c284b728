"""Every collector family reads every page, asking for the biggest page the API allows.

moto never pages, so these tests use botocore's Stubber on the factory's own (guarded, counted)
clients: each listing answers in two pages, and the test checks the items of both pages arrive,
the page token and page size were sent, and each page counts as one call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from vpcaudit.aws.clients import ClientFactory
from vpcaudit.collectors import (
    cloudwatch,
    datasync,
    ec2_block_public_access,
    ec2_endpoints,
    ec2_interfaces,
    ec2_network,
    ec2_prefix_lists,
    ec2_routing,
    ec2_security,
    firehose,
    memorydb,
    mq,
    rds,
    redshift,
    resolver,
    route53,
    s3,
)
from vpcaudit.collectors.base import Scope
from vpcaudit.collectors.catalog import collector_operations
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part

REGION = "us-east-1"
ACCOUNT = "123456789012"
NOW = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.timezone.utc)

Stub = Callable[[str], Stubber]


@pytest.fixture
def scope(aws_env: None) -> Iterator[tuple[Scope, Stub]]:
    """A scope on a real ClientFactory whose clients are stubbed; one worker keeps call order fixed."""
    factory = ClientFactory(boto3.session.Session(region_name=REGION), operations=collector_operations())
    stubbers: dict[str, Stubber] = {}

    def stub(service: str) -> Stubber:
        if service not in stubbers:
            stubbers[service] = Stubber(factory.client(service, REGION))
            stubbers[service].activate()
        return stubbers[service]

    with ThreadPoolExecutor(1) as pool:
        yield Scope(ACCOUNT, REGION, factory, pool, 14, NOW), stub
    for stubber in stubbers.values():
        stubber.assert_no_pending_responses()
        stubber.deactivate()


def two_pages(stubber: Stubber, method: str, key: str, first: list[Any], second: list[Any],
              params: dict[str, Any] | None = None, extra: dict[str, Any] | None = None) -> None:
    """Queue ``method`` answering ``first`` with a NextToken, then ``second``."""
    base = params or {}
    stubber.add_response(method, {key: first, "NextToken": "page-2", **(extra or {})}, base)
    stubber.add_response(method, {key: second, **(extra or {})}, {**base, "NextToken": "page-2"})


def calls(scope: Scope) -> dict[str, int]:
    return scope.factory.counter.calls()


def test_vpc_family_pages_and_asks_two_attributes_per_vpc(scope: tuple[Scope, Stub]) -> None:
    sc, stub = scope
    ec2 = stub("ec2")
    two_pages(ec2, "describe_vpcs", "Vpcs", [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}],
              [{"VpcId": "vpc-2", "CidrBlock": "10.1.0.0/16"}], {"MaxResults": 1000})
    vpcs = ec2_network.fetch_vpcs(sc, {})
    assert [v.vpc_id for v in vpcs] == ["vpc-1", "vpc-2"]
    for vpc_id, support, hostnames in (("vpc-1", True, False), ("vpc-2", False, False)):
        ec2.add_response("describe_vpc_attribute", {"VpcId": vpc_id, "EnableDnsSupport": {"Value": support}},
                         {"VpcId": vpc_id, "Attribute": "enableDnsSupport"})
        ec2.add_response("describe_vpc_attribute", {"VpcId": vpc_id, "EnableDnsHostnames": {"Value": hostnames}},
                         {"VpcId": vpc_id, "Attribute": "enableDnsHostnames"})
    assert ec2_network.fetch_vpc_attributes(sc, {Part.VPCS: vpcs}) == {"vpc-1": (True, False),
                                                                       "vpc-2": (False, False)}
    # subnet-2 is shared with this account through RAM: kept, with its owner's account id.
    two_pages(ec2, "describe_subnets", "Subnets", [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "OwnerId": ACCOUNT}],
              [{"SubnetId": "subnet-2", "VpcId": "vpc-2", "OwnerId": "210987654321"}], {"MaxResults": 1000})
    assert [(s.subnet_id, s.owner_id) for s in ec2_network.fetch_subnets(sc, {})] == [
        ("subnet-1", ACCOUNT), ("subnet-2", "210987654321")]
    two_pages(ec2, "describe_dhcp_options", "DhcpOptions", [{"DhcpOptionsId": "dopt-1"}],
              [{"DhcpOptionsId": "dopt-2"}], {"MaxResults": 1000})
    assert len(ec2_network.fetch_dhcp_options(sc, {})) == 2
    assert calls(sc) == {"ec2:DescribeVpcs": 2, "ec2:DescribeVpcAttribute": 4, "ec2:DescribeSubnets": 2,
                         "ec2:DescribeDhcpOptions": 2}


def test_routing_family_pages(scope: tuple[Scope, Stub]) -> None:
    sc, stub = scope
    ec2 = stub("ec2")
    two_pages(ec2, "describe_route_tables", "RouteTables", [{"RouteTableId": "rtb-1", "VpcId": "vpc-1"}],
              [{"RouteTableId": "rtb-2", "VpcId": "vpc-1"}], {"MaxResults": 100})
    assert [t.route_table_id for t in ec2_routing.fetch_route_tables(sc, {})] == ["rtb-1", "rtb-2"]
    two_pages(ec2, "describe_internet_gateways", "InternetGateways", [{"InternetGatewayId": "igw-1"}],
              [{"InternetGatewayId": "igw-2"}], {"MaxResults": 1000})
    two_pages(ec2, "describe_egress_only_internet_gateways", "EgressOnlyInternetGateways",
              [{"EgressOnlyInternetGatewayId": "eigw-1"}], [{"EgressOnlyInternetGatewayId": "eigw-2"}],
              {"MaxResults": 255})
    gateways = ec2_routing.fetch_internet_gateways(sc, {})
    assert [(g.gateway_id, g.kind) for g in gateways] == [("igw-1", "igw"), ("igw-2", "igw"),
                                                          ("eigw-1", "eigw"), ("eigw-2", "eigw")]
    two_pages(ec2, "describe_nat_gateways", "NatGateways", [{"NatGatewayId": "nat-1"}], [{"NatGatewayId": "nat-2"}],
              {"MaxResults": 1000})
    assert len(ec2_routing.fetch_nat_gateways(sc, {})) == 2
    assert set(calls(sc).values()) == {2}


def test_endpoint_family_pages_and_keeps_one_record_per_service(scope: tuple[Scope, Stub]) -> None:
    sc, stub = scope
    ec2 = stub("ec2")
    two_pages(ec2, "describe_vpc_endpoints", "VpcEndpoints", [{"VpcEndpointId": "vpce-1"}],
              [{"VpcEndpointId": "vpce-2"}], {"MaxResults": 1000})
    assert [e.vpc_endpoint_id for e in ec2_endpoints.fetch_vpc_endpoints(sc, {})] == ["vpce-1", "vpce-2"]
    ssm = {"ServiceName": "com.amazonaws.us-east-1.ssm", "Owner": "amazon"}
    two_pages(ec2, "describe_vpc_endpoint_services", "ServiceDetails",
              [ssm, {"ServiceName": "com.amazonaws.us-east-1.s3", "Owner": "amazon"}], [ssm],
              {"MaxResults": 1000})
    assert sorted(s.service_name for s in ec2_endpoints.fetch_endpoint_services(sc, {})) == [
        "com.amazonaws.us-east-1.s3", "com.amazonaws.us-east-1.ssm"]
    assert calls(sc) == {"ec2:DescribeVpcEndpoints": 2, "ec2:DescribeVpcEndpointServices": 2}


def test_prefix_lists_read_entries_of_customer_lists_only(scope: tuple[Scope, Stub]) -> None:
    sc, stub = scope
    ec2 = stub("ec2")
    ec2.add_response("describe_prefix_lists", {"PrefixLists": [
        {"PrefixListId": "pl-s3", "PrefixListName": "com.amazonaws.us-east-1.s3", "Cidrs": ["3.5.0.0/19"]}]},
        {"MaxResults": 1000})
    two_pages(ec2, "describe_managed_prefix_lists", "PrefixLists",
              [{"PrefixListId": "pl-s3", "OwnerId": "AWS", "AddressFamily": "IPv4"}],
              [{"PrefixListId": "pl-cust", "OwnerId": ACCOUNT, "PrefixListName": "corp", "AddressFamily": "IPv4"}],
              {"MaxResults": 100})
    two_pages(ec2, "get_managed_prefix_list_entries", "Entries", [{"Cidr": "10.0.0.0/8"}], [{"Cidr": "192.168.0.0/16"}],
              {"PrefixListId": "pl-cust", "MaxResults": 100})
    lists = {p.prefix_list_id: p for p in ec2_prefix_lists.fetch_prefix_lists(sc, {})}
    assert lists["pl-s3"] == r.PrefixList("pl-s3", "com.amazonaws.us-east-1.s3", "AWS", "IPv4", ("3.5.0.0/19",))
    assert lists["pl-cust"].cidrs == ("10.0.0.0/8", "192.168.0.0/16")
    assert calls(sc) == {"ec2:DescribePrefixLists": 1, "ec2:DescribeManagedPrefixLists": 2,
                         "ec2:GetManagedPrefixListEntries": 2}


def test_security_family_joins_rules_from_every_page(scope: tuple[Scope, Stub]) -> None:
    sc, stub = scope
    ec2 = stub("ec2")
    ec2.add_response("describe_security_groups", {"SecurityGroups": [{"GroupId": "sg-1", "VpcId": "vpc-1"}]},
                     {"MaxResults": 1000})
    two_pages(ec2, "describe_security_group_rules", "SecurityGroupRules",
              [{"SecurityGroupRuleId": "sgr-1", "GroupId": "sg-1", "IsEgress": False, "IpProtocol": "tcp",
                "FromPort": 443, "ToPort": 443, "CidrIpv4": "10.0.0.0/16"}],
              [{"SecurityGroupRuleId": "sgr-2", "GroupId": "sg-1", "IsEgress": True, "IpProtocol": "-1"}],
              {"MaxResults": 1000})
    (group,) = ec2_security.fetch_security_groups(sc, {})
    assert [(x.rule_id, x.is_egress) for x in group.rules] == [("sgr-1", False), ("sgr-2", True)]
    two_pages(ec2, "describe_network_acls", "NetworkAcls", [{"NetworkAclId": "acl-1"}], [{"NetworkAclId": "acl-2"}],
              {"MaxResults": 1000})
    assert len(ec2_security.fetch_network_acls(sc, {})) == 2
    assert calls(sc) == {"ec2:DescribeSecurityGroups": 1, "ec2:DescribeSecurityGroupRules": 2,
                         "ec2:DescribeNetworkAcls": 2}


def test_interface_family_pages(scope: tuple[Scope, Stub]) -> None:
    sc, stub = scope
    ec2 = stub("ec2")
    two_pages(ec2, "describe_network_interfaces", "NetworkInterfaces", [{"NetworkInterfaceId": "eni-1"}],
              [{"NetworkInterfaceId": "eni-2"}], {"MaxResults": 1000})
    assert len(ec2_interfaces.fetch_network_interfaces(sc, {})) == 2
    two_pages(ec2, "describe_flow_logs", "FlowLogs", [{"FlowLogId": "fl-1"}], [{"FlowLogId": "fl-2"}],
              {"MaxResults": 1000})
    assert len(ec2_interfaces.fetch_flow_logs(sc, {})) == 2
    assert calls(sc) == {"ec2:DescribeNetworkInterfaces": 2, "ec2:DescribeFlowLogs": 2}


def test_interfaces_keep_their_public_addresses(scope: tuple[Scope, Stub]) -> None:
    """Each interface's public IPv4 addresses, from the DescribeNetworkInterfaces answer already
    read: the ``Association`` of its primary address (repeated in that address's entry, as AWS
    lists it) and of a secondary one, each once; a carrier or customer-owned address is no public
    one, and an interface without any association records none (``()``, not "not recorded")."""
    sc, stub = scope
    ec2 = stub("ec2")
    primary = {"AllocationId": "eipalloc-1", "AssociationId": "eipassoc-1", "IpOwnerId": "123456789012",
               "PublicIp": "198.51.100.10"}
    ec2.add_response("describe_network_interfaces", {"NetworkInterfaces": [
        {"NetworkInterfaceId": "eni-1", "Association": primary, "PrivateIpAddresses": [
            {"PrivateIpAddress": "10.0.0.10", "Primary": True, "Association": primary},
            {"PrivateIpAddress": "10.0.0.11", "Primary": False,
             "Association": {"IpOwnerId": "amazon", "PublicIp": "203.0.113.7"}}]},
        {"NetworkInterfaceId": "eni-2", "Association": {"CarrierIp": "155.146.0.1"},
         "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.1.10", "Primary": True}]},
        {"NetworkInterfaceId": "eni-3"}]}, {"MaxResults": 1000})
    enis = ec2_interfaces.fetch_network_interfaces(sc, {})
    assert [(e.network_interface_id, e.public_ip_addresses) for e in enis] == [
        ("eni-1", ("198.51.100.10", "203.0.113.7")), ("eni-2", ()), ("eni-3", ())]


def test_interfaces_keep_their_source_dest_check(scope: tuple[Scope, Stub]) -> None:
    """Each interface's ``SourceDestCheck`` from the DescribeNetworkInterfaces answer already read:
    on, off, and not listed (None: not recorded, never taken for on or off)."""
    sc, stub = scope
    ec2 = stub("ec2")
    ec2.add_response("describe_network_interfaces", {"NetworkInterfaces": [
        {"NetworkInterfaceId": "eni-1", "SourceDestCheck": True},
        {"NetworkInterfaceId": "eni-2", "SourceDestCheck": False, "Attachment": {"InstanceId": "i-1"}},
        {"NetworkInterfaceId": "eni-3"}]}, {"MaxResults": 1000})
    enis = ec2_interfaces.fetch_network_interfaces(sc, {})
    assert [(e.network_interface_id, e.source_dest_check) for e in enis] == [
        ("eni-1", True), ("eni-2", False), ("eni-3", None)]


def test_instance_routes_keep_their_interface(scope: tuple[Scope, Stub]) -> None:
    """A route to an instance lists the interface it delivers to beside the instance (AWS shows
    both; moto 5.2 lists the instance alone): the instance stays the target, the interface is
    kept with it. A route to an interface names it as its target and keeps no second copy."""
    sc, stub = scope
    ec2 = stub("ec2")
    ec2.add_response("describe_route_tables", {"RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Routes": [
        {"DestinationCidrBlock": "0.0.0.0/0", "InstanceId": "i-1", "InstanceOwnerId": "123456789012",
         "NetworkInterfaceId": "eni-1", "Origin": "CreateRoute", "State": "active"},
        {"DestinationCidrBlock": "10.1.0.0/16", "NetworkInterfaceId": "eni-2", "Origin": "CreateRoute",
         "State": "active"},
        {"DestinationCidrBlock": "10.2.0.0/16", "InstanceId": "i-2", "Origin": "CreateRoute", "State": "active"}]}]},
        {"MaxResults": 100})
    (table,) = ec2_routing.fetch_route_tables(sc, {})
    assert [(x.target_kind, x.target_id, x.network_interface_id) for x in table.routes] == [
        ("instance", "i-1", "eni-1"), ("eni", "eni-2", None), ("instance", "i-2", None)]


def test_block_public_access_pages_exclusions_by_hand(scope: tuple[Scope, Stub]) -> None:
    """botocore has no paginator for the exclusions: the NextToken loop is ours."""
    sc, stub = scope
    ec2 = stub("ec2")
    ec2.add_response("describe_vpc_block_public_access_options",
                     {"VpcBlockPublicAccessOptions": {"InternetGatewayBlockMode": "block-bidirectional"}}, {})
    arn = f"arn:aws:ec2:{REGION}:{ACCOUNT}"
    two_pages(ec2, "describe_vpc_block_public_access_exclusions", "VpcBlockPublicAccessExclusions",
              [{"ResourceArn": f"{arn}:vpc/vpc-1", "State": "create-complete"}],
              [{"ResourceArn": f"{arn}:subnet/subnet-1", "State": "update-complete"},
               {"ResourceArn": f"{arn}:subnet/subnet-2", "State": "delete-complete"}], {"MaxResults": 1000})
    assert ec2_block_public_access.fetch_block_public_access(sc, {}) == r.BlockPublicAccess(
        "block-bidirectional", ("vpc-1",), ("subnet-1",))
    assert calls(sc)["ec2:DescribeVpcBlockPublicAccessExclusions"] == 2


def _vpc(vpc_id: str) -> r.Vpc:
    return r.Vpc(vpc_id, ACCOUNT, ("10.0.0.0/16",), (), False, None, "available", ())


def test_route53_per_vpc_pages_zones_and_record_sets(scope: tuple[Scope, Stub]) -> None:
    sc, stub = scope
    r53 = stub("route53")
    owner = {"OwningAccount": ACCOUNT}
    r53.add_response("list_hosted_zones_by_vpc", {"HostedZoneSummaries": [
        {"HostedZoneId": "Z1", "Name": "us-east-1.amazonaws.com.", "Owner": owner}], "MaxItems": "100",
        "NextToken": "page-2"}, {"VPCId": "vpc-1", "VPCRegion": REGION})
    r53.add_response("list_hosted_zones_by_vpc", {"HostedZoneSummaries": [
        {"HostedZoneId": "Z2", "Name": "corp.internal.", "Owner": owner}], "MaxItems": "100"},
        {"VPCId": "vpc-1", "VPCRegion": REGION, "NextToken": "page-2"})
    # Z1 answers for AWS service names: its whole VPC list is read (a spoke account's VPC too).
    r53.add_response("get_hosted_zone", {"HostedZone": {"Id": "/hostedzone/Z1", "Name": "us-east-1.amazonaws.com.",
                                                        "CallerReference": "Z1", "Config": {"PrivateZone": True}},
                                         "VPCs": [{"VPCId": "vpc-1", "VPCRegion": REGION},
                                                  {"VPCId": "vpc-spoke", "VPCRegion": REGION}]}, {"Id": "Z1"})
    r53.add_response("list_resource_record_sets", {
        "ResourceRecordSets": [{"Name": "api.ecr.us-east-1.amazonaws.com.", "Type": "A"}], "IsTruncated": True,
        "NextRecordName": "ssm.us-east-1.amazonaws.com.", "NextRecordType": "A", "MaxItems": "300"},
        {"HostedZoneId": "Z1"})
    r53.add_response("list_resource_record_sets", {
        "ResourceRecordSets": [{"Name": "ssm.us-east-1.amazonaws.com.", "Type": "A"}], "IsTruncated": False,
        "MaxItems": "300"}, {"HostedZoneId": "Z1", "StartRecordName": "ssm.us-east-1.amazonaws.com.",
                             "StartRecordType": "A"})
    zones = route53.fetch_hosted_zones(sc, {REGION: {Part.VPCS: (_vpc("vpc-1"),)}})[REGION]
    by_id = {z.hosted_zone_id: z for z in zones}
    assert [x.name for x in by_id["Z1"].record_sets] == ["api.ecr.us-east-1.amazonaws.com",
                                                         "ssm.us-east-1.amazonaws.com"]
    assert not by_id["Z2"].record_sets_collected
    assert [a.vpc_id for a in by_id["Z1"].vpcs] == ["vpc-1", "vpc-spoke"]
    assert [a.vpc_id for a in by_id["Z2"].vpcs] == ["vpc-1"]  # not a service zone: this account's VPCs only
    assert calls(sc) == {"route53:ListHostedZonesByVPC": 2, "route53:GetHostedZone": 1,
                         "route53:ListResourceRecordSets": 2}


def test_route53_zone_listing_pages_when_fewer_zones_than_vpcs(scope: tuple[Scope, Stub]) -> None:
    sc, stub = scope
    r53 = stub("route53")

    def zone(zone_id: str, name: str) -> dict[str, Any]:
        return {"Id": f"/hostedzone/{zone_id}", "Name": name, "CallerReference": zone_id,
                "Config": {"PrivateZone": True}}

    r53.add_response("list_hosted_zones", {"HostedZones": [zone("Z1", "corp.internal.")], "Marker": "",
                                         "IsTruncated": True, "NextMarker": "Z2", "MaxItems": "100"},
                     {"HostedZoneType": "PrivateHostedZone"})
    r53.add_response("list_hosted_zones", {"HostedZones": [zone("Z2", "other.internal.")], "Marker": "Z2",
                                         "IsTruncated": False, "MaxItems": "100"},
                     {"HostedZoneType": "PrivateHostedZone", "Marker": "Z2"})
    r53.add_response("get_hosted_zone", {"HostedZone": zone("Z1", "corp.internal."),
                                       "VPCs": [{"VPCId": "vpc-1", "VPCRegion": REGION},
                                                {"VPCId": "vpc-9", "VPCRegion": "eu-west-1"}]},
                     {"Id": "Z1"})
    r53.add_response("get_hosted_zone", {"HostedZone": zone("Z2", "other.internal."),
                                       "VPCs": [{"VPCId": "vpc-elsewhere", "VPCRegion": REGION}]},
                     {"Id": "Z2"})
    vpcs = tuple(_vpc(f"vpc-{i}") for i in (1, 2, 3))
    zones = route53.fetch_hosted_zones(sc, {REGION: {Part.VPCS: vpcs}})[REGION]
    # Every association in a collected Region is kept, another account's VPC's too (Z2 serves only
    # one); Z1's association with an uncollected Region is not.
    assert [(z.hosted_zone_id, z.vpcs) for z in zones] == [("Z1", (r.VpcAssociation("vpc-1", REGION),)),
                                                           ("Z2", (r.VpcAssociation("vpc-elsewhere", REGION),))]
    assert calls(sc) == {"route53:ListHostedZones": 2, "route53:GetHostedZone": 2}


def test_resolver_pages_and_joins(scope: tuple[Scope, Stub]) -> None:
    sc, stub = scope
    client = stub("route53resolver")
    client.add_response("list_resolver_rules", {"ResolverRules": [
        {"Id": "rslvr-rr-1", "DomainName": "corp.example.", "RuleType": "FORWARD",
         "TargetIps": [{"Ip": "192.168.0.2", "Port": 53}, {"Ipv6": "2001:db8::2", "Port": 5353}, {"Ip": "192.168.0.3"}],
         "ResolverEndpointId": "rslvr-out-1", "OwnerId": "210987654321", "ShareStatus": "SHARED_WITH_ME"},
        {"Id": "rslvr-autodefined-rr-internet-resolver", "DomainName": ".", "RuleType": "RECURSIVE",
         "OwnerId": "Route 53 Resolver", "ShareStatus": "NOT_SHARED"}]}, {"MaxResults": 100})
    two_pages(client, "list_resolver_rule_associations", "ResolverRuleAssociations",
              [{"ResolverRuleId": "rslvr-rr-1", "VPCId": "vpc-1", "Status": "COMPLETE"},
               {"ResolverRuleId": "rslvr-autodefined-rr-internet-resolver", "VPCId": "vpc-1", "Status": "COMPLETE"}],
              [{"ResolverRuleId": "rslvr-rr-2", "VPCId": "vpc-2", "Status": "COMPLETE"}], {"MaxResults": 100})
    associations = resolver.fetch_resolver_rules(sc, {})
    assert [(a.vpc_id, a.domain_name, a.rule_type) for a in associations] == [
        ("vpc-1", "corp.example", "FORWARD"), ("vpc-1", ".", "RECURSIVE"), ("vpc-2", "", "UNKNOWN")]
    # The rule's targets, outbound endpoint and owner come from the same ListResolverRules answer: a
    # rule without targets lists none (()), an association whose rule is not listed records none (None).
    forward, recursive, unlisted = associations
    assert [t.describe() for t in forward.target_ips or ()] == ["192.168.0.2:53", "[2001:db8::2]:5353", "192.168.0.3"]
    assert (forward.resolver_endpoint_id, forward.owner_id) == ("rslvr-out-1", "210987654321")
    assert (recursive.target_ips, recursive.resolver_endpoint_id, unlisted.target_ips) == ((), "", None)
    assert calls(sc) == {"route53resolver:ListResolverRules": 1, "route53resolver:ListResolverRuleAssociations": 2}


def test_redshift_pages_clusters_by_marker(scope: tuple[Scope, Stub]) -> None:
    """Redshift pages with ``Marker`` and ``MaxRecords``, whose default (100) is its maximum: no page
    size is sent, and no call is made per cluster."""
    sc, stub = scope
    client = stub("redshift")
    client.add_response("describe_clusters", {"Clusters": [
        {"ClusterIdentifier": "etl", "VpcId": "vpc-1", "EnhancedVpcRouting": True,
         "VpcSecurityGroups": [{"VpcSecurityGroupId": "sg-2", "Status": "active"},
                               {"VpcSecurityGroupId": "sg-1", "Status": "active"}],
         "ClusterNodes": [{"NodeRole": "LEADER", "PrivateIPAddress": "10.0.10.5"},
                          {"NodeRole": "COMPUTE-0", "PrivateIPAddress": "10.0.10.6"}]}],
        "Marker": "page-2"}, {})
    client.add_response("describe_clusters", {"Clusters": [
        {"ClusterIdentifier": "reports", "VpcId": "vpc-1", "EnhancedVpcRouting": False,
         "ClusterNodes": [{"NodeRole": "SHARED", "PrivateIPAddress": "10.0.10.7"}]}]}, {"Marker": "page-2"})
    assert redshift.fetch_redshift_clusters(sc, {}) == (
        r.RedshiftCluster("etl", "vpc-1", True, ("sg-1", "sg-2"), ("10.0.10.5", "10.0.10.6")),
        r.RedshiftCluster("reports", "vpc-1", False, (), ("10.0.10.7",)))
    assert calls(sc) == {"redshift:DescribeClusters": 2}


def test_memorydb_pages_clusters_and_subnet_groups_and_joins_them(scope: tuple[Scope, Stub]) -> None:
    """MemoryDB pages both listings with ``NextToken``; its model declares no maximum ``MaxResults``,
    so no page size is sent. Each cluster gets its subnet group's VPC and subnets, whichever page
    either came on; a cluster whose group is not listed gets none. No call per cluster."""
    sc, stub = scope
    client = stub("memorydb")
    two_pages(client, "describe_clusters", "Clusters", [
        {"Name": "sessions", "SubnetGroupName": "cache",
         "SecurityGroups": [{"SecurityGroupId": "sg-2", "Status": "active"},
                            {"SecurityGroupId": "sg-1", "Status": "active"}]}],
        [{"Name": "orphan", "SubnetGroupName": "gone", "SecurityGroups": [{"SecurityGroupId": "sg-3"}]}])
    two_pages(client, "describe_subnet_groups", "SubnetGroups", [
        {"Name": "default", "VpcId": "vpc-9", "Subnets": [{"Identifier": "subnet-9"}]}],
        [{"Name": "cache", "VpcId": "vpc-1", "Subnets": [{"Identifier": "subnet-b", "AvailabilityZone": {"Name": "b"}},
                                                       {"Identifier": "subnet-a", "AvailabilityZone": {"Name": "a"}}]}])
    assert memorydb.fetch_memorydb_clusters(sc, {}) == (
        r.MemoryDBCluster("sessions", "cache", "vpc-1", ("subnet-a", "subnet-b"), ("sg-1", "sg-2")),
        r.MemoryDBCluster("orphan", "gone", "", (), ("sg-3",)))
    assert calls(sc) == {"memorydb:DescribeClusters": 2, "memorydb:DescribeSubnetGroups": 2}
def test_rds_pages_db_instances_by_marker(scope: tuple[Scope, Stub]) -> None:
    """RDS pages with ``Marker`` and ``MaxRecords``, whose default (100) is its maximum: no page size
    is sent, and no call is made per instance. Neptune's and DocumentDB's instances come in the
    same listing, told by their ``Engine``."""
    sc, stub = scope
    client = stub("rds")
    client.add_response("describe_db_instances", {"DBInstances": [
        {"DBInstanceIdentifier": "orders", "Engine": "aurora-postgresql", "DBClusterIdentifier": "orders",
         "VpcSecurityGroups": [{"VpcSecurityGroupId": "sg-2", "Status": "active"},
                               {"VpcSecurityGroupId": "sg-1", "Status": "active"}],
         "DBSubnetGroup": {"DBSubnetGroupName": "data", "VpcId": "vpc-1", "SubnetGroupStatus": "Complete",
                           "Subnets": [{"SubnetIdentifier": "subnet-b", "SubnetStatus": "Active"},
                                       {"SubnetIdentifier": "subnet-a", "SubnetStatus": "Active"}]}}],
        "Marker": "page-2"}, {})
    client.add_response("describe_db_instances", {"DBInstances": [
        {"DBInstanceIdentifier": "graph", "Engine": "neptune",
         "VpcSecurityGroups": [{"VpcSecurityGroupId": "sg-3", "Status": "active"}],
         "DBSubnetGroup": {"DBSubnetGroupName": "graph", "VpcId": "vpc-1",
                           "Subnets": [{"SubnetIdentifier": "subnet-a"}]}},
        {"DBInstanceIdentifier": "docs", "Engine": "docdb"}]}, {"Marker": "page-2"})
    assert rds.fetch_db_instances(sc, {}) == (
        r.DBInstance("orders", "aurora-postgresql", "vpc-1", ("subnet-a", "subnet-b"), ("sg-1", "sg-2")),
        r.DBInstance("graph", "neptune", "vpc-1", ("subnet-a",), ("sg-3",)),
        r.DBInstance("docs", "docdb", "", (), ()))
    assert calls(sc) == {"rds:DescribeDBInstances": 2}


def test_datasync_pages_tasks_and_describes_each(scope: tuple[Scope, Stub]) -> None:
    """ListTasks pages with ``NextToken`` and ``MaxResults`` (100, the model's maximum); DataSync has
    no batch read of tasks, so each listed task gets one DescribeTask, whose interface ARNs become
    interface ids (sources and destinations together)."""
    sc, stub = scope
    client = stub("datasync")
    arn = f"arn:aws:datasync:{REGION}:{ACCOUNT}:task/task-0{{}}"
    eni = f"arn:aws:ec2:{REGION}:{ACCOUNT}:network-interface/eni-0{{}}"
    two_pages(client, "list_tasks", "Tasks", [{"TaskArn": arn.format(1), "Status": "AVAILABLE"}],
              [{"TaskArn": arn.format(2), "Status": "RUNNING"}], {"MaxResults": 100})
    client.add_response("describe_task", {
        "TaskArn": arn.format(1), "Status": "AVAILABLE",
        "DestinationNetworkInterfaceArns": [eni.format("d2"), eni.format("d1")]}, {"TaskArn": arn.format(1)})
    client.add_response("describe_task", {
        "TaskArn": arn.format(2), "Status": "RUNNING", "SourceNetworkInterfaceArns": [eni.format("a1")],
        "DestinationNetworkInterfaceArns": [eni.format("b1")]}, {"TaskArn": arn.format(2)})
    assert datasync.fetch_datasync_tasks(sc, {}) == (
        r.DataSyncTask(arn.format(1), "AVAILABLE", ("eni-0d1", "eni-0d2")),
        r.DataSyncTask(arn.format(2), "RUNNING", ("eni-0a1", "eni-0b1")))
    assert calls(sc) == {"datasync:ListTasks": 2, "datasync:DescribeTask": 2}


def test_mq_pages_brokers_by_token_and_describes_each(scope: tuple[Scope, Stub]) -> None:
    """ListBrokers pages with ``NextToken`` at its largest page (100); the summaries carry no
    subnets, groups or instances and Amazon MQ has no batch read, so each broker is described on
    its own. A broker deleted in between (``NotFoundException``) is left out."""
    sc, stub = scope
    client = stub("mq")

    def summary(broker_id: str, engine: str) -> dict[str, Any]:
        return {"BrokerId": broker_id, "BrokerName": broker_id, "BrokerState": "RUNNING",
                "DeploymentMode": "ACTIVE_STANDBY_MULTI_AZ" if engine == "ACTIVEMQ" else "CLUSTER_MULTI_AZ",
                "EngineType": engine}

    client.add_response("list_brokers", {"BrokerSummaries": [summary("b-orders", "ACTIVEMQ"),
                                                             summary("b-gone", "ACTIVEMQ")],
                                         "NextToken": "page-2"}, {"MaxResults": 100})
    client.add_response("list_brokers", {"BrokerSummaries": [summary("b-events", "RABBITMQ")]},
                        {"MaxResults": 100, "NextToken": "page-2"})
    client.add_response("describe_broker", {
        "BrokerId": "b-orders", "EngineType": "ACTIVEMQ", "DeploymentMode": "ACTIVE_STANDBY_MULTI_AZ",
        "SubnetIds": ["subnet-2", "subnet-1"], "SecurityGroups": ["sg-1"],
        "BrokerInstances": [{"ConsoleURL": "https://b-orders-1.mq.us-east-1.amazonaws.com:8162",
                             "Endpoints": ["ssl://b-orders-1.mq.us-east-1.amazonaws.com:61617"],
                             "IpAddress": "10.0.1.10"},
                            {"ConsoleURL": "https://b-orders-2.mq.us-east-1.amazonaws.com:8162",
                             "Endpoints": ["ssl://b-orders-2.mq.us-east-1.amazonaws.com:61617"],
                             "IpAddress": "10.0.2.10"}]}, {"BrokerId": "b-orders"})
    client.add_client_error("describe_broker", "NotFoundException", http_status_code=404,
                            expected_params={"BrokerId": "b-gone"})
    client.add_response("describe_broker", {  # RabbitMQ: no IpAddress ("Does not apply to RabbitMQ brokers")
        "BrokerId": "b-events", "EngineType": "RABBITMQ", "DeploymentMode": "CLUSTER_MULTI_AZ",
        "SubnetIds": ["subnet-1", "subnet-2", "subnet-3"], "SecurityGroups": ["sg-3", "sg-2"],
        "BrokerInstances": [{"ConsoleURL": "https://b-events.mq.us-east-1.amazonaws.com",
                             "Endpoints": ["amqps://b-events.mq.us-east-1.amazonaws.com:5671"]}]},
        {"BrokerId": "b-events"})
    assert mq.fetch_mq_brokers(sc, {}) == (
        r.MqBroker("b-orders", "ACTIVEMQ", "ACTIVE_STANDBY_MULTI_AZ", ("subnet-1", "subnet-2"), ("sg-1",),
                   ("10.0.1.10", "10.0.2.10")),
        r.MqBroker("b-events", "RABBITMQ", "CLUSTER_MULTI_AZ", ("subnet-1", "subnet-2", "subnet-3"),
                   ("sg-2", "sg-3"), ()))
    assert calls(sc) == {"mq:ListBrokers": 2, "mq:DescribeBroker": 3}


def _stream(name: str, *destinations: dict[str, Any], more: bool = False) -> dict[str, Any]:
    """A DescribeDeliveryStream answer (botocore's ``DeliveryStreamDescription``)."""
    return {"DeliveryStreamDescription": {
        "DeliveryStreamName": name, "DeliveryStreamARN": f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/{name}",
        "DeliveryStreamStatus": "ACTIVE", "DeliveryStreamType": "DirectPut", "VersionId": "1",
        "Destinations": list(destinations), "HasMoreDestinations": more}}


def test_firehose_pages_streams_by_the_last_name_and_describes_each(scope: tuple[Scope, Stub]) -> None:
    """ListDeliveryStreams has no token and no botocore paginator: each page starts after the last
    name of the one before (``ExclusiveStartDeliveryStreamName``) while ``HasMoreDeliveryStreams``
    says so, asking for the largest page (``Limit`` 10,000). Then one DescribeDeliveryStream per
    stream (no batch read); a stream deleted in between is left out."""
    sc, stub = scope
    client = stub("firehose")
    client.add_response("list_delivery_streams", {"DeliveryStreamNames": ["logs", "search"],
                                                  "HasMoreDeliveryStreams": True}, {"Limit": 10000})
    client.add_response("list_delivery_streams", {"DeliveryStreamNames": ["vanished"], "HasMoreDeliveryStreams": False},
                        {"Limit": 10000, "ExclusiveStartDeliveryStreamName": "search"})
    role = f"arn:aws:iam::{ACCOUNT}:role/delivery"
    client.add_response("describe_delivery_stream", _stream("logs", {
        "DestinationId": "destinationId-000000000001",
        "ExtendedS3DestinationDescription": {"RoleARN": role, "BucketARN": "arn:aws:s3:::logs",
                                             "BufferingHints": {}, "CompressionFormat": "GZIP",
                                             "EncryptionConfiguration": {}}}), {"DeliveryStreamName": "logs"})
    client.add_response("describe_delivery_stream", _stream("search", {
        "DestinationId": "destinationId-000000000001",
        "AmazonopensearchserviceDestinationDescription": {"VpcConfigurationDescription": {
            "SubnetIds": ["subnet-2", "subnet-1"], "SecurityGroupIds": ["sg-1"], "RoleARN": role,
            "VpcId": "vpc-1"}}}), {"DeliveryStreamName": "search"})
    client.add_client_error("describe_delivery_stream", "ResourceNotFoundException",
                            expected_params={"DeliveryStreamName": "vanished"})
    assert firehose.fetch_firehose_streams(sc, {}) == (
        r.FirehoseStream("logs", ()),
        r.FirehoseStream("search", (r.FirehoseVpcConfiguration("vpc-1", ("subnet-1", "subnet-2"), ("sg-1",), role),)))
    assert calls(sc) == {"firehose:ListDeliveryStreams": 2, "firehose:DescribeDeliveryStream": 3}


def test_firehose_reads_every_destination_a_stream_says_it_has(scope: tuple[Scope, Stub]) -> None:
    """A stream has one destination, but should DescribeDeliveryStream say more follow
    (``HasMoreDestinations``), they are asked for after the last one's ``DestinationId``."""
    sc, stub = scope
    client = stub("firehose")
    client.add_response("list_delivery_streams", {"DeliveryStreamNames": ["search"], "HasMoreDeliveryStreams": False},
                        {"Limit": 10000})
    vpc = {"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"], "RoleARN": f"arn:aws:iam::{ACCOUNT}:role/d",
           "VpcId": "vpc-1"}
    client.add_response("describe_delivery_stream", _stream("search", {
        "DestinationId": "d-1", "ElasticsearchDestinationDescription": {"VpcConfigurationDescription": vpc}},
        more=True), {"DeliveryStreamName": "search"})
    client.add_response("describe_delivery_stream", _stream("search", {
        "DestinationId": "d-2", "AmazonOpenSearchServerlessDestinationDescription": {
            "VpcConfigurationDescription": {**vpc, "SubnetIds": ["subnet-2"]}}}),
        {"DeliveryStreamName": "search", "ExclusiveStartDestinationId": "d-1"})
    (stream,) = firehose.fetch_firehose_streams(sc, {})
    assert [c.subnet_ids for c in stream.vpc_configurations] == [("subnet-1",), ("subnet-2",)]
    assert calls(sc) == {"firehose:ListDeliveryStreams": 1, "firehose:DescribeDeliveryStream": 2}


def test_s3_pages_buckets_and_reads_each_policy(scope: tuple[Scope, Stub]) -> None:
    sc, stub = scope
    client = stub("s3")
    client.add_response("list_buckets", {"Buckets": [{"Name": "a"}], "ContinuationToken": "page-2"}, {})
    client.add_response("list_buckets", {"Buckets": [{"Name": "b"}]}, {"ContinuationToken": "page-2"})
    client.add_response("get_bucket_policy", {"Policy": '{"Statement": []}'}, {"Bucket": "a"})
    client.add_client_error("get_bucket_policy", "NoSuchBucketPolicy", http_status_code=404,
                            expected_params={"Bucket": "b"})
    assert s3.fetch_bucket_policies(sc, {}) == (r.BucketPolicy("a", None, '{"Statement": []}'),
                                                r.BucketPolicy("b", None, None))
    assert calls(sc) == {"s3:ListBuckets": 2, "s3:GetBucketPolicy": 2}


def test_cloudwatch_pages_and_sums_a_metric_split_across_pages(scope: tuple[Scope, Stub]) -> None:
    sc, stub = scope
    client = stub("cloudwatch")
    query = {"MetricDataQueries": ANY, "StartTime": ANY, "EndTime": ANY}
    client.add_response("get_metric_data", {"MetricDataResults": [
        {"Id": "q0", "Values": [1.0, 2.0], "StatusCode": "PartialData"}], "NextToken": "page-2"}, query)
    client.add_response("get_metric_data", {"MetricDataResults": [
        {"Id": "q0", "Values": [4.0], "StatusCode": "Complete"}, {"Id": "q1", "Values": [], "StatusCode": "Complete"},
        {"Id": "q2", "Values": [], "StatusCode": "Complete"}]}, {**query, "NextToken": "page-2"})
    nat = r.NatGateway("nat-1", "vpc-1", "subnet-1", "available", "public", "zonal", None, (), ())
    metrics = cloudwatch.fetch_metrics(sc, {Part.NAT_GATEWAYS: (nat,), Part.VPC_ENDPOINTS: ()})
    assert [(m.metric_name, m.total, m.datapoints) for m in metrics] == [
        ("BytesOutToDestination", 7.0, 3), ("BytesInFromSource", 0.0, 0), ("BytesInFromDestination", 0.0, 0)]
    assert calls(sc) == {"cloudwatch:GetMetricData": 2}
