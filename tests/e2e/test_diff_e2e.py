"""`vpcaudit diff` through the installed console script, as a runbook step or CI job runs it.

Two saved snapshot files of a hand-built estate (before / after one change); the command
audits both with the built-in rules. Checked: exit codes 0 / 1 / 2 / 3, the versioned JSON
document, output routing into a folder, config-file defaults, and the help text.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from builders import ACCOUNT, SCOPED_POLICY, RegionBuilder, standard_vpc
from schema_check import check_diff

from vpcaudit.snapshot.jsonfile import save
from vpcaudit.snapshot.model import Part, State

pytestmark = pytest.mark.e2e

VPCAUDIT = Path(sys.executable).with_name("vpcaudit")


def run(cwd: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(VPCAUDIT), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=120)


def estate(s3_tables: tuple[int, ...] = (0, 1, 2)) -> RegionBuilder:
    b = RegionBuilder()
    ids = standard_vpc(b)
    b.gateway_endpoint(ids["vpc"], "s3", route_tables=[ids["private_rt"][i] for i in s3_tables], policy=SCOPED_POLICY)
    b.flow_log(ids["vpc"])
    return b


@pytest.fixture
def snaps(tmp_path: Path) -> dict[str, Path]:
    """before; same (unchanged); s3-route-removed; flow-logs-denied; not-json."""
    files = {"before": estate().snapshot(), "same": estate().snapshot(),
             "removed": estate(s3_tables=(0, 1)).snapshot(),
             "denied": estate().snapshot(missing={Part.FLOW_LOGS: State.DENIED})}
    out = {}
    for name, snap in files.items():
        out[name] = tmp_path / f"{name}.json"
        save(snap, out[name])
    out["broken"] = tmp_path / "broken.json"
    out["broken"].write_text('{"schema_version": "1.0", "accounts": [')
    return out


def test_exit_0_when_nothing_got_worse(tmp_path: Path, snaps: dict[str, Path]) -> None:
    done = run(tmp_path, "diff", snaps["before"], snaps["same"], "--strict")
    assert done.returncode == 0, done.stderr
    assert "nothing got worse at or above high" in done.stdout
    assert done.stderr.strip().endswith("→ exit 0")


def test_exit_1_and_the_json_document_when_a_path_got_worse(tmp_path: Path, snaps: dict[str, Path]) -> None:
    done = run(tmp_path, "diff", snaps["before"], snaps["removed"], "-f", "json")
    assert done.returncode == 1, done.stderr
    data = check_diff(json.loads(done.stdout))  # stdout holds the JSON alone
    assert data["schema_version"] == "1.4" and data["fail_on"] == "high" and data["warnings"] == []
    assert data["summary"] == {
        "new": 1, "newly_failing": 0, "resolved": 0, "changed": 0, "unchanged": 1, "not_rechecked": 0,
        "no_baseline": 0, "worse_paths": 1, "better_paths": 0, "changed_paths": 0, "lost_scopes": 0,
        "regained_scopes": 0, "newly_unevaluated": 0, "coverage_worse": False,
        **{f"plan_{k}": None for k in ("applied", "not_modelled", "out_of_scope", "data_source", "not_audited",
                                       "unchanged", "unresolved")}}
    [new] = data["new"]
    assert (new["rule_id"], new["resource"]["resource_id"], new["status"]) == ("GWE001", "subnet-0030", "fail")
    assert len(new["fingerprint"]) == 32
    [path] = data["paths"]
    assert (path["verdict"], path["before"]["kind"], path["after"]["kind"], path["after"]["destination"]) == (
        "worse", "gateway-endpoint", "nat", "s3")
    assert path["after"]["steps"]  # the after side explains itself, step by step
    assert data["compared"] == [{"account_id": "111111111111", "region": "us-east-1"}]
    assert data["cost_before"] == data["cost_after"] == {"fixed_usd": 98.55, "data_usd": None, "currency": "USD"}
    assert "1 worse traffic path(s) → exit 1" in done.stderr


def test_a_new_finding_at_the_config_files_threshold_fails(tmp_path: Path, snaps: dict[str, Path]) -> None:
    (tmp_path / "vpcaudit.toml").write_text('fail-on = "medium"\nselect = ["GWE001"]\n')
    done = run(tmp_path, "diff", snaps["before"], snaps["removed"], "-f", "json")
    assert done.returncode == 1, done.stderr
    data = check_diff(json.loads(done.stdout))
    assert data["fail_on"] == "medium" and data["summary"]["newly_failing"] == 1
    assert data["options"]["select"] == "GWE001"


@pytest.mark.parametrize("case", ["not json", "missing file", "unknown format", "unknown selector",
                                  "two formats to stdout", "bad suppressions"])
def test_exit_2_with_one_line_on_usage_errors(tmp_path: Path, snaps: dict[str, Path], case: str) -> None:
    bad_toml = tmp_path / "bad.toml"
    bad_toml.write_text("[[suppress]]\nrule = 'GWE001'\n")
    before, after = snaps["before"], snaps["same"]
    args: dict[str, tuple[str | Path, ...]] = {
        "not json": (before, snaps["broken"]),
        "missing file": (tmp_path / "nope.json", after),
        "unknown format": (before, after, "-f", "html"),
        "unknown selector": (before, after, "--select", "XYZ9"),
        "two formats to stdout": (before, after, "-f", "json", "-f", "md"),
        "bad suppressions": (before, after, "--suppressions", bad_toml),
    }
    done = run(tmp_path, "diff", *args[case])
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert "Traceback" not in done.stderr


def test_exit_3_with_strict_when_coverage_got_worse(tmp_path: Path, snaps: dict[str, Path]) -> None:
    assert run(tmp_path, "diff", snaps["before"], snaps["denied"]).returncode == 0
    done = run(tmp_path, "diff", snaps["before"], snaps["denied"], "--strict", "-f", "json")
    assert done.returncode == 3, done.stderr
    data = check_diff(json.loads(done.stdout))
    assert data["summary"]["coverage_worse"] is True
    assert [(c["rule_id"], c["before"], c["after"]) for c in data["coverage"]] == [
        ("MON001", "passed", "not_evaluated")]
    assert [(p["part"], p["before"], p["after"]) for p in data["parts"]] == [("flow_logs", "ok", "denied")]


def test_worse_paths_win_over_lost_coverage(tmp_path: Path, snaps: dict[str, Path]) -> None:
    after = tmp_path / "both.json"
    save(estate(s3_tables=(0, 1)).snapshot(missing=[Part.FLOW_LOGS]), after)
    assert run(tmp_path, "diff", snaps["before"], after, "--strict").returncode == 1


def test_several_formats_go_to_a_folder_and_the_terminal_view_to_stdout(tmp_path: Path,
                                                                          snaps: dict[str, Path]) -> None:
    out = tmp_path / "review"
    done = run(tmp_path, "diff", snaps["before"], snaps["removed"], "-f", "json", "-f", "md", "-o", out)
    assert done.returncode == 1, done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["diff.json", "diff.md"]
    assert "Worse traffic paths (1)" in done.stdout
    markdown = (out / "diff.md").read_text()
    assert "| **worse** |" in markdown and "GWE001 gateway-endpoint-route-missing" in markdown
    assert f"wrote {out / 'diff.json'}" in done.stderr


def test_help_documents_exit_codes_with_examples(tmp_path: Path) -> None:
    done = run(tmp_path, "diff", "--help")
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    assert "vpcaudit diff before.json after.json --fail-on medium --strict" in text
    for code in ("0 nothing newly failing", "1 a finding newly failing", "2 usage or configuration error",
                 "3 --strict and coverage got worse"):
        assert code in text


def test_snapshots_that_share_nothing_are_exit_2_unless_allowed(tmp_path: Path, snaps: dict[str, Path]) -> None:
    other = tmp_path / "other-account.json"
    other.write_text(snaps["before"].read_text().replace(ACCOUNT, "222222222222"))
    done = run(tmp_path, "diff", snaps["before"], other)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: --allow-disjoint: needed, as the snapshots share no account and Region")
    allowed = run(tmp_path, "diff", snaps["before"], other, "--allow-disjoint", "--strict")
    assert allowed.returncode == 3, allowed.stderr  # everything before is now unjudged: coverage got worse


def test_swapped_snapshots_are_warned_about_on_stderr(tmp_path: Path, snaps: dict[str, Path]) -> None:
    older = tmp_path / "older.json"
    older.write_text(snaps["before"].read_text().replace('"taken_at": "2026-01-01T00:00:00Z"',
                                                         '"taken_at": "2025-12-31T23:00:00Z"'))
    done = run(tmp_path, "diff", snaps["before"], older, "-q")
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("warning: the before snapshot (taken ")
