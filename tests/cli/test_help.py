"""Every --help reads cleanly: named placeholders, examples one per line, exit codes listed."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from vpcaudit.cli import app

runner = CliRunner()
COMMANDS = [["audit"], ["scan"], ["collect"], ["diff"], ["plan"], ["fix"], ["publish", "securityhub"], ["path"],
            ["rules", "list"], ["rules", "show"], ["rules", "docs"], ["iam-policy"], ["demo"]]
# What typer prints when a parameter has no metavar of its own: <str>, <path>, {snapshot}…
GENERIC_PLACEHOLDER = re.compile(r"<(str|text|path|integer|int|float|choice)>|\{[a-z_]+\}")


def help_of(command: list[str]) -> str:
    done = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "100"})
    assert done.exit_code == 0, done.output
    return done.stdout


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_no_generic_placeholders(command: list[str]) -> None:
    assert GENERIC_PLACEHOLDER.findall(help_of(command)) == []


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_each_example_is_on_a_line_of_its_own(command: list[str]) -> None:
    text = help_of(command)
    examples = [line.strip() for line in text.splitlines() if line.strip().startswith("vpcaudit ")]
    assert examples, "every command shows examples"
    for example in examples:
        chained = "&&" in example or " | " in example  # one example running two commands
        assert example.count("vpcaudit ") == 1 or chained or "`vpcaudit" in example, example


@pytest.mark.parametrize("command", [c for c in COMMANDS if c[0] not in ("rules", "iam-policy", "fix", "publish")],
                         ids=" ".join)
def test_exit_codes_include_internal_errors(command: list[str]) -> None:
    text = help_of(command)
    assert "Exit codes:" in text and re.search(r"^\s+4\s+internal error", text, flags=re.M), text[-600:]
