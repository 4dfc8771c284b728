"""Flags win over the configuration file, and every command that collects reads it the same way.

Checked through the CLI, at the library's front door: the collection each command asks for
(the regions, the extras, the accounts) is recorded instead of made, so no AWS is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aws_env import fake_aws_env
from engine_snapshots import RULEPACK, region, snapshot, statuses, vpc, write
from typer.testing import CliRunner

from vpcaudit import api
from vpcaudit.cli import app
from vpcaudit.collectors.run import CollectionOutcome
from vpcaudit.snapshot.model import Part

runner = CliRunner()
COLLECTING = {"collect": ["collect", "-o", "snap.json"], "scan": ["scan", "--select", "NAT003", "-f", "json",
                                                                 "-o", "result.json"]}


@dataclass
class Asked:
    regions: list[str] | None = None
    parts: frozenset[Part] = frozenset()
    roles: tuple[str, ...] = ()


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Asked:
    """Record what the command asks to collect; answer with an empty snapshot."""
    record = Asked()

    def collect_accounts(session: Any, regions: list[str] | None, parts: frozenset[Part], **kwargs: Any) -> Any:
        record.regions, record.parts = regions, frozenset(parts)
        record.roles = tuple(role.arn for role in kwargs["accounts"].roles)
        return CollectionOutcome(snapshot(region()), {}, {})

    monkeypatch.setattr(api, "collect_accounts", collect_accounts)
    fake_aws_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    return record


def run(command: str, *args: str) -> None:
    done = runner.invoke(app, [*COLLECTING[command], *args], catch_exceptions=False)
    assert done.exit_code == 0, done.output


@pytest.mark.parametrize("command", sorted(COLLECTING))
def test_the_config_files_regions_are_used_by_every_collecting_command(asked: Asked, command: str) -> None:
    Path("vpcaudit.toml").write_text('regions = ["eu-west-1", "eu-central-1"]\n')
    run(command)
    assert asked.regions == ["eu-west-1", "eu-central-1"]


@pytest.mark.parametrize("command", sorted(COLLECTING))
def test_all_regions_on_the_command_line_wins_over_the_config_files_regions(asked: Asked, command: str) -> None:
    Path("vpcaudit.toml").write_text('regions = ["eu-west-1"]\n')
    run(command, "--all-regions")
    assert asked.regions is None  # every enabled region


@pytest.mark.parametrize("command", sorted(COLLECTING))
def test_a_region_flag_wins_over_all_regions_in_the_config(asked: Asked, command: str) -> None:
    Path("vpcaudit.toml").write_text('regions = "all"\n')
    run(command, "--region", "us-west-2")
    assert asked.regions == ["us-west-2"]


@pytest.mark.parametrize("command", sorted(COLLECTING))
def test_an_explicit_config_file_is_read_like_the_discovered_one(asked: Asked, command: str, tmp_path: Path) -> None:
    (tmp_path / "team.toml").write_text('regions = ["ap-southeast-2"]\nwith = "metrics"\nmetrics-days = 30\n'
                                        'role-arns = ["arn:aws:iam::222222222222:role/audit"]\n')
    run(command, "--config", "team.toml")
    assert asked.regions == ["ap-southeast-2"]
    assert Part.METRICS in asked.parts
    assert asked.roles == ("arn:aws:iam::222222222222:role/audit",)


@pytest.mark.parametrize("command", sorted(COLLECTING))
def test_list_flags_replace_the_config_files_list(asked: Asked, command: str) -> None:
    Path("vpcaudit.toml").write_text('with = "metrics"\nrole-arns = ["arn:aws:iam::222222222222:role/audit"]\n')
    run(command, "--with", "s3-policies", "--role-arn", "arn:aws:iam::333333333333:role/audit")
    assert Part.BUCKET_POLICIES in asked.parts and Part.METRICS not in asked.parts
    assert asked.roles == ("arn:aws:iam::333333333333:role/audit",)


def test_a_flag_set_in_the_config_can_be_turned_off_on_the_command_line(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """``strict = true`` in the team's file; one run may still ask for a lenient gate."""
    monkeypatch.chdir(tmp_path)
    partial = write(snapshot(region(vpcs=[vpc("vpc-1")], status=statuses(ok=[Part.VPCS]))), tmp_path / "s.json")
    Path("vpcaudit.toml").write_text("strict = true\n")
    args = ["audit", str(partial), "-q", "--rules-dir", str(RULEPACK), "--select", "TST003"]
    assert runner.invoke(app, args).exit_code == 3
    assert runner.invoke(app, [*args, "--no-strict"]).exit_code == 0


@pytest.mark.parametrize("command", sorted(COLLECTING))
def test_include_base_account_from_the_config_can_be_turned_off(asked: Asked, command: str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    included: list[bool] = []
    recorder = api.collect_accounts

    def spy(session: Any, regions: list[str] | None, parts: frozenset[Part], **kwargs: Any) -> Any:
        included.append(kwargs["accounts"].include_base)
        return recorder(session, regions, parts, **kwargs)

    monkeypatch.setattr(api, "collect_accounts", spy)
    Path("vpcaudit.toml").write_text('role-arns = ["arn:aws:iam::222222222222:role/audit"]\n'
                                     "include-base-account = true\n")
    run(command)
    run(command, "--no-include-base-account")
    assert included == [True, False]
