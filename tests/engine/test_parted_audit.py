"""An audit written where it is computed (vpcaudit.engine.parted) writes what the plain audit
writes, byte for byte, and returns an outline that reads as the whole result for the terminal
summary and the exit code; where it cannot keep that promise it declines, and the plain way runs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from pathlib import Path

import pytest
import synthetic
from typer.testing import CliRunner

from vpcaudit import api
from vpcaudit.cli import app
from vpcaudit.engine import parallel, parted
from vpcaudit.engine.result import AuditResult
from vpcaudit.engine.rule import Rule, Severity, Status
from vpcaudit.engine.runner import RunSettings, run
from vpcaudit.engine.suppress import Suppression
from vpcaudit.files import FileRange
from vpcaudit.render.report.jsonfmt import render_json, stream_parted, write_run
from vpcaudit.snapshot.codec import JsonWriter, Prewritten
from vpcaudit.snapshot.model import Snapshot

NOW = dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc)


def _written(audit: parted.PartedAudit) -> bytes:
    try:
        return b"".join(b"".join(c.read()) if isinstance(c, FileRange) else c
                        for c in stream_parted(audit))
    finally:
        audit.close()


def _outlined(result: AuditResult) -> AuditResult:
    """What the outline of ``result`` holds."""
    return dataclasses.replace(
        result, findings=tuple(dataclasses.replace(f, evidence={}, fix=()) for f in result.findings),
        scopes=tuple(s for s in result.scopes if not s.outcome.judged), vpcs=(), paths=(), topology=(), path_gaps=())


@pytest.mark.parametrize("settings", [
    RunSettings(now=NOW, workers=3),
    # suppressions, a severity floor and a severity override change findings inside the workers
    RunSettings(now=NOW, workers=2, min_severity=Severity.MEDIUM,
                suppressions=(Suppression(rule="GWE001", reason="accepted", resource="*", entry=1),),
                severity_overrides={"SG005": Severity.LOW}),
], ids=["plain", "suppressed-and-overridden"])
def test_the_written_result_is_the_plain_results_bytes(estate: Snapshot, rules: tuple[Rule, ...],
                                                       settings: RunSettings, monkeypatch: pytest.MonkeyPatch) -> None:
    assert parallel.can_fork()  # so the workers are real
    monkeypatch.setattr(parted, "RUNS", 5)  # 12 scopes in runs of three: lists laid end to end across runs
    plain = run(estate, rules, settings)
    audit = parted.run_parted(estate, rules, settings, write_run)
    assert audit is not None
    assert audit.outline == _outlined(plain)
    assert _written(audit) == render_json(plain).encode()
    assert plain.findings and plain.paths and plain.costs and plain.scopes
    assert plain.groups if settings.min_severity is None else {f.status for f in plain.findings} >= {Status.SUPPRESSED}


def test_a_run_a_worker_did_not_deliver_is_audited_here(estate: Snapshot, rules: tuple[Rule, ...],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()
    audit_scope = parted.audit_scope
    calls = [0]

    def dying(*args: object) -> object:
        calls[0] += 1
        if os.getpid() != parent and calls[0] == 2:
            os._exit(1)
        return audit_scope(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(parted, "audit_scope", dying)
    monkeypatch.setattr(parted, "RUNS", 12)
    settings = RunSettings(now=NOW, workers=2)
    audit = parted.run_parted(estate, rules, settings, write_run)
    assert audit is not None
    assert _written(audit) == render_json(run(estate, rules, settings)).encode()


def test_each_process_sends_a_group_once(estate: Snapshot, rules: tuple[Rule, ...],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Every scope names its Region's COST001 pool; a process sends each pool with its first run
    only (a pool of an organization's Region holds thousands of members: sent with every run they
    were most of the outline)."""
    monkeypatch.setattr(parted, "RUNS", 12)
    read_runs = parted._read_runs
    sent: list[str] = []

    def counted(spooled: parallel.Spooled) -> object:
        outlines, texts = read_runs(spooled)
        sent.extend(g.group_id for outline in outlines for g in outline.groups)
        return outlines, texts

    monkeypatch.setattr(parted, "_read_runs", counted)
    settings = RunSettings(now=NOW, workers=2)
    audit = parted.run_parted(estate, rules, settings, write_run)
    assert audit is not None
    audit.close()
    groups = {g.group_id for g in audit.outline.groups}
    assert audit.outline.groups == run(estate, rules, settings).groups
    assert len(groups) == 3 and set(sent) == groups
    assert len(sent) <= 2 * len(groups)  # once per process (before: with every run, 12)


