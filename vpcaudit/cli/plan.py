"""`vpcaudit plan SNAPSHOT --terraform PLAN.json | --cloudformation TEMPLATE`: the check before apply.

The change is applied to a copy of the snapshot (:func:`vpcaudit.api.read_change`), both are
audited with one plan and compared (:func:`vpcaudit.api.predict`): exactly what ``vpcaudit diff``
reports for two snapshots — same formats, outputs, audit options, config-file defaults and exit
codes — plus what the change held: what was applied, what vpcaudit could not model, what lies
outside the snapshot, and which values are known only after apply.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vpcaudit import api
from vpcaudit.cli.app import app
from vpcaudit.cli.audit import QuietOpt
from vpcaudit.cli.console import fail
from vpcaudit.cli.diff import DIFF_EXIT_CODES, DIFF_HELPS, DiffFormatOpt, DiffOutputOpt, finish_diff
from vpcaudit.cli.help import GroupedCommand, examples, exit_codes_help
from vpcaudit.cli.settings import CONFIG_HELP, Given, takes
from vpcaudit.errors import VpcauditError
from vpcaudit.options import AUDIT_SETTINGS

CHANGE = "The change"

PLAN_EXIT_CODES: tuple[tuple[int, str], ...] = (
    *DIFF_EXIT_CODES[:2],
    (2, "usage or configuration error: unreadable snapshot, a plan or template that cannot be read, bad "
        "suppressions, pricing or config file, unknown rule selector, unwritable output"),
    (3, "--strict and coverage got worse: something judged before is not judged after, including changes "
        "vpcaudit cannot model, resources outside the snapshot's accounts and Regions, and values known only "
        "after apply; 1 wins over 3"),
)

PLAN_EXAMPLES = "\n\n".join((
    examples(
        ("terraform plan -out tfplan && terraform show -json tfplan > plan.json",
         "Terraform writes the plan; vpcaudit reads its JSON form."),
        ("vpcaudit plan prod.json --terraform plan.json",
         "What the plan would do to findings and traffic paths, on the terminal; exit 1 if something\n"
         "at or above high would newly fail or a path would get worse."),
        ("vpcaudit plan prod.json --terraform plan.json -f md -o plan-review.md",
         "The review as Markdown, for the pull request."),
        ("vpcaudit plan prod.json --terraform plan.json --fail-on medium --strict -f json -f md -f sarif -o out/",
         "The CI gate: diff.json, diff.md and diff.sarif (what got worse, for code scanning) in out/;\n"
         "exit 3 if part of the change could not be judged."),
        ("vpcaudit plan prod.json --cloudformation network.yaml --parameters params.json",
         "A stack to be created (cdk synth writes the same templates), with its parameter values."),
        ("vpcaudit demo && cd vpcaudit-demo && vpcaudit plan snapshot.json --terraform plans/s3-via-nat.json",
         "Try it offline on the demo estate."),
    ),
    "Resources vpcaudit does not model, resources in accounts or Regions the snapshot does not hold, and "
    "values known only after apply are listed and never judged on a guess. " + CONFIG_HELP,
    exit_codes_help(PLAN_EXIT_CODES),
))

PLAN_HELPS = {**DIFF_HELPS,
              "strict": "Exit 3 when part of the change could not be judged (a resource vpcaudit does not model, "
                        "one outside the snapshot's accounts and Regions, a value known only after apply), "
                        "unless exit 1 applies."}

TerraformOpt = Annotated[Path | None, typer.Option(
    "--terraform", metavar="PLAN.json", help="A Terraform plan as `terraform show -json PLANFILE` writes it.",
    rich_help_panel=CHANGE, show_default=False)]
CloudFormationOpt = Annotated[Path | None, typer.Option(
    "--cloudformation", metavar="TEMPLATE", help="A CloudFormation template (YAML or JSON) of a stack to be created.",
    rich_help_panel=CHANGE, show_default=False)]
ParametersOpt = Annotated[Path | None, typer.Option(
    "--parameters", metavar="FILE", help="The template's parameter values: the `aws cloudformation` JSON list "
                                         "([{\"ParameterKey\": …, \"ParameterValue\": …}]) or {\"Name\": \"value\"}.",
    rich_help_panel=CHANGE, show_default=False)]
StackRegionOpt = Annotated[str | None, typer.Option(
    "--region", metavar="REGION", help="With --cloudformation: the Region the stack is created in (default: the "
                                       "snapshot's, or the one holding the resources the parameters name).",
    rich_help_panel=CHANGE, show_default=False)]
StackAccountOpt = Annotated[str | None, typer.Option(
    "--account", metavar="ID", help="With --cloudformation: the account, when the snapshot holds several.",
    rich_help_panel=CHANGE, show_default=False)]


@app.command("plan", cls=GroupedCommand, epilog=PLAN_EXAMPLES)
@takes(AUDIT_SETTINGS, helps=PLAN_HELPS)
def plan_command(
    ctx: typer.Context,
    snapshot: Annotated[Path, typer.Argument(metavar="SNAPSHOT", help="Snapshot of the estate the change applies to.",
                                             show_default=False)],
    terraform: TerraformOpt = None,
    cloudformation: CloudFormationOpt = None,
    parameters: ParametersOpt = None,
    region: StackRegionOpt = None,
    account: StackAccountOpt = None,
    format: DiffFormatOpt = None,
    output: DiffOutputOpt = None,
    quiet: QuietOpt = False,
    *,
    given: Given,
) -> None:
    """Predict what a change does before it is applied: a Terraform plan or a CloudFormation
    template against a snapshot, reported as `vpcaudit diff` reports two snapshots."""
    if (terraform is None) == (cloudformation is None):
        fail("give one of --terraform PLAN.json or --cloudformation TEMPLATE")
    if cloudformation is None and (parameters or region or account):
        fail("--parameters, --region and --account go with --cloudformation")
    options = given.audit()
    try:
        change_file = {"Terraform plan": terraform, "CloudFormation template": cloudformation,
                       "parameters file": parameters}
        inputs = {"snapshot": snapshot, **{k: v for k, v in change_file.items() if v}, **given.input_files()}
        targets = api.outputs(format or (), output, "diff", inputs=inputs)
        change = api.read_change(api.load_snapshot(snapshot), terraform=terraform, cloudformation=cloudformation,
                                 parameters=parameters, region=region, account_id=account)
        result = api.predict(change, options)
        printed, written = api.write_reports(result, targets)
    except VpcauditError as exc:
        fail(exc)
    finish_diff(result, printed, written, options.strict, quiet, _verdict)


def _verdict(d: api.AuditDiff, code: api.ExitCode) -> str:
    assert d.plan is not None
    if not d.plan.network_change:
        return f"vpcaudit plan: no network change → exit {int(code)}"
    c = d.counts()
    parts = [f"{c['newly_failing']} finding(s) would newly fail at or above {d.fail_on.value}",
             f"{c['worse_paths']} traffic path(s) would get worse"]
    unjudged = len(d.plan.unjudged)
    if unjudged:
        parts.append(f"{unjudged} change(s) not judged (not modelled or outside the snapshot)")
    if d.plan.unresolved:
        parts.append(f"{len(d.plan.unresolved)} value(s) known only after apply")
    return f"vpcaudit plan: {'; '.join(parts)} → exit {int(code)}"
