"""`vpcaudit audit` (judge a saved snapshot, offline) and `vpcaudit scan` (collect, then judge).

Both commands share one set of audit options (selection, failing threshold, suppressions,
pricing, outputs) so a pipeline can switch between them without relearning flags; the defaults
come from ``vpcaudit.toml`` / ``[tool.vpcaudit]``. The commands are thin: they parse, call
:mod:`vpcaudit.api`, write outputs and exit with :func:`vpcaudit.api.exit_code`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from vpcaudit import api
from vpcaudit.cli.app import app
from vpcaudit.cli.console import fail, gaps, progress_bar, refused_accounts, say, skipped_accounts, stats_table
from vpcaudit.cli.delivery import deliver_or_plan, s3_formats
from vpcaudit.cli.help import AUDIT_EXIT_CODES, GroupedCommand, examples, exit_codes_help
from vpcaudit.cli.settings import CONFIG_HELP, Given, takes
from vpcaudit.errors import VpcauditError
from vpcaudit.options import (
    AUDIT_SETTINGS,
    COLLECT_SETTINGS,
    DELIVERY_SETTINGS,
    PANEL_COLLECTION,
    AuditOptions,
    CollectOptions,
    DeliveryOptions,
)

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
         "that receives report.html, report.md, result.json, … . Or s3://bucket/prefix/: each format "
         "below it (default -f json), encrypted, through a writer allowed only s3:PutObject there.",
    rich_help_panel=OUTPUT, show_default=False)]
QuietOpt = Annotated[bool, typer.Option(
    "--quiet", "-q", help="No progress or summary on stderr/stdout; only the requested outputs.",
    rich_help_panel=OUTPUT)]


def finish(result: api.AuditResult, targets: list[api.Target], options: AuditOptions, quiet: bool,
           location: api.S3Location | None = None, delivery: DeliveryOptions | None = None,
           formats: Sequence[str] = (), aws: CollectOptions | None = None,
           reports: tuple[list[str], list[Path]] | None = None) -> NoReturn:
    """Write outputs (files, stdout, or the S3 folder ``location``), send the SNS summary when a
    topic is set, summarise on the terminal, exit with the audit's exit code. ``aws``: the
    profile and endpoint the writers use (a scan's own; default credentials otherwise).
    ``reports``: the targets were written already (texts for stdout, files written)."""
    delivery = delivery or DeliveryOptions()
    where = {"profile": aws.profile, "endpoint_url": aws.endpoint_url} if aws else {}
    try:
        printed, written = reports if reports is not None else api.write_reports(result, targets)
        delivered = api.deliver(result, s3_formats(formats), location, delivery=delivery, **where) if location else []
        if delivery.sns_topic:
            api.notify(delivery.sns_topic, f"vpcaudit: {len(result.failures)} failing finding(s)",
                       api.summary_text(result, options.fail_on, options.strict, location.url if location else None),
                       **where)
    except VpcauditError as exc:
        fail(exc)
    for text in printed:
        typer.echo(text, nl=not text.endswith("\n"))
    if (written or delivered) and not quiet:
        typer.echo(api.render(result, "table"))
        for path in [*written, *delivered]:
            say(f"wrote {path}")
    code = api.exit_code(result, options.fail_on, options.strict)
    if not quiet:
        for entry in result.expired_suppressions:
            say(f"expired suppression, no longer applied: {entry}")
        say(_verdict(result, options, code))
    raise typer.Exit(int(code))


def warn_unused_service_ports(snapshot: api.Snapshot, options: AuditOptions) -> None:
    """Say which ``service-ports`` entries matched no endpoint: such an entry judges nothing, and
    the endpoints it was meant for stay "not evaluated" with no hint why."""
    for name in api.unused_service_ports(snapshot, options):
        say(f"service-ports: no VPC endpoint in the snapshot connects to {name}, so its port judged nothing "
            "(compare it with the endpoint's ServiceName)")


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
@takes(AUDIT_SETTINGS, DELIVERY_SETTINGS)
def audit(
    ctx: typer.Context,
    snapshot: Annotated[Path, typer.Argument(
        metavar="SNAPSHOT", show_default=False,
        help="Snapshot file written by `vpcaudit collect` or `scan --snapshot-out`.")],
    format: FormatOpt = None,
    output: OutputOpt = None,
    quiet: QuietOpt = False,
    *,
    given: Given,
) -> None:
    """Audit a saved snapshot, offline: findings, traffic paths, costs; exit code for pipelines."""
    options, delivery = given.audit(), given.delivery()
    try:
        location, targets = deliver_or_plan(format or (), output, inputs={"snapshot": snapshot, **given.input_files()})
        reports: tuple[list[str], list[Path]] | None = None
        if location is None and not delivery.sns_topic:  # written as audited (an organization's JSON)
            result, printed, written, loaded = api.audit_file_and_write(snapshot, options, targets)
            reports = printed, written
        else:  # the S3 folder and the notification read the whole result
            loaded = api.load_snapshot(snapshot)
            result = api.audit(loaded, options)
    except VpcauditError as exc:
        fail(exc)
    if not quiet:
        warn_unused_service_ports(loaded, options)
    finish(result, targets, options, quiet, location, delivery, format or (), reports=reports)


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
        ("vpcaudit scan --org --role-name vpcaudit-member --external-id EXAMPLE --all-regions -f html -f json "
         "-o s3://audit-bucket/vpcaudit/",
         "Every ACTIVE account of the organization, every enabled Region; reports to S3 (SSE-S3)."),
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
@takes(COLLECT_SETTINGS, AUDIT_SETTINGS, DELIVERY_SETTINGS)
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
    collect_options, audit_options, delivery = given.collect(), given.audit(), given.delivery()
    try:
        location, targets = deliver_or_plan(format or (), output, inputs=given.input_files())
        snapshot_targets = api.outputs(["json"], str(snapshot_out), "snapshot", inputs=given.input_files(),
                                       taken={"report": targets}, setting="snapshot_out") if snapshot_out else []
        plan = api.prepare(audit_options, collect_options.opt_in)
        if not quiet and plan.selection.opt_in_skipped:
            say("not run without --with: " + ", ".join(
                f"{r.id} (needs {', '.join(p.value for p in r.needs if p.opt_in)})"
                for r in plan.selection.opt_in_skipped))
        with progress_bar(quiet) as bar:
            outcome = api.scan(collect_options, plan, progress=bar)
        for line in [*refused_accounts(outcome.snapshot), *skipped_accounts(outcome.snapshot)]:
            say(line)
        if stats:
            typer.echo(stats_table(outcome.calls, outcome.http_attempts), err=True)
        api.write_reports(outcome.snapshot, snapshot_targets)
    except VpcauditError as exc:
        fail(exc)
    if not quiet:
        for line in gaps(outcome.snapshot):
            say(f"not collected: {line}")
        warn_unused_service_ports(outcome.snapshot, audit_options)
    finish(outcome.result, targets, audit_options, quiet, location, delivery, format or (), collect_options)
