"""Snapshot files: deterministic JSON out, strict JSON in, one-line errors naming the field.

Why apart from the model: the records are plain values; turning them into text and back
(and telling a user precisely which field of which file is wrong) is a job of its own.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from vpcaudit.errors import UsageError
from vpcaudit.files import atomic_write_text
from vpcaudit.snapshot import layout, stream, strictjson
from vpcaudit.snapshot.bulk import without_cycle_collection
from vpcaudit.snapshot.codec import DecodeError, JsonWriter, from_jsonable
from vpcaudit.snapshot.model import SCHEMA_VERSION, Snapshot, normalised
from vpcaudit.textfile import read_text


class SnapshotError(UsageError):
    """A file is not a usable snapshot; the message names the file and the field."""



# Sorted keys, one-space indent, UTF-8 text: json.dumps(to_jsonable(…), sort_keys=True, indent=1,
# ensure_ascii=False), written without the intermediate copy.
_WRITER = JsonWriter(indent=1, ensure_ascii=False)


def to_json(snapshot: Snapshot) -> str:
    return _WRITER.dumps(normalised(snapshot), end="\n")


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


def from_json(text: str, source: str = "<snapshot>") -> Snapshot:
    """Parse snapshot JSON; every failure is a SnapshotError naming ``source`` and the field."""
    try:
        data = strictjson.loads(text)
    except strictjson.NotJson as exc:
        raise SnapshotError(f"{source}: {'malformed snapshot: ' if exc.too_deep else ''}{exc}") from None
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
    """A snapshot file: in the writer's layout, one account at a time (see
    :mod:`vpcaudit.snapshot.layout`, decoded by msgspec where it is installed); else one Region at
    a time (see :mod:`vpcaudit.snapshot.stream`); a file that cannot be read either way is read
    whole, so its error names the line, column or field."""
    p = Path(path)
    opened = layout.snapshot_file(p)
    if opened is not None:
        try:
            with without_cycle_collection():
                return opened.snapshot()
        except stream.Unreadable:
            pass
        finally:
            opened.close()
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
        text = read_text(p)
    except (OSError, UnicodeDecodeError) as exc:
        raise SnapshotError(f"{p}: cannot read: {exc}") from None
    return from_json(text, str(p))


def save(snapshot: Snapshot, path: str | os.PathLike[str]) -> None:
    atomic_write_text(path, to_json(snapshot))
