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

import io
import mmap
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


class SnapshotFile:
    """A snapshot file in the writer's layout, mapped: its own fields (``header``, accounts empty)
    and where its accounts are. :meth:`close` unmaps it."""

    def __init__(self, path: str | os.PathLike[str], header: Snapshot, first: int, end: int, data: mmap.mmap) -> None:
        self.path = os.fspath(path)
        self.header = header
        self.first = first  # the first account's "{"
        self.end = end  # just after the last account's "}"
        self._data = data

    def close(self) -> None:
        self._data.close()

    def shard_starts(self, shards: int) -> list[int]:
        """Where each of up to ``shards`` runs of whole accounts starts, about equal in bytes, in order."""
        starts = [self.first]
        for k in range(1, shards):
            target = self.first + (self.end - self.first) * k // shards
            after = self._data.find(_BETWEEN, target, self.end)
            before = self._data.rfind(_BETWEEN, starts[-1], target + len(_BETWEEN))
            found = min((f for f in (after, before) if f >= 0), key=lambda f: abs(f - target), default=-1)
            if found >= 0 and found + _NEXT > starts[-1]:
                starts.append(found + _NEXT)
        return starts

    def accounts_from(self, start: int, stop: int) -> list[AccountText]:
        """The accounts whose text starts at or after ``start`` (an account's start) and before
        ``stop`` (the next run's start, or :attr:`end`)."""
        texts = []
        at = start
        while at < stop:
            found = self._data.find(_BETWEEN, at, stop if stop == self.end else stop - _NEXT + len(_BETWEEN))
            end = found + len(_CLOSE) if found >= 0 else (self.end if stop == self.end else stop - _NEXT + len(_CLOSE))
            texts.append(AccountText(self._account_id(at), at, end))
            at = found + _NEXT if found >= 0 else stop
        return texts

    def _account_id(self, start: int) -> str:
        begin = start + len(_FIRST_ID)
        close = self._data.find(b'"', begin, begin + _LONGEST_ID)
        if self._data[start:begin] != _FIRST_ID or close < 0 or b"\\" in self._data[begin:close]:
            raise Unreadable("an account that does not start as the writer starts one")
        return self._data[begin:close].decode("utf-8")

    def read(self, text: AccountText, reader: AccountReader) -> AccountSnapshot:
        """The account, read on its own (Unreadable if its text is not one account object)."""
        try:
            source = io.StringIO(self._data[text.start:text.end].decode("utf-8"))
        except UnicodeDecodeError:
            raise Unreadable("not UTF-8") from None
        account = reader.read(source)
        if account.account_id != text.account_id:
            raise Unreadable("an account id written with escapes")
        return account


def snapshot_file(path: str | os.PathLike[str]) -> SnapshotFile | None:
    """The file mapped, when it is in the writer's layout with at least one account; else None
    (and the file is read the plain way)."""
    try:
        with open(path, "rb") as handle:
            data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # missing, unreadable or empty: the plain reader says which
        return None
    try:
        opened = _opened(path, data)
    except (Unreadable, UnicodeDecodeError, ValueError, *MISFITS):
        opened = None
    if opened is None:
        data.close()
    return opened


def _opened(path: str | os.PathLike[str], data: mmap.mmap) -> SnapshotFile | None:
    if data[:len(_HEAD)] != _HEAD:
        return None
    list_end = data.rfind(_LIST_END)
    if list_end < 0:
        return None
    top = DECODER.decode("{" + data[list_end + _AFTER_LIST:].decode("utf-8"))
    version = top.get("schema_version") if isinstance(top, dict) else None
    if (not isinstance(version, str) or version.split(".")[0] != SCHEMA_VERSION.split(".")[0]
            or "accounts" in top or too_deep(top)):
        return None
    header = compiled(Snapshot)({**top, "accounts": []})
    return SnapshotFile(path, header, len(_HEAD) - len(_FIRST_ID), list_end + len(_CLOSE), data)
