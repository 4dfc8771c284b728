"""Collection options shared by ``vpcaudit collect`` and ``vpcaudit scan``, and the collection run.

Why shared: both commands talk to AWS the same way, so they take the same options with the same
help, resolve them the same way (profile → session, --region/--all-regions → regions, --with →
opt-in parts, --role-arn/--accounts-file → the accounts) and report the same way (progress bar
and --stats on stderr, one-line errors with exit code 2 for bad options, missing credentials or
unlistable regions).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, NoReturn, TextIO

import boto3
import typer
from botocore.exceptions import ProfileNotFound
from tabulate import tabulate

from vpcaudit.aws.accounts import DEFAULT_SESSION_NAME, AccountPlan, AccountsError, failed_role, plan_accounts
from vpcaudit.collectors.catalog import default_parts
from vpcaudit.collectors.run import CollectionOutcome, collect_accounts
from vpcaudit.errors import CollectionError, CredentialsError
from vpcaudit.snapshot.model import Part, Snapshot, State

COLLECTION = "AWS collection"
USAGE_EXIT = 2
WITH_PARTS = {"s3-policies": Part.BUCKET_POLICIES, "metrics": Part.METRICS}

ProfileOpt = Annotated[str | None, typer.Option(
    "--profile", metavar="NAME", help="AWS profile to use (default: AWS_PROFILE, else the default credential "
                                      "chain: environment, SSO, instance or task role).",
    rich_help_panel=COLLECTION, show_default=False)]
RegionOpt = Annotated[list[str] | None, typer.Option(
    "--region", "-r", metavar="REGION", help="Region to collect; repeat it or use commas for several "
                                             "(default: the profile's region).",
    rich_help_panel=COLLECTION, show_default=False)]
AllRegionsOpt = Annotated[bool, typer.Option(
    "--all-regions", help="Collect every region enabled for the account (found with ec2:DescribeRegions).",
    rich_help_panel=COLLECTION)]
EndpointUrlOpt = Annotated[str | None, typer.Option(
    "--endpoint-url", metavar="URL", help="Send every AWS call to this endpoint instead of AWS "
                                          "(a moto server, LocalStack).",
    rich_help_panel=COLLECTION, show_default=False)]
WithOpt = Annotated[list[str] | None, typer.Option(
    "--with", metavar="EXTRAS", help="Opt-in data, comma-separated: s3-policies (one GetBucketPolicy per "
                                     "bucket), metrics (CloudWatch traffic of interface endpoints and NAT "
                                     "gateways).", rich_help_panel=COLLECTION, show_default=False)]
MetricsDaysOpt = Annotated[int, typer.Option(
    "--metrics-days", min=1, max=455, metavar="DAYS", help="Look-back window of --with metrics.",
    rich_help_panel=COLLECTION)]
StatsOpt = Annotated[bool, typer.Option(
    "--stats", help="After collecting, print AWS calls and HTTP attempts per operation on stderr.",
    rich_help_panel=COLLECTION)]
QuietOpt = Annotated[bool, typer.Option(
    "--quiet", "-q", help="No progress bar or summary on stderr.", rich_help_panel=COLLECTION)]
RoleArnOpt = Annotated[list[str] | None, typer.Option(
    "--role-arn", metavar="ARN", help="Collect the account of this IAM role, assumed with sts:AssumeRole from the "
                                      "base credentials; repeatable. Accounts are collected concurrently.",
    rich_help_panel=COLLECTION, show_default=False)]
AccountsFileOpt = Annotated[Path | None, typer.Option(
    "--accounts-file", metavar="FILE", help="Text file of role ARNs to collect through, one per line ('#' starts "
                                            "a comment); adds to --role-arn.",
    rich_help_panel=COLLECTION, show_default=False)]
ExternalIdOpt = Annotated[str | None, typer.Option(
    "--external-id", metavar="ID", help="External id for every sts:AssumeRole (when the roles' trust policies "
                                        "require one).", rich_help_panel=COLLECTION, show_default=False)]
RoleSessionNameOpt = Annotated[str, typer.Option(
    "--role-session-name", metavar="NAME", help="Session name of the assumed roles (shows in the accounts' "
                                                "CloudTrail).", rich_help_panel=COLLECTION)]
IncludeBaseOpt = Annotated[bool, typer.Option(
    "--include-base-account", help="With --role-arn/--accounts-file, also collect the base credentials' own "
                                   "account (without roles it is the only one collected).",
    rich_help_panel=COLLECTION)]


class OptionError(ValueError):
    """A bad collection option or combination; shown as one line, exit code 2."""


@dataclass(frozen=True)
class CollectTarget:
    """What the options resolved to."""

    session: boto3.session.Session
    regions: tuple[str, ...] | None  # None: every enabled region
    opt_in: frozenset[Part]
    endpoint_url: str | None
    accounts: AccountPlan = field(default_factory=AccountPlan)  # default: the base credentials' account

    @property
    def parts(self) -> frozenset[Part]:
        """Everything ``collect`` gathers: all non-opt-in parts plus the requested extras."""
        return default_parts() | self.opt_in


def split_values(values: Sequence[str] | None) -> list[str]:
    """Repeated and comma-separated option values, flattened, blanks dropped, order kept."""
    return list(dict.fromkeys(v.strip() for value in values or () for v in value.split(",") if v.strip()))


def parse_with(values: Sequence[str] | None) -> frozenset[Part]:
    """``--with s3-policies,metrics`` → opt-in parts."""
    names = split_values(values)
    unknown = [n for n in names if n not in WITH_PARTS]
    if unknown:
        raise OptionError(f"--with: unknown extra {', '.join(unknown)} (choose from {', '.join(WITH_PARTS)})")
    return frozenset(WITH_PARTS[n] for n in names)


def resolve_target(profile: str | None, region: Sequence[str] | None, all_regions: bool,
                   endpoint_url: str | None, with_: Sequence[str] | None, *, role_arn: Sequence[str] | None = None,
                   accounts_file: Path | None = None, external_id: str | None = None,
                   role_session_name: str = DEFAULT_SESSION_NAME, include_base_account: bool = False) -> CollectTarget:
    """Build the boto3 session, the region list, the opt-in parts and the accounts; OptionError when
    they do not fit."""
    regions = split_values(region)
    if regions and all_regions:
        raise OptionError("--region and --all-regions exclude each other")
    opt_in = parse_with(with_)
    try:
        accounts = plan_accounts(split_values(role_arn), accounts_file, external_id=external_id,
                                 session_name=role_session_name, include_base=include_base_account)
    except AccountsError as exc:
        raise OptionError(str(exc)) from None
    try:
        session = boto3.session.Session(profile_name=profile)
    except ProfileNotFound as exc:
        raise OptionError(str(exc)) from None
    if not regions and not all_regions:
        if not session.region_name:
            raise OptionError("no region: pass --region REGION (repeatable) or --all-regions, or set one in "
                              "the profile / AWS_DEFAULT_REGION")
        regions = [session.region_name]
    return CollectTarget(session, None if all_regions else tuple(regions), opt_in, endpoint_url, accounts)


def fail(message: object) -> NoReturn:
    """One line on stderr and exit 2."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(USAGE_EXIT)


