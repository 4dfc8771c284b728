"""`vpcaudit audit` (judge a saved snapshot, offline) and `vpcaudit scan` (collect, then judge).

Both commands share one set of audit options (selection, failing threshold, suppressions,
pricing, outputs) so a pipeline can switch between them without relearning flags; the defaults
come from ``vpcaudit.toml`` / ``[tool.vpcaudit]`` (see :mod:`vpcaudit.config`). The commands
are thin: they parse, call :mod:`vpcaudit.api`, write outputs and exit with
:func:`vpcaudit.api.exit_code`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from vpcaudit import api
from vpcaudit.cli.app import app
from vpcaudit.cli.help import GroupedCommand, examples
from vpcaudit.cli.options import (
    DEFAULT_SESSION_NAME,
    AccountsFileOpt,
    AllRegionsOpt,
    EndpointUrlOpt,
    ExternalIdOpt,
    IncludeBaseOpt,
    MetricsDaysOpt,
    OptionError,
    ProfileOpt,
    RegionOpt,
    RoleArnOpt,
    RoleSessionNameOpt,
    StatsOpt,
    WithOpt,
    gaps,
    resolve_target,
    run_collection,
)
from vpcaudit.cli.options import QuietOpt as CollectQuietOpt
from vpcaudit.config import ConfigError, load_config
from vpcaudit.engine.result import AuditResult
from vpcaudit.engine.rule import Severity
from vpcaudit.files import atomic_write_text
from vpcaudit.output import OutputError, Target, check_writable, plan_outputs, write_outputs
from vpcaudit.snapshot.jsonfile import load, to_json

CONFIG_HELP = "Defaults for the audit options can live in vpcaudit.toml or [tool.vpcaudit] in pyproject.toml."
SELECTION = "Rule selection"
OUTPUT = "Output"
POLICY = "Pass/fail policy"
INPUTS = "Audit inputs"

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
    api.EXIT_CODES_HELP,
))


def _fail(message: object) -> NoReturn:
    """One line on stderr, exit 2: every usage, configuration or credential error ends here."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(int(api.ExitCode.USAGE))


def apply_config(ctx: typer.Context, param: typer.CallbackParam, value: Path | None) -> Path | None:
    """Eager ``--config`` callback: load the config file into ``default_map`` before other options."""
    if ctx.resilient_parsing:
        return value
    try:
        config = load_config(value)
    except ConfigError as exc:
        _fail(exc)
    names = {p.name for p in ctx.command.params}
    defaults = {k: v for k, v in config.defaults.items() if k in names}
    ctx.default_map = {**(ctx.default_map or {}), **defaults}
    return value


ConfigOpt = Annotated[Path | None, typer.Option(
    "--config", help="Configuration file (default: ./vpcaudit.toml, else [tool.vpcaudit] in ./pyproject.toml).",
    is_eager=True, callback=apply_config, rich_help_panel=INPUTS, show_default=False)]
FormatOpt = Annotated[list[str] | None, typer.Option(
    "--format", "-f", metavar="FMT",
    help="Output format, repeatable: table (default), html, md, json, sarif, csv, junit.",
    rich_help_panel=OUTPUT, show_default=False)]
OutputOpt = Annotated[str | None, typer.Option(
    "--output", "-o", metavar="PATH",
    help="With one format: the file to write ('-' = stdout, the default). With several: a folder "
         "that receives report.html, report.md, result.json, … .", rich_help_panel=OUTPUT, show_default=False)]
QuietOpt = Annotated[bool, typer.Option(
    "--quiet", "-q", help="No progress or summary on stderr/stdout; only the requested outputs.",
    rich_help_panel=OUTPUT)]
SelectOpt = Annotated[list[str] | None, typer.Option(
    "--select", metavar="IDS", help="Run only these rules: ids or prefixes, comma-separated or repeated "
                                    "(DNS, SG00, IFE003).", rich_help_panel=SELECTION, show_default=False)]
IgnoreOpt = Annotated[list[str] | None, typer.Option(
    "--ignore", metavar="IDS", help="Skip these rules (ids or prefixes), applied after --select.",
    rich_help_panel=SELECTION, show_default=False)]
