"""Where the accounts are in a snapshot file vpcaudit wrote, so each process of an audit reads its own.

Why: an organization's snapshot is gigabytes, and one process reading all of it kept the other
cores idle for a sixth of the audit (see :mod:`vpcaudit.engine.sharded`). The writer's layout makes
finding the accounts a byte search instead of a parse: sorted keys put ``accounts`` first, and a
one-space indent puts each account's braces alone on lines indented two spaces, its first key
``"account_id"`` on the next line. A JSON string cannot hold a raw line break, so within the list
only the boundaries between accounts look like that. A file in any other layout gets None and is
read whole; an account whose text does not read raises :class:`~vpcaudit.snapshot.stream.Unreadable`,
and the audit reads the file whole instead, whose errors name the line or field.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass

from vpcaudit.snapshot.codec import MISFITS, compiled
from vpcaudit.snapshot.model import SCHEMA_VERSION, AccountSnapshot, Snapshot
from vpcaudit.snapshot.stream import DECODER, AccountReader, Unreadable
from vpcaudit.snapshot.strictjson import too_deep

_FIRST_ID = b'{\n   "account_id": "'  # an account's start, up to its id
_HEAD = b'{\n "accounts": [\n  ' + _FIRST_ID  # the file's start, up to the first account's id
_CLOSE = b"\n  }"  # an account's end
_BETWEEN = _CLOSE + b",\n  " + _FIRST_ID  # one account's end and the next one's start
_NEXT = len(_CLOSE + b",\n  ")  # from the start of _BETWEEN to the next account's "{"
# The last account's end, the list's, and the next top-level key (the writer sorts them: "options"
# follows "accounts"; a list closing later in the file, such as skipped_accounts', is followed by another).
_LIST_END = _CLOSE + b'\n ],\n "options": '
_AFTER_LIST = len(_CLOSE + b"\n ],\n")
_LONGEST_ID = 64  # an account id is 12 digits; anything longer than this is not a file to take apart


@dataclass(frozen=True, slots=True)
class AccountText:
    """One account's text in the file: from its ``{`` to just after its ``}``."""

    account_id: str
    start: int
    end: int


# Bytes read at a time when searching the file: large enough that a search runs at the speed of
# memory, small enough that it never holds more than a sliver of an organization's file.
WINDOW = 1 << 23
# Bytes read at a time when reading a run of accounts: many accounts a window, so that the one it
# cuts off (read again at the start of the next) is a small share.
RUN_WINDOW = 1 << 26


class SnapshotFile:
    """A snapshot file in the writer's layout, open: its own fields (``header``, accounts empty) and
    where its accounts are. Read with ``pread`` (never mapped: a process holds only the accounts it
    reads, and its memory says so). :meth:`close` closes it."""

    def __init__(self, path: str | os.PathLike[str], header: Snapshot, first: int, end: int, fd: int) -> None:
        self.path = os.fspath(path)
        self.header = header
        self.first = first  # the first account's "{"
        self.end = end  # just after the last account's "}"
        self._fd = fd
        self._file = _File(fd)

    def close(self) -> None:
        os.close(self._fd)

    def shard_starts(self, shards: int) -> list[int]:
        """Where each of up to ``shards`` runs of whole accounts starts, about equal in bytes, in order."""
        starts = [self.first]
        for k in range(1, shards):
            target = self.first + (self.end - self.first) * k // shards
            after = self._file.find(_BETWEEN, target, self.end)
            before = self._file.rfind(_BETWEEN, starts[-1], target + len(_BETWEEN))
            found = min((f for f in (after, before) if f >= 0), key=lambda f: abs(f - target), default=-1)
            if found >= 0 and found + _NEXT > starts[-1]:
                starts.append(found + _NEXT)
        return starts

    def snapshot(self) -> Snapshot:
        """The whole snapshot: every account, in order (Unreadable as :meth:`read_run`)."""
        return dataclasses.replace(self.header, accounts=tuple(
            account for _, account in self.read_run(self.first, self.end, AccountReader())))

    def read_run(self, start: int, stop: int, reader: AccountReader) -> list[tuple[AccountText, AccountSnapshot]]:
        """The accounts whose text starts at or after ``start`` (an account's start) and before
        ``stop`` (the next run's start, or :attr:`end`), read, with where each is. The run is read
        once, a window at a time from an account's start: every whole account in the window is
        found and decoded from it; the one it cuts starts the next window."""
        last = stop == self.end
        limit = stop if last else stop - _NEXT + len(_BETWEEN)  # the boundary with the next run included
        read: list[tuple[AccountText, AccountSnapshot]] = []
        at = start
        while at < stop:
            size = self._file.fill(at, min(RUN_WINDOW, limit - at))
            begin = 0  # where the next account starts in the window
            hit = self._file.buffer.find(_BETWEEN, 0, size)
            while hit >= 0:
                read.append(self._read_at(at, begin, hit + len(_CLOSE), reader))
                begin = hit + _NEXT
                hit = self._file.buffer.find(_BETWEEN, begin, size)
            if at + size >= limit:  # the window reached the run's end
                if not last:
                    if at + begin != stop:
                        raise Unreadable("a run of accounts that does not end where the next begins")
                    break
                read.append(self._read_at(at, begin, size, reader))
                break
            if begin == 0:  # an account longer than the window: found by a search, read on its own
                end = self._file.find(_BETWEEN, at, limit)
                end = end + len(_CLOSE) if end >= 0 else (self.end if last else -1)
                if end < 0:
                    raise Unreadable("a run of accounts that does not end where the next begins")
                size = self._file.fill(at, end - at)
                read.append(self._read_at(at, 0, size, reader))
                begin = size + _NEXT - len(_CLOSE)
            at += begin
        return read

    def _read_at(self, at: int, begin: int, end: int, reader: AccountReader) -> tuple[AccountText, AccountSnapshot]:
        """The account whose text is ``buffer[begin:end]`` of the window read at ``at``."""
        buffer = self._file.buffer
        opened = begin + len(_FIRST_ID)
        close = buffer.find(b'"', opened, min(end, opened + _LONGEST_ID))
        if not buffer.startswith(_FIRST_ID, begin) or close < 0 or buffer.find(b"\\", opened, close) >= 0:
            raise Unreadable("an account that does not start as the writer starts one")
        text = AccountText(buffer[opened:close].decode("utf-8"), at + begin, at + end)
        return text, self._decoded(self._file.bytes_at(begin, end), text, reader)

    def read(self, text: AccountText, reader: AccountReader) -> AccountSnapshot:
        """The account, read on its own (Unreadable if its text is not one account object)."""
        if self._file.fill(text.start, text.end - text.start) < text.end - text.start:
            raise Unreadable("the file ends early")
        return self._decoded(self._file.bytes_at(0, text.end - text.start), text, reader)

    @staticmethod
    def _decoded(source: bytes, text: AccountText, reader: AccountReader) -> AccountSnapshot:
        account = reader.read(source)  # Unreadable if not UTF-8
        if account.account_id != text.account_id:
            raise Unreadable("an account id written with escapes")
        return account


