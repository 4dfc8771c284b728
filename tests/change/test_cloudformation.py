"""CloudFormation: templates (YAML with short-form tags, JSON), parameters, intrinsic functions, and
the same network resource families as Terraform, applied as a stack to be created.

Templates follow the CloudFormation template reference (resource and property names as AWS
documents them); the CDK case is shaped like `cdk synth` output (BootstrapVersion parameter read
from SSM, AWS::CDK::Metadata).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from builders import RegionBuilder, standard_vpc
from plan_estate import Estate, region_of

from vpcaudit.change import cfnyaml
from vpcaudit.change.cfnyaml import TemplateError
from vpcaudit.change.cloudformation import plan_change
from vpcaudit.change.model import Outcome, PlannedChange
from vpcaudit.snapshot.model import RegionSnapshot, Snapshot

NETWORK = """
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Cidr: {Type: String, Default: 10.40.0.0/16}
  Env: {Type: String, AllowedValues: [prod, dev]}
  WithFlowLogs: {Type: String, Default: "true"}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  FlowLogs: !And [!Condition IsProd, !Equals [!Ref WithFlowLogs, "true"]]
Mappings:
  Sizes: {prod: {Bits: "8"}, dev: {Bits: "6"}}
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: !Ref Cidr
      EnableDnsHostnames: true
      Tags: [{Key: Name, Value: !Sub "${Env}-${AWS::Region}"}]
  PublicA:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      AvailabilityZone: !Select [0, !GetAZs ""]
      CidrBlock: !Select [0, !Cidr [!GetAtt Vpc.CidrBlock, 4, !FindInMap [Sizes, !Ref Env, Bits]]]
  PrivateA:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      AvailabilityZone: !Select [1, !GetAZs ""]
      CidrBlock: !Select [1, !Cidr [!GetAtt Vpc.CidrBlock, 4, 8]]
  Igw: {Type: AWS::EC2::InternetGateway}
  Attach: {Type: AWS::EC2::VPCGatewayAttachment, Properties: {VpcId: !Ref Vpc, InternetGatewayId: !Ref Igw}}
  PublicRt: {Type: AWS::EC2::RouteTable, Properties: {VpcId: !Ref Vpc}}
  PublicDefault:
    Type: AWS::EC2::Route
    DependsOn: Attach
    Properties: {RouteTableId: !Ref PublicRt, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Igw}
  PublicAssoc: {Type: AWS::EC2::SubnetRouteTableAssociation, Properties: {SubnetId: !Ref PublicA,
                                                                          RouteTableId: !Ref PublicRt}}
  Nat: {Type: AWS::EC2::NatGateway, Properties: {SubnetId: !Ref PublicA, AllocationId: !GetAtt Eip.AllocationId}}
  Eip: {Type: AWS::EC2::EIP, Properties: {Domain: vpc}}
  PrivateRt: {Type: AWS::EC2::RouteTable, Properties: {VpcId: !Ref Vpc}}
  PrivateDefault:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref PrivateRt, DestinationCidrBlock: 0.0.0.0/0, NatGatewayId: !Ref Nat}
  PrivateAssoc: {Type: AWS::EC2::SubnetRouteTableAssociation, Properties: {SubnetId: !Ref PrivateA,
                                                                           RouteTableId: !Ref PrivateRt}}
  S3:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub com.amazonaws.${AWS::Region}.s3
      RouteTableIds: [!Ref PrivateRt]
      PolicyDocument:
        Version: 2012-10-17
        Statement: [{Effect: Allow, Principal: "*", Action: "s3:*", Resource: "*",
                     Condition: {StringEquals: {"aws:PrincipalAccount": !Ref "AWS::AccountId"}}}]
  EndpointSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: endpoints
      VpcId: !Ref Vpc
      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: !GetAtt Vpc.CidrBlock}]
  FromDefault:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupId: !Ref EndpointSg, IpProtocol: "-1", SourceSecurityGroupId: !GetAtt Vpc.DefaultSecurityGroup}
  Logs:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Join [".", [com.amazonaws, !Ref "AWS::Region", logs]]
      VpcEndpointType: Interface
      PrivateDnsEnabled: !If [IsProd, true, false]
      SubnetIds: [!Ref PrivateA]
      SecurityGroupIds: [!Ref EndpointSg]
  PrivateAcl: {Type: AWS::EC2::NetworkAcl, Properties: {VpcId: !Ref Vpc}}
  AclHttps:
    Type: AWS::EC2::NetworkAclEntry
    Properties: {NetworkAclId: !Ref PrivateAcl, RuleNumber: 100, Protocol: 6, RuleAction: allow, CidrBlock: 0.0.0.0/0,
                 PortRange: {From: 443, To: 443}}
  AclAssoc: {Type: AWS::EC2::SubnetNetworkAclAssociation, Properties: {SubnetId: !Ref PrivateA,
                                                                       NetworkAclId: !Ref PrivateAcl}}
  Zone:
    Type: AWS::Route53::HostedZone
    Properties: {Name: corp.internal, VPCs: [{VPCId: !Ref Vpc, VPCRegion: !Ref "AWS::Region"}]}
  FlowLog:
    Type: AWS::EC2::FlowLog
    Condition: FlowLogs
    Properties: {ResourceId: !Ref Vpc, ResourceType: VPC, TrafficType: ALL, LogDestinationType: s3,
                 LogDestination: arn:aws:s3:::logs}
  Office:
    Type: AWS::EC2::PrefixList
    Properties: {PrefixListName: office, AddressFamily: IPv4, MaxEntries: 2, Entries: [{Cidr: 203.0.113.0/24}]}
  Role: {Type: AWS::IAM::Role, Properties: {AssumeRolePolicyDocument: {}}}
  Web: {Type: AWS::EC2::Instance, Properties: {SubnetId: !Ref PrivateA}}
