"""Generic, strict JSON (de)serialisation for the frozen snapshot records.

Why one generic codec instead of hand-written ``to_json`` per record: every record is a
frozen dataclass of plain types, tuples and other records, so one type-directed codec keeps
the JSON shape and the Python shape from drifting apart, and reports the *path* of the first
field that does not fit (the snapshot loader turns that into a user-facing message).
"""

from __future__ import annotations

import dataclasses
import enum
import json
import math
import types
import typing
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from functools import cache, lru_cache
from typing import Any, Protocol, TypeVar, Union, get_args, get_origin, get_type_hints

from vpcaudit.files import Chunk, FileRange

T = TypeVar("T")


class DecodeError(ValueError):
    """A JSON value does not fit the record type; ``path`` names the offending field."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


def to_jsonable(value: Any) -> Any:
    """Turn a record tree into JSON-ready dicts/lists (field order kept; keys sorted at dump)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def from_jsonable(cls: type[T], data: Any, path: str = "$") -> T:
    """Build ``cls`` from JSON data, checking every field's type on the way.

    A decoder compiled for the type does the work; only when it meets something it does not
    accept does the generic decoder below run again over ``data``, to name the field.
    """
    try:
        return typing.cast(T, compiled(cls)(data))
    except MISFITS:
        return typing.cast(T, _decode(cls, data, path))


class _Mismatch(Exception):
    """The compiled decoder met a value that does not fit; the generic one will say where."""


# What a compiled decoder raises for a value that does not fit its type.
MISFITS: tuple[type[Exception], ...] = (_Mismatch, KeyError, TypeError, ValueError)


@cache
def compiled(tp: Any) -> Callable[[Any], Any]:
    """A decoder for ``tp`` that accepts exactly what :func:`_decode` accepts and builds the same
    value, without tracking paths: it raises (``_Mismatch``, ``KeyError``, ``TypeError`` or
    ``ValueError``) at the first value that does not fit.

    Why compiled: a snapshot holds millions of records; the generic decoder inspects each
    field's type hint for every record (about 15 µs a record), this code was generated once
    per record type from those hints (about 1 µs).
    """
    if dataclasses.is_dataclass(tp):
        return _compile_record(tp)
    env: dict[str, Any] = {"_M": _Mismatch}
    body = _convert(tp, "v", env, "    ")
    source = "def decode(v):\n" + "".join(body) + "    return v\n"
    exec(source, env)  # generated from type hints only, see _convert
    return typing.cast(Callable[[Any], Any], env["decode"])


_ABSENT = object()


def _compile_record(cls: type) -> Callable[[Any], Any]:
    hints = _hints(cls)
    env: dict[str, Any] = {"_M": _Mismatch, "_cls": cls, "_ABSENT": _ABSENT}
    lines = ["def decode(d):\n", "    if type(d) is not dict:\n        raise _M\n"]
    names = []
    for i, f in enumerate(dataclasses.fields(cls)):
        name = f"v{i}"
        names.append(name)
        convert = _convert(hints[f.name], name, env, "        ")
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            lines.append(f"    {name} = d[{f.name!r}]\n    if True:\n")
        else:
            env[f"_default{i}"] = f.default if f.default is not dataclasses.MISSING else f.default_factory
            fallback = f"_default{i}" if f.default is not dataclasses.MISSING else f"_default{i}()"
            lines.append(f"    {name} = d.get({f.name!r}, _ABSENT)\n    if {name} is _ABSENT:\n"
                         f"        {name} = {fallback}\n    else:\n")
        lines += convert or ["        pass\n"]
    if "__slots__" in cls.__dict__ and not hasattr(cls, "__post_init__"):
        # A slotted record without __post_init__: fill its slots directly (a third of the
        # constructor's cost, which sets each field through object.__setattr__ by name).
        env["_new"] = object.__new__
        env.update({f"_set{i}": cls.__dict__[f.name].__set__ for i, f in enumerate(dataclasses.fields(cls))})
        lines.append("    o = _new(_cls)\n")
        lines += [f"    _set{i}(o, {name})\n" for i, name in enumerate(names)]
        lines.append("    return o\n")
    else:
        lines.append(f"    return _cls({', '.join(names)})\n")
    exec("".join(lines), env)  # generated from the record's own type hints
    return typing.cast(Callable[[Any], Any], env["decode"])


