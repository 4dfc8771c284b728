"""Validate result and diff JSON against the published schemas (docs/*.schema.json, draft 2020-12)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

DOCS = Path(__file__).resolve().parents[2] / "docs"


@cache
def validator(kind: str) -> Draft202012Validator:
    """The validator of ``docs/<kind>.schema.json`` (``result`` or ``diff``)."""
    schema = json.loads((DOCS / f"{kind}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def schema_errors(kind: str, data: Any) -> list[str]:
    """Every place ``data`` breaks the schema, as 'path: message'; [] when it validates."""
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '$'}: {e.message}"
            for e in sorted(validator(kind).iter_errors(data), key=lambda e: list(e.absolute_path))]


def check_result(data: Any) -> Any:
    errors = schema_errors("result", data)
    assert errors == [], f"result JSON breaks docs/result.schema.json: {errors[:5]}"
    return data


def check_diff(data: Any) -> Any:
    errors = schema_errors("diff", data)
    assert errors == [], f"diff JSON breaks docs/diff.schema.json: {errors[:5]}"
    return data
