"""What a user reads when a file is not a usable snapshot: complete sentences that say what it is."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from aws_env import fake_aws_env
from engine_snapshots import RULEPACK, region, snapshot, vpc, write
from typer.testing import CliRunner

from vpcaudit import api
from vpcaudit.cli import app
from vpcaudit.collectors.run import CollectionOutcome
from vpcaudit.snapshot.jsonfile import SnapshotError, from_json

runner = CliRunner()


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return write(snapshot(region(vpcs=[vpc("vpc-1", audit="bad")])), tmp_path / "s.json")


@pytest.mark.parametrize("cut", [0.3, 0.5, 0.999])
def test_a_truncated_snapshot_says_so_in_a_complete_sentence(good: Path, cut: float) -> None:
    text = good.read_text()
    with pytest.raises(SnapshotError) as raised:
        from_json(text[: int(len(text) * cut)], "s.json")
    message = raised.value.message
    assert message.startswith("s.json: not valid JSON: ") and message.endswith("(the file looks truncated)")
    assert " at line " in message and not message.endswith(" at")


def test_a_json_error_in_the_middle_names_its_place(good: Path) -> None:
    text = good.read_text().replace('"vpcs": [', '"vpcs": [,', 1)
    with pytest.raises(SnapshotError, match=r"^s\.json: not valid JSON: Expecting value at line \d+ column \d+$"):
        from_json(text, "s.json")


def test_an_audit_result_is_not_a_snapshot_and_says_so(tmp_path: Path, good: Path) -> None:
    result = tmp_path / "result.json"
    result.write_text(api.render(api.audit(api.load_snapshot(good), api.AuditOptions(
        rules_dirs=(RULEPACK,), select=("TST001",))), "json"))
    done = runner.invoke(app, ["audit", str(result)], catch_exceptions=False)
    assert done.exit_code == 2
    assert done.stderr.strip() == (f"error: {result}: this is an audit result (result.json), not a snapshot: audit, "
                                   "diff and path read a collected snapshot (snapshot.json)")


def test_a_diff_and_a_sarif_log_say_what_they_are(tmp_path: Path, good: Path) -> None:
    before = api.load_snapshot(good)
    diff = tmp_path / "diff.json"
    diff.write_text(api.render(api.diff(before, before), "json"))
    sarif = tmp_path / "results.sarif"
    sarif.write_text(json.dumps({"version": "2.1.0", "runs": []}))
    for path, what in ((diff, "a diff (diff.json)"), (sarif, "a SARIF log")):
        with pytest.raises(SnapshotError, match=re.escape(f"this is {what}, not a snapshot")):
            api.load_snapshot(path)


def test_collect_to_stdout_says_where_the_snapshot_went(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api, "collect_accounts", lambda *a, **k: CollectionOutcome(snapshot(region()), {}, {}))
    fake_aws_env(monkeypatch)
    done = runner.invoke(app, ["collect", "-o", "-"], catch_exceptions=False)
    assert done.exit_code == 0
    assert json.loads(done.stdout)["schema_version"]
    assert done.stderr.startswith("snapshot written to standard output: account 111111111111, 1 region(s)")
    assert "wrote -" not in done.stderr
