"""`vpcaudit audit` (judge a saved snapshot, offline) and `vpcaudit scan` (collect, then judge).

Both commands share one set of audit options (selection, failing threshold, suppressions,
pricing, outputs) so a pipeline can switch between them without relearning flags; the defaults
come from ``vpcaudit.toml`` / ``[tool.vpcaudit]``. The commands are thin: they parse, call
:mod:`vpcaudit.api`, write outputs and exit with :func:`vpcaudit.api.exit_code`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer

from vpcaudit import api
from vpcaudit.cli.app import app
from vpcaudit.cli.console import fail, gaps, progress_bar, refused_accounts, stats_table
from vpcaudit.cli.help import AUDIT_EXIT_CODES, GroupedCommand, examples, exit_codes_help
from vpcaudit.cli.settings import CONFIG_HELP, Given, takes
from vpcaudit.errors import VpcauditError
from vpcaudit.options import AUDIT_SETTINGS, COLLECT_SETTINGS, PANEL_COLLECTION, AuditOptions

OUTPUT = "Output"

AUDIT_EXAMPLES = "\n\n".join((
    examples(
        ("vpcaudit audit snap.json", "Summary by severity and a findings table on the terminal."),
        ("vpcaudit audit snap.json -f html -o report.html",
         "One self-contained HTML report to forward to an account owner."),
        ("vpcaudit audit snap.json -f html -f md -f json -f sarif -o out/",
         "Several formats at once, each under its default name in out/."),
        ("vpcaudit audit snap.json --select DNS,GWE --ignore GWE003 --fail-on medium",
         "Only DNS and gateway-endpoint rules; fail the pipeline from medium severity up."),
        ("vpcaudit audit snap.json --suppressions accepted.toml --strict",
         "Accepted risks shown as suppressed; exit 3 if anything could not be evaluated."),
    ),
    CONFIG_HELP,
    exit_codes_help(AUDIT_EXIT_CODES),
))

FormatOpt = Annotated[list[str] | None, typer.Option(
    "--format", "-f", metavar="FMT",
    help="Output format, repeatable: table (default), html, md, json, sarif, csv, junit, asff (Security Hub), "
         "ocsf.",
    rich_help_panel=OUTPUT, show_default=False)]
OutputOpt = Annotated[str | None, typer.Option(
    "--output", "-o", metavar="PATH",
    help="With one format: the file to write ('-' = stdout, the default). With several: a folder "
         "that receives report.html, report.md, result.json, … .", rich_help_panel=OUTPUT, show_default=False)]
QuietOpt = Annotated[bool, typer.Option(
    "--quiet", "-q", help="No progress or summary on stderr/stdout; only the requested outputs.",
    rich_help_panel=OUTPUT)]


def finish(result: api.AuditResult, targets: list[api.Target], options: AuditOptions, quiet: bool) -> NoReturn:
    """Write outputs, summarise on the terminal, exit with the audit's exit code."""
    try:
        printed, written = api.write_reports(result, targets)
    except VpcauditError as exc:
        fail(exc)
    for text in printed:
        typer.echo(text, nl=not text.endswith("\n"))
    if written and not quiet:
        typer.echo(api.render(result, "table"))
        for path in written:
            typer.echo(f"wrote {path}", err=True)
    code = api.exit_code(result, options.fail_on, options.strict)
    if not quiet:
        for entry in result.expired_suppressions:
            typer.echo(f"expired suppression, no longer applied: {entry}", err=True)
        typer.echo(_verdict(result, options, code), err=True)
    raise typer.Exit(int(code))


def _verdict(result: api.AuditResult, options: AuditOptions, code: api.ExitCode) -> str:
    fails = result.failures
    gating = [f for f in fails if f.severity.at_least(options.fail_on)]
    incomplete = sum(1 for s in result.scopes if not s.outcome.judged)
    parts = [f"{len(fails)} failing finding(s), {len(gating)} at or above {options.fail_on.value}"]
    if incomplete:
        parts.append(f"{incomplete} rule scope(s) not evaluated or errored")
    skipped = result.options.get("skipped_opt_in")
    if skipped:
        parts.append(f"not run without opt-in data (--with): {skipped}")
    return f"vpcaudit: {'; '.join(parts)} → exit {int(code)}"


