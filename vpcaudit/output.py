"""Where ``-f/--format`` and ``-o/--output`` send an audit result.

Rules: one format and no ``-o`` (or ``-o -``) → stdout; one format and ``-o FILE`` → that
file; several formats → ``-o DIR``, one file per format under its default name. Targets are
checked *before* the audit runs, so a typo in ``-o`` fails in a second rather than after a
ten-minute scan, and every file is written atomically (a pipeline never reads half a report).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from vpcaudit.engine.result import AuditResult
from vpcaudit.files import atomic_write_text

STDOUT = "-"


class OutputError(ValueError):
    """An output request that cannot be honoured; the message says which path and why."""


@dataclass(frozen=True, slots=True)
class Target:
    fmt: str
    path: Path | None  # None: standard output


def report_filenames() -> dict[str, str]:
    """The audit report formats and the file name each gets inside an output folder."""
    from vpcaudit import render

    return render.REPORT_FORMATS.filenames


def plan_outputs(formats: Sequence[str], output: str | None,
                 filenames: Mapping[str, str] | None = None) -> list[Target]:
    """Validate formats and decide each one's destination.

    ``filenames`` maps every format a command offers to its default file name (default: the
    audit report formats); ``vpcaudit diff`` passes its own formats and routes them the same way.
    """
    names = dict(filenames) if filenames is not None else report_filenames()
    known = tuple(names)
    chosen = list(dict.fromkeys(f.lower() for f in formats)) or ["table"]
    unknown = [f for f in chosen if f not in known]
    if unknown:
        raise OutputError(f"unknown format {', '.join(unknown)} (choose from {', '.join(known)})")
    if len(chosen) == 1:
        path = None if output in (None, STDOUT) else Path(output)
        if path is not None and path.is_dir():
            path = path / names[chosen[0]]
        return [Target(chosen[0], path)]
    if output in (None, STDOUT):
        raise OutputError(f"{len(chosen)} formats need -o DIR (a folder that receives one file per format)")
    folder = Path(output)
    return [Target(fmt, folder / names[fmt]) for fmt in chosen]


def check_writable(targets: Sequence[Target]) -> None:
    """Create missing output folders and make sure each target can be written."""
    for target in targets:
        if target.path is None:
            continue
        folder = target.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create output folder {folder}: {exc.strerror or exc}") from None
        if target.path.is_dir():
            raise OutputError(f"cannot write {target.path}: it is a folder")
        if not os.access(folder, os.W_OK | os.X_OK) or (target.path.exists() and not os.access(target.path, os.W_OK)):
            raise OutputError(f"cannot write {target.path}: permission denied")


def write_outputs(result: AuditResult, targets: Sequence[Target]) -> tuple[list[str], list[Path]]:
    """Render every target; returns (texts for stdout, files written)."""
    from vpcaudit import render

    return write_rendered(targets, lambda fmt: render.render(result, fmt))


def write_rendered(targets: Sequence[Target], render_format: Callable[[str], str]) -> tuple[list[str], list[Path]]:
    """Write ``render_format(fmt)`` for every target (any command's output); returns (texts for
    stdout, files written)."""
    printed: list[str] = []
    written: list[Path] = []
    for target in targets:
        text = render_format(target.fmt)
        if target.path is None:
            printed.append(text)
            continue
        try:
            atomic_write_text(target.path, text)
        except OSError as exc:
            raise OutputError(f"cannot write {target.path}: {exc.strerror or exc}") from None
        written.append(target.path)
    return printed, written
