"""Exit codes through the installed console script, as a CI pipeline sees them.

0: no failing finding at or above --fail-on; 1: some; 2: usage / configuration error;
3: --strict and something was not evaluated (findings still win: 1 before 3). The snapshots
are tiny and hand-built; the rules come from a --rules-dir test pack, selected with
``--select TST`` so the built-in rules do not take part.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from engine_snapshots import RULEPACK, region, snapshot, statuses, vpc, write

from vpcaudit.snapshot.model import Part

pytestmark = pytest.mark.e2e

VPCAUDIT = Path(sys.executable).with_name("vpcaudit")


def run(cwd: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(VPCAUDIT), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=120)


def audit(cwd: Path, snap: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return run(cwd, "audit", snap, "--rules-dir", RULEPACK, *args)


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    return write(snapshot(region(vpcs=[vpc("vpc-1")])), tmp_path / "clean.json")


@pytest.fixture
def low(tmp_path: Path) -> Path:
    return write(snapshot(region(vpcs=[vpc("vpc-1", audit="meh")])), tmp_path / "low.json")


@pytest.fixture
def high(tmp_path: Path) -> Path:
    return write(snapshot(region(vpcs=[vpc("vpc-1", audit="bad")])), tmp_path / "high.json")


@pytest.fixture
def incomplete(tmp_path: Path) -> Path:
    """Flow logs were not collected: TST003 is not evaluated."""
    return write(snapshot(region(vpcs=[vpc("vpc-1")], status=statuses(ok=[Part.VPCS]))), tmp_path / "partial.json")


def test_exit_0_without_findings_at_or_above_fail_on(tmp_path: Path, clean: Path, low: Path) -> None:
    done = audit(tmp_path, clean, "--select", "TST")
    assert done.returncode == 0, done.stderr
    assert "→ exit 0" in done.stderr
    assert audit(tmp_path, low, "--select", "TST").returncode == 0  # a low finding; fail-on is high


def test_exit_1_with_findings_at_or_above_fail_on(tmp_path: Path, low: Path, high: Path) -> None:
    done = audit(tmp_path, high, "--select", "TST")
    assert done.returncode == 1, done.stderr
    assert audit(tmp_path, low, "--select", "TST", "--fail-on", "low").returncode == 1


def test_suppressed_findings_do_not_fail(tmp_path: Path, high: Path) -> None:
    accepted = tmp_path / "accepted.toml"
    accepted.write_text('[[suppress]]\nrule = "TST001"\nresource = "vpc-*"\nreason = "test fixture"\n')
    assert audit(tmp_path, high, "--select", "TST", "--suppressions", accepted).returncode == 0


@pytest.mark.parametrize("case", ["not json", "missing file", "unknown selector", "unwritable output",
                                  "bad suppressions", "bad pricing", "unknown format", "bad config"])
def test_exit_2_on_usage_and_configuration_errors(tmp_path: Path, clean: Path, case: str) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema_version": "1.0", "accounts": [')
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    bad_toml = tmp_path / "bad.toml"
    bad_toml.write_text("[[suppress]]\nrule = 'TST001'\nresource = 'x'\n")
    args: dict[str, tuple[str | Path, ...]] = {
        "not json": (broken, "--select", "TST"),
        "missing file": (tmp_path / "nope.json", "--select", "TST"),
        "unknown selector": (clean, "--select", "TST,XYZ9"),
        "unwritable output": (clean, "--select", "TST", "-f", "json", "-o", blocker / "out" / "result.json"),
        "bad suppressions": (clean, "--select", "TST", "--suppressions", bad_toml),
        "bad pricing": (clean, "--select", "TST", "--pricing", bad_toml),
        "unknown format": (clean, "--select", "TST", "-f", "pdf"),
        "bad config": (clean, "--select", "TST", "--config", bad_toml),
    }
    done = audit(tmp_path, *args[case])
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert "Traceback" not in done.stderr


def test_unknown_selector_message_names_it(tmp_path: Path, clean: Path) -> None:
    done = audit(tmp_path, clean, "--select", "TST,XYZ9", "--ignore", "TST001")
    assert done.stderr.strip() == "error: --select: unknown rule id or prefix: XYZ9 (see `vpcaudit rules list`)"


def test_exit_3_when_strict_and_something_was_not_evaluated(tmp_path: Path, incomplete: Path) -> None:
    assert audit(tmp_path, incomplete, "--select", "TST").returncode == 0
    done = audit(tmp_path, incomplete, "--select", "TST", "--strict")
    assert done.returncode == 3, done.stderr
    assert "not evaluated" in done.stderr


def test_findings_win_over_incompleteness(tmp_path: Path) -> None:
    snap = write(snapshot(region(vpcs=[vpc("vpc-1", audit="bad")], status=statuses(ok=[Part.VPCS]))),
                 tmp_path / "both.json")
    assert audit(tmp_path, snap, "--select", "TST", "--strict").returncode == 1


def test_a_rule_that_raises_makes_a_strict_audit_incomplete(tmp_path: Path) -> None:
    snap = write(snapshot(region(vpcs=[vpc("vpc-1", audit="explode")])), tmp_path / "boom.json")
    assert audit(tmp_path, snap, "--select", "TST").returncode == 0
    assert audit(tmp_path, snap, "--select", "TST", "--strict").returncode == 3


def test_config_file_in_the_current_folder_sets_defaults_and_flags_win(tmp_path: Path, low: Path) -> None:
    (tmp_path / "vpcaudit.toml").write_text(f'select = ["TST"]\nfail-on = "low"\nrules-dir = ["{RULEPACK}"]\n'
                                            'trust-rules-dir = true\n')
    assert run(tmp_path, "audit", low).returncode == 1
    assert run(tmp_path, "audit", low, "--fail-on", "high").returncode == 0


@pytest.mark.parametrize("args", [("--select", "TST", "--ignore", "TST"), ("--select", "TST", "--min-severity",
                                                                           "critical")])
def test_a_selection_that_runs_no_rule_is_exit_2(tmp_path: Path, high: Path, args: tuple[str, ...]) -> None:
    done = audit(tmp_path, high, *args)
    assert done.returncode == 2, done.stderr
    assert "no rule selected" in done.stderr and len(done.stderr.strip().splitlines()) == 1