"""


def stack(estate: Estate, template: str = NETWORK, parameters: dict[str, str] | None = None,
          **kwargs: Any) -> PlannedChange:
    return plan_change(estate.snapshot, cfnyaml.parse(template, "network.yaml"),
                       {"Env": "prod"} if parameters is None else parameters, source="network.yaml", **kwargs)


def by_id(records: Any, key: str) -> dict[str, Any]:
    return {getattr(x, key): x for x in records}


def test_a_whole_network_stack_is_created_with_placeholders_named_after_logical_ids(estate: Estate) -> None:
    change = stack(estate)
    region = region_of(change.after)
    vpc = by_id(region.vpcs, "vpc_id")["vpc-Vpc (new)"]
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == (("10.40.0.0/16",), True, True)
    assert vpc.tags[0].value == "prod-us-east-1"
    subnets = by_id(region.subnets, "subnet_id")
    assert (subnets["subnet-PublicA (new)"].cidr_block, subnets["subnet-PublicA (new)"].availability_zone_id) == (
        "10.40.0.0/24", "use1-az1")
    assert (subnets["subnet-PrivateA (new)"].cidr_block, subnets["subnet-PrivateA (new)"].availability_zone) == (
        "10.40.1.0/24", "us-east-1b")
    tables = by_id(region.route_tables, "route_table_id")
    assert {(x.destination, x.target_id) for x in tables["rtb-PublicRt (new)"].routes} == {
        ("10.40.0.0/16", "local"), ("0.0.0.0/0", "igw-Igw (new)")}
    s3_pl = next(p.prefix_list_id for p in region.prefix_lists if p.prefix_list_name.endswith(".s3"))
    assert {(x.destination, x.target_id) for x in tables["rtb-PrivateRt (new)"].routes} == {
        ("10.40.0.0/16", "local"), ("0.0.0.0/0", "nat-Nat (new)"), (s3_pl, "vpce-S3 (new)")}
    assert tables["rtb-PublicRt (new)"].subnet_ids == ("subnet-PublicA (new)",)
    assert by_id(region.internet_gateways, "gateway_id")["igw-Igw (new)"].attached_vpc_ids == ("vpc-Vpc (new)",)
    endpoints = by_id(region.vpc_endpoints, "vpc_endpoint_id")
    policy = json.loads(endpoints["vpce-S3 (new)"].policy_document)
    assert policy["Version"] == "2012-10-17"  # a string, not a YAML date
    assert policy["Statement"][0]["Condition"]["StringEquals"]["aws:PrincipalAccount"] == "111111111111"
    logs = endpoints["vpce-Logs (new)"]
    assert (logs.service_name, logs.private_dns_enabled, logs.group_ids) == (
        "com.amazonaws.us-east-1.logs", True, ("sg-EndpointSg (new)",))
    group = by_id(region.security_groups, "group_id")["sg-EndpointSg (new)"]
    assert {(x.is_egress, x.ip_protocol, x.cidr_ipv4 or x.referenced_group_id) for x in group.rules} == {
        (False, "tcp", "10.40.0.0/16"), (False, "-1", "sg-Vpc default (new)"), (True, "-1", "0.0.0.0/0")}
    acl = by_id(region.network_acls, "network_acl_id")["acl-PrivateAcl (new)"]
    assert acl.subnet_ids == ("subnet-PrivateA (new)",) and any(e.rule_number == 100 for e in acl.entries)
    zone = by_id(region.hosted_zones, "hosted_zone_id")["Z-Zone (new)"]
    assert zone.vpcs[0].vpc_id == "vpc-Vpc (new)"
    assert [f.resource_id for f in region.flow_logs if f.flow_log_id == "fl-FlowLog (new)"] == ["vpc-Vpc (new)"]
    assert by_id(region.prefix_lists, "prefix_list_id")["pl-Office (new)"].cidrs == ("203.0.113.0/24",)
    outcome = {p.address: p.outcome for p in change.facts.resources}
    assert (outcome["Role"], outcome["Eip"], outcome["Web"], outcome["Vpc"]) == (
        Outcome.NOT_AUDITED, Outcome.NOT_AUDITED, Outcome.NOT_MODELLED, Outcome.APPLIED)
    assert not change.facts.unresolved


def test_conditions_decide_what_is_created(estate: Estate) -> None:
    change = stack(estate, parameters={"Env": "dev"})
    region = region_of(change.after)
    assert "fl-FlowLog (new)" not in by_id(region.flow_logs, "flow_log_id")
    assert "FlowLog" not in {p.address for p in change.facts.resources}
    logs = by_id(region.vpc_endpoints, "vpc_endpoint_id")["vpce-Logs (new)"]
    assert logs.private_dns_enabled is False
    assert by_id(region.subnets, "subnet_id")["subnet-PublicA (new)"].cidr_block == "10.40.0.0/26"  # 6 subnet bits


def test_parameters_files_in_both_forms(tmp_path: Path) -> None:
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps([{"ParameterKey": "Env", "ParameterValue": "dev"},
                                  {"ParameterKey": "Cidr", "ParameterValue": "10.41.0.0/16"}]))
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps({"Env": "dev", "Cidr": "10.41.0.0/16"}))
    assert cfnyaml.read_parameters(listed) == cfnyaml.read_parameters(plain) == {"Env": "dev", "Cidr": "10.41.0.0/16"}


@pytest.mark.parametrize(("parameters", "message"), [
    ({}, "parameter Env has no Default: give its value in --parameters"),
    ({"Env": "prod", "Nope": "x"}, "the template has no parameter Nope"),
])
def test_parameter_values_that_do_not_fit_are_refused(estate: Estate, parameters: dict[str, str],
                                                      message: str) -> None:
    with pytest.raises(TemplateError, match=message) as caught:
        stack(estate, parameters=parameters)
    assert caught.value.setting == "parameters"


def test_values_only_a_deployment_knows_are_unresolved(estate: Estate) -> None:
    template = f"""