def snapshot_file(path: str | os.PathLike[str]) -> SnapshotFile | None:
    """The file, open, when it is in the writer's layout with at least one account; else None (and
    the file is read the plain way, whose errors name the problem)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except (OSError, ValueError):
        return None
    try:
        opened = _opened(path, fd)
    except (OSError, Unreadable, UnicodeDecodeError, ValueError, *MISFITS):
        opened = None
    if opened is None:
        os.close(fd)
    return opened


def _opened(path: str | os.PathLike[str], fd: int) -> SnapshotFile | None:
    size = os.fstat(fd).st_size
    if os.pread(fd, len(_HEAD), 0) != _HEAD:
        return None
    file = _File(fd)
    list_end = file.rfind(_LIST_END, 0, size)
    if list_end < 0:
        return None
    top = DECODER.decode("{" + file.text(list_end + _AFTER_LIST, size - list_end - _AFTER_LIST))
    version = top.get("schema_version") if isinstance(top, dict) else None
    if (not isinstance(version, str) or version.split(".")[0] != SCHEMA_VERSION.split(".")[0]
            or "accounts" in top or too_deep(top)):
        return None
    header = compiled(Snapshot)({**top, "accounts": []})
    return SnapshotFile(path, header, len(_HEAD) - len(_FIRST_ID), list_end + len(_CLOSE), fd)


class _File:
    """Reads of the file into one buffer, reused: an organization's file is read in thousands of
    pieces of megabytes, and a fresh buffer for each is fresh memory the kernel must map (a page
    fault every 4 KiB) and the allocator then returns."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self.buffer = bytearray()  # what the last fill read, at its start

    def fill(self, offset: int, size: int) -> int:
        """Read up to ``size`` bytes at ``offset`` into the buffer; how many (fewer at the file's end)."""
        if len(self.buffer) < size:
            self.buffer = bytearray(size)
        got = 0
        with memoryview(self.buffer) as view:
            while got < size:
                read = os.preadv(self._fd, [view[got:size]], offset + got)
                if not read:
                    break
                got += read
        return got

    def text(self, offset: int, size: int) -> str:
        """``size`` bytes at ``offset``, as UTF-8 text."""
        if self.fill(offset, size) < size:
            raise Unreadable("the file ends early")
        source = self.text_at(0, size)
        if source is None:
            raise Unreadable("not UTF-8")
        return source

    def text_at(self, begin: int, end: int) -> str | None:
        """``buffer[begin:end]`` as UTF-8 text (None if it is not UTF-8)."""
        with memoryview(self.buffer) as view, view[begin:end] as piece:
            try:
                return str(piece, "utf-8")
            except UnicodeDecodeError:
                return None

    def bytes_at(self, begin: int, end: int) -> bytes:
        """A copy of ``buffer[begin:end]`` (the buffer is read into again)."""
        with memoryview(self.buffer) as view, view[begin:end] as piece:
            return bytes(piece)

    def find_all(self, pattern: bytes, start: int, stop: int) -> list[int]:
        """Every offset in [start, stop) where ``pattern`` lies wholly before ``stop``, in order."""
        found = []
        at = start
        while at < stop:
            size = self.fill(at, min(WINDOW, stop - at))
            hit = self.buffer.find(pattern, 0, size)
            while hit >= 0:
                found.append(at + hit)
                hit = self.buffer.find(pattern, hit + 1, size)
            if not size or at + size >= stop:
                break
            at += size - len(pattern) + 1  # a pattern cut by the window's end is found in the next
        return found

    def find(self, pattern: bytes, start: int, stop: int) -> int:
        """The first offset of ``pattern`` in [start, stop) (wholly before ``stop``), or -1."""
        at = start
        while at < stop:
            size = self.fill(at, min(WINDOW, stop - at))
            hit = self.buffer.find(pattern, 0, size)
            if hit >= 0:
                return at + hit
            if not size or at + size >= stop:
                break
            at += size - len(pattern) + 1
        return -1

    def rfind(self, pattern: bytes, start: int, stop: int) -> int:
        """The last offset of ``pattern`` in [start, stop) (wholly before ``stop``), or -1."""
        end = stop
        while end > start:
            begin = max(start, end - WINDOW)
            size = self.fill(begin, end - begin)
            hit = self.buffer.rfind(pattern, 0, size)
            if hit >= 0:
                return begin + hit
            if begin == start:
                break
            end = begin + len(pattern) - 1
        return -1
