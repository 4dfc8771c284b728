"""Suppressions: accepted findings, kept in the report as *suppressed*, with a reason and an end.

A suppression file is TOML, one ``[[suppress]]`` table per decision::

    [[suppress]]
    rule = "SG001"                 # a rule id (required)
    resource = "vpce-0abc*"        # glob on the resource id or ARN …
    # tag = "team=platform"        # … or a tag of the resource (exactly one of the two)
    reason = "Shared endpoint, reviewed in SEC-123"   # required: why this is acceptable
    expires = 2027-01-31           # optional: after this day the finding fails again

Why a reason is mandatory and expiry is encouraged: a suppression is a risk decision
somebody made; the report must say who-knows-why, and an expired decision must resurface
(it is listed in ``AuditResult.expired_suppressions``) rather than silence a finding forever.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from vpcaudit.engine.rule import Finding, Status
from vpcaudit.errors import UsageError
from vpcaudit.tomlfile import UnreadableToml, read_toml

_KEYS = frozenset({"rule", "resource", "tag", "reason", "expires"})


class SuppressionError(UsageError):
    """A suppression file that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class Suppression:
    rule: str
    reason: str
    resource: str | None = None  # glob on resource id or ARN
    tag: tuple[str, str] | None = None  # (key, value)
    expires: dt.date | None = None
    entry: int = 0  # 1-based position in the file, for messages

    def describe(self) -> str:
        target = f"resource {self.resource}" if self.resource is not None else f"tag {'='.join(self.tag or ())}"
        until = f", expired {self.expires.isoformat()}" if self.expires else ""
        return f"entry {self.entry}: {self.rule} on {target} ({self.reason}{until})"

    def expired(self, today: dt.date) -> bool:
        return self.expires is not None and self.expires < today

    def matches(self, finding: Finding, tags: Mapping[str, str]) -> bool:
        if finding.rule_id != self.rule:
            return False
        if self.resource is not None:
            return fnmatch.fnmatchcase(finding.resource.resource_id, self.resource) or fnmatch.fnmatchcase(
                finding.resource.arn, self.resource)
        return self.tag is not None and tags.get(self.tag[0]) == self.tag[1]


def load_suppressions(path: str | Path) -> tuple[Suppression, ...]:
    p = Path(path)
    try:
        data = read_toml(p)
    except FileNotFoundError:
        raise SuppressionError(f"{p}: no such suppressions file") from None
    except UnreadableToml as exc:
        raise SuppressionError(f"{p}: {exc}") from None
    extra = sorted(set(data) - {"suppress"})
    if extra:
        raise SuppressionError(f"{p}: unknown top-level key(s) {', '.join(extra)}; "
                               "use [[suppress]] tables")
    entries = data.get("suppress", [])
    if not isinstance(entries, list):
        raise SuppressionError(f"{p}: 'suppress' must be an array of tables ([[suppress]])")
    return tuple(_parse_entry(p, i, entry) for i, entry in enumerate(entries, start=1))


def _parse_entry(path: Path, index: int, entry: Any) -> Suppression:
    where = f"{path}: [[suppress]] entry {index}"
    if not isinstance(entry, dict):
        raise SuppressionError(f"{where}: must be a table")
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise SuppressionError(f"{where}: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(_KEYS))})")
    rule = entry.get("rule")
    if not isinstance(rule, str) or not rule.strip():
        raise SuppressionError(f"{where}: 'rule' (a rule id such as \"SG001\") is required")
    reason = entry.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise SuppressionError(f"{where}: 'reason' is required: say why this finding is acceptable")
    resource, tag = entry.get("resource"), entry.get("tag")
    if (resource is None) == (tag is None):
        raise SuppressionError(f"{where}: give exactly one of 'resource' (an id or ARN glob) or 'tag' (\"Key=Value\")")
    if resource is not None and (not isinstance(resource, str) or not resource):
        raise SuppressionError(f"{where}: 'resource' must be a non-empty string")
    parsed_tag = None
    if tag is not None:
        if not isinstance(tag, str) or "=" not in tag or not tag.split("=", 1)[0]:
            raise SuppressionError(f"{where}: 'tag' must look like \"Key=Value\", got {tag!r}")
        key, value = tag.split("=", 1)
        parsed_tag = (key, value)
    expires = entry.get("expires")
    if isinstance(expires, dt.datetime):
        expires = expires.date()
    elif isinstance(expires, str):
        try:
            expires = dt.date.fromisoformat(expires)
        except ValueError:
            raise SuppressionError(f"{where}: 'expires' must be a date like 2027-01-31, got {expires!r}") from None
    elif expires is not None and not isinstance(expires, dt.date):
        raise SuppressionError(f"{where}: 'expires' must be a date like 2027-01-31, got {expires!r}")
    return Suppression(rule.strip().upper(), reason.strip(), resource, parsed_tag, expires, index)


def check_rules(suppressions: Iterable[Suppression], known_ids: Iterable[str], source: str) -> None:
    """An entry for a rule that does not exist is a typo that would silently suppress nothing."""
    known = set(known_ids)
    for s in suppressions:
        if s.rule not in known:
            raise SuppressionError(f"{source}: [[suppress]] entry {s.entry}: unknown rule id {s.rule}")


def expired_entries(suppressions: Iterable[Suppression], today: dt.date) -> tuple[str, ...]:
    """Descriptions of the entries whose expiry date has passed, for the report."""
    return tuple(s.describe() for s in suppressions if s.expired(today))


def apply_suppressions(findings: Iterable[Finding], suppressions: Iterable[Suppression],
                       tags_of: Mapping[tuple[str, str, str], Mapping[str, str]],
                       today: dt.date) -> list[Finding]:
    """Mark failing findings matched by a live (unexpired) entry SUPPRESSED.

    ``tags_of`` maps (account, region, resource id) to the resource's tags, for ``tag``
    entries. Only FAIL findings are suppressed: hiding "not evaluated" or "error" would hide
    that the audit is incomplete.
    """
    live = [s for s in suppressions if not s.expired(today)]
    out = []
    for finding in findings:
        if finding.status is Status.FAIL:
            tags = tags_of.get((finding.resource.account_id, finding.resource.region,
                                finding.resource.resource_id), {})
            match = next((s for s in live if s.matches(finding, tags)), None)
            if match is not None:
                finding = replace(finding, status=Status.SUPPRESSED, suppression_reason=match.reason,
                                  suppression_expires=match.expires.isoformat() if match.expires else None)
        out.append(finding)
    return out
