"""Scheduled audits from AWS Lambda (or any cron wrapper): ``vpcaudit.lambda_handler.handler``.

Why a handler of its own rather than the CLI: a scheduled audit has no terminal and, in Lambda,
no writable place but ``/tmp``. So the settings come from the invocation event (EventBridge
Scheduler passes a fixed JSON input) with ``VPCAUDIT_*`` environment variables as fallbacks;
the full result goes to stdout as one JSON line (CloudWatch Logs keeps it, nothing needs write
access anywhere); and the caller gets back a small JSON summary — counts, the exit code the CLI
would give, what could not be evaluated, the top findings. Reports in other formats are
rendered in memory and returned only on request (``return_reports``), size-bounded to fit
Lambda's response, or written atomically to ``output_dir`` for a wrapper to ship elsewhere.

The settings are the same table every face reads (:mod:`vpcaudit.options`), plus the handler's
own three. Every setting is checked, and the rules, selectors and output folder are prepared,
before the first AWS call: a bad setting raises :class:`~vpcaudit.errors.UsageError` (one line
naming the setting, which Lambda reports as the invocation's error) and never leaves a half-run. The
audit itself is :func:`vpcaudit.api.scan` on the function's own credentials (its execution
role) plus the IAM roles of ``role_arns``; like every collection it is read-only.
"""

from __future__ import annotations

import difflib
import json
import os
import sys
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vpcaudit import api
from vpcaudit.errors import UsageError, VpcauditError
from vpcaudit.options import (
    AUDIT_SETTINGS,
    COLLECT_SETTINGS,
    DELIVERY_SETTINGS,
    AuditOptions,
    CollectOptions,
    DeliveryOptions,
    Face,
    Kind,
    Setting,
    audit_options,
    collect_options,
    delivery_options,
    parse_value,
)

if TYPE_CHECKING:
    import boto3

ENV_PREFIX = "VPCAUDIT_"
# The handler's own settings, beside the collection and audit settings every face shares.
HANDLER_SETTINGS: tuple[Setting, ...] = (
    Setting("formats", Kind.TEXTS, "Report formats to render.", None, "Lambda", default=("json",),
            faces=frozenset({Face.EVENT})),
    Setting("return_reports", Kind.FLAG, "Return the rendered reports in the response.", None, "Lambda",
            default=False, faces=frozenset({Face.EVENT})),
    Setting("output_dir", Kind.TEXT, "Folder to write the reports to (in Lambda, under /tmp).", None, "Lambda",
            faces=frozenset({Face.EVENT})),
    Setting("output", Kind.TEXT, "S3 folder (s3://bucket/prefix/) for the reports; the organization run's "
            "steps keep their run there.", None, "Lambda", faces=frozenset({Face.EVENT})),
    Setting("merge_from", Kind.TEXT, "What the organization run's merge step merges: snapshots (audited again as "
            "one organization) or results (each account's own audit).", None, "Lambda", default="snapshots",
            faces=frozenset({Face.EVENT})),
)
MERGE_FROM = ("snapshots", "results")
EVENT_SETTINGS: dict[str, Setting] = {s.name: s for s in (*COLLECT_SETTINGS, *AUDIT_SETTINGS, *DELIVERY_SETTINGS,
                                                          *HANDLER_SETTINGS) if Face.EVENT in s.faces}
SETTINGS: tuple[str, ...] = tuple(EVENT_SETTINGS)
_VARIABLES: tuple[str, ...] = tuple(ENV_PREFIX + name.upper() for name in SETTINGS)
TOP_FINDINGS = 50
NOT_EVALUATED_GROUPS = 50
# Lambda's synchronous response is capped at 6 MB; the summary keeps well under it, and the
# reports share this budget (counted as the JSON-escaped text the response carries).
REPORTS_BUDGET = 4 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    """The validated settings of one invocation."""

    collect: CollectOptions
    audit: AuditOptions
    formats: tuple[str, ...]
    return_reports: bool
    output_dir: Path | None
    output: api.S3Location | None = None
    delivery: DeliveryOptions = field(default_factory=DeliveryOptions)
    merge_from: api.MergeFrom = "snapshots"


