"""Scheduled audits from AWS Lambda (or any cron wrapper): ``vpcaudit.lambda_handler.handler``.

Why a handler of its own rather than the CLI: a scheduled audit has no terminal and, in Lambda,
no writable place but ``/tmp``. So the settings come from the invocation event (EventBridge
Scheduler passes a fixed JSON input) with ``VPCAUDIT_*`` environment variables as fallbacks;
the full result goes to stdout as one JSON line (CloudWatch Logs keeps it, nothing needs write
access anywhere); and the caller gets back a small JSON summary — counts, the exit code the CLI
would give, what could not be evaluated, the top findings. Reports in other formats are
rendered in memory and returned only on request (``return_reports``), size-bounded to fit
Lambda's response, or written atomically to ``output_dir`` for a wrapper to ship elsewhere.

Every setting is checked, and the rules, selectors and output folder are prepared, before the
first AWS call: a bad setting raises :class:`SettingsError` (a ``ValueError`` with a one-line
message, which Lambda reports as the invocation's error) and never leaves a half-run. The
audit itself is :func:`vpcaudit.api.scan` on the function's own credentials (its execution
role) plus the IAM roles of ``role_arns``; like every collection it is read-only.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from vpcaudit import api, render
from vpcaudit.aws.accounts import AccountPlan, AccountsError, failed_role, plan_accounts
from vpcaudit.cli.options import WITH_PARTS, split_values
from vpcaudit.engine.result import AuditResult
from vpcaudit.engine.rule import Finding, Severity, Status
from vpcaudit.files import atomic_write_text
from vpcaudit.render.report.jsonfmt import result_document
from vpcaudit.snapshot.model import Snapshot

ENV_PREFIX = "VPCAUDIT_"
SETTINGS: tuple[str, ...] = ("regions", "role_arns", "external_id", "include_base_account", "select", "ignore",
                             "min_severity", "fail_on", "strict", "with", "formats", "return_reports",
                             "output_dir")
DEFAULT_FORMATS = ("json",)
TOP_FINDINGS = 50
NOT_EVALUATED_GROUPS = 50
# Lambda's synchronous response is capped at 6 MB; the summary keeps well under it, and the
# reports share this budget (counted as the JSON-escaped text the response carries).
REPORTS_BUDGET = 4 * 1024 * 1024
# A region name as AWS spells them: us-east-1, eu-central-2, us-gov-west-1, cn-northwest-1.
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}")
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


class SettingsError(ValueError):
    """A setting of the event or environment that cannot be used; one line naming the setting."""


@dataclass(frozen=True)
class Settings:
    """The validated settings of one invocation."""

    regions: tuple[str, ...] | None  # None: every enabled region
    accounts: AccountPlan
    options: api.AuditOptions
    formats: tuple[str, ...]
    return_reports: bool
    output_dir: Path | None


def _raw(event: Mapping[str, Any], environ: Mapping[str, str], name: str) -> Any:
    """The event's value for ``name``, else ``VPCAUDIT_<NAME>`` from the environment, else None."""
    if event.get(name) is not None:
        return event[name]
    return environ.get(ENV_PREFIX + name.upper())


def _str_list(name: str, value: Any) -> list[str]:
    """A list of strings, or one comma-separated string (the only shape an env var has)."""
    if value is None:
        return []
    if isinstance(value, str):
        return split_values([value])
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return split_values(value)
    raise SettingsError(f"{name}: expected a list of strings or a comma-separated string, got {value!r}")


