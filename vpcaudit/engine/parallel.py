"""Spread independent work items over forked worker processes.

Why processes and why fork: rules are pure Python, so threads would share one interpreter lock;
forked children start instantly with the snapshot, the rules (third-party packs included) and
the audit-wide facts already in memory — nothing is pickled on the way in. Only results come
back, pickled, through a temporary file of the child's own: a child never waits for this process
to read. (Through a pipe it did: this process's reader thread needs the interpreter lock back
after every 64 KiB read, and while this process works on an item of its own that took up to a
switch interval each time, so children sat blocked on a full pipe for a third of an audit.)
Where the file fills up the disk, the child sends the rest through the pipe after all.

Items are not dealt out in advance: every process, this one included, takes the next item from
one queue until it is empty. This process also reads the children's results as they arrive,
so it takes fewer items itself, and all finish together instead of this one working through
its share and only then reading everyone else's.

:func:`fork_map_spooled` is the same map for results that are bytes to be written out in order
(an organization's JSON result, gigabytes): no result is pickled or read back into this process;
each stays in the file of the process that computed it, this one's included, until the caller
copies them out one after the other.

Where forking is unsafe or unavailable — no ``os.fork`` (Windows), or other threads running
in this process (a forked child inherits their locks but not the threads that would release
them) — the work runs here, one item after the other. Items a child did not deliver, because it
failed for any reason, are computed by this process itself, so an exception surfaces exactly as
it would without workers.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from vpcaudit.files import Chunk, FileRange
from vpcaudit.forks import can_fork, fork_child

T = TypeVar("T")
R = TypeVar("R")

# The queue is a pipe filled before any process reads it, one 4-byte item number per write:
# a pipe's read of at most PIPE_BUF bytes is atomic, so no two processes take the same item.
_NUMBER = 4
# Items are queued as up to this many runs of consecutive items, so every queue fits in a pipe
# (64 KiB by default on Linux, 16 KiB at least on macOS) and is written before the first fork.
MAX_RUNS = 2048
# A child announces each result by its item number (_NUMBER bytes) and its length, in this many
# bytes; the length's top bit set means the result follows in the pipe itself (the child's file
# could not take it: a full disk, such as a Lambda function's 512 MB /tmp) rather than in the file.
_LENGTH = 8
_INLINE = 1 << (8 * _LENGTH - 1)


def fork_map(func: Callable[[T], R], items: Sequence[T], workers: int) -> list[R]:
    """``[func(item) for item in items]``, computed by up to ``workers`` processes, this one included."""
    workers = min(workers, len(items))
    if workers <= 1 or not can_fork():
        return [func(item) for item in items]
    runs = _runs(len(items))
    queue = _queue(len(runs))
    if queue is None:  # the pipe could not hold the queue: work here
        return [func(item) for item in items]
    try:
        children = [child for _ in range(workers - 1) if (child := _Child.start(func, items, runs, queue))]
        for child in children:
            child.drain()  # read their results as they come, so no child ever waits on a full pipe
        results: dict[int, R] = {}
        for run in _taken(queue, runs):
            for i in run:
                results[i] = func(items[i])
    finally:
        os.close(queue)
    for child in children:
        results.update(child.results())
    return [results[i] if i in results else func(items[i]) for i in range(len(items))]  # missing: a child failed


def fork_map_spooled(func: Callable[[T], bytes], items: Sequence[T], workers: int) -> Spooled:
    """The results of ``[func(item) for item in items]`` (bytes), computed by up to ``workers``
    processes, this one included, and left in files until read in order from the returned
    :class:`Spooled` — which the caller must close."""
    workers = min(workers, len(items))
    own = spool_file() if workers > 1 and can_fork() else None
    runs = _runs(len(items)) if own is not None else []
    queue = _queue(len(runs)) if own is not None else None
    if own is None or queue is None:  # no fork, no file or no queue: results are kept in memory
        if own is not None:
            os.close(own)
        return Spooled(len(items), {i: Region(None, 0, 0, func(item)) for i, item in enumerate(items)}, [], func, items)
    regions: dict[int, Region] = {}
    children: list[_Child] = []
    try:
        children = [c for _ in range(workers - 1) if (c := _Child.start(func, items, runs, queue, raw=True))]
        for child in children:
            child.drain()
        offset = 0
        for run in _taken(queue, runs):
            for i in run:
                data = func(items[i])
                if write_at(own, data, offset):
                    regions[i] = Region(own, offset, len(data), None)
                    offset += len(data)
                else:
                    regions[i] = Region(None, 0, 0, data)
        for child in children:
            regions.update(child.results())
    except BaseException:
        for fd in (own, *(c.spool for c in children)):
            os.close(fd)
        raise
    finally:
        os.close(queue)
    return Spooled(len(items), regions, [own, *(c.spool for c in children)], func, items)


@dataclass(frozen=True, slots=True)
class Region:
    """Where one result is: ``size`` bytes at ``offset`` of the open file ``fd``, or ``data`` itself."""

    fd: int | None
    offset: int
    size: int
    data: bytes | None


class Spooled:
    """The results of :func:`fork_map_spooled`, in item order: each the bytes themselves or,
    where it sits in a file, that :class:`~vpcaudit.files.FileRange` (a result of gigabytes is
    never one object here, and the kernel copies it out). A result a failed child did not
    deliver is computed here when its turn comes. :meth:`close` releases the files, so the
    ranges must be copied before."""

    def __init__(self, count: int, regions: dict[int, Region], files: list[int],
                 func: Callable[[Any], bytes], items: Sequence[Any]) -> None:
        self._count = count
        self._regions = regions
        self._files = files
        self._func = func
        self._items = items

    def __len__(self) -> int:
        return self._count

    def chunks(self) -> Iterator[Chunk]:
        for i in range(self._count):
            yield self.result(i)

    def result(self, i: int) -> Chunk:
        """Item ``i``'s result: where it is in a file, or the bytes (computed now if no one did)."""
        region = self._regions.get(i)
        if region is None:
            region = self._regions[i] = Region(None, 0, 0, self._func(self._items[i]))
        if region.fd is None:
            return region.data or b""
        return FileRange(region.fd, region.offset, region.size)

    def close(self) -> None:
        for fd in self._files:
            os.close(fd)
        self._files = []


