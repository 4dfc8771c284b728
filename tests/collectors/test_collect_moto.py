"""Collect an in-process moto account and check the snapshot against what boto3 itself sees.

The estate has one of everything the collectors read: secondary and IPv6 CIDRs, custom DHCP
options, subnets in three AZs, IGW + egress-only IGW + NAT, public/private route tables with an
edge association, S3 gateway and SSM interface endpoints with a custom policy, security groups
with CIDR / group / prefix-list rules, a custom NACL, a standalone ENI and one carrying an
Elastic IP with source/destination checking off, a flow log, two private
hosted zones (one shadowing AWS service names), a Resolver forward rule and a customer prefix
list. Every part must come back ``ok``, match boto3 and survive a JSON round trip.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from vpcaudit.collectors.run import collect_snapshot
from vpcaudit.snapshot.jsonfile import from_json, to_json
from vpcaudit.snapshot.model import Part, RegionSnapshot, State
from vpcaudit.snapshot.resources import ResolverTarget

REGION = "us-east-1"
AZS = ("us-east-1a", "us-east-1b", "us-east-1c")
SSM_POLICY = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": "*", "Action": "ssm:*", "Resource": "*",
    "Condition": {"StringEquals": {"aws:PrincipalAccount": "123456789012"}}}]}


@dataclass(frozen=True)
class Estate:
    vpc: str
    other_vpc: str
    public_subnet: str
    private_subnets: tuple[str, ...]
    igw: str
    eigw: str
    nat: str
    public_rt: str
    private_rt: str
    s3_endpoint: str
    ssm_endpoint: str
    endpoint_sg: str
    client_sg: str
    nacl: str
    eni: str
    flow_log: str
    service_zone: str
    corp_zone: str
    resolver_rule: str
    customer_pl: str
    dhcp: str
    public_eni: str
    elastic_ip: str


def build_estate(session: boto3.session.Session) -> Estate:
    ec2 = session.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True,
                         TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "prod"}]}])
    vpc_id = vpc["Vpc"]["VpcId"]
    ec2.associate_vpc_cidr_block(VpcId=vpc_id, CidrBlock="10.1.0.0/16")
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    other = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    dhcp = ec2.create_dhcp_options(DhcpConfigurations=[
        {"Key": "domain-name-servers", "Values": ["10.2.0.2", "10.2.0.3"]},
        {"Key": "domain-name", "Values": ["corp.example"]}])["DhcpOptions"]["DhcpOptionsId"]
    ec2.associate_dhcp_options(DhcpOptionsId=dhcp, VpcId=other)

    public = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.0.0/24", AvailabilityZone=AZS[0])["Subnet"]["SubnetId"]
    ec2.modify_subnet_attribute(SubnetId=public, MapPublicIpOnLaunch={"Value": True})
    private = tuple(ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.0.{i + 1}.0/24", AvailabilityZone=az)
                    ["Subnet"]["SubnetId"] for i, az in enumerate(AZS))
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
    eigw = ec2.create_egress_only_internet_gateway(VpcId=vpc_id)["EgressOnlyInternetGateway"][
        "EgressOnlyInternetGatewayId"]
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=public, AllocationId=eip)["NatGateway"]["NatGatewayId"]

    public_rt = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=public_rt, SubnetId=public)
    edge_rt = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=edge_rt, GatewayId=igw)
    private_rt = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=private_rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    ec2.create_route(RouteTableId=private_rt, DestinationIpv6CidrBlock="::/0", EgressOnlyInternetGatewayId=eigw)
    for subnet in private:
        ec2.associate_route_table(RouteTableId=private_rt, SubnetId=subnet)

    endpoint_sg = ec2.create_security_group(GroupName="endpoints", Description="endpoint sg", VpcId=vpc_id)["GroupId"]
    client_sg = ec2.create_security_group(GroupName="clients", Description="client sg", VpcId=vpc_id)["GroupId"]
    customer_pl = ec2.create_managed_prefix_list(
        PrefixListName="corp-ranges", MaxEntries=5, AddressFamily="IPv4",
        Entries=[{"Cidr": "192.168.0.0/16"}, {"Cidr": "172.16.0.0/12"}])["PrefixList"]["PrefixListId"]
    ec2.authorize_security_group_ingress(GroupId=endpoint_sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]},
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": [{"GroupId": client_sg}]},
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "PrefixListIds": [{"PrefixListId": customer_pl}]},
    ])
    s3_endpoint = ec2.create_vpc_endpoint(VpcId=vpc_id, ServiceName=f"com.amazonaws.{REGION}.s3",
                                          VpcEndpointType="Gateway", RouteTableIds=[private_rt])
    ssm_endpoint = ec2.create_vpc_endpoint(
        VpcId=vpc_id, ServiceName=f"com.amazonaws.{REGION}.ssm", VpcEndpointType="Interface",
        SubnetIds=list(private[:2]), SecurityGroupIds=[endpoint_sg], PrivateDnsEnabled=False,
        PolicyDocument=json.dumps(SSM_POLICY))

    nacl = ec2.create_network_acl(VpcId=vpc_id)["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(NetworkAclId=nacl, RuleNumber=100, Protocol="6", RuleAction="allow",
                                 Egress=False, CidrBlock="10.0.0.0/16", PortRange={"From": 443, "To": 443})
    ec2.create_network_acl_entry(NetworkAclId=nacl, RuleNumber=200, Protocol="-1", RuleAction="deny",
                                 Egress=True, CidrBlock="0.0.0.0/0")
    current = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [private[2]]}])
    association = next(a["NetworkAclAssociationId"] for a in current["NetworkAcls"][0]["Associations"]
                       if a["SubnetId"] == private[2])
    ec2.replace_network_acl_association(AssociationId=association, NetworkAclId=nacl)

    eni = ec2.create_network_interface(SubnetId=private[0], Groups=[client_sg],
                                       Description="app server")["NetworkInterface"]["NetworkInterfaceId"]
    # moto (5.2) lists an Elastic IP in the interface's top-level Association only, never in
    # PrivateIpAddresses[].Association as AWS does for each address; and AssociateAddress with a
    # secondary PrivateIpAddress moves the primary's association instead. So only the primary
    # address's Elastic IP is checked here; the per-address ones in tests/collectors/test_paging.py.
    public_eni = ec2.create_network_interface(SubnetId=public, Groups=[endpoint_sg],
                                              Description="sftp server")["NetworkInterface"]["NetworkInterfaceId"]
    elastic_ip = ec2.allocate_address(Domain="vpc")
    ec2.associate_address(AllocationId=elastic_ip["AllocationId"], NetworkInterfaceId=public_eni)
    # moto (5.2) keeps SourceDestCheck per interface and changes it through
    # ModifyNetworkInterfaceAttribute; ModifyInstanceAttribute records it on the instance only,
    # leaving its primary interface's (which AWS changes with it) as it was: so the interface's.
    ec2.modify_network_interface_attribute(NetworkInterfaceId=public_eni, SourceDestCheck={"Value": False})
    s3 = session.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="flow-logs-bucket")
    flow_log = ec2.create_flow_logs(ResourceIds=[vpc_id], ResourceType="VPC", TrafficType="ALL",
                                    LogDestinationType="s3",
                                    LogDestination="arn:aws:s3:::flow-logs-bucket")["FlowLogIds"][0]

    r53 = session.client("route53", region_name=REGION)
    service_zone = r53.create_hosted_zone(
        Name=f"{REGION}.amazonaws.com", CallerReference="service", HostedZoneConfig={"PrivateZone": True},
        VPC={"VPCRegion": REGION, "VPCId": vpc_id})["HostedZone"]["Id"].rsplit("/", 1)[-1]
    r53.change_resource_record_sets(HostedZoneId=service_zone, ChangeBatch={"Changes": [{
        "Action": "CREATE", "ResourceRecordSet": {"Name": f"ssm.{REGION}.amazonaws.com", "Type": "A", "TTL": 60,
                                                  "ResourceRecords": [{"Value": "10.0.1.10"}]}}]})
    corp_zone = r53.create_hosted_zone(
        Name="corp.internal", CallerReference="corp", HostedZoneConfig={"PrivateZone": True},
        VPC={"VPCRegion": REGION, "VPCId": vpc_id})["HostedZone"]["Id"].rsplit("/", 1)[-1]
    r53.associate_vpc_with_hosted_zone(HostedZoneId=corp_zone, VPC={"VPCRegion": REGION, "VPCId": other})

    resolver = session.client("route53resolver", region_name=REGION)
    resolver_sg = ec2.create_security_group(GroupName="resolver", Description="resolver", VpcId=vpc_id)["GroupId"]
    outbound = resolver.create_resolver_endpoint(
        CreatorRequestId="out", Name="out", SecurityGroupIds=[resolver_sg], Direction="OUTBOUND",
        IpAddresses=[{"SubnetId": private[0]}, {"SubnetId": private[1]}])["ResolverEndpoint"]["Id"]
    rule = resolver.create_resolver_rule(CreatorRequestId="fwd", RuleType="FORWARD", DomainName="corp.example.",
                                         TargetIps=[{"Ip": "192.168.0.2", "Port": 53}],
                                         ResolverEndpointId=outbound)["ResolverRule"]["Id"]
    resolver.associate_resolver_rule(ResolverRuleId=rule, VPCId=vpc_id)
    return Estate(vpc_id, other, public, private, igw, eigw, nat, public_rt, private_rt,
                  s3_endpoint["VpcEndpoint"]["VpcEndpointId"], ssm_endpoint["VpcEndpoint"]["VpcEndpointId"],
                  endpoint_sg, client_sg, nacl, eni, flow_log, service_zone, corp_zone, rule, customer_pl, dhcp,
                  public_eni, elastic_ip["PublicIp"])


@pytest.fixture(scope="module")
def collected(module_session: boto3.session.Session) -> tuple[Estate, RegionSnapshot, Any]:
    """One estate and one collection shared by the read-only checks below (building it takes seconds)."""
    estate = build_estate(module_session)
    snapshot = collect_snapshot(module_session, [REGION]).snapshot
    assert from_json(to_json(snapshot)) == snapshot
    (account,) = snapshot.accounts
    (region,) = account.regions
    return estate, region, module_session.client("ec2", region_name=REGION)


def test_every_default_part_is_ok_except_block_public_access(collected: tuple[Estate, RegionSnapshot, Any]) -> None:
    _, region, _ = collected
    states = {s.part: s.state for s in region.status}
    # moto does not implement DescribeVpcBlockPublicAccessOptions: that part, and only it, is an error.
    assert states.pop(Part.BLOCK_PUBLIC_ACCESS) is State.ERROR
    assert states.pop(Part.METRICS) is State.SKIPPED
    assert set(states.values()) == {State.OK}
    assert region.block_public_access is None


def test_vpcs_match_boto3_with_dns_attributes_and_dhcp(collected: tuple[Estate, RegionSnapshot, Any]) -> None:
    estate, region, ec2 = collected
    assert {v.vpc_id for v in region.vpcs} == {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]}
    vpcs = {v.vpc_id: v for v in region.vpcs}
    prod, other = vpcs[estate.vpc], vpcs[estate.other_vpc]
    assert prod.cidr_blocks == ("10.0.0.0/16", "10.1.0.0/16")
    assert len(prod.ipv6_cidr_blocks) == 1
    assert (prod.enable_dns_support, prod.enable_dns_hostnames) == (True, True)
    assert (other.enable_dns_support, other.enable_dns_hostnames) == (True, False)  # AWS's defaults
    assert [t.value for t in prod.tags] == ["prod"]
    assert other.dhcp_options_id == estate.dhcp
    dhcp = {d.dhcp_options_id: d for d in region.dhcp_options}
    assert dhcp[estate.dhcp].domain_name_servers == ("10.2.0.2", "10.2.0.3")
    # moto's VPCs without a DHCP set say "default": recorded as the Amazon-provided resolver.
    assert prod.dhcp_options_id == "default"
    assert dhcp["default"].domain_name_servers == ("AmazonProvidedDNS",)


def test_subnets_carry_az_ids(collected: tuple[Estate, RegionSnapshot, Any]) -> None:
    estate, region, ec2 = collected
    expected = {s["SubnetId"]: (s["AvailabilityZone"], s["AvailabilityZoneId"])
                for s in ec2.describe_subnets()["Subnets"]}
    assert {s.subnet_id: (s.availability_zone, s.availability_zone_id) for s in region.subnets} == expected
    subnets = {s.subnet_id: s for s in region.subnets}
    assert subnets[estate.public_subnet].map_public_ip_on_launch
    assert {subnets[s].availability_zone for s in estate.private_subnets} == set(AZS)


def test_routing_gateways_and_nat(collected: tuple[Estate, RegionSnapshot, Any]) -> None:
    estate, region, ec2 = collected
    tables = {t.route_table_id: t for t in region.route_tables}
    assert set(tables) == {t["RouteTableId"] for t in ec2.describe_route_tables()["RouteTables"]}
    private = tables[estate.private_rt]
    targets = {(r.destination_type, r.target_kind, r.target_id) for r in private.routes}
    assert ("ipv4", "nat", estate.nat) in targets
    assert ("ipv6", "eigw", estate.eigw) in targets
    assert ("prefix_list", "vpce", estate.s3_endpoint) in targets  # the gateway endpoint's route
    assert set(private.subnet_ids) == set(estate.private_subnets)
    assert tables[estate.public_rt].subnet_ids == (estate.public_subnet,)
    assert any(a.gateway_id == estate.igw for t in tables.values() for a in t.associations)  # edge association
    assert any(t.is_main for t in tables.values() if t.vpc_id == estate.vpc)
    gateways = {g.gateway_id: g for g in region.internet_gateways}
    assert gateways[estate.igw].kind == "igw" and gateways[estate.igw].attached_vpc_ids == (estate.vpc,)
    assert gateways[estate.eigw].kind == "eigw" and gateways[estate.eigw].attached_vpc_ids == (estate.vpc,)
    (nat,) = region.nat_gateways
    assert (nat.nat_gateway_id, nat.subnet_id, nat.connectivity_type, nat.availability_mode) == (
        estate.nat, estate.public_subnet, "public", "zonal")


def test_endpoints_services_and_prefix_lists(collected: tuple[Estate, RegionSnapshot, Any]) -> None:
    estate, region, ec2 = collected
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    ssm = endpoints[estate.ssm_endpoint]
    raw = ec2.describe_vpc_endpoints(VpcEndpointIds=[estate.ssm_endpoint])["VpcEndpoints"][0]
    assert ssm.endpoint_type == "Interface" and not ssm.private_dns_enabled
    assert set(ssm.subnet_ids) == set(estate.private_subnets[:2])
    assert ssm.group_ids == (estate.endpoint_sg,)
    assert set(ssm.network_interface_ids) == set(raw["NetworkInterfaceIds"]) and len(ssm.network_interface_ids) == 2
    assert json.loads(ssm.policy_document or "") == SSM_POLICY
    assert endpoints[estate.s3_endpoint].route_table_ids == (estate.private_rt,)
    services = {s.service_name: s for s in region.endpoint_services}
    assert len(services) == len({d["ServiceName"] for d in ec2.describe_vpc_endpoint_services()["ServiceDetails"]})
    assert services[f"com.amazonaws.{REGION}.ssm"].owner == "amazon"
    lists = {p.prefix_list_name: p for p in region.prefix_lists}
    s3_list = lists[f"com.amazonaws.{REGION}.s3"]
    entries = ec2.get_managed_prefix_list_entries(PrefixListId=s3_list.prefix_list_id)["Entries"]
    assert s3_list.cidrs == tuple(sorted(e["Cidr"] for e in entries)) and s3_list.aws_managed
    assert lists["corp-ranges"].cidrs == ("172.16.0.0/12", "192.168.0.0/16")
    assert lists["corp-ranges"].owner_id != "AWS" and lists["corp-ranges"].address_family == "IPv4"


def test_security_groups_joined_to_their_rules(collected: tuple[Estate, RegionSnapshot, Any]) -> None:
    estate, region, ec2 = collected
    groups = {g.group_id: g for g in region.security_groups}
    assert set(groups) == {g["GroupId"] for g in ec2.describe_security_groups()["SecurityGroups"]}
    raw_rules = ec2.describe_security_group_rules()["SecurityGroupRules"]
    for group_id, group in groups.items():
        assert {r.rule_id for r in group.rules} == {r["SecurityGroupRuleId"] for r in raw_rules
                                                    if r["GroupId"] == group_id}
    ingress = [r for r in groups[estate.endpoint_sg].rules if not r.is_egress]
    assert {(r.cidr_ipv4, r.referenced_group_id, r.prefix_list_id) for r in ingress} == {
        ("10.0.0.0/16", None, None), (None, estate.client_sg, None), (None, None, estate.customer_pl)}
    assert all((r.ip_protocol, r.from_port, r.to_port) == ("tcp", 443, 443) for r in ingress)


def test_nacls_interfaces_and_flow_logs(collected: tuple[Estate, RegionSnapshot, Any]) -> None:
    estate, region, ec2 = collected
    nacls = {n.network_acl_id: n for n in region.network_acls}
    custom = nacls[estate.nacl]
    assert custom.subnet_ids == (estate.private_subnets[2],) and not custom.is_default
    assert [(e.rule_number, e.egress, e.rule_action) for e in custom.entries if e.rule_number < 32767] == [
        (100, False, "allow"), (200, True, "deny")]
    assert (custom.entries[0].port_from, custom.entries[0].port_to) == (443, 443)
    enis = {e.network_interface_id: e for e in region.network_interfaces}
    assert set(enis) == {e["NetworkInterfaceId"] for e in ec2.describe_network_interfaces()["NetworkInterfaces"]}
    app = enis[estate.eni]
    assert (app.subnet_id, app.group_ids, app.description) == (estate.private_subnets[0], (estate.client_sg,),
                                                               "app server")
    # Public addresses from the same answer: the Elastic IP associated with an interface, and the
    # NAT gateway's on its own interface; an interface without one records none, not "not recorded".
    assert app.public_ip_addresses == ()
    assert enis[estate.public_eni].public_ip_addresses == (estate.elastic_ip,)
    (nat,) = region.nat_gateways
    (address,) = nat.addresses
    assert enis[address.network_interface_id or ""].public_ip_addresses == (address.public_ip,)
    # Source/destination checking from the same answer: on by default, off where it was turned off.
    assert (app.source_dest_check, enis[estate.public_eni].source_dest_check) == (True, False)
    (flow_log,) = region.flow_logs
    assert (flow_log.flow_log_id, flow_log.resource_id, flow_log.flow_log_status) == (
        estate.flow_log, estate.vpc, "ACTIVE")


def test_hosted_zones_and_resolver_rules(collected: tuple[Estate, RegionSnapshot, Any]) -> None:
    estate, region, _ = collected
    zones = {z.hosted_zone_id: z for z in region.hosted_zones}
    assert set(zones) == {estate.service_zone, estate.corp_zone}
    service = zones[estate.service_zone]
    assert service.name == f"{REGION}.amazonaws.com" and service.record_sets_collected
    assert ("ssm.us-east-1.amazonaws.com", "A", ("10.0.1.10",)) in {
        (r.name, r.record_type, r.values) for r in service.record_sets}
    corp = zones[estate.corp_zone]
    assert not corp.record_sets_collected and corp.record_sets == ()  # cannot answer for AWS names
    assert {a.vpc_id for a in corp.vpcs} == {estate.vpc, estate.other_vpc}
    (association,) = [a for a in region.resolver_rules if a.resolver_rule_id == estate.resolver_rule]
    assert (association.vpc_id, association.domain_name, association.rule_type) == (
        estate.vpc, "corp.example", "FORWARD")
    # Where the rule forwards, from the ListResolverRules answer already read: its targets, its
    # outbound endpoint (whose interfaces DescribeNetworkInterfaces describes with its id), its owner.
    assert association.target_ips == (ResolverTarget(ip="192.168.0.2", port=53),)
    assert association.owner_id == "123456789012"
    outbound = [i for i in region.network_interfaces
                if i.description.startswith(f"Route 53 Resolver: {association.resolver_endpoint_id}:")]
    assert association.resolver_endpoint_id.startswith("rslvr-out-") and len(outbound) == 2


def test_opt_in_parts_bucket_policies_and_metrics(collected: tuple[Estate, RegionSnapshot, Any],
                                                  module_session: boto3.session.Session) -> None:
    # Adds a bucket and metric data to the shared estate; nothing the other tests check changes.
    estate, session = collected[0], module_session
    s3 = session.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="with-policy")
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::with-policy/*",
        "Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}]})
    s3.put_bucket_policy(Bucket="with-policy", Policy=policy)
    cloudwatch = session.client("cloudwatch", region_name=REGION)
    now = dt.datetime.now(dt.timezone.utc)
    for days_ago, value in ((2, 1000.0), (3, 500.0)):
        cloudwatch.put_metric_data(Namespace="AWS/PrivateLinkEndpoints", MetricData=[{
            "MetricName": "BytesProcessed", "Timestamp": now - dt.timedelta(days=days_ago), "Value": value,
            "Dimensions": [{"Name": "Endpoint Type", "Value": "Interface"},
                           {"Name": "Service Name", "Value": f"com.amazonaws.{REGION}.ssm"},
                           {"Name": "VPC Endpoint Id", "Value": estate.ssm_endpoint},
                           {"Name": "VPC Id", "Value": estate.vpc}]}])
    cloudwatch.put_metric_data(Namespace="AWS/NATGateway", MetricData=[{
        "MetricName": "BytesOutToDestination", "Timestamp": now - dt.timedelta(days=20), "Value": 7.0,
        "Dimensions": [{"Name": "NatGatewayId", "Value": estate.nat}]}])

    outcome = collect_snapshot(session, [REGION], {Part.BUCKET_POLICIES, Part.METRICS}, metrics_days=14)
    (account,) = outcome.snapshot.accounts
    assert account.state_of(Part.BUCKET_POLICIES).state is State.OK
    policies = {b.bucket: b.policy for b in account.bucket_policies}
    assert policies == {"with-policy": policy, "flow-logs-bucket": None}
    (region,) = account.regions
    assert region.has(Part.METRICS)
    metrics = {(m.resource_id, m.metric_name): m for m in region.metrics}
    endpoint = metrics[(estate.ssm_endpoint, "BytesProcessed")]
    assert (endpoint.total, endpoint.datapoints, endpoint.window_days) == (1500.0, 2, 14)
    # Outside the 14-day window: the NAT gateway looks idle; every NAT metric is present.
    assert {name: m.total for (rid, name), m in metrics.items() if rid == estate.nat} == {
        "BytesOutToDestination": 0.0, "BytesInFromSource": 0.0, "BytesInFromDestination": 0.0}
    assert (estate.s3_endpoint, "BytesProcessed") not in metrics  # gateway endpoints publish no metrics
    assert outcome.calls["cloudwatch:GetMetricData"] == 1  # 4 queries, one batch
    assert outcome.snapshot.options["metrics_days"] == 14
    assert from_json(to_json(outcome.snapshot)) == outcome.snapshot
