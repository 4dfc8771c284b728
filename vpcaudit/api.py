"""The library: the one entrance every face uses — the CLI, the Lambda handler, the demo, a script.

Each function here is a whole use of vpcaudit: ``collect`` a snapshot, ``audit`` one,
``scan`` (both at once), ``diff`` two audits, explain a traffic ``path``, ``render`` and
``write_reports``, list ``rules``, print the ``iam_policy``, write a remediation ``fix_plan``.
They take the option bundles of :mod:`vpcaudit.options` and raise only
:class:`~vpcaudit.errors.VpcauditError` for anything a user can fix (naming the *setting*, never
a flag), so a face only parses its own input, calls one function here and presents the answer.
Selection, suppression, collection, exit-code logic and output writing live below this module,
once.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from vpcaudit import fleet
from vpcaudit import render as formatters
from vpcaudit.aws import member_role as role_template
from vpcaudit.aws.organization import OPERATIONS as DISCOVERY_OPERATIONS
from vpcaudit.aws.organization import Discovered
from vpcaudit.change.model import PlannedChange
from vpcaudit.collectors.catalog import default_parts
from vpcaudit.collectors.catalog import iam_policy as policy_for
from vpcaudit.collectors.run import CollectionOutcome, collect_accounts, discover_accounts
from vpcaudit.engine.diff import AuditDiff, Audited, comparable
from vpcaudit.engine.diff import diff as compare
from vpcaudit.engine.docs import control_label
from vpcaudit.engine.fixplan import FixPlan, build_plan
from vpcaudit.engine.loader import BUILTIN_PACK, Registry, load_registry
from vpcaudit.engine.merge import merge_results as result_merge
from vpcaudit.engine.parted import run_parted
from vpcaudit.engine.result import AuditResult
from vpcaudit.engine.resultfile import load_result as read_result
from vpcaudit.engine.rule import Finding, Rule, Severity, Status
from vpcaudit.engine.runner import RunSettings, run
from vpcaudit.engine.select import Selection, needed_parts, select_rules
from vpcaudit.engine.service_ports import unused_service_ports as services_without_endpoints
from vpcaudit.engine.severity import check_overrides
from vpcaudit.engine.sharded import ShardedAudit, run_sharded
from vpcaudit.engine.suppress import check_rules, load_suppressions
from vpcaudit.errors import ThrottledError, UsageError
from vpcaudit.files import Chunk
from vpcaudit.fleet import Manifest
from vpcaudit.network.paths import TrafficPath, destinations, path_for
from vpcaudit.network.trust import TrustBoundary
from vpcaudit.network.view import NetworkView
from vpcaudit.options import AuditOptions, CollectOptions, DeliveryOptions
from vpcaudit.output import STDOUT, OutputError, Target, check_outputs, plan_outputs, single_target, write_rendered
from vpcaudit.pricing import Pricing, load_pricing
from vpcaudit.render.report.jsonfmt import result_document, stream_parted, write_run
from vpcaudit.render.text import terminal_safe
from vpcaudit.snapshot import strictjson
from vpcaudit.snapshot.jsonfile import load, to_json
from vpcaudit.snapshot.layout import snapshot_file
from vpcaudit.snapshot.merge import merge_snapshots as snapshot_merge
from vpcaudit.snapshot.model import Part, Snapshot, State
from vpcaudit.snapshot.shard import OPT_IN_ASKED
from vpcaudit.textfile import read_text
from vpcaudit.writers import securityhub
from vpcaudit.writers.s3 import S3Location, S3Reader, S3Writer, parse_s3_url
from vpcaudit.writers.s3 import iam_policy_statements as s3_statements
from vpcaudit.writers.securityhub import PublishReport
from vpcaudit.writers.sessions import account_writers
from vpcaudit.writers.sns import SnsWriter
from vpcaudit.writers.sns import iam_policy_statements as sns_statements

if TYPE_CHECKING:
    import boto3

    from vpcaudit.lambda_package import PackageReport

Progress = Callable[[int, int, str], None]  # (done, total, label), called from worker threads


class ExitCode(IntEnum):
    """What a pipeline reads; every face documents it the same way."""

    OK = 0  # no failing finding at or above the fail-on severity
    FINDINGS = 1  # at least one failing finding at or above it (diff: newly failing, or a worse path)
    USAGE = 2  # usage, configuration, credential or environment error (any VpcauditError)
    INCOMPLETE = 3  # strict, and something was not evaluated or errored (diff: coverage got worse)
    INTERNAL = 4  # vpcaudit itself failed (a bug): never 1, which a pipeline reads as findings


@dataclass(frozen=True)
class AuditPlan:
    """The audit decided before any data is read or collected: rules, selection, run settings."""

    registry: Registry
    selection: Selection
    settings: RunSettings

    @property
    def parts(self) -> frozenset[Part]:
        """What a scan collects for it: exactly the selected rules' needs."""
        return needed_parts(self.selection.rules)

    def run(self, snapshot: Snapshot) -> AuditResult:
        return run(snapshot, self.selection.rules, self.settings)


# -- rules ---------------------------------------------------------------------------------


