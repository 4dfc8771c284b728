"""Merges: per-account snapshots into one organization snapshot (audited as one, so COST001 pools the
organization), and per-account results into one report (each account as its own audit saw it)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from builders import RegionBuilder
from typer.testing import CliRunner

from vpcaudit import api
from vpcaudit.cli import app
from vpcaudit.errors import UsageError
from vpcaudit.snapshot.model import SkippedAccount, Snapshot

ACCOUNTS = ("111111111111", "222222222222", "333333333333")


def account_snapshot(account_id: str, taken_at: str = "2026-12-01T00:00:00Z") -> Snapshot:
    """One account, one VPC with a workload and interface endpoints for ssm and logs."""
    b = RegionBuilder(account_id=account_id)
    vpc = b.vpc("10.0.0.0/16")
    subnet = b.subnet(vpc, "10.0.1.0/24", az=1)
    b.workload(subnet)
    for key in ("ssm", "logs"):
        b.interface_endpoint(vpc, key, subnets=[subnet])
    return replace(b.snapshot(), taken_at=taken_at, options={"regions": ["eu-west-1"],
                                                             "role_arns": [f"arn:aws:iam::{account_id}:role/a"]})


def cost001(result: api.AuditResult) -> set[str]:
    return {f.resource.account_id for f in result.findings if f.rule_id == "COST001"}


def test_the_merged_snapshot_is_audited_as_one_organization() -> None:
    alone = [account_snapshot(a) for a in ACCOUNTS]
    assert all(cost001(api.audit(s)) == set() for s in alone)  # one VPC per account: nothing to pool
    merged = api.merge_snapshots(alone)
    assert [a.account_id for a in merged.accounts] == list(ACCOUNTS)
    assert cost001(api.audit(merged)) == set(ACCOUNTS)


def test_the_merge_keeps_the_earliest_time_every_role_and_the_skipped_accounts() -> None:
    first, second = account_snapshot(ACCOUNTS[0], "2026-12-02T00:00:00Z"), account_snapshot(ACCOUNTS[1])
    skipped = SkippedAccount("444444444444", "gone", "SUSPENDED")
    merged = api.merge_snapshots([replace(first, skipped_accounts=(skipped,)), second])
    assert merged.taken_at == "2026-12-01T00:00:00Z"
    assert merged.options == {"regions": ["eu-west-1"], "merged_snapshots": 2,
                              "role_arns": [f"arn:aws:iam::{a}:role/a" for a in ACCOUNTS[:2]]}
    assert merged.skipped_accounts == (skipped,)


def test_equal_endpoint_services_are_held_once() -> None:
    merged = api.merge_snapshots([account_snapshot(a) for a in ACCOUNTS])
    services = [region.endpoint_services for account in merged.accounts for region in account.regions]
    assert services[0] and all(a is b for a, b in zip(services[0], services[1], strict=True))


def test_an_account_in_two_snapshots_is_refused() -> None:
    with pytest.raises(UsageError, match=r"account 111111111111 is in both a\.json and b\.json"):
        api.merge_snapshots([account_snapshot(ACCOUNTS[0])] * 2, ["a.json", "b.json"])


def test_merged_results_are_each_accounts_own_audit_together() -> None:
    results = [api.audit(account_snapshot(a)) for a in ACCOUNTS]
    merged = api.merge_results(results)
    assert merged.accounts == ACCOUNTS
    assert {f.fingerprint for f in merged.findings} == {f.fingerprint for r in results for f in r.findings}
    assert len(merged.scopes) == sum(len(r.scopes) for r in results)
    assert cost001(merged) == set()  # cross-account answers need the merged snapshot


def test_results_of_different_audits_are_refused() -> None:
    strict = api.audit(account_snapshot(ACCOUNTS[0]), api.AuditOptions(strict=True))
    plain = api.audit(account_snapshot(ACCOUNTS[1]))
    with pytest.raises(UsageError, match="different 'strict' options"):
        api.merge_results([plain, strict], ["plain.json", "strict.json"])
    with pytest.raises(UsageError, match="account 222222222222 is in both"):
        api.merge_results([plain, plain])


def test_the_cli_merges_folders_of_snapshots_and_results(tmp_path: Path) -> None:
    for account_id in ACCOUNTS:
        folder = tmp_path / "accounts" / account_id
        folder.mkdir(parents=True)
        snapshot = account_snapshot(account_id)
        (folder / "snapshot.json").write_text(api.render(snapshot, "json"), encoding="utf-8")
        (folder / "result.json").write_text(api.render(api.audit(snapshot), "json"), encoding="utf-8")
    runner = CliRunner()
    merged = runner.invoke(app, ["merge", "snapshots", str(tmp_path / "accounts"), "-o", str(tmp_path / "org.json")])
    assert merged.exit_code == 0, merged.output
    audited = runner.invoke(app, ["audit", str(tmp_path / "org.json"), "-f", "json", "-o", str(tmp_path / "r.json")])
    assert audited.exit_code == 0, audited.output
    findings = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["findings"]
    assert {f["resource"]["account_id"] for f in findings if f["rule_id"] == "COST001"} == set(ACCOUNTS)
    report = runner.invoke(app, ["merge", "results", str(tmp_path / "accounts"), "-f", "md", "-o",
                                 str(tmp_path / "org.md")])
    assert report.exit_code == 0, report.output
    assert all(a in (tmp_path / "org.md").read_text(encoding="utf-8") for a in ACCOUNTS)
    duplicate = runner.invoke(app, ["merge", "snapshots", str(tmp_path / "org.json"), str(tmp_path / "org.json"),
                                    "-o", "-"])
    assert duplicate.exit_code == 2 and "is in both" in duplicate.output
