"""Spread an audit's independent (account, Region) scopes over forked worker processes.

Why processes and why fork: rules are pure Python, so threads would share one interpreter lock;
forked children start instantly with the snapshot, the rules (third-party packs included) and
the audit-wide facts already in memory — nothing is pickled on the way in. Only results come
back, pickled, while this process computes its own share, so at most a few percent of the work
is transport.

Where forking is unsafe or unavailable — no ``os.fork`` (Windows), or other threads running
in this process (a forked child inherits their locks but not the threads that would release
them) — the work runs here, one item after the other. A child that fails for any reason
makes this process recompute that child's share itself, so an exception surfaces exactly as
it would without workers.
"""

from __future__ import annotations

import io
import os
import pickle
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def can_fork() -> bool:
    """Forking is possible here and cannot deadlock a child on a lock some other thread holds."""
    return hasattr(os, "fork") and threading.active_count() == 1


def fork_map(func: Callable[[T], R], items: Sequence[T], workers: int) -> list[R]:
    """``[func(item) for item in items]``, computed by up to ``workers`` processes, this one included.

    Items are dealt out in turn (item i to process i mod workers), which balances estates whose
    accounts differ in size without any coordination.
    """
    workers = min(workers, len(items))
    if workers <= 1 or not can_fork():
        return [func(item) for item in items]
    shares = [list(range(k, len(items), workers)) for k in range(workers)]
    children = [_Child.start(func, [items[i] for i in share]) for share in shares[1:]]
    for child in children:
        child.drain()  # read their results as they come, so no child ever waits on a full pipe
    results: list[R | None] = [None] * len(items)
    for i in shares[0]:
        results[i] = func(items[i])
    for child, share in zip(children, shares[1:], strict=True):
        values = child.results()
        if values is None or len(values) != len(share):
            values = [func(items[i]) for i in share]  # the child failed: compute its share here
        for i, value in zip(share, values, strict=True):
            results[i] = value
    return results  # type: ignore[return-value]


class _Child:
    """One forked worker: computes its items, streams each pickled result back through a pipe."""

    def __init__(self, pid: int, fd: int) -> None:
        self._pid = pid
        self._fd = fd
        self._buffer = io.BytesIO()
        self._reader: threading.Thread | None = None

    @classmethod
    def start(cls, func: Callable[[T], R], items: list[T]) -> _Child:
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(read_fd)
            status = 1
            try:
                with os.fdopen(write_fd, "wb") as out:
                    for item in items:
                        pickle.dump(func(item), out, protocol=pickle.HIGHEST_PROTOCOL)
                status = 0
            finally:
                os._exit(status)  # no atexit handlers, no flushing of the parent's buffers
        os.close(write_fd)
        return cls(pid, read_fd)

    def drain(self) -> None:
        """Start reading the child's output in a thread (reads release the interpreter lock)."""
        self._reader = threading.Thread(target=self._read, name="vpcaudit-worker-reader", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        with os.fdopen(self._fd, "rb") as pipe:
            while chunk := pipe.read(1 << 20):
                self._buffer.write(chunk)

    def results(self) -> list[Any] | None:
        """The child's results in order, or None when it did not finish cleanly."""
        assert self._reader is not None
        self._reader.join()
        _, status = os.waitpid(self._pid, 0)
        if status != 0:
            return None
        self._buffer.seek(0)
        values: list[Any] = []
        while self._buffer.tell() < len(self._buffer.getbuffer()):
            values.append(pickle.load(self._buffer))
        return values