def read_settings(event: Any, environ: Mapping[str, str]) -> Settings:
    """Validate the event (an EventBridge input, or None) with ``VPCAUDIT_*`` fallbacks; every
    problem is a :class:`~vpcaudit.errors.UsageError` naming the setting as the event spells it."""
    if event is None:
        event = {}
    if not isinstance(event, dict):
        raise UsageError(f"expected a JSON object of settings, got {type(event).__name__}", "event")
    unknown = sorted(str(k) for k in event if k not in EVENT_SETTINGS)
    if unknown:
        raise UsageError(f"unknown setting {unknown[0]!r} ({_suggest(unknown[0], SETTINGS, repr)}known: "
                         f"{', '.join(SETTINGS)})", "event")
    strays = sorted(name for name in environ if name.startswith(ENV_PREFIX) and name not in _VARIABLES)
    if strays:  # the prefix is ours: a misspelt variable must not silently drop a setting
        hint = (_suggest(strays[0].removeprefix(ENV_PREFIX).lower(), SETTINGS, _variable)
                or f"the handler owns every {ENV_PREFIX} name; ")
        raise UsageError(f"unknown variable {strays[0]} ({hint}known: {', '.join(_VARIABLES)})", "environment")
    values: dict[str, Any] = {}
    for name, setting in EVENT_SETTINGS.items():
        raw = event[name] if event.get(name) is not None else environ.get(ENV_PREFIX + name.upper())
        values[name] = parse_value(setting, raw)
    formats = tuple(dict.fromkeys(f.lower() for f in values["formats"] or ("json",)))
    known = api.formats("report")
    bad = [f for f in formats if f not in known]
    if bad:
        raise UsageError(f"unknown format {bad[0]!r} (known: {', '.join(known)})", "formats")
    merge_from = values["merge_from"] or "snapshots"
    if merge_from not in MERGE_FROM:
        raise UsageError(f"expected one of {', '.join(MERGE_FROM)}, got {merge_from!r}", "merge_from")
    return Settings(collect=collect_options(values), audit=audit_options(values), formats=formats,
                    return_reports=bool(values["return_reports"]),
                    output_dir=Path(values["output_dir"]) if values["output_dir"] else None,
                    output=api.s3_location(values["output"]) if values["output"] else None,
                    delivery=delivery_options(values), merge_from=merge_from)


def _suggest(name: str, known: Sequence[str], show: Callable[[str], str]) -> str:
    """ "did you mean X? " for the setting closest to a misspelt name (``-`` read as ``_``), else nothing."""
    close = difflib.get_close_matches(name.lower().replace("-", "_"), known, n=1, cutoff=0.75)
    return f"did you mean {show(close[0])}? " if close else ""


def _variable(setting: str) -> str:
    return ENV_PREFIX + setting.upper()


def _counts(result: api.AuditResult) -> dict[str, dict[str, int]]:
    """Findings by status, then severity; every key present so dashboards see a stable shape."""
    counts = {status.value: {severity.value: 0 for severity in api.Severity} for status in api.Status}
    for finding in result.findings:
        counts[finding.status.value][finding.severity.value] += 1
    return counts


def _top_findings(result: api.AuditResult) -> list[dict[str, str]]:
    """The worst failing findings first, then by rule and resource, so repeated runs list alike."""
    def order(f: api.Finding) -> tuple[int, str, str]:
        return (-f.severity.rank, f.rule_id, f.resource.arn)

    return [{"rule_id": f.rule_id, "severity": f.severity.value, "resource": f.resource.arn, "message": f.message}
            for f in sorted(result.failures, key=order)[:TOP_FINDINGS]]


def _not_evaluated(result: api.AuditResult, skip_accounts: frozenset[str]) -> list[dict[str, Any]]:
    """Rule scopes not evaluated or errored, outside ``skip_accounts`` (reported whole, in
    ``accounts_not_collected``): one entry per account, outcome, reason and set of rules, listing
    the regions it applies to, so one denied part across every region is one entry, not hundreds."""
    per_region: dict[tuple[str, str, str, str], set[str]] = {}
    for scope in result.scopes:
        if not scope.outcome.judged and scope.account_id not in skip_accounts:
            per_region.setdefault((scope.account_id, scope.outcome.value, scope.detail, scope.region), set()).add(
                scope.rule_id)
    groups: dict[tuple[str, str, str, tuple[str, ...]], list[str]] = {}
    for (account, outcome, detail, region), rule_ids in per_region.items():
        groups.setdefault((account, outcome, detail, tuple(sorted(rule_ids))), []).append(region)
    return [{"account_id": account, "outcome": outcome, "detail": detail, "rule_ids": list(rule_ids),
             "regions": sorted(regions)}
            for (account, outcome, detail, rule_ids), regions in sorted(groups.items())]


