"""Severity overrides: applied once in the runner, remembered on the finding, honoured by selection."""

from __future__ import annotations

import datetime as dt

import pytest
from engine_snapshots import RULEPACK, region, snapshot, vpc

from vpcaudit import api
from vpcaudit.engine.loader import Registry, load_registry
from vpcaudit.engine.rule import Rule, Severity, Status
from vpcaudit.engine.runner import RunSettings, run
from vpcaudit.engine.select import select_rules
from vpcaudit.engine.severity import check_overrides, parse_severity_overrides
from vpcaudit.engine.suppress import Suppression
from vpcaudit.errors import UsageError

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry([RULEPACK], entry_points=False)


def rules(registry: Registry, *ids: str) -> tuple[Rule, ...]:
    return tuple(x for x in registry.rules if x.id in ids)


def test_parse_reads_a_toml_table_case_insensitively() -> None:
    assert parse_severity_overrides({"sg002": "HIGH", "IFE006": "info"}) == {
        "SG002": Severity.HIGH, "IFE006": Severity.INFO}


@pytest.mark.parametrize(("table", "message"), [
    ({"SG002": "urgent"}, "severity.SG002 must be one of critical, high, medium, low, info, got 'urgent'"),
    ({"SG002": 3}, "severity.SG002 must be one of"),
    ("high", "severity must be a table of rule id = severity"),
])
def test_parse_refuses_what_is_not_a_severity(table: object, message: str) -> None:
    with pytest.raises(UsageError, match=message.replace(".", r"\.")) as caught:
        parse_severity_overrides(table)
    assert caught.value.setting == "severity"


def test_an_override_for_an_unknown_rule_is_refused() -> None:
    with pytest.raises(UsageError, match="unknown rule id SG999"):
        check_overrides({"SG999": Severity.LOW, "TST001": Severity.LOW}, ["TST001"])


def test_overridden_findings_keep_the_rule_severity_they_replaced(registry: Registry) -> None:
    snap = snapshot(region(vpcs=[vpc("vpc-1", audit="meh")]))
    settings = RunSettings(now=NOW, severity_overrides={"TST002": Severity.CRITICAL})
    result = run(snap, rules(registry, "TST002"), settings)
    (finding,) = result.findings
    assert (finding.severity, finding.severity_overridden_from) == (Severity.CRITICAL, Severity.LOW)
    (info,) = result.rules
    assert (info.severity, info.severity_overridden_from) == (Severity.CRITICAL, Severity.LOW)
    assert api.exit_code(result, fail_on=Severity.CRITICAL) is api.ExitCode.FINDINGS  # exit codes see it too


def test_no_override_leaves_findings_untouched(registry: Registry) -> None:
    snap = snapshot(region(vpcs=[vpc("vpc-1", audit="meh")]))
    result = run(snap, rules(registry, "TST002"), RunSettings(now=NOW, severity_overrides={"TST001": Severity.INFO}))
    assert [(f.severity, f.severity_overridden_from) for f in result.findings] == [(Severity.LOW, None)]
    assert result.rules[0].severity_overridden_from is None


def test_min_severity_filters_findings_at_their_overridden_severity(registry: Registry) -> None:
    snap = snapshot(region(vpcs=[vpc("vpc-1", audit="bad"), vpc("vpc-2", audit="meh")]))
    settings = RunSettings(now=NOW, min_severity=Severity.HIGH,
                           severity_overrides={"TST001": Severity.MEDIUM, "TST002": Severity.HIGH})
    result = run(snap, rules(registry, "TST001", "TST002"), settings)
    assert [(f.rule_id, f.severity) for f in result.findings] == [("TST002", Severity.HIGH)]


def test_min_severity_selects_rules_at_their_overridden_severity(registry: Registry) -> None:
    picked = select_rules(registry.rules, select=["TST001", "TST002"], min_severity=Severity.HIGH,
                          severity_overrides={"TST001": Severity.LOW, "TST002": Severity.HIGH})
    assert picked.ids == ("TST002",)


def test_suppressed_findings_carry_the_override_too(registry: Registry) -> None:
    snap = snapshot(region(vpcs=[vpc("vpc-1", audit="bad")]))
    suppression = Suppression(rule="TST001", resource="vpc-1", reason="accepted")
    settings = RunSettings(now=NOW, suppressions=(suppression,), severity_overrides={"TST001": Severity.LOW})
    (finding,) = run(snap, rules(registry, "TST001"), settings).findings
    assert (finding.status, finding.severity, finding.severity_overridden_from) == (
        Status.SUPPRESSED, Severity.LOW, Severity.HIGH)