def rules(rules_dirs: Iterable[str | Path] = ()) -> Registry:
    """Every installed rule pack, plus the rules of ``rules_dirs`` folders."""
    return load_registry(rules_dirs)


def rules_markdown(pack: str) -> str:
    """The Markdown documentation of one installed pack (``docs/rules.md`` for the built-in one)."""
    from vpcaudit.engine.docs import rules_markdown as markdown

    registry = rules()
    chosen = next((p for p in registry.packs if p.name == pack), None)
    if chosen is None:
        raise UsageError(f"no installed rule pack {pack!r} (installed: {', '.join(p.name for p in registry.packs)})",
                         "pack")
    return markdown(chosen.rules, title=f"{pack} rules")


def prepare(options: AuditOptions, opt_in: Iterable[Part] = (), *, registry: Registry | None = None,
            now: dt.datetime | None = None) -> AuditPlan:
    """Load rules, select them, read the pricing and suppressions files: everything that can fail
    on user input fails here, before a single AWS call. ``opt_in``: the opt-in parts that will be
    (or were) collected; rules needing others are set aside, not run."""
    registry = registry if registry is not None else rules(options.rules_dirs)
    check_overrides(options.severity, (r.id for r in registry.rules))
    selection = select_rules(registry.rules, select=options.select, ignore=options.ignore,
                             min_severity=options.min_severity, opt_in=frozenset(opt_in),
                             severity_overrides=options.severity)
    pricing = load_pricing(options.pricing) if options.pricing else Pricing()
    suppressions = load_suppressions(options.suppressions) if options.suppressions else ()
    check_rules(suppressions, (r.id for r in registry.rules), str(options.suppressions))
    echo = options.echo()
    if selection.opt_in_skipped:
        echo["skipped_opt_in"] = ",".join(r.id for r in selection.opt_in_skipped)
    settings = RunSettings(pricing=pricing, min_severity=options.min_severity, suppressions=suppressions,
                           severity_overrides=options.severity,
                           packs={r.id: registry.pack_of(r.id) for r in selection.rules},
                           pack_versions=registry.versions, options=echo, now=now,
                           trust=TrustBoundary.of(options.trusted_org_ids, options.trusted_accounts),
                           service_ports=options.service_ports)
    return AuditPlan(registry, selection, settings)


def requested_opt_in(snapshot: Snapshot) -> frozenset[Part]:
    """Opt-in parts the snapshot's collection asked for (any state but *skipped* somewhere)."""
    return OPT_IN_ASKED(snapshot)


# -- snapshots and audits --------------------------------------------------------------------


def load_snapshot(path: str | os.PathLike[str]) -> Snapshot:
    """A snapshot file, or a :class:`~vpcaudit.snapshot.jsonfile.SnapshotError` naming the problem."""
    return load(path)


def audit(snapshot: Snapshot, options: AuditOptions | AuditPlan | None = None, *,
          now: dt.datetime | None = None) -> AuditResult:
    """Audit a snapshot offline; rules needing opt-in data the snapshot lacks are set aside."""
    plan = options if isinstance(options, AuditPlan) else prepare(options or AuditOptions(),
                                                                  requested_opt_in(snapshot), now=now)
    return plan.run(snapshot)


def audit_and_write(snapshot: Snapshot, options: AuditOptions | AuditPlan | None, targets: Sequence[Target], *,
                    now: dt.datetime | None = None) -> tuple[AuditResult, list[str], list[Path]]:
    """Audit a snapshot and write its reports: (the result, texts for stdout, files written).

    Where every target is a JSON result file and the audit runs on several processes (an
    organization), each worker writes the result's long lists for the scopes it audits as it goes
    (:mod:`vpcaudit.engine.parted`), byte for byte what :func:`write_reports` writes, and the
    result returned is the audit's *outline*: every finding without its fix and evidence, the rule
    scopes not judged, the costs and groups — what :func:`exit_code`, :func:`summary_text` and the
    ``table`` format read, and nothing more; paths, VPCs and topology are in the files only."""
    plan = options if isinstance(options, AuditPlan) else prepare(options or AuditOptions(),
                                                                  requested_opt_in(snapshot), now=now)
    if targets and all(t.fmt == "json" and t.path is not None for t in targets):
        parted = run_parted(snapshot, plan.selection.rules, plan.settings, write_run)
        if parted is not None:
            try:
                _, written = write_rendered(targets, _streamed_only, lambda _fmt: stream_parted(parted))
            finally:
                parted.close()
            return parted.outline, [], written
    result = plan.run(snapshot)
    printed, written = write_reports(result, targets)
    return result, printed, written


# Below this size a snapshot file is read whole and audited as one snapshot: an audit in shards
# forks before reading and exchanges facts, which costs more than it saves on a small estate.
SHARD_MIN_BYTES = 64 << 20


