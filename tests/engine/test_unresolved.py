"""A value known only after apply makes what depends on it *not evaluated*, never a silent pass.

Checked through the whole prediction (api.predict): the planned snapshot records the unresolved
value, the runner turns the dependent findings into not evaluated and adds one per rule and
unresolved resource, paths become unknown, and the diff counts it all as lost coverage.
"""

from __future__ import annotations

from dataclasses import replace

from builders import ACCOUNT, REGION
from plan_estate import Estate, build_estate
from tfplan import TerraformPlan

from vpcaudit import api
from vpcaudit.change.terraform import plan_change
from vpcaudit.engine.loader import load_registry
from vpcaudit.engine.rule import Finding, ResourceRef, Severity, Status
from vpcaudit.engine.unresolved import judge_findings, judge_paths
from vpcaudit.network.view import NetworkView
from vpcaudit.snapshot import resources as r


def unresolved_route(estate: Estate, table: str) -> TerraformPlan:
    plan = TerraformPlan()
    plan.create("aws_route.to_hub", {"route_table_id": table, "destination_cidr_block": "10.128.0.0/9"},
                unknown={"transit_gateway_id": True},
                refs={"transit_gateway_id": ["data.aws_ec2_transit_gateway.hub.id",
                                         "data.aws_ec2_transit_gateway.hub"]})
    return plan


def test_failing_findings_that_depend_on_it_become_not_evaluated_with_the_reason() -> None:
    estate = build_estate()  # private route table 3 lacks the S3 route: GWE001 fails on its subnet
    change = plan_change(estate.snapshot, unresolved_route(estate, estate["private_rt"][2]).document())
    d = api.predict(change, api.AuditOptions(select=("GWE001",)))
    [changed] = d.changed
    assert (changed.before.status, changed.after.status) == (Status.FAIL, Status.NOT_EVALUATED)
    assert changed.after.resource.resource_id == estate["private"][2]
    assert "not evaluated: aws_route.to_hub: transit_gateway_id: known only after apply" in changed.after.message
    assert d.coverage_worse and not d.newly_failing


def test_findings_on_what_does_not_depend_on_it_are_still_judged() -> None:
    estate = build_estate()  # the unresolved route is in table 1; GWE001 fails on table 3's subnet
    change = plan_change(estate.snapshot, unresolved_route(estate, estate["private_rt"][0]).document())
    d = api.predict(change, api.AuditOptions(select=("GWE001",)))
    assert d.unchanged == 1 and not d.changed
    assert [(f.resource.resource_id, f.status) for f in d.new] == [(estate["private_rt"][0], Status.NOT_EVALUATED)]


def test_a_rule_that_found_nothing_does_not_pass_silently() -> None:
    estate = build_estate()
    change = plan_change(estate.snapshot, unresolved_route(estate, estate["private_rt"][0]).document())
    d = api.predict(change, api.AuditOptions(select=("NAT002",)))  # nothing fails before or after
    [new] = d.new
    assert (new.rule_id, new.status, new.resource.resource_id, new.resource.resource_type) == (
        "NAT002", Status.NOT_EVALUATED, estate["private_rt"][0], "route-table")
    assert new in d.newly_unevaluated and d.coverage_worse
    assert [(c.rule_id, c.before, c.after) for c in d.coverage] == [("NAT002", "passed", "not_evaluated")]


def test_paths_in_the_vpc_become_unknown_and_only_changed() -> None:
    estate = build_estate()
    change = plan_change(estate.snapshot, unresolved_route(estate, estate["private_rt"][0]).document())
    d = api.predict(change, api.AuditOptions(select=("GWE001",)))
    assert d.paths and {p.after.kind for p in d.paths} == {"unknown"} and not d.worse_paths
    assert {p.verdict for p in d.paths} == {"changed"}
    assert "known only after apply: aws_route.to_hub" in d.paths[0].after.detail


def test_rules_that_do_not_read_the_part_are_untouched() -> None:
    estate = build_estate()
    change = plan_change(estate.snapshot, unresolved_route(estate, estate["private_rt"][0]).document())
    d = api.predict(change, api.AuditOptions(select=("SG002", "MON001")))
    assert not d.new and not d.changed and not d.coverage_worse


def test_an_unplaced_resource_taints_every_vpc_of_the_region() -> None:
    estate = build_estate()
    rule = next(x for x in load_registry().rules if x.id == "SG001")
    unplaced = r.Unresolved("sg-aws_security_group.x (new)", "security-group", None, "security_groups",
                            "aws_security_group.x", ("vpc_id",), "vpc_id: known only after apply")
    region = replace(estate.builder.region_snapshot(), unresolved=(unplaced,))
    fails = [Finding("SG001", "endpoint-sg-open-to-world", Severity.HIGH, Status.FAIL,
                     ResourceRef(ACCOUNT, REGION, vpc, "security-group", f"sg-{vpc}"), "open")
             for vpc in ("vpc-a", "vpc-b")]
    view = NetworkView.build(estate.snapshot.accounts[0], region)
    judged = judge_findings(rule, view, fails)
    assert [(f.resource.resource_id, f.status) for f in judged] == [
        ("sg-vpc-a", Status.NOT_EVALUATED), ("sg-vpc-b", Status.NOT_EVALUATED),
        ("sg-aws_security_group.x (new)", Status.NOT_EVALUATED)]
    assert judge_paths(view, view.traffic_paths()) == view.traffic_paths()  # security groups are no path input
