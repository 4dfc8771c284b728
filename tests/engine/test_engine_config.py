"""Configuration files: discovery, validation, relative paths."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vpcaudit.config import ConfigError, find_config, load_config, read_config
from vpcaudit.engine.rule import Severity


def test_vpcaudit_toml_wins_over_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.vpcaudit]\nselect = ["DNS"]\n')
    assert find_config(tmp_path) == tmp_path / "pyproject.toml"
    (tmp_path / "vpcaudit.toml").write_text('select = ["GWE"]\n')
    assert find_config(tmp_path) == tmp_path / "vpcaudit.toml"


def test_pyproject_without_our_table_or_broken_is_not_a_config(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.black]\nline-length = 100\n')
    assert find_config(tmp_path) is None
    (tmp_path / "pyproject.toml").write_text('[tool.vpcaudit\n')
    assert find_config(tmp_path) is None
    assert load_config(None, tmp_path).values == {}


def test_keys_map_to_settings_and_paths_are_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "vpcaudit.toml").write_text(
        'select = "DNS"\nignore = ["DNS004"]\nmin-severity = "LOW"\nfail_on = "medium"\n'
        'suppressions = "accepted.toml"\npricing = "/etc/pricing.toml"\nregions = ["eu-west-1"]\n'
        'rules-dir = ["ours"]\ntrust-rules-dir = true\n')
    config = read_config(tmp_path / "vpcaudit.toml")
    assert config.values == {
        "select": ["DNS"], "ignore": ["DNS004"], "min_severity": Severity.LOW, "fail_on": Severity.MEDIUM,
        "suppressions": str(tmp_path / "accepted.toml"), "pricing": "/etc/pricing.toml", "regions": ["eu-west-1"],
        "rules_dirs": [str(tmp_path / "ours")], "trust_rules_dir": True}


@pytest.mark.parametrize(("body", "message"), [
    ('selct = ["DNS"]\n', "unknown key 'selct'"),
    ('fail-on = "severe"\n', "fail-on: expected one of critical, high, medium, low, info, got 'severe'"),
    ('select = [1]\n', "select: expected a list of strings or a comma-separated string, got [1]"),
    ('pricing = 3\n', "pricing: expected a string, got 3"),
    ('profile = "prod"\n', "unknown key 'profile'"),
    ('select = [\n', "not a readable TOML file"),
])
def test_bad_values_name_file_and_key(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "vpcaudit.toml"
    path.write_text(body)
    with pytest.raises(ConfigError) as exc:
        read_config(path)
    assert str(exc.value).startswith(str(path)) and message in str(exc.value)


def test_pyproject_keys_are_reported_with_their_table(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[tool.vpcaudit]\nfoo = 1\n')
    with pytest.raises(ConfigError, match=re.escape("unknown key 'tool.vpcaudit.foo'")):
        read_config(path)


def test_explicit_config_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_config(tmp_path / "missing.toml")
