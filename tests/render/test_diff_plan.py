"""The diff formats for a planned change: the plan's own section in table, Markdown and JSON, and
SARIF of what the change makes worse (valid against the official schema)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from plan_estate import build_estate
from tfplan import TerraformPlan

from vpcaudit import api, render
from vpcaudit.change.terraform import plan_change
from vpcaudit.engine.diff import AuditDiff

SCHEMA = json.loads((Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def planned() -> AuditDiff:
    """Drops private route table 1 from the S3 endpoint (a worse path and GWE001), creates an
    instance (not modelled), reads a data source, and adds a route whose target is unknown."""
    estate = build_estate()
    plan = TerraformPlan()
    s3 = {"id": estate["s3"], "vpc_id": estate["vpc"], "service_name": "com.amazonaws.us-east-1.s3",
          "vpc_endpoint_type": "Gateway", "route_table_ids": estate["private_rt"][:2]}
    plan.update("aws_vpc_endpoint.s3", s3, {**s3, "route_table_ids": estate["private_rt"][1:2]})
    plan.create("aws_instance.web|x", {"ami": "ami-1"})
    plan.change("data.aws_ec2_transit_gateway.hub", ["read"], None, {}, mode="data", unknown={"id": True})
    plan.create("aws_route.to_hub", {"route_table_id": estate["private_rt"][2],
                                     "destination_cidr_block": "10.8.0.0/16"},
                unknown={"transit_gateway_id": True},
                refs={"transit_gateway_id": ["data.aws_ec2_transit_gateway.hub.id"]})
    change = plan_change(estate.snapshot, plan.document(), "plan.json")
    return api.predict(change, api.AuditOptions(select=("GWE001", "NAT002")))


def test_the_terminal_view_names_the_plan_and_every_change_not_applied(planned: AuditDiff) -> None:
    text = render.render(planned, "table")
    assert text.startswith("vpcaudit plan: Terraform plan plan.json (format 1.2, Terraform 1.9.8) on the snapshot of")
    assert "Planned change: 2 resource change(s) applied (create 1, update 1); 0 resource(s) unchanged." in text
    assert "Not modelled (not judged: counts as lost coverage): aws_instance.web|x (create)" in text
    assert "Data sources (read, never applied): data.aws_ec2_transit_gateway.hub (read)" in text
    assert "Known only after apply (1; the rules reading them are not evaluated there): aws_route.to_hub" in text


def test_the_markdown_lists_the_planned_resources_escaped(planned: AuditDiff) -> None:
    text = render.render(planned, "md")
    assert text.startswith("# VPC network audit: what this change would do")
    assert ("| After | predicted: Terraform plan plan.json (format 1.2, Terraform 1.9.8) applied to that "
            "snapshot |") in text
    assert "| aws\\_instance.web\\|x | aws\\_instance | create | **not modelled** | — |" in text
    assert "| aws\\_vpc\\_endpoint.s3 | aws\\_vpc\\_endpoint | update | applied | 111111111111/us-east-1 |" in text
    assert "- aws\\_route.to\\_hub (rtb-" in text


def test_the_json_carries_the_plan_and_its_counts(planned: AuditDiff) -> None:
    data = json.loads(render.render(planned, "json"))
    assert data["plan"]["dialect"] == "terraform" and {r["id"] for r in data["rules"]} == {"GWE001", "NAT002"}
    assert {p["address"]: p["outcome"] for p in data["plan"]["resources"]} == {
        "aws_instance.web|x": "not_modelled", "aws_route.to_hub": "applied", "aws_vpc_endpoint.s3": "applied",
        "data.aws_ec2_transit_gateway.hub": "data_source"}
    summary = data["summary"]
    assert (summary["plan_applied"], summary["plan_not_modelled"], summary["plan_unresolved"]) == (2, 1, 1)
    assert summary["coverage_worse"] is True


def sarif(d: AuditDiff) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(render.render(d, "sarif"))
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    return log


def test_sarif_lists_what_the_change_makes_worse(planned: AuditDiff) -> None:
    run = sarif(planned)["runs"][0]
    results = [(r["ruleId"], r["level"], r["kind"]) for r in run["results"]]
    assert ("GWE001", "warning", "fail") in results and ("PATH", "error", "fail") in results
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert "Why it matters" in rules["GWE001"]["help"]["markdown"]  # the audit's descriptors, help included
    path = next(r for r in run["results"] if r["ruleId"] == "PATH")
    assert path["message"]["text"].startswith(f"s3 traffic from {planned.worse_paths[0].after.subnet_id}")
    assert path["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("/s3")
    assert run["properties"]["coverageWorse"] is True


def test_sarif_of_a_diff_without_changes_is_empty_and_valid() -> None:
    estate = build_estate()
    d = api.predict(plan_change(estate.snapshot, TerraformPlan().document()), api.AuditOptions(select=("GWE001",)))
    run = sarif(d)["runs"][0]
    assert run["results"] == [] and run["tool"]["driver"]["rules"] == []


def test_changes_outside_the_snapshot_and_assumptions_are_spelled_out() -> None:
    estate = build_estate()
    elsewhere = TerraformPlan(region="eu-west-1")
    elsewhere.create("aws_vpc.eu", {"cidr_block": "10.50.0.0/16"})
    d = api.predict(plan_change(estate.snapshot, elsewhere.document(), "eu.json"), api.AuditOptions(select=("MON",)))
    assert ("Outside the snapshot (not judged: counts as lost coverage): aws_vpc.eu (create): eu-west-1 is not in "
            "the snapshot") in render.render(d, "table")
    assert "| aws\\_vpc.eu | aws\\_vpc | create | **out of scope** | — | eu-west-1 is not in the snapshot |" in \
        render.render(d, "md")
    assert api.diff_exit_code(d, strict=True) == api.ExitCode.INCOMPLETE
    unstated = TerraformPlan(region=None)
    unstated.create("aws_flow_log.x", {"vpc_id": estate["vpc"], "traffic_type": "ALL"})
    d = api.predict(plan_change(estate.snapshot, unstated.document()), api.AuditOptions(select=("MON",)))
    assert "> Note: the plan names no Region for some resources" in render.render(d, "md")
    assert "Note: the plan names no Region for some resources" in render.render(d, "table")
