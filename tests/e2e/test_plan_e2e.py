"""`vpcaudit plan` through the installed console script, as a pull-request job runs it.

A saved snapshot of a hand-built estate and Terraform plans / CloudFormation templates written to
files (Terraform 1.9 `terraform show -json` shape, hashicorp/aws 5.x; see tfplan.py). Checked:
exit codes 0 / 1 / 2 / 3 with diff's meanings, 'no network change', the formats and outputs,
config-file defaults, one-line errors for every unreadable input, and the help text.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from plan_estate import build_estate
from schema_check import check_diff
from tfplan import TerraformPlan

from vpcaudit.snapshot.jsonfile import save

pytestmark = pytest.mark.e2e

VPCAUDIT = Path(sys.executable).with_name("vpcaudit")


def run(cwd: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(VPCAUDIT), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    estate = build_estate()
    folder = tmp_path_factory.mktemp("plan")
    out = {"snapshot": folder / "snapshot.json"}
    save(estate.snapshot, out["snapshot"])

    def write(name: str, document: Any) -> None:
        out[name] = folder / name
        out[name].write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")

    nothing = TerraformPlan()
    nothing.noop("aws_vpc.prod", {"id": estate["vpc"], "cidr_block": "10.0.0.0/16"})
    nothing.create("aws_iam_role.flow_logs", {"name": "flow-logs"})
    write("nothing.json", nothing.document())

    worse = TerraformPlan()
    s3 = {"id": estate["s3"], "vpc_id": estate["vpc"], "service_name": "com.amazonaws.us-east-1.s3",
          "vpc_endpoint_type": "Gateway", "route_table_ids": estate["private_rt"][:2]}
    worse.update("aws_vpc_endpoint.s3", s3, {**s3, "route_table_ids": estate["private_rt"][:1]})
    write("worse.json", worse.document())

    unmodelled = TerraformPlan()
    unmodelled.create("aws_instance.web", {"ami": "ami-1", "subnet_id": estate["private"][0]})
    write("unmodelled.json", unmodelled.document())

    write("network.yaml", f"""Parameters:
  Subnet: {{Type: "AWS::EC2::Subnet::Id"}}
Resources:
  Rt: {{Type: AWS::EC2::RouteTable, Properties: {{VpcId: {estate["vpc"]}}}}}
  Assoc: {{Type: AWS::EC2::SubnetRouteTableAssociation, Properties: {{SubnetId: !Ref Subnet, RouteTableId: !Ref Rt}}}}
""")
    write("params.json", [{"ParameterKey": "Subnet", "ParameterValue": estate["private"][0]}])
    write("state.json", {"format_version": "1.0", "terraform_version": "1.9.8", "values": {"root_module": {}}})
    write("broken.json", '{"format_version": "1.2", "resource_changes": [')
    out["binary"] = folder / "tfplan"
    out["binary"].write_bytes(b"PK\x03\x04\x14\x00\x08\x00\x08\x00\xff\xfe")
    return out


def test_a_plan_without_network_change_exits_0(tmp_path: Path, files: dict[str, Path]) -> None:
    done = run(tmp_path, "plan", files["snapshot"], "--terraform", files["nothing.json"], "--strict")
    assert done.returncode == 0, done.stderr
    assert "no network change" in done.stdout
    assert done.stderr.strip() == "vpcaudit plan: no network change → exit 0"


def test_a_worse_path_exits_1_with_the_versioned_json(tmp_path: Path, files: dict[str, Path]) -> None:
    done = run(tmp_path, "plan", files["snapshot"], "--terraform", files["worse.json"], "-f", "json")
    assert done.returncode == 1, done.stderr
    data = check_diff(json.loads(done.stdout))
    assert data["schema_version"] == "1.4" and data["summary"]["worse_paths"] == 1
    assert data["plan"]["source"] == "Terraform plan worse.json (format 1.2, Terraform 1.9.8)"
    [path] = data["paths"]
    assert (path["before"]["kind"], path["after"]["kind"], path["after"]["destination"]) == (
        "gateway-endpoint", "nat", "s3")
    assert "1 traffic path(s) would get worse → exit 1" in done.stderr


def test_not_modelled_changes_exit_3_with_strict(tmp_path: Path, files: dict[str, Path]) -> None:
    assert run(tmp_path, "plan", files["snapshot"], "--terraform", files["unmodelled.json"]).returncode == 0
    done = run(tmp_path, "plan", files["snapshot"], "--terraform", files["unmodelled.json"], "--strict")
    assert done.returncode == 3, done.stderr
    assert "aws_instance.web (create)" in done.stdout and "1 change(s) not judged" in done.stderr


def test_formats_go_to_a_folder_and_the_config_file_sets_defaults(tmp_path: Path, files: dict[str, Path]) -> None:
    (tmp_path / "vpcaudit.toml").write_text('fail-on = "medium"\nselect = ["GWE001"]\n')
    out = tmp_path / "review"
    done = run(tmp_path, "plan", files["snapshot"], "--terraform", files["worse.json"], "-f", "md", "-f", "sarif",
               "-f", "json", "-o", out)
    assert done.returncode == 1, done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["diff.json", "diff.md", "diff.sarif"]
    assert check_diff(json.loads((out / "diff.json").read_text()))["options"]["select"] == "GWE001"
    sarif = json.loads((out / "diff.sarif").read_text())
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} == {"GWE001", "PATH"}
    assert "## Planned change" in (out / "diff.md").read_text()


def test_a_cloudformation_template_with_parameters(tmp_path: Path, files: dict[str, Path]) -> None:
    done = run(tmp_path, "plan", files["snapshot"], "--cloudformation", files["network.yaml"], "--parameters",
               files["params.json"], "-f", "json")
    assert done.returncode == 1, done.stderr  # the subnet moves to a table without NAT or S3: paths get worse
    data = check_diff(json.loads(done.stdout))
    assert data["plan"]["dialect"] == "cloudformation"
    assert {p["address"]: p["resource_ids"] for p in data["plan"]["resources"]} == {
        "Assoc": ["rtbassoc-Assoc (new)"], "Rt": ["rtb-Rt (new)"]}


def test_a_plan_that_cannot_be_read_exits_2_in_one_line(tmp_path: Path, files: dict[str, Path]) -> None:
    """Every other unreadable input is in tests/cli/test_plan_cmd.py (in-process, same code path)."""
    done = run(tmp_path, "plan", files["snapshot"], "--terraform", files["broken.json"])
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --terraform: ") and "Traceback" not in done.stderr


def test_help_documents_exit_codes_with_examples(tmp_path: Path) -> None:
    done = run(tmp_path, "plan", "--help")
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    assert "terraform show -json tfplan > plan.json" in text
    assert "vpcaudit plan prod.json --cloudformation network.yaml --parameters params.json" in text
    for code in ("0 nothing newly failing", "1 a finding newly failing", "2 usage or configuration error",
                 "3 --strict and coverage got worse"):
        assert code in text
