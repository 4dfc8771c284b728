"""The files plan and fix read are hostile-input too: one line and exit 2, never a traceback or a hang.

A Terraform plan, a CloudFormation template (JSON or YAML), its parameters and an audit result
can be nested past Python's recursion limit, carry NaN, or — in YAML — expand aliases
exponentially (a "billion laughs" document is a few hundred bytes). CloudFormation does not
take YAML aliases at all, so a template that uses them is refused before anything walks it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from plan_estate import build_estate
from typer.testing import CliRunner

from vpcaudit.cli import app
from vpcaudit.snapshot.jsonfile import save

runner = CliRunner()
DEEP = "[" * 100_000 + "]" * 100_000
LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(9))
LAUGHS += "Resources: {Rt: {Type: AWS::EC2::RouteTable, Properties: {VpcId: *j}}}\n"


@pytest.fixture(scope="module")
def snapshot_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "snapshot.json"
    save(build_estate().snapshot, path)
    return path


def one_error_line(args: list[str]) -> str:
    done = runner.invoke(app, args, catch_exceptions=False)
    assert done.exit_code == 2, (done.stdout[-300:], done.stderr[-300:])
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("error: "), line
    return line


@pytest.mark.parametrize(("option", "name", "text", "expected"), [
    ("--terraform", "plan.json", '{"format_version": "1.2", "x": ' + DEEP + "}", "nested more than 200 levels deep"),
    ("--terraform", "plan.json", '{"format_version": "1.2", "x": NaN}', "NaN is not a JSON number"),
    ("--cloudformation", "stack.json", '{"Resources": ' + DEEP + "}", "nested more than 200 levels deep"),
    ("--cloudformation", "stack.yaml", "Resources:\n  x: " + DEEP + "\n", "nested more than 200 levels deep"),
    ("--cloudformation", "stack.yaml", LAUGHS, "YAML aliases (*a) are not CloudFormation"),
])
def test_a_hostile_plan_or_template_is_one_line(tmp_path: Path, snapshot_file: Path, option: str, name: str,
                                                text: str, expected: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    assert expected in one_error_line(["plan", str(snapshot_file), option, str(path)])


def test_a_hostile_result_is_one_line(tmp_path: Path) -> None:
    result = tmp_path / "result.json"
    result.write_text('{"schema_version": "1.0", "findings": ' + DEEP + "}")
    assert one_error_line(["fix", str(result)]).endswith(f"{result}: malformed result: nested more than 100 levels "
                                                         "deep")
    result.write_text(json.dumps({"schema_version": "1.0", "findings": []}).replace("[]", "[Infinity]"))
    assert "Infinity is not a JSON number" in one_error_line(["fix", str(result)])


NUL_FILES = [
    (["audit", "{bad}"], "{bad}: cannot read: not a text file"),
    (["diff", "{bad}", "{bad}"], "cannot read: not a text file"),
    (["path", "{bad}", "--subnet", "subnet-1"], "cannot read: not a text file"),
    (["fix", "{bad}"], "cannot read: not a text file"),
    (["plan", "{snapshot}", "--terraform", "{bad}"], "not text; give the output of `terraform show -json"),
    (["plan", "{snapshot}", "--cloudformation", "{bad}"], "cannot read: not a text file"),
    (["audit", "{snapshot}", "--config", "{bad}"], "not a text file"),
]


@pytest.mark.parametrize(("args", "expected"), NUL_FILES, ids=[" ".join(a[:1] + a[2:3]) for a, _ in NUL_FILES])
def test_a_file_that_is_not_text_is_refused_at_its_first_block(tmp_path: Path, snapshot_file: Path,
                                                               args: list[str], expected: str) -> None:
    """No format vpcaudit reads holds a NUL byte: a binary file is one line and exit 2."""
    bad = tmp_path / "binary.bin"
    bad.write_bytes(b"\0" * 100_000 + b"{}")  # what /dev/zero gives, but with an end
    line = one_error_line([a.format(bad=bad, snapshot=snapshot_file) for a in args])
    assert expected.format(bad=bad) in line


def test_a_device_without_end_is_refused_before_it_fills_memory(tmp_path: Path) -> None:
    """/dev/zero used to be read until memory ran out and then reported as a bug (exit 4); in a
    child limited to 2 GiB of address space and a minute, it must be one line and exit 2."""
    import resource
    import subprocess
    import sys

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    vpcaudit = str(Path(sys.executable).with_name("vpcaudit"))  # the installed console script
    done = subprocess.run([vpcaudit, "audit", "/dev/zero"], capture_output=True, text=True, timeout=60,
                          preexec_fn=limited)
    assert done.returncode == 2, done.stderr[-500:]
    assert "/dev/zero: cannot read: not a text file" in done.stderr
