"""A rule pack from a folder is Python that runs with the user's AWS credentials: it loads only when asked.

Asked means ``--rules-dir`` on the command line, or a configuration file that names ``rules-dir``
*and* opts in with ``trust-rules-dir = true`` — announced on stderr before anything is imported,
so a ``vpcaudit.toml`` in a cloned repository cannot run its code silently. A folder that yields
no rule is an error (a typo must not silently run nothing extra).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from engine_snapshots import RULEPACK, region, snapshot, vpc, write
from typer.testing import CliRunner

from vpcaudit.cli import app

runner = CliRunner()
PLANTED = '''\
from pathlib import Path

Path(__file__).with_name("ran.txt").write_text("the pack ran")
'''


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    """A folder whose only module does something as soon as it is imported."""
    folder = tmp_path / "their-rules"
    folder.mkdir()
    (folder / "create_vpc.py").write_text(PLANTED)
    return folder


def audit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    monkeypatch.chdir(tmp_path)
    snap = write(snapshot(region(vpcs=[vpc("vpc-1", audit="bad")])), tmp_path / "s.json")
    done = runner.invoke(app, ["audit", str(snap), *args], catch_exceptions=False)
    return done.exit_code, done.stderr


def test_a_config_file_cannot_load_a_rule_folder_without_opting_in(tmp_path: Path, planted: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "vpcaudit.toml").write_text('rules-dir = ["their-rules"]\n')
    code, err = audit(tmp_path, monkeypatch)
    assert code == 2
    assert err.strip() == (f"error: {tmp_path / 'vpcaudit.toml'}: rules-dir runs the Python files of "
                           f"{planted} with your AWS credentials: add trust-rules-dir = true to this file to "
                           "allow it, or pass --rules-dir on the command line")
    assert not (planted / "ran.txt").exists()


def test_the_same_holds_for_pyproject(tmp_path: Path, planted: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.vpcaudit]\nrules-dir = ["their-rules"]\n')
    code, err = audit(tmp_path, monkeypatch)
    assert code == 2 and "add trust-rules-dir = true to its [tool.vpcaudit] table" in err
    assert not (planted / "ran.txt").exists()


def test_an_opted_in_rule_folder_is_announced_before_it_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "vpcaudit.toml"
    config.write_text(f'rules-dir = ["{RULEPACK}"]\ntrust-rules-dir = true\nselect = ["TST001"]\n')
    code, err = audit(tmp_path, monkeypatch)
    assert code == 1  # TST001 ran and found the VPC tagged audit=bad
    assert err.splitlines()[0] == f"loading rule pack rulepack from {RULEPACK} (rules-dir in {config})"


def test_a_rule_folder_given_on_the_command_line_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, err = audit(tmp_path, monkeypatch, "--rules-dir", str(RULEPACK), "--select", "TST001")
    assert code == 1 and "loading rule pack" not in err


def test_a_folder_without_rules_is_an_error(tmp_path: Path, planted: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    for folder, what in ((empty, "no *.py file"), (planted, "no rule in its *.py files")):
        code, err = audit(tmp_path, monkeypatch, "--rules-dir", str(folder))
        assert code == 2
        assert err.strip().startswith(f"error: --rules-dir: rule pack {folder.name!r} ({folder}): {what}"), err
