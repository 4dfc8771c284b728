"""Publish an audit result to AWS Security Hub: import its findings, archive the ones that went away.

The one place vpcaudit writes findings to an account, through :class:`WriterClients` allowed
exactly :data:`OPERATIONS`. Per account and Region of the result:

1. read vpcaudit's active findings already in Security Hub (``GetFindings``, the account's
   default product, generator ``vpcaudit/…``);
2. import the result's findings (``BatchImportFindings``, 100 per call). The ``Id`` comes from
   the fingerprint, so a finding seen before is updated, not duplicated; its first ``CreatedAt``
   is kept; one whose copy in Security Hub is already as recent is left alone, so publishing the
   same result twice changes nothing;
3. archive (``RecordState`` ARCHIVED, compliance PASSED; Security Hub then resolves its workflow,
   which a provider may not set after creation) a finding that is in
   Security Hub but not in the result — **only** when its rule was evaluated in that account and
   Region in this result (scope passed or failed) and the rule did not say it could not judge
   that resource. A rule that was not selected, not evaluated or errored archives nothing: lost
   visibility is never reported as a fix.

Throttling: botocore's standard retries back off on throttled calls; findings that
``BatchImportFindings`` reports as failed with a throttling or internal error are sent again,
with backoff, a few times. Other failures are reported, never hidden.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from vpcaudit.engine.result import AuditResult
from vpcaudit.engine.rule import ResourceRef, Status
from vpcaudit.errors import UsageError
from vpcaudit.render.report.asff import asff_findings, product_arn
from vpcaudit.writers.base import WriterClients

IMPORT = "securityhub:BatchImportFindings"
READ = "securityhub:GetFindings"
OPERATIONS = frozenset({IMPORT, READ})
BATCH_SIZE = 100  # BatchImportFindings' limit
RETRY_ROUNDS = 4
RETRYABLE = frozenset({"ThrottlingException", "TooManyRequestsException", "LimitExceededException",
                       "InternalException", "InternalFailure", "ServiceUnavailable"})
GENERATOR_PREFIX = "vpcaudit/"
_EVALUATED = frozenset({"passed", "failed"})
# What an archiving update repeats of the finding Security Hub holds (the attributes it requires).
_KEPT_ON_ARCHIVE = ("SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId", "Types", "CreatedAt",
                    "Severity", "Title", "Description", "Resources", "ProductFields", "Region", "ProductName",
                    "CompanyName")

Sleep = Callable[[float], None]


@dataclass(frozen=True, slots=True)
class FailedFinding:
    id: str
    error_code: str
    message: str


@dataclass
class RegionOutcome:
    """What publishing did in one account and Region."""

    account_id: str
    region: str
    imported: int = 0  # new or updated findings
    unchanged: int = 0  # already in Security Hub as recent as this result
    archived: int = 0  # gone from the result, scope evaluated
    kept: int = 0  # gone from the result, but not judged this time: left as they are
    failed: list[FailedFinding] = field(default_factory=list)
    error: str | None = None  # the Region could not be published at all (e.g. Security Hub not enabled)


@dataclass(frozen=True)
class PublishReport:
    regions: tuple[RegionOutcome, ...]
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return all(not r.failed and r.error is None for r in self.regions)

    def total(self, name: str) -> int:
        return sum(int(getattr(r, name)) for r in self.regions)


def publish(result: AuditResult, clients: Mapping[str, WriterClients], *, regions: Iterable[str] | None = None,
            dry_run: bool = False, sleep: Sleep = time.sleep) -> PublishReport:
    """Publish ``result`` with one writer per account (``clients``: account id → WriterClients).

    ``regions`` limits publishing to those Regions. UsageError, before any call, when an account
    of the result has no writer or a writer lacks :data:`OPERATIONS`.
    """
    wanted = set(regions) if regions is not None else None
    scopes = sorted({(s.account_id, s.region) for s in result.scopes} |
                    {(f.resource.account_id, f.resource.region) for f in result.findings})
    scopes = [s for s in scopes if wanted is None or s[1] in wanted]
    missing = sorted({account for account, _ in scopes} - set(clients))
    if missing:
        raise UsageError(f"no credentials for account(s) {', '.join(missing)} of the result: pass a role in each "
                         "(--role-arn) or use that account's credentials", setting="role_arns")
    for account, writer in clients.items():
        if not writer.allow >= OPERATIONS:
            raise ValueError(f"the writer for {account} does not allow {', '.join(sorted(OPERATIONS))}")
    documents = asff_findings(result)
    outcomes = []
    for account, region in scopes:
        mine = [d for d in documents if d["AwsAccountId"] == account and d["Region"] == region]
        outcome = RegionOutcome(account, region)
        try:
            _publish_region(result, clients[account].client("securityhub", region), mine, outcome, dry_run, sleep)
        except (ClientError, BotoCoreError) as exc:
            outcome.error = _describe(exc)
        outcomes.append(outcome)
    return PublishReport(tuple(outcomes), dry_run)


def _publish_region(result: AuditResult, client: Any, documents: list[dict[str, Any]], outcome: RegionOutcome,
                    dry_run: bool, sleep: Sleep) -> None:
    account, region = outcome.account_id, outcome.region
    product = product_arn(account, region, ResourceRef(account, region, None, "region", region).partition)
    existing = {f["Id"]: f for f in _active_findings(client, product, account, region)}
    updates: list[dict[str, Any]] = []
    for doc in documents:
        held = existing.get(doc["Id"])
        if held is not None:
            if _time(held["UpdatedAt"]) >= _time(doc["UpdatedAt"]):
                outcome.unchanged += 1
                continue
            doc = {**doc, "CreatedAt": held["CreatedAt"]}
        updates.append(doc)
    outcome.imported = len(updates)
    current = {d["Id"] for d in documents}
    for held in existing.values():
        if held["Id"] in current:
            continue
        if _may_archive(result, held) and _time(held["UpdatedAt"]) < _time(result.generated_at):
            updates.append(_archived(held, result.generated_at))
            outcome.archived += 1
        else:
            outcome.kept += 1
    if not dry_run:
        outcome.failed = _import(client, updates, sleep)


def _active_findings(client: Any, product: str, account: str, region: str) -> list[dict[str, Any]]:
    """vpcaudit's active findings in this account's default product, filtered server-side and again
    here (a server that ignores the filters must not make us archive somebody else's finding)."""
    filters = {"ProductArn": [{"Value": product, "Comparison": "EQUALS"}],
               "AwsAccountId": [{"Value": account, "Comparison": "EQUALS"}],
               "GeneratorId": [{"Value": GENERATOR_PREFIX, "Comparison": "PREFIX"}],
               "RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}]}
    found = []
    for page in client.get_paginator("get_findings").paginate(Filters=filters, PaginationConfig={"PageSize": 100}):
        found += [f for f in page.get("Findings", ())
                  if f.get("ProductArn") == product and f.get("AwsAccountId") == account
                  and str(f.get("GeneratorId", "")).startswith(GENERATOR_PREFIX)
                  and f.get("RecordState", "ACTIVE") == "ACTIVE" and f.get("Region", region) == region]
    return found


def _may_archive(result: AuditResult, held: Mapping[str, Any]) -> bool:
    """Archive only what this result judged: the rule's scope was evaluated here, and the rule did
    not report the same resource as not evaluated."""
    rule_id = str(held.get("ProductFields", {}).get("vpcaudit/RuleId") or held["GeneratorId"][len(GENERATOR_PREFIX):])
    account, region = held["AwsAccountId"], held.get("Region")
    scopes = [s for s in result.scopes if (s.rule_id, s.account_id, s.region) == (rule_id, account, region)]
    if not scopes or any(s.outcome not in _EVALUATED for s in scopes):
        return False
    resources = {r.get("Id") for r in held.get("Resources", ())}
    unjudged = {f.resource.arn for f in result.findings
                if f.rule_id == rule_id and f.resource.account_id == account and f.resource.region == region
                and f.status in (Status.NOT_EVALUATED, Status.ERROR)}
    return not resources & unjudged


def _archived(held: Mapping[str, Any], when: str) -> dict[str, Any]:
    doc = {k: held[k] for k in _KEPT_ON_ARCHIVE if k in held}
    compliance = {**held.get("Compliance", {}), "Status": "PASSED"}
    return {**doc, "UpdatedAt": when, "RecordState": "ARCHIVED", "Compliance": compliance}


def _import(client: Any, findings: list[dict[str, Any]], sleep: Sleep) -> list[FailedFinding]:
    """BatchImportFindings in batches of 100; findings failed for a transient reason are sent again."""
    pending = findings
    failed: list[FailedFinding] = []
    for attempt in range(RETRY_ROUNDS + 1):
        retry: list[dict[str, Any]] = []
        by_id = {f["Id"]: f for f in pending}
        for start in range(0, len(pending), BATCH_SIZE):
            answer = client.batch_import_findings(Findings=pending[start:start + BATCH_SIZE])
            for item in answer.get("FailedFindings", ()):
                code = str(item.get("ErrorCode", ""))
                if code in RETRYABLE and attempt < RETRY_ROUNDS and item.get("Id") in by_id:
                    retry.append(by_id[item["Id"]])
                else:
                    failed.append(FailedFinding(str(item.get("Id", "")), code, str(item.get("ErrorMessage", ""))))
        if not retry:
            break
        sleep(min(0.5 * 2 ** attempt, 8.0))
        pending = retry
    return failed


def _time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return f"{error.get('Code', 'error')}: {error.get('Message', '')}".strip()
    return str(exc)


def iam_policy() -> dict[str, Any]:
    """The IAM policy ``publish securityhub`` needs in each account it writes: exactly :data:`OPERATIONS`.

    Resource ``*``: GetFindings acts on the account's hub and BatchImportFindings on its default
    product, both named by Region; the writer's own allow-list is what keeps every other call out.
    """
    return {"Version": "2012-10-17",
            "Statement": [{"Sid": "VpcauditPublishSecurityHub", "Effect": "Allow", "Action": sorted(OPERATIONS),
                           "Resource": "*"}]}
