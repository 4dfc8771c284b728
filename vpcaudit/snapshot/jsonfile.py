"""Snapshot files: deterministic JSON out, strict JSON in, one-line errors naming the field.

Why apart from the model: the records are plain values; turning them into text and back
(and telling a user precisely which field of which file is wrong) is a job of its own.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from vpcaudit.errors import UsageError
from vpcaudit.files import atomic_write_text
from vpcaudit.snapshot import stream
from vpcaudit.snapshot.bulk import without_cycle_collection
from vpcaudit.snapshot.codec import DecodeError, JsonWriter, from_jsonable
from vpcaudit.snapshot.model import SCHEMA_VERSION, Snapshot, normalised

# A real snapshot nests about ten levels; far deeper input is hostile, and it would break the code
# that walks it later (Python's recursion limit) instead of failing here with one line.
MAX_DEPTH = 100


class SnapshotError(UsageError):
    """A file is not a usable snapshot; the message names the file and the field."""



# Sorted keys, one-space indent, UTF-8 text: json.dumps(to_jsonable(…), sort_keys=True, indent=1,
# ensure_ascii=False), written without the intermediate copy.
_WRITER = JsonWriter(indent=1, ensure_ascii=False)


def to_json(snapshot: Snapshot) -> str:
    return _WRITER.dumps(normalised(snapshot)) + "\n"


def _not_a_number(name: str) -> Any:
    """Python's json accepts NaN and Infinity; JSON does not, and no snapshot field may hold them."""
    raise ValueError(f"{name} is not a JSON number")


def _other_document(data: Any) -> str | None:
    """What a JSON file vpcaudit wrote is, when it is not a snapshot (the usual mix-up: result.json)."""
    if not isinstance(data, dict):
        return None
    if "findings" in data and "scopes" in data:
        return "an audit result (result.json)"
    if "compared" in data and "only_before" in data:
        return "a diff (diff.json)"
    if "runs" in data and "version" in data:
        return "a SARIF log"
    return None


def too_deep(data: Any, limit: int = MAX_DEPTH) -> bool:
    """True when JSON data nests lists and objects more than ``limit`` levels (walked without recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > limit:
                return True
            stack.extend((item, depth + 1) for item in (value.values() if isinstance(value, dict) else value))
    return False


def from_json(text: str, source: str = "<snapshot>") -> Snapshot:
    """Parse snapshot JSON; every failure is a SnapshotError naming ``source`` and the field."""
    too_nested = SnapshotError(f"{source}: malformed snapshot: nested more than {MAX_DEPTH} levels deep")
    try:
        data = json.loads(text, parse_constant=_not_a_number)
    except RecursionError:
        raise too_nested from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        problem = f"{exc.msg} {where}" if exc.msg.endswith(" at") else f"{exc.msg} at {where}"
        # A string still open at the end of the file, or an error at its very end: the file was cut off.
        cut = exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string")
        raise SnapshotError(f"{source}: not valid JSON: {problem}"
                            + (" (the file looks truncated)" if cut else "")) from None
    except ValueError as exc:  # a NaN / Infinity constant, or an integer too long to convert
        raise SnapshotError(f"{source}: not valid JSON: {exc}") from None
    if too_deep(data):
        raise too_nested
    other = _other_document(data)
    if other:
        raise SnapshotError(f"{source}: this is {other}, not a snapshot: audit, diff and path read a collected "
                            "snapshot (snapshot.json)")
    _check_schema(data, source)
    try:
        with without_cycle_collection():
            return stream.shared_catalogues(from_jsonable(Snapshot, data))
    except DecodeError as exc:
        raise SnapshotError(f"{source}: field '{exc.path}' {exc.problem}") from None


def _check_schema(data: object, source: str) -> None:
    if not isinstance(data, dict) or "schema_version" not in data:
        raise SnapshotError(f"{source}: not a vpcaudit snapshot (no 'schema_version' field at the top level)")
    version = data["schema_version"]
    if not isinstance(version, str) or version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        raise SnapshotError(f"{source}: field 'schema_version' is {version!r}; this vpcaudit reads "
                            f"schema {SCHEMA_VERSION.split('.')[0]}.x snapshots")


def load(path: str | os.PathLike[str]) -> Snapshot:
    """A snapshot file, read one Region at a time (see :mod:`vpcaudit.snapshot.stream`); a file
    that cannot be read that way is read whole, so its error names the line, column or field."""
    p = Path(path)
    try:
        with p.open(encoding="utf-8") as source, without_cycle_collection():
            snapshot, top = stream.read(source)
        _check_schema(top, str(p))
        return snapshot
    except stream.Unreadable:
        pass
    except FileNotFoundError:
        raise SnapshotError(f"{p}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SnapshotError(f"{p}: cannot read: {exc}") from None
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SnapshotError(f"{p}: cannot read: {exc}") from None
    return from_json(text, str(p))


def save(snapshot: Snapshot, path: str | os.PathLike[str]) -> None:
    atomic_write_text(path, to_json(snapshot))