class StderrProgress:
    """A one-line progress bar redrawn in place; silent when stderr is not a terminal.

    Called from worker threads as ``(done, total, label)``, hence the lock.
    """

    WIDTH = 30

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stderr
        self._live = self._stream.isatty()
        self._lock = threading.Lock()
        self._drawn = False

    def __call__(self, done: int, total: int, label: str) -> None:
        if not self._live:
            return
        filled = self.WIDTH * done // total if total else self.WIDTH
        line = f"\rcollecting [{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{total} {label}"
        with self._lock:
            self._stream.write(line[:120].ljust(120))
            self._stream.flush()
            self._drawn = True

    def close(self) -> None:
        with self._lock:
            if self._drawn:
                self._stream.write("\r" + " " * 120 + "\r")
                self._stream.flush()


def run_collection(target: CollectTarget, parts: Collection[Part], *, quiet: bool, stats: bool,
                   metrics_days: int) -> CollectionOutcome:
    """Collect with a progress bar (unless quiet), --stats on request; bad credentials → exit 2.

    An account whose role could not be assumed gets one line on stderr, even when quiet: the
    run goes on, but a scheduled audit must not lose an account silently.
    """
    progress = None if quiet else StderrProgress()
    try:
        outcome = collect_accounts(target.session, target.regions, parts, accounts=target.accounts,
                                   endpoint_url=target.endpoint_url, metrics_days=metrics_days, progress=progress)
    except (CredentialsError, CollectionError) as exc:
        fail(exc)
    finally:
        if progress is not None:
            progress.close()
    for account in outcome.snapshot.accounts:
        gap = failed_role(account)
        if gap is not None:
            code = f" [{gap.error_code}]" if gap.error_code else ""
            typer.echo(f"account {account.account_id} not collected: {gap.state.value}{code} {gap.message}", err=True)
    if stats:
        typer.echo(stats_table(outcome), err=True)
    return outcome


def stats_table(outcome: CollectionOutcome) -> str:
    """Calls (pages) and HTTP attempts per operation, with a total row."""
    ops = sorted(set(outcome.calls) | set(outcome.http_attempts))
    rows = [(op, outcome.calls.get(op, 0), outcome.http_attempts.get(op, 0)) for op in ops]
    rows.append(("total", sum(outcome.calls.values()), sum(outcome.http_attempts.values())))
    return tabulate(rows, headers=("operation", "calls", "HTTP attempts"), tablefmt="simple")


def gaps(snapshot: Snapshot) -> list[str]:
    """One line per part that was requested but not collected, saying why; accounts whose role
    failed were already reported in one line by :func:`run_collection`."""
    lines = []
    for account in snapshot.accounts:
        if failed_role(account) is not None:
            continue
        scopes = [("account", s) for s in account.status] + [(reg.region, s) for reg in account.regions
                                                              for s in reg.status]
        for where, status in scopes:
            if status.state not in (State.OK, State.SKIPPED):
                code = f" [{status.error_code}]" if status.error_code else ""
                lines.append(f"{account.account_id} {where} {status.part.value}: {status.state.value}{code} "
                             f"{status.message or ''}".rstrip())
    return lines
