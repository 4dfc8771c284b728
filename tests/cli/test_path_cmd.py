"""`vpcaudit path` through the typer app: explanation on stdout, exit 2 on bad input."""

from __future__ import annotations

from pathlib import Path

from builders import RegionBuilder, standard_vpc
from typer.testing import CliRunner

from vpcaudit.cli import app
from vpcaudit.snapshot.jsonfile import save


def _snapshot(tmp_path: Path) -> tuple[Path, dict]:
    b = RegionBuilder()
    ids = standard_vpc(b, nat_per_az=False)
    b.gateway_endpoint(ids["vpc"], "s3", route_tables=ids["private_rt"][:2])
    path = tmp_path / "snap.json"
    save(b.snapshot(), path)
    return path, ids


def test_explains_one_destination(tmp_path: Path) -> None:
    snap, ids = _snapshot(tmp_path)
    result = CliRunner().invoke(app, ["path", str(snap), "--subnet", ids["private"][2], "--to", "s3"])
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first == f"{ids['private'][2]} → s3: nat {ids['nat'][0]}  [cross-AZ, via NAT]"
    assert "52.216.0.0/15" in result.output and "wins" in result.output


def test_every_destination_by_default(tmp_path: Path) -> None:
    snap, ids = _snapshot(tmp_path)
    result = CliRunner().invoke(app, ["path", str(snap), "--subnet", ids["private"][0]])
    assert result.exit_code == 0
    assert [line.split(":")[0] for line in result.output.splitlines() if "→" in line and not line.startswith(" ")] \
        == [f"{ids['private'][0]} → {d}" for d in ("s3", "dynamodb", "internet")]


def test_unknown_subnet_destination_and_file(tmp_path: Path) -> None:
    snap, ids = _snapshot(tmp_path)
    runner = CliRunner()
    unknown = runner.invoke(app, ["path", str(snap), "--subnet", "subnet-nope"])
    assert unknown.exit_code == 2 and "subnet-nope is not in" in unknown.output
    bad_dest = runner.invoke(app, ["path", str(snap), "--subnet", ids["private"][0], "--to", "sqs"])
    assert bad_dest.exit_code == 2 and "known: s3, dynamodb, internet" in bad_dest.output
    missing = runner.invoke(app, ["path", str(tmp_path / "none.json"), "--subnet", "x"])
    assert missing.exit_code == 2 and "no such file" in missing.output