Parameters:
  SharedVpc: {{Type: "AWS::SSM::Parameter::Value<String>", Default: /network/vpc-id}}
Resources:
  FromExport:
    Type: AWS::EC2::Subnet
    Properties: {{VpcId: !ImportValue network-VpcId, CidrBlock: 10.0.240.0/24, AvailabilityZone: us-east-1a}}
  FromSsm:
    Type: AWS::EC2::SecurityGroup
    Properties: {{VpcId: !Ref SharedVpc, GroupDescription: x}}
  ToTgw:
    Type: AWS::EC2::Route
    Properties: {{RouteTableId: {estate["private_rt"][0]}, DestinationCidrBlock: 10.128.0.0/9,
                 TransitGatewayId: !GetAtt Attachment.TransitGatewayId}}
  Attachment: {{Type: AWS::EC2::TransitGatewayAttachment, Properties: {{}}}}
"""
    change = stack(estate, template, {})
    unresolved = {u.address: u for u in change.facts.unresolved}
    assert set(unresolved) == {"FromExport", "FromSsm", "ToTgw"}
    assert unresolved["FromExport"].vpc_id is None and "another stack's export" in unresolved["FromExport"].reason
    assert "read from SSM Parameter Store" in unresolved["FromSsm"].reason
    assert unresolved["ToTgw"].vpc_id == estate["vpc"] and unresolved["ToTgw"].part == "route_tables"


def test_a_condition_that_cannot_be_told_makes_its_resources_not_modelled(estate: Estate) -> None:
    template = """
Parameters:
  Vpc: {Type: "AWS::SSM::Parameter::Value<String>", Default: /network/vpc}
Conditions:
  Shared: !Equals [!Ref Vpc, ""]
Resources:
  Sg: {Type: AWS::EC2::SecurityGroup, Condition: Shared, Properties: {GroupDescription: x, VpcId: vpc-1}}