def _accounts_not_collected(snapshot: api.Snapshot, result: api.AuditResult) -> list[dict[str, Any]]:
    """Accounts whose role could not be used, with why and how many rule scopes that left
    unjudged: a scheduled audit must not lose an account silently."""
    out = []
    for account in snapshot.accounts:
        refused = account.refused
        if refused is not None:
            unjudged = sum(1 for s in result.scopes if s.account_id == account.account_id and not s.outcome.judged)
            out.append({"account_id": account.account_id, "role_arn": refused.role_arn,
                        "state": refused.state.value, "error_code": refused.error_code, "message": refused.message,
                        "scopes_not_evaluated": unjudged})
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
    options = settings.audit
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
        "accounts_skipped": [{"account_id": a.account_id, "name": a.name, "state": a.state}
                             for a in outcome.snapshot.skipped_accounts],
        "not_evaluated": not_evaluated[:NOT_EVALUATED_GROUPS],
        "not_evaluated_groups": len(not_evaluated),
        "not_run_without_opt_in": skipped.split(",") if skipped else [],
        "api_calls": sum(outcome.calls.values()),
        "duration_seconds": round(duration, 3),
    }


def _log(line: Mapping[str, Any]) -> None:
    """One JSON line on stdout: Lambda sends it to CloudWatch Logs as one event."""
    sys.stdout.write(json.dumps(line, separators=(",", ":"), ensure_ascii=True, allow_nan=False) + "\n")
    sys.stdout.flush()


def run(settings: Settings, session: boto3.session.Session | None = None) -> dict[str, Any]:
    """Plan (every user error surfaces here), scan, log the result, then write and return reports."""
    started = time.monotonic()
    plan = api.prepare(settings.audit, settings.collect.opt_in)
    targets = api.outputs_in(settings.output_dir, settings.formats, setting="output_dir") if settings.output_dir else []
    outcome = api.scan(settings.collect, plan, session=session)
    summary = summarise(settings, outcome, time.monotonic() - started)
    _log({"message": "vpcaudit audit finished", "summary": summary, "result": api.result_data(outcome.result)})
    if targets:
        _, written = api.write_reports(outcome.result, targets)
        summary["written"] = [str(path) for path in written]
    if settings.output is not None:
        summary["delivered"] = api.deliver(outcome.result, settings.formats, settings.output,
                                           delivery=settings.delivery, session=session)
    _notify(settings, outcome.result, settings.output.url if settings.output else None, session)
    if settings.return_reports:
        reports = {fmt: api.render(outcome.result, fmt) for fmt in settings.formats}
        summary["reports"], summary["reports_omitted"] = _bounded_reports(reports)
    return summary


def _notify(settings: Settings, result: api.AuditResult, where: str | None,
            session: boto3.session.Session | None) -> None:
    """The SNS summary, when a topic is set."""
    topic = settings.delivery.sns_topic
    if topic:
        options = settings.audit
        code = int(api.exit_code(result, options.fail_on, options.strict))
        api.notify(topic, f"vpcaudit: {len(result.failures)} failing finding(s), exit {code}",
                   api.summary_text(result, options.fail_on, options.strict, where), session=session)


def main() -> int:
    """``python -m vpcaudit.lambda_handler``: the handler for cron and containers, settings from the
    ``VPCAUDIT_*`` variables, the log line on stdout, and the CLI's exit code (2 and one line on
    stderr for a bad setting, credentials or endpoint; 4 and the traceback for a bug, never the
    1 a scheduler would read as findings), so a scheduler can gate on it."""
    try:
        summary = handler(None, None)
    except VpcauditError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return int(api.ExitCode.USAGE)
    except Exception:
        traceback.print_exc()
        sys.stderr.write(f"vpcaudit: internal error (a bug; please report it with the traceback above) → exit "
                         f"{int(api.ExitCode.INTERNAL)}\n")
        return int(api.ExitCode.INTERNAL)
    return int(summary["exit_code"])


def handler(event: Any, context: Any) -> dict[str, Any]:
    """The Lambda entry point (``vpcaudit.lambda_handler.handler``); ``context`` is not needed.

    Raises :class:`~vpcaudit.errors.UsageError` on a bad setting (its message names the setting
    as the event spells it) and the collection's own one-line errors
    (:class:`~vpcaudit.errors.CredentialsError`, ``CollectionError``) when nothing can be read;
    Lambda reports them as the invocation's error.
    """
    return run(read_settings(event, os.environ))


# -- the organization run: the three steps of the state machine in deploy/ ------------------------


