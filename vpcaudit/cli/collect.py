"""`vpcaudit collect`: snapshot the VPC network of one account, or of many through IAM roles, into a
JSON file (read-only AWS calls)."""

from __future__ import annotations

from typing import Annotated

import typer

from vpcaudit import api
from vpcaudit.cli.app import app
from vpcaudit.cli.console import fail, gaps, progress_bar, refused_accounts, say, skipped_accounts, stats_table
from vpcaudit.cli.delivery import deliver_or_plan
from vpcaudit.cli.help import GroupedCommand, examples, exit_codes_help
from vpcaudit.cli.settings import CONFIG_HELP, Given, takes
from vpcaudit.errors import VpcauditError
from vpcaudit.options import COLLECT_SETTINGS, DELIVERY_SETTINGS, PANEL_COLLECTION

COLLECT_EXAMPLES = "\n\n".join((
    examples(
        ("vpcaudit collect -o snap.json", "The profile's default region, with the default credential chain."),
        ("vpcaudit collect --profile prod --region eu-west-1 --region us-east-1 -o prod.json",
         "Two regions of the 'prod' profile's account, collected concurrently."),
        ("vpcaudit collect --all-regions --with s3-policies,metrics --metrics-days 30 -o full.json",
         "Every enabled region, plus bucket policies and 30 days of endpoint / NAT traffic."),
        ("vpcaudit collect --endpoint-url http://127.0.0.1:5000 --region us-east-1 --stats -o moto.json",
         "Against a moto server; print the AWS calls made per operation."),
        ("vpcaudit collect --accounts-file roles.txt --include-base-account --region eu-west-1 -o org.json",
         "The accounts of every role in roles.txt (assumed with sts:AssumeRole), plus the credentials' own."),
        ("vpcaudit iam-policy --with metrics > policy.json",
         "The minimal read-only IAM policy these collections need."),
    ),
    "Parts that could not be read (access denied, throttled, opt-in region not enabled) are recorded "
    "in the snapshot and listed on stderr; the collection still succeeds. " + CONFIG_HELP,
    exit_codes_help(((0, "snapshot written (parts that could not be read are recorded in it)"),
                     (2, "usage, configuration or credential error, an unusable output, an endpoint that is "
                         "not AWS"))),
))

StatsOpt = Annotated[bool, typer.Option(
    "--stats", help="After collecting, print AWS calls and HTTP attempts per operation on stderr.",
    rich_help_panel=PANEL_COLLECTION)]
QuietOpt = Annotated[bool, typer.Option(
    "--quiet", "-q", help="No progress bar or summary on stderr.", rich_help_panel=PANEL_COLLECTION)]


@app.command(cls=GroupedCommand, epilog=COLLECT_EXAMPLES)
@takes(COLLECT_SETTINGS, DELIVERY_SETTINGS)
def collect(
    ctx: typer.Context,
    output: Annotated[str, typer.Option(
        "--output", "-o", metavar="FILE", help="Snapshot file to write ('-' = stdout). Written atomically: "
                                               "an interrupted run never leaves half a file. Or s3://bucket/prefix/ "
                                               "(written as snapshot.json).")],
    stats: StatsOpt = False,
    quiet: QuietOpt = False,
    *,
    given: Given,
) -> None:
    """Snapshot the VPC network of one AWS account (or many, through IAM roles) into a JSON file, with
    read-only calls only.

    VPCs, subnets and their zones, route tables, gateways, NAT gateways, endpoints and endpoint
    services, prefix lists, security groups, NACLs, network interfaces, flow logs, private hosted
    zones, Resolver rules, Block Public Access, Redshift clusters, MemoryDB clusters, DB instances,
    DataSync tasks, Amazon MQ brokers and Firehose streams — all regions at once, with the fewest API
    calls. Audit the file offline with `vpcaudit audit FILE`.
    """
    options, delivery = given.collect(), given.delivery()
    try:
        location, targets = deliver_or_plan(["json"], output, "snapshot", inputs=given.input_files())
        with progress_bar(quiet) as bar:
            outcome = api.collect(options, progress=bar)
        for line in [*refused_accounts(outcome.snapshot), *skipped_accounts(outcome.snapshot)]:
            say(line)
        if stats:
            typer.echo(stats_table(outcome.calls, outcome.http_attempts), err=True)
        printed, files = api.write_reports(outcome.snapshot, targets)
        delivered = api.deliver(outcome.snapshot, ["json"], location, kind="snapshot", delivery=delivery,
                                profile=options.profile, endpoint_url=options.endpoint_url) if location else []
        written = [str(f) for f in files] + delivered
    except VpcauditError as exc:
        fail(exc)
    for text in printed:
        typer.echo(text, nl=False)
    if not quiet:
        for line in gaps(outcome.snapshot):
            say(f"not collected: {line}")
        accounts = outcome.snapshot.accounts
        vpcs = sum(len(r.vpcs) for a in accounts for r in a.regions)
        regions = {r.region for a in accounts for r in a.regions}
        where = f"wrote {written[0]}" if written else "snapshot written to standard output"
        say(f"{where}: account{'s' if len(accounts) > 1 else ''} "
            f"{', '.join(a.account_id for a in accounts)}, {len(regions)} region(s), {vpcs} VPC(s), "
            f"{sum(outcome.calls.values())} API calls")