MinSeverityOpt = Annotated[Severity | None, typer.Option(
    "--min-severity", help="Run only rules whose severity is at least this, and drop lower findings.",
    rich_help_panel=SELECTION, show_default=False, case_sensitive=False)]
RulesDirOpt = Annotated[list[Path] | None, typer.Option(
    "--rules-dir", metavar="DIR", help="Also load rules from the *.py files of this folder (a local pack).",
    rich_help_panel=SELECTION, show_default=False)]
FailOnOpt = Annotated[Severity, typer.Option(
    "--fail-on", help="Exit 1 when a failing finding has this severity or worse.",
    rich_help_panel=POLICY, case_sensitive=False)]
StrictOpt = Annotated[bool, typer.Option(
    "--strict", help="Exit 3 when any rule could not be evaluated (missing permissions, data not "
                     "collected) or errored, unless findings already exit 1.", rich_help_panel=POLICY)]
SuppressionsOpt = Annotated[Path | None, typer.Option(
    "--suppressions", metavar="FILE", help="TOML file of accepted findings ([[suppress]] rule, resource or "
                                           "tag, reason, expires).", rich_help_panel=POLICY, show_default=False)]
PricingOpt = Annotated[Path | None, typer.Option(
    "--pricing", metavar="FILE", help="TOML file overriding list prices ([pricing] nat_gateway_hour = 0.052 …).",
    rich_help_panel=INPUTS, show_default=False)]


def audit_options(*, select: Sequence[str] | None, ignore: Sequence[str] | None, min_severity: Severity | None,
                  fail_on: Severity, strict: bool, suppressions: Path | None, pricing: Path | None,
                  rules_dir: Sequence[Path] | None, **extra: Any) -> api.AuditOptions:
    return api.AuditOptions(select=tuple(select or ()), ignore=tuple(ignore or ()), min_severity=min_severity,
                            fail_on=fail_on, strict=strict, suppressions=suppressions, pricing=pricing,
                            rules_dirs=tuple(rules_dir or ()), **extra)


def prepare_outputs(formats: Sequence[str] | None, output: str | None) -> list[Target]:
    """Check formats and output paths before doing any work."""
    try:
        targets = plan_outputs(formats or (), output)
        check_writable(targets)
    except (OutputError, ImportError) as exc:
        _fail(exc)
    return targets


def finish(result: AuditResult, targets: list[Target], options: api.AuditOptions, quiet: bool) -> NoReturn:
    """Write outputs, summarise on the terminal, exit with the audit's exit code."""
    from vpcaudit import render

    try:
        printed, written = write_outputs(result, targets)
    except OutputError as exc:
        _fail(exc)
    for text in printed:
        typer.echo(text, nl=not text.endswith("\n"))
    if written and not quiet:
        typer.echo(render.summary_table(result))
        for path in written:
            typer.echo(f"wrote {path}", err=True)
    code = api.exit_code(result, options.fail_on, options.strict)
    if not quiet:
        for entry in result.expired_suppressions:
            typer.echo(f"expired suppression, no longer applied: {entry}", err=True)
        typer.echo(_verdict(result, options, code), err=True)
    raise typer.Exit(int(code))


def _verdict(result: AuditResult, options: api.AuditOptions, code: api.ExitCode) -> str:
    fails = result.failures
    gating = [f for f in fails if f.severity.at_least(options.fail_on)]
    incomplete = sum(1 for s in result.scopes if s.outcome in ("not_evaluated", "error"))
    parts = [f"{len(fails)} failing finding(s), {len(gating)} at or above {options.fail_on.value}"]
    if incomplete:
        parts.append(f"{incomplete} rule scope(s) not evaluated or errored")
    skipped = result.options.get("skipped_opt_in")
    if skipped:
        parts.append(f"not run without opt-in data (--with): {skipped}")
    return f"vpcaudit: {'; '.join(parts)} → exit {int(code)}"


