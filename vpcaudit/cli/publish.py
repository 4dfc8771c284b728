"""`vpcaudit publish securityhub RESULT`: the one command that writes findings to AWS accounts.

Explicit and separate from collection: it reads a result file a pipeline already produced (the
audit that was reviewed), and writes through its own clients, allowed only the Security Hub
calls it needs (:mod:`vpcaudit.writers`). The AWS options are those of ``collect``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from tabulate import tabulate

from vpcaudit import api
from vpcaudit.cli.app import app
from vpcaudit.cli.console import fail, say
from vpcaudit.cli.help import GroupedCommand, examples
from vpcaudit.cli.settings import Given, takes
from vpcaudit.errors import VpcauditError, describe
from vpcaudit.options import CLI_SPELLING, SETTINGS

publish_app = typer.Typer(name="publish", help="Send an audit result where teams already work (Security Hub).",
                          no_args_is_help=True, rich_markup_mode=None)
app.add_typer(publish_app)

# How to reach the accounts is what a collection takes; these settings mean "write" here, not "collect".
REACH = tuple(SETTINGS[name] for name in ("profile", "regions", "endpoint_url", "role_arns", "accounts_file",
                                           "external_id", "role_session_name", "include_base_account"))
HELPS = {
    "regions": "Publish only the findings of these Regions (repeatable or comma-separated; default: every "
               "Region of the result).",
    "role_arns": "Write the findings of this role's account through the role (assumed with sts:AssumeRole from "
                 "the base credentials); repeatable.",
    "accounts_file": "Text file of role ARNs, one per line ('#' starts a comment); adds to --role-arn.",
    "include_base_account": "With roles, also write the base credentials' own account's findings.",
}
SPELLING = {**CLI_SPELLING, "result": "RESULT"}

PUBLISH_EXAMPLES = "\n\n".join((
    examples(
        ("vpcaudit scan -f json -o result.json && vpcaudit publish securityhub result.json",
         "Audit the profile's account, then import the findings into its Security Hub."),
        ("vpcaudit publish securityhub result.json --dry-run",
         "Say what would be imported, left unchanged and archived, without writing."),
        ("vpcaudit publish securityhub org.json --role-arn arn:aws:iam::111111111111:role/vpcaudit-publish "
         "--role-arn arn:aws:iam::222222222222:role/vpcaudit-publish",
         "A many-account result, each account's findings written through a role in that account."),
    ),
    "Findings are imported into each account's default Security Hub integration, 100 per call, with ids "
    "built from their fingerprints: publishing the same result twice changes nothing. A finding that is "
    "in Security Hub but no longer in the result is archived only where its rule was evaluated in that "
    "account and Region; not-evaluated scopes archive nothing. Permissions: `vpcaudit iam-policy --publish`.",
    "\b\nExit codes:\n  0  every finding was published\n  2  usage or credential error; nothing was written\n"
    "  3  incomplete: some findings or Regions could not be published (listed)\n  4  internal error (a bug)",
))

DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Read Security Hub and report, write nothing.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Only errors and failed findings on stderr.")]


@publish_app.command("securityhub", cls=GroupedCommand, epilog=PUBLISH_EXAMPLES)
@takes(REACH, helps=HELPS)
def publish_securityhub(
    ctx: typer.Context,
    result_file: Annotated[Path, typer.Argument(metavar="RESULT", help="A JSON result (`-f json`).",
                                                show_default=False)],
    dry_run: DryRunOpt = False,
    quiet: QuietOpt = False,
    *,
    given: Given,
) -> None:
    """Import a result's findings into AWS Security Hub (ASFF) and archive the ones that went away."""
    try:
        result = api.load_result(result_file)
        report = api.publish_securityhub(result, given.collect(), dry_run=dry_run)
    except VpcauditError as exc:
        fail(describe(exc, SPELLING))
    for outcome in report.regions:
        for failed in outcome.failed:
            say(f"not imported: {failed.id} [{failed.error_code}] {failed.message}")  # Security Hub's words
        if outcome.error:
            say(f"{outcome.account_id} {outcome.region}: not published: {outcome.error}")
    if not quiet:
        typer.echo(publish_table(report))
    raise typer.Exit(int(api.ExitCode.OK if report.ok else api.ExitCode.INCOMPLETE))  # 1 only ever means findings


def publish_table(report: api.PublishReport) -> str:
    """Per account and Region: imported, unchanged, archived, kept, failed; then the totals."""
    names = ("imported", "unchanged", "archived", "kept")
    rows = [(o.account_id, o.region, *(getattr(o, n) for n in names), len(o.failed) if o.error is None else "all")
            for o in report.regions]
    rows.append(("total", "", *(report.total(n) for n in names), sum(len(o.failed) for o in report.regions)))
    table = tabulate(rows, headers=("account", "region", *names, "failed"), tablefmt="simple")
    head = "Security Hub (dry run, nothing written):" if report.dry_run else "Security Hub:"
    return f"{head}\n{table}\n(kept: gone from the result, but their rule was not evaluated there: left as they are)"
