"""The console script's exit code means what --help says, whatever happens inside.

1 is "failing findings" to every pipeline, so a bug (an unexpected exception) must not end with
Python's default exit 1: it prints its traceback, says it is an internal error, and exits 4.
The process then ends at once (``end_now``), its output flushed first.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from vpcaudit.cli.console import guarded


def test_an_unexpected_exception_is_an_internal_error_with_exit_4(capsys: pytest.CaptureFixture[str]) -> None:
    def buggy() -> None:
        raise RuntimeError("a bug")

    with pytest.raises(SystemExit) as stopped:
        guarded(buggy)
    assert stopped.value.code == 4
    err = capsys.readouterr().err
    assert "Traceback" in err and "RuntimeError: a bug" in err
    assert err.splitlines()[-1] == ("vpcaudit: internal error (a bug in vpcaudit or in a rule pack; please report "
                                    "it with the traceback above) → exit 4")


@pytest.mark.parametrize("code", [0, 1, 2, 3])
def test_the_commands_own_exit_codes_pass_through(code: int) -> None:
    def command() -> None:
        raise SystemExit(code)

    with pytest.raises(SystemExit) as stopped:
        guarded(command)
    assert stopped.value.code == code


def _ended(code: str, size: int = 100_000, **run: object) -> subprocess.CompletedProcess[str]:
    """A process that writes ``size`` characters to its buffered stdout and ends through end_now
    (buffered: without PYTHONUNBUFFERED, which would write them at once)."""
    program = ("import sys\nfrom vpcaudit.cli.console import end_now\n"
               f"sys.stdout.write('x' * {size})\nend_now(SystemExit({code}))\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return subprocess.run([sys.executable, "-c", program], text=True, timeout=60, env=env,  # type: ignore[call-overload]
                          **run)


@pytest.mark.parametrize("code", ["0", "1", "3", "None"])
def test_the_process_ends_at_once_with_its_output_flushed(code: str) -> None:
    done = _ended(code, capture_output=True)
    assert done.returncode == (0 if code == "None" else int(code)), done.stderr
    assert done.stdout == "x" * 100_000 and done.stderr == ""


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_last_flush_that_fails_is_one_line_and_exit_2() -> None:
    with open("/dev/full", "w") as full:
        done = _ended("1", 100, stdout=full, stderr=subprocess.PIPE)  # still in the buffer at the end
    assert done.returncode == 2
    assert done.stderr == "error: cannot write to standard output: No space left on device\n"


def test_a_message_instead_of_a_code_leaves_through_pythons_exit() -> None:
    done = _ended("'stopped: why'", capture_output=True)
    assert done.returncode == 1 and done.stderr == "stopped: why\n" and done.stdout == "x" * 100_000
