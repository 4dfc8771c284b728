"""Writing an output file never replaces something that is not a regular file.

The atomic write (temp file + rename) is right for regular files only: renamed over a device, a
FIFO or a symlink it would replace *them* (``-o /dev/null`` run as root turned the system's
``/dev/null`` into a regular file). Devices and FIFOs are written through, a symlink's target is
replaced (the link stays), and a replaced file keeps its permissions.
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Iterable
from pathlib import Path

import pytest

from vpcaudit.files import atomic_write_text


def test_a_symlink_stays_a_link_and_its_target_is_replaced(tmp_path: Path) -> None:
    target = tmp_path / "reports" / "real.html"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "link.html"
    link.symlink_to(target)
    atomic_write_text(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() == "new"
    assert sorted(p.name for p in target.parent.iterdir()) == ["real.html"]  # no temp file left behind


def test_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "made.json")
    atomic_write_text(link, "{}")
    assert link.is_symlink() and (tmp_path / "made.json").read_text() == "{}"


def test_a_fifo_is_written_through_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()), daemon=True)
    reader.start()
    try:
        atomic_write_text(fifo, "through the pipe")
        reader.join(timeout=10)
        assert received == ["through the pipe"]
        assert stat.S_ISFIFO(fifo.stat().st_mode)
    finally:
        if reader.is_alive():  # the write went elsewhere: release the reader blocked on the FIFO
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            os.close(fd)


@pytest.mark.skipif(os.geteuid() != 0, reason="creating a device node needs root")
def test_a_device_is_written_through_and_stays_a_device(tmp_path: Path) -> None:
    null = tmp_path / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # the same device as /dev/null, in a test folder
    atomic_write_text(null, "discarded")
    assert stat.S_ISCHR(null.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]


def test_a_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    """A private snapshot (0600) must not become world-readable because a run rewrote it."""
    private = tmp_path / "snap.json"
    private.write_text("old")
    private.chmod(0o600)
    atomic_write_text(private, "new")
    assert private.read_text() == "new"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600


TEXT = "a gigabyte-sized result, written a slice at a time: é → \U0001f600 and ascii " * 7


def test_a_text_is_written_a_slice_at_a_time_and_arrives_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 ) -> None:
    """An organization's result is gigabytes: encoded whole, it would be held twice. Slices of
    5 characters cut between multi-byte characters everywhere; the file holds the text's bytes."""
    from vpcaudit import files

    real, sizes = files._replace_atomically, []

    def replace(target: Path, chunks: Iterable[bytes]) -> None:
        real(target, (sizes.append(len(chunk)) or chunk for chunk in chunks))

    monkeypatch.setattr(files, "_SLICE", 5)
    monkeypatch.setattr(files, "_replace_atomically", replace)
    target = tmp_path / "result.json"
    atomic_write_text(target, TEXT)
    assert target.read_bytes() == TEXT.encode("utf-8")
    assert len(sizes) == -(-len(TEXT) // 5) and max(sizes) <= 5 * 4


def test_a_short_write_to_a_descriptor_sends_the_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pipe may take part of a write; the rest follows until every byte is out."""
    from vpcaudit import files

    read_end, write_end = os.pipe()
    real_write, calls = os.write, []

    def short(fd: int, data: bytes) -> int:
        calls.append(len(data))
        return real_write(fd, bytes(data[:3]))

    monkeypatch.setattr(files.os, "write", short)
    try:
        atomic_write_text(f"/dev/fd/{write_end}", "0123456789é")
        assert os.read(read_end, 100) == "0123456789é".encode()
        assert len(calls) == 4
    finally:
        os.close(read_end)
        os.close(write_end)


def _spool(tmp_path: Path, data: bytes) -> int:
    """An open file holding ``data`` after a few bytes of something else (as a worker's spool)."""
    fd = os.open(tmp_path / "spool", os.O_RDWR | os.O_CREAT, 0o600)
    os.write(fd, b"other piece|" + data + b"|next piece")
    return fd


@pytest.mark.parametrize("sendfile", ["kernel", "refused", "missing"])
def test_ranges_of_other_files_are_copied_between_the_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             sendfile: str) -> None:
    """A document's chunks may be ranges of the files its pieces were written to: each lands in
    its place, copied by the kernel where it can and read and written where it cannot (no
    sendfile on the platform, or the kernel refusing these two files), to a replaced file and to
    a descriptor alike."""
    from vpcaudit import files

    if sendfile == "refused":
        def refuse(*_args: object) -> int:
            raise OSError(22, "Invalid argument")
        monkeypatch.setattr(files.os, "sendfile", refuse)
    elif sendfile == "missing":
        monkeypatch.delattr(files.os, "sendfile")
    piece = "é piece ".encode() * 70_000  # more than one read's worth of bytes in the fallback
    monkeypatch.setattr(files, "_READ", 1 << 16)
    spool = _spool(tmp_path, piece)
    try:
        middle = files.FileRange(spool, len(b"other piece|"), len(piece))
        target = tmp_path / "result.json"
        files.atomic_write_chunks(target, [b"[", middle, b",", middle, b"]"])
        assert target.read_bytes() == b"[" + piece + b"," + piece + b"]"
        out = os.open(tmp_path / "descriptor", os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            files.atomic_write_chunks(f"/dev/fd/{out}", [b"<", middle, b">"])
        finally:
            os.close(out)
        assert (tmp_path / "descriptor").read_bytes() == b"<" + piece + b">"
    finally:
        os.close(spool)


def test_a_range_cut_short_is_an_error_not_a_short_file(tmp_path: Path) -> None:
    """A piece's file holding less than its range (truncated under us) fails the write: the old
    file stays, and no half document replaces it."""
    from vpcaudit import files

    spool = _spool(tmp_path, b"abc")
    target = tmp_path / "result.json"
    target.write_text("previous")
    try:
        with pytest.raises(EOFError):
            files.atomic_write_chunks(target, [b"[", files.FileRange(spool, 12, 10_000), b"]"])
    finally:
        os.close(spool)
    assert target.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.json", "spool"]  # no temporary file left
