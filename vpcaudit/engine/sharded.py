"""An organization's audit on several processes, each reading, auditing and writing only its own accounts.

Why: auditing a snapshot file of 500 accounts (2.7 GB) in one process, then forking it, left
every core but one idle while the file was read (12 of 80 seconds), and every page of the
gigabytes of records both processes then touched was copied by the kernel (a reference count is a
write): 14 CPU-seconds of page faults. Here each process reads its own run of accounts straight
from the file, so no phase runs on one core and no page is shared.

How, for ``shards`` processes (this one included, as shard 0):

1. This process maps the file (:mod:`vpcaudit.snapshot.layout`), cuts its accounts into runs of
   about equal bytes, and forks the others before reading anything.
2. Each reads its accounts, and computes its part of every snapshot-wide fact
   (:class:`~vpcaudit.snapshot.shard.Fold`): it writes them, with where its accounts are, at the
   start of its results file. Once every shard has, each reads everyone's, so all processes answer
   those questions about the whole snapshot alike, and read an account held elsewhere from the
   file if a rule follows a query into it.
3. Each decides the audit (``plan``: the rules depend on the opt-in parts any shard asked for),
   audits its scopes in runs — its own first, then what is left of the others' (shards are equal
   in bytes, not in work) — and writes each run's text as :mod:`vpcaudit.engine.parted` does;
   this process lays the runs end to end.

A shard that cannot read its accounts, or dies before its facts are written, ends the attempt:
the caller reads the file whole, and its errors are the plain reader's. A run a worker did not
deliver afterwards is audited here, from accounts read from the file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import pickle
import signal
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise

from vpcaudit.engine.parallel import (
    Region,
    Spooled,
    numbers_taken,
    queued,
    read_all,
    spool_file,
    write_all,
    write_at,
)
from vpcaudit.engine.parted import RUNS, PartedAudit, RunAuditor, Scope, WriteRun, assembled
from vpcaudit.engine.rule import Rule
from vpcaudit.engine.runner import RunSettings, result_header
from vpcaudit.forks import can_fork, fork_child
from vpcaudit.snapshot.bulk import without_cycle_collection
from vpcaudit.snapshot.layout import AccountText, SnapshotFile
from vpcaudit.snapshot.model import AccountSnapshot, Part
from vpcaudit.snapshot.shard import ACCOUNT_REGIONS, OPT_IN_ASKED, ShardSnapshot, parts_for
from vpcaudit.snapshot.stream import AccountReader, Unreadable

# The audit an opt-in set gives: its rules and settings (the caller's options, decided alike in
# every process; their files were read once already, so they cannot fail differently here).
Planner = Callable[[frozenset[Part]], tuple[tuple[Rule, ...], RunSettings]]

_LENGTH = 8  # bytes of a length in the messages between processes
_NUMBER = 4  # bytes of a run number


@dataclass(frozen=True)
class ShardedAudit:
    """The audit (see :class:`~vpcaudit.engine.parted.PartedAudit`) and this process's shard of the
    snapshot, whose folds answer for the whole of it."""

    parted: PartedAudit
    snapshot: ShardSnapshot


class _Abandoned(Exception):
    """The shards cannot give the audit (a shard unreadable or lost): read the file whole instead."""


def run_sharded(file: SnapshotFile, shards: int, rule_ids: frozenset[str], plan: Planner,
                write: WriteRun, now: dt.datetime) -> ShardedAudit | None:
    """The audit of ``file`` on up to ``shards`` processes, or None where it cannot run so: fewer
    than two runs of accounts, no fork, or a shard that could not read its accounts.
    ``rule_ids``: every rule the audit may run (the folds they ask for are computed)."""
    starts = file.shard_starts(shards)
    if len(starts) < 2 or not can_fork():
        return None
    files = [spool_file() for _ in starts]
    spools = [fd for fd in files if fd is not None]
    if len(spools) < len(files):
        for fd in spools:
            os.close(fd)
        return None
    shard = _Shard(file, list(pairwise([*starts, file.end])), spools, rule_ids, plan, write, now)
    children: list[_Child] = []
    try:
        for k in range(1, len(starts)):
            children.append(_Child.start(shard, k, [c.go_fd for c in children]))
        shard.queues.keep(0)
        with without_cycle_collection():
            return shard.lead(children)
    except BaseException as exc:
        for child in children:
            child.end()
        shard.queues.close()
        if not shard.handed:
            for fd in spools:
                os.close(fd)
        if isinstance(exc, _Abandoned):
            return None
        raise


class _Queues:
    """One queue of runs per shard, a pipe each: a shard puts its own runs in its queue, takes
    them, then takes what is left in the others' (a shard is equal to the others in bytes, not in
    work; any process can read any account from the file), as :mod:`vpcaudit.engine.parallel`'s
    workers take items from theirs. Each process keeps only its own queue's write
    end, so a queue ends once its shard has filled it (or died)."""

    def __init__(self, count: int) -> None:
        self._pipes = [os.pipe() for _ in range(count)]
        self._writing: int | None = None

    def keep(self, k: int) -> None:
        """In process ``k``: close every other queue's write end."""
        for j, (_, write_fd) in enumerate(self._pipes):
            if j != k:
                os.close(write_fd)
        self._writing = k

    def fill(self, numbers: list[int]) -> None:
        """Put this process's runs in its queue, and close it for writing."""
        assert self._writing is not None
        write_fd = self._pipes[self._writing][1]
        try:
            write_all(write_fd, queued(numbers))
        finally:
            os.close(write_fd)
            self._writing = None

    def taken(self, k: int) -> Iterator[int]:
        """The runs process ``k`` takes: its own queue's, then the others' in turn, until all are empty."""
        for j in [*range(k, len(self._pipes)), *range(k)]:
            yield from numbers_taken(self._pipes[j][0])

    def close(self) -> None:
        """Close what this process still holds (its write end, if not filled, and every read end)."""
        if self._writing is not None:
            os.close(self._pipes[self._writing][1])
            self._writing = None
        for read_fd, _ in self._pipes:
            with contextlib.suppress(OSError):
                os.close(read_fd)


