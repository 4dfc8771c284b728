"""The published JSON Schemas are the source of truth of the result and diff documents.

Every rendered document is validated against them (tests/conftest.py); here: the schemas are
valid draft 2020-12, describe every property, match the dataclasses field for field (so a new
field cannot ship undocumented), accept the golden file, and the hook really rejects a document
that breaks them.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import typing
from pathlib import Path
from typing import Any

import pytest
from schema_check import DOCS, check_result, schema_errors, validator

from vpcaudit.engine.diff import AuditDiff
from vpcaudit.engine.result import AuditResult
from vpcaudit.render.base import Formatter, FormatterSet
from vpcaudit.snapshot.model import Part

GOLDEN = Path(__file__).parents[1] / "render" / "golden" / "result.json"
COMPUTED = {"Finding": {"fingerprint", "fix_cli", "fix_terraform", "fix_cloudformation"},
            "FindingChange": {"fingerprint"}, "AuditDiff": {"summary"}}
# The JSON diff writes each finding's stored fields and fingerprint, not the rendered fix texts.
DIFF_OMITS = {"Finding": {"fix_cli", "fix_terraform", "fix_cloudformation"}}


def _records(root: type) -> dict[str, type]:
    """Every dataclass reachable from ``root``, by name."""
    found: dict[str, type] = {}

    def walk(tp: Any) -> None:
        for arg in typing.get_args(tp):
            walk(arg)
        if dataclasses.is_dataclass(tp) and tp.__name__ not in found:
            found[tp.__name__] = tp
            for hint in typing.get_type_hints(tp).values():
                walk(hint)

    walk(root)
    return found


@pytest.mark.parametrize(("kind", "root"), [("result", AuditResult), ("diff", AuditDiff)])
def test_the_schema_has_every_field_of_the_records_and_no_other(kind: str, root: type) -> None:
    schema = validator(kind).schema
    for name, record in _records(root).items():
        node = schema if record is root else schema["$defs"][name]
        stored = {f.name for f in dataclasses.fields(record)}
        computed = COMPUTED.get(name, set()) - (DIFF_OMITS.get(name, set()) if kind == "diff" else set())
        assert set(node["properties"]) == stored | computed, name
        # A diff's finding lists require the fingerprint (allOf), the findings inside a change do not.
        assert node["additionalProperties"] is False and stored <= set(node["required"]), name


@pytest.mark.parametrize("kind", ["result", "diff"])
def test_the_schema_names_every_snapshot_part_in_the_models_order(kind: str) -> None:
    """A part added to the snapshot is named by the schemas too, where the model lists it."""
    parts = [node["properties"]["part"]["enum"] for node in validator(kind).schema["$defs"].values()
             if "part" in node.get("properties", {}) and "enum" in node["properties"]["part"]]
    assert parts and all(enum == [p.value for p in Part] for enum in parts)


@pytest.mark.parametrize("kind", ["result", "diff"])
def test_every_property_is_described(kind: str) -> None:
    schema = validator(kind).schema
    nodes = [schema, *schema["$defs"].values()]
    missing = [name for node in nodes for name, prop in node.get("properties", {}).items()
               if not prop.get("description")]
    assert missing == []
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_golden_result_validates() -> None:
    check_result(json.loads(GOLDEN.read_text(encoding="utf-8")))


def test_a_document_that_breaks_the_schema_is_reported_by_path() -> None:
    data = json.loads(GOLDEN.read_text(encoding="utf-8"))
    data["findings"][0]["severity"] = "urgent"
    del data["prices"]
    errors = schema_errors("result", data)
    assert any(e.startswith("findings/0/severity: 'urgent' is not one of") for e in errors)
    assert any(e.startswith("$: 'prices' is a required property") for e in errors)


def test_every_in_process_render_is_checked() -> None:
    broken = FormatterSet("report", (Formatter("json", "result.json", lambda _: '{"schema_version": "1.0"}'),))
    with pytest.raises(AssertionError, match=r"breaks docs/result\.schema\.json"):
        broken.render(object(), "json")


@pytest.mark.parametrize("kind", ["result", "diff"])
def test_the_readable_docs_are_generated_from_the_schemas(kind: str) -> None:
    spec = importlib.util.spec_from_file_location("schema_doc", DOCS / "schema_doc.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = (DOCS / module.DOCUMENTS[kind]).read_text(encoding="utf-8")
    assert committed == module.markdown(kind), f"regenerate with: python docs/schema_doc.py ({kind})"