def audit_file_and_write(path: str | os.PathLike[str], options: AuditOptions, targets: Sequence[Target], *,
                         now: dt.datetime | None = None, workers: int | None = None
                         ) -> tuple[AuditResult, list[str], list[Path], Snapshot]:
    """:func:`audit_and_write` of the snapshot file ``path``, and the snapshot.

    Where every target is a JSON result file and the file is large (an organization's, from
    ``SHARD_MIN_BYTES``), the audit runs in shards (:mod:`vpcaudit.engine.sharded`): each of
    ``workers`` processes (default: every CPU) reads only its own accounts, byte for byte the same
    result. The snapshot returned then holds this process's accounts only; its snapshot-wide facts
    (:class:`~vpcaudit.snapshot.shard.Fold`, such as :func:`unused_service_ports`) answer for all."""
    if targets and all(t.fmt == "json" and t.path is not None for t in targets):
        sharded = _sharded(path, options, now or dt.datetime.now(dt.timezone.utc), workers)
        if sharded is not None:
            try:
                _, written = write_rendered(targets, _streamed_only, lambda _fmt: stream_parted(sharded.parted))
            finally:
                sharded.parted.close()
            return sharded.parted.outline, [], written, sharded.snapshot
    snapshot = load_snapshot(path)
    return (*audit_and_write(snapshot, options, targets, now=now), snapshot)


def _sharded(path: str | os.PathLike[str], options: AuditOptions, now: dt.datetime,
             workers: int | None) -> ShardedAudit | None:
    """The audit in shards, or None where it would not pay or cannot run (then the file is read whole)."""
    count = workers if workers is not None else (os.cpu_count() or 1)
    try:
        small = os.path.getsize(path) < SHARD_MIN_BYTES
    except OSError:
        return None  # the plain reader says what is wrong with the path
    if count < 2 or (small and workers is None):
        return None
    registry = rules(options.rules_dirs)
    possible = prepare(options, (p for p in Part if p.opt_in), registry=registry, now=now)  # every rule it may run
    if any(registry.pack_of(r.id) != BUILTIN_PACK for r in possible.selection.rules):
        return None  # another pack's rule may read any account of the snapshot, not through folds
    file = snapshot_file(path)
    if file is None:
        return None

    def plan(opt_in: frozenset[Part]) -> tuple[tuple[Rule, ...], RunSettings]:
        chosen = prepare(options, opt_in, registry=registry, now=now)
        return chosen.selection.rules, chosen.settings

    sharded = run_sharded(file, count, frozenset(r.id for r in possible.selection.rules), plan, write_run, now)
    if sharded is None:
        file.close()
    return sharded  # the file stays open while its snapshot may read an account from it


def _streamed_only(fmt: str) -> str:
    raise AssertionError(f"{fmt} is written to a file, chunk by chunk")


def diff(before: Snapshot, after: Snapshot, options: AuditOptions | None = None, *,
         allow_disjoint: bool = False, now: dt.datetime | None = None) -> AuditDiff:
    """Audit both snapshots with **one** plan and compare them: what got worse between the two.

    One plan, with the opt-in parts *either* snapshot asked for: a rule that had metrics before
    and none after then shows as not evaluated after (lost coverage) instead of vanishing and
    making its findings look resolved. Snapshots that share no account and Region compare
    nothing, so "nothing got worse" would be meaningless: a UsageError unless ``allow_disjoint``.
    """
    if not allow_disjoint and not comparable(before, after):
        raise UsageError(f"needed, as the snapshots share no account and Region (before: {_coverage(before)}; "
                         f"after: {_coverage(after)}): without it a wrong file would pass as \"nothing got worse\"",
                         "allow_disjoint")
    opts = options or AuditOptions()
    plan = prepare(opts, requested_opt_in(before) | requested_opt_in(after), now=now)
    return compare(Audited(before, plan.run(before)), Audited(after, plan.run(after)), opts.fail_on)


def _coverage(snapshot: Snapshot, shown: int = 3) -> str:
    """The account/Region pairs of a snapshot, a few of them, for a one-line message."""
    pairs = [f"{a.account_id}/{r.region}" for a in snapshot.accounts for r in a.regions]
    more = f" and {len(pairs) - shown} more" if len(pairs) > shown else ""
    return (", ".join(pairs[:shown]) + more) or "nothing"


# -- collection ---------------------------------------------------------------------------------


def collect(options: CollectOptions, parts: Iterable[Part] | None = None, *,
            session: boto3.session.Session | None = None, progress: Progress | None = None) -> CollectionOutcome:
    """Snapshot the accounts and regions ``options`` name, with read-only calls only.

    ``parts``: what to collect (default: every part that is not opt-in, plus the requested
    extras). ``session``: the base credentials (default: from ``options.profile``). Raises
    :class:`~vpcaudit.errors.CredentialsError` when the credentials are unusable and
    :class:`~vpcaudit.errors.CollectionError` when nothing can be collected; every other failure
    is recorded in the snapshot.
    """
    base = session if session is not None else _session(options.profile)
    wanted = frozenset(parts) if parts is not None else default_parts() | options.opt_in
    return collect_accounts(base, _regions(options, base), wanted, accounts=options.accounts,
                            endpoint_url=options.endpoint_url, metrics_days=options.metrics_days,
                            progress=progress, concurrency=options.concurrency or None,
                            processes=options.processes)


@dataclass(frozen=True)
class ScanOutcome:
    """A scan's snapshot, its audit, and the AWS calls it took (for ``--stats``)."""

    snapshot: Snapshot
    result: AuditResult
    calls: dict[str, int]  # logical API calls per operation
    http_attempts: dict[str, int]  # including botocore retries


