"""Atomic writes never replace what is not a regular file."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from vpcaudit.files import atomic_write_text


def test_a_named_pipe_is_written_through_not_replaced(tmp_path: Path) -> None:
    """`-o /dev/stdout` or a pipe must stay what it is: renaming over a device as root would
    replace it for every process on the machine (shown here with a FIFO, which is safe to break)."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_text(encoding="utf-8")), daemon=True)
    reader.start()
    atomic_write_text(pipe, "report\n")
    reader.join(10)
    assert received == ["report\n"]
    assert pipe.is_fifo() and sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_a_regular_file_is_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("old and longer\n", encoding="utf-8")
    atomic_write_text(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]