def _convert(tp: Any, name: str, env: dict[str, Any], pad: str) -> list[str]:
    """Source lines that check (and convert in place) the variable ``name`` holding a value for ``tp``."""
    if tp is Any:
        return []
    if tp is str:
        return [f"{pad}if type({name}) is not str and not isinstance({name}, str):\n{pad}    raise _M\n"]
    if tp is bool:
        return [f"{pad}if type({name}) is not bool:\n{pad}    raise _M\n"]
    if tp is int:
        return [f"{pad}if type({name}) is not int and (isinstance({name}, bool) or not isinstance({name}, int)):\n"
                f"{pad}    raise _M\n"]
    if tp is float:
        env["_float"] = _to_float
        return [f"{pad}{name} = _float({name})\n"]
    if tp is type(None):
        return [f"{pad}if {name} is not None:\n{pad}    raise _M\n"]
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        optional = len(args) < len(get_args(tp))
        if len(args) == 1:
            inner = _convert(args[0], name, env, pad + "    ")
            if not optional:
                return inner
            return [f"{pad}if {name} is not None:\n", *(inner or [f"{pad}    pass\n"])]
        key = f"_union{len(env)}"
        env[key] = _union(tuple(compiled(a) for a in args), optional)
        return [f"{pad}{name} = {key}({name})\n"]
    key = f"_decode{len(env)}"
    if origin in (tuple, list) and get_args(tp)[0] is str:  # the commonest field shape, checked inline
        return [f"{pad}if type({name}) is not list:\n{pad}    raise _M\n",
                f"{pad}for _x in {name}:\n{pad}    if type(_x) is not str and not isinstance(_x, str):\n"
                f"{pad}        raise _M\n",
                f"{pad}{name} = {'tuple' if origin is tuple else 'list'}({name})\n"]
    if origin in (tuple, list):
        item = get_args(tp)[0]
        env[key] = _sequence(compiled(item), tuple if origin is tuple else list)
    elif origin is dict:
        env[key] = _mapping(compiled(get_args(tp)[1]))
    elif dataclasses.is_dataclass(tp):
        env[key] = compiled(tp)
    elif isinstance(tp, type) and issubclass(tp, str):  # str-based enums
        env[key] = _enum(tp)
    else:
        raise TypeError(f"unsupported field type {tp!r}")
    return [f"{pad}{name} = {key}({name})\n"]


def _to_float(value: Any) -> float:
    if type(value) is float and math.isfinite(value):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Mismatch
    try:
        number = float(value)
    except OverflowError:  # an integer beyond any float
        raise _Mismatch from None
    if not math.isfinite(number):  # NaN, or a literal such as 1e999: the generic decoder names the field
        raise _Mismatch
    return number


def _union(decoders: tuple[Callable[[Any], Any], ...], optional: bool) -> Callable[[Any], Any]:
    def decode(value: Any) -> Any:
        if value is None and optional:
            return None
        for decoder in decoders:  # the first alternative that fits, as the generic decoder does
            try:
                return decoder(value)
            except MISFITS:
                continue
        raise _Mismatch
    return decode


def _sequence(item: Callable[[Any], Any], kind: type) -> Callable[[Any], Any]:
    def decode(value: Any) -> Any:
        if type(value) is not list:
            raise _Mismatch
        return kind([item(x) for x in value])
    return decode


