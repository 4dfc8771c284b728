"""What AWS does alongside a change, and the less common shapes of plans and templates.

Terraform fixtures follow Terraform 1.9's `terraform show -json` for hashicorp/aws 5.x (tfplan.py).
"""

from __future__ import annotations

from dataclasses import replace

from plan_estate import Estate, region_of
from tfplan import TerraformPlan

from vpcaudit.change import cfnyaml
from vpcaudit.change.apply import RegionEdit
from vpcaudit.change.cloudformation import plan_change as create_stack
from vpcaudit.change.terraform import plan_change
from vpcaudit.snapshot import resources as r


def routes(edit: RegionEdit, table: str) -> dict[str, tuple[str, str]]:
    return {x.destination: (x.target_kind, x.target_id) for x in edit.route_tables[table].routes}


def test_a_gateway_endpoint_whose_prefix_list_is_unknown_leaves_its_routes_unresolved(estate: Estate) -> None:
    region = estate.snapshot.accounts[0].regions[0]
    kept = tuple(p for p in region.prefix_lists if not p.prefix_list_name.endswith("s3"))
    region = replace(region, prefix_lists=kept)
    edit = RegionEdit(estate.builder.account_id, region)
    endpoint = edit.endpoints[estate["s3"]]
    edit.put_endpoint(replace(endpoint, route_table_ids=(*endpoint.route_table_ids, estate["private_rt"][2])), "x")
    [unresolved] = edit.unresolved
    assert (unresolved.resource_id, unresolved.part) == (estate["s3"], "route_tables")
    assert "the prefix list of com.amazonaws.us-east-1.s3 is not in the snapshot" in unresolved.reason


def test_a_local_route_can_be_pointed_at_a_middlebox_and_gets_its_target_back(estate: Estate) -> None:
    edit = RegionEdit(estate.builder.account_id, estate.snapshot.accounts[0].regions[0])
    table = estate["private_rt"][0]
    middlebox = r.Route.from_api({"DestinationCidrBlock": "10.0.0.0/16", "NetworkInterfaceId": "eni-fw",
                                  "State": "active", "Origin": "CreateRoute"})
    edit.set_static_routes(table, [middlebox])
    assert routes(edit, table)["10.0.0.0/16"] == ("eni", "eni-fw")
    assert routes(edit, table)[estate["s3_pl"]] == ("vpce", estate["s3"])  # the endpoint's route is AWS's
    edit.delete_route(table, "10.0.0.0/16")
    assert routes(edit, table)["10.0.0.0/16"] == ("local", "local")


def test_a_dual_stack_vpc_gets_ipv6_defaults(estate: Estate) -> None:
    edit = RegionEdit(estate.builder.account_id, estate.snapshot.accounts[0].regions[0])
    vpc = r.Vpc("vpc-v6 (new)", estate.builder.account_id, ("10.8.0.0/16",), ("2600:1f18::/56",), False, None,
                "available", (), True, False)
    defaults = edit.create_vpc(vpc, "aws_vpc.v6")
    acl = edit.network_acls[defaults.default_network_acl_id]
    assert {(e.rule_number, e.ipv6_cidr_block, e.rule_action) for e in acl.entries if not e.egress} == {
        (100, None, "allow"), (101, "::/0", "allow"), (32767, None, "deny"), (32768, "::/0", "deny")}
    assert routes(edit, defaults.main_route_table_id) == {"10.8.0.0/16": ("local", "local"),
                                                          "2600:1f18::/56": ("local", "local")}
    group = edit.security_groups[defaults.default_security_group_id]
    assert {x.cidr_ipv6 for x in group.rules if x.is_egress} == {None, "::/0"}


def test_unchanged_inline_rules_keep_their_aws_ids(estate: Estate) -> None:
    sg = estate["endpoint_sg"]
    rule = {"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": ["10.0.0.0/16"], "self": False,
            "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": [], "description": ""}
    before = {"id": sg, "name": "endpoints", "vpc_id": estate["vpc"], "ingress": [rule], "egress": []}
    plan = TerraformPlan()
    plan.update("aws_security_group.endpoints", before,
                {**before, "ingress": [rule, {**rule, "from_port": 8443, "to_port": 8443}]})
    old = {x.rule_id for x in next(g for g in estate.snapshot.accounts[0].regions[0].security_groups
                                   if g.group_id == sg).rules if not x.is_egress}
    group = next(g for g in region_of(plan_change(estate.snapshot, plan.document()).after).security_groups
                 if g.group_id == sg)
    ingress = {x.from_port: x.rule_id for x in group.rules if not x.is_egress}
    assert ingress[443] in old and ingress[8443] == "sgr-aws_security_group.endpoints ingress 1.0 (new)"


def test_route_blocks_are_matched_to_their_configuration_by_destination(estate: Estate) -> None:
    """Two inline routes with unknown targets: each gets the target its own block references."""
    plan = TerraformPlan()
    plan.create("aws_nat_gateway.a", {"subnet_id": estate["public"][0]})
    plan.create("aws_internet_gateway.edge", {"tags": {}}, configured=())
    blank = {"gateway_id": "", "nat_gateway_id": "", "ipv6_cidr_block": "", "destination_prefix_list_id": ""}
    plan.create("aws_route_table.mixed", {"vpc_id": estate["vpc"], "route": [
        {**blank, "cidr_block": "0.0.0.0/0"}, {**blank, "cidr_block": "198.51.100.0/24"}]},
        unknown={"route": [{"nat_gateway_id": True}, {"gateway_id": True}]},
        refs={"route": [{"cidr_block": "198.51.100.0/24", "gateway_id": ["aws_internet_gateway.edge.id"]},
                        {"cidr_block": "0.0.0.0/0", "nat_gateway_id": ["aws_nat_gateway.a.id"]}]})
    change = plan_change(estate.snapshot, plan.document())
    table = next(t for t in region_of(change.after).route_tables
                 if t.route_table_id == "rtb-aws_route_table.mixed (new)")
    assert {x.destination: x.target_id for x in table.routes if x.target_kind != "local"} == {
        "0.0.0.0/0": "nat-aws_nat_gateway.a (new)", "198.51.100.0/24": "igw-aws_internet_gateway.edge (new)"}
    assert not change.facts.unresolved


def test_a_public_zone_is_no_private_zone(estate: Estate) -> None:
    plan = TerraformPlan()
    plan.create("aws_route53_zone.public", {"name": "example.com", "vpc": []})
    assert region_of(plan_change(estate.snapshot, plan.document()).after).hosted_zones == ()


def test_template_functions_at_their_edges(estate: Estate) -> None:
    template = cfnyaml.parse("""
Transform: AWS::Serverless-2016-10-31
Resources:
  Named:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: !Sub "literal ${!NotAParameter} in ${AWS::Region}"
      GroupName: !Select [5, [a, b]]
      VpcId: VPC_ID
  Far:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: VPC_ID, CidrBlock: 10.0.251.0/24, AvailabilityZone: !Select [0, !GetAZs ap-south-2]}
""".replace("VPC_ID", estate["vpc"]), "template.yaml")
    change = create_stack(estate.snapshot, template, {})
    group = next(g for g in region_of(change.after).security_groups if g.group_id == "sg-Named (new)")
    assert group.description == "literal ${NotAParameter} in us-east-1"
    reasons = {u.address: u.reason for u in change.facts.unresolved}
    assert "Fn::Select index 5 is outside" in reasons["Named"]
    assert "the snapshot knows no AZ of ap-south-2" in reasons["Far"]
    assert "does not expand" in change.facts.notes[0] and "cdk synth" in change.facts.notes[0]
