"""`vpcaudit plan` through the typer app: one line and exit 2 for every input it cannot use."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from plan_estate import build_estate
from tfplan import TerraformPlan
from typer.testing import CliRunner

from vpcaudit.cli import app
from vpcaudit.snapshot.jsonfile import save


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    estate = build_estate()
    folder = tmp_path_factory.mktemp("plan-cmd")
    out = {"snapshot": folder / "snapshot.json", "plan": folder / "plan.json", "template": folder / "network.yaml",
           "params": folder / "params.json", "state": folder / "state.json", "broken": folder / "broken.json",
           "binary": folder / "tfplan", "bad_params": folder / "bad-params.json"}
    save(estate.snapshot, out["snapshot"])
    out["plan"].write_text(json.dumps(TerraformPlan().document()))
    out["template"].write_text("Parameters:\n  Subnet: {Type: String}\nResources:\n"
                               f"  Rt: {{Type: AWS::EC2::RouteTable, Properties: {{VpcId: {estate['vpc']}}}}}\n")
    out["params"].write_text(json.dumps({"Subnet": estate["private"][0]}))
    out["bad_params"].write_text(json.dumps([{"ParameterKey": "Subnet", "UsePreviousValue": True}]))
    out["state"].write_text(json.dumps({"format_version": "1.0", "values": {"root_module": {}}}))
    out["broken"].write_text('{"format_version": "1.2", "resource_changes": [')
    out["binary"].write_bytes(b"PK\x03\x04\x14\x00\x08\x00\xff\xfe")
    return out


@pytest.mark.parametrize(("case", "message"), [
    ("state file", "error: --terraform: state.json: not a Terraform plan: no 'resource_changes' (a state file? use "
                   "`terraform show -json PLANFILE`)"),
    ("binary plan", "error: --terraform: {folder}/tfplan: not text; give the output of `terraform show -json "
                    "PLANFILE`, not the binary plan"),
    ("missing file", "error: --terraform: {folder}/nope.json: no such file"),
    ("both", "error: give one of --terraform PLAN.json or --cloudformation TEMPLATE"),
    ("neither", "error: give one of --terraform PLAN.json or --cloudformation TEMPLATE"),
    ("parameters without template", "error: --parameters, --region and --account go with --cloudformation"),
    ("unknown format", "error: --format: unknown format html (choose from table, md, json, sarif)"),
    ("missing parameter", "error: --parameters: parameter Subnet has no Default: give its value in --parameters"),
    ("previous value", "error: --parameters: {folder}/bad-params.json: UsePreviousValue needs the deployed stack; "
                       "give the value itself"),
    ("bad snapshot", "error: {folder}/broken.json: not valid JSON: "),
])
def test_exit_2_with_one_line(files: dict[str, Path], case: str, message: str) -> None:
    snap, folder = files["snapshot"], files["snapshot"].parent
    args: dict[str, list[str | Path]] = {
        "state file": [snap, "--terraform", files["state"]],
        "binary plan": [snap, "--terraform", files["binary"]],
        "missing file": [snap, "--terraform", folder / "nope.json"],
        "both": [snap, "--terraform", files["plan"], "--cloudformation", files["template"]],
        "neither": [snap],
        "parameters without template": [snap, "--terraform", files["plan"], "--parameters", files["params"]],
        "unknown format": [snap, "--terraform", files["plan"], "-f", "html"],
        "missing parameter": [snap, "--cloudformation", files["template"]],
        "previous value": [snap, "--cloudformation", files["template"], "--parameters", files["bad_params"]],
        "bad snapshot": [files["broken"], "--terraform", files["plan"]],
    }
    result = CliRunner().invoke(app, ["plan", *map(str, args[case])])
    assert result.exit_code == 2, (result.stdout, result.stderr)
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(message.format(folder=folder)), line
