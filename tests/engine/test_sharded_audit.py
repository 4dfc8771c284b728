"""An audit in shards (vpcaudit.engine.sharded): each process reads only its own accounts of the
file, exchanges its part of the snapshot-wide facts, and the result is byte for byte the plain
audit's; where it cannot keep that promise it gives the file back, and the plain way runs."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import synthetic
from engine_snapshots import RULEPACK
from layouts import (
    apigw_private_api_cross_account,
    china_centralized_endpoints_phz,
    lza_central_endpoints,
    opensearch_managed_vpc_endpoint,
    route53_profiles_dns,
    vpc_sharing_participants,
)
from typer.testing import CliRunner

from vpcaudit import api
from vpcaudit.cli import app
from vpcaudit.engine import parted, sharded
from vpcaudit.engine.parallel import can_fork
from vpcaudit.snapshot.jsonfile import SnapshotError
from vpcaudit.snapshot.model import Snapshot
from vpcaudit.snapshot.shard import ShardSnapshot

NOW = dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc)


def _snapshot_of(built: object) -> Snapshot:
    return next(x for x in (built if isinstance(built, tuple) else (built,)) if isinstance(x, Snapshot))


# Estates whose findings depend on other accounts: zones a hub holds for spokes, a shared VPC's
# owner and participants, endpoints answering other accounts' VPCs, Resolver profiles, COST001's pool.
ESTATES: dict[str, Callable[[], Snapshot]] = {
    "synthetic": lambda: synthetic.estate(accounts=5, regions=3, vpcs=2, seed=11),
    "lza_central_endpoints": lambda: _snapshot_of(lza_central_endpoints.build()),
    "china_centralized_endpoints_phz": lambda: _snapshot_of(china_centralized_endpoints_phz.build()),
    "apigw_private_api_cross_account": lambda: _snapshot_of(apigw_private_api_cross_account.build()),
    "opensearch_managed_vpc_endpoint": lambda: _snapshot_of(opensearch_managed_vpc_endpoint.build()),
    "route53_profiles_dns": lambda: _snapshot_of(route53_profiles_dns.build()),
    "vpc_sharing_participants": lambda: _snapshot_of(vpc_sharing_participants.build()),
}


def _file(tmp_path: Path, snapshot: Snapshot) -> Path:
    path = tmp_path / "snapshot.json"
    api.write_reports(snapshot, [api.Target("json", path)])
    return path


def _audited(path: Path, out: Path, workers: int, options: api.AuditOptions | None = None
             ) -> tuple[api.AuditResult, bytes, Snapshot]:
    result, printed, written, snapshot = api.audit_file_and_write(
        path, options or api.AuditOptions(), [api.Target("json", out)], now=NOW, workers=workers)
    assert printed == [] and written == [out]
    return result, out.read_bytes(), snapshot


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each audit ran in shards (False: it gave the file back)."""
    runs: list[bool] = []
    real = sharded.run_sharded

    def noted(*args: object) -> object:
        audit = real(*args)  # type: ignore[arg-type]
        runs.append(audit is not None)
        return audit

    monkeypatch.setattr("vpcaudit.api.run_sharded", noted)
    return runs


@pytest.mark.parametrize("workers", [2, 3])
@pytest.mark.parametrize("estate", sorted(ESTATES))
def test_shards_write_the_plain_results_bytes(estate: str, workers: int, tmp_path: Path, taken: list[bool]) -> None:
    assert can_fork()  # so the shards are real processes
    path = _file(tmp_path, ESTATES[estate]())
    plain, plain_bytes, whole = _audited(path, tmp_path / "plain.json", 1)
    outline, shard_bytes, shard = _audited(path, tmp_path / "sharded.json", workers)
    assert taken == [True]
    assert shard_bytes == plain_bytes
    assert outline == dataclasses.replace(  # what the terminal summary and the exit code read
        plain, findings=tuple(dataclasses.replace(f, evidence={}, fix=()) for f in plain.findings),
        scopes=tuple(s for s in plain.scopes if not s.outcome.judged), vpcs=(), paths=(), topology=(), path_gaps=())
    assert isinstance(shard, ShardSnapshot) and len(shard.accounts) < len(whole.accounts)
    assert api.unused_service_ports(shard, api.AuditOptions()) == api.unused_service_ports(whole, api.AuditOptions())
    assert all(shard.has_account(a.account_id) for a in whole.accounts) and not shard.has_account("000000000000")
    assert [shard.account(a.account_id) for a in whole.accounts] == list(whole.accounts)  # read from the file


def test_shards_apply_suppressions_and_selections_alike(tmp_path: Path, taken: list[bool]) -> None:
    path = _file(tmp_path, ESTATES["synthetic"]())
    options = api.AuditOptions(select=("SG", "COST001", "DNS"), min_severity=api.Severity.LOW)
    _, plain, _ = _audited(path, tmp_path / "plain.json", 1, options)
    _, shards, _ = _audited(path, tmp_path / "sharded.json", 2, options)
    assert taken == [True] and shards == plain


