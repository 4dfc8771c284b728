"""The library interface: audit a snapshot with options, and the exit-code decision."""

from __future__ import annotations

from pathlib import Path

import pytest
from engine_snapshots import RULEPACK, region, snapshot, statuses, vpc

from vpcaudit import api
from vpcaudit.engine.loader import load_registry
from vpcaudit.engine.rule import Severity
from vpcaudit.engine.suppress import SuppressionError
from vpcaudit.snapshot.model import Part, ScopeStatus, State


def opts(**kw: object) -> api.AuditOptions:
    settings: dict[str, object] = {"select": ("TST",), "rules_dirs": (RULEPACK,), **kw}
    return api.AuditOptions(**settings)  # type: ignore[arg-type]


def test_audit_sets_aside_rules_needing_opt_in_data_the_snapshot_never_asked_for() -> None:
    result = api.audit(snapshot(region(vpcs=[vpc("vpc-1")])), opts())
    assert "TST005" not in {s.rule_id for s in result.scopes}
    assert result.options["skipped_opt_in"] == "TST005"
    assert not result.incomplete


def test_opt_in_data_asked_for_but_denied_is_not_evaluated() -> None:
    denied = ScopeStatus(Part.METRICS, State.DENIED, "AccessDenied")
    result = api.audit(snapshot(region(vpcs=[vpc("vpc-1")], status=statuses(other={Part.METRICS: denied}))), opts())
    assert {(s.rule_id, s.outcome) for s in result.scopes if s.rule_id == "TST005"} == {("TST005", "not_evaluated")}
    assert api.requested_opt_in(snapshot(region(status=statuses(other={Part.METRICS: denied})))) == {Part.METRICS}


def test_options_are_echoed_into_the_result() -> None:
    result = api.audit(snapshot(region(vpcs=[vpc("vpc-1")])), opts(fail_on=Severity.MEDIUM, strict=True))
    assert result.options["select"] == "TST" and result.options["fail_on"] == "medium"
    assert result.options["strict"] == "true"


def test_suppressions_for_unknown_rules_fail_before_anything_runs(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('[[suppress]]\nrule = "XYZ001"\nresource = "*"\nreason = "typo"\n')
    with pytest.raises(SuppressionError, match="unknown rule id XYZ001"):
        api.prepare(opts(suppressions=path), frozenset())


def test_plan_parts_are_the_selected_rules_needs() -> None:
    registry = load_registry([RULEPACK], entry_points=False)
    assert api.prepare(opts(select=("TST001", "TST003")), frozenset(), registry=registry).parts == {
        Part.VPCS, Part.FLOW_LOGS}


@pytest.mark.parametrize(("snap_kw", "fail_on", "strict", "expected"), [
    ({"vpcs": [vpc("vpc-1")]}, Severity.HIGH, True, api.ExitCode.OK),
    ({"vpcs": [vpc("vpc-1", audit="meh")]}, Severity.HIGH, False, api.ExitCode.OK),
    ({"vpcs": [vpc("vpc-1", audit="meh")]}, Severity.LOW, False, api.ExitCode.FINDINGS),
    ({"vpcs": [vpc("vpc-1", audit="bad")]}, Severity.CRITICAL, False, api.ExitCode.OK),
    ({"vpcs": [vpc("vpc-1")], "status": statuses(ok=[Part.VPCS])}, Severity.HIGH, False, api.ExitCode.OK),
    ({"vpcs": [vpc("vpc-1")], "status": statuses(ok=[Part.VPCS])}, Severity.HIGH, True, api.ExitCode.INCOMPLETE),
    ({"vpcs": [vpc("vpc-1", audit="bad")], "status": statuses(ok=[Part.VPCS])}, Severity.HIGH, True,
     api.ExitCode.FINDINGS),
])
def test_exit_code(snap_kw: dict[str, object], fail_on: Severity, strict: bool, expected: api.ExitCode) -> None:
    result = api.audit(snapshot(region(**snap_kw)), opts())  # type: ignore[arg-type]
    assert api.exit_code(result, fail_on, strict) is expected
