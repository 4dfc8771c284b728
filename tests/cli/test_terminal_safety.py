"""No text from AWS, a snapshot or a user's file drives the terminal.

An AWS error message, a Name tag, a role ARN's error or a snapshot edited by someone else can
carry escape sequences: OSC 0 retitles the terminal, OSC 8 plants a hyperlink, CSI moves the
cursor and hides text, U+202E reverses what follows. Every line a command prints besides its
rendered outputs goes through one filter; these cases are the ones that reach a terminal.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aws_env import fake_aws_env
from builders import RegionBuilder, standard_vpc
from engine_snapshots import ACCOUNT, region, snapshot, statuses
from typer.testing import CliRunner

from vpcaudit import api
from vpcaudit.cli import app
from vpcaudit.collectors.run import CollectionOutcome
from vpcaudit.snapshot.jsonfile import save
from vpcaudit.snapshot.model import AccountSnapshot, Part, RoleAccess, ScopeStatus, State

runner = CliRunner()
TITLE = "\x1b]0;pwned\x07"
LINK = "\x1b]8;;https://evil.example/login\x1b\\click here\x1b]8;;\x1b\\"
HIDE = "\x1b[8m"
BIDI = "\u202e"
HOSTILE = f"{TITLE}{LINK}{HIDE}{BIDI}\x9b2J"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> bool:
    return CONTROL.search(text) is None


def hostile_snapshot() -> api.Snapshot:
    """One region with a gap whose AWS message is hostile, and a refused account whose is too."""
    gap = ScopeStatus(Part.FLOW_LOGS, State.DENIED, "AccessDenied", f"ec2:DescribeFlowLogs denied: {HOSTILE}")
    ok = region(status=statuses(other={Part.FLOW_LOGS: gap}))
    refused = AccountSnapshot("222222222222", (region(status=(ScopeStatus(Part.VPCS, State.DENIED, "AccessDenied",
                                                                          HOSTILE),)),), (),
                              role=RoleAccess("arn:aws:iam::222222222222:role/audit", State.DENIED, f"Code{TITLE}",
                                              f"not authorized {HOSTILE}"))
    base = snapshot(ok)
    return replace(base, accounts=(*base.accounts, refused))


@pytest.fixture
def hostile_collection(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def collect_accounts(*args: Any, **kwargs: Any) -> CollectionOutcome:
        return CollectionOutcome(hostile_snapshot(), {}, {})

    monkeypatch.setattr(api, "collect_accounts", collect_accounts)
    fake_aws_env(monkeypatch)
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize("args", [["collect", "-o", "snap.json"], ["scan", "--select", "MON001", "-f", "json",
                                                                   "-o", "result.json"]])
def test_not_collected_and_refused_account_lines_are_inert(hostile_collection: None, args: list[str]) -> None:
    done = runner.invoke(app, args, catch_exceptions=False)
    assert done.exit_code == 0, done.output
    assert f"{ACCOUNT} us-east-1 flow_logs: denied [AccessDenied] ec2:DescribeFlowLogs denied:" in done.stderr
    assert "account 222222222222 not collected: denied" in done.stderr
    assert clean(done.stderr) and clean(done.stdout), repr(done.stderr)


def test_path_output_is_inert(tmp_path: Path) -> None:
    b = RegionBuilder()
    ids = standard_vpc(b, nat_per_az=False)
    path = tmp_path / "snap.json"
    save(b.snapshot(), path)
    nat = ids["nat"][0]
    hostile_id = f"{nat}{TITLE}"
    path.write_text(path.read_text().replace(f'"{nat}"', json.dumps(hostile_id)))
    done = runner.invoke(app, ["path", str(path), "--subnet", ids["private"][1], "--to", "s3"],
                         catch_exceptions=False)
    assert done.exit_code == 0, done.output
    assert f"{nat}]0;pwned" in done.stdout  # the text stays, readable; only the controls go
    assert clean(done.stdout), repr(done.stdout)


def test_an_error_quoting_a_hostile_file_is_inert(tmp_path: Path) -> None:
    snap = tmp_path / f"snap{TITLE}.json"
    snap.write_text('{"schema_version": "1.0", "accounts": [')
    done = runner.invoke(app, ["audit", str(snap)], catch_exceptions=False)
    assert done.exit_code == 2
    assert done.stderr.startswith("error: ") and clean(done.stderr), repr(done.stderr)


def test_csv_on_a_terminal_carries_no_control_characters() -> None:
    b = RegionBuilder()
    vpc = standard_vpc(b, name=f"prod{HOSTILE}")["vpc"]
    result = api.audit(b.snapshot())
    text = api.render(result, "csv")
    assert any(vpc in line for line in text.splitlines())
    assert clean(text.replace("\r\n", "\n")), repr(text[:400])


@pytest.mark.parametrize("fmt", sorted(api.formats("report")))
def test_every_format_printed_to_a_terminal_is_inert(fmt: str) -> None:
    """``-f FMT`` without ``-o`` prints to the terminal: no format may pass a control sequence through."""
    b = RegionBuilder()
    standard_vpc(b, name=f"prod{HOSTILE}")
    result = api.audit(b.snapshot())
    assert result.failures
    text = api.render(result, fmt)
    assert clean(text.replace("\r\n", "\n")), repr([m.group(0) for m in CONTROL.finditer(text)][:5])


@pytest.mark.parametrize("fmt", sorted(api.formats("fix")))
def test_every_fix_format_printed_to_a_terminal_is_inert(fmt: str) -> None:
    b = RegionBuilder()
    standard_vpc(b, name=f"prod{HOSTILE}", nat_per_az=False)
    plan = api.fix_plan(api.audit(b.snapshot()))
    text = api.render(plan, fmt)
    assert clean(text.replace("\r\n", "\n")), repr([m.group(0) for m in CONTROL.finditer(text)][:5])