def scan(collect_options: CollectOptions, audit_options: AuditOptions | AuditPlan | None = None, *,
         session: boto3.session.Session | None = None, progress: Progress | None = None,
         now: dt.datetime | None = None) -> ScanOutcome:
    """Collect only what the selected rules need (plus the requested extras), then audit it.

    Pass a prepared :class:`AuditPlan` to report what the plan sets aside before collecting.
    """
    plan = audit_options if isinstance(audit_options, AuditPlan) else prepare(
        audit_options or AuditOptions(), collect_options.opt_in, now=now)
    outcome = collect(collect_options, plan.parts | collect_options.opt_in, session=session, progress=progress)
    return ScanOutcome(outcome.snapshot, plan.run(outcome.snapshot), outcome.calls, outcome.http_attempts)


def iam_policy(opt_in: Iterable[Part] = ()) -> dict[str, Any]:
    """The minimal read-only IAM policy for collecting every default part plus ``opt_in``."""
    return policy_for(default_parts() | frozenset(opt_in))


POLICY_FORMATS = ("json", "cloudformation", "terraform")


def member_role(opt_in: Iterable[Part] = (), fmt: str = "json") -> str:
    """The collection policy as text: IAM JSON, or the member-account role that carries it as a
    CloudFormation template or a Terraform module (trusting one role, with an external id)."""
    policy = iam_policy(opt_in)
    if fmt == "json":
        return json.dumps(policy, indent=2) + "\n"
    if fmt == "cloudformation":
        return role_template.cloudformation(policy)
    if fmt == "terraform":
        return role_template.terraform(policy)
    raise UsageError(f"unknown policy format {fmt!r} (choose from {', '.join(POLICY_FORMATS)})", "format")


def _session(profile: str | None) -> boto3.session.Session:
    import boto3
    from botocore.exceptions import ProfileNotFound

    try:
        return boto3.session.Session(profile_name=profile)
    except ProfileNotFound:
        if profile is None:  # the variable named it, not a setting: say so, on every face
            named = os.environ.get("AWS_PROFILE") or os.environ.get("AWS_DEFAULT_PROFILE") or ""
            raise UsageError(f"the AWS_PROFILE environment variable names profile {named!r}, which is in neither "
                             "the AWS config file nor the credentials file") from None
        raise UsageError(f"no profile {profile!r} in the AWS config file or the credentials file",
                         "profile") from None


def _regions(options: CollectOptions, session: boto3.session.Session) -> list[str] | None:
    """The regions to collect: None for every enabled one; the session's own when none are named."""
    if options.regions is None:
        return None
    if options.regions:
        return list(options.regions)
    if not session.region_name:
        raise UsageError("none given and the profile / AWS_DEFAULT_REGION names no default region: name the "
                         "regions, or all regions", "regions")
    return [session.region_name]


# -- traffic paths -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PathAnswer:
    """Where a subnet's traffic goes, per destination, with the steps that decided each path."""

    subnet_id: str
    destinations: tuple[str, ...]  # every destination the subnet has
    paths: tuple[TrafficPath, ...]  # the ones asked for


def path(snapshot: Snapshot, subnet_id: str, destination: str | None = None) -> PathAnswer:
    """Explain where traffic from ``subnet_id`` to ``destination`` (default: every one) goes."""
    for account in snapshot.accounts:
        for region in account.regions:
            view = NetworkView.build(account, region)
            subnet = view.subnets.get(subnet_id)
            if subnet is None:
                continue
            known = destinations(view, subnet.vpc_id)
            if destination is not None and destination not in known:
                raise UsageError(f"no destination {destination!r} for {subnet_id}; known: {', '.join(known)}", "to")
            wanted = known if destination is None else (destination,)
            return PathAnswer(subnet_id, known, tuple(path_for(view, subnet, d) for d in wanted))
    raise UsageError(f"subnet {subnet_id} is not in the snapshot", "subnet")


# -- outputs and exit codes ------------------------------------------------------------------


def render(document: AuditResult | AuditDiff | Snapshot | FixPlan, fmt: str) -> str:
    """One output format of an audit result, a diff, a snapshot or a fix plan, as text."""
    if isinstance(document, FixPlan):
        return render_fix_plan(document, fmt)
    if isinstance(document, Snapshot):
        if fmt not in SNAPSHOT_FORMATS:
            raise UsageError(f"unknown snapshot format {fmt!r} (known: {', '.join(SNAPSHOT_FORMATS)})", "formats")
        return to_json(document)
    known = formats("diff" if isinstance(document, AuditDiff) else "report")
    if fmt not in known:
        raise UsageError(f"unknown format {fmt!r} (known: {', '.join(known)})", "formats")
    return formatters.render(document, fmt)  # anything raised from here on is a bug, not a user error


DocumentKind = Literal["report", "diff", "snapshot", "fix"]
SNAPSHOT_FORMATS = {"json": "snapshot.json"}


