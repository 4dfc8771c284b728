"""`vpcaudit collect`: snapshot the VPC network of one account, or of many through IAM roles, into a
JSON file (read-only AWS calls)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from vpcaudit.cli.app import app
from vpcaudit.cli.help import examples
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
    QuietOpt,
    RegionOpt,
    RoleArnOpt,
    RoleSessionNameOpt,
    StatsOpt,
    WithOpt,
    fail,
    gaps,
    resolve_target,
    run_collection,
)
from vpcaudit.files import atomic_write_text
from vpcaudit.snapshot.jsonfile import to_json
from vpcaudit.snapshot.model import Snapshot

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
    "in the snapshot and listed on stderr; the collection still succeeds. "
    "Exit codes: 0 snapshot written; 2 usage, configuration or credential error.",
))


def _write(snapshot: Snapshot, output: str) -> None:
    text = to_json(snapshot)
    if output == "-":
        sys.stdout.write(text)
        return
    try:
        atomic_write_text(output, text)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")


@app.command(epilog=COLLECT_EXAMPLES)
def collect(
    output: Annotated[str, typer.Option(
        "--output", "-o", metavar="FILE", help="Snapshot file to write ('-' = stdout). Written atomically: "
                                               "an interrupted run never leaves half a file.")],
    profile: ProfileOpt = None,
    region: RegionOpt = None,
    all_regions: AllRegionsOpt = False,
    endpoint_url: EndpointUrlOpt = None,
    with_: WithOpt = None,
    metrics_days: MetricsDaysOpt = 14,
    stats: StatsOpt = False,
    quiet: QuietOpt = False,
    role_arn: RoleArnOpt = None,
    accounts_file: AccountsFileOpt = None,
    external_id: ExternalIdOpt = None,
    role_session_name: RoleSessionNameOpt = DEFAULT_SESSION_NAME,
    include_base_account: IncludeBaseOpt = False,
) -> None:
    """Snapshot the VPC network of one AWS account (or many, through IAM roles) into a JSON file, with
    read-only calls only.

    VPCs, subnets, route tables, gateways, NAT gateways, endpoints and endpoint services, prefix
    lists, security groups, NACLs, network interfaces, flow logs, private hosted zones, Resolver
    rules and Block Public Access — all regions at once, with the fewest API calls. Audit the
    file offline with `vpcaudit audit FILE`.
    """
    if output != "-" and not Path(output).resolve().parent.is_dir():
        fail(f"cannot write {output}: folder {Path(output).parent} does not exist")
    try:
        target = resolve_target(profile, region, all_regions, endpoint_url, with_, role_arn=role_arn,
                                accounts_file=accounts_file, external_id=external_id,
                                role_session_name=role_session_name, include_base_account=include_base_account)
    except OptionError as exc:
        fail(exc)
    outcome = run_collection(target, target.parts, quiet=quiet, stats=stats, metrics_days=metrics_days)
    _write(outcome.snapshot, output)
    if not quiet:
        for line in gaps(outcome.snapshot):
            typer.echo(f"not collected: {line}", err=True)
        accounts = outcome.snapshot.accounts
        vpcs = sum(len(r.vpcs) for a in accounts for r in a.regions)
        regions = {r.region for a in accounts for r in a.regions}
        typer.echo(f"wrote {output}: account{'s' if len(accounts) > 1 else ''} "
                   f"{', '.join(a.account_id for a in accounts)}, {len(regions)} region(s), {vpcs} VPC(s), "
                   f"{sum(outcome.calls.values())} API calls", err=True)
