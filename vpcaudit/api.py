"""The library interface: load rules, audit a snapshot, scan an account, decide the exit code.

The CLI, the demo and a Lambda handler all call these functions; none of them re-implements
selection, suppression or exit-code logic. Every user-correctable problem (a bad snapshot,
suppressions or pricing file, an unknown selector, a broken rule pack) is raised as one of
:data:`USAGE_ERRORS`, which the CLI turns into a one-line message and exit code 2.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vpcaudit.aws.accounts import AccountPlan, AccountsError
from vpcaudit.config import ConfigError
from vpcaudit.engine.loader import Registry, RuleLoadError, load_registry
from vpcaudit.engine.result import AuditResult
from vpcaudit.engine.rule import Severity
from vpcaudit.engine.runner import RunSettings, run
from vpcaudit.engine.select import Selection, SelectionError, needed_parts, select_rules
from vpcaudit.engine.suppress import SuppressionError, check_rules, load_suppressions
from vpcaudit.errors import CollectionError, CredentialsError
from vpcaudit.pricing import CostModel, PricingError, load_pricing
from vpcaudit.snapshot.jsonfile import SnapshotError
from vpcaudit.snapshot.model import Part, Snapshot, State

if TYPE_CHECKING:
    import boto3

USAGE_ERRORS: tuple[type[Exception], ...] = (
    AccountsError, CollectionError, ConfigError, CredentialsError, PricingError, RuleLoadError, SelectionError,
    SnapshotError, SuppressionError)


class ExitCode(IntEnum):
    """What a pipeline reads; documented in every command's --help and in README."""

    OK = 0  # no failing finding at or above --fail-on
    FINDINGS = 1  # at least one failing finding at or above --fail-on
    USAGE = 2  # usage, configuration or credential error
    INCOMPLETE = 3  # --strict and something was not evaluated or errored


EXIT_CODES: tuple[tuple[ExitCode, str], ...] = (
    (ExitCode.OK, "no failing finding at or above --fail-on (default high)"),
    (ExitCode.FINDINGS, "failing findings at or above --fail-on (suppressed ones do not count)"),
    (ExitCode.USAGE, "usage, configuration or credential error: bad snapshot, suppressions, pricing or "
                     "config file, unknown rule selector, broken rule pack, unwritable output, "
                     "missing AWS credentials"),
    (ExitCode.INCOMPLETE, "--strict and the audit is incomplete (a rule was not evaluated or errored "
                          "somewhere); 1 wins over 3"),
)


def exit_codes_help(codes: tuple[tuple[ExitCode, str], ...]) -> str:
    """An "Exit codes" help paragraph; click prints a paragraph starting with \\b verbatim."""
    return "\b\nExit codes:\n" + "\n".join(
        textwrap.fill(text, 76, initial_indent=f"  {int(code)}  ", subsequent_indent="     ") for code, text in codes)


EXIT_CODES_HELP = exit_codes_help(EXIT_CODES)


@dataclass(frozen=True)
class AuditOptions:
    """What to audit and how: the same fields as the CLI's audit options."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    min_severity: Severity | None = None
    fail_on: Severity = Severity.HIGH
    strict: bool = False
    suppressions: str | Path | None = None
    pricing: str | Path | None = None
    rules_dirs: tuple[str | Path, ...] = ()
    opt_in: frozenset[Part] = field(default_factory=frozenset)  # scan: --with parts to collect

    def echo(self) -> dict[str, str]:
        """The options as strings, recorded in the result for the report header."""
        out = {"select": ",".join(self.select), "ignore": ",".join(self.ignore),
               "min_severity": self.min_severity.value if self.min_severity else "",
               "fail_on": self.fail_on.value, "strict": str(self.strict).lower(),
               "suppressions": str(self.suppressions or ""), "pricing": str(self.pricing or ""),
               "rules_dirs": ",".join(str(d) for d in self.rules_dirs)}
        return {k: v for k, v in out.items() if v}


@dataclass(frozen=True)
class Plan:
    """The audit decided before any data is read or collected."""

    registry: Registry
    selection: Selection
    settings: RunSettings

    @property
    def parts(self) -> frozenset[Part]:
        """What ``scan`` collects: exactly the selected rules' needs."""
        return needed_parts(self.selection.rules)

    def run(self, snapshot: Snapshot) -> AuditResult:
        return run(snapshot, self.selection.rules, self.settings)


