"""Collect some of a run's Regions (one account) or accounts (many) in forked processes.

Why processes: collecting is mostly botocore's CPU (building, signing and parsing every call)
under one interpreter lock, so a scan of many Regions is held to one core however many calls
are in flight: 24 small Regions cost about 2 s of it, more than the latency of their 815 calls
at 64 in flight (1.3 s at 100 ms each). A child forked before any thread starts collects its
share with threads and clients of its own (never this process's clients: their pooled
connections are sockets the child inherits, and two processes reading one socket would take
each other's answers), within its share of the run's calls in flight. A Region, or an account,
is collected by one process only, so each account-Region keeps its own bound.

The child sends back, through a pipe, what it wants this process to have as soon as it has it
(each task's outcome, which the parent's account-wide parts may wait for; each account, with its
progress), then its result, or the exception that stopped it (a read-only violation must stop
the run here too). A child that ends without a word (killed, out of memory), or sends what
cannot be read, leaves what it did not deliver to this process, which collects it itself.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import threading
import traceback
from collections.abc import Callable, Sequence
from typing import Any, BinaryIO, Generic, TypeVar

from vpcaudit.errors import CollectionError
from vpcaudit.forks import can_fork, fork_child

T = TypeVar("T")
S = TypeVar("S")

# Fewer Regions than this per process are not worth a fork: a small Region's CPU is a few tens
# of milliseconds, and the child spends about that creating its first clients.
MIN_REGIONS_PER_PROCESS = 4
_MESSAGE, _RESULT, _ERROR = b"m", b"r", b"e"
_HEADER = 9  # one kind byte, then the payload's length in 8 bytes


def processes_for(items: int, asked: int = 0, per_process: int = MIN_REGIONS_PER_PROCESS) -> int:
    """How many processes (this one included) should collect ``items`` Regions (or accounts,
    with ``per_process`` 1): ``asked``, if not 0, up to one per item; else one per CPU this
    process may use, with at least ``per_process`` items each. One where forking is unsafe
    (other threads running) or impossible."""
    if not can_fork():
        return 1
    if asked:
        return max(1, min(asked, items))
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cpus, items // per_process))


def deal(items: Sequence[S], processes: int) -> list[tuple[S, ...]]:
    """``items`` dealt round-robin over ``processes`` shares; the first share (with the first
    item, e.g. the home Region) is this process's."""
    return [tuple(items[i::processes]) for i in range(processes)]


class Child(Generic[T]):
    """A forked process collecting ``share`` (Regions, or accounts); :meth:`result` waits for what
    it sends back."""

    def __init__(self, pid: int, pipe: int, share: tuple[Any, ...]) -> None:
        self.share = share
        self._pid = pid
        self._pipe = pipe
        self._reading = False  # result() owns the pipe: it closes it and reaps the child
        self._reaped = False
        self._lock = threading.Lock()  # no signal to a pid once it is reaped (it may be reused)

    @classmethod
    def fork(cls, share: tuple[Any, ...], work: Callable[[Callable[[object], None]], T]) -> Child[T]:
        """Run ``work(send)`` in a forked child; ``send(message)`` passes a picklable message to
        this process before the work's result (from any of the child's threads: one message is
        written whole before the next one starts)."""
        def child(write_fd: int) -> None:
            with open(write_fd, "wb", buffering=0) as out:
                send = _Sender(out)
                try:
                    result = work(lambda message: send(_MESSAGE, _pickled(message)))
                except BaseException as exc:  # every failure goes back to the parent
                    send(_ERROR, _pickled_error(exc))
                else:
                    send(_RESULT, _pickled(result))

        pid, read_fd = fork_child(child)
        return cls(pid, read_fd, share)

    def result(self, receive: Callable[[object], None]) -> T | None:
        """What the child's work returned, once it has; None if the child ended without a result
        (or sent what cannot be read: it is stopped). Calls ``receive`` with each message the
        child sends meanwhile; raises what the child raised."""
        unreadable = False
        self._reading = True
        try:
            with os.fdopen(self._pipe, "rb") as pipe:
                while len(header := pipe.read(_HEADER)) == _HEADER:
                    size = int.from_bytes(header[1:], "little")
                    payload = pipe.read(size)
                    kind = header[:1]
                    value = _unpickled(payload) if len(payload) == size else _UNREADABLE
                    if value is _UNREADABLE or kind not in (_MESSAGE, _RESULT, _ERROR):
                        unreadable = True
                        return None
                    if kind == _MESSAGE:
                        receive(value)
                    elif kind == _RESULT:
                        return value  # type: ignore[return-value]
                    else:
                        raise value  # type: ignore[misc]
            return None
        finally:
            self._reap(kill=unreadable)

    def close(self) -> None:
        """Stop the child if it is still running (this process gave up on the collection). While
        :meth:`result` reads on another thread, the child is only stopped: the reader sees the
        pipe end, closes it and reaps the child itself."""
        if self._reading:
            with self._lock:
                if not self._reaped:
                    self._stop()
            return
        if not self._reaped:
            os.close(self._pipe)
            self._reap(kill=True)

    def _reap(self, kill: bool) -> None:
        with self._lock:
            if self._reaped:
                return
            if kill:
                self._stop()
            os.waitpid(self._pid, 0)
            self._reaped = True

    def _stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self._pid, signal.SIGTERM)


class _Sender:
    """Framed messages into the child's end of the pipe, one whole message at a time: a large
    one takes several writes, and the child's threads send concurrently (an organization's
    accounts, each with its progress)."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._lock = threading.Lock()

    def __call__(self, kind: bytes, payload: bytes) -> None:
        """Send one message; the pipe is unbuffered, so the parent sees it as soon as it is sent."""
        view = memoryview(kind + len(payload).to_bytes(_HEADER - 1, "little") + payload)
        with self._lock:
            while view:
                view = view[self._out.write(view):]


_UNREADABLE = object()


def _unpickled(payload: bytes) -> object:
    """The object ``payload`` holds, or ``_UNREADABLE``."""
    try:
        return pickle.loads(payload)
    except Exception:  # a message cut off or garbled: the child's results cannot be trusted
        return _UNREADABLE


def _pickled(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _pickled_error(exc: BaseException) -> bytes:
    """``exc`` pickled, with the child's traceback as a note (a traceback does not pickle), or a
    CollectionError that says what it was when it cannot be."""
    if hasattr(exc, "add_note"):  # Python 3.11+
        exc.add_note(f"raised in collection process {os.getpid()}:\n" + "".join(traceback.format_tb(exc.__traceback__)))
    try:
        data = pickle.dumps(exc, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.loads(data)
        return data
    except Exception:  # an exception whose arguments do not survive pickling
        return pickle.dumps(CollectionError(f"collection process failed: {type(exc).__name__}: {exc}"))
