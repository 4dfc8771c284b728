"""Where the requested formats of a document (an audit result, a diff, a snapshot) go.

Rules: one format and no output (or ``-``, or a path naming this process's standard output
such as ``/dev/stdout``) → stdout; one format and a file → that file; several formats → a
folder, one file per format under its default name. Targets are checked *before* the work
starts, so a typo fails in a second rather than after a ten-minute scan: a target that is an
input of the same run (compared resolved: symlinks and ``..`` do not hide it) or another
target of the run is refused, and so is a target whose folder cannot be created or written.
Nothing is created by the check: folders are made when the first file is written, and removed
again if that write fails, so a failed run leaves nothing behind. Files are written by
:func:`vpcaudit.files.atomic_write_text` (atomically for regular files; devices and FIFOs are
written through, never replaced).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from vpcaudit.errors import UsageError
from vpcaudit.files import Chunk, atomic_write_chunks, atomic_write_text, own_descriptor

STDOUT = "-"
_STDOUT_DESCRIPTOR = 1


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
        target = single_target(chosen[0], output)
        if target.path is not None and target.path.is_dir():
            return [Target(chosen[0], target.path / filenames[chosen[0]])]
        return [target]
    if output in (None, STDOUT):
        raise OutputError(f"{len(chosen)} formats need a folder to write to (one file per format)", "output")
    folder = Path(output)
    return [Target(fmt, folder / filenames[fmt]) for fmt in chosen]


def single_target(fmt: str, output: str | None) -> Target:
    """The destination of one output: stdout for none, ``-`` or a path naming this process's
    standard output (``/dev/stdout``: writing it like any file would mix with what is printed)."""
    if output in (None, STDOUT) or own_descriptor(output) == _STDOUT_DESCRIPTOR:
        return Target(fmt, None)
    return Target(fmt, Path(output))


def check_outputs(targets: Sequence[Target], inputs: Mapping[str, str | os.PathLike[str]] | None = None,
                  taken: Mapping[str, Sequence[Target]] | None = None, setting: str = "output") -> None:
    """Make sure each target can be written without destroying anything the run needs.

    ``inputs``: what the run reads, by what it is (``{"snapshot": path}``); ``taken``: targets
    already planned for other outputs of the run, by what they hold (``{"report": [...]}``).
    ``setting`` is the setting the targets come from, for the error message. Creates nothing.
    """
    others = [(f"the {label} this run reads", Path(path)) for label, path in (inputs or {}).items()]
    others += [(f"also where the {label} goes", t.path) for label, planned in (taken or {}).items()
               for t in planned if t.path is not None]
    for index, target in enumerate(targets):
        if target.path is None:
            continue
        siblings = [("also where another format goes", t.path) for t in targets[:index] if t.path is not None]
        for what, other in [*others, *siblings]:
            if _same_file(target.path, other):
                if what.startswith("also"):
                    raise OutputError(f"{target.path} is {what}: choose another file", setting)
                raise OutputError(f"{target.path} is {what}: choose another output file", setting)
        _check_writable(target.path, setting)


def _check_writable(path: Path, setting: str) -> None:
    if own_descriptor(path) is not None or _exists_special(path):
        if not os.access(path, os.W_OK):
            raise OutputError(f"cannot write {path}: permission denied", setting)
        return
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder", setting)
    folder = path.parent
    existing = next(p for p in (folder, *folder.parents) if os.path.lexists(p))
    if not existing.is_dir():
        raise OutputError(f"cannot create output folder {folder}: {existing} is not a folder", setting)
    writable = os.access(existing, os.W_OK | os.X_OK)
    if not writable or (path.exists() and not os.access(path, os.W_OK)):
        raise OutputError(f"cannot write {path}: permission denied", setting)


def _exists_special(path: Path) -> bool:
    """An existing device, FIFO or socket (symlinks followed): written through, checked as itself."""
    return path.exists() and not (path.is_file() or path.is_dir())


def _same_file(one: Path, other: Path) -> bool:
    """True when both paths name one file: the same inode if both exist, else the same resolved path."""
    try:
        return os.path.samefile(one, other)
    except OSError:
        return os.path.realpath(one) == os.path.realpath(other)


def write_rendered(targets: Sequence[Target], render_format: Callable[[str], str],
                   stream_format: Callable[[str], Iterable[Chunk] | None] | None = None,
                   ) -> tuple[list[str], list[Path]]:
    """Write ``render_format(fmt)`` for every target (any command's output); returns (texts for
    stdout, files written). A file whose format ``stream_format`` writes as chunks is written
    chunk by chunk. Folders are created as needed; when a write fails, the folders this call
    created are removed again if nothing was written into them."""
    printed: list[str] = []
    written: list[Path] = []
    created: list[Path] = []
    try:
        for target in targets:
            if target.path is None:
                printed.append(render_format(target.fmt))
                continue
            chunks = stream_format(target.fmt) if stream_format is not None else None
            text = render_format(target.fmt) if chunks is None else None
            created += _make_folders(target.path.parent)
            try:
                if chunks is not None:
                    atomic_write_chunks(target.path, chunks)
                else:
                    atomic_write_text(target.path, text or "")
            except OSError as exc:
                raise OutputError(f"cannot write {target.path}: {exc.strerror or exc}") from None
            written.append(target.path)
    except BaseException:
        _remove_empty(created)
        raise
    return printed, written


def _make_folders(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents; returns the ones created, outermost first."""
    missing = [p for p in (folder, *folder.parents) if not os.path.lexists(p)][::-1]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _remove_empty(missing)
        raise OutputError(f"cannot create output folder {folder}: {exc.strerror or exc}") from None
    return missing


def _remove_empty(folders: Iterable[Path]) -> None:
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        try:
            folder.rmdir()
        except OSError:  # not empty (a file was written there) or already gone: keep it
            continue
