"""`vpcaudit merge snapshots|results`: per-account files into one organization snapshot or report.

Thin: reads the files, calls :func:`vpcaudit.api.merge_snapshots` / :func:`~vpcaudit.api.merge_results`,
writes the outputs (local files or ``-o s3://bucket/prefix/``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vpcaudit import api
from vpcaudit.cli.app import app
from vpcaudit.cli.audit import FormatOpt, OutputOpt, QuietOpt, finish
from vpcaudit.cli.console import fail
from vpcaudit.cli.delivery import deliver_or_plan
from vpcaudit.cli.help import GroupedCommand, examples
from vpcaudit.cli.settings import Given, takes
from vpcaudit.errors import VpcauditError
from vpcaudit.options import AUDIT_SETTINGS, DELIVERY_SETTINGS

merge_app = typer.Typer(name="merge", no_args_is_help=True, rich_markup_mode=None,
                        help="Merge per-account snapshots into one organization snapshot, or per-account results "
                             "into one report.")
app.add_typer(merge_app)

Inputs = Annotated[list[Path], typer.Argument(help="Files to merge, one or more accounts each; a folder stands for "
                                                    "its */snapshot.json or */result.json files.", show_default=False)]

SNAPSHOT_EXAMPLES = examples(
    ("vpcaudit merge snapshots accounts/*/snapshot.json -o org.json && vpcaudit audit org.json -f html -o org.html",
     "One organization snapshot, audited as one: COST001 pools endpoints across every account."),
    ("vpcaudit merge snapshots run/accounts -o s3://audit-bucket/org/", "A folder of per-account folders, to S3."),
)
RESULT_EXAMPLES = examples(
    ("vpcaudit merge results a/result.json b/result.json -f html -o org.html",
     "One report from results audited separately (cross-account rules keep each account's own view)."),
)


def _files(inputs: list[Path], name: str) -> list[Path]:
    """The inputs, each folder replaced by the ``name`` files one level below it (sorted)."""
    files: list[Path] = []
    for path in inputs:
        files.extend(sorted(path.glob(f"*/{name}")) if path.is_dir() else [path])
    return files


@merge_app.command("snapshots", epilog=SNAPSHOT_EXAMPLES)
@takes(DELIVERY_SETTINGS)
def snapshots(
    ctx: typer.Context,
    inputs: Inputs,
    output: Annotated[str, typer.Option("--output", "-o", metavar="FILE", help="The merged snapshot: a file, '-' "
                                        "for stdout, or s3://bucket/prefix/ (written as snapshot.json).")],
    *,
    given: Given,
) -> None:
    """Merge snapshots of different accounts into one organization snapshot (audit it with `vpcaudit audit`)."""
    try:
        files = _files(inputs, "snapshot.json")
        location, targets = deliver_or_plan(["json"], output, "snapshot")
        merged = api.merge_snapshots([api.load_snapshot(f) for f in files], [str(f) for f in files])
        if location is not None:
            for url in api.deliver(merged, ["json"], location, kind="snapshot", delivery=given.delivery()):
                typer.echo(f"wrote {url}", err=True)
            return
        printed, written = api.write_reports(merged, targets)
    except VpcauditError as exc:
        fail(exc)
    for text in printed:
        typer.echo(text, nl=False)
    for path in written:
        typer.echo(f"wrote {path}: {len(merged.accounts)} account(s) from {len(files)} snapshot(s)", err=True)


@merge_app.command("results", cls=GroupedCommand, epilog=RESULT_EXAMPLES)
@takes(AUDIT_SETTINGS, DELIVERY_SETTINGS)
def results(
    ctx: typer.Context,
    inputs: Inputs,
    format: FormatOpt = None,
    output: OutputOpt = None,
    quiet: QuietOpt = False,
    *,
    given: Given,
) -> None:
    """Merge results (result.json) of different accounts into one report; exit code as `vpcaudit audit`."""
    options = given.audit()
    try:
        files = _files(inputs, "result.json")
        location, targets = deliver_or_plan(format or (), output)
        merged = api.merge_results([api.load_result(f) for f in files], [str(f) for f in files])
    except VpcauditError as exc:
        fail(exc)
    finish(merged, targets, options, quiet, location, given.delivery())
