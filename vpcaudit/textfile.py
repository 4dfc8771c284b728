"""Reading the text files a user hands vpcaudit: snapshots, results, plans, templates, TOML.

Why not ``Path.read_text``: it reads to the end before anything can look at the text, and some
paths have no end. ``audit /dev/zero`` (or ``/dev/urandom``, or a binary file given by mistake)
was read until memory ran out and then failed as a bug, exit 4, instead of as a wrong input,
exit 2. None of the formats vpcaudit reads (JSON, YAML, TOML) may hold a NUL byte, so the first
block is checked for one before the rest is read; text is otherwise read exactly as
``Path.read_text`` reads it (UTF-8, universal newlines).
"""

from __future__ import annotations

import os

PROBE_CHARS = 64 * 1024


class NotText(UnicodeDecodeError):
    """The file holds a NUL byte, so it is no text vpcaudit reads. A :class:`UnicodeDecodeError`,
    so every reader's existing "cannot read" or "not text" handling reports it."""

    def __init__(self, offset: int) -> None:
        super().__init__("utf-8", b"\0", 0, 1, "NUL byte")
        self.offset = offset

    def __str__(self) -> str:
        return f"not a text file (a NUL byte at offset {self.offset}: a binary file or a device?)"


def read_text(path: str | os.PathLike[str]) -> str:
    """The UTF-8 text of ``path``; :class:`NotText` from its first block if it holds a NUL byte
    (OSError and UnicodeDecodeError as ``Path.read_text`` raises them)."""
    with open(path, encoding="utf-8") as source:
        head = source.read(PROBE_CHARS)
        nul = head.find("\0")
        if nul >= 0:
            raise NotText(nul)
        return head + source.read()