"""
    [planned] = stack(estate, template, {}).facts.resources
    assert planned.outcome is Outcome.NOT_MODELLED and "condition Shared" in planned.detail


def test_a_cdk_synthesized_template(estate: Estate) -> None:
    template = {
        "Parameters": {"BootstrapVersion": {"Type": "AWS::SSM::Parameter::Value<String>",
                                            "Default": "/cdk-bootstrap/hnb659fds/version"}},
        "Resources": {
            "CDKMetadata": {"Type": "AWS::CDK::Metadata", "Properties": {"Analytics": "v2:deflate64:H4sI"}},
            "EndpointsSgA1B2C3D4": {"Type": "AWS::EC2::SecurityGroup", "Properties": {
                "GroupDescription": "Stack/EndpointsSg", "VpcId": estate["vpc"],
                "SecurityGroupEgress": [{"CidrIp": "255.255.255.255/32", "Description": "Disallow all traffic",
                                         "FromPort": 252, "IpProtocol": "icmp", "ToPort": 86}]}},
            "SsmEndpoint1A2B3C4D": {"Type": "AWS::EC2::VPCEndpoint", "Properties": {
                "ServiceName": "com.amazonaws.us-east-1.ssm", "VpcEndpointType": "Interface", "VpcId": estate["vpc"],
                "PrivateDnsEnabled": True, "SubnetIds": estate["private"],
                "SecurityGroupIds": [{"Fn::GetAtt": ["EndpointsSgA1B2C3D4", "GroupId"]}]}},
        },
        "Rules": {"CheckBootstrapVersion": {"Assertions": [{"Assert": {"Fn::Not": [{"Fn::Contains": [
            ["1", "2"], {"Ref": "BootstrapVersion"}]}]}}]}},
    }
    change = plan_change(estate.snapshot, template, {}, source="Stack.template.json")
    region = region_of(change.after)
    endpoint = by_id(region.vpc_endpoints, "vpc_endpoint_id")["vpce-SsmEndpoint1A2B3C4D (new)"]
    assert endpoint.group_ids == ("sg-EndpointsSgA1B2C3D4 (new)",) and len(endpoint.network_interface_ids) == 3
    assert {p.address: p.outcome for p in change.facts.resources}["CDKMetadata"] is Outcome.NOT_AUDITED
    assert not change.facts.unresolved


def test_the_stack_region_is_given_or_found_from_the_resources_it_names(estate: Estate) -> None:
    west = RegionBuilder(region="us-west-2")
    west.new_id("offset")
    west_vpc = standard_vpc(west)["vpc"]
    snapshot = two_regions(estate.snapshot, west)
    template = {"Parameters": {"VpcId": {"Type": "AWS::EC2::VPC::Id"}},
                "Resources": {"Sg": {"Type": "AWS::EC2::SecurityGroup",
                                     "Properties": {"VpcId": {"Ref": "VpcId"}, "GroupDescription": "x"}}}}
    change = plan_change(snapshot, template, {"VpcId": west_vpc})
    assert change.facts.resources[0].region == "us-west-2"
    with pytest.raises(TemplateError, match="name the Region") as caught:
        plan_change(snapshot, {"Resources": {"Igw": {"Type": "AWS::EC2::InternetGateway"}}}, {})
    assert caught.value.setting == "stack_region"
    given = plan_change(snapshot, {"Resources": {"Igw": {"Type": "AWS::EC2::InternetGateway"}}}, {}, region="us-east-1")
    assert given.facts.resources[0].region == "us-east-1"


def two_regions(snapshot: Snapshot, other: RegionBuilder) -> Snapshot:
    account = snapshot.accounts[0]
    regions: tuple[RegionSnapshot, ...] = (*account.regions, other.region_snapshot())
    return replace(snapshot, accounts=(replace(account, regions=regions),))


@pytest.mark.parametrize(("text", "message"), [
    ("Resources: [1, 2", "network.yaml: not valid YAML at line 1 column 17"),
    ('{"Resources": ', "network.yaml: not valid JSON: Expecting value at line 1 column 15"),
])
def test_unreadable_templates_are_refused_with_where(text: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        cfnyaml.parse(text, "network.yaml")


def test_a_document_without_resources_is_not_a_template(estate: Estate) -> None:
    with pytest.raises(TemplateError, match="not a CloudFormation template"):
        plan_change(estate.snapshot, {"AWSTemplateFormatVersion": "2010-09-09"}, {})


def test_short_form_tags_read_as_their_long_form() -> None:
    parsed = cfnyaml.parse("A: !GetAtt Vpc.CidrBlock\nB: !Sub\n  - x-${N}\n  - {N: !Ref P}\nC: !Ref AWS::Region\n", "t")
    assert parsed == {"A": {"Fn::GetAtt": ["Vpc", "CidrBlock"]}, "B": {"Fn::Sub": ["x-${N}", {"N": {"Ref": "P"}}]},
                      "C": {"Ref": "AWS::Region"}}
