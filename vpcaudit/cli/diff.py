"""`vpcaudit diff BEFORE AFTER`: the pre-change check of a runbook — what got worse between two snapshots.

Both snapshots are audited with **one** plan (same rules, suppressions, prices, and the opt-in
rules either snapshot has data for), so a difference is the estate's, not the audit's. The
command takes the audit options with the same names and config-file defaults as ``audit``,
routes ``-f/-o`` the same way, and exits 0 / 1 / 2 / 3 like ``audit`` with diff meanings.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from vpcaudit import api
from vpcaudit.cli.app import app
from vpcaudit.cli.audit import (
    CONFIG_HELP,
    OUTPUT,
    POLICY,
    ConfigOpt,
    IgnoreOpt,
    MinSeverityOpt,
    PricingOpt,
    QuietOpt,
    RulesDirOpt,
    SelectOpt,
    SuppressionsOpt,
    audit_options,
)
from vpcaudit.cli.help import GroupedCommand, examples
from vpcaudit.cli.options import fail
from vpcaudit.engine.diff import AuditDiff, Audited, diff
from vpcaudit.engine.rule import Severity
from vpcaudit.output import OutputError, Target, check_writable, plan_outputs, write_rendered
from vpcaudit.snapshot.jsonfile import load
from vpcaudit.snapshot.model import Snapshot

DIFF_EXIT_CODES: tuple[tuple[api.ExitCode, str], ...] = (
    (api.ExitCode.OK, "nothing newly failing at or above --fail-on (default high) and no traffic path got worse"),
    (api.ExitCode.FINDINGS, "a finding newly failing at or above --fail-on (new, or changed into it: suppressed → "
                            "fail, medium → high), or a traffic path got worse"),
    (api.ExitCode.USAGE, "usage or configuration error: unreadable snapshot, bad suppressions, pricing or config "
                         "file, unknown rule selector, broken rule pack, unwritable output"),
    (api.ExitCode.INCOMPLETE, "--strict and coverage got worse: a rule scope, finding or region judged before "
                              "is not judged after, or path inputs were collected before only; 1 wins over 3"),
)

DIFF_EXAMPLES = "\n\n".join((
    examples(
        ("vpcaudit collect -o before.json",
         "The runbook: a snapshot before the change, and `vpcaudit collect -o after.json` after it."),
        ("vpcaudit diff before.json after.json",
         "New, resolved and changed findings, worse traffic paths, coverage and cost on the terminal;\n"
         "exit 1 if something at or above high is newly failing or a path got worse."),
        ("vpcaudit diff before.json after.json --fail-on medium --strict",
         "Stricter gate: medium findings count, and exit 3 if the after snapshot could not be judged\n"
         "as fully as the before one (a part became denied)."),
        ("vpcaudit diff before.json after.json -f md -o change-1234.md",
         "The change review as Markdown, to paste into the change ticket."),
        ("vpcaudit diff before.json after.json -f json -f md -o out/ --suppressions accepted.toml",
         "diff.json (versioned, for pipelines) and diff.md in out/; accepted findings stay suppressed."),
    ),
    "Only regions present in both snapshots are compared; the rest is listed as not compared. "
    "A finding whose rule could not judge its scope after the change is 'not rechecked', never "
    "'resolved'. " + CONFIG_HELP,
    api.exit_codes_help(DIFF_EXIT_CODES),
))

DiffFormatOpt = Annotated[list[str] | None, typer.Option(
    "--format", "-f", metavar="FMT", help="Output format, repeatable: table (default), md, json.",
    rich_help_panel=OUTPUT, show_default=False)]
DiffOutputOpt = Annotated[str | None, typer.Option(
    "--output", "-o", metavar="PATH",
    help="With one format: the file to write ('-' = stdout, the default). With several: a folder that "
         "receives diff.txt, diff.md, diff.json.", rich_help_panel=OUTPUT, show_default=False)]
DiffFailOnOpt = Annotated[Severity, typer.Option(
    "--fail-on", help="Exit 1 when a finding newly fails with this severity or worse.",
    rich_help_panel=POLICY, case_sensitive=False)]
DiffStrictOpt = Annotated[bool, typer.Option(
    "--strict", help="Exit 3 when the after audit judged less than the before audit (a part became denied, "
                     "a rule errored, a region is missing), unless exit 1 applies.", rich_help_panel=POLICY)]


def audit_both(before: Snapshot, after: Snapshot, options: api.AuditOptions) -> AuditDiff:
    """Audit both snapshots with one plan and compare them.

    One plan, with the opt-in parts *either* snapshot asked for: a rule that had metrics before
    and none after then shows as not evaluated after (lost coverage) instead of vanishing and
    making its findings look resolved.
    """
    plan = api.plan(options, api.requested_opt_in(before) | api.requested_opt_in(after))
    return diff(Audited(before, plan.run(before)), Audited(after, plan.run(after)), options.fail_on)


def diff_exit_code(d: AuditDiff, strict: bool) -> api.ExitCode:
    """1 when something newly fails at or above the threshold or a path got worse; else 3 when
    ``strict`` and coverage got worse; else 0."""
    if d.newly_failing or d.worse_paths:
        return api.ExitCode.FINDINGS
    if strict and d.coverage_worse:
        return api.ExitCode.INCOMPLETE
    return api.ExitCode.OK


@app.command("diff", cls=GroupedCommand, epilog=DIFF_EXAMPLES)
def diff_command(
    before: Annotated[Path, typer.Argument(help="Snapshot taken before the change.", show_default=False)],
    after: Annotated[Path, typer.Argument(help="Snapshot taken after the change.", show_default=False)],
    format: DiffFormatOpt = None,
    output: DiffOutputOpt = None,
    quiet: QuietOpt = False,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    min_severity: MinSeverityOpt = None,
    rules_dir: RulesDirOpt = None,
    fail_on: DiffFailOnOpt = Severity.HIGH,
    strict: DiffStrictOpt = False,
    suppressions: SuppressionsOpt = None,
    pricing: PricingOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Audit two snapshots with the same rules and show what got worse: the pre-change check."""
    from vpcaudit.render import DIFF_FORMATS, render
    from vpcaudit.render.diff.table import diff_table

    options = audit_options(select=select, ignore=ignore, min_severity=min_severity, fail_on=fail_on,
                            strict=strict, suppressions=suppressions, pricing=pricing, rules_dir=rules_dir)
    try:
        targets = plan_outputs(format or (), output, DIFF_FORMATS.filenames)
        check_writable(targets)
    except OutputError as exc:
        fail(exc)
    try:
        result = audit_both(load(before), load(after), options)
    except api.USAGE_ERRORS as exc:
        fail(exc)
    _write(targets, lambda fmt: render(result, fmt), quiet, lambda: diff_table(result))
    code = diff_exit_code(result, strict)
    if not quiet:
        typer.echo(_verdict(result, code), err=True)
    raise typer.Exit(int(code))


def _write(targets: list[Target], render: Callable[[str], str], quiet: bool, summary: Callable[[], str]) -> None:
    """Requested outputs to stdout or files; with files, the terminal view too (unless quiet)."""
    try:
        printed, written = write_rendered(targets, render)
    except OutputError as exc:
        fail(exc)
    for text in printed:
        typer.echo(text, nl=not text.endswith("\n"))
    if written and not quiet:
        typer.echo(summary(), nl=False)
        for path in written:
            typer.echo(f"wrote {path}", err=True)


def _verdict(d: AuditDiff, code: api.ExitCode) -> str:
    c = d.counts()
    parts = [f"{c['newly_failing']} finding(s) newly failing at or above {d.fail_on.value}",
             f"{c['worse_paths']} worse traffic path(s)"]
    if d.coverage_worse:
        parts.append(f"coverage got worse ({c['lost_scopes']} rule scope(s) lost, {c['newly_unevaluated']} "
                     f"finding(s) not judged after, {len(d.only_before)} region(s) missing after)")
    return f"vpcaudit diff: {'; '.join(parts)} → exit {int(code)}"
