"""The remediation plan as Terraform configuration (``vpcaudit fix -f terraform``).

One AWS provider per account and Region, pinned with ``allowed_account_ids`` so the file cannot
be applied to the wrong account by a stray profile; existing resources come in through
``import`` blocks (Terraform 1.5+); steps that need a decision, and changes Terraform cannot
express safely for a resource it may not manage (deletions), are comments. ``terraform plan``
shows every change before anything happens: vpcaudit never applies it.
"""

from __future__ import annotations

import dataclasses

from vpcaudit.engine.fixplan import FixPlan, PlanGroup
from vpcaudit.render.fix import terraform
from vpcaudit.render.text import terminal_safe

REQUIRED_PROVIDERS = """terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}"""


def render_plan(plan: FixPlan) -> str:
    ready = len(plan.fixed_without_decision())
    header = [
        "vpcaudit remediation plan (Terraform). GENERATED: REVIEW EVERY CHANGE BEFORE APPLYING IT.",
        "",
        f"Written by vpcaudit {plan.tool_version} from the audit of a snapshot taken {plan.snapshot_taken_at} "
        f"(audited {plan.generated_at}).",
        "Selection: " + ", ".join(f"{k}={v}" for k, v in plan.selection) + ".",
        f"{len(plan.findings)} failing finding(s) have changes here; {ready} of them are fixed by the blocks that "
        "are not commented out.",
        "Existing resources are brought in with import blocks: run `terraform plan` and read every change. If",
        "another configuration already manages a resource, make the change there instead.",
    ]
    out = [f"# {line}".rstrip() for line in header] + ["", REQUIRED_PROVIDERS]
    for group in plan.groups:
        out += ["", *_group(group)]
    return "\n".join(out) + "\n"


def _group(group: PlanGroup) -> list[str]:
    alias = terraform.name("a", group.account_id, group.region)
    out = [f"# === Account {group.account_id}, Region {group.region} ===",
           'provider "aws" {', f"  alias               = {terraform.hcl_string(alias)}",
           f"  region              = {terraform.hcl_string(group.region)}",
           f"  allowed_account_ids = [{terraform.hcl_string(group.account_id)}]", "}"]
    steps = []
    for planned in group.steps:
        fixes = "\n".join(terminal_safe(f"fixes {f.rule_id} ({f.severity.value}) {f.resource.resource_id}: "
                                        f"{f.message}") for f in planned.findings)
        steps.append(dataclasses.replace(planned.step, description=f"{planned.step.description}\n{fixes}"))
    rendered = terraform.render(steps, group.region, provider=f"aws.{alias}")
    return [*out, "", rendered] if rendered else out