def _step(event: Any, own: tuple[str, ...], environ: Mapping[str, str]) -> tuple[dict[str, Any], Settings]:
    """A step's own keys (``run_id``, ``account``) and the shared settings of the rest of its event."""
    if not isinstance(event, dict):
        raise UsageError(f"expected a JSON object, got {type(event).__name__}", "event")
    mine = {key: event.get(key) for key in own}
    settings = read_settings({k: v for k, v in event.items() if k not in own}, environ)
    if settings.output is None:
        raise UsageError("the run's S3 folder (s3://bucket/prefix/) is needed by every step of an organization run",
                         "output")
    return mine, settings


def list_accounts(event: Any, context: Any) -> dict[str, Any]:
    """Step 1 (``vpcaudit.lambda_handler.list_accounts``): the organization's accounts into the run.

    Event: ``{"run_id": "<execution name>"}`` plus any settings (``org`` or ``ous``, ``role_name``,
    ``exclude_accounts``…, or their ``VPCAUDIT_*`` variables). Returns where the Map's item list is
    (``items``: bucket and key) and what was skipped.
    """
    mine, settings = _step(event, ("run_id",), os.environ)
    manifest, key = api.list_accounts(settings.collect, settings.output, mine["run_id"], delivery=settings.delivery)
    summary = {"run_id": manifest.run_id, "items": {"Bucket": settings.output.bucket, "Key": key},
               "accounts": len(manifest.members),
               "skipped": [{"account_id": s.account_id, "state": s.state} for s in manifest.skipped],
               "excluded": list(manifest.excluded)}
    _log({"message": "vpcaudit accounts listed", "summary": summary})
    return summary


def audit_account(event: Any, context: Any) -> dict[str, Any]:
    """Step 2, once per account (``vpcaudit.lambda_handler.audit_account``): every Region of one account.

    Event: ``{"run_id": …, "account": {"account_id": …, "role_arn": …}}`` (one item of the list)
    plus settings. Writes the account's snapshot and result into the run; raises
    :class:`~vpcaudit.errors.ThrottledError` (after writing) when AWS throttled the account past
    retries, so the state machine retries it with backoff.
    """
    started = time.monotonic()
    mine, settings = _step(event, ("run_id", "account"), os.environ)
    plan = api.prepare(settings.audit, settings.collect.opt_in)
    outcome, written = api.audit_account(settings.collect, plan, settings.output, mine["run_id"], mine["account"],
                                         delivery=settings.delivery)
    full = summarise(settings, outcome, time.monotonic() - started)
    summary = {key: full[key] for key in ("accounts", "exit_code", "failing", "accounts_not_collected",
                                          "not_evaluated_groups", "api_calls", "duration_seconds")}
    summary["written"] = written
    _log({"message": "vpcaudit account audited", "summary": summary})
    return summary


def merge(event: Any, context: Any) -> dict[str, Any]:
    """Step 3 (``vpcaudit.lambda_handler.merge``): the organization's snapshot, audit and reports.

    Event: ``{"run_id": …}`` plus settings. Every account of the run's manifest is in the merge —
    one whose audit wrote nothing is recorded as not collected. With ``merge_from`` snapshots
    (the default) the organization is audited as one and COST001 pools it; with results the
    accounts' own results are merged. Writes ``runs/<id>/organization/`` (result, the
    ``formats`` asked for, and the merged snapshot), publishes the SNS summary when
    ``sns_topic`` is set, and returns the summary.
    """
    started = time.monotonic()
    mine, settings = _step(event, ("run_id",), os.environ)
    plan = api.prepare(settings.audit, settings.collect.opt_in)
    formats = tuple(dict.fromkeys(("json", *settings.formats)))
    merged = api.merge_run(settings.collect, plan, settings.output, mine["run_id"], formats,
                           delivery=settings.delivery, merge_from=settings.merge_from)
    summary = summarise(settings, api.ScanOutcome(merged.snapshot, merged.result, {}, {}),
                        time.monotonic() - started)
    del summary["api_calls"]  # the accounts' calls were counted by their own steps
    summary["report"], summary["written"] = merged.report, merged.written
    _log({"message": "vpcaudit organization merged", "summary": summary})
    _notify(settings, merged.result, merged.report, None)
    return summary


__all__ = ["SETTINGS", "Settings", "audit_account", "handler", "list_accounts", "main", "merge", "read_settings",
           "run", "summarise"]


if __name__ == "__main__":
    sys.exit(main())
