"""The one interface every output format implements, for audit results and diffs alike.

Why a value rather than a class hierarchy: a formatter is a pure function of one document (an
:class:`~vpcaudit.engine.result.AuditResult` or an :class:`~vpcaudit.engine.diff.AuditDiff`);
a face only needs to look one up by name and know where it goes by default. Adding a format is
one module exporting a ``FORMATTER`` and one entry in its kind's :class:`FormatterSet`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from vpcaudit.files import Chunk

Document = TypeVar("Document")


@dataclass(frozen=True, slots=True)
class Formatter(Generic[Document]):
    name: str
    filename: str  # default file name when writing into an output folder
    render: Callable[[Document], str]
    # The same output as UTF-8 chunks, for a format whose text can be gigabytes; None: render's text.
    stream: Callable[[Document], Iterable[Chunk]] | None = None


class FormatterSet(Generic[Document]):
    """The formats of one kind of document, looked up by name, in the order they are offered."""

    def __init__(self, kind: str, formatters: Iterable[Formatter[Document]]) -> None:
        self.kind = kind
        self._by_name = {f.name: f for f in formatters}

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._by_name)

    @property
    def filenames(self) -> dict[str, str]:
        """Every format and the file name it gets inside an output folder."""
        return {name: f.filename for name, f in self._by_name.items()}

    def get(self, fmt: str) -> Formatter[Document]:
        try:
            return self._by_name[fmt]
        except KeyError:
            raise ValueError(f"unknown {self.kind} format {fmt!r} (known: {', '.join(self.names)})") from None

    def render(self, document: Document, fmt: str) -> str:
        """The whole output of one format as text."""
        return self.get(fmt).render(document)

    def stream(self, document: Document, fmt: str) -> Iterable[Chunk] | None:
        """The output of one format as UTF-8 chunks, where the format writes it so; else None."""
        formatter = self.get(fmt)
        return formatter.stream(document) if formatter.stream is not None else None