Key = tuple[str, str]  # (account id, Region) of a scope


class _Shard:
    """What every process knows before the fork, and each one's steps after it."""

    def __init__(self, file: SnapshotFile, bounds: list[tuple[int, int]], spools: list[int], rule_ids: frozenset[str],
                 plan: Planner, write: WriteRun, now: dt.datetime) -> None:
        self.file = file
        self.bounds = bounds
        self.spools = spools
        self.rule_ids = rule_ids
        self.plan = plan
        self.write = write
        self.now = now
        self.reader = AccountReader()
        self.queues = _Queues(len(bounds))
        self.handed = False  # the files belong to the audit returned

    def load(self, k: int) -> tuple[list[AccountSnapshot], bytes]:
        """Shard ``k``'s accounts, and what it tells the others: where they are, and its parts."""
        read = self.file.read_run(*self.bounds[k], self.reader)
        texts = [text for text, _ in read]
        accounts = [account for _, account in read]
        told = pickle.dumps((texts, parts_for(accounts, self.rule_ids)), protocol=pickle.HIGHEST_PROTOCOL)
        return accounts, told

    def joined(self, accounts: list[AccountSnapshot], lengths: Sequence[int]
               ) -> tuple[ShardSnapshot, list[list[Key]], list[int]]:
        """This shard's snapshot, once every shard's facts are in the files (``lengths``: their
        sizes); every run of scopes of the audit, in order; and the shard each run belongs to."""
        told = [pickle.loads(read_all(fd, size, 0)) for fd, size in zip(self.spools, lengths, strict=True)]
        texts: dict[str, AccountText] = {text.account_id: text for shard_texts, _ in told for text in shard_texts}
        parts = {name: tuple(shard_parts[name] for _, shard_parts in told) for name in told[0][1]}
        own = {a.account_id for a in accounts}
        snapshot = ShardSnapshot(self.file.header, accounts, parts, frozenset(texts) - own,
                                 lambda account_id: self.file.read(texts[account_id], self.reader))
        keys = [(account_id, region) for account_id, regions in ACCOUNT_REGIONS(snapshot) for region in regions]
        if any(a >= b for a, b in pairwise(keys)):  # not in the writer's order: runs would not lay end to end
            raise _Abandoned("scopes out of order")
        shard_of = {text.account_id: k for k, (shard_texts, _) in enumerate(told) for text in shard_texts}
        runs: list[list[Key]] = []
        owners: list[int] = []
        for k in range(len(told)):
            scopes = [key for key in keys if shard_of[key[0]] == k]
            size = max(1, -(-len(scopes) // max(1, round(RUNS * len(scopes) / max(1, len(keys))))))
            for start in range(0, len(scopes), size):
                runs.append(scopes[start:start + size])
                owners.append(k)
        return snapshot, runs, owners

    def auditor(self, snapshot: ShardSnapshot) -> tuple[Callable[[list[Key]], bytes], tuple[Rule, ...], RunSettings]:
        """The audit of a run of scopes, decided here as in every shard; its rules and settings."""
        rules, settings = self.plan(OPT_IN_ASKED(snapshot))
        selected = tuple(sorted(rules, key=lambda x: x.id))
        audit = RunAuditor(snapshot, selected, settings, self.now.date(), self.write)

        def audit_keys(run: list[Key]) -> bytes:
            return audit([_scope(snapshot, *key) for key in run])
        return audit_keys, selected, settings

    def work(self, k: int, report: int, go: int) -> None:
        """Shard ``k`` in a child: read, tell, wait for everyone's facts, audit its runs (each
        announced through ``report`` as its number and length), and end."""
        with without_cycle_collection():
            accounts, told = self.load(k)
            if not write_at(self.spools[k], told, 0):
                return  # the disk is full: the audit is read whole instead
            write_all(report, len(told).to_bytes(_LENGTH, "little"))
            lengths = pickle.loads(_read_message(go))
            snapshot, runs, owners = self.joined(accounts, lengths)
            audit, _, _ = self.auditor(snapshot)
            self.queues.fill([number for number, owner in enumerate(owners) if owner == k])
            offset = len(told)
            for number in self.queues.taken(k):
                data = audit(runs[number])
                if not write_at(self.spools[k], data, offset):
                    return  # the disk is full: the leading process audits the rest
                write_all(report, number.to_bytes(_NUMBER, "little") + len(data).to_bytes(_LENGTH, "little"))
                offset += len(data)

    def lead(self, children: list[_Child]) -> ShardedAudit:
        """Shard 0, here: read and tell, gather the others' facts, audit, gather the runs."""
        try:
            accounts, told = self.load(0)
        except Unreadable as exc:
            raise _Abandoned(str(exc)) from None
        lengths = [len(told) if write_at(self.spools[0], told, 0) else None] + [c.told() for c in children]
        if any(length is None for length in lengths):
            raise _Abandoned("a shard did not tell its facts")
        known = [length for length in lengths if length is not None]
        for child in children:
            child.go(known)
        snapshot, runs, owners = self.joined(accounts, known)
        audit, selected, settings = self.auditor(snapshot)
        self.queues.fill([number for number, owner in enumerate(owners) if owner == 0])
        regions: dict[int, Region] = {}
        offset = len(told)
        for number in self.queues.taken(0):
            data = audit(runs[number])
            if write_at(self.spools[0], data, offset):
                regions[number] = Region(self.spools[0], offset, len(data), None)
                offset += len(data)
            else:
                regions[number] = Region(None, 0, 0, data)
        for k, child in enumerate(children, start=1):
            regions.update(child.runs(self.spools[k], known[k]))
        self.queues.close()
        self.handed = True
        spooled = Spooled(len(runs), regions, self.spools, audit, runs)  # a run not delivered is audited here
        header = result_header(snapshot, selected, settings, settings.now or self.now)
        return ShardedAudit(assembled(header, spooled), snapshot)


def _scope(snapshot: ShardSnapshot, account_id: str, region_name: str) -> Scope:
    account = snapshot.account(account_id)
    region = account.region(region_name) if account is not None else None
    if account is None or region is None:
        raise _Abandoned(f"{account_id}/{region_name} is not where its shard said")
    return account, region


class _Child:
    """A forked shard: its pid, the pipe it reports through, and the pipe it is told to go through."""

    def __init__(self, pid: int, report: int, go_fd: int) -> None:
        self._pid = pid
        self._report = os.fdopen(report, "rb")
        self.go_fd = go_fd

    @classmethod
    def start(cls, shard: _Shard, k: int, others: list[int]) -> _Child:
        """Fork shard ``k``; ``others``: the go pipes of the shards forked before (closed in it, so
        none of them waits on a pipe another child holds open)."""
        go_read, go_write = os.pipe()

        def body(report: int) -> None:
            for fd in (go_write, *others):
                os.close(fd)
            shard.queues.keep(k)
            shard.work(k, report, go_read)

        pid, report = fork_child(body)
        os.close(go_read)
        return cls(pid, report, go_write)

    def told(self) -> int | None:
        """The size of the facts the shard wrote, once it has (None: it failed first)."""
        data = self._report.read(_LENGTH)
        return int.from_bytes(data, "little") if len(data) == _LENGTH else None

    def go(self, lengths: list[int]) -> None:
        """Tell the shard every shard's facts are written, and their sizes."""
        message = pickle.dumps(lengths)
        with contextlib.suppress(BrokenPipeError):  # it died meanwhile: its runs are audited here
            write_all(self.go_fd, len(message).to_bytes(_LENGTH, "little") + message)

    def runs(self, spool: int, offset: int) -> dict[int, Region]:
        """Run number → where its text is in ``spool`` (after ``offset`` bytes of facts), for every
        run the shard finished; waits for it to end."""
        found: dict[int, Region] = {}
        while len(header := self._report.read(_NUMBER + _LENGTH)) == _NUMBER + _LENGTH:
            size = int.from_bytes(header[_NUMBER:], "little")
            found[int.from_bytes(header[:_NUMBER], "little")] = Region(spool, offset, size, None)
            offset += size
        self.end()
        return found

    def end(self) -> None:
        """Stop the shard (if it still runs) and release its pipes."""
        if self._pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = 0
            self._report.close()
            os.close(self.go_fd)


def _read_message(fd: int) -> bytes:
    size = int.from_bytes(_read_exactly(fd, _LENGTH), "little")
    return _read_exactly(fd, size)


def _read_exactly(fd: int, size: int) -> bytes:
    chunks = []
    while size:
        chunk = os.read(fd, size)
        if not chunk:
            raise EOFError("the leading process ended")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)
