"""Where outputs go, checked before any work: never over an input, never leaving folders behind.

Every command writes through the same output code, so an output that would destroy one of the
run's inputs (the snapshot being audited, the "after" of a diff, the suppressions file…) or
another output of the same run is refused with one line and exit 2 before anything is read
or collected. Paths are compared resolved (symlinks, ``..``), so an alias is caught too.
The AWS endpoint in the collecting cases is a closed port: reaching it would fail differently.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from aws_env import fake_aws_env
from engine_snapshots import RULEPACK, region, snapshot, vpc, write
from typer.testing import CliRunner

from vpcaudit import output
from vpcaudit.cli import app
from vpcaudit.output import OutputError, Target, write_rendered

runner = CliRunner()
CLOSED_PORT = "http://127.0.0.1:9"


@pytest.fixture(autouse=True)
def fake_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Usable-looking credentials, so a run that got as far as AWS would fail on the closed port."""
    fake_aws_env(monkeypatch)


def invoke(cwd: Path, *args: str | Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.chdir(cwd)
    done = runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
    return done.exit_code, done.stderr


@pytest.fixture
def snap(tmp_path: Path) -> Path:
    return write(snapshot(region(vpcs=[vpc("vpc-1", audit="bad")])), tmp_path / "s.json")


def unchanged(path: Path, before: bytes) -> bool:
    return path.read_bytes() == before


def test_audit_refuses_to_write_over_its_snapshot(tmp_path: Path, snap: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snap.read_bytes()
    code, err = invoke(tmp_path, "audit", snap, "-f", "json", "-o", snap, monkeypatch=monkeypatch)
    assert code == 2 and unchanged(snap, before)
    assert err.strip() == f"error: --output: {snap} is the snapshot this run reads: choose another output file"


def test_an_alias_of_the_input_is_caught(tmp_path: Path, snap: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snap.read_bytes()
    (tmp_path / "alias.json").symlink_to(snap)
    (tmp_path / "sub").mkdir()
    for alias in ("alias.json", "sub/../s.json"):
        code, err = invoke(tmp_path, "audit", "s.json", "-f", "json", "-o", alias, monkeypatch=monkeypatch)
        assert code == 2 and "is the snapshot this run reads" in err, alias
    assert unchanged(snap, before)


def test_a_folder_output_whose_default_name_is_the_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "out").mkdir()
    snap = write(snapshot(region(vpcs=[vpc("vpc-1")])), tmp_path / "out" / "result.json")
    before = snap.read_bytes()
    code, err = invoke(tmp_path, "audit", snap, "-f", "json", "-f", "md", "-o", "out", monkeypatch=monkeypatch)
    assert code == 2 and "is the snapshot this run reads" in err and unchanged(snap, before)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["result.json"]  # report.md not written either


def test_audit_refuses_to_write_over_its_other_input_files(tmp_path: Path, snap: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    accepted = tmp_path / "accepted.toml"
    accepted.write_text('[[suppress]]\nrule = "TST001"\nresource = "vpc-1"\nreason = "reviewed"\n')
    config = tmp_path / "vpcaudit.toml"
    config.write_text('fail-on = "low"\n')
    for target, label in ((accepted, "suppressions file"), (config, "configuration file")):
        before = target.read_bytes()
        code, err = invoke(tmp_path, "audit", snap, "--rules-dir", RULEPACK, "--suppressions", accepted,
                           "-f", "md", "-o", target, monkeypatch=monkeypatch)
        assert code == 2 and f"{target} is the {label} this run reads" in err
        assert unchanged(target, before)


def test_diff_refuses_to_write_over_the_after_snapshot(tmp_path: Path, snap: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    after = write(snapshot(region(vpcs=[vpc("vpc-1")])), tmp_path / "after.json")
    before = after.read_bytes()
    code, err = invoke(tmp_path, "diff", snap, after, "-f", "json", "-o", after, monkeypatch=monkeypatch)
    assert code == 2 and unchanged(after, before)
    assert "is the after snapshot this run reads" in err


def test_scan_refuses_one_file_for_both_outputs_before_collecting(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    code, err = invoke(tmp_path, "scan", "--endpoint-url", CLOSED_PORT, "--region", "us-east-1",
                       "--snapshot-out", "x.json", "-f", "json", "-o", "x.json", monkeypatch=monkeypatch)
    assert code == 2
    assert err.strip() == "error: --snapshot-out: x.json is also where the report goes: choose another file"
    assert not (tmp_path / "x.json").exists()


def test_collect_refuses_to_write_over_its_accounts_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    roles = tmp_path / "roles.txt"
    roles.write_text("arn:aws:iam::111111111111:role/audit\n")
    code, err = invoke(tmp_path, "collect", "--endpoint-url", CLOSED_PORT, "--region", "us-east-1",
                       "--accounts-file", roles, "-o", roles, monkeypatch=monkeypatch)
    assert code == 2 and "is the accounts file this run reads" in err
    assert roles.read_text() == "arn:aws:iam::111111111111:role/audit\n"


def test_collect_checks_its_output_before_any_aws_call(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a-file").write_text("")
    code, err = invoke(tmp_path, "collect", "--endpoint-url", CLOSED_PORT, "--region", "us-east-1",
                       "-o", "a-file/snap.json", monkeypatch=monkeypatch)
    assert code == 2
    assert err.strip() == "error: --output: cannot create output folder a-file: a-file is not a folder"


def test_a_failed_run_leaves_no_output_folder_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema_version": "1.0", "accounts": [')
    code, err = invoke(tmp_path, "audit", broken, "-f", "html", "-o", "new/deep/report.html", monkeypatch=monkeypatch)
    assert code == 2 and "not valid JSON" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.json"]


def test_a_failed_write_removes_the_folders_it_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(path: Path, text: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output, "atomic_write_text", disk_full)
    with pytest.raises(OutputError, match="No space left on device"):
        write_rendered([Target("json", tmp_path / "new" / "deep" / "result.json")], lambda fmt: "{}")
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_existing_folder_is_refused_up_front(tmp_path: Path, snap: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    monkeypatch.setattr(output.os, "access", lambda path, mode: Path(path).resolve() != locked)  # as if not root
    code, err = invoke(tmp_path, "audit", snap, "-f", "json", "-o", "locked/deeper/result.json",
                       monkeypatch=monkeypatch)
    assert code == 2 and err.strip() == "error: --output: cannot write locked/deeper/result.json: permission denied"
