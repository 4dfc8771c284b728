"""An organization audit in three steps, for a fan-out engine: list the accounts, audit each, merge.

Why steps: an organization of hundreds of accounts outgrows one process (a Lambda invocation
stops at 15 minutes), so the work is fanned out by AWS Step Functions' Distributed Map, which
retries and bounds it. Each step is a function of plain data that reads and writes one S3 run
folder, so any engine — the state machine in ``deploy/``, a test, a shell loop — runs the same
code:

``runs/<run id>/``
    ``manifest.json`` — what the list step found: accounts to audit, accounts skipped for their
    state, accounts excluded; ``accounts.json`` — the accounts alone, a JSON array the Map reads.
``runs/<run id>/accounts/<account id>/``
    ``snapshot.json`` and ``result.json`` of one account (all its Regions).
``runs/<run id>/organization/``
    the merged ``snapshot.json``, the organization's ``result.json`` and reports, ``summary.json``.

Nothing is lost between steps: an account whose audit never wrote its snapshot (its invocation
failed past every retry) is recorded by the merge as not collected, with the reason, so the
organization report shows it as not evaluated instead of leaving it out.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

from vpcaudit import __version__
from vpcaudit.aws.accounts import AccountPlan, Role, plan_accounts
from vpcaudit.aws.errors import Gap
from vpcaudit.aws.organization import Discovered, Member
from vpcaudit.collectors.catalog import with_dependencies
from vpcaudit.collectors.run import failed_account
from vpcaudit.engine.result import AuditResult
from vpcaudit.engine.resultfile import result_from_json
from vpcaudit.errors import UsageError
from vpcaudit.snapshot.jsonfile import from_json
from vpcaudit.snapshot.model import SCHEMA_VERSION, AccountSnapshot, Part, SkippedAccount, Snapshot, State
from vpcaudit.writers.s3 import S3Location

MANIFEST = "manifest.json"
ACCOUNTS = "accounts.json"
SNAPSHOT = "snapshot.json"
RESULT = "result.json"
SUMMARY = "summary.json"
READERS = 16  # snapshots fetched from S3 at once by the merge
_NEVER = "9999-12-31T23:59:59Z"  # taken_at of a placeholder: never the earliest of a merge


@dataclass(frozen=True)
class RunFolder:
    """Where one run's objects live, below the delivery location."""

    root: S3Location
    run_id: str

    @property
    def folder(self) -> S3Location:
        return self.root.below(f"runs/{self.run_id}")

    def account(self, account_id: str) -> str:
        """The folder name (relative to :attr:`folder`) of one account's outputs."""
        return f"accounts/{account_id}/"

    @property
    def organization(self) -> str:
        return "organization/"


def check_run_id(run_id: Any) -> str:
    """A run id as Step Functions names executions (1-80 of letters, digits, - and _)."""
    if not isinstance(run_id, str) or not run_id or len(run_id) > 80 or not all(
            c.isalnum() or c in "-_" for c in run_id):
        raise UsageError(f"expected 1 to 80 letters, digits, '-' or '_', got {run_id!r}", "run_id")
    return run_id


