"""Collection options shared by ``vpcaudit collect`` and ``vpcaudit scan``, and the collection run.

Why shared: both commands talk to AWS the same way, so they take the same options with the same
help, resolve them the same way (profile → session, --region/--all-regions → regions, --with →
opt-in parts) and report the same way (progress bar and --stats on stderr, one-line errors with
exit code 2 for bad options, missing credentials or unlistable regions).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Annotated, NoReturn, TextIO

import boto3
import typer
from botocore.exceptions import ProfileNotFound
from tabulate import tabulate

from vpcaudit.aws.errors import CollectionError, CredentialsError
from vpcaudit.collectors.catalog import default_parts
from vpcaudit.collectors.run import CollectionOutcome, collect_snapshot
from vpcaudit.model.snapshot import Part, Snapshot, State

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


class OptionError(ValueError):
    """A bad collection option or combination; shown as one line, exit code 2."""


@dataclass(frozen=True)
class CollectTarget:
    """What the options resolved to."""

    session: boto3.session.Session
    regions: tuple[str, ...] | None  # None: every enabled region
    opt_in: frozenset[Part]
    endpoint_url: str | None

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
                   endpoint_url: str | None, with_: Sequence[str] | None) -> CollectTarget:
    """Build the boto3 session, the region list and the opt-in parts; OptionError when they do not fit."""
    regions = split_values(region)
    if regions and all_regions:
        raise OptionError("--region and --all-regions exclude each other")
    opt_in = parse_with(with_)
    try:
        session = boto3.session.Session(profile_name=profile)
    except ProfileNotFound as exc:
        raise OptionError(str(exc)) from None
    if not regions and not all_regions:
        if not session.region_name:
            raise OptionError("no region: pass --region REGION (repeatable) or --all-regions, or set one in "
                              "the profile / AWS_DEFAULT_REGION")
        regions = [session.region_name]
    return CollectTarget(session, None if all_regions else tuple(regions), opt_in, endpoint_url)


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
    """Collect with a progress bar (unless quiet), --stats on request; bad credentials → exit 2."""
    progress = None if quiet else StderrProgress()
    try:
        outcome = collect_snapshot(target.session, target.regions, parts, endpoint_url=target.endpoint_url,
                                   metrics_days=metrics_days, progress=progress)
    except (CredentialsError, CollectionError) as exc:
        fail(exc)
    finally:
        if progress is not None:
            progress.close()
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
    """One line per part that was requested but not collected, saying why."""
    lines = []
    for account in snapshot.accounts:
        scopes = [("account", s) for s in account.status] + [(reg.region, s) for reg in account.regions
                                                              for s in reg.status]
        for where, status in scopes:
            if status.state not in (State.OK, State.SKIPPED):
                code = f" [{status.error_code}]" if status.error_code else ""
                lines.append(f"{account.account_id} {where} {status.part.value}: {status.state.value}{code} "
                             f"{status.message or ''}".rstrip())
    return lines
