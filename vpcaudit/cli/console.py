"""What the commands show on the terminal besides their outputs: one-line errors, progress,
collection gaps and call statistics — all on stderr, so stdout stays clean for machine output."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn, TextIO

import typer
from tabulate import tabulate

from vpcaudit import api
from vpcaudit.errors import VpcauditError, describe
from vpcaudit.options import CLI_SPELLING

# Settings that only the command line names (command arguments and face-only options).
_SPELLING = {**CLI_SPELLING, "output": "--output", "formats": "--format", "subnet": "--subnet", "to": "--to",
             "pack": "--pack", "result": "result file", "terraform": "--terraform",
             "cloudformation": "--cloudformation", "parameters": "--parameters", "stack_region": "--region",
             "snapshot_out": "--snapshot-out"}


def fail(problem: VpcauditError | str) -> NoReturn:
    """One line on stderr and exit 2: every usage, configuration or credential error ends here."""
    text = describe(problem, _SPELLING) if isinstance(problem, VpcauditError) else problem
    say(f"error: {text}")
    raise typer.Exit(int(api.ExitCode.USAGE))


def say(line: str, *, err: bool = True) -> None:
    """Print one line that may carry AWS, snapshot or file text (stderr unless told otherwise).

    Such text is the audited account's, or whoever wrote the file: escape sequences in it would
    drive the terminal (retitle it, plant a hyperlink, hide text), so controls, bidi overrides
    and newlines are removed here, for every line a command prints besides its rendered outputs.
    """
    typer.echo(api.terminal_safe(line), err=err)


class StdoutLost(Exception):
    """Standard output cannot take what is written (a full disk, a reader that went away).

    Deliberately not an OSError: click answers an EPIPE it sees with exit code 1, which a
    pipeline reads as "failing findings".
    """

    def __init__(self, error: OSError) -> None:
        super().__init__(error.strerror or str(error))
        self.error = error


class _GuardedStdout:
    """Standard output as it is, except that a failed write or flush raises :class:`StdoutLost`."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as exc:
            raise StdoutLost(exc) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            raise StdoutLost(exc) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def guarded(command: Callable[[], Any]) -> NoReturn:
    """Run the CLI so that its exit code always means what ``--help`` says.

    0-3 come from the commands. A write to standard output that fails is one line and exit 2
    (like an unwritable ``--output``). An unexpected exception is a bug: its traceback, one line
    saying so, and exit 4 — never Python's default 1, which would read as "failing findings".
    """
    if not isinstance(sys.stdout, _GuardedStdout):
        sys.stdout = _GuardedStdout(sys.stdout)  # type: ignore[assignment]
    try:
        command()
    except StdoutLost as lost:
        _discard_stdout()
        _say_on_stderr(f"error: cannot write to standard output: {lost}")
        raise SystemExit(int(api.ExitCode.USAGE)) from None
    except Exception:
        traceback.print_exc()
        _say_on_stderr(f"vpcaudit: internal error (a bug in vpcaudit or in a rule pack; please report it with the "
                       f"traceback above) → exit {int(api.ExitCode.INTERNAL)}")
        raise SystemExit(int(api.ExitCode.INTERNAL)) from None
    raise SystemExit(0)  # only reached if the command returned instead of exiting


def end_now(done: SystemExit) -> NoReturn:
    """End the process with ``done``'s exit code at once, leaving its memory to the kernel.

    Why: after an organization's audit the process holds tens of millions of records (the
    snapshot, the result's outline); Python's own exit frees them one by one, 1 to 2 s at 500
    accounts × 17 Regions after everything was written. What that exit would still do that
    matters is done here first: standard output flushed (a last flush that fails is one line and
    exit 2, like any failed write to it) and then standard error, and logging's handlers closed.
    Nothing else is pending by then: the commands' thread pools and forked workers have ended and
    their temporary files are closed. A code that is not a number (a message) leaves through
    Python's own exit, which prints it."""
    if done.code is not None and not isinstance(done.code, int):
        raise done
    status = done.code or 0
    try:
        sys.stdout.flush()
    except (StdoutLost, OSError) as failed:
        lost = failed if isinstance(failed, StdoutLost) else StdoutLost(failed)
        _discard_stdout()
        _say_on_stderr(f"error: cannot write to standard output: {lost}")
        status = int(api.ExitCode.USAGE)
    logging.shutdown()
    with contextlib.suppress(OSError):  # stderr is gone: the exit code is all that is left
        sys.stderr.flush()
    os._exit(status)