@app.command(cls=GroupedCommand, epilog=AUDIT_EXAMPLES)
def audit(
    snapshot: Annotated[Path, typer.Argument(help="Snapshot file written by `vpcaudit collect` or `scan "
                                                  "--snapshot-out`.", show_default=False)],
    format: FormatOpt = None,
    output: OutputOpt = None,
    quiet: QuietOpt = False,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    min_severity: MinSeverityOpt = None,
    rules_dir: RulesDirOpt = None,
    fail_on: FailOnOpt = Severity.HIGH,
    strict: StrictOpt = False,
    suppressions: SuppressionsOpt = None,
    pricing: PricingOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Audit a saved snapshot, offline: findings, traffic paths, costs; exit code for pipelines."""
    options = audit_options(select=select, ignore=ignore, min_severity=min_severity, fail_on=fail_on,
                            strict=strict, suppressions=suppressions, pricing=pricing, rules_dir=rules_dir)
    targets = prepare_outputs(format, output)
    try:
        snap = load(snapshot)
        result = api.audit(snap, options)
    except api.USAGE_ERRORS as exc:
        _fail(exc)
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
    "Rules needing opt-in data that was not requested are not run (listed on stderr).",
    CONFIG_HELP,
    api.EXIT_CODES_HELP,
))

SnapshotOutOpt = Annotated[Path | None, typer.Option(
    "--snapshot-out", metavar="FILE", help="Also save the collected snapshot, for `vpcaudit audit` later.",
    rich_help_panel=OUTPUT, show_default=False)]


@app.command(cls=GroupedCommand, epilog=SCAN_EXAMPLES)
def scan(
    profile: ProfileOpt = None,
    region: RegionOpt = None,
    all_regions: AllRegionsOpt = False,
    endpoint_url: EndpointUrlOpt = None,
    with_: WithOpt = None,
    metrics_days: MetricsDaysOpt = 14,
    stats: StatsOpt = False,
    format: FormatOpt = None,
    output: OutputOpt = None,
    snapshot_out: SnapshotOutOpt = None,
    quiet: CollectQuietOpt = False,
    role_arn: RoleArnOpt = None,
    accounts_file: AccountsFileOpt = None,
    external_id: ExternalIdOpt = None,
    role_session_name: RoleSessionNameOpt = DEFAULT_SESSION_NAME,
    include_base_account: IncludeBaseOpt = False,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    min_severity: MinSeverityOpt = None,
    rules_dir: RulesDirOpt = None,
    fail_on: FailOnOpt = Severity.HIGH,
    strict: StrictOpt = False,
    suppressions: SuppressionsOpt = None,
    pricing: PricingOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Collect (read-only AWS calls) and audit in one go: only what the selected rules need."""
    targets = prepare_outputs(format, output)
    if snapshot_out is not None:
        try:
            check_writable([Target("json", snapshot_out)])
        except OutputError as exc:
            _fail(exc)
    try:
        target = resolve_target(profile, region, all_regions, endpoint_url, with_, role_arn=role_arn,
                                accounts_file=accounts_file, external_id=external_id,
                                role_session_name=role_session_name, include_base_account=include_base_account)
        options = audit_options(select=select, ignore=ignore, min_severity=min_severity, fail_on=fail_on,
                                strict=strict, suppressions=suppressions, pricing=pricing, rules_dir=rules_dir,
                                opt_in=target.opt_in)
        planned = api.plan(options, target.opt_in)
    except (OptionError, *api.USAGE_ERRORS) as exc:
        _fail(exc)
    if not quiet and planned.selection.opt_in_skipped:
        typer.echo("not run without --with: " + ", ".join(
            f"{r.id} (needs {', '.join(p.value for p in r.needs if p.opt_in)})"
            for r in planned.selection.opt_in_skipped), err=True)
    outcome = run_collection(target, planned.parts | target.opt_in, quiet=quiet, stats=stats,
                             metrics_days=metrics_days)
    if snapshot_out is not None:
        try:
            atomic_write_text(snapshot_out, to_json(outcome.snapshot))
        except OSError as exc:
            _fail(f"cannot write {snapshot_out}: {exc.strerror or exc}")
    if not quiet:
        for line in gaps(outcome.snapshot):
            typer.echo(f"not collected: {line}", err=True)
    finish(planned.run(outcome.snapshot), targets, options, quiet)
