"""Generic, strict JSON (de)serialisation for the frozen snapshot records.

Why one generic codec instead of hand-written ``to_json`` per record: every record is a
frozen dataclass of plain types, tuples and other records, so one type-directed codec keeps
the JSON shape and the Python shape from drifting apart, and reports the *path* of the first
field that does not fit (the snapshot loader turns that into a user-facing message).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from functools import cache
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

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
    """Build ``cls`` from JSON data, checking every field's type on the way."""
    return typing.cast(T, _decode(cls, data, path))


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
        return tp(**kwargs)
    if tp is float:
        if isinstance(data, bool) or not isinstance(data, int | float):
            raise DecodeError(path, f"expected a number, got {type(data).__name__}")
        return float(data)
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