@dataclass(frozen=True)
class Manifest:
    """What the list step found, as the later steps read it back."""

    run_id: str
    members: tuple[Member, ...]
    skipped: tuple[SkippedAccount, ...]
    excluded: tuple[str, ...]

    @classmethod
    def of(cls, run_id: str, found: Discovered) -> Manifest:
        return cls(run_id, found.members, found.skipped, found.excluded)

    def items(self) -> list[dict[str, str]]:
        """One Map item per account: what the audit step needs, and nothing else."""
        return [{"account_id": m.account_id, "role_arn": m.role_arn} for m in self.members]

    def to_json(self) -> str:
        return json.dumps({"run_id": self.run_id, "accounts": [vars(m) for m in self.members],
                           "skipped": [{"account_id": s.account_id, "name": s.name, "state": s.state}
                                       for s in self.skipped],
                           "excluded": list(self.excluded)}, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str, source: str) -> Manifest:
        try:
            data = json.loads(text)
            return cls(str(data["run_id"]), tuple(Member(**m) for m in data["accounts"]),
                       tuple(SkippedAccount(**s) for s in data["skipped"]), tuple(data["excluded"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise UsageError(f"{source}: not a run manifest ({exc})", "run_id") from None


def account_item(item: Any) -> Role:
    """The Map item of one account, validated into the role to assume (external id added later)."""
    if not isinstance(item, Mapping) or not isinstance(item.get("role_arn"), str):
        raise UsageError(f"expected {{\"account_id\": …, \"role_arn\": …}}, got {item!r}", "account")
    (role,) = plan_accounts([item["role_arn"]]).roles
    if item.get("account_id") not in (None, role.account_id):
        raise UsageError(f"account_id {item.get('account_id')!r} is not the account of {role.arn}", "account")
    return role


def one_account(plan: AccountPlan, role: Role) -> AccountPlan:
    """``plan`` narrowed to the one account of ``role`` (with the plan's external id and session name)."""
    return AccountPlan(roles=(Role(role.arn, plan.external_id),), session_name=plan.session_name,
                       external_id=plan.external_id)


def gather(manifest: Manifest, read: Callable[[str], str | None], regions: Sequence[str] | None,
           parts: frozenset[Part]) -> tuple[list[Snapshot], list[str]]:
    """Every manifest account's snapshot, read with ``read(name)`` (relative to the run folder);
    an account without one becomes a snapshot recording it as not collected, in the Regions
    asked for (or, for every Region, those the other accounts have). Returns the snapshots and
    where each came from."""
    folder = RunFolder(S3Location("unused"), manifest.run_id)

    def load(member: Member) -> Snapshot | None:
        name = folder.account(member.account_id) + SNAPSHOT
        text = read(name)
        return from_json(text, name) if text is not None else None

    with ThreadPoolExecutor(READERS, thread_name_prefix="vpcaudit-merge-read") as pool:
        loaded = list(pool.map(load, manifest.members))
    where = _regions(regions, (r.region for s in loaded if s for a in s.accounts for r in a.regions))
    snapshots = [s if s is not None else placeholder(m, where, parts) for m, s in zip(manifest.members, loaded,
                                                                                       strict=True)]
    sources = [("" if s is not None else "missing ") + folder.account(m.account_id) + SNAPSHOT
               for m, s in zip(manifest.members, loaded, strict=True)]
    return snapshots, sources


def gather_results(manifest: Manifest, read: Callable[[str], str | None], regions: Sequence[str] | None,
                   parts: frozenset[Part], audit: Callable[[Snapshot], AuditResult],
                   ) -> tuple[list[AuditResult], list[str], Snapshot]:
    """Every manifest account's own result (its audit step's), for a merge that re-audits nothing;
    an account without one is audited here from its not-collected placeholder. Also returns a
    snapshot of the accounts alone — no Regions, only how each was reached — for the summary."""
    folder = RunFolder(S3Location("unused"), manifest.run_id)

    def load(member: Member) -> tuple[AuditResult, AccountSnapshot] | None:
        base = folder.account(member.account_id)
        snapshot, result = read(base + SNAPSHOT), read(base + RESULT)
        if snapshot is None or result is None:
            return None
        (account,) = from_json(snapshot, base + SNAPSHOT).accounts  # kept for its role only: the Regions go
        return result_from_json(result, base + RESULT), replace(account, regions=())

    with ThreadPoolExecutor(READERS, thread_name_prefix="vpcaudit-merge-read") as pool:
        loaded = list(pool.map(load, manifest.members))
    where = _regions(regions, (region for pair in loaded if pair for region in pair[0].regions))
    results, accounts, sources = [], [], []
    for member, pair in zip(manifest.members, loaded, strict=True):
        name = folder.account(member.account_id) + RESULT
        if pair is None:
            stand_in = placeholder(member, where, parts)
            pair, name = (audit(stand_in), replace(stand_in.accounts[0], regions=())), f"missing {name}"
        results.append(pair[0])
        accounts.append(pair[1])
        sources.append(name)
    return results, sources, Snapshot(SCHEMA_VERSION, __version__, _NEVER, tuple(accounts))


def placeholder(member: Member, regions: Sequence[str], parts: frozenset[Part]) -> Snapshot:
    """The snapshot of an account whose audit step wrote nothing: every part not collected, with why."""
    gap = Gap(State.ERROR, "NoSnapshot", f"role {member.role_arn}: the account's audit wrote no snapshot "
              "(its invocation failed past every retry; see the state machine's execution)")
    account = failed_account(member.account_id, member.role_arn, gap, regions, with_dependencies(parts))
    return Snapshot(SCHEMA_VERSION, __version__, _NEVER, (account,))


def _regions(asked: Sequence[str] | None, found: Iterable[str]) -> list[str]:
    return sorted(asked) if asked is not None else sorted(set(found))


def with_skipped(snapshot: Snapshot, manifest: Manifest) -> Snapshot:
    """The merged snapshot listing the accounts the list step skipped for their state."""
    return replace(snapshot, skipped_accounts=manifest.skipped)