def load_rules(rules_dirs: Iterable[str | Path] = ()) -> Registry:
    return load_registry(rules_dirs)


def requested_opt_in(snapshot: Snapshot) -> frozenset[Part]:
    """Opt-in parts the snapshot's collection asked for (any state but *skipped* somewhere)."""
    asked = set()
    for account in snapshot.accounts:
        for part in Part:
            if not part.opt_in:
                continue
            statuses = [account.state_of(part)] if part.is_global else [r.state_of(part) for r in account.regions]
            if any(s.state is not State.SKIPPED for s in statuses):
                asked.add(part)
    return frozenset(asked)


def plan(options: AuditOptions, opt_in: frozenset[Part], *, registry: Registry | None = None,
         now: dt.datetime | None = None) -> Plan:
    """Load rules, select them, read the pricing and suppressions files: everything that can
    fail on user input fails here, before a single AWS call."""
    reg = registry if registry is not None else load_rules(options.rules_dirs)
    selection = select_rules(reg.rules, select=options.select, ignore=options.ignore,
                             min_severity=options.min_severity, opt_in=opt_in)
    cost = load_pricing(options.pricing) if options.pricing else CostModel()
    suppressions = load_suppressions(options.suppressions) if options.suppressions else ()
    check_rules(suppressions, (r.id for r in reg.rules), str(options.suppressions))
    echo = options.echo()
    if selection.opt_in_skipped:
        echo["skipped_opt_in"] = ",".join(r.id for r in selection.opt_in_skipped)
    settings = RunSettings(cost=cost, min_severity=options.min_severity, suppressions=suppressions,
                           packs={r.id: reg.pack_of(r.id) for r in selection.rules},
                           pack_versions=reg.versions, options=echo, now=now)
    return Plan(reg, selection, settings)


def audit(snapshot: Snapshot, options: AuditOptions | None = None, *, registry: Registry | None = None,
          now: dt.datetime | None = None) -> AuditResult:
    """Audit a snapshot (offline): rules needing opt-in data the snapshot lacks are set aside."""
    opts = options or AuditOptions()
    return plan(opts, requested_opt_in(snapshot), registry=registry, now=now).run(snapshot)


@dataclass(frozen=True)
class ScanOutcome:
    snapshot: Snapshot
    result: AuditResult
    calls: dict[str, int]  # logical API calls per operation, for --stats


def scan(session: boto3.Session, regions: Iterable[str] | None, options: AuditOptions | None = None, *,
         endpoint_url: str | None = None, max_workers: int | None = None, metrics_days: int | None = None,
         progress: Callable[[int, int, str], None] | None = None, registry: Registry | None = None,
         now: dt.datetime | None = None, accounts: AccountPlan | None = None) -> ScanOutcome:
    """Collect only what the selected rules need (plus the ``--with`` opt-in parts), then audit it.

    ``regions`` None: every region enabled for the account (``--all-regions``).
    ``accounts`` (from :func:`vpcaudit.aws.accounts.plan_accounts`) adds the accounts of IAM
    roles assumed from ``session``; default: the session's own account only.
    ``progress(done, total, label)`` is called as collection tasks finish. Raises
    :class:`vpcaudit.aws.errors.CredentialsError` / ``CollectionError`` when nothing can be collected.
    """
    from vpcaudit.collectors.run import collect_accounts

    opts = options or AuditOptions()
    p = plan(opts, opts.opt_in, registry=registry, now=now)
    kwargs: dict[str, Any] = {"endpoint_url": endpoint_url, "progress": progress}
    if max_workers is not None:
        kwargs["max_workers"] = max_workers
    if metrics_days is not None:
        kwargs["metrics_days"] = metrics_days
    outcome = collect_accounts(session, None if regions is None else list(regions), p.parts | opts.opt_in,
                               accounts=accounts or AccountPlan(), **kwargs)
    return ScanOutcome(outcome.snapshot, p.run(outcome.snapshot), outcome.calls)


def exit_code(result: AuditResult, fail_on: Severity = Severity.HIGH, strict: bool = False) -> ExitCode:
    """1 if a failing (unsuppressed) finding is at or above ``fail_on``; else 3 if ``strict``
    and the audit is incomplete; else 0."""
    if any(f.severity.at_least(fail_on) for f in result.failures):
        return ExitCode.FINDINGS
    if strict and result.incomplete:
        return ExitCode.INCOMPLETE
    return ExitCode.OK