@app.command(cls=GroupedCommand, epilog=AUDIT_EXAMPLES)
@takes(AUDIT_SETTINGS)
def audit(
    ctx: typer.Context,
    snapshot: Annotated[Path, typer.Argument(help="Snapshot file written by `vpcaudit collect` or `scan "
                                                  "--snapshot-out`.", show_default=False)],
    format: FormatOpt = None,
    output: OutputOpt = None,
    quiet: QuietOpt = False,
    *,
    given: Given,
) -> None:
    """Audit a saved snapshot, offline: findings, traffic paths, costs; exit code for pipelines."""
    options = given.audit()
    try:
        targets = api.outputs(format or (), output)
        result = api.audit(api.load_snapshot(snapshot), options)
    except VpcauditError as exc:
        fail(exc)
    finish(result, targets, options, quiet)


SCAN_EXAMPLES = "\n\n".join((
    examples(
        ("vpcaudit scan", "Collect the profile's default region and audit it; summary on the terminal."),
        ("vpcaudit scan --profile prod --all-regions -f html -o prod.html",
         "Every enabled region of the 'prod' account, one HTML report."),
        ("vpcaudit scan --select DNS --region eu-west-1",
         "Only the DNS rules, so only the parts they need are collected (fewer API calls)."),
        ("vpcaudit scan --with metrics -f json -f sarif -o out/ --snapshot-out out/snap.json",
         "Include CloudWatch traffic (idle endpoints, data costs); keep the snapshot for a later audit."),
        ("vpcaudit scan --role-arn arn:aws:iam::111111111111:role/audit --role-arn "
         "arn:aws:iam::222222222222:role/audit -f json -o result.json",
         "Two accounts through their read-only roles, concurrently, in one result."),
        ("vpcaudit scan --endpoint-url http://127.0.0.1:5000 --region us-east-1",
         "Against a moto server instead of AWS."),
    ),
    "Only the parts the selected rules need are collected; opt-in data (--with) only when asked. "
    "Rules needing opt-in data that was not requested are not run (listed on stderr). " + CONFIG_HELP,
    exit_codes_help(AUDIT_EXIT_CODES),
))

SnapshotOutOpt = Annotated[Path | None, typer.Option(
    "--snapshot-out", metavar="FILE", help="Also save the collected snapshot, for `vpcaudit audit` later.",
    rich_help_panel=OUTPUT, show_default=False)]
StatsOpt = Annotated[bool, typer.Option(
    "--stats", help="After collecting, print AWS calls and HTTP attempts per operation on stderr.",
    rich_help_panel=PANEL_COLLECTION)]


@app.command(cls=GroupedCommand, epilog=SCAN_EXAMPLES)
@takes(COLLECT_SETTINGS, AUDIT_SETTINGS)
def scan(
    ctx: typer.Context,
    format: FormatOpt = None,
    output: OutputOpt = None,
    snapshot_out: SnapshotOutOpt = None,
    quiet: QuietOpt = False,
    stats: StatsOpt = False,
    *,
    given: Given,
) -> None:
    """Collect (read-only AWS calls) and audit in one go: only what the selected rules need."""
    collect_options, audit_options = given.collect(), given.audit()
    try:
        targets = api.outputs(format or (), output)
        snapshot_targets = api.outputs(["json"], str(snapshot_out), "snapshot") if snapshot_out else []
        plan = api.prepare(audit_options, collect_options.opt_in)
        if not quiet and plan.selection.opt_in_skipped:
            typer.echo("not run without --with: " + ", ".join(
                f"{r.id} (needs {', '.join(p.value for p in r.needs if p.opt_in)})"
                for r in plan.selection.opt_in_skipped), err=True)
        with progress_bar(quiet) as bar:
            outcome = api.scan(collect_options, plan, progress=bar)
        for line in refused_accounts(outcome.snapshot):
            typer.echo(line, err=True)
        if stats:
            typer.echo(stats_table(outcome.calls, outcome.http_attempts), err=True)
        api.write_reports(outcome.snapshot, snapshot_targets)
    except VpcauditError as exc:
        fail(exc)
    if not quiet:
        for line in gaps(outcome.snapshot):
            typer.echo(f"not collected: {line}", err=True)
    finish(outcome.result, targets, audit_options, quiet)
