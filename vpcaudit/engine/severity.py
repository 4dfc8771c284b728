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


def parse_severity_overrides(table: Any, where: str = SETTING) -> dict[str, Severity]:
    """``{"SG002": "high"}`` (a TOML table) → ``{"SG002": Severity.HIGH}``; UsageError naming the
    entry otherwise. Rule ids are upper-cased; whether they exist is :func:`check_overrides`'s job."""
    if not isinstance(table, Mapping):
        raise UsageError(f"{where} must be a table of rule id = severity, e.g. SG002 = \"high\"", setting=SETTING)
    choices = [s.value for s in Severity]
    out: dict[str, Severity] = {}
    for key, value in table.items():
        if not isinstance(value, str) or value.lower() not in choices:
            raise UsageError(f"{where}.{key} must be one of {', '.join(choices)}, got {value!r}", setting=SETTING)
        out[str(key).upper()] = Severity(value.lower())
    return out


def check_overrides(overrides: SeverityOverrides, rule_ids: Iterable[str]) -> None:
    """Refuse an override for a rule that is not installed: a typo must not silently do nothing."""
    known = set(rule_ids)
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise UsageError(f"unknown rule id {', '.join(unknown)} (see `vpcaudit rules list`)", setting=SETTING)


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
