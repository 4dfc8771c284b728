"""`vpcaudit fix`: write a reviewable remediation plan from an audit result. Never runs it.

Thin: :func:`vpcaudit.api.load_result`, :func:`~vpcaudit.api.fix_plan` and the api's output
writers do the work; ``--select`` and ``--min-severity`` are the audit settings of
:mod:`vpcaudit.options` (same parsing, same config-file defaults), here choosing findings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vpcaudit import api
from vpcaudit.cli.app import app
from vpcaudit.cli.console import fail, say
from vpcaudit.cli.help import GroupedCommand, examples
from vpcaudit.cli.settings import CONFIG_HELP, Given, takes
from vpcaudit.errors import VpcauditError
from vpcaudit.options import SETTINGS

EXAMPLES = "\n\n".join((
    examples(
        ("vpcaudit audit snap.json -f json -o result.json && vpcaudit fix result.json -o fix-plan.sh",
         "Audit, then write the shell plan; read it, run `DRY_RUN=1 bash fix-plan.sh`, then `bash fix-plan.sh`."),
        ("vpcaudit fix result.json -f terraform -o fix-plan.tf",
         "The same changes as Terraform: import blocks for what exists, one provider per account and Region."),
        ("vpcaudit fix result.json --select GWE,NAT002 --min-severity medium",
         "Only gateway-endpoint and cross-AZ NAT findings of medium severity or worse, on stdout."),
    ),
    "Failing findings only: suppressed findings are accepted risks and get no step. Steps that need a "
    "decision (a flow-log destination, a scoped policy's principals) are written out, commented. " + CONFIG_HELP,
    "\b\nExit codes:\n  0  the plan was written\n  2  unreadable result, unknown selector or format, unwritable output",
))

HELPS = {"select": "Only findings of these rules: ids or prefixes, comma-separated or repeated (GWE, NAT002).",
         "min_severity": "Only findings of this severity or worse."}


@app.command(cls=GroupedCommand, epilog=EXAMPLES)
@takes([SETTINGS["select"], SETTINGS["min_severity"]], helps=HELPS)
def fix(
    ctx: typer.Context,
    result: Annotated[Path, typer.Argument(metavar="RESULT", show_default=False,
                                           help="Audit result written with `-f json` (audit or scan).")],
    format: Annotated[str, typer.Option("--format", "-f", metavar="FMT",
                                        help="sh (bash script of AWS CLI calls) or terraform.")] = "sh",
    output: Annotated[str | None, typer.Option("--output", "-o", metavar="FILE",
                                               help="Where to write the plan ('-' = stdout, the default).",
                                               show_default=False)] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary on stderr.")] = False,
    *,
    given: Given,
) -> None:
    """Write a remediation plan for the failing findings of an audit result, to review and run yourself."""
    options = given.audit()
    try:
        targets = api.outputs([format], output, "fix", inputs={"audit result": result, **given.input_files()})
        plan = api.fix_plan(api.load_result(result), select=options.select, min_severity=options.min_severity)
        printed, written = api.write_reports(plan, targets)
    except VpcauditError as exc:
        fail(exc)
    for text in printed:
        typer.echo(text, nl=False)
    if not quiet:
        steps = [p.step for g in plan.groups for p in g.steps]
        waiting = sum(1 for s in steps if not s.ready)
        say(f"vpcaudit: {len(steps)} step(s) for {len(plan.findings)} finding(s); {waiting} need a decision and are "
            f"commented out; {len(plan.fixed_without_decision())} finding(s) fixed as written"
            + "".join(f"; wrote {path}" for path in written))