def test_a_run_a_shard_did_not_deliver_is_audited_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       taken: list[bool]) -> None:
    path = _file(tmp_path, ESTATES["synthetic"]())
    _, plain, _ = _audited(path, tmp_path / "plain.json", 1)
    leader = os.getpid()
    audit_scope = parted.audit_scope
    calls = [0]

    def dying(*args: object) -> object:
        calls[0] += 1
        if os.getpid() != leader and calls[0] == 3:
            os._exit(1)  # a shard lost after telling its facts: its runs from then on are redone here
        return audit_scope(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(parted, "audit_scope", dying)
    monkeypatch.setattr(parted, "RUNS", 12)
    _, shards, _ = _audited(path, tmp_path / "sharded.json", 2)
    assert taken == [True] and shards == plain


def test_a_shard_done_first_takes_the_others_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 taken: list[bool]) -> None:
    """Shards are equal in bytes, not in work: the leading process, once through its own runs,
    audits what is left of a slow shard's (reading those accounts from the file)."""
    path = _file(tmp_path, ESTATES["synthetic"]())
    _, plain, _ = _audited(path, tmp_path / "plain.json", 1)
    leader = os.getpid()
    audit_scope = parted.audit_scope
    audited_here: list[str] = []

    def uneven(snapshot: object, account: Any, *args: object) -> object:
        if os.getpid() == leader:
            audited_here.append(account.account_id)
        else:
            time.sleep(0.2)
        return audit_scope(snapshot, account, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(parted, "audit_scope", uneven)
    monkeypatch.setattr(parted, "RUNS", 15)
    _, shards, snapshot = _audited(path, tmp_path / "sharded.json", 2)
    own = {a.account_id for a in snapshot.accounts}
    assert taken == [True] and shards == plain
    assert set(audited_here) - own  # some of the other shard's scopes were audited here


def test_a_shard_lost_before_telling_its_facts_gives_the_file_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  taken: list[bool]) -> None:
    path = _file(tmp_path, ESTATES["synthetic"]())
    _, plain, _ = _audited(path, tmp_path / "plain.json", 1)
    leader = os.getpid()
    load = sharded._Shard.load

    def dying(self: sharded._Shard, k: int) -> object:
        if os.getpid() != leader:
            os._exit(1)
        return load(self, k)

    monkeypatch.setattr(sharded._Shard, "load", dying)
    _, whole, snapshot = _audited(path, tmp_path / "whole.json", 3)
    assert taken == [False] and whole == plain and not isinstance(snapshot, ShardSnapshot)


def test_an_account_that_does_not_read_gives_the_plain_readers_error(tmp_path: Path, taken: list[bool]) -> None:
    """The layout holds, but the last account's text is not a snapshot's: the file is read whole,
    and the error is the one the plain reader gives."""
    path = _file(tmp_path, ESTATES["synthetic"]())
    text = path.read_text()
    cut = text.rindex('"vpc_id": "')
    path.write_text(text[:cut] + '"vpc_id": 7' + text[cut + len('"vpc_id": "vpc-0123456789abcdef0"'):])
    with pytest.raises(SnapshotError) as plain:
        api.load_snapshot(path)
    with pytest.raises(SnapshotError) as sharded_error:
        _audited(path, tmp_path / "out.json", 2)
    assert taken == [False] and str(sharded_error.value) == str(plain.value)
    assert not (tmp_path / "out.json").exists()


def test_rules_of_another_pack_take_the_plain_path(tmp_path: Path, taken: list[bool]) -> None:
    """Another pack's rule may read any account of ``ctx.snapshot``; only folds cross shards."""
    path = _file(tmp_path, ESTATES["synthetic"]())
    options = api.AuditOptions(rules_dirs=(RULEPACK,))
    _, _, snapshot = _audited(path, tmp_path / "out.json", 2, options)
    assert taken == [] and not isinstance(snapshot, ShardSnapshot)


def test_a_small_file_or_one_worker_is_read_whole(tmp_path: Path, taken: list[bool]) -> None:
    path = _file(tmp_path, ESTATES["synthetic"]())
    assert path.stat().st_size < api.SHARD_MIN_BYTES
    for workers in (None, 1):
        result, _, written, snapshot = api.audit_file_and_write(
            path, api.AuditOptions(), [api.Target("json", tmp_path / "out.json")], now=NOW, workers=workers)
        assert written and not isinstance(snapshot, ShardSnapshot) and result.findings
    assert taken == []


def test_the_cli_audits_a_large_file_in_shards(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               taken: list[bool]) -> None:
    """`vpcaudit audit FILE -f json -o OUT` of a file from SHARD_MIN_BYTES runs in shards: the same
    file, terminal summary and exit code as the plain path (taken for a folder of formats)."""
    path = _file(tmp_path, ESTATES["lza_central_endpoints"]())
    monkeypatch.setattr(api, "SHARD_MIN_BYTES", 0)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)  # shards on any machine

    def cli(*args: str) -> tuple[int, str]:
        done = CliRunner().invoke(app, ["audit", str(path), "--fail-on", "medium", *args], catch_exceptions=False)
        return done.exit_code, done.stdout

    code, out = cli("-f", "json", "-o", str(tmp_path / "sharded.json"))
    plain_code, plain_out = cli("-f", "json", "-f", "csv", "-o", str(tmp_path / "plain"))
    assert taken == [True]

    def undated(p: Path) -> str:
        return re.sub(r'"generated_at": "[^"]*"', "", p.read_text())

    assert undated(tmp_path / "sharded.json") == undated(tmp_path / "plain" / "result.json")
    assert code == plain_code and out == plain_out
