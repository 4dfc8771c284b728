"""Reading a JSON audit result back: what ``vpcaudit fix`` plans from, without re-auditing.

Why a result and not the snapshot: the plan must fix exactly the findings the reviewer read —
the same suppressions, selection and prices — so it reads the very document the audit wrote
(``-f json``), strictly: a wrong file fails in one line naming the field, never halfway.
"""

from __future__ import annotations

import os
from pathlib import Path

from vpcaudit.engine.result import AuditResult
from vpcaudit.engine.runner import RESULT_SCHEMA_VERSION
from vpcaudit.errors import UsageError
from vpcaudit.snapshot import strictjson
from vpcaudit.snapshot.codec import DecodeError, from_jsonable
from vpcaudit.textfile import read_text

SETTING = "result"


def result_from_json(text: str, source: str = "<result>") -> AuditResult:
    """Parse a result document; every failure is a :class:`UsageError` naming ``source``."""
    try:
        data = strictjson.loads(text)
    except strictjson.NotJson as exc:
        raise UsageError(f"{source}: {'malformed result: ' if exc.too_deep else ''}{exc}", setting=SETTING) from None
    if not isinstance(data, dict) or "findings" not in data or "schema_version" not in data:
        raise UsageError(f"{source}: not a vpcaudit audit result (write one with `-f json`)", setting=SETTING)
    major = RESULT_SCHEMA_VERSION.split(".")[0]
    version = data["schema_version"]
    if not isinstance(version, str) or version.split(".")[0] != major:
        raise UsageError(f"{source}: result schema_version is {version!r}; this vpcaudit reads {major}.x",
                         setting=SETTING)
    try:
        return from_jsonable(AuditResult, data)
    except DecodeError as exc:
        raise UsageError(f"{source}: field '{exc.path}' {exc.problem}", setting=SETTING) from None


def load_result(path: str | os.PathLike[str]) -> AuditResult:
    p = Path(path)
    try:
        text = read_text(p)
    except FileNotFoundError:
        raise UsageError(f"{p}: no such file", setting=SETTING) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{p}: cannot read: {exc}", setting=SETTING) from None
    return result_from_json(text, str(p))