def test_it_declines_where_runs_would_not_lay_end_to_end(estate: Snapshot, rules: tuple[Rule, ...]) -> None:
    """Accounts out of order (a file not written by vpcaudit), the same account twice, one process."""
    settings = RunSettings(now=NOW, workers=2)
    reversed_accounts = dataclasses.replace(estate, accounts=estate.accounts[::-1])
    twice = dataclasses.replace(estate, accounts=(*estate.accounts, estate.accounts[-1]))
    assert parted.run_parted(reversed_accounts, rules, settings, write_run) is None
    assert parted.run_parted(twice, rules, settings, write_run) is None
    assert parted.run_parted(estate, rules, RunSettings(now=NOW, workers=1), write_run) is None
    assert parted.run_parted(estate, rules, RunSettings(now=NOW), write_run) is None  # 12 scopes: one process


def test_prewritten_runs_stand_for_the_list_they_were_written_from() -> None:
    writer = JsonWriter(indent=2, ensure_ascii=True)
    document = {"a": [{"x": 1}, "two", [3]], "b": [], "c": ["only"]}
    runs = {"a": [writer.items_text([{"x": 1}], 1).encode(), b"", writer.items_text(["two", [3]], 1).encode()],
            "b": [b""], "c": [writer.items_text(["only"], 1).encode()]}
    streamed = writer.stream({k: Prewritten(v) for k, v in runs.items()}, end="\n")
    assert b"".join(c for c in streamed if isinstance(c, bytes)) == writer.dumps(document, end="\n").encode()
    with pytest.raises(TypeError):
        writer.dumps({"a": Prewritten(runs["a"])})


def test_the_cli_writes_an_organizations_json_as_it_audits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`audit -f json -o FILE` of 64 scopes or more takes the written-as-audited path: the same
    file, terminal summary and exit code as the plain path (taken here for a folder of formats)."""
    snapshot = tmp_path / "org.json"
    api.write_reports(synthetic.estate(accounts=4, regions=17, vpcs=1, seed=5), [api.Target("json", snapshot)])
    taken: list[bool] = []
    real = parted.run_parted

    def noted(*args: object) -> object:
        audit = real(*args)  # type: ignore[arg-type]
        taken.append(audit is not None)  # None: it declined, and the plain path wrote the file
        return audit

    monkeypatch.setattr("vpcaudit.api.run_parted", noted)

    def cli(*args: str) -> tuple[int, str]:
        done = CliRunner().invoke(app, ["audit", str(snapshot), "--fail-on", "medium", *args], catch_exceptions=False)
        return done.exit_code, done.stdout

    def undated(path: Path) -> str:
        return re.sub(r'"generated_at": "[^"]*"', "", path.read_text())

    code, out = cli("-f", "json", "-o", str(tmp_path / "written.json"))
    assert taken == [True]
    plain_code, plain_out = cli("-f", "json", "-f", "csv", "-o", str(tmp_path / "plain"))
    assert taken == [True]  # the folder of formats took the plain path
    assert undated(tmp_path / "written.json") == undated(tmp_path / "plain" / "result.json")
    assert code == plain_code == 1
    assert out == plain_out and "high" in out  # severity counts and every failing finding's row