def _runs(count: int) -> list[range]:
    size = -(-count // MAX_RUNS)
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


def _queue(count: int) -> int | None:
    """The read end of a pipe holding the numbers 0 … count-1 (its write end closed), or None."""
    read_fd, write_fd = os.pipe()
    try:
        os.set_blocking(write_fd, False)
        for number in range(count):
            os.write(write_fd, queued((number,)))
    except BlockingIOError:
        os.close(read_fd)
        return None
    finally:
        os.close(write_fd)
    return read_fd


def _taken(queue: int, runs: list[range]) -> Iterator[range]:
    """The runs this process takes from the queue, one at a time, until it is empty."""
    return (runs[number] for number in numbers_taken(queue))


def queued(numbers: Iterable[int]) -> bytes:
    """Item numbers as a queue's pipe holds them (see :func:`numbers_taken`)."""
    return b"".join(number.to_bytes(_NUMBER, "little") for number in numbers)


def numbers_taken(queue: int) -> Iterator[int]:
    """The item numbers this process takes from the pipe ``queue``, one at a time, until it is
    empty (its write ends closed): each read is atomic, so no two processes take the same one."""
    while len(number := os.read(queue, _NUMBER)) == _NUMBER:
        yield int.from_bytes(number, "little")


class _Child:
    """One forked worker: takes items from the queue, writes each result (pickled, or as it is when
    ``raw``: bytes) to a file of its own (or, once the file is full, into the pipe) and announces
    its item number and length through a pipe; this process reads them back as they come — or,
    when ``raw``, only notes where each is."""

    def __init__(self, pid: int, lengths: int, spool: int, raw: bool) -> None:
        self._pid = pid
        self._lengths = lengths
        self.spool = spool
        self._raw = raw
        self._values: dict[int, Any] = {}
        self._reader: threading.Thread | None = None

    @classmethod
    def start(cls, func: Callable[[T], Any], items: Sequence[T], runs: list[range], queue: int, *,
              raw: bool = False) -> _Child | None:
        """The child, started; None if it could not be given a file for its results."""
        spool = spool_file()
        if spool is None:
            return None
        def child(write_fd: int) -> None:
            spooled: int | None = 0  # bytes in the file so far; None once it refused a write
            for run in _taken(queue, runs):
                for i in run:
                    value = func(items[i])
                    data = value if raw else pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
                    number = i.to_bytes(_NUMBER, "little")
                    if spooled is not None and write_at(spool, data, spooled):
                        spooled += len(data)
                        write_all(write_fd, number + len(data).to_bytes(_LENGTH, "little"))
                    else:
                        spooled = None
                        write_all(write_fd, number + (_INLINE | len(data)).to_bytes(_LENGTH, "little") + data)

        pid, read_fd = fork_child(child)
        return cls(pid, read_fd, spool, raw)

    def drain(self) -> None:
        """Read the child's results in a thread as they arrive (waiting on the pipe releases the
        interpreter lock; turning them back into objects is work this process shares out this way)."""
        self._reader = threading.Thread(target=self._read, name="vpcaudit-worker-reader", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        offset = 0
        with os.fdopen(self._lengths, "rb") as pipe:
            while len(header := pipe.read(_NUMBER + _LENGTH)) == _NUMBER + _LENGTH:
                index = int.from_bytes(header[:_NUMBER], "little")
                size = int.from_bytes(header[_NUMBER:], "little")
                try:
                    if size & _INLINE:
                        data = pipe.read(size & ~_INLINE)
                        if len(data) != size & ~_INLINE:
                            raise EOFError("a result ends early")
                        value: Any = Region(None, 0, 0, data) if self._raw else pickle.loads(data)
                    elif self._raw:
                        value = Region(self.spool, offset, size, None)
                        offset += size
                    else:
                        value = pickle.loads(read_all(self.spool, size, offset))
                        offset += size
                except Exception:  # a result cut off or unreadable: its item is redone
                    return
                self._values[index] = value

    def results(self) -> dict[int, Any]:
        """Item number → result (a :class:`Region` when ``raw``), for every item the child finished
        (all of its items unless it failed). Unless ``raw``, the child's file is closed."""
        assert self._reader is not None
        self._reader.join()
        os.waitpid(self._pid, 0)
        if not self._raw:
            os.close(self.spool)
        return self._values


def spool_file() -> int | None:
    """An anonymous file for one child's results (it holds what this process has not read yet, on
    disk rather than in memory: an organization's JSON result is gigabytes); None where no
    temporary file can be made, and this process does the work itself."""
    try:
        with tempfile.TemporaryFile() as spool:
            return os.dup(spool.fileno())
    except OSError:
        return None


def write_at(spool: int, data: bytes, offset: int) -> bool:
    """Write ``data`` to a results file at ``offset``; False if the file refused it (no space)."""
    view = memoryview(data)
    try:
        while view:
            written = os.pwrite(spool, view, offset)
            view, offset = view[written:], offset + written
    except OSError:
        return False
    return True


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def read_all(fd: int, size: int, offset: int) -> bytes:
    chunks = []
    while size:
        chunk = os.pread(fd, size, offset)
        if not chunk:
            raise EOFError("a result ends early")
        chunks.append(chunk)
        size -= len(chunk)
        offset += len(chunk)
    return b"".join(chunks)