def _discard_stdout() -> None:
    """Point the process's standard output at /dev/null, so the text still buffered for it cannot
    fail again when Python flushes it at exit (which would print a second error)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno() if sys.__stdout__ else 1)
        os.close(devnull)
    except OSError:
        return


def _say_on_stderr(line: str) -> None:
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except OSError:  # stderr is gone too: the exit code is all that is left
        return


class StderrProgress:
    """A one-line progress bar redrawn in place; silent when stderr is not a terminal.

    Called from worker threads as ``(done, total, label)``, hence the lock.
    """

    WIDTH = 30

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stderr
        self._live = self._stream.isatty()
        self._lock = threading.Lock()
        self._drawn = False

    def __call__(self, done: int, total: int, label: str) -> None:
        if not self._live:
            return
        filled = self.WIDTH * done // total if total else self.WIDTH
        line = f"\rcollecting [{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{total} {label}"
        with self._lock:
            self._stream.write(line[:120].ljust(120))
            self._stream.flush()
            self._drawn = True

    def close(self) -> None:
        with self._lock:
            if self._drawn:
                self._stream.write("\r" + " " * 120 + "\r")
                self._stream.flush()


def refused_accounts(snapshot: api.Snapshot) -> list[str]:
    """One line per account whose role could not be used: a scheduled audit must not lose one silently."""
    lines = []
    for account in snapshot.accounts:
        refused = account.refused
        if refused is not None:
            code = f" [{refused.error_code}]" if refused.error_code else ""
            lines.append(f"account {account.account_id} not collected: {refused.state.value}{code} "
                         f"{refused.message or ''}".rstrip())
    return lines


def skipped_accounts(snapshot: api.Snapshot) -> list[str]:
    """One line per organization account left out because of its state (suspended, closing)."""
    return [f"account {s.account_id} skipped: {s.state}" + (f" ({s.name})" if s.name else "")
            for s in snapshot.skipped_accounts]


def gaps(snapshot: api.Snapshot) -> list[str]:
    """One line per part that was requested but not collected, saying why (refused accounts are
    reported whole by :func:`refused_accounts`)."""
    lines = []
    for account in snapshot.accounts:
        if account.refused is not None:
            continue
        scopes = [("account", s) for s in account.status] + [(reg.region, s) for reg in account.regions
                                                              for s in reg.status]
        for where, status in scopes:
            if status.state not in (api.State.OK, api.State.SKIPPED):
                code = f" [{status.error_code}]" if status.error_code else ""
                lines.append(f"{account.account_id} {where} {status.part.value}: {status.state.value}{code} "
                             f"{status.message or ''}".rstrip())
    return lines


def stats_table(calls: dict[str, int], http_attempts: dict[str, int]) -> str:
    """Calls (pages) and HTTP attempts per operation, with a total row."""
    ops = sorted(set(calls) | set(http_attempts))
    rows = [(op, calls.get(op, 0), http_attempts.get(op, 0)) for op in ops]
    rows.append(("total", sum(calls.values()), sum(http_attempts.values())))
    return tabulate(rows, headers=("operation", "calls", "HTTP attempts"), tablefmt="simple")


@contextmanager
def progress_bar(quiet: bool) -> Iterator[StderrProgress | None]:
    """A progress bar for long work (None when quiet), erased when the work ends or fails."""
    bar = None if quiet else StderrProgress()
    try:
        yield bar
    finally:
        if bar is not None:
            bar.close()
