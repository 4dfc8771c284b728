"""`vpcaudit diff BEFORE AFTER`: the pre-change check of a runbook — what got worse between two snapshots.

Both snapshots are audited with **one** plan (same rules, suppressions, prices, and the opt-in
rules either snapshot has data for), so a difference is the estate's, not the audit's. The
command takes the audit options with the same names and config-file defaults as ``audit``,
routes ``-f/-o`` the same way, and exits 0 / 1 / 2 / 3 like ``audit`` with diff meanings.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from vpcaudit import api
from vpcaudit.cli.app import app
from vpcaudit.cli.audit import OUTPUT, QuietOpt
from vpcaudit.cli.console import fail, say
from vpcaudit.cli.help import GroupedCommand, examples, exit_codes_help
from vpcaudit.cli.settings import CONFIG_HELP, Given, takes
from vpcaudit.errors import VpcauditError
from vpcaudit.options import AUDIT_SETTINGS, DIFF_SETTINGS

DIFF_EXIT_CODES: tuple[tuple[int, str], ...] = (
    (0, "nothing newly failing at or above --fail-on (default high) and no traffic path got worse"),
    (1, "a finding newly failing at or above --fail-on (new, or changed into it: suppressed → fail, medium → "
        "high), or a traffic path got worse"),
    (2, "usage or configuration error: unreadable snapshot, snapshots that share no account/Region (without "
        "--allow-disjoint), bad suppressions, pricing or config file, unknown rule selector or no rule selected, "
        "broken rule pack, an output that cannot be written or would overwrite a snapshot"),
    (3, "--strict and coverage got worse: a rule scope, finding or region judged before is not judged after, or "
        "path inputs were collected before only; 1 wins over 3"),
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
    exit_codes_help(DIFF_EXIT_CODES),
))

DiffFormatOpt = Annotated[list[str] | None, typer.Option(
    "--format", "-f", metavar="FMT", help="Output format, repeatable: table (default), md, json, sarif (what "
                                          "got worse, for code scanning).",
    rich_help_panel=OUTPUT, show_default=False)]
DiffOutputOpt = Annotated[str | None, typer.Option(
    "--output", "-o", metavar="PATH",
    help="With one format: the file to write ('-' = stdout, the default). With several: a folder that "
         "receives diff.txt, diff.md, diff.json, diff.sarif.", rich_help_panel=OUTPUT, show_default=False)]
DIFF_HELPS = {
    "fail_on": "Exit 1 when a finding newly fails with this severity or worse.",
    "strict": "Exit 3 when the after audit judged less than the before audit (a part became denied, a rule "
              "errored, a region is missing), unless exit 1 applies.",
}


@app.command("diff", cls=GroupedCommand, epilog=DIFF_EXAMPLES)
@takes(AUDIT_SETTINGS, DIFF_SETTINGS, helps=DIFF_HELPS)
def diff_command(
    ctx: typer.Context,
    before: Annotated[Path, typer.Argument(metavar="BEFORE", help="Snapshot taken before the change.",
                                           show_default=False)],
    after: Annotated[Path, typer.Argument(metavar="AFTER", help="Snapshot taken after the change.",
                                          show_default=False)],
    format: DiffFormatOpt = None,
    output: DiffOutputOpt = None,
    quiet: QuietOpt = False,
    *,
    given: Given,
) -> None:
    """Audit two snapshots with the same rules and show what got worse: the pre-change check."""
    options = given.audit()
    try:
        targets = api.outputs(format or (), output, "diff",
                              inputs={"before snapshot": before, "after snapshot": after, **given.input_files()})
        result = api.diff(api.load_snapshot(before), api.load_snapshot(after), options,
                          allow_disjoint=bool(given.values["allow_disjoint"]))
        printed, written = api.write_reports(result, targets)
    except VpcauditError as exc:
        fail(exc)
    finish_diff(result, printed, written, options.strict, quiet, _verdict)


def finish_diff(result: api.AuditDiff, printed: list[str], written: list[Path], strict: bool, quiet: bool,
                verdict: Callable[[api.AuditDiff, api.ExitCode], str]) -> NoReturn:
    """Show what `diff` and `plan` wrote, summarise on the terminal, exit with the diff's exit code."""
    for warning in result.warnings:  # even with --quiet: the comparison itself is in doubt
        say(f"warning: {warning}")
    for text in printed:
        typer.echo(text, nl=not text.endswith("\n"))
    if written and not quiet:
        typer.echo(api.render(result, "table"), nl=False)
        for path in written:
            say(f"wrote {path}")
    code = api.diff_exit_code(result, strict)
    if not quiet:
        say(verdict(result, code))
    raise typer.Exit(int(code))


def _verdict(d: api.AuditDiff, code: api.ExitCode) -> str:
    c = d.counts()
    parts = [f"{c['newly_failing']} finding(s) newly failing at or above {d.fail_on.value}",
             f"{c['worse_paths']} worse traffic path(s)"]
    if d.coverage_worse:
        parts.append(f"coverage got worse ({c['lost_scopes']} rule scope(s) lost, {c['newly_unevaluated']} "
                     f"finding(s) not judged after, {len(d.only_before)} region(s) missing after)")
    return f"vpcaudit diff: {'; '.join(parts)} → exit {int(code)}"
