"""Plans as a whole: references between new resources (count, for_each, modules), values known only
after apply, what is not modelled or out of the snapshot's scope, and plans vpcaudit must refuse.

Fixtures follow Terraform 1.9's `terraform show -json` output for hashicorp/aws 5.x (tfplan.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from builders import RegionBuilder, multi_account_snapshot, standard_vpc
from plan_estate import Estate, region_of
from tfplan import TerraformPlan

from vpcaudit.change.model import Outcome, PlannedChange
from vpcaudit.change.terraform import plan_change
from vpcaudit.change.tfplan import PlanError
from vpcaudit.snapshot.model import RegionSnapshot

HUB = ["data.aws_ec2_transit_gateway.hub.id", "data.aws_ec2_transit_gateway.hub"]


def apply(estate: Estate, plan: TerraformPlan) -> PlannedChange:
    return plan_change(estate.snapshot, plan.document(), "plan.json")


def outcomes(change: PlannedChange) -> dict[str, tuple[str, str]]:
    return {p.address: (p.outcome.value, p.detail) for p in change.facts.resources}


def table_of(region: RegionSnapshot, subnet_id: str) -> str | None:
    return next((t.route_table_id for t in region.route_tables if subnet_id in t.subnet_ids), None)


# -- references between planned resources ----------------------------------------------------------


def test_count_index_pairs_each_association_with_its_subnet_and_table(estate: Estate) -> None:
    plan = TerraformPlan()
    for i, az in enumerate(("us-east-1a", "us-east-1b")):
        plan.create(f"aws_subnet.data[{i}]", {"vpc_id": estate["vpc"], "cidr_block": f"10.0.{200 + i}.0/24",
                                              "availability_zone": az}, count=2)
        plan.create(f"aws_route_table.data[{i}]", {"vpc_id": estate["vpc"]}, unknown={"route": True}, count=2,
                    configured=("vpc_id",))
        plan.create(f"aws_route_table_association.data[{i}]", {}, count=2,
                    unknown={"subnet_id": True, "route_table_id": True},
                    refs={"subnet_id": ["aws_subnet.data", "count.index"],
                          "route_table_id": ["aws_route_table.data", "count.index"]})
    region = region_of(apply(estate, plan).after)
    assert table_of(region, 'subnet-aws_subnet.data[0] (new)') == 'rtb-aws_route_table.data[0] (new)'
    assert table_of(region, 'subnet-aws_subnet.data[1] (new)') == 'rtb-aws_route_table.data[1] (new)'


def test_for_each_each_value_and_literal_keys(estate: Estate) -> None:
    plan = TerraformPlan()
    for key, az in (("a", "us-east-1a"), ("b", "us-east-1b")):
        plan.create(f'aws_subnet.app["{key}"]', {"vpc_id": estate["vpc"], "cidr_block": f"10.0.{210 + ord(key)}.0/24",
                                                 "availability_zone": az})
        plan.create(f'aws_network_acl_association.app["{key}"]', {"network_acl_id": estate["default_acl"]},
                    unknown={"subnet_id": True}, refs={"subnet_id": ["each.value.id", "each.value"]},
                    for_each_refs=["aws_subnet.app"])
    plan.create("aws_route_table_association.only_b", {"route_table_id": estate["private_rt"][0]},
                unknown={"subnet_id": True},
                refs={"subnet_id": ['aws_subnet.app["b"].id', 'aws_subnet.app["b"]', "aws_subnet.app"]})
    change = apply(estate, plan)
    region = region_of(change.after)
    acl = next(a for a in region.network_acls if a.network_acl_id == estate["default_acl"])
    assert {'subnet-aws_subnet.app["a"] (new)', 'subnet-aws_subnet.app["b"] (new)'} <= set(acl.subnet_ids)
    assert table_of(region, 'subnet-aws_subnet.app["b"] (new)') == estate["private_rt"][0]
    assert not change.facts.unresolved


def test_module_inputs_and_outputs_carry_references_across_modules(estate: Estate) -> None:
    """A root route table whose subnets come from a module output; a module route that gets its
    NAT gateway from a root resource through a module variable."""
    plan = TerraformPlan()
    plan.create("aws_nat_gateway.shared", {"subnet_id": estate["public"][0], "connectivity_type": "public"})
    plan.module_call("module.net", inputs={"nat_id": ["aws_nat_gateway.shared.id", "aws_nat_gateway.shared"]},
                     outputs={"subnet_id": ["aws_subnet.this.id", "aws_subnet.this"],
                              "route_table_id": ["aws_route_table.this.id", "aws_route_table.this"]})
    plan.create("module.net.aws_subnet.this", {"vpc_id": estate["vpc"], "cidr_block": "10.0.220.0/24",
                                               "availability_zone_id": "use1-az2"})
    plan.create("module.net.aws_route_table.this", {"vpc_id": estate["vpc"]}, configured=("vpc_id",),
                unknown={"route": True})
    plan.create("module.net.aws_route.default", {"destination_cidr_block": "0.0.0.0/0"},
                unknown={"route_table_id": True, "nat_gateway_id": True},
                refs={"route_table_id": ["aws_route_table.this.id", "aws_route_table.this"],
                      "nat_gateway_id": ["var.nat_id"]})
    plan.create("aws_route_table_association.net", {}, unknown={"subnet_id": True, "route_table_id": True},
                refs={"subnet_id": ["module.net.subnet_id", "module.net"],
                      "route_table_id": ["module.net.route_table_id", "module.net"]})
    change = apply(estate, plan)
    region = region_of(change.after)
    table = "rtb-module.net.aws_route_table.this (new)"
    assert table_of(region, "subnet-module.net.aws_subnet.this (new)") == table
    route = next(t for t in region.route_tables if t.route_table_id == table).routes[-1]
    assert (route.destination, route.target_id) == ("0.0.0.0/0", "nat-aws_nat_gateway.shared (new)")
    subnet = next(s for s in region.subnets if s.subnet_id == "subnet-module.net.aws_subnet.this (new)")
    assert (subnet.availability_zone, subnet.availability_zone_id) == ("us-east-1b", "use1-az2")
    assert not change.facts.unresolved


# -- values known only after apply -----------------------------------------------------------------


def test_a_route_target_from_a_data_source_is_unresolved_not_guessed(estate: Estate) -> None:
    plan = TerraformPlan()
    plan.change("data.aws_ec2_transit_gateway.hub", ["read"], None, {"filter": []}, mode="data",
                unknown={"id": True})
    plan.create("aws_route.to_hub", {"route_table_id": estate["private_rt"][0],
                                     "destination_cidr_block": "10.128.0.0/9"},
                unknown={"transit_gateway_id": True},
                refs={"transit_gateway_id": HUB})
    change = apply(estate, plan)
    [unresolved] = change.facts.unresolved
    assert (unresolved.resource_id, unresolved.vpc_id, unresolved.part, unresolved.fields) == (
        estate["private_rt"][0], estate["vpc"], "route_tables", ("transit_gateway_id",))
    assert "data.aws_ec2_transit_gateway.hub.id is a data source read during apply" in unresolved.reason
    table = next(t for t in region_of(change.after).route_tables if t.route_table_id == estate["private_rt"][0])
    assert "10.128.0.0/9" not in {x.destination for x in table.routes}
    assert outcomes(change)["data.aws_ec2_transit_gateway.hub"][0] == "data_source"


def test_a_value_computed_by_a_function_is_unresolved(estate: Estate) -> None:
    """cidrsubnet(aws_vpc.main.cidr_block, 8, 1) references the CIDR but is not it."""
    plan = TerraformPlan()
    plan.create("aws_subnet.x", {"vpc_id": estate["vpc"], "availability_zone": "us-east-1a"},
                unknown={"cidr_block": True}, refs={"cidr_block": ["aws_vpc.prod.cidr_block", "aws_vpc.prod"]})
    [unresolved] = apply(estate, plan).facts.unresolved
    assert (unresolved.resource_id, unresolved.fields, unresolved.vpc_id) == (
        "subnet-aws_subnet.x (new)", ("cidr_block",), estate["vpc"])


def test_a_resource_whose_vpc_cannot_be_told_taints_the_region(estate: Estate) -> None:
    plan = TerraformPlan()
    plan.create("aws_security_group.x", {"name": "x", "description": "x", "ingress": [], "egress": []},
                unknown={"vpc_id": True}, refs={"vpc_id": ["local.vpc_id"]})
    [unresolved] = apply(estate, plan).facts.unresolved
    assert unresolved.vpc_id is None
    assert "local.vpc_id is a local value, which the plan's configuration does not describe" in unresolved.reason


def test_a_reference_to_a_resource_vpcaudit_does_not_model_is_unresolved(estate: Estate) -> None:
    plan = TerraformPlan()
    plan.create("aws_ec2_transit_gateway.hub", {"description": "hub"})
    plan.create("aws_route.to_hub", {"route_table_id": estate["private_rt"][1],
                                     "destination_cidr_block": "10.128.0.0/9"},
                unknown={"transit_gateway_id": True},
                refs={"transit_gateway_id": ["aws_ec2_transit_gateway.hub.id", "aws_ec2_transit_gateway.hub"]})
    change = apply(estate, plan)
    assert outcomes(change)["aws_ec2_transit_gateway.hub"][0] == "not_modelled"
    [unresolved] = change.facts.unresolved
    assert unresolved.fields == ("transit_gateway_id",) and "aws_ec2_transit_gateway.hub" in unresolved.reason


# -- what is applied, and what is not --------------------------------------------------------------


def test_a_plan_without_network_changes(estate: Estate) -> None:
    plan = TerraformPlan()
    plan.noop("aws_vpc.prod", {"id": estate["vpc"], "cidr_block": "10.0.0.0/16"})
    plan.create("aws_iam_role.flow_logs", {"name": "flow-logs", "assume_role_policy": "{}"})
    plan.create("random_id.suffix", {"byte_length": 4}, provider="registry.terraform.io/hashicorp/random")
    change = apply(estate, plan)
    assert not change.facts.network_change and change.facts.unchanged == 1
    assert {a: o for a, (o, _) in outcomes(change).items()} == {"aws_iam_role.flow_logs": "not_audited",
                                                               "random_id.suffix": "not_audited"}
    assert change.after == change.before


def test_types_vpcaudit_cannot_apply_are_not_modelled(estate: Estate) -> None:
    plan = TerraformPlan()
    plan.create("aws_instance.web", {"ami": "ami-1", "subnet_id": estate["private"][0]})
    change = apply(estate, plan)
    assert outcomes(change) == {"aws_instance.web": ("not_modelled", "")}
    assert change.facts.unjudged and change.facts.network_change


def test_a_region_the_snapshot_does_not_hold_is_out_of_scope(estate: Estate) -> None:
    plan = TerraformPlan(region="eu-west-1")
    plan.create("aws_vpc.eu", {"cidr_block": "10.50.0.0/16"})
    change = apply(estate, plan)
    assert outcomes(change) == {"aws_vpc.eu": ("out_of_scope", "eu-west-1 is not in the snapshot")}
    assert change.after == change.before


def test_the_region_can_come_from_a_root_variable() -> None:
    b = RegionBuilder(region="eu-west-1")
    vpc = standard_vpc(b)["vpc"]
    plan = TerraformPlan(region="eu-west-1", region_var="region")
    plan.create("aws_subnet.x", {"vpc_id": vpc, "cidr_block": "10.0.230.0/24", "availability_zone": "eu-west-1a"})
    change = plan_change(b.snapshot(), plan.document())
    assert change.facts.resources[0].region == "eu-west-1" and not change.facts.notes


def test_an_assumed_role_names_the_account() -> None:
    one, two = RegionBuilder("111111111111"), RegionBuilder("222222222222")
    vpc_one, vpc_two = standard_vpc(one)["vpc"], standard_vpc(two)["vpc"]
    assert vpc_one == vpc_two  # the builders number alike: only the account can tell them apart
    snapshot = multi_account_snapshot(one, two)
    plan = TerraformPlan(role_arn="arn:aws:iam::222222222222:role/deploy")
    plan.create("aws_flow_log.x", {"vpc_id": vpc_two, "traffic_type": "ALL"})
    change = plan_change(snapshot, plan.document())
    assert change.facts.resources[0].account_id == "222222222222"
    other = PlanAccount(change)
    assert other.flow_logs("222222222222") == 1 and other.flow_logs("111111111111") == 0
    unknown_account = TerraformPlan(role_arn="arn:aws:iam::333333333333:role/deploy")
    unknown_account.create("aws_flow_log.x", {"vpc_id": vpc_two, "traffic_type": "ALL"})
    result = plan_change(snapshot, unknown_account.document()).facts.resources[0]
    assert (result.outcome, result.detail) == (Outcome.OUT_OF_SCOPE, "333333333333/us-east-1 is not in the snapshot")


class PlanAccount:
    def __init__(self, change: PlannedChange) -> None:
        self.change = change

    def flow_logs(self, account_id: str) -> int:
        account = self.change.after.account(account_id)
        assert account is not None
        return len(account.regions[0].flow_logs) - len(self.change.before.account(account_id).regions[0].flow_logs)  # type: ignore[union-attr]


def test_without_a_stated_region_the_resources_referred_to_decide() -> None:
    east, west = RegionBuilder(region="us-east-1"), RegionBuilder(region="us-west-2")
    standard_vpc(east)
    west.new_id("x")  # offset the ids so the west VPC's id is its own
    west_vpc = standard_vpc(west)["vpc"]
    snapshot = snapshot_of(east, west)
    plan = TerraformPlan(region=None)
    plan.create("aws_flow_log.x", {"vpc_id": west_vpc, "traffic_type": "ALL"})
    change = plan_change(snapshot, plan.document())
    assert change.facts.resources[0].region == "us-west-2"
    assert "the plan names no Region for some resources" in change.facts.notes[0]


def snapshot_of(*builders: RegionBuilder) -> Any:
    from dataclasses import replace

    snap = builders[0].snapshot()
    account = replace(snap.accounts[0], regions=tuple(b.region_snapshot() for b in builders))
    return replace(snap, accounts=(account,))


# -- plans that cannot be read ---------------------------------------------------------------------


@pytest.mark.parametrize(("document", "message"), [
    ([1, 2], "not a Terraform plan: the JSON is not an object"),
    ({"values": {}, "terraform_version": "1.9.8"}, "no 'format_version' (this looks like a state file"),
    ({"format_version": "2.0", "resource_changes": []}, "plan format_version 2.0 is not supported"),
    ({"format_version": "1.2", "resource_changes": [{"address": "aws_vpc.x", "type": "aws_vpc", "name": "x"}]},
     "resource_changes[0] (aws_vpc.x) has no change.actions"),
    ({"format_version": "1.2", "resource_changes": {"a": 1}}, "'resource_changes' in $ is not a list"),
])
def test_what_is_not_a_readable_plan_is_refused_with_the_reason(estate: Estate, document: Any, message: str) -> None:
    with pytest.raises(PlanError) as caught:
        plan_change(estate.snapshot, document)
    assert message in str(caught.value) and caught.value.setting == "terraform"


def test_unknown_values_the_configuration_leaves_to_aws_take_aws_defaults(estate: Estate) -> None:
    """A new endpoint's policy, dns_options and route tables are unknown in the plan when the
    configuration does not set them: AWS gives the default, nothing is unresolved."""
    plan = TerraformPlan()
    plan.create("aws_vpc_endpoint.logs", {"vpc_id": estate["vpc"], "service_name": "com.amazonaws.us-east-1.logs",
                                          "vpc_endpoint_type": "Interface", "subnet_ids": estate["private"][:1],
                                          "private_dns_enabled": True},
                unknown={"policy": True, "dns_options": True, "route_table_ids": True, "ip_address_type": True,
                         "security_group_ids": True})
    change = apply(estate, plan)
    assert not change.facts.unresolved
    endpoint = next(e for e in region_of(change.after).vpc_endpoints
                    if e.vpc_endpoint_id == "vpce-aws_vpc_endpoint.logs (new)")
    assert (endpoint.policy_document, endpoint.route_table_ids) == (None, ())
    assert endpoint.group_ids == (estate["default_sg"],)
    configured = TerraformPlan()
    configured.create("aws_vpc_endpoint.logs", {"vpc_id": estate["vpc"], "service_name": "com.amazonaws.us-east-1.logs",
                                                "vpc_endpoint_type": "Interface", "subnet_ids": estate["private"][:1]},
                      unknown={"policy": True}, refs={"policy": ["data.aws_iam_policy_document.logs.json"]})
    [unresolved] = apply(estate, configured).facts.unresolved
    assert unresolved.fields == ("policy",)


def test_a_subnet_whose_az_aws_picks_is_unresolved(estate: Estate) -> None:
    plan = TerraformPlan()
    plan.create("aws_subnet.anywhere", {"vpc_id": estate["vpc"], "cidr_block": "10.0.250.0/24"},
                unknown={"availability_zone": True, "availability_zone_id": True})
    [unresolved] = apply(estate, plan).facts.unresolved
    assert unresolved.fields == ("availability_zone",) and "AWS picks the AZ" in unresolved.reason


def test_a_deleted_route_names_no_id_of_its_own(estate: Estate) -> None:
    plan = TerraformPlan()
    plan.delete("aws_route.to_peer", {"route_table_id": estate["private_rt"][0], "destination_cidr_block": "0.0.0.0/0"})
    [planned] = apply(estate, plan).facts.resources
    assert (planned.action, planned.outcome, planned.resource_ids) == ("delete", Outcome.APPLIED, ())
