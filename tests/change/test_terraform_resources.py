"""Every AWS-provider resource type vpcaudit models, created, updated, deleted and replaced.

Plans are built the way Terraform 1.9 writes `terraform show -json` for the hashicorp/aws provider
5.x (see tfplan.py); each test applies one plan to the estate of plan_estate.py and checks the
after-snapshot reads like a collection after apply would.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from plan_estate import S3, Estate, region_of
from tfplan import TerraformPlan

from vpcaudit.change.model import Outcome, PlannedChange
from vpcaudit.change.terraform import HANDLERS, plan_change
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import RegionSnapshot


def apply(estate: Estate, plan: TerraformPlan) -> PlannedChange:
    return plan_change(estate.snapshot, plan.document(), "plan.json")


def after(estate: Estate, plan: TerraformPlan) -> RegionSnapshot:
    change = apply(estate, plan)
    assert all(p.outcome is Outcome.APPLIED for p in change.facts.resources), change.facts.resources
    return region_of(change.after)


def by_id(records: Any, key: str) -> dict[str, Any]:
    return {getattr(x, key): x for x in records}


def routes(region: RegionSnapshot, table_id: str) -> dict[str, tuple[str, str]]:
    table = by_id(region.route_tables, "route_table_id")[table_id]
    return {x.destination: (x.target_kind, x.target_id) for x in table.routes}


def table_of(region: RegionSnapshot, subnet_id: str) -> str | None:
    return next((t.route_table_id for t in region.route_tables if subnet_id in t.subnet_ids), None)


def nacl_of(region: RegionSnapshot, subnet_id: str) -> str | None:
    return next((a.network_acl_id for a in region.network_acls if subnet_id in a.subnet_ids), None)


ENDPOINT_S3 = {"vpc_endpoint_type": "Gateway", "service_name": S3, "private_dns_enabled": False,
               "auto_accept": None, "ip_address_type": "", "subnet_ids": [], "security_group_ids": [],
               "tags": {}}


def s3_endpoint(estate: Estate, tables: list[str]) -> dict[str, Any]:
    """The S3 endpoint as the plan shows it: its policy is computed (set by an aws_vpc_endpoint_policy)."""
    return {**ENDPOINT_S3, "id": estate["s3"], "vpc_id": estate["vpc"], "route_table_ids": tables,
            "policy": estate.builder.endpoints[estate["s3"]].policy_document, "prefix_list_id": estate["s3_pl"],
            "state": "available"}


S3_CONFIGURED = ("vpc_id", "service_name", "vpc_endpoint_type", "route_table_ids")


# -- VPCs ------------------------------------------------------------------------------------------


def test_a_new_vpc_comes_with_main_route_table_default_nacl_and_default_group(estate: Estate) -> None:
    plan = TerraformPlan()
    plan.create("aws_vpc.main", {"cidr_block": "10.9.0.0/16", "enable_dns_support": True,
                                 "enable_dns_hostnames": True, "instance_tenancy": "default",
                                 "tags": {"Name": "new"}},
                unknown={"default_route_table_id": True, "main_route_table_id": True,
                         "default_security_group_id": True, "default_network_acl_id": True})
    region = after(estate, plan)
    vpc = by_id(region.vpcs, "vpc_id")["vpc-aws_vpc.main (new)"]
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == (("10.9.0.0/16",), True, True)
    assert r.tag_value(vpc.tags, "Name") == "new"
    main = by_id(region.route_tables, "route_table_id")["rtb-aws_vpc.main main (new)"]
    assert main.is_main and routes(region, main.route_table_id) == {"10.9.0.0/16": ("local", "local")}
    acl = by_id(region.network_acls, "network_acl_id")["acl-aws_vpc.main default (new)"]
    assert acl.is_default and {(e.egress, e.rule_action) for e in acl.entries if e.rule_number == 100} == {
        (False, "allow"), (True, "allow")}
    group = by_id(region.security_groups, "group_id")["sg-aws_vpc.main default (new)"]
    assert {(x.is_egress, x.referenced_group_id, x.cidr_ipv4) for x in group.rules} == {
        (False, group.group_id, None), (True, None, "0.0.0.0/0")}


def test_new_resources_in_a_new_vpc_resolve_through_references(estate: Estate) -> None:
    plan = TerraformPlan()
    plan.create("aws_vpc.main", {"cidr_block": "10.9.0.0/16", "enable_dns_support": True,
                                 "enable_dns_hostnames": False})
    vpc_ref = {"vpc_id": ["aws_vpc.main.id", "aws_vpc.main"]}
    plan.create("aws_subnet.a", {"cidr_block": "10.9.1.0/24", "availability_zone": "us-east-1b",
                                 "map_public_ip_on_launch": False}, unknown={"vpc_id": True}, refs=vpc_ref)
    plan.create("aws_internet_gateway.gw", {"tags": {}}, unknown={"vpc_id": True}, refs=vpc_ref)
    plan.create("aws_default_route_table.main", {"route": [{"cidr_block": "0.0.0.0/0", "gateway_id": ""}]},
                unknown={"default_route_table_id": True, "route": [{"gateway_id": True}]},
                refs={"default_route_table_id": ["aws_vpc.main.default_route_table_id", "aws_vpc.main"],
                      "route": [{"cidr_block": "0.0.0.0/0", "gateway_id": ["aws_internet_gateway.gw.id",
                                                                           "aws_internet_gateway.gw"]}]})
    region = after(estate, plan)
    subnet = by_id(region.subnets, "subnet_id")["subnet-aws_subnet.a (new)"]
    assert (subnet.vpc_id, subnet.availability_zone, subnet.availability_zone_id) == (
        "vpc-aws_vpc.main (new)", "us-east-1b", "use1-az2")
    assert nacl_of(region, subnet.subnet_id) == "acl-aws_vpc.main default (new)"
    igw = by_id(region.internet_gateways, "gateway_id")["igw-aws_internet_gateway.gw (new)"]
    assert igw.attached_vpc_ids == ("vpc-aws_vpc.main (new)",)
    assert routes(region, "rtb-aws_vpc.main main (new)")["0.0.0.0/0"] == ("igw", "igw-aws_internet_gateway.gw (new)")


def test_updating_vpc_dns_attributes(estate: Estate) -> None:
    plan = TerraformPlan()
    before = {"id": estate["vpc"], "cidr_block": "10.0.0.0/16", "enable_dns_support": True,
              "enable_dns_hostnames": True, "tags": {"Name": "prod"}}
    plan.update("aws_vpc.prod", before, {**before, "enable_dns_hostnames": False})
    vpc = by_id(after(estate, plan).vpcs, "vpc_id")[estate["vpc"]]
    assert (vpc.enable_dns_support, vpc.enable_dns_hostnames) == (True, False)


def test_deleting_a_vpc_removes_what_is_in_it(estate: Estate) -> None:
    plan = TerraformPlan()
    plan.delete("aws_vpc.prod", {"id": estate["vpc"], "cidr_block": "10.0.0.0/16"})
    region = after(estate, plan)
    assert not region.vpcs and not region.subnets and not region.route_tables and not region.vpc_endpoints
    assert not region.network_interfaces and not region.flow_logs


def test_replacing_a_vpc(estate: Estate) -> None:
    plan = TerraformPlan()
    plan.replace("aws_vpc.prod", {"id": estate["vpc"], "cidr_block": "10.0.0.0/16"},
                 {"cidr_block": "10.1.0.0/16", "enable_dns_support": True, "enable_dns_hostnames": True})
    change = apply(estate, plan)
    region = region_of(change.after)
    assert [v.vpc_id for v in region.vpcs] == ["vpc-aws_vpc.prod (new)"]
    [planned] = change.facts.resources
    assert (planned.action, planned.resource_ids) == ("replace", (estate["vpc"], "vpc-aws_vpc.prod (new)"))


def test_a_secondary_cidr_adds_its_local_route_to_every_table(estate: Estate) -> None:
    plan = TerraformPlan()
    plan.create("aws_vpc_ipv4_cidr_block_association.extra", {"vpc_id": estate["vpc"], "cidr_block": "100.64.0.0/16"})
    region = after(estate, plan)
    assert by_id(region.vpcs, "vpc_id")[estate["vpc"]].cidr_blocks == ("10.0.0.0/16", "100.64.0.0/16")
    assert all(routes(region, t.route_table_id)["100.64.0.0/16"] == ("local", "local") for t in region.route_tables)
    removal = TerraformPlan()
    removal.delete("aws_vpc_ipv4_cidr_block_association.extra", {"vpc_id": estate["vpc"], "cidr_block": "10.0.0.0/16"})
    assert by_id(after(estate, removal).vpcs, "vpc_id")[estate["vpc"]].cidr_blocks == ()


# -- subnets and routing ---------------------------------------------------------------------------


def test_subnet_update_delete_and_replace(estate: Estate) -> None:
    subnet = estate["public"][0]
    before = {"id": subnet, "vpc_id": estate["vpc"], "cidr_block": "10.0.1.0/24",
              "availability_zone": "us-east-1a", "availability_zone_id": "use1-az1", "map_public_ip_on_launch": False}
    plan = TerraformPlan()
    plan.update("aws_subnet.public_a", before, {**before, "map_public_ip_on_launch": True})
    assert by_id(after(estate, plan).subnets, "subnet_id")[subnet].map_public_ip_on_launch is True

    plan = TerraformPlan()
    plan.delete("aws_subnet.public_a", before)
    region = after(estate, plan)
    assert subnet not in by_id(region.subnets, "subnet_id") and table_of(region, subnet) is None
    assert nacl_of(region, subnet) is None

    plan = TerraformPlan()
    plan.replace("aws_subnet.public_a", before, {**before, "cidr_block": "10.0.4.0/24", "availability_zone_id": ""})
    region = after(estate, plan)
    new = by_id(region.subnets, "subnet_id")["subnet-aws_subnet.public_a (new)"]
    assert (new.cidr_block, new.availability_zone_id) == ("10.0.4.0/24", "use1-az1")
    assert subnet not in by_id(region.subnets, "subnet_id")


def test_route_table_with_inline_routes_created_updated_deleted(estate: Estate) -> None:
    vpc, igw, nat = estate["vpc"], estate["igw"], estate["nat"][0]
    route = {"cidr_block": "0.0.0.0/0", "gateway_id": igw, "nat_gateway_id": "", "ipv6_cidr_block": "",
             "destination_prefix_list_id": "", "transit_gateway_id": "", "vpc_endpoint_id": "",
             "vpc_peering_connection_id": "", "egress_only_gateway_id": "", "network_interface_id": "",
             "carrier_gateway_id": "", "local_gateway_id": "", "core_network_arn": ""}
    plan = TerraformPlan()
    plan.create("aws_route_table.edge", {"vpc_id": vpc, "route": [route], "propagating_vgws": [],
                                         "tags": {"Name": "edge"}})
    region = after(estate, plan)
    assert routes(region, "rtb-aws_route_table.edge (new)") == {"10.0.0.0/16": ("local", "local"),
                                                                "0.0.0.0/0": ("igw", igw)}

    table = estate["private_rt"][0]
    before = {"id": table, "vpc_id": vpc, "route": [{**route, "gateway_id": "", "nat_gateway_id": nat}]}
    plan = TerraformPlan()
    plan.update("aws_route_table.private_a", before,
                {**before, "route": [{**route, "gateway_id": "", "nat_gateway_id": nat},
                                     {**route, "cidr_block": "192.168.0.0/16", "gateway_id": "",
                                      "transit_gateway_id": "tgw-0abc"}]})
    region = after(estate, plan)
    assert routes(region, table) == {"10.0.0.0/16": ("local", "local"), "0.0.0.0/0": ("nat", nat),
                                     "192.168.0.0/16": ("tgw", "tgw-0abc"),
                                     estate["s3_pl"]: ("vpce", estate["s3"])}  # the endpoint's route stays

    plan = TerraformPlan()
    plan.delete("aws_route_table.private_a", before)
    assert table not in by_id(after(estate, plan).route_tables, "route_table_id")


def test_aws_route_create_update_delete_replace(estate: Estate) -> None:
    table, nat_a, nat_b = estate["private_rt"][2], estate["nat"][0], estate["nat"][2]
    base = {"route_table_id": table, "destination_cidr_block": "0.0.0.0/0", "nat_gateway_id": nat_b,
            "gateway_id": "", "destination_ipv6_cidr_block": "", "destination_prefix_list_id": "",
            "origin": "CreateRoute", "state": "active"}
    plan = TerraformPlan()
    plan.update("aws_route.private_c_default", base, {**base, "nat_gateway_id": nat_a})
    assert routes(after(estate, plan), table)["0.0.0.0/0"] == ("nat", nat_a)

    plan = TerraformPlan()
    plan.create("aws_route.to_peer", {**base, "destination_cidr_block": "172.16.0.0/12", "nat_gateway_id": "",
                                      "vpc_peering_connection_id": "pcx-0123"})
    assert routes(after(estate, plan), table)["172.16.0.0/12"] == ("pcx", "pcx-0123")

    plan = TerraformPlan()
    plan.delete("aws_route.private_c_default", base)
    assert "0.0.0.0/0" not in routes(after(estate, plan), table)

    plan = TerraformPlan()
    plan.replace("aws_route.private_c_default", base, {**base, "destination_cidr_block": "0.0.0.0/1"})
    assert set(routes(after(estate, plan), table)) == {"10.0.0.0/16", "0.0.0.0/1"}


def test_a_route_to_a_new_nat_gateway_names_it(estate: Estate) -> None:
    plan = TerraformPlan()
    plan.create("aws_nat_gateway.c", {"subnet_id": estate["public"][2], "connectivity_type": "public",
                                      "allocation_id": "eipalloc-1"})
    table = estate["private_rt"][2]
    before = {"route_table_id": table, "destination_cidr_block": "0.0.0.0/0", "nat_gateway_id": estate["nat"][2]}
    plan.update("aws_route.private_c", before, {k: v for k, v in before.items() if k != "nat_gateway_id"},
                unknown={"nat_gateway_id": True},
                refs={"nat_gateway_id": ["aws_nat_gateway.c.id", "aws_nat_gateway.c"]})
    region = after(estate, plan)
    assert routes(region, table)["0.0.0.0/0"] == ("nat", "nat-aws_nat_gateway.c (new)")
    nat = by_id(region.nat_gateways, "nat_gateway_id")["nat-aws_nat_gateway.c (new)"]
    assert (nat.subnet_id, nat.state, nat.connectivity_type, nat.availability_mode) == (
        estate["public"][2], "available", "public", "zonal")
    eni = by_id(region.network_interfaces, "network_interface_id")[nat.addresses[0].network_interface_id]
    assert (eni.subnet_id, eni.availability_zone_id, eni.interface_type) == (estate["public"][2], "use1-az3",
                                                                              "nat_gateway")


def test_nat_gateway_delete_replace_and_regional(estate: Estate) -> None:
    nat = estate["nat"][0]
    before = {"id": nat, "subnet_id": estate["public"][0], "connectivity_type": "public",
              "network_interface_id": "eni-x"}
    plan = TerraformPlan()
    plan.delete("aws_nat_gateway.a", before)
    assert nat not in by_id(after(estate, plan).nat_gateways, "nat_gateway_id")

    plan = TerraformPlan()
    plan.replace("aws_nat_gateway.a", before, {**before, "connectivity_type": "private"})
    region = after(estate, plan)
    assert by_id(region.nat_gateways, "nat_gateway_id")["nat-aws_nat_gateway.a (new)"].connectivity_type == "private"

    plan = TerraformPlan(terraform_version="1.13.4")
    plan.create("aws_nat_gateway.regional", {"availability_mode": "regional", "vpc_id": estate["vpc"],
                                             "connectivity_type": "public", "subnet_id": ""})
    regional = by_id(after(estate, plan).nat_gateways, "nat_gateway_id")["nat-aws_nat_gateway.regional (new)"]
    assert (regional.subnet_id, regional.availability_mode, regional.vpc_id) == (None, "regional", estate["vpc"])


def test_route_table_associations_move_a_subnet(estate: Estate) -> None:
    subnet, table = estate["private"][2], estate["private_rt"][0]
    plan = TerraformPlan()
    plan.update("aws_route_table_association.c", {"id": "rtbassoc-1", "subnet_id": subnet,
                                                  "route_table_id": estate["private_rt"][2]},
                {"id": "rtbassoc-1", "subnet_id": subnet, "route_table_id": table})
    assert table_of(after(estate, plan), subnet) == table

    plan = TerraformPlan()
    plan.delete("aws_route_table_association.c", {"subnet_id": subnet, "route_table_id": estate["private_rt"][2]})
    region = after(estate, plan)
    assert table_of(region, subnet) is None  # back to the VPC's main route table

    plan = TerraformPlan()
    plan.create("aws_route_table_association.edge", {"gateway_id": estate["igw"], "subnet_id": "",
                                                     "route_table_id": table})
    region = after(estate, plan)
    table_record = by_id(region.route_tables, "route_table_id")[table]
    assert [a.gateway_id for a in table_record.associations if a.gateway_id] == [estate["igw"]]


def test_main_route_table_association_and_its_removal(estate: Estate) -> None:
    vpc, table, main = estate["vpc"], estate["private_rt"][0], estate["main_rt"]
    plan = TerraformPlan()
    plan.create("aws_main_route_table_association.m", {"vpc_id": vpc, "route_table_id": table},
                unknown={"original_route_table_id": True})
    region = after(estate, plan)
    assert [t.route_table_id for t in region.route_tables if t.is_main] == [table]
    plan = TerraformPlan()
    plan.delete("aws_main_route_table_association.m", {"id": "rtbassoc-m", "vpc_id": vpc, "route_table_id": table,
                                                       "original_route_table_id": main})
    assert [t.route_table_id for t in after(estate, plan).route_tables if t.is_main] == [main]


def test_internet_and_egress_only_gateways(estate: Estate) -> None:
    plan = TerraformPlan()
    plan.create("aws_egress_only_internet_gateway.v6", {"vpc_id": estate["vpc"], "tags": {}})
    plan.delete("aws_internet_gateway.gw", {"id": estate["igw"], "vpc_id": estate["vpc"]})
    region = after(estate, plan)
    assert {(g.gateway_id, g.kind, g.attached_vpc_ids) for g in region.internet_gateways} == {
        ("eigw-aws_egress_only_internet_gateway.v6 (new)", "eigw", (estate["vpc"],))}

    plan = TerraformPlan()
    plan.create("aws_internet_gateway.detached", {"tags": {}})
    plan.create("aws_internet_gateway_attachment.a", {"vpc_id": estate["vpc"]}, unknown={"internet_gateway_id": True},
                refs={"internet_gateway_id": ["aws_internet_gateway.detached.id", "aws_internet_gateway.detached"]})
    gateway = by_id(after(estate, plan).internet_gateways, "gateway_id")["igw-aws_internet_gateway.detached (new)"]
    assert gateway.attached_vpc_ids == (estate["vpc"],)


# -- endpoints -------------------------------------------------------------------------------------


def test_gateway_endpoint_route_tables_add_and_remove_prefix_list_routes(estate: Estate) -> None:
    tables = estate["private_rt"]
    plan = TerraformPlan()
    plan.update("aws_vpc_endpoint.s3", s3_endpoint(estate, tables[:2]), s3_endpoint(estate, [tables[0], tables[2]]),
                configured=S3_CONFIGURED)
    region = after(estate, plan)
    assert routes(region, tables[2])[estate["s3_pl"]] == ("vpce", estate["s3"])
    assert estate["s3_pl"] not in routes(region, tables[1])
    assert by_id(region.vpc_endpoints, "vpc_endpoint_id")[estate["s3"]].policy_document == \
        estate.builder.endpoints[estate["s3"]].policy_document  # not configured: kept


def test_new_gateway_endpoint_with_route_tables_from_references(estate: Estate) -> None:
    plan = TerraformPlan()
    plan.create("aws_vpc_endpoint.dynamodb", {**ENDPOINT_S3, "service_name": "com.amazonaws.us-east-1.dynamodb",
                                              "vpc_id": estate["vpc"]},
                unknown={"route_table_ids": True, "prefix_list_id": True, "policy": True},
                refs={"route_table_ids": ["aws_route_table.private"]})
    for i, table in enumerate(estate["private_rt"]):
        plan.noop(f"aws_route_table.private[{i}]", {"id": table, "vpc_id": estate["vpc"]})
    change = apply(estate, plan)
    region = region_of(change.after)
    endpoint = by_id(region.vpc_endpoints, "vpc_endpoint_id")["vpce-aws_vpc_endpoint.dynamodb (new)"]
    assert endpoint.route_table_ids == tuple(sorted(estate["private_rt"]))
    dynamo_pl = next(p.prefix_list_id for p in region.prefix_lists if p.prefix_list_name.endswith("dynamodb"))
    assert all(routes(region, t)[dynamo_pl] == ("vpce", endpoint.vpc_endpoint_id) for t in estate["private_rt"])
    assert change.facts.unchanged == 3


def test_interface_endpoint_gets_one_interface_per_subnet_with_its_groups(estate: Estate) -> None:
    plan = TerraformPlan()
    plan.create("aws_security_group.ep", {"name": "ep", "description": "endpoints", "vpc_id": estate["vpc"],
                                          "ingress": [], "egress": []})
    plan.create("aws_vpc_endpoint.logs", {**ENDPOINT_S3, "vpc_endpoint_type": "Interface", "private_dns_enabled": True,
                                          "service_name": "com.amazonaws.us-east-1.logs", "vpc_id": estate["vpc"],
                                          "subnet_ids": estate["private"][:2], "route_table_ids": []},
                unknown={"security_group_ids": True, "network_interface_ids": True},
                refs={"security_group_ids": ["aws_security_group.ep.id", "aws_security_group.ep"]})
    region = after(estate, plan)
    endpoint = by_id(region.vpc_endpoints, "vpc_endpoint_id")["vpce-aws_vpc_endpoint.logs (new)"]
    assert endpoint.group_ids == ("sg-aws_security_group.ep (new)",) and endpoint.private_dns_enabled
    enis = by_id(region.network_interfaces, "network_interface_id")
    assert sorted(enis[e].subnet_id for e in endpoint.network_interface_ids) == sorted(estate["private"][:2])
    assert {enis[e].group_ids for e in endpoint.network_interface_ids} == {endpoint.group_ids}
    assert {(enis[e].interface_type, enis[e].requester_managed) for e in endpoint.network_interface_ids} == {
        ("vpc_endpoint", True)}
    # CreateVpcEndpoint associates no public address: recorded as none, not as unknown.
    assert {enis[e].public_ip_addresses for e in endpoint.network_interface_ids} == {()}


def test_interface_endpoint_without_groups_gets_the_default_group(estate: Estate) -> None:
    plan = TerraformPlan()
    plan.create("aws_vpc_endpoint.logs", {**ENDPOINT_S3, "vpc_endpoint_type": "Interface",
                                          "service_name": "com.amazonaws.us-east-1.logs", "vpc_id": estate["vpc"],
                                          "subnet_ids": estate["private"][:1]},
                unknown={"security_group_ids": True}, configured=("vpc_id", "service_name", "vpc_endpoint_type",
                                                                  "subnet_ids"))
    endpoint = by_id(after(estate, plan).vpc_endpoints, "vpc_endpoint_id")["vpce-aws_vpc_endpoint.logs (new)"]
    assert endpoint.group_ids == (estate["default_sg"],)


def test_endpoint_update_of_subnets_and_delete(estate: Estate) -> None:
    ssm = estate["ssm"]
    before = {**ENDPOINT_S3, "id": ssm, "vpc_endpoint_type": "Interface", "vpc_id": estate["vpc"],
              "service_name": "com.amazonaws.us-east-1.ssm", "subnet_ids": estate["private"],
              "security_group_ids": [estate["endpoint_sg"]], "private_dns_enabled": True}
    plan = TerraformPlan()
    plan.update("aws_vpc_endpoint.ssm", before, {**before, "subnet_ids": estate["private"][:1]})
    region = after(estate, plan)
    endpoint = by_id(region.vpc_endpoints, "vpc_endpoint_id")[ssm]
    assert endpoint.subnet_ids == (estate["private"][0],) and len(endpoint.network_interface_ids) == 1
    assert len([i for i in region.network_interfaces if i.interface_type == "vpc_endpoint"]) == 1

    plan = TerraformPlan()
    plan.delete("aws_vpc_endpoint.s3", s3_endpoint(estate, estate["private_rt"][:2]))
    region = after(estate, plan)
    assert estate["s3"] not in by_id(region.vpc_endpoints, "vpc_endpoint_id")
    assert all(estate["s3_pl"] not in routes(region, t) for t in estate["private_rt"])


def test_endpoint_association_resources(estate: Estate) -> None:
    s3, ssm, table = estate["s3"], estate["ssm"], estate["private_rt"][2]
    plan = TerraformPlan()
    plan.create("aws_vpc_endpoint_route_table_association.c", {"vpc_endpoint_id": s3, "route_table_id": table})
    plan.create("aws_vpc_endpoint_security_group_association.extra",
                {"vpc_endpoint_id": ssm, "security_group_id": estate["default_sg"],
                 "replace_default_association": False})
    plan.delete("aws_vpc_endpoint_subnet_association.c", {"vpc_endpoint_id": ssm, "subnet_id": estate["private"][2]})
    region = after(estate, plan)
    assert routes(region, table)[estate["s3_pl"]] == ("vpce", s3)
    endpoint = by_id(region.vpc_endpoints, "vpc_endpoint_id")[ssm]
    assert endpoint.group_ids == tuple(sorted((estate["endpoint_sg"], estate["default_sg"])))
    assert estate["private"][2] not in endpoint.subnet_ids
    enis = by_id(region.network_interfaces, "network_interface_id")
    assert {enis[e].group_ids for e in endpoint.network_interface_ids} == {endpoint.group_ids}

    plan = TerraformPlan()
    plan.delete("aws_vpc_endpoint_route_table_association.b", {"vpc_endpoint_id": s3,
                                                               "route_table_id": estate["private_rt"][1]})
    plan.create("aws_vpc_endpoint_subnet_association.c", {"vpc_endpoint_id": ssm, "subnet_id": estate["public"][0]})
    region = after(estate, plan)
    assert estate["s3_pl"] not in routes(region, estate["private_rt"][1])
    assert estate["public"][0] in by_id(region.vpc_endpoints, "vpc_endpoint_id")[ssm].subnet_ids


def test_endpoint_policy_resource(estate: Estate) -> None:
    policy = json.dumps({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                        "Resource": "*"}]})
    plan = TerraformPlan()
    plan.create("aws_vpc_endpoint_policy.s3", {"vpc_endpoint_id": estate["s3"], "policy": policy})
    assert by_id(after(estate, plan).vpc_endpoints, "vpc_endpoint_id")[estate["s3"]].policy_document == policy
    plan = TerraformPlan()
    plan.delete("aws_vpc_endpoint_policy.s3", {"vpc_endpoint_id": estate["s3"], "policy": policy})
    assert by_id(after(estate, plan).vpc_endpoints, "vpc_endpoint_id")[estate["s3"]].policy_document is None


# -- security groups -------------------------------------------------------------------------------


def rule_set(region: RegionSnapshot, group_id: str) -> set[tuple[Any, ...]]:
    group = by_id(region.security_groups, "group_id")[group_id]
    return {(x.is_egress, x.ip_protocol, x.from_port, x.to_port, x.cidr_ipv4 or x.referenced_group_id or
             x.prefix_list_id) for x in group.rules}


def test_a_new_security_group_has_no_egress_unless_configured(estate: Estate) -> None:
    """The AWS provider revokes the allow-all egress rule AWS adds to a new group."""
    plan = TerraformPlan()
    ingress = {"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": ["10.0.0.0/16"],
               "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": [], "self": True,
               "description": "https"}
    plan.create("aws_security_group.web", {"name": "web", "description": "web", "vpc_id": estate["vpc"],
                                           "ingress": [ingress], "revoke_rules_on_delete": False},
                unknown={"egress": True})
    region = after(estate, plan)
    sg = "sg-aws_security_group.web (new)"
    assert rule_set(region, sg) == {(False, "tcp", 443, 443, "10.0.0.0/16"), (False, "tcp", 443, 443, sg)}


def test_security_group_update_delete_and_rule_resources(estate: Estate) -> None:
    sg = estate["endpoint_sg"]
    rule = {"from_port": 443, "to_port": 443, "protocol": "6", "cidr_blocks": ["10.0.0.0/16"], "self": False,
            "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": [], "description": ""}
    before = {"id": sg, "name": "endpoints", "vpc_id": estate["vpc"], "ingress": [rule],
              "egress": [{**rule, "protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}]}
    plan = TerraformPlan()
    plan.update("aws_security_group.endpoints", before, {**before, "ingress": [{**rule, "cidr_blocks": ["0.0.0.0/0"]}]})
    region = after(estate, plan)
    assert rule_set(region, sg) == {(False, "tcp", 443, 443, "0.0.0.0/0"), (True, "-1", None, None, "0.0.0.0/0")}

    plan = TerraformPlan()
    plan.create("aws_security_group_rule.from_app", {"type": "ingress", "security_group_id": sg, "protocol": "tcp",
                                                     "from_port": 443, "to_port": 443,
                                                     "source_security_group_id": estate["default_sg"]})
    plan.create("aws_vpc_security_group_egress_rule.https", {"security_group_id": sg, "ip_protocol": "tcp",
                                                             "from_port": 443, "to_port": 443,
                                                             "cidr_ipv4": "10.0.0.0/8"})
    plan.delete("aws_vpc_security_group_ingress_rule.vpc", {"security_group_id": sg, "ip_protocol": "tcp",
                                                            "from_port": 443, "to_port": 443,
                                                            "cidr_ipv4": "10.0.0.0/16"})
    region = after(estate, plan)
    assert rule_set(region, sg) == {(False, "tcp", 443, 443, estate["default_sg"]),
                                    (True, "tcp", 443, 443, "10.0.0.0/8"), (True, "-1", None, None, "0.0.0.0/0")}

    plan = TerraformPlan()
    plan.delete("aws_security_group.endpoints", before)
    assert sg not in by_id(after(estate, plan).security_groups, "group_id")


def test_adopting_the_default_security_group_replaces_its_rules(estate: Estate) -> None:
    plan = TerraformPlan()
    plan.create("aws_default_security_group.default", {"vpc_id": estate["vpc"], "ingress": [], "egress": []})
    region = after(estate, plan)
    assert rule_set(region, estate["default_sg"]) == set()
    plan = TerraformPlan()
    plan.delete("aws_default_security_group.default", {"id": estate["default_sg"], "vpc_id": estate["vpc"]})
    change = apply(estate, plan)
    assert rule_set(region_of(change.after), estate["default_sg"]) == rule_set(region_of(change.before),
                                                                               estate["default_sg"])
    assert "AWS keeps it" in change.facts.resources[0].detail


# -- network ACLs ----------------------------------------------------------------------------------


def test_a_new_nacl_denies_by_default_and_takes_its_subnets(estate: Estate) -> None:
    plan = TerraformPlan()
    entry = {"rule_no": 100, "action": "allow", "protocol": "tcp", "from_port": 443, "to_port": 443,
             "cidr_block": "10.0.0.0/16", "ipv6_cidr_block": "", "icmp_code": 0, "icmp_type": 0}
    plan.create("aws_network_acl.private", {"vpc_id": estate["vpc"], "subnet_ids": estate["private"][:1],
                                            "ingress": [entry], "egress": []})
    region = after(estate, plan)
    acl = by_id(region.network_acls, "network_acl_id")["acl-aws_network_acl.private (new)"]
    assert acl.subnet_ids == (estate["private"][0],)
    assert {(e.egress, e.rule_number, e.rule_action, e.protocol) for e in acl.entries} == {
        (False, 100, "allow", "6"), (False, 32767, "deny", "-1"), (True, 32767, "deny", "-1")}
    assert estate["private"][0] not in by_id(region.network_acls, "network_acl_id")[estate["default_acl"]].subnet_ids


def test_nacl_rules_associations_and_deletion(estate: Estate) -> None:
    acl, subnet = estate["default_acl"], estate["private"][1]
    plan = TerraformPlan()
    plan.create("aws_network_acl_rule.deny_https", {"network_acl_id": acl, "rule_number": 50, "egress": False,
                                                    "protocol": "6", "rule_action": "deny", "cidr_block": "0.0.0.0/0",
                                                    "from_port": 443, "to_port": 443})
    region = after(estate, plan)
    entry = next(e for e in by_id(region.network_acls, "network_acl_id")[acl].entries if e.rule_number == 50)
    assert (entry.rule_action, entry.port_from, entry.port_to) == ("deny", 443, 443)

    plan = TerraformPlan()
    plan.create("aws_network_acl.other", {"vpc_id": estate["vpc"], "subnet_ids": [], "ingress": [], "egress": []},
                configured=("vpc_id",))
    plan.create("aws_network_acl_association.b", {"subnet_id": subnet}, unknown={"network_acl_id": True},
                refs={"network_acl_id": ["aws_network_acl.other.id", "aws_network_acl.other"]})
    assert nacl_of(after(estate, plan), subnet) == "acl-aws_network_acl.other (new)"

    custom = estate.builder.nacl(estate["vpc"], subnets=[subnet], entries=[])
    plan = TerraformPlan()
    plan.delete("aws_network_acl.custom", {"id": custom, "vpc_id": estate["vpc"], "subnet_ids": [subnet]})
    assert nacl_of(after(estate, plan), subnet) == acl

    plan = TerraformPlan()
    plan.delete("aws_network_acl_association.b", {"network_acl_id": custom, "subnet_id": subnet})
    assert nacl_of(after(estate, plan), subnet) == acl


def test_adopting_the_default_nacl_replaces_its_entries(estate: Estate) -> None:
    plan = TerraformPlan()
    plan.create("aws_default_network_acl.default", {"default_network_acl_id": estate["default_acl"],
                                                    "ingress": [], "egress": []})
    acl = by_id(after(estate, plan).network_acls, "network_acl_id")[estate["default_acl"]]
    assert {e.rule_action for e in acl.entries} == {"deny"}


# -- DNS, flow logs, prefix lists ------------------------------------------------------------------


def test_private_hosted_zone_association_and_records(estate: Estate) -> None:
    plan = TerraformPlan()
    plan.create("aws_route53_zone.ssm", {"name": "ssm.us-east-1.amazonaws.com", "comment": "",
                                         "vpc": [{"vpc_id": estate["vpc"], "vpc_region": "us-east-1"}]},
                unknown={"zone_id": True, "name_servers": True})
    plan.create("aws_route53_record.ssm", {"name": "ssm.us-east-1.amazonaws.com", "type": "A", "records": None,
                                           "alias": [{"name": "vpce-1.ssm.us-east-1.vpce.amazonaws.com",
                                                      "evaluate_target_health": False}]},
                unknown={"zone_id": True}, refs={"zone_id": ["aws_route53_zone.ssm.zone_id", "aws_route53_zone.ssm"]})
    region = after(estate, plan)
    zone = by_id(region.hosted_zones, "hosted_zone_id")["Z-aws_route53_zone.ssm (new)"]
    assert zone.vpcs == (r.VpcAssociation(estate["vpc"], "us-east-1"),) and zone.record_sets_collected
    assert [(x.name, x.record_type, x.alias_dns_name) for x in zone.record_sets] == [
        ("ssm.us-east-1.amazonaws.com", "A", "vpce-1.ssm.us-east-1.vpce.amazonaws.com")]

    zone_id = estate.builder.hosted_zone("corp.internal", [])
    plan = TerraformPlan()
    plan.create("aws_route53_zone_association.prod", {"zone_id": zone_id, "vpc_id": estate["vpc"],
                                                      "vpc_region": "us-east-1"})
    region = after(estate, plan)
    assert by_id(region.hosted_zones, "hosted_zone_id")[zone_id].vpcs == (r.VpcAssociation(estate["vpc"], "us-east-1"),)
    plan = TerraformPlan()
    plan.delete("aws_route53_zone.corp", {"id": zone_id, "zone_id": zone_id, "name": "corp.internal"})
    assert zone_id not in by_id(after(estate, plan).hosted_zones, "hosted_zone_id")


def test_dhcp_options_and_their_association(estate: Estate) -> None:
    plan = TerraformPlan()
    plan.create("aws_vpc_dhcp_options.corp", {"domain_name_servers": ["10.0.0.2", "192.168.1.1"],
                                              "domain_name": "corp.internal"})
    plan.create("aws_vpc_dhcp_options_association.prod", {"vpc_id": estate["vpc"]}, unknown={"dhcp_options_id": True},
                refs={"dhcp_options_id": ["aws_vpc_dhcp_options.corp.id", "aws_vpc_dhcp_options.corp"]})
    region = after(estate, plan)
    assert by_id(region.vpcs, "vpc_id")[estate["vpc"]].dhcp_options_id == "dopt-aws_vpc_dhcp_options.corp (new)"
    assert by_id(region.dhcp_options, "dhcp_options_id")["dopt-aws_vpc_dhcp_options.corp (new)"].domain_name_servers \
        == ("10.0.0.2", "192.168.1.1")
    plan = TerraformPlan()
    plan.delete("aws_vpc_dhcp_options_association.prod", {"vpc_id": estate["vpc"], "dhcp_options_id": "dopt-1"})
    assert by_id(after(estate, plan).vpcs, "vpc_id")[estate["vpc"]].dhcp_options_id is None


def test_flow_logs(estate: Estate) -> None:
    plan = TerraformPlan()
    plan.create("aws_flow_log.subnet", {"subnet_id": estate["private"][0], "vpc_id": None, "eni_id": None,
                                        "traffic_type": "REJECT", "log_destination_type": "s3"})
    plan.delete("aws_flow_log.vpc", {"id": estate["flow_log"], "vpc_id": estate["vpc"]})
    region = after(estate, plan)
    assert [(f.flow_log_id, f.resource_id, f.flow_log_status, f.traffic_type) for f in region.flow_logs] == [
        ("fl-aws_flow_log.subnet (new)", estate["private"][0], "ACTIVE", "REJECT")]


def test_managed_prefix_lists_and_entries(estate: Estate) -> None:
    plan = TerraformPlan()
    plan.create("aws_ec2_managed_prefix_list.office", {"name": "office", "address_family": "IPv4", "max_entries": 5,
                                                       "entry": [{"cidr": "203.0.113.0/24", "description": "hq"}]})
    plan.create("aws_ec2_managed_prefix_list_entry.branch", {"cidr": "198.51.100.0/24"},
                unknown={"prefix_list_id": True},
                refs={"prefix_list_id": ["aws_ec2_managed_prefix_list.office.id",
                                         "aws_ec2_managed_prefix_list.office"]})
    region = after(estate, plan)
    new = by_id(region.prefix_lists, "prefix_list_id")["pl-aws_ec2_managed_prefix_list.office (new)"]
    assert new.cidrs == ("203.0.113.0/24", "198.51.100.0/24") and new.owner_id == estate.builder.account_id
    plan = TerraformPlan()
    plan.delete("aws_ec2_managed_prefix_list.s3", {"id": estate["s3_pl"], "name": S3})
    assert estate["s3_pl"] not in by_id(after(estate, plan).prefix_lists, "prefix_list_id")


def test_every_network_resource_type_the_readme_lists_is_modelled() -> None:
    listed = {"aws_vpc", "aws_vpc_ipv4_cidr_block_association", "aws_subnet", "aws_route_table", "aws_route",
              "aws_route_table_association", "aws_main_route_table_association", "aws_internet_gateway",
              "aws_egress_only_internet_gateway", "aws_nat_gateway", "aws_vpc_endpoint",
              "aws_vpc_endpoint_route_table_association", "aws_vpc_endpoint_subnet_association",
              "aws_vpc_endpoint_security_group_association", "aws_vpc_endpoint_policy", "aws_security_group",
              "aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule",
              "aws_network_acl", "aws_network_acl_rule", "aws_network_acl_association", "aws_default_route_table",
              "aws_default_security_group", "aws_route53_zone", "aws_route53_zone_association", "aws_vpc_dhcp_options",
              "aws_vpc_dhcp_options_association", "aws_flow_log", "aws_ec2_managed_prefix_list"}
    assert listed <= set(HANDLERS)


@pytest.mark.parametrize("create_first", [False, True])
def test_replace_either_way_round_gives_the_same_result(estate: Estate, create_first: bool) -> None:
    before = {"id": estate["endpoint_sg"], "name": "endpoints", "vpc_id": estate["vpc"], "ingress": [], "egress": []}
    plan = TerraformPlan()
    plan.replace("aws_security_group.endpoints", before, {**before, "name": "endpoints-2"}, create_first=create_first)
    region = after(estate, plan)
    assert "sg-aws_security_group.endpoints (new)" in by_id(region.security_groups, "group_id")
    assert estate["endpoint_sg"] not in by_id(region.security_groups, "group_id")
