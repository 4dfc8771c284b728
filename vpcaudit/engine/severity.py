"""Severity overrides: a team's own policy of how bad each rule is (``[severity]`` in vpcaudit.toml).

Why in the engine, applied once by the runner: every format, ``--min-severity`` and the exit
code must see the same severity, exactly as with suppressions. An overridden finding keeps the
severity its rule gave it in ``severity_overridden_from``, so a reviewer can tell the team's
policy from the rule's judgement ("high, overridden from medium").

An override replaces the severity of every finding of the rule, whatever the rule chose for
that case (SG002 gives medium or low): the point of ``SG002 = "high"`` is that the team treats
every SG002 finding as high.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from vpcaudit.engine.rule import Finding, Rule, Severity
from vpcaudit.errors import UsageError

SETTING = "severity"

SeverityOverrides = Mapping[str, Severity]  # rule id → the severity its findings get


def severity_entries(raw: Any) -> list[str]:
    """Every shape an override list arrives in — a table ``{"SG002": "high"}`` (TOML, an event),
    ``"SG002=high,IFE006=info"`` (an environment variable), repeated ``RULE=LEVEL`` (flags) —
    as ``RULE=LEVEL`` entries."""
    if raw is None:
        return []
    if isinstance(raw, Mapping):
        return [f"{key}={value}" for key, value in raw.items()]
    values = [raw] if isinstance(raw, str) else raw
    if not isinstance(values, Iterable) or not all(isinstance(v, str) for v in values):
        raise UsageError(f"expected RULE=LEVEL entries or a table of rule id = severity, got {raw!r}", SETTING)
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def parse_severity_overrides(raw: Any) -> dict[str, Severity]:
    """``{"SG002": "high"}`` or ``["SG002=high"]`` → ``{"SG002": Severity.HIGH}``; UsageError naming
    the entry otherwise. Rule ids are upper-cased; whether they exist is :func:`check_overrides`'s job."""
    choices = [s.value for s in Severity]
    out: dict[str, Severity] = {}
    for entry in severity_entries(raw):
        rule_id, sep, level = (part.strip() for part in entry.partition("="))
        if not sep or not rule_id:
            raise UsageError(f"{entry!r} is not RULE=LEVEL (e.g. SG002=high)", SETTING)
        if level.lower() not in choices:
            raise UsageError(f"{rule_id}: expected one of {', '.join(choices)}, got {level!r}", SETTING)
        out[rule_id.upper()] = Severity(level.lower())
    return out


def check_overrides(overrides: SeverityOverrides, rule_ids: Iterable[str]) -> None:
    """Refuse an override for a rule that is not installed: a typo must not silently do nothing."""
    known = set(rule_ids)
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise UsageError(f"unknown rule id {', '.join(unknown)} (see `vpcaudit rules list`)", SETTING)


def effective_severity(rule: Rule, overrides: SeverityOverrides) -> Severity:
    """The severity the rule's findings are judged at: the override, else its default."""
    return overrides.get(rule.id, rule.severity)


def apply_override(finding: Finding, overrides: SeverityOverrides) -> Finding:
    """``finding`` at its rule's configured severity, remembering the one the rule gave."""
    wanted = overrides.get(finding.rule_id)
    if wanted is None or wanted is finding.severity:
        return finding
    return dataclasses.replace(finding, severity=wanted,
                               severity_overridden_from=finding.severity_overridden_from or finding.severity)