def formats(kind: DocumentKind = "report") -> dict[str, str]:
    """The formats a kind of document offers, each with its file name inside an output folder."""
    if kind == "snapshot":
        return dict(SNAPSHOT_FORMATS)
    if kind == "fix":
        from vpcaudit.render.fix import FIX_FORMATS

        return FIX_FORMATS.filenames
    return (formatters.DIFF_FORMATS if kind == "diff" else formatters.REPORT_FORMATS).filenames


def outputs(formats_wanted: Sequence[str], output: str | None, kind: DocumentKind = "report", *,
            inputs: Mapping[str, str | os.PathLike[str]] | None = None,
            taken: Mapping[str, Sequence[Target]] | None = None, setting: str = "output") -> list[Target]:
    """Where each requested format goes (one format: ``output`` is a file or stdout; several: a
    folder), checked *before* any work, so a typo fails in a second, not after a scan.

    ``inputs``: the files the run reads, by what they are (``{"snapshot": path}``), and
    ``taken``: the targets of its other outputs (``{"report": targets}``); a target that is
    one of them is refused, so an output never destroys an input or another output.
    ``setting``: the setting ``output`` comes from, named in errors.
    """
    targets = plan_outputs(formats_wanted, output, formats(kind))
    check_outputs(targets, inputs, taken, setting)
    return targets


def outputs_in(folder: str | os.PathLike[str], formats_wanted: Sequence[str], kind: DocumentKind = "report", *,
               setting: str = "output") -> list[Target]:
    """Each requested format under its default name in ``folder``, checked like :func:`outputs`
    (nothing is created until the reports are written, so a failed run leaves no folder behind)."""
    names = formats(kind)
    unknown = [f for f in formats_wanted if f not in names]
    if unknown:
        raise UsageError(f"unknown format {unknown[0]!r} (known: {', '.join(names)})", "formats")
    targets = [Target(fmt, Path(folder) / names[fmt]) for fmt in dict.fromkeys(formats_wanted)]
    check_outputs(targets, setting=setting)
    return targets


def write_reports(document: AuditResult | AuditDiff | Snapshot | FixPlan,
                  targets: Sequence[Target]) -> tuple[list[str], list[Path]]:
    """Render every target (atomically for files; the JSON result chunk by chunk); returns (texts
    meant for stdout, files written)."""
    return write_rendered(targets, lambda fmt: render(document, fmt), lambda fmt: _stream(document, fmt))


def _stream(document: AuditResult | AuditDiff | Snapshot | FixPlan, fmt: str) -> Iterable[Chunk] | None:
    """The output as chunks, for the formats written so (else None: :func:`render` gives it)."""
    if isinstance(document, AuditResult | AuditDiff) and fmt in formats("diff" if isinstance(document, AuditDiff)
                                                                         else "report"):
        return formatters.stream(document, fmt)
    return None


def result_data(result: AuditResult) -> dict[str, Any]:
    """The result as plain JSON data (what ``-f json`` writes), for a caller that embeds it."""
    return result_document(result)


def write_text(text: str, output: str) -> tuple[list[str], list[Path]]:
    """Text to a file, atomically, or back for stdout when ``output`` is ``-``."""
    target = single_target("text", output)
    check_outputs([target])
    return write_rendered([target], lambda _: text)


def unused_service_ports(snapshot: Snapshot, options: AuditOptions) -> list[str]:
    """The services of ``options.service_ports`` that no VPC endpoint of ``snapshot`` connects to
    (a typo, or an endpoint since deleted): worth a warning, since such an entry judges nothing."""
    return services_without_endpoints(snapshot, options.service_ports)


def exit_code(result: AuditResult, fail_on: Severity = Severity.HIGH, strict: bool = False) -> ExitCode:
    """1 if a failing (unsuppressed) finding is at or above ``fail_on``; else 3 if ``strict`` and
    the audit is incomplete; else 0."""
    if any(f.severity.at_least(fail_on) for f in result.failures):
        return ExitCode.FINDINGS
    if strict and result.incomplete:
        return ExitCode.INCOMPLETE
    return ExitCode.OK


def diff_exit_code(d: AuditDiff, strict: bool = False) -> ExitCode:
    """1 when something newly fails at or above the threshold or a path got worse; else 3 when
    ``strict`` and coverage got worse; else 0."""
    if d.newly_failing or d.worse_paths:
        return ExitCode.FINDINGS
    if strict and d.coverage_worse:
        return ExitCode.INCOMPLETE
    return ExitCode.OK


# -- remediation -----------------------------------------------------------------------------------


def load_result(path: str | os.PathLike[str]) -> AuditResult:
    """An audit result written with ``-f json``; a :class:`~vpcaudit.errors.UsageError` (setting
    ``result``) names the file and the field when it is not one."""
    return read_result(path)


def fix_plan(result: AuditResult, *, select: Iterable[str] = (), min_severity: Severity | None = None) -> FixPlan:
    """The remediation plan of ``result``'s failing findings: ``select`` rule ids or prefixes,
    ``min_severity`` the least severe finding to fix. vpcaudit writes plans, never runs them."""
    return build_plan(result, select=select, min_severity=min_severity)