def _string(name: str, value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise SettingsError(f"{name}: expected a string, got {value!r}")
    return value


def _bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise SettingsError(f"{name}: expected true or false, got {value!r}")


def _severity(name: str, value: Any, default: Severity | None) -> Severity | None:
    text = _string(name, value)
    if text is None:
        return default
    try:
        return Severity(text.lower())
    except ValueError:
        raise SettingsError(f"{name}: expected one of {', '.join(s.value for s in Severity)}, "
                            f"got {value!r}") from None


def _regions(value: Any, default_region: str | None) -> tuple[str, ...] | None:
    """``"all"`` → None; a list (or comma string) of region names; default: the session's region,
    which in Lambda is the function's own (the runtime sets AWS_DEFAULT_REGION)."""
    names = _str_list("regions", value)
    if names == ["all"]:
        return None
    if "all" in names:
        raise SettingsError("regions: 'all' cannot be combined with region names")
    bad = [n for n in names if not _REGION.fullmatch(n)]
    if bad:
        raise SettingsError(f"regions: not a region name: {bad[0]!r} (expected e.g. eu-west-1, or \"all\")")
    if names:
        return tuple(names)
    if default_region:
        return (default_region,)
    raise SettingsError("regions: none given and no default region (AWS_DEFAULT_REGION) to fall back to; "
                        "set regions (a list, or \"all\")")


def _formats(value: Any) -> tuple[str, ...]:
    chosen = [f.lower() for f in _str_list("formats", value)] or list(DEFAULT_FORMATS)
    unknown = [f for f in chosen if f not in render.REPORT_FORMATS.names]
    if unknown:
        raise SettingsError(f"formats: unknown format {unknown[0]!r} (known: {', '.join(render.REPORT_FORMATS.names)})")
    return tuple(dict.fromkeys(chosen))


def read_settings(event: Any, environ: Mapping[str, str], default_region: str | None) -> Settings:
    """Validate the event (an EventBridge input, or None) with ``VPCAUDIT_*`` fallbacks."""
    if event is None:
        event = {}
    if not isinstance(event, dict):
        raise SettingsError(f"event: expected a JSON object of settings, got {type(event).__name__}")
    unknown = sorted(str(k) for k in event if k not in SETTINGS)
    if unknown:
        raise SettingsError(f"event: unknown setting {unknown[0]!r} (known: {', '.join(SETTINGS)})")

    def raw(name: str) -> Any:
        return _raw(event, environ, name)

    extras = _str_list("with", raw("with"))
    unknown_extras = [e for e in extras if e not in WITH_PARTS]
    if unknown_extras:
        raise SettingsError(f"with: unknown extra {unknown_extras[0]!r} (known: {', '.join(WITH_PARTS)})")
    role_arns = _str_list("role_arns", raw("role_arns"))
    external_id = _string("external_id", raw("external_id"))
    if external_id is not None and not role_arns:
        raise SettingsError("external_id: it is passed to sts:AssumeRole, so it needs role_arns")
    try:
        accounts = plan_accounts(role_arns, external_id=external_id,
                                 include_base=_bool("include_base_account", raw("include_base_account")))
    except AccountsError as exc:
        raise SettingsError(_setting_names(str(exc))) from None
    options = api.AuditOptions(
        select=tuple(_str_list("select", raw("select"))), ignore=tuple(_str_list("ignore", raw("ignore"))),
        min_severity=_severity("min_severity", raw("min_severity"), None),
        fail_on=_severity("fail_on", raw("fail_on"), Severity.HIGH) or Severity.HIGH,
        strict=_bool("strict", raw("strict")), opt_in=frozenset(WITH_PARTS[e] for e in extras))
    output_dir = _string("output_dir", raw("output_dir"))
    return Settings(regions=_regions(raw("regions"), default_region), accounts=accounts, options=options,
                    formats=_formats(raw("formats")), return_reports=_bool("return_reports", raw("return_reports")),
                    output_dir=Path(output_dir) if output_dir else None)


def _setting_names(message: str) -> str:
    """Messages from shared validators name CLI flags; here the settings have other names."""
    for flag, name in (("--role-arn", "role_arns"), ("--external-id", "external_id"), ("--select", "select"),
                       ("--ignore", "ignore")):
        message = message.replace(flag, name)
    return message


def _prepare_output_dir(folder: Path) -> None:
    """Create ``output_dir`` and make sure it is writable, before any AWS call."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SettingsError(f"output_dir {folder}: cannot create: {exc.strerror or exc}") from None
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise SettingsError(f"output_dir {folder}: not a writable folder")


def _counts(result: AuditResult) -> dict[str, dict[str, int]]:
    """Findings by status, then severity; every key present so dashboards see a stable shape."""
    counts = {status.value: {severity.value: 0 for severity in Severity} for status in Status}
    for finding in result.findings:
        counts[finding.status.value][finding.severity.value] += 1
    return counts


def _top_findings(result: AuditResult) -> list[dict[str, str]]:
    """The worst failing findings first, then by rule and resource, so repeated runs list alike."""
    def order(f: Finding) -> tuple[int, str, str]:
        return (-f.severity.rank, f.rule_id, f.resource.arn)

    return [{"rule_id": f.rule_id, "severity": f.severity.value, "resource": f.resource.arn, "message": f.message}
            for f in sorted(result.failures, key=order)[:TOP_FINDINGS]]


def _not_evaluated(result: AuditResult, skip_accounts: frozenset[str]) -> list[dict[str, Any]]:
    """Rule scopes not evaluated or errored, outside ``skip_accounts`` (reported whole, in
    ``accounts_not_collected``): one entry per account, outcome, reason and set of rules, listing
    the regions it applies to, so one denied part across every region is one entry, not hundreds."""
    per_region: dict[tuple[str, str, str, str], set[str]] = {}
    for scope in result.scopes:
        if scope.outcome in ("not_evaluated", "error") and scope.account_id not in skip_accounts:
            per_region.setdefault((scope.account_id, scope.outcome, scope.detail, scope.region), set()).add(
                scope.rule_id)
    groups: dict[tuple[str, str, str, tuple[str, ...]], list[str]] = {}
    for (account, outcome, detail, region), rule_ids in per_region.items():
        groups.setdefault((account, outcome, detail, tuple(sorted(rule_ids))), []).append(region)
    return [{"account_id": account, "outcome": outcome, "detail": detail, "rule_ids": list(rule_ids),
             "regions": sorted(regions)}
            for (account, outcome, detail, rule_ids), regions in sorted(groups.items())]


def _accounts_not_collected(snapshot: Snapshot, result: AuditResult) -> list[dict[str, Any]]:
    """Accounts whose role could not be assumed, with why and how many rule scopes that left
    unjudged: a scheduled audit must not lose an account silently."""
    out = []
    for account in snapshot.accounts:
        gap = failed_role(account)
        if gap is not None:
            unjudged = sum(1 for s in result.scopes
                           if s.account_id == account.account_id and s.outcome in ("not_evaluated", "error"))
            out.append({"account_id": account.account_id, "state": gap.state.value, "error_code": gap.error_code,
                        "message": gap.message, "scopes_not_evaluated": unjudged})
    return out


def _bounded_reports(reports: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The reports that fit :data:`REPORTS_BUDGET` in request order, and why the others were left out."""
    kept: dict[str, str] = {}
    omitted: dict[str, str] = {}
    used = 0
    for fmt, text in reports.items():
        size = len(json.dumps(text))
        if used + size > REPORTS_BUDGET:
            omitted[fmt] = f"{size} bytes would exceed the {REPORTS_BUDGET}-byte response budget; use output_dir"
            continue
        kept[fmt] = text
        used += size
    return kept, omitted


def summarise(settings: Settings, outcome: api.ScanOutcome, duration: float) -> dict[str, Any]:
    """The small JSON-serialisable answer of one invocation."""
    result = outcome.result
    options = settings.options
    not_collected = _accounts_not_collected(outcome.snapshot, result)
    not_evaluated = _not_evaluated(result, frozenset(a["account_id"] for a in not_collected))
    skipped = result.options.get("skipped_opt_in", "")
    return {
        "accounts": list(result.accounts),
        "regions": list(result.regions),
        "exit_code": int(api.exit_code(result, options.fail_on, options.strict)),
        "fail_on": options.fail_on.value,
        "strict": options.strict,
        "counts": _counts(result),
        "failing": len(result.failures),
        "top_findings": _top_findings(result),
        "accounts_not_collected": not_collected,
        "not_evaluated": not_evaluated[:NOT_EVALUATED_GROUPS],
        "not_evaluated_groups": len(not_evaluated),
        "not_run_without_opt_in": skipped.split(",") if skipped else [],
        "api_calls": sum(outcome.calls.values()),
        "duration_seconds": round(duration, 3),
    }


def _log(line: Mapping[str, Any]) -> None:
    """One JSON line on stdout: Lambda sends it to CloudWatch Logs as one event."""
    sys.stdout.write(json.dumps(line, separators=(",", ":"), ensure_ascii=True) + "\n")
    sys.stdout.flush()


def run(settings: Settings, session: boto3.session.Session) -> dict[str, Any]:
    """Plan (every user error surfaces here), scan, log the result, then write and return reports."""
    started = time.monotonic()
    try:
        planned = api.plan(settings.options, settings.options.opt_in)
    except api.USAGE_ERRORS as exc:
        raise SettingsError(_setting_names(str(exc))) from None
    if settings.output_dir is not None:
        _prepare_output_dir(settings.output_dir)
    outcome = api.scan(session, settings.regions, settings.options, accounts=settings.accounts,
                       registry=planned.registry)
    summary = summarise(settings, outcome, time.monotonic() - started)
    _log({"message": "vpcaudit audit finished", "summary": summary, "result": result_document(outcome.result)})
    if settings.output_dir is None and not settings.return_reports:
        return summary
    reports = {fmt: render.render(outcome.result, fmt) for fmt in settings.formats}
    if settings.output_dir is not None:
        written = []
        for fmt, text in reports.items():
            path = settings.output_dir / render.REPORT_FORMATS.get(fmt).filename
            try:
                atomic_write_text(path, text)
            except OSError as exc:  # the result is already logged; say which file failed, in one line
                raise OSError(f"cannot write {path}: {exc.strerror or exc}") from None
            written.append(str(path))
        summary["written"] = written
    if settings.return_reports:
        summary["reports"], summary["reports_omitted"] = _bounded_reports(reports)
    return summary


def handler(event: Any, context: Any) -> dict[str, Any]:
    """The Lambda entry point (``vpcaudit.lambda_handler.handler``); ``context`` is not needed.

    Raises :class:`SettingsError` on a bad setting, and the collection's own one-line errors
    (:class:`vpcaudit.aws.errors.CredentialsError`, ``CollectionError``) when nothing can be read.
    """
    session = boto3.session.Session()
    settings = read_settings(event, os.environ, session.region_name)
    return run(settings, session)


__all__ = ["SETTINGS", "Settings", "SettingsError", "handler", "read_settings", "run", "summarise"]
