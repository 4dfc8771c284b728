"""Where the requested formats of a document (an audit result, a diff) go.

Rules: one format and no output (or ``-``) → stdout; one format and a file → that file; several
formats → a folder, one file per format under its default name. Targets are checked *before*
the work starts, so a typo fails in a second rather than after a ten-minute scan, and every file
is written atomically (a pipeline never reads half a report).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from vpcaudit.errors import UsageError
from vpcaudit.files import atomic_write_text

STDOUT = "-"


class OutputError(UsageError):
    """An output request that cannot be honoured; the message says which path and why."""


@dataclass(frozen=True, slots=True)
class Target:
    fmt: str
    path: Path | None  # None: standard output


def plan_outputs(formats: Sequence[str], output: str | None, filenames: Mapping[str, str]) -> list[Target]:
    """Validate formats and decide each one's destination.

    ``filenames`` maps every format the document offers to its default file name inside a folder.
    """
    known = tuple(filenames)
    chosen = list(dict.fromkeys(f.lower() for f in formats)) or ["table"]
    unknown = [f for f in chosen if f not in known]
    if unknown:
        raise OutputError(f"unknown format {', '.join(unknown)} (choose from {', '.join(known)})", "formats")
    if len(chosen) == 1:
        path = None if output in (None, STDOUT) else Path(output)
        if path is not None and path.is_dir():
            path = path / filenames[chosen[0]]
        return [Target(chosen[0], path)]
    if output in (None, STDOUT):
        raise OutputError(f"{len(chosen)} formats need a folder to write to (one file per format)", "output")
    folder = Path(output)
    return [Target(fmt, folder / filenames[fmt]) for fmt in chosen]


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
