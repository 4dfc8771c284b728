"""An account's JSON text decoded straight into records by msgspec, when it is installed.

Why: reading the accounts of an organization's snapshot is the first tenth of its audit, and the
reader's own way spends it twice — the C JSON parser builds dicts and lists, then a decoder
generated from the records' type hints (:func:`vpcaudit.snapshot.codec.compiled`) turns them into
records. msgspec parses the text into the same records in one pass, four times faster (13
accounts × 17 Regions, 70 MB: 0.44 → 0.10 CPU-s). The Region catalogues are kept as their text
(``msgspec.Raw``) for the reader to match against the catalogues it has already decoded.

It refuses what the compiled decoder refuses on the records' types (a bool for an integer, an
integer-valued float for an integer, an unknown enum value, a missing field, NaN; pinned by
tests); whatever it refuses, the reader's own way reads or explains. It is optional because the
AWS Lambda package is pure Python and msgspec has no pure-Python fallback: :func:`account_decoder`
is then None.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any, get_type_hints

from vpcaudit.snapshot.model import AccountSnapshot, RegionSnapshot

try:
    import msgspec
except ImportError:  # the Lambda package: the reader's own way
    msgspec = None


@dataclasses.dataclass(frozen=True, slots=True)
class RegionText:
    """A Region decoded but for its catalogues: ``catalogues`` maps a catalogue field to its JSON
    text (absent: not in the text, the field's default applies)."""

    fields: dict[str, Any]
    catalogues: dict[str, bytes]


class AccountDecoder:
    """Decodes an account's text into its fields (``regions`` as :class:`RegionText`), and a
    catalogue's text into its records. Errors are ``ValueError`` (msgspec's ``DecodeError``)."""

    def __init__(self, catalogues: Iterable[str]) -> None:
        assert msgspec is not None
        self._catalogues = tuple(catalogues)
        region_hints = get_type_hints(RegionSnapshot)
        self._region_shell = _shell(RegionSnapshot, {name: msgspec.Raw for name in self._catalogues})
        self._account_shell = _shell(AccountSnapshot, {"regions": tuple[self._region_shell, ...]})  # type: ignore[name-defined]
        self._account = msgspec.json.Decoder(self._account_shell)
        self._catalogue = {name: msgspec.json.Decoder(region_hints[name]) for name in self._catalogues}
        self._region_names = tuple(f.name for f in dataclasses.fields(RegionSnapshot) if f.name not in self._catalogues)
        self._account_names = tuple(f.name for f in dataclasses.fields(AccountSnapshot) if f.name != "regions")

    def account(self, text: str | bytes) -> tuple[dict[str, Any], list[RegionText]]:
        """The account's own fields, and each of its Regions as read."""
        shell = self._account.decode(text)
        regions = [RegionText({name: getattr(region, name) for name in self._region_names},
                              {name: bytes(raw) for name in self._catalogues
                               if (raw := getattr(region, name)) is not None})
                   for region in shell.regions]
        return {name: getattr(shell, name) for name in self._account_names}, regions

    def catalogue(self, name: str, text: bytes) -> tuple[Any, ...]:
        """The records of catalogue ``name`` written as ``text``."""
        return self._catalogue[name].decode(text)  # type: ignore[no-any-return]


def account_decoder(catalogues: Iterable[str]) -> AccountDecoder | None:
    """A decoder for account texts whose ``catalogues`` are left as text; None without msgspec."""
    return AccountDecoder(catalogues) if msgspec is not None else None


def _shell(cls: type, replaced: dict[str, Any]) -> type:
    """A slotted dataclass with ``cls``'s fields, type hints and defaults, but for the ``replaced``
    hints (a replaced field defaults to None when ``cls``'s has a default): what msgspec decodes."""
    hints = get_type_hints(cls)
    fields: list[tuple[str, Any, Any]] = []
    for f in dataclasses.fields(cls):
        if f.name in replaced:
            default: Any = dataclasses.field(default=None) if _has_default(f) else dataclasses.MISSING
            fields.append((f.name, replaced[f.name], default))
        elif f.default is not dataclasses.MISSING:
            fields.append((f.name, hints[f.name], dataclasses.field(default=f.default)))
        elif f.default_factory is not dataclasses.MISSING:
            fields.append((f.name, hints[f.name], dataclasses.field(default_factory=f.default_factory)))
        else:
            fields.append((f.name, hints[f.name], dataclasses.MISSING))
    return dataclasses.make_dataclass(f"_{cls.__name__}Text", [
        (name, hint) if default is dataclasses.MISSING else (name, hint, default) for name, hint, default in fields],
        slots=True)


def _has_default(f: dataclasses.Field[Any]) -> bool:
    return f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
