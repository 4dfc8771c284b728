"""Severity overrides: applied once in the runner, remembered on the finding, honoured by selection."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from engine_snapshots import RULEPACK, region, snapshot, vpc, write
from typer.testing import CliRunner

from vpcaudit import api
from vpcaudit.cli import app
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


@pytest.mark.parametrize("raw", [{"sg002": "HIGH", "IFE006": "info"}, ["SG002=high", "ife006=INFO"],
                                 "SG002=high, IFE006=info"])
def test_parse_reads_a_table_flags_or_a_comma_list(raw: object) -> None:
    assert parse_severity_overrides(raw) == {"SG002": Severity.HIGH, "IFE006": Severity.INFO}


@pytest.mark.parametrize(("raw", "message"), [
    ({"SG002": "urgent"}, "SG002: expected one of critical, high, medium, low, info, got 'urgent'"),
    ({"SG002": 3}, "SG002: expected one of"),
    ("high", "'high' is not RULE=LEVEL"),
    (7, "expected RULE=LEVEL entries or a table of rule id = severity, got 7"),
])
def test_parse_refuses_what_is_not_an_override(raw: object, message: str) -> None:
    with pytest.raises(UsageError, match=message.replace(".", r"\.")) as caught:
        parse_severity_overrides(raw)
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


def _cli_audit(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    snap = write(snapshot(region(vpcs=[vpc("vpc-1", audit="meh")])), tmp_path / "s.json")
    done = CliRunner().invoke(app, ["audit", str(snap), "--rules-dir", str(RULEPACK), "--select", "TST002", *args],
                              catch_exceptions=False)
    return done.exit_code, done.stdout, done.stderr


def test_a_severity_table_in_vpcaudit_toml_raises_the_exit_code_and_shows_in_the_report(tmp_path: Path) -> None:
    config = tmp_path / "vpcaudit.toml"
    config.write_text('[severity]\nTST002 = "high"\n', encoding="utf-8")
    assert _cli_audit(tmp_path)[0] == 0  # TST002 is low: below the default --fail-on high
    code, out, err = _cli_audit(tmp_path, "--config", str(config), "-f", "json")
    assert code == 1, err
    (finding,) = json.loads(out)["findings"]
    assert (finding["severity"], finding["severity_overridden_from"]) == ("high", "low")
    assert json.loads(out)["options"]["severity"] == "TST002=high"


def test_the_flag_wins_over_the_file_and_min_severity_keeps_the_raised_rule(tmp_path: Path) -> None:
    config = tmp_path / "vpcaudit.toml"
    config.write_text('[severity]\nTST002 = "high"\n', encoding="utf-8")
    code, out, _ = _cli_audit(tmp_path, "--config", str(config), "--severity", "TST002=medium", "-f", "json")
    assert code == 0 and json.loads(out)["findings"][0]["severity"] == "medium"
    code, out, _ = _cli_audit(tmp_path, "--severity", "TST002=critical", "--min-severity", "high", "-f", "json")
    assert code == 1 and [f["severity"] for f in json.loads(out)["findings"]] == ["critical"]


@pytest.mark.parametrize(("args", "config", "message"), [
    (("--severity", "TST999=high"), None, "error: --severity: unknown rule id TST999 (see `vpcaudit rules list`)"),
    (("--severity", "TST002"), None, "error: --severity: 'TST002' is not RULE=LEVEL (e.g. SG002=high)"),
    ((), '[severity]\nTST002 = "urgent"\n', "severity: TST002: expected one of critical, high, medium, low, info"),
])
def test_a_bad_override_is_one_line_and_exit_2(tmp_path: Path, args: tuple[str, ...], config: str | None,
                                               message: str) -> None:
    if config is not None:
        (tmp_path / "vpcaudit.toml").write_text(config, encoding="utf-8")
        args = (*args, "--config", str(tmp_path / "vpcaudit.toml"))
    code, _, err = _cli_audit(tmp_path, *args)
    assert code == 2 and message in err and err.count("\n") == 1
