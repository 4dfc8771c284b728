"""Writing files so that a reader never sees half of one, and nothing but the file is touched.

Why its own module: snapshots, reports, diffs and generated docs are all written the same way,
by every face; one implementation keeps that promise in one place.

Why not always "temp file + rename": the rename is what makes a write atomic, but renamed over
anything that is not a regular file it *replaces* that thing. ``-o /dev/null`` run as root would
turn the system's ``/dev/null`` into a regular file, ``-o pipe`` would replace the FIFO a reader
waits on, ``-o link.html`` would replace the link instead of the report it points to. So:

* a regular file (or a path that does not exist yet) is replaced atomically, and keeps the
  permissions it had (a private snapshot stays private);
* a symlink is followed, and its target is replaced atomically; the link stays;
* a device, a FIFO, or a path naming an open file descriptor (``/dev/stdout``, ``/dev/fd/N``,
  ``/proc/self/fd/N``) is written through, in place: it is never replaced.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

_MAX_LINKS = 40  # as the kernel's ELOOP limit: a longer chain is a loop
_SLICE = 1 << 24  # characters of a text encoded at a time
_READ = 1 << 23  # bytes of a FileRange read at a time where the kernel cannot copy it
# sendfile's answers where it cannot copy between these two files (not an I/O failure): the
# rest is read and written instead.
_CANNOT_SEND = frozenset({errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSOCK, errno.EXDEV})


@dataclass(frozen=True, slots=True)
class FileRange:
    """``size`` bytes at ``offset`` of the open file ``fd``: part of a document that is already in
    a file (a piece of an organization's JSON result, in the file of the process that wrote it).

    Why: copied into the output by the kernel (``sendfile``), those bytes never pass through
    this process — read back and written out, the 2.3 GB of a 500-account result took 4 to 13 s
    of CPU on one core, against under one second for the kernel's copy."""

    fd: int
    offset: int
    size: int

    def send_to(self, out: int) -> None:
        """Append the bytes to the file open as ``out`` (at its position), by the kernel where it can."""
        offset, left = self.offset, self.size
        try:
            while left:
                sent = os.sendfile(out, self.fd, offset, left)
                if not sent:
                    raise EOFError(f"a spooled piece ends {left} bytes early")
                offset, left = offset + sent, left - sent
        except AttributeError:  # no sendfile on this platform
            pass
        except OSError as exc:
            if exc.errno not in _CANNOT_SEND:
                raise
        for data in FileRange(self.fd, offset, left).read():
            _write_all(out, data)

    def read(self) -> Iterator[bytes]:
        """The bytes, at most ``_READ`` at a time."""
        offset, left = self.offset, self.size
        while left:
            data = os.pread(self.fd, min(left, _READ), offset)
            if not data:
                raise EOFError(f"a spooled piece ends {left} bytes early")
            offset, left = offset + len(data), left - len(data)
            yield data


# A document's chunks: bytes, or bytes still in a file.
Chunk = bytes | FileRange


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` as described in the module docstring (OSError on failure).

    The text is encoded a slice at a time: an organization's JSON result is gigabytes, and
    encoding it whole would hold it twice."""
    _write(path, (text[start:start + _SLICE].encode("utf-8") for start in range(0, len(text), _SLICE)))


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """:func:`atomic_write_text` for bytes (a zip, an image)."""
    _write(path, (data,))


def atomic_write_chunks(path: str | os.PathLike[str], chunks: Iterable[Chunk]) -> None:
    """:func:`atomic_write_text` for a document written chunk by chunk as it is produced (an
    organization's JSON result: gigabytes that are never one object)."""
    _write(path, chunks)


def _write(path: str | os.PathLike[str], chunks: Iterable[Chunk]) -> None:
    target = Path(path)
    descriptor = own_descriptor(target)
    if descriptor is not None:
        _write_descriptor(descriptor, chunks)
        return
    if _is_special(target):
        with open(target, "wb") as handle:  # written through, never replaced
            _write_chunks(handle, chunks)
        return
    _replace_atomically(Path(os.path.realpath(target)), chunks)


def own_descriptor(path: str | os.PathLike[str]) -> int | None:
    """The number of this process's open file descriptor that ``path`` names (``/dev/stdout`` → 1),
    following symlinks, or None when it names an ordinary path."""
    folders = ("/dev/fd/", "/proc/self/fd/", f"/proc/{os.getpid()}/fd/")  # the kernel's views of them
    current = os.path.abspath(path)
    for _ in range(_MAX_LINKS):
        for folder in folders:
            number = current[len(folder):] if current.startswith(folder) else ""
            if number.isdigit():
                return int(number)
        try:
            link = os.readlink(current)
        except OSError:  # not a symlink (or nothing there): an ordinary path
            return None
        current = os.path.normpath(os.path.join(os.path.dirname(current), link))
    return None


def _is_special(path: Path) -> bool:
    """True for an existing target (symlinks followed) that is not a regular file or a folder."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _write_descriptor(descriptor: int, chunks: Iterable[Chunk]) -> None:
    """Write to one of this process's descriptors where it stands, after what Python buffered."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    for chunk in chunks:
        if isinstance(chunk, FileRange):
            chunk.send_to(descriptor)
        else:
            _write_all(descriptor, chunk)


def _write_chunks(handle: BinaryIO, chunks: Iterable[Chunk]) -> None:
    """Write the chunks through ``handle``; a file range goes straight to its file descriptor,
    after what the handle buffered."""
    for chunk in chunks:
        if isinstance(chunk, FileRange):
            handle.flush()
            chunk.send_to(handle.fileno())
        else:
            handle.write(chunk)


def _write_all(descriptor: int, data: bytes) -> None:
    rest = memoryview(data)  # a short write leaves the rest to send, without copying it
    while rest:
        rest = rest[os.write(descriptor, rest):]


def _replace_atomically(target: Path, chunks: Iterable[Chunk]) -> None:
    """Temp file in the target's folder, then rename: readers never see half a file."""
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        # mkstemp creates 0600; a new report is meant to be shared, so honour the umask like open().
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            _write_chunks(handle, chunks)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
