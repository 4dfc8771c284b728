"""Hostile or broken input files are one line and exit 2, never a traceback.

A snapshot (or a TOML file) nested thousands of levels deep makes Python's parsers raise
RecursionError; one nested a few hundred levels parses, then breaks whatever walks it later.
Both are malformed input, reported as such by every command that reads the file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import RegionBuilder, standard_vpc
from engine_snapshots import region, snapshot, vpc, write
from typer.testing import CliRunner

from vpcaudit.cli import app
from vpcaudit.snapshot.jsonfile import SnapshotError, from_json, save
from vpcaudit.snapshot.resources import decode_policy

runner = CliRunner()


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def hostile(tmp_path: Path, depth: int, where: str = "options") -> Path:
    good = write(snapshot(region(vpcs=[vpc("vpc-1")])), tmp_path / "good.json")
    data = json.loads(good.read_text())
    text = json.dumps(data).replace(f'"{where}": ', f'"{where}": {{"x": {nested(depth)}, "y": ', 1)
    text = text.replace(f'"{where}": {{"x": {nested(depth)}, "y": {{}}', f'"{where}": {{"x": {nested(depth)}}}', 1)
    path = tmp_path / f"deep-{depth}.json"
    path.write_text(text)
    return path


@pytest.mark.parametrize("depth", [100_000, 900])
def test_a_deeply_nested_snapshot_is_malformed(tmp_path: Path, depth: int) -> None:
    path = hostile(tmp_path, depth)
    with pytest.raises(SnapshotError, match="malformed snapshot: nested more than 100 levels deep"):
        from_json(path.read_text(), str(path))


@pytest.mark.parametrize("command", [["audit"], ["path", "--subnet", "subnet-1"], ["diff", "GOOD"]])
def test_every_command_that_reads_a_snapshot_says_so_in_one_line(tmp_path: Path, command: list[str]) -> None:
    deep = hostile(tmp_path, 100_000)
    good = tmp_path / "good.json"
    args = [command[0], str(deep), *[str(good) if a == "GOOD" else a for a in command[1:]]]
    done = runner.invoke(app, args, catch_exceptions=False)
    assert done.exit_code == 2
    assert done.stderr.strip() == f"error: {deep}: malformed snapshot: nested more than 100 levels deep"


@pytest.mark.parametrize(("option", "prefix"), [("--config", ""), ("--suppressions", "[[suppress]]\n"),
                                                ("--pricing", "[pricing]\n")])
def test_a_deeply_nested_toml_file_is_one_line(tmp_path: Path, option: str, prefix: str) -> None:
    good = write(snapshot(region(vpcs=[vpc("vpc-1")])), tmp_path / "good.json")
    toml = tmp_path / "deep.toml"
    toml.write_text(f"{prefix}select = {nested(5_000)}\n")
    done = runner.invoke(app, ["audit", str(good), option, str(toml)], catch_exceptions=False)
    assert done.exit_code == 2
    assert done.stderr.strip().endswith(f"{toml}: not a readable TOML file: nested too deeply")


def test_a_deeply_nested_policy_document_is_an_invalid_policy() -> None:
    with pytest.raises(ValueError, match="nested too deeply"):
        decode_policy('{"Statement": ' + nested(100_000) + "}")


# -- numbers that are not numbers ------------------------------------------------------------


def nat_estate(tmp_path: Path, total: str = "1073741824.0") -> Path:
    """A private subnet behind a NAT gateway, with two weeks of NAT traffic (so costs are priced)."""
    b = RegionBuilder()
    ids = standard_vpc(b, nat_per_az=False)
    b.metric(ids["nat"][0], "AWS/NATGateway", "BytesOutToDestination", 1073741824.0)
    path = tmp_path / "nat.json"
    save(b.snapshot(), path)
    text = path.read_text()
    assert '"total": 1073741824.0' in text
    path.write_text(text.replace('"total": 1073741824.0', f'"total": {total}'))
    return path


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e308", "-0.01"])
def test_a_price_that_is_not_a_finite_sane_number_is_refused(tmp_path: Path, value: str) -> None:
    pricing = tmp_path / "pricing.toml"
    pricing.write_text(f"[pricing]\nnat_gateway_hour = {value}\n")
    done = runner.invoke(app, ["audit", str(nat_estate(tmp_path)), "--pricing", str(pricing), "-f", "json"],
                         catch_exceptions=False)
    assert done.exit_code == 2, done.stdout
    assert done.stderr.strip() == (f"error: {pricing}: 'nat_gateway_hour' must be a number from 0 to "
                                   f"1,000,000, got {float(value)!r}")


@pytest.mark.parametrize(("total", "problem"), [
    ("NaN", "not valid JSON: NaN is"), ("Infinity", "not valid JSON: Infinity is"),
    ("-Infinity", "not valid JSON: -Infinity is"), ("1" * 5000, "not valid JSON: Exceeds the limit"),
    ("1e999", "expected a finite number"), ("-5.0", "a metric total must be from 0 to"),
    ("1e300", "a metric total must be from 0 to"),
])
def test_a_metric_that_is_not_a_finite_sane_number_is_refused(tmp_path: Path, total: str, problem: str) -> None:
    snap = nat_estate(tmp_path, total)
    done = runner.invoke(app, ["audit", str(snap), "-f", "json"], catch_exceptions=False)
    assert done.exit_code == 2, done.stdout
    assert problem in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_json_constants_are_named_in_the_error(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match="NaN is not a JSON number"):
        from_json(nat_estate(tmp_path, "NaN").read_text(), "nat.json")