def render_fix_plan(plan: FixPlan, fmt: str = "sh") -> str:
    """The plan as ``sh`` (a reviewable bash script of AWS CLI calls) or ``terraform``."""
    from vpcaudit.render.fix import FIX_FORMATS

    try:
        return FIX_FORMATS.render(plan, fmt)
    except ValueError as exc:
        raise UsageError(str(exc), "formats") from None


# -- publishing (the one part of vpcaudit that writes) ---------------------------------------------


def publish_securityhub(result: AuditResult, options: CollectOptions | None = None, *,
                        session: boto3.session.Session | None = None, dry_run: bool = False) -> PublishReport:
    """Import ``result``'s findings into Security Hub and archive those that went away where their
    rule was evaluated (see :mod:`vpcaudit.writers.securityhub`).

    ``options`` says how to reach the accounts, as for a collection: the profile, an endpoint,
    one role per account other than the credentials' own; named ``regions`` limit publishing to
    those Regions (default: every Region of the result). Raises CredentialsError / UsageError
    before anything is written when an account of the result cannot be reached.
    """
    opts = options or CollectOptions()
    base = session if session is not None else _session(opts.profile)
    chosen = opts.regions or None
    home = chosen[0] if chosen else (result.regions[0] if result.regions else None)
    writers = account_writers(base, opts.accounts, securityhub.OPERATIONS, region=home,
                              endpoint_url=opts.endpoint_url)
    return securityhub.publish(result, writers, regions=chosen, dry_run=dry_run)


def publish_iam_policy() -> dict[str, Any]:
    """The IAM policy ``publish_securityhub`` needs in each account it writes."""
    return securityhub.iam_policy()


# -- planned changes ----------------------------------------------------------------------------


def read_change(snapshot: Snapshot, *, terraform: str | Path | None = None,
                cloudformation: str | Path | None = None, parameters: str | Path | None = None,
                region: str | None = None, account_id: str | None = None) -> PlannedChange:
    """The snapshot as it would be after a Terraform plan (``terraform show -json`` output) or a
    CloudFormation template (a stack to be created; ``region``/``account_id`` say where when the
    snapshot holds several). Raises :class:`vpcaudit.errors.UsageError` for an unreadable file."""
    from vpcaudit.change import cfnyaml
    from vpcaudit.change import cloudformation as cfn
    from vpcaudit.change import terraform as tf
    from vpcaudit.change.tfplan import PlanError

    if (terraform is None) == (cloudformation is None):
        raise UsageError("give exactly one of a Terraform plan or a CloudFormation template", setting="terraform")
    if terraform is not None:
        if parameters is not None:
            raise UsageError("parameters are for a CloudFormation template", setting="parameters")
        path = Path(terraform)
        try:
            document = strictjson.loads(read_text(path), strictjson.PLAN_DEPTH)
        except FileNotFoundError:
            raise PlanError(f"{path}: no such file") from None
        except UnicodeDecodeError:
            raise PlanError(f"{path}: not text; give the output of `terraform show -json PLANFILE`, not the "
                            "binary plan") from None
        except OSError as exc:
            raise PlanError(f"{path}: cannot read: {exc.strerror or exc}") from None
        except strictjson.NotJson as exc:
            hint = "" if exc.too_deep else " (give the output of `terraform show -json PLANFILE`, not the binary plan)"
            raise PlanError(f"{path}: {exc}{hint}") from None
        return tf.plan_change(snapshot, document, path.name)
    assert cloudformation is not None
    template = cfnyaml.read(cloudformation)
    given = cfnyaml.read_parameters(parameters) if parameters is not None else {}
    return cfn.plan_change(snapshot, template, given, source=Path(cloudformation).name, region=region,
                           account_id=account_id)


def predict(change: PlannedChange, options: AuditOptions | None = None, *, now: dt.datetime | None = None) -> AuditDiff:
    """What the change would do: the snapshot and its planned successor compared exactly as
    :func:`diff` compares two snapshots, with what the change held (and could not model) attached."""
    return replace(diff(change.before, change.after, options, now=now), plan=change.facts)
# -- organizations, merges and delivery ----------------------------------------------------------


def discover(options: CollectOptions, *, session: boto3.session.Session | None = None) -> Discovered:
    """The organization accounts ``options`` cover (org / ous, less exclusions), and those skipped
    for their state, without collecting anything."""
    base = session if session is not None else _session(options.profile)
    hint = options.regions[0] if options.regions else None
    return discover_accounts(base, options.accounts, hint, endpoint_url=options.endpoint_url)


def merge_snapshots(snapshots: Sequence[Snapshot], sources: Sequence[str] | None = None) -> Snapshot:
    """Per-account snapshots as one organization snapshot, to audit as one (see :mod:`vpcaudit.snapshot.merge`)."""
    return snapshot_merge(snapshots, sources)


def merge_results(results: Sequence[AuditResult], sources: Sequence[str] | None = None) -> AuditResult:
    """Per-account results as one report (see :mod:`vpcaudit.engine.merge`)."""
    return result_merge(results, sources)


def s3_location(url: str, setting: str = "output") -> S3Location:
    """``s3://bucket/prefix/`` as a delivery location (UsageError naming ``setting`` when malformed)."""
    return parse_s3_url(url, setting)


