"""`vpcaudit demo`: the whole tool on an example account, with no AWS account and no network.

Thin: :func:`vpcaudit.demo.run.run_demo` builds and scans the estate; this module writes the
three reports, the remediation plan ``vpcaudit fix`` would write, the snapshot and two example
Terraform plans through the same output code as ``audit``/``scan`` (atomic writes, one-line
errors), prints the summary and says where the files are, so ``vpcaudit plan``, ``audit`` and
``fix`` can be tried on them offline.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer

from vpcaudit import api
from vpcaudit.cli.app import app
from vpcaudit.cli.console import fail, say
from vpcaudit.cli.help import exit_codes_help
from vpcaudit.demo.plans import EXAMPLES
from vpcaudit.demo.run import require_moto, run_demo
from vpcaudit.errors import VpcauditError

# The demo's reports, in the order they are listed to the user (each under its default file name).
REPORTS = ("html", "md", "json", "asff")
FIX_PLAN = "fix-plan.sh"

DEMO_HELP = """Build an example AWS account in-process with moto, scan it, and write the reports.

No AWS account, credentials or network are used: moto answers every call. The example
account has three VPCs across three AZs: "prod" and "dev" with the typical mistakes (one NAT
gateway for three AZs, an S3 gateway endpoint missing from a route table, Session Manager
endpoints without ssm, private DNS off, endpoint security groups open to the world or closed
on 443, full-access endpoint policies, DNS hostnames off, a NAT gateway in a private subnet,
no flow logs, an idle endpoint, a bucket policy that denies all endpoint traffic) and "good",
built right, on which no rule fires. The scan is the full one (`vpcaudit scan --with
metrics,s3-policies`) over two weeks of seeded traffic, so every rule runs.

Writes report.html, report.md, result.json, report.asff.json (the findings for Security Hub)
and fix-plan.sh (what `vpcaudit fix result.json` writes: the remediation plan, to read; the demo
never runs it) to --output-dir, with the scanned snapshot (snapshot.json) and two example
Terraform plans against it (plans/s3-via-nat.json, a change that sends the good VPC's S3 traffic
through NAT; plans/s3-fix.json, one that fixes prod's S3 route and gives each of its AZs a NAT
gateway).

Examples:

  vpcaudit demo            (then open vpcaudit-demo/report.html in a browser)

  cd vpcaudit-demo && vpcaudit plan snapshot.json --terraform plans/s3-via-nat.json
"""
DEMO_HELP += "\n\n" + exit_codes_help(((0, "the demo ran (findings are expected)"),
                                        (2, "moto is not installed or a report could not be written")))


@app.command(help=DEMO_HELP)
def demo(
    output_dir: Annotated[Path, typer.Option(
        "--output-dir", "-o", metavar="DIR", help="Folder that receives report.html, report.md, result.json, "
                                                 "report.asff.json, fix-plan.sh, snapshot.json and plans/.")
    ] = Path("vpcaudit-demo"),
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="Print only where the reports are: no progress, no summary.")] = False,
) -> None:
    started = time.monotonic()
    try:
        require_moto()
        targets = api.outputs(REPORTS, str(output_dir))
        plan_target = api.outputs(["sh"], str(output_dir / FIX_PLAN), "fix")
        snapshot_target = api.outputs(("json",), str(output_dir / "snapshot.json"), "snapshot")
        if not quiet:
            typer.echo("Building an example account in moto (prod, dev, good VPCs) and scanning it…", err=True)
        run = run_demo()
        _, written = api.write_reports(run.outcome.result, targets)
        written += api.write_reports(api.fix_plan(run.outcome.result), plan_target)[1]
        written += api.write_reports(run.outcome.snapshot, snapshot_target)[1]
        for name, build in EXAMPLES.items():
            document = build(run.estate, run.outcome.snapshot)
            written += api.write_text(json.dumps(document, indent=1) + "\n", str(output_dir / "plans" / name))[1]
    except VpcauditError as exc:
        fail(exc)
    if not quiet:
        typer.echo(api.render(run.outcome.result, "table"))
        typer.echo(f"\nScanned {len(run.estate.vpcs)} example VPCs in {time.monotonic() - started:.1f} s. Reports:")
    for path in written:
        say(str(path), err=False)
