"""The console script's exit code means what --help says, whatever happens inside.

1 is "failing findings" to every pipeline, so a bug (an unexpected exception) must not end with
Python's default exit 1: it prints its traceback, says it is an internal error, and exits 4.
"""

from __future__ import annotations

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
