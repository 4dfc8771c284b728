"""Forking workers: whether this process may fork, and a child that reports through a pipe.

Why a leaf of its own: both the engine (rules over forked workers) and the collectors (Regions
and accounts collected by forked children) fork, and neither layer may import the other.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable


def can_fork() -> bool:
    """Forking is possible here and cannot deadlock a child on a lock some other thread holds
    (a forked child inherits every lock, but not the threads that would release them)."""
    return hasattr(os, "fork") and threading.active_count() == 1


def fork_child(body: Callable[[int], None]) -> tuple[int, int]:
    """Fork a child that runs ``body(write_fd)`` and exits (status 0, or 1 if ``body`` raised),
    with no atexit handlers and no flushing of this process's buffers; returns the child's pid
    and the read end of its pipe."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_fd)
        status = 1
        try:
            body(write_fd)
            status = 0
        finally:
            os._exit(status)
    os.close(write_fd)
    return pid, read_fd