def deliver(document: AuditResult | AuditDiff | Snapshot, formats_wanted: Sequence[str], location: S3Location, *,
            kind: DocumentKind = "report", delivery: DeliveryOptions | None = None,
            session: boto3.session.Session | None = None, endpoint_url: str | None = None,
            profile: str | None = None) -> list[str]:
    """Render each format and put it below ``location`` under its usual name; the one S3 write
    vpcaudit makes, through a writer that can do nothing else. Returns the objects' URLs.
    ``session`` (default: from ``profile``) holds the credentials that write."""
    names = formats(kind)
    unknown = [f for f in formats_wanted if f not in names]
    if unknown:
        raise UsageError(f"unknown format {', '.join(unknown)} (choose from {', '.join(names)})", "formats")
    writer = _writer(location, delivery, session or _session(profile), endpoint_url)
    return [writer.put(names[fmt], render(document, fmt)) for fmt in dict.fromkeys(formats_wanted)]


def notify(topic_arn: str, subject: str, message: str, *, session: boto3.session.Session | None = None,
           endpoint_url: str | None = None, profile: str | None = None) -> str:
    """Publish a summary to one SNS topic (``sns:Publish`` only); returns the message id."""
    return SnsWriter(session or _session(profile), topic_arn, endpoint_url=endpoint_url).publish(subject, message)


def summary_text(result: AuditResult, fail_on: Severity, strict: bool, where: str | None = None) -> str:
    """A few lines for a notification: accounts, Regions, failing findings by severity, exit code, report."""
    code = exit_code(result, fail_on, strict)
    by_severity = {s.value: sum(1 for f in result.failures if f.severity is s) for s in Severity}
    unjudged = sum(1 for s in result.scopes if not s.outcome.judged)
    lines = [f"vpcaudit: {len(result.accounts)} account(s), {len(result.regions)} Region(s), "
             f"{len(result.failures)} failing finding(s) → exit {int(code)}",
             "failing by severity: " + ", ".join(f"{k} {v}" for k, v in by_severity.items()),
             f"rule scopes not evaluated or errored: {unjudged}"]
    if where:
        lines.append(f"report: {where}")
    return "\n".join(lines) + "\n"


def discovery_policy(role_name: str | None = None, partition: str = "aws") -> dict[str, Any]:
    """What the principal that lists the organization and assumes its roles needs (not the members)."""
    role = role_name or "*"
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "VpcauditListOrganization", "Effect": "Allow", "Action": sorted(DISCOVERY_OPERATIONS),
         "Resource": "*"},
        {"Sid": "VpcauditAssumeMemberRoles", "Effect": "Allow", "Action": ["sts:AssumeRole"],
         "Resource": [f"arn:{partition}:iam::*:role/{role}"]}]}


def delivery_policy(location: S3Location, delivery: DeliveryOptions | None = None,
                    partition: str = "aws") -> dict[str, Any]:
    """What delivering below ``location`` (and the SNS summary) needs: the writers' IAM policy."""
    options = delivery or DeliveryOptions()
    statements = s3_statements(location, options.kms_key, partition)
    if options.sns_topic:
        statements += sns_statements(options.sns_topic)
    return {"Version": "2012-10-17", "Statement": statements}


def _writer(location: S3Location, delivery: DeliveryOptions | None, session: boto3.session.Session | None,
            endpoint_url: str | None) -> S3Writer:
    options = delivery or DeliveryOptions()
    return S3Writer(session or _session(None), location, kms_key=options.kms_key, endpoint_url=endpoint_url)


def package_lambda(output: str | os.PathLike[str]) -> PackageReport:
    """Write the Lambda function zip (see :mod:`vpcaudit.lambda_package`) and say what is in it."""
    from vpcaudit.lambda_package import build

    return build(output)


# -- the organization run, in the steps a fan-out engine distributes ------------------------------


def list_accounts(options: CollectOptions, location: S3Location, run_id: str, *,
                  delivery: DeliveryOptions | None = None,
                  session: boto3.session.Session | None = None) -> tuple[Manifest, str]:
    """Step 1: the organization's accounts into the run's manifest (and the Map's item list).
    Returns the manifest and the key of the item list (``runs/<id>/accounts.json``)."""
    run = fleet.RunFolder(location, fleet.check_run_id(run_id))
    base = session if session is not None else _session(options.profile)
    manifest = fleet.Manifest.of(run.run_id, discover(options, session=base))
    writer = _writer(run.folder, delivery, base, options.endpoint_url)
    writer.put(fleet.MANIFEST, manifest.to_json())
    writer.put(fleet.ACCOUNTS, json.dumps(manifest.items(), indent=1) + "\n")
    return manifest, run.folder.key(fleet.ACCOUNTS)