def _mapping(item: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def decode(value: Any) -> Any:
        if type(value) is not dict:
            raise _Mismatch
        return {str(k): item(v) for k, v in value.items()}
    return decode


def _enum(cls: type) -> Callable[[Any], Any]:
    members = cls._value2member_map_  # type: ignore[attr-defined]

    def decode(value: Any) -> Any:
        if not isinstance(value, str):
            raise _Mismatch
        member = members.get(value)
        return member if member is not None else cls(value)  # an alias or a miss: let the enum decide
    return decode


def _decode(tp: Any, data: Any, path: str) -> Any:
    origin = get_origin(tp)
    if tp is Any:
        return data
    if origin in (Union, types.UnionType):
        args = get_args(tp)
        if data is None and type(None) in args:
            return None
        errors = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                return _decode(arg, data, path)
            except DecodeError as exc:
                errors.append(exc)
        raise errors[0] if errors else DecodeError(path, "unexpected null")
    if origin is list:
        if not isinstance(data, list):
            raise DecodeError(path, f"expected a list, got {type(data).__name__}")
        return [_decode(get_args(tp)[0], item, f"{path}[{i}]") for i, item in enumerate(data)]
    if origin is tuple:
        if not isinstance(data, list):
            raise DecodeError(path, f"expected a list, got {type(data).__name__}")
        args = get_args(tp)
        item_type = args[0]
        return tuple(_decode(item_type, item, f"{path}[{i}]") for i, item in enumerate(data))
    if origin is dict:
        if not isinstance(data, dict):
            raise DecodeError(path, f"expected an object, got {type(data).__name__}")
        _key_type, value_type = get_args(tp)
        return {str(k): _decode(value_type, v, f"{path}.{k}") for k, v in data.items()}
    if dataclasses.is_dataclass(tp):
        if not isinstance(data, dict):
            raise DecodeError(path, f"expected an object, got {type(data).__name__}")
        hints = _hints(tp)
        kwargs = {}
        for f in dataclasses.fields(tp):
            if f.name not in data:
                if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING:
                    continue
                raise DecodeError(f"{path}.{f.name}", "missing field")
            kwargs[f.name] = _decode(hints[f.name], data[f.name], f"{path}.{f.name}")
        try:
            return tp(**kwargs)
        except ValueError as exc:  # the record's own check of its values (__post_init__)
            raise DecodeError(path, str(exc)) from None
    if tp is float:
        if isinstance(data, bool) or not isinstance(data, int | float):
            raise DecodeError(path, f"expected a number, got {type(data).__name__}")
        try:
            number = float(data)
        except OverflowError:  # an integer beyond any float
            number = math.inf
        if not math.isfinite(number):
            raise DecodeError(path, f"expected a finite number, got {data!r}")
        return number
    if tp is int:
        if isinstance(data, bool) or not isinstance(data, int):
            raise DecodeError(path, f"expected an integer, got {type(data).__name__}")
        return data
    if tp is type(None):
        if data is not None:
            raise DecodeError(path, f"expected null, got {type(data).__name__}")
        return None
    if tp in (str, bool):
        if not isinstance(data, tp):
            raise DecodeError(path, f"expected {tp.__name__}, got {type(data).__name__}")
        return data
    if isinstance(tp, type) and issubclass(tp, str):  # str-based enums
        if not isinstance(data, str):
            raise DecodeError(path, f"expected a string, got {type(data).__name__}")
        try:
            return tp(data)
        except ValueError:
            raise DecodeError(path, f"unknown value {data!r}") from None
    raise TypeError(f"unsupported field type {tp!r} at {path}")


class JsonWriter:
    """The text ``json.dumps(to_jsonable(value), indent=…, sort_keys=True, ensure_ascii=…)`` gives,
    written straight from the record tree.

    Why: with ``indent``, the standard library falls back to its pure-Python encoder, and
    ``to_jsonable`` first copies the whole tree into dicts — together the larger part of writing
    a snapshot or an audit result. This writer walks the records once, with each class's sorted
    field names and key prefixes worked out once per nesting level, and leaves every string to
    the C string encoder. ``computed`` adds fields to a class's output (a finding's
    fingerprint: name → function of the record), sorted in among its own.
    """

    def __init__(self, *, indent: int, ensure_ascii: bool,
                 computed: Mapping[type, Mapping[str, Callable[[Any], Any]]] | None = None,
                 spread: Spread | None = None, spread_stream: StreamSpread | None = None,
                 spread_min: int = 4096, repeated: Mapping[type, Collection[str]] | None = None) -> None:
        self._indent = indent
        # A list of at least ``spread_min`` items is cut into pieces whose texts ``spread`` computes
        # (a map, possibly over forked processes): an organization's findings and paths are most
        # of its result, and each item's text depends on nothing but the item and its depth.
        # ``spread_stream`` does it for :meth:`stream`, the pieces left where it computed them.
        self._spread = spread
        self._spread_stream = spread_stream
        self._streaming = False
        self._in_piece = False  # a piece is written whole: lists inside it are never spread again
        self._spread_min = spread_min
        self._string: Callable[[str], str] = (
            json.encoder.encode_basestring_ascii if ensure_ascii  # type: ignore[attr-defined]
            else json.encoder.encode_basestring)  # type: ignore[attr-defined]
        self._computed = dict(computed or {})
        # Fields whose strings recur from record to record (a traffic path's steps: the same route
        # table and prefix list for every subnet of a VPC): their text is kept, bounded, for the next
        # record, as escaping a long string costs more than finding it again.
        self._repeated = {cls: frozenset(names) for cls, names in (repeated or {}).items()}
        self._repeated_text = lru_cache(maxsize=_REPEATED_TEXTS)(self._string)
        self._records: dict[tuple[type, int], Callable[..., None]] = {}
        self._writers: dict[type, Callable[[Any, int, list[str]], None]] = {}
        self._newlines: list[str] = []
        # The text written so far by dumps or stream, joined chunk by chunk; stream's spread lists
        # are pieces to copy in their place.
        self._chunks: list[str | SpreadPieces] = []

    def dumps(self, value: Any, level: int = 0, end: str = "") -> str:
        """``value`` as text, then ``end``; ``level``: as written nested that deep in a larger document
        (whose other parts a caller writes itself, e.g. a snapshot written one account at a time).
        ``end`` ("\n" for a file) is joined in with the rest: added afterwards, it would copy a
        text of gigabytes once more."""
        parts: list[str] = []
        self._chunks = []
        self._write(value, level, parts)
        parts.append(end)
        self._chunks.append("".join(parts))
        text = "".join(self._chunks)  # type: ignore[arg-type]  # no spread piece outside stream()
        self._chunks = []
        return text

    def stream(self, value: Any, level: int = 0, end: str = "") -> Iterator[Chunk]:
        """The UTF-8 bytes of ``dumps(value, level, end)``, chunk by chunk, for writing to a file:
        long lists' pieces (``spread_stream``) are left wherever they were computed (a chunk may be
        a range of the file a piece was written to, for the kernel to copy), and
        the whole text is never one object (an organization's result is gigabytes; joined, read
        back and encoded, it was held four times over)."""
        parts: list[str] = []
        self._chunks = []
        self._streaming = True
        try:
            self._write(value, level, parts)
            parts.append(end)
            self._chunks.append("".join(parts))
            chunks, self._chunks = self._chunks, []
        finally:
            self._streaming = False
        try:
            for chunk in chunks:
                if isinstance(chunk, str):
                    yield from (chunk[i:i + _ENCODE_SLICE].encode("utf-8") for i in range(0, len(chunk), _ENCODE_SLICE))
                else:
                    yield from chunk.chunks()
        finally:
            for chunk in chunks:
                if not isinstance(chunk, str):
                    chunk.close()

    def _newline(self, level: int) -> str:
        while len(self._newlines) <= level:
            self._newlines.append("\n" + " " * (self._indent * len(self._newlines)))
        return self._newlines[level]

    def _write(self, value: Any, level: int, parts: list[str]) -> None:
        kind = type(value)
        if kind is str:
            parts.append(self._string(value))
            return
        write = self._writers.get(kind)
        if write is None:
            write = self._writers[kind] = self._writer_for(kind)
        write(value, level, parts)

    def _writer_for(self, kind: type) -> Callable[[Any, int, list[str]], None]:
        """How values of ``kind`` are written, worked out once per type: a result is millions of
        values of a few dozen types, and asking each value what it is took a fifth of the writing."""
        if kind is type(None):
            return lambda _value, _level, parts: parts.append("null")
        if kind is bool:
            return lambda value, _level, parts: parts.append("true" if value else "false")
        if dataclasses.is_dataclass(kind):
            return self._write_record
        if issubclass(kind, str):  # str-based enums: written as their value
            return lambda value, _level, parts: parts.append(self._string(value))
        if issubclass(kind, int):
            return lambda value, _level, parts: parts.append(int.__repr__(value))
        if issubclass(kind, float):
            return lambda value, _level, parts: parts.append(_float_text(value))
        if issubclass(kind, tuple | list):
            return self._write_list
        if kind is Prewritten:
            return self._write_prewritten
        if issubclass(kind, dict):
            return self._write_dict

        def refuse(_value: Any, _level: int, _parts: list[str]) -> None:
            raise TypeError(f"Object of type {kind.__name__} is not JSON serializable")

        return refuse

    def _write_list(self, items: tuple[Any, ...] | list[Any], level: int, parts: list[str], head: str = "") -> None:
        """``head``, then the list's text."""
        if not items:
            parts.append(head + "[]")
            return
        if len(items) >= self._spread_min and not self._in_piece and (
                self._spread_stream if self._streaming else self._spread) is not None:
            parts.append(head)
            self._write_list_spread(items, level, parts)
            return
        append, string = parts.append, self._string
        inner = self._newline(level + 1)
        separator = "," + inner
        label = head + "[" + inner
        for item in items:
            if item.__class__ is str:  # most items (ids, names): written here, after their comma
                append(label + string(item))
            else:
                self._write_after(label, item, level + 1, parts)
            label = separator
            if len(parts) > _CHUNK_PARTS:  # a long list: join what is written so far into one string
                self._chunks.append("".join(parts))
                parts.clear()
        append(self._newline(level) + "]")

    def _write_after(self, label: str, value: Any, level: int, parts: list[str]) -> None:
        """``label`` (a key, a comma or a bracket and the line break after it), then ``value``: the
        commonest kinds written here, with the label, the rest by :meth:`_write`."""
        kind = value.__class__
        if kind is dict:
            self._write_dict(value, level, parts, label)
        elif kind is list or kind is tuple:
            self._write_list(value, level, parts, label)
        elif value is None:
            parts.append(label + "null")
        elif kind is bool:
            parts.append(label + ("true" if value else "false"))
        elif kind is int:
            parts.append(label + int.__repr__(value))
        elif kind is float:
            parts.append(label + _float_text(value))
        else:
            parts.append(label)
            self._write(value, level, parts)

    def items_text(self, items: Sequence[Any], level: int) -> str:
        """Each of ``items`` as a list nested ``level`` deep writes it, every one after a comma and
        its line break (the first included): a run of a longer list, to be put in its place with
        :class:`Prewritten` by another process or later. No list inside is spread."""
        inner = self._newline(level + 1)
        saved, self._chunks = self._chunks, []
        self._in_piece = True
        out: list[str] = []
        try:
            self._write_items(items, "," + inner, level + 1, out)
            self._chunks.append("".join(out))
            return "".join(self._chunks)  # type: ignore[arg-type]  # nothing is spread inside
        finally:
            self._chunks = saved
            self._in_piece = False

    def _write_items(self, items: Iterable[Any], label: str, level: int, out: list[str]) -> None:
        """Items of a long list, each at ``level`` after its label (``label`` for the first, then a
        comma and a line break), a record by its own writer looked up once per run of one class."""
        separator = "," + self._newline(level)
        kind: type | None = None
        write: Callable[..., None] | None = None
        for item in items:
            if item.__class__ is not kind:
                kind = item.__class__
                write = self._record_for(kind, level) if dataclasses.is_dataclass(kind) else None
            if write is not None:
                write(item, out, label)
            else:
                self._write_after(label, item, level, out)
            label = separator
            if len(out) > _CHUNK_PARTS:  # join what is written so far into one string
                self._chunks.append("".join(out))
                out.clear()

    def _write_prewritten(self, value: Prewritten, level: int, parts: list[str]) -> None:
        if not self._streaming:
            raise TypeError("a pre-written list is written by stream() only")
        if value.empty:
            parts.append("[]")
            return
        parts.append("[")
        self._chunks.append("".join(parts))
        parts.clear()
        self._chunks.append(value)
        parts.append(self._newline(level) + "]")

    def _write_list_spread(self, items: tuple[Any, ...] | list[Any], level: int, parts: list[str]) -> None:
        """A long list as ``_write_list`` writes it, its pieces' texts computed by ``spread`` (or,
        streaming, ``spread_stream``)."""
        inner = self._newline(level + 1)
        size = -(-len(items) // _SPREAD_PIECES)

        def piece_text(piece: range) -> str:
            saved, self._chunks = self._chunks, []  # a piece's text is its own, whichever process writes it
            out: list[str] = []
            self._write_items(items[piece.start:piece.stop], ("[" if piece.start == 0 else ",") + inner, level + 1, out)
            self._chunks.append("".join(out))
            text = "".join(self._chunks)  # type: ignore[arg-type]  # nothing is spread inside a piece
            self._chunks = saved
            return text

        pieces = [range(i, min(i + size, len(items))) for i in range(0, len(items), size)]
        self._in_piece = True
        try:
            if self._streaming:
                assert self._spread_stream is not None
                spooled: list[str | SpreadPieces] = [
                    self._spread_stream(lambda piece: piece_text(piece).encode("utf-8"), pieces)]
            else:
                assert self._spread is not None
                spooled = list(self._spread(piece_text, pieces))
        finally:
            self._in_piece = False
        self._chunks.append("".join(parts))
        parts.clear()
        self._chunks.extend(spooled)
        parts.append(self._newline(level) + "]")

    def _write_dict(self, value: dict[Any, Any], level: int, parts: list[str], head: str = "") -> None:
        """``head``, then the dict's text: keys as text, sorted."""
        if not value:
            parts.append(head + "{}")
            return
        if not _STR_ONLY.issuperset(map(type, value)):  # a key to write as text first (an enum, a number)
            self._write_mapping(sorted((str(k), v) for k, v in value.items()), level, parts, head)
            return
        append, string = parts.append, self._string
        inner = self._newline(level + 1)
        separator = "," + inner
        label = head + "{" + inner
        for key in sorted(value):
            label += string(key) + ": "
            item = value[key]
            if item.__class__ is str:  # most values (ids, names, CIDRs): written here, with their key
                append(label + string(item))
            else:
                self._write_after(label, item, level + 1, parts)
            label = separator
        append(self._newline(level) + "}")

    def _write_mapping(self, items: list[tuple[str, Any]], level: int, parts: list[str], head: str = "") -> None:
        inner = self._newline(level + 1)
        first = True
        for key, item in items:
            parts.append((head + "{" if first else ",") + inner + self._string(key) + ": ")
            first = False
            self._write(item, level + 1, parts)
        parts.append(self._newline(level) + "}")

    def _write_record(self, record: Any, level: int, parts: list[str]) -> None:
        self._record_for(type(record), level)(record, parts)

    def _record_for(self, cls: type, level: int) -> Callable[..., None]:
        write = self._records.get((cls, level))
        if write is None:
            write = self._records[(cls, level)] = self._record_writer(cls, level)
        return write

    def _record_writer(self, cls: type, level: int) -> Callable[..., None]:
        """A writer of ``cls`` records nested ``level`` deep, generated once (see :class:`_RecordSource`):
        ``write(record, parts, head="")`` appends ``head`` and the record's text to ``parts``."""
        getters: dict[str, Callable[[Any], Any] | None] = {f.name: None for f in dataclasses.fields(cls)}
        getters.update(self._computed.get(cls, {}))
        try:
            hints = _hints(cls)
        except Exception:  # a hint that does not resolve here: every field written by its value alone
            hints = {}
        source = _RecordSource(self, level)
        repeated = self._repeated.get(cls, frozenset())
        for name in sorted(getters):
            getter = getters[name]
            source.field(name, getter, Any if getter is not None else hints.get(name, Any), name in repeated)
        return source.compile()


class _RecordSource:
    """The source of one generated record writer: ``write(r, parts, head="")``, straight-line code
    reading each field by name in sorted key order.

    Why generated, and from the type hints: a result is millions of records, and handing each field
    to :meth:`JsonWriter._write` (a lookup of how its type is written, then a call) was most of
    writing it. Runs of scalar fields (``str``, ``bool``, ``int``, ``float``, str enums, None) are
    written as one string when every value's class is one its hint names; a tuple of records loops
    straight into the item's own generated writer, a nested record or dict is called directly.
    Whatever value does not fit its hint is handed to ``_write``, which writes any value: the text
    depends on the values alone, the hints only choose the faster way to it.
    """

    def __init__(self, writer: JsonWriter, level: int) -> None:
        self._writer = writer
        self._level = level
        self._inner = writer._newline(level + 1)
        self._env: dict[str, Any] = {"_string": writer._string, "_self": writer,
                                     "_int": int.__repr__, "_float": _float_text, "_dict": writer._write_dict,
                                     "_after": writer._write_after, "_repeated": writer._repeated_text}
        self._lines = ["def write(r, parts, head=''):\n", "    append = parts.append\n"]
        self._run: list[tuple[int, str, str, list[tuple[str, str]]]] = []  # scalar fields not yet written
        self._fields = 0

    def field(self, name: str, getter: Callable[[Any], Any] | None, hint: Any, repeated: bool = False) -> None:
        """The next field in key order; ``repeated``: its strings' texts are looked up first."""
        i = self._fields
        self._fields += 1
        key = self._const(f"_k{i}", ("{" if i == 0 else ",") + self._inner + self._writer._string(name) + ": ")
        read = f"r.{name}" if getter is None else self._const(f"_get{i}", getter) + "(r)"
        value = f"v{i}"
        string = "_repeated" if repeated else "_string"
        scalars = _scalar_forms(hint, value, self._const, string) if getter is None else [
            (f"{value}.__class__ is str", f"{string}({value})")]
        if scalars is not None:
            self._run.append((i, key, read, scalars))
            return
        self._flush_run(closing=False)
        self._lines.append(f"    {value} = {read}\n")
        head = "head + " if i == 0 else ""
        self._lines += self._container(hint, value, head + key)

    def compile(self) -> Callable[..., None]:
        closing = self._const("_closing", self._writer._newline(self._level) + "}")
        if not self._fields:
            self._lines.append("    append(head + '{}')\n")
        elif self._run:
            self._flush_run(closing=True)
        else:
            self._lines.append(f"    append({closing})\n")
        exec("".join(self._lines), self._env)  # generated from the record's field names and hints only
        return typing.cast(Callable[..., None], self._env["write"])

    def _const(self, name: str, value: Any) -> str:
        self._env[name] = value
        return name

    def _flush_run(self, *, closing: bool) -> None:
        """The scalar fields read so far: one string when each value fits its hint, else one by one."""
        run, self._run = self._run, []
        if not run:
            return
        first = run[0][0] == 0
        self._lines += [f"    v{i} = {read}\n" for i, _key, read, _forms in run]
        guard = " and ".join("(" + " or ".join(test for test, _text in forms) + ")" for *_field, forms in run)
        text = "".join("{" + key + "}{" + _either(forms) + "}" for _i, key, _read, forms in run)
        self._lines += [f"    if {guard}:\n",
                        f"        append(f\"{'{head}' if first else ''}{text}{'{_closing}' if closing else ''}\")\n",
                        "    else:\n"]
        for i, key, _read, _forms in run:
            self._lines.append(f"        _after({'head + ' if i == 0 else ''}{key}, v{i}, {self._level + 1}, parts)\n")
        if closing:
            self._lines.append("        append(_closing)\n")

    def _container(self, hint: Any, value: str, key: str) -> list[str]:
        """Lines writing a field that is not a scalar: a record, a dict, a tuple of records or strings."""
        level = self._level + 1
        fallback = [f"    else:\n        _after({key}, {value}, {level}, parts)\n"]
        kind = _without_none(hint)
        origin = get_origin(kind)
        if dataclasses.is_dataclass(kind):
            cls = self._const(f"_c{value}", kind)
            nested = self._nested(kind, level, value)
            return [f"    if {value}.__class__ is {cls}:\n        {nested}({value}, parts, {key})\n", *fallback]
        if kind is dict or origin is dict:
            return [f"    if {value}.__class__ is dict:\n        _dict({value}, {level}, parts, {key})\n", *fallback]
        args = get_args(kind)
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis and (
                args[0] is str or dataclasses.is_dataclass(args[0])):
            return self._items(args[0], value, key) + fallback
        return [f"    if {value}.__class__ is str:\n        append({key} + _string({value}))\n", *fallback]

    def _items(self, item: type, value: str, key: str) -> list[str]:
        """A tuple written here, item by item, unless it is one ``_write_list`` would cut into pieces."""
        level = self._level + 2
        opening = self._const(f"_o{value}", "[" + self._writer._newline(level))
        separator = self._const(f"_s{value}", "," + self._writer._newline(level))
        closing = self._const(f"_e{value}", self._writer._newline(level - 1) + "]")
        if item is str:
            test, write = "x.__class__ is str", "append(s + _string(x))"
        else:
            test = f"x.__class__ is {self._const(f'_c{value}', item)}"
            write = f"{self._nested(item, level, value)}(x, parts, s)"
        return [f"    if {value}.__class__ is tuple and len({value}) < {_INLINE_ITEMS} and (\n"
                f"            _self._in_piece or len({value}) < _self._spread_min):\n",
                f"        if not {value}:\n            append({key} + '[]')\n",
                f"        else:\n            s = {key} + {opening}\n            for x in {value}:\n",
                f"                if {test}:\n                    {write}\n",
                f"                else:\n                    _after(s, x, {level}, parts)\n",
                f"                s = {separator}\n            append({closing})\n"]

    def _nested(self, cls: type, level: int, value: str) -> str:
        """The name of the writer of ``cls`` records at ``level``, looked up at its first call (a
        record type may hold itself)."""
        name = f"_w{value}"
        env, writer = self._env, self._writer

        def first_call(record: Any, parts: list[str], head: str = "") -> None:
            write = env[name] = writer._record_for(cls, level)
            write(record, parts, head)

        return self._const(name, first_call)


# Texts of strings of ``repeated`` fields kept by a writer.
_REPEATED_TEXTS = 1024

# Lists longer than this are left to ``_write_list``, which joins long lists' fragments as it goes.
_INLINE_ITEMS = 256


def _without_none(hint: Any) -> Any:
    """``X`` for ``X | None``; any other hint as it is."""
    if get_origin(hint) in (Union, types.UnionType):
        args = [a for a in get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return hint


def _scalar_forms(hint: Any, value: str, const: Callable[[str, Any], str],
                  string: str = "_string") -> list[tuple[str, str]] | None:
    """(test, text) expressions for each scalar class ``hint`` allows, or None if it allows anything
    else; ``string`` names the function writing a str."""
    members = get_args(hint) if get_origin(hint) in (Union, types.UnionType) else (hint,)
    forms = []
    for member in members:
        if member is type(None):
            forms.append((f"{value} is None", "'null'"))
        elif member is bool:
            forms.append((f"{value}.__class__ is bool", f"('true' if {value} else 'false')"))
        elif member in (str, int, float):
            text = {str: string, int: "_int", float: "_float"}[member]
            forms.append((f"{value}.__class__ is {member.__name__}", f"{text}({value})"))
        elif isinstance(member, type) and issubclass(member, enum.Enum) and issubclass(member, str | int):
            cls = const(f"_c{value}_{len(forms)}", member)  # written as its value, like _writer_for writes it
            forms.append((f"{value}.__class__ is {cls}", f"_string({value})" if issubclass(member, str)
                           else f"_int({value})"))
        else:
            return None
    return forms


def _either(forms: list[tuple[str, str]]) -> str:
    """One expression for the text of a value that passed one of ``forms``' tests."""
    text = forms[-1][1]
    for test, form_text in reversed(forms[:-1]):
        text = f"{form_text} if {test} else {text}"
    return text


class Prewritten:
    """A list whose items' text is already written (by :meth:`JsonWriter.items_text`, in runs,
    each item after ``,`` and its line break), possibly in other processes' files: ``stream``
    writes it in place of a list, the first item's comma left out. Why: an organization's
    findings and paths are written where they are computed, and only copied into the result."""

    def __init__(self, runs: Sequence[Chunk]) -> None:
        self._runs = [run for run in runs if (run.size if isinstance(run, FileRange) else len(run))]
        self.empty = not self._runs

    def chunks(self) -> Iterator[Chunk]:
        for i, run in enumerate(self._runs):
            if i:
                yield run
            elif isinstance(run, FileRange):  # the first item's comma: the list's "[" stands there
                yield FileRange(run.fd, run.offset + 1, run.size - 1)
            else:
                yield run[1:]

    def close(self) -> None:
        """The runs' files belong to whoever wrote them."""


# ``spread(write_piece, pieces)`` is ``[write_piece(p) for p in pieces]``, however computed.
Spread = Callable[[Callable[[range], str], list[range]], list[str]]


class SpreadPieces(Protocol):
    """The pieces' bytes in order, wherever they were computed (:class:`~vpcaudit.engine.parallel.Spooled`)."""

    def chunks(self) -> Iterator[Chunk]: ...

    def close(self) -> None: ...


# ``spread_stream(write_piece, pieces)`` holds ``write_piece(p)`` (bytes) for every piece, in order.
StreamSpread = Callable[[Callable[[range], bytes], list[range]], SpreadPieces]

# Characters of a text chunk encoded at a time when streaming.
_ENCODE_SLICE = 1 << 24

# The classes of the keys of a dict written without turning them into text first.
_STR_ONLY = frozenset({str})

# Pieces a spread list is cut into: enough for each of a few processes to take several, so
# pieces of unequal weight even out, and for an organization's pieces (its 240,000 findings,
# 1.6 million paths) to stay a few MB each: a piece text above the C allocator's largest mmap
# threshold (32 MiB) is fresh memory every time, and its page faults cost more than writing it
# (with 32 pieces, half the JSON result's time at 500 accounts went to the kernel); few enough
# that each is worth sending back.
_SPREAD_PIECES = 256

# Fragments held before they are joined into one chunk: an organization's result is millions of
# fragments, each a small string object of its own until joined.
_CHUNK_PARTS = 1 << 16


def _float_text(value: float) -> str:
    """A float as ``json.dumps(..., allow_nan=False)`` writes it: NaN and the infinities are not
    JSON (most parsers reject them), so writing one is an error, never a file a pipeline cannot read."""
    if not math.isfinite(value):
        raise ValueError(f"Out of range float values are not JSON compliant: {value!r}")
    return float.__repr__(value)
