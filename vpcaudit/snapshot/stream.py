"""Read a snapshot file one Region at a time, so loading never holds the whole document as JSON.

Why: an organization snapshot runs to gigabytes of text. Parsed whole, it exists three times at
the peak — the text, the tree of dicts and lists ``json.loads`` builds from it, and the records
built from that — several times the size of the records alone. This reader walks the top level
(the snapshot object, its ``accounts`` list, each account object, its ``regions`` list, each
Region object) token by token and hands each value below that — a Region's VPCs, a status list,
the options — to the C parser alone, turning each Region into records as soon as it is read; the
file is read in chunks. A Region catalogue whose text an earlier account already listed is not
parsed again (see :class:`_SharedCatalogues`).

Only well-formed, well-typed snapshots are read this way. Anything unexpected raises
:class:`Unreadable`, and the caller reads the file the plain way, whose messages name the line,
column or field at fault — the streaming read is never the one that explains an error.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterator
from typing import Any, TextIO, get_type_hints

from vpcaudit.snapshot.codec import MISFITS, compiled
from vpcaudit.snapshot.model import AccountSnapshot, RegionSnapshot, Snapshot
from vpcaudit.snapshot.strictjson import too_deep
from vpcaudit.snapshot.typed_json import AccountDecoder, account_decoder

CHUNK = 1 << 24  # characters read at a time
# Fewer characters than this left unread: read the next chunk before parsing a value. A value cut
# off by the chunk's end is parsed in vain up to there, and the error the decoder raises counts
# the lines of everything held before it (JSONDecodeError's line number): about 8 ms a chunk,
# 150 chunks in an organization's file.
REFILL = 1 << 20
_WHITESPACE = re.compile(r"[ \t\n\r]*")


class Unreadable(Exception):
    """The stream is not a snapshot this reader can take apart; read it whole instead."""


def _refuse_constant(name: str) -> Any:
    """NaN and Infinity are not JSON: leave such a file to the whole-file reader, which says so."""
    raise Unreadable(f"{name} is not a JSON number")


DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


class _Tokens:
    """A JSON text read from a file in chunks, with a cursor; or, without a source, ``text`` itself."""

    def __init__(self, source: TextIO | None, text: str = "") -> None:
        self._source = source
        self._text = text
        self._at = 0
        self._start = 0  # where the value last read by ``value`` began
        self._ended = source is None

    def _more(self) -> None:
        """Read another chunk (at least as long as what is held, so a long value costs linear time)."""
        if self._ended:
            raise Unreadable("unexpected end of the file")
        chunk = self._source.read(max(CHUNK, len(self._text) - self._at)) if self._source else ""
        self._ended = not chunk
        self._text = self._text[self._at:] + chunk
        self._at = 0

    def _skip_whitespace(self) -> None:
        while True:
            match = _WHITESPACE.match(self._text, self._at)
            self._at = match.end() if match else self._at
            if self._at < len(self._text) or self._ended:
                return
            self._more()

    def peek(self) -> str:
        self._skip_whitespace()
        return self._text[self._at:self._at + 1]

    def take(self, char: str) -> None:
        if self.peek() != char:
            raise Unreadable(f"expected {char!r}")
        self._at += 1

    def value(self) -> Any:
        """The next JSON value, whole, parsed by the C decoder."""
        while True:
            self._skip_whitespace()
            if len(self._text) - self._at < REFILL and not self._ended:
                self._more()  # so a value is seldom cut off by the end of the chunk (see REFILL)
                continue
            self._start = self._at
            try:
                value, end = DECODER.raw_decode(self._text, self._at)
            except RecursionError:  # nested past the parser's limit: the whole-file reader reports it
                raise Unreadable("nested too deeply") from None
            except json.JSONDecodeError:
                self._more()  # cut off by the end of the chunk (or broken: Unreadable at the end)
                continue
            if end >= len(self._text) and not self._ended:  # a number may go on in the next chunk
                self._more()
                continue
            self._at = end
            return value

    def value_and_text(self) -> tuple[Any, str]:
        """The next JSON value, and its text as written."""
        value = self.value()
        return value, self._text[self._start:self._at]

    def skip(self, text: str) -> bool:
        """Step over ``text`` if it is what comes next (and is held already); otherwise stay."""
        self._skip_whitespace()
        if self._text.startswith(text, self._at):
            self._at += len(text)
            return True
        return False

    def end(self) -> None:
        if self.peek() != "":
            raise Unreadable("text after the snapshot")


def _members(tokens: _Tokens) -> Iterator[str]:
    """The keys of an object's members, the cursor left on each member's value."""
    tokens.take("{")
    first = True
    while tokens.peek() != "}":
        if not first:
            tokens.take(",")
        first = False
        key = tokens.value()
        if not isinstance(key, str):
            raise Unreadable("an object key that is not a string")
        tokens.take(":")
        yield key
    tokens.take("}")


def _items(tokens: _Tokens) -> Iterator[None]:
    """Each item of a list, the cursor left on it."""
    tokens.take("[")
    first = True
    while tokens.peek() != "]":
        if not first:
            tokens.take(",")
        first = False
        yield
    tokens.take("]")


def read(source: TextIO) -> tuple[Snapshot, dict[str, Any]]:
    """The snapshot in ``source`` and its top-level fields other than ``accounts`` (as JSON data,
    for the caller's schema check). Raises :class:`Unreadable` at anything unexpected."""
    tokens = _Tokens(source)
    top: dict[str, Any] = {}
    accounts: list[AccountSnapshot] = []
    shared = _SharedCatalogues()
    try:
        for key in _members(tokens):
            if key == "accounts":
                for _ in _items(tokens):
                    accounts.append(_account(tokens, shared))
            else:
                top[key] = tokens.value()
        tokens.end()
        if too_deep(top):  # free-form fields (options) could nest deep enough to break what walks them
            raise Unreadable("nested too deeply")
        snapshot = compiled(Snapshot)({**top, "accounts": []})
    except MISFITS as exc:
        raise Unreadable(f"a value that does not fit its field ({exc!r})") from None
    return dataclasses.replace(snapshot, accounts=tuple(accounts)), top


class AccountReader:
    """Account objects read one at a time, each the whole of its text (the accounts of a snapshot
    file read by several processes, see :mod:`vpcaudit.snapshot.layout`), with equal Region
    catalogues kept once across them. Raises :class:`Unreadable` as :func:`read` does.

    Decoded by msgspec where it is installed (:mod:`vpcaudit.snapshot.typed_json`, four times
    faster); else token by token as :func:`read` does."""

    def __init__(self) -> None:
        self._catalogues = _SharedCatalogues()
        self._typed = account_decoder(CATALOGUES)

    def read(self, text: str | bytes) -> AccountSnapshot:
        """The account whose JSON text (UTF-8, if bytes) is the whole of ``text``."""
        try:
            if self._typed is not None:
                return self._read_typed(self._typed, text)
            tokens = _Tokens(None, text if isinstance(text, str) else str(text, "utf-8"))
            account = _account(tokens, self._catalogues)
            tokens.end()
        except MISFITS as exc:  # msgspec's errors are ValueErrors; a text not UTF-8 a UnicodeDecodeError
            raise Unreadable(f"a value that does not fit its field ({exc!r})") from None
        return account

    def _read_typed(self, typed: AccountDecoder, text: str | bytes) -> AccountSnapshot:
        fields, regions = typed.account(text)
        return AccountSnapshot(**fields, regions=tuple(
            RegionSnapshot(**region.fields, **{name: self._catalogues.from_text(name, catalogue, typed)
                                               for name, catalogue in region.catalogues.items()})
            for region in regions))


def _account(tokens: _Tokens, shared: _SharedCatalogues) -> AccountSnapshot:
    fields: dict[str, Any] = {}
    regions: list[RegionSnapshot] = []
    for key in _members(tokens):
        if key == "regions":
            for _ in _items(tokens):
                regions.append(_region(tokens, shared))
        else:
            fields[key] = tokens.value()
    account = compiled(AccountSnapshot)({**fields, "regions": []})
    return dataclasses.replace(account, regions=tuple(regions))


def _region(tokens: _Tokens, shared: _SharedCatalogues) -> RegionSnapshot:
    fields: dict[str, Any] = {}
    catalogues: dict[str, tuple[Any, ...]] = {}
    for key in _members(tokens):
        if key in CATALOGUES:
            catalogues[key] = shared.read(key, tokens)
        else:
            fields[key] = tokens.value()
    region = compiled(RegionSnapshot)(fields)
    return dataclasses.replace(region, **catalogues) if catalogues else region


def shared_catalogues(snapshot: Snapshot) -> Snapshot:
    """The snapshot with equal Region catalogues kept once (see :class:`_SharedCatalogues`)."""
    shared = _SharedCatalogues()
    return dataclasses.replace(snapshot, accounts=tuple(
        dataclasses.replace(a, regions=tuple(shared.of(r) for r in a.regions)) for a in snapshot.accounts))


# The Region fields every account lists alike: the endpoint-service catalogue and AWS prefix lists.
CATALOGUES = ("endpoint_services", "prefix_lists")

# Texts of catalogues remembered per field: an organization has one per Region (17 or so). Bounded,
# so an estate whose catalogues all differ costs a few comparisons per Region, not more memory.
REMEMBERED_TEXTS = 64


class _SharedCatalogues:
    """Every account lists the same endpoint-service catalogue and AWS prefix lists of a Region:
    equal lists are kept once (records are immutable), which saves a third of the memory of an
    organization snapshot.

    Read from a file, a catalogue whose text was read before is stepped over and its records
    reused: a third of an organization's file is neither parsed nor decoded again.
    """

    def __init__(self) -> None:
        self._seen: dict[Any, Any] = {}
        # Per field, the texts read so far (str from the token reader, bytes from the typed one).
        self._texts: dict[str, dict[str | bytes, tuple[Any, ...]]] = {name: {} for name in CATALOGUES}

    def read(self, field: str, tokens: _Tokens) -> tuple[Any, ...]:
        """The catalogue ``field`` whose value is next in ``tokens``."""
        known = self._texts[field]
        for text, records in known.items():
            if isinstance(text, str) and tokens.skip(text):  # a complete JSON list: it ends where the value ends
                return records
        value, text = tokens.value_and_text()
        return self._kept(known, text, lambda: self._decode(field, value))  # read before, if not yet wholly held above

    def from_text(self, field: str, text: bytes, typed: AccountDecoder) -> tuple[Any, ...]:
        """The catalogue ``field`` written as ``text``, decoded by ``typed`` unless read before."""
        return self._kept(self._texts[field], text, lambda: typed.catalogue(field, text))

    def _kept(self, known: dict[str | bytes, tuple[Any, ...]], text: str | bytes,
              decode: Callable[[], tuple[Any, ...]]) -> tuple[Any, ...]:
        """The records written as ``text``: those read before, else ``decode()``'s, kept once."""
        records = known.get(text)
        if records is None:
            decoded = decode()
            records = self._seen.setdefault(decoded, decoded)
            if len(known) < REMEMBERED_TEXTS:
                known[text] = records
        return records

    def _decode(self, field: str, value: Any) -> tuple[Any, ...]:
        return compiled(_CATALOGUE_TYPES[field])(value)  # type: ignore[no-any-return]

    def of(self, region: RegionSnapshot) -> RegionSnapshot:
        services = self._seen.setdefault(region.endpoint_services, region.endpoint_services)
        prefix_lists = self._seen.setdefault(region.prefix_lists, region.prefix_lists)
        if services is region.endpoint_services and prefix_lists is region.prefix_lists:
            return region
        return dataclasses.replace(region, endpoint_services=services, prefix_lists=prefix_lists)


_CATALOGUE_TYPES = {name: get_type_hints(RegionSnapshot)[name] for name in CATALOGUES}