def audit_account(options: CollectOptions, plan: AuditPlan, location: S3Location, run_id: str, item: Any, *,
                  delivery: DeliveryOptions | None = None,
                  session: boto3.session.Session | None = None) -> tuple[ScanOutcome, list[str]]:
    """Step 2, once per account: scan the account of ``item`` (every Region ``options`` name) and
    write its snapshot and result into the run. An account whose role could not be used is written
    too (recorded as not collected); when that was throttling, :class:`ThrottledError` follows the
    write, so the engine retries it later and, if it never succeeds, the merge still has it."""
    run = fleet.RunFolder(location, fleet.check_run_id(run_id))
    role = fleet.account_item(item)
    base = session if session is not None else _session(options.profile)
    one = replace(options, accounts=fleet.one_account(options.accounts, role))
    outcome = scan(one, plan, session=base)
    folder = run.folder.below(run.account(role.account_id))
    writer = _writer(folder, delivery, base, options.endpoint_url)
    written = [writer.put(fleet.SNAPSHOT, render(outcome.snapshot, "json")),
               writer.put(fleet.RESULT, render(outcome.result, "json"))]
    refused = next((a.refused for a in outcome.snapshot.accounts if a.refused is not None), None)
    if refused is not None and refused.state is State.THROTTLED:
        raise ThrottledError(f"account {role.account_id}: {refused.message}; recorded as throttled, retry later")
    return outcome, written


@dataclass(frozen=True)
class MergedRun:
    """Step 3's answer: the organization's snapshot and audit, and what was written where."""

    manifest: Manifest
    snapshot: Snapshot
    result: AuditResult
    written: list[str]
    report: str  # URL of the organization folder


MergeFrom = Literal["snapshots", "results"]


def merge_run(options: CollectOptions, plan: AuditPlan, location: S3Location, run_id: str,
              formats_wanted: Sequence[str], *, delivery: DeliveryOptions | None = None,
              session: boto3.session.Session | None = None, merge_from: MergeFrom = "snapshots") -> MergedRun:
    """Step 3: the organization's report in ``runs/<id>/organization/``.

    From ``snapshots`` (the default): every account's snapshot merged into one organization
    snapshot, audited as one — COST001 pools the organization, shared subnets meet their owners —
    and written beside the reports. From ``results``: the accounts' own results merged as they
    are, nothing audited again — for organizations whose merged audit outgrows one invocation;
    cross-account answers then stay each account's own. Either way an account that wrote
    nothing is recorded as not collected."""
    run = fleet.RunFolder(location, fleet.check_run_id(run_id))
    base = session if session is not None else _session(options.profile)
    reader = S3Reader(base, run.folder, endpoint_url=options.endpoint_url)
    text = reader.get(fleet.MANIFEST)
    if text is None:
        raise UsageError(f"no {fleet.MANIFEST} in {run.folder.url}: list the accounts first", "run_id")
    manifest = fleet.Manifest.from_json(text, run.folder.url + fleet.MANIFEST)
    parts = plan.parts | options.opt_in
    folder = run.folder.below(run.organization)
    written = []
    if merge_from == "results":
        results, sources, accounts = fleet.gather_results(manifest, reader.get, options.regions, parts, plan.run)
        result, merged = merge_results(results, sources), fleet.with_skipped(accounts, manifest)
    else:
        snapshots, sources = fleet.gather(manifest, reader.get, options.regions, parts)
        merged = fleet.with_skipped(merge_snapshots(snapshots, sources), manifest)
        result = plan.run(merged)
        written.append(_writer(folder, delivery, base, options.endpoint_url).put(fleet.SNAPSHOT, render(merged,
                                                                                                        "json")))
    written += deliver(result, formats_wanted, folder, delivery=delivery, session=base,
                       endpoint_url=options.endpoint_url)
    return MergedRun(manifest, merged, result, written, folder.url)


# The vocabulary of the answers above, so that a face needs nothing but this module.
__all__ = [
    "BUILTIN_PACK",
    "STDOUT",
    "AuditDiff",
    "AuditOptions",
    "AuditPlan",
    "AuditResult",
    "CollectOptions",
    "CollectionOutcome",
    "DeliveryOptions",
    "Discovered",
    "ExitCode",
    "Finding",
    "FixPlan",
    "Manifest",
    "MergeFrom",
    "MergedRun",
    "OutputError",
    "Part",
    "PathAnswer",
    "PlannedChange",
    "PublishReport",
    "Registry",
    "Rule",
    "S3Location",
    "ScanOutcome",
    "Severity",
    "Snapshot",
    "State",
    "Status",
    "Target",
    "TrafficPath",
    "audit",
    "audit_account",
    "audit_and_write",
    "audit_file_and_write",
    "collect",
    "control_label",
    "deliver",
    "delivery_policy",
    "diff",
    "diff_exit_code",
    "discover",
    "discovery_policy",
    "exit_code",
    "fix_plan",
    "formats",
    "iam_policy",
    "list_accounts",
    "load_result",
    "load_snapshot",
    "member_role",
    "merge_results",
    "merge_run",
    "merge_snapshots",
    "notify",
    "outputs",
    "outputs_in",
    "package_lambda",
    "path",
    "predict",
    "prepare",
    "publish_iam_policy",
    "publish_securityhub",
    "read_change",
    "render",
    "render_fix_plan",
    "requested_opt_in",
    "result_data",
    "rules",
    "rules_markdown",
    "s3_location",
    "scan",
    "summary_text",
    "terminal_safe",
    "unused_service_ports",
    "write_reports",
    "write_text",
]
