"""Standard output through the installed console script: aliases, full disks, closed pipes.

``-o /dev/stdout`` is standard output (not a file to replace); a write to standard output that
fails — ``> /dev/full``, or a reader that went away (``| head``) — is one line on stderr and exit
2, never a traceback and never exit 1, which a pipeline reads as "failing findings".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from engine_snapshots import RULEPACK, region, snapshot, vpc, write

pytestmark = pytest.mark.e2e

VPCAUDIT = Path(sys.executable).with_name("vpcaudit")


@pytest.fixture
def snap(tmp_path: Path) -> Path:
    return write(snapshot(region(vpcs=[vpc(f"vpc-{i}", audit="bad") for i in range(300)])), tmp_path / "s.json")


def audit_args(snap: Path, *args: str) -> list[str]:
    return [str(VPCAUDIT), "audit", str(snap), "--rules-dir", str(RULEPACK), "--select", "TST001", *args]


@pytest.mark.parametrize("alias", ["link-to-dev-stdout", "/dev/fd/1"])
def test_dev_stdout_is_standard_output_even_when_it_is_a_file(tmp_path: Path, snap: Path, alias: str) -> None:
    # A link of our own to /dev/stdout rather than /dev/stdout itself: were the write ever to
    # replace what it names again, it must not replace the machine's /dev/stdout (tests run as root).
    (tmp_path / "link-to-dev-stdout").symlink_to("/dev/stdout")
    captured = tmp_path / "captured.json"
    captured.write_text("kept\n")
    with captured.open("a") as out:  # `>> captured.json`: what was there must stay
        done = subprocess.run(audit_args(snap, "-f", "json", "-o", alias), stdout=out, stderr=subprocess.PIPE,
                              text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    head, body = captured.read_text().split("\n", 1)
    assert head == "kept"
    assert len(json.loads(body)["findings"]) == 300  # the JSON alone: no table mixed in
    assert (tmp_path / "link-to-dev-stdout").is_symlink()
    assert "wrote" not in done.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["rules", "list"], ["iam-policy"], ["--help"]])
def test_a_full_disk_on_stdout_is_one_line_and_exit_2(args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run([str(VPCAUDIT), *args], stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr == "error: cannot write to standard output: No space left on device\n"


def test_a_reader_that_went_away_is_one_line_and_exit_2(snap: Path) -> None:
    process = subprocess.Popen(audit_args(snap, "-f", "json"), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # like `| head -c 0`: the reader is gone before anything is written
    stderr = process.stderr.read()
    assert process.wait(timeout=120) == 2, stderr
    assert stderr == "error: cannot write to standard output: Broken pipe\n"
